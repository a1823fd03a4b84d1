// The call log hook: a record per system call, with what strace would show (descriptor,
// arguments, result or errno) and what it cannot (the peer, the bytes, the classic name).
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import test from 'ava';

import { constants, createSocket, socketpair, type SocketCall } from '../../../lib/socket/index.js';
import { childScript } from '../helpers.js';
import { straceLine } from './strace-format.js';

interface Printed extends Omit<SocketCall, 'data' | 'error'> {
  data: string | null;
  error: string | null;
}

test('the socket lesson’s seqpacket echo, line by line as the `rawprobe socket` command will print it', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'rawprobe-lesson-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  // In its own directory, so that the socket path can be the lesson's "./lesson.sock".
  const real = spawn(process.execPath, [childScript('classic-lesson')], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  real.stdout.setEncoding('utf8').on('data', (c: string) => (out += c));
  real.stderr.setEncoding('utf8').on('data', (c: string) => (err += c));
  const code = await new Promise<number | null>((resolve) => real.on('exit', resolve));
  t.is(code, 0, err);
  const records = out.trim().split('\n').map((l) => JSON.parse(l) as Printed);
  const lines = records.map((r) => straceLine({ ...r, data: r.data === null ? null : Buffer.from(r.data, 'latin1'), error: r.error === null ? null : ({ code: r.error } as SocketCall['error']) }));
  const s = records[0]!.result;
  const a = records.find((r) => r.call === 'accept')!.result;
  t.deepEqual(lines, [
    `socket(AF_UNIX, SOCK_SEQPACKET, 0) = ${s}`,
    `bind(${s}, "./lesson.sock") = 0`,
    `listen(${s}, 128) = 0`,
    `accept(${s}) = ${a}  peer: (unnamed)`,
    `recv(${a}, 65536) = 5 bytes "hello"`,
    `send(${a}, 5 bytes) = 5`,
    `recv(${a}, 65536) = -1 EAGAIN`,
    `recv(${a}, 65536) = 3 bytes "bye"`,
    `close(${a}) = 0`,
    `close(${s}) = 0`,
  ]);
  t.true(a > s);
  t.is(records.find((r) => r.call === 'accept')!.syscall, 'accept4', 'the system call that really ran');
});

test('a TCP connect is two records: EINPROGRESS, then its outcome read with getsockopt(SO_ERROR)', async (t) => {
  const server = createSocket({ family: 'inet', type: 'stream' }).bind('127.0.0.1', 0).listen();
  t.teardown(() => server.close());
  const port = server.address().port as number;
  const calls: SocketCall[] = [];
  const client = createSocket({ family: 'inet', type: 'stream', onCall: (c) => calls.push(c) });
  t.teardown(() => client.close());
  client.setOption('TCP_NODELAY', true);
  await client.connect('127.0.0.1', port);
  const fd = client.fd;
  t.deepEqual(calls.map(straceLine), [
    `socket(AF_INET, SOCK_STREAM, 0) = ${fd}`,
    `setsockopt(${fd}, IPPROTO_TCP, TCP_NODELAY, 1) = 0`,
    `connect(${fd}, 127.0.0.1:${port}) = -1 EINPROGRESS`,
    `connect(${fd}, 127.0.0.1:${port}) = 0`,
  ]);
  t.deepEqual(calls.map((c) => c.syscall), ['socket', 'setsockopt', 'connect', 'getsockopt']);
  t.true(calls.every((c, i) => i === 0 || c.time >= calls[i - 1]!.time), 'in the order they returned');
  t.is(calls[2]?.error?.errno, -constants.EINPROGRESS);
});

test('socketpair, shutdown, getsockopt and a refused call, as records', async (t) => {
  const calls: SocketCall[] = [];
  const [a, b] = socketpair('unix', 'stream', { onCall: (c) => calls.push(c) });
  t.teardown(() => {
    a.close();
    b.close();
  });
  a.shutdown('write');
  t.is(a.getOption('SO_TYPE'), 1);
  t.is(b.remoteAddress().address, '');
  t.is(t.throws(() => a.setOption('SO_SNDLOWAT', 1))?.message, 'setsockopt ENOPROTOOPT SO_SNDLOWAT: Linux does not let you change SO_SNDLOWAT (socket(7)); it always reads 1');
  t.deepEqual(calls.map(straceLine), [
    `socketpair(AF_UNIX, SOCK_STREAM, 0) = 0 [${a.fd}, ${b.fd}]`,
    `shutdown(${a.fd}, SHUT_WR) = 0`,
    `getsockopt(${a.fd}, SOL_SOCKET, SO_TYPE) = 0`,
    `getpeername(${b.fd}) = 0`,
    `setsockopt(${a.fd}, SOL_SOCKET, SO_SNDLOWAT, 1) = -1 ENOPROTOOPT`,
  ]);
  t.is(calls[2]?.value, 1, 'getsockopt records the value it read');
  t.deepEqual(calls[1]?.fds, null);
});
