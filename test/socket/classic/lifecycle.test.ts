// Descriptors over many connections, and what an accepted socket inherits: non-blocking and
// close-on-exec from accept4 itself, the call log hook on purpose, nothing else.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

import test from 'ava';

import { createSocket, type SocketCall } from '../../../lib/socket/index.js';
import { openFds } from './helpers.js';

const O_NONBLOCK = 0o4000;
const O_CLOEXEC = 0o2000000;

/** The open flags of one of our descriptors, from /proc/self/fdinfo (octal). */
function fdFlags(fd: number): number {
  const line = readFileSync(`/proc/self/fdinfo/${fd}`, 'utf8').split('\n').find((l) => l.startsWith('flags:'));
  return parseInt((line ?? 'flags: 0').slice(6).trim(), 8);
}

for (const family of ['inet', 'unix'] as const) {
  // Serial: a test running beside it would open and close descriptors of its own.
  test.serial(`10,000 ${family} stream connect/accept/close cycles leave no descriptor behind`, async (t) => {
    const server = createSocket({ family, type: 'stream' })
      .bind(family === 'inet' ? '127.0.0.1' : `\0rawprobe-cycles-${process.pid}`, 0)
      .listen();
    t.teardown(() => server.close());
    const { address, port } = server.address();
    const before = openFds();
    const peers = new Set<string>();
    for (let i = 0; i < 10_000; i++) {
      const client = createSocket({ family, type: 'stream' });
      const [accepted] = await Promise.all([server.accept({ timeout: 20_000 }), client.connect(address, port ?? 0, { timeout: 20_000 })]);
      if (family === 'inet') peers.add(`${accepted.peer.port}`);
      accepted.socket.close();
      client.close();
    }
    t.is(openFds(), before);
    if (family === 'inet') t.true(peers.size > 1000, `${peers.size} distinct client ports: real, separate connections`);
  });
}

test('an accepted socket is non-blocking and close-on-exec, inherits the call log hook, and nothing else', async (t) => {
  const calls: SocketCall[] = [];
  const server = createSocket({ family: 'inet', type: 'stream', onCall: (c) => calls.push(c), timeout: 5000 }).bind('127.0.0.1', 0).listen();
  t.teardown(() => server.close());
  server.on('error', () => t.fail());
  const client = createSocket({ family: 'inet', type: 'stream' });
  t.teardown(() => client.close());
  let connectEvents = 0;
  client.on('connect', () => connectEvents++);
  const [{ socket, peer }] = await Promise.all([server.accept(), client.connect('127.0.0.1', server.address().port as number)]);
  t.is(connectEvents, 1, "the client emitted 'connect'");
  t.teardown(() => socket.close());
  const flags = fdFlags(socket.fd);
  t.is(flags & O_NONBLOCK, O_NONBLOCK, 'O_NONBLOCK');
  t.is(flags & O_CLOEXEC, O_CLOEXEC, 'O_CLOEXEC');
  t.deepEqual(peer, client.address());
  t.is(socket.timeout, null, 'the listening socket’s timeout is not inherited');
  t.is(socket.listenerCount('error'), 0);
  t.is(socket.onCall, server.onCall);
  await socket.sendAll('x');
  t.deepEqual(calls.slice(-1).map((c) => [c.call, c.fd, c.result]), [['send', socket.fd, 1]]);
  // A program started now does not get the descriptor.
  const childFds = execFileSync('sh', ['-c', 'ls /proc/$$/fd'], { encoding: 'utf8' }).split(/\s+/).filter(Boolean).map(Number);
  t.false(childFds.includes(socket.fd), `${socket.fd} not in ${childFds.join(' ')}`);
  t.false(childFds.includes(server.fd));
});

test("the 'connection' event: each accepted socket with its peer, the listener added before listen()", async (t) => {
  const server = createSocket({ family: 'inet6', type: 'stream' }).bind('::1', 0);
  t.teardown(() => server.close());
  const peers: number[] = [];
  const served = new Promise<void>((resolve) => {
    server.on('connection', (socket, peer) => {
      peers.push(peer.port as number);
      void socket.sendAll(`you are ${peer.port}`).then(() => socket.close());
      if (peers.length === 3) resolve();
    });
  });
  server.listen();
  const port = server.address().port as number;
  const answers = await Promise.all(
    [1, 2, 3].map(async () => {
      const c = createSocket({ family: 'inet6', type: 'stream' });
      await c.connect('::1', port);
      const own = c.address().port;
      const answer = (await c.recv(100, { timeout: 10_000 })).toString();
      c.close();
      return [answer, own] as const;
    }),
  );
  await served;
  for (const [answer, own] of answers) t.is(answer, `you are ${own}`);
  t.deepEqual([...peers].sort(), answers.map(([, own]) => own as number).sort());
});
