// What only unix sockets do: pass a descriptor to another process (SCM_RIGHTS), say who is at
// the other end (SO_PEERCRED); and socketpair, where the three types show their boundaries.
import { closeSync, openSync, readFileSync, readSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import test, { type ExecutionContext } from 'ava';

import { createSocket, socketpair, type Socket, type SocketType } from '../../../lib/socket/index.js';
import { runChild } from '../helpers.js';
import { pythonTest, tempDir } from './helpers.js';

const ptest = pythonTest(test);

/**
 * A unix listener of `type` at `path`, a Python child running `script` (the path its argument),
 * and the connection it made: each closed or killed when the test ends.
 */
async function acceptPython(t: ExecutionContext, type: SocketType, path: string, script: string): Promise<{ socket: Socket; py: ReturnType<typeof runChild> }> {
  const server = createSocket({ family: 'unix', type }).bind(path).listen();
  t.teardown(() => server.close());
  const py = runChild('python3', ['-c', script, path]);
  t.teardown(() => py.child.kill('SIGKILL'));
  const { socket } = await server.accept({ timeout: 20_000 });
  t.teardown(() => socket.close());
  return { socket, py };
}
const O_CLOEXEC = 0o2000000;

function readAll(fd: number): string {
  const buffer = Buffer.alloc(4096);
  const n = readSync(fd, buffer, 0, buffer.length, null);
  return buffer.subarray(0, n).toString();
}

function fdFlags(fd: number): number {
  const line = readFileSync(`/proc/self/fdinfo/${fd}`, 'utf8').split('\n').find((l) => l.startsWith('flags:'));
  return parseInt((line ?? 'flags: 0').slice(6).trim(), 8);
}

function closeBoth(t: { teardown(fn: () => void): void }, pair: [Socket, Socket]): [Socket, Socket] {
  t.teardown(() => {
    pair[0].close();
    pair[1].close();
  });
  return pair;
}

test('SCM_RIGHTS between two sockets of a pair: the received descriptor reads the same file', async (t) => {
  const [a, b] = closeBoth(t, socketpair('unix', 'stream'));
  const file = join(tempDir(t), 'passed.txt');
  writeFileSync(file, 'read me through another descriptor');
  const fd = openSync(file, 'r');
  t.teardown(() => closeSync(fd));
  t.is(await a.sendFds('!', [fd]), 1);
  const message = await b.recvFds(16, 4, { timeout: 10_000 });
  t.is(message.data.toString(), '!');
  t.is(message.fds.length, 1);
  const received = message.fds[0] as number;
  t.teardown(() => closeSync(received));
  t.not(received, fd, 'a new descriptor, for the same open file');
  t.is(fdFlags(received) & O_CLOEXEC, O_CLOEXEC, 'received close-on-exec (MSG_CMSG_CLOEXEC)');
  t.is(readAll(received), 'read me through another descriptor');
});

const PIPE_SENDER = `
import os, socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.settimeout(20)
s.connect(sys.argv[1])
r, w = os.pipe()
os.write(w, b'written by python into a pipe')
os.close(w)
socket.send_fds(s, [b'pipe'], [r])
os.close(r)
s.recv(1)
`;

ptest('SCM_RIGHTS from Python: it passes the read end of a pipe, we read what it wrote', async (t) => {
  const { socket, py } = await acceptPython(t, 'stream', join(tempDir(t), 'fds.sock'), PIPE_SENDER);
  const message = await socket.recvFds(64, 4, { timeout: 20_000 });
  t.is(message.data.toString(), 'pipe');
  const fd = message.fds[0] as number;
  t.teardown(() => closeSync(fd));
  t.is(readAll(fd), 'written by python into a pipe');
  socket.close();
  t.is((await py.exited()).code, 0, py.stderr());
});

const FD_READER = `
import os, socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
s.settimeout(20)
s.connect(sys.argv[1])
msg, fds, flags, addr = socket.recv_fds(s, 64, 4)
os.lseek(fds[0], 0, os.SEEK_SET)
print(msg.decode(), os.read(fds[0], 4096).decode(), flush=True)
`;

ptest('SCM_RIGHTS to Python: we pass a file descriptor, Python reads the file through it', async (t) => {
  const dir = tempDir(t);
  const path = join(dir, 'fds.sock');
  writeFileSync(join(dir, 'for-python.txt'), 'python reads this');
  const fd = openSync(join(dir, 'for-python.txt'), 'r');
  t.teardown(() => closeSync(fd));
  const { socket, py } = await acceptPython(t, 'seqpacket', path, FD_READER);
  await socket.sendFds('file', [fd]);
  t.is(await py.nextLine(() => true), 'file python reads this');
  t.is((await py.exited()).code, 0, py.stderr());
});

ptest('SO_PEERCRED names the process at the other end: Python’s pid, our uid and gid', async (t) => {
  const script = 'import socket, sys, os\ns = socket.socket(socket.AF_UNIX)\ns.connect(sys.argv[1])\nprint(os.getpid(), flush=True)\ns.recv(1)';
  const { socket, py } = await acceptPython(t, 'stream', join(tempDir(t), 'cred.sock'), script);
  const pid = Number(await py.nextLine(() => true));
  t.deepEqual(socket.peerCredentials(), { pid, uid: process.getuid!(), gid: process.getgid!() });
  t.is(py.child.pid, pid);
  const [a, b] = closeBoth(t, socketpair());
  t.is(a.peerCredentials().pid, process.pid, 'a pair: this process at both ends');
  t.is(b.peerCredentials().pid, process.pid);
});

const BOUNDARIES: Record<Exclude<SocketType, 'raw' | 'rdm'>, string[]> = {
  // A byte stream: the three sends come out as one run of bytes.
  stream: ['onetwothree'],
  // Messages: one recv, one message, whatever the buffer size.
  seqpacket: ['one', 'two', 'three'],
  dgram: ['one', 'two', 'three'],
};

for (const type of ['stream', 'seqpacket', 'dgram'] as const) {
  test(`socketpair ${type}: three sends, then recv until nothing is left: ${JSON.stringify(BOUNDARIES[type])}`, async (t) => {
    const [a, b] = closeBoth(t, socketpair('unix', type));
    t.is(a.type, type);
    for (const m of ['one', 'two', 'three']) await a.sendAll(m);
    const got: string[] = [];
    for (;;) {
      try {
        got.push((await b.recv(65536, { timeout: 0 })).toString());
      } catch {
        break; // EAGAIN: nothing left
      }
    }
    t.deepEqual(got, BOUNDARIES[type]);
    if (type !== 'dgram') {
      // shutdown('write'): the other side's recv answers 0 bytes, the end.
      a.shutdown('write');
      t.is((await b.recv(100, { timeout: 10_000 })).length, 0);
      // ... and it can still answer.
      await b.sendAll('reply');
      t.is((await a.recv()).toString(), 'reply');
    }
  });
}

test('recvInto reads into the caller’s buffer (Python’s recv_into) and gives 0 at the end', async (t) => {
  const [a, b] = closeBoth(t, socketpair('unix', 'stream'));
  const buffer = Buffer.alloc(8, 0xee);
  await a.sendAll('abcdef');
  t.is(await b.recvInto(buffer.subarray(2)), 6);
  t.is(buffer.toString('latin1'), '\xee\xeeabcdef');
  a.shutdown('write');
  t.is(await b.recvInto(buffer), 0);
  t.is((await t.throwsAsync(b.recvInto(Buffer.alloc(0))))?.message, 'buffer must hold at least one byte');
});
