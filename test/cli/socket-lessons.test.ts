// The four lessons `rawprobe socket` teaches by showing (README, "socket"), each through the real
// CLI, with a peer we did not write where one helps: SO_REUSEADDR and a second bind while
// connections wait in TIME_WAIT; stream bytes merging where seqpacket and dgram keep the same
// sends apart; what shutdown(write) does to the peer's recv; SO_LINGER 0 turning close into a reset.
import { once } from 'node:events';
import { connect as netConnect } from 'node:net';

import test from 'ava';

import { loopbackTcpSockets, TCP_STATE } from '../../bench/proc.js';
import { startRawprobe, type RunningCli } from '../helpers/cli.js';
import { tempDir } from '../helpers/tmp.js';
import { pythonPeer, pythonTest } from '../socket/classic/helpers.js';
import { assertInOrder, callLines, freePort, serving } from './socket-helpers.js';

const ptest = pythonTest(test);

/** A client we did not write (Node's net): reads to the end, then closes; resolves with what came. */
async function nodeClient(port: number): Promise<Buffer> {
  const socket = netConnect({ host: '127.0.0.1', port });
  const chunks: Buffer[] = [];
  socket.on('data', (c: Buffer) => chunks.push(c));
  await once(socket, 'end'); // allowHalfOpen is off: Node ends its side in answer
  await once(socket, 'close');
  return Buffer.concat(chunks);
}

/** One connection to a listen that sends "bye" first: the server closes first, so its side waits in TIME_WAIT. */
async function leaveTimeWait(t: import('ava').ExecutionContext, port: number, reuse: boolean): Promise<void> {
  const set = reuse ? ['--set', 'SO_REUSEADDR=on'] : [];
  const first = startRawprobe(t, ['socket', 'listen', `tcp://127.0.0.1:${port}`, ...set, '--send', 'bye']);
  await serving(first, 'stream', true);
  t.is((await nodeClient(port)).toString(), 'bye');
  const r = await first.done;
  t.is(r.code, 0, r.stderr);
  assertInOrder(t, callLines(r.stderr), ['accept({s}) = {c}  peer: 127.0.0.1:{p}', 'shutdown({c}, SHUT_WR) = 0   (FIN: once it has read the rest, the peer\'s recv returns 0)', 'recv({c}) = 0 bytes   (end of stream: the peer shut down writing, or closed)', 'close({c}) = 0']);
  t.true(loopbackTcpSockets(port, TCP_STATE.TIME_WAIT) > 0, 'the server closed first: its side of the connection waits in TIME_WAIT');
}

test('SO_REUSEADDR: a second bind while a connection waits in TIME_WAIT fails without it (EADDRINUSE, exit 2) and succeeds with it', async (t) => {
  const port = freePort();
  await leaveTimeWait(t, port, true);

  const refused = await startRawprobe(t, ['socket', 'listen', `tcp://127.0.0.1:${port}`]).done;
  t.is(refused.code, 2, refused.stderr);
  t.is(refused.stdout, '');
  const lines = refused.stderr.trimEnd().split('\n');
  t.deepEqual(lines.slice(1, -1), [
    `bind(${/^socket\(AF_INET, SOCK_STREAM, 0\) = (\d+)$/.exec(lines[0] ?? '')?.[1]}, 127.0.0.1:${port}) = -1 EADDRINUSE   (taken: by a socket, or by connections in TIME_WAIT; see SO_REUSEADDR)`,
    `close(${/= (\d+)$/.exec(lines[0] ?? '')?.[1]}) = 0`,
  ]);
  t.regex(lines.at(-1) ?? '', new RegExp(`^rawprobe: bind EADDRINUSE 127\\.0\\.0\\.1:${port}: `));

  const second = startRawprobe(t, ['socket', 'listen', `tcp://127.0.0.1:${port}`, '--set', 'SO_REUSEADDR=on', '--send', 'again']);
  await serving(second, 'stream', true);
  t.is((await nodeClient(port)).toString(), 'again', 'the second server serves');
  const r = await second.done;
  t.is(r.code, 0, r.stderr);
  assertInOrder(t, callLines(r.stderr), [
    'socket(AF_INET, SOCK_STREAM, 0) = {s}',
    'setsockopt({s}, SOL_SOCKET, SO_REUSEADDR, 1) = 0   (bind may take a port held by connections in TIME_WAIT, if they had SO_REUSEADDR too)',
    `bind({s}, 127.0.0.1:${port}) = 0`,
    'listen({s}, 128) = 0',
  ]);
});

test("SO_REUSEADDR on Linux: the connection in TIME_WAIT must have had it too (its listener didn't: EADDRINUSE all the same)", async (t) => {
  const port = freePort();
  await leaveTimeWait(t, port, false);
  const r = await startRawprobe(t, ['socket', 'listen', `tcp://127.0.0.1:${port}`, '--set', 'SO_REUSEADDR=on']).done;
  t.is(r.code, 2, r.stderr);
  assertInOrder(t, callLines(r.stderr), ['setsockopt({s}, SOL_SOCKET, SO_REUSEADDR, 1) = 0   (bind may take a port held by connections in TIME_WAIT, if they had SO_REUSEADDR too)', `bind({s}, 127.0.0.1:${port}) = -1 EADDRINUSE   (taken: by a socket, or by connections in TIME_WAIT; see SO_REUSEADDR)`]);
});

/**
 * The same two sends ("hello", "world") reach a listen that is busy with another connection, so
 * both are queued before its first recv on them: what one recv returns is then the type's doing,
 * not timing's.
 */
async function sameSends(t: import('ava').ExecutionContext, address: string, type: string, unix: boolean): Promise<string[]> {
  const server = startRawprobe(t, ['socket', 'listen', address, '--type', type, '--count', '2']);
  const port = await serving(server, type, unix);
  const target = port === null ? address : address.replace(/:0$/, `:${port}`);
  const busy: RunningCli = startRawprobe(t, ['socket', 'connect', target, '--type', type]);
  await server.line('stderr', /^accept\(\d+\) = \d+/);
  const sender = startRawprobe(t, ['socket', 'connect', target, '--type', type, '--send', 'hello', '--send', 'world']);
  await sender.line('stderr', /^shutdown\(\d+, SHUT_WR\) = 0/);
  busy.end(); // the first connection ends: the server accepts the sender's, whose bytes all wait
  const r = await server.done;
  t.is(r.code, 0, r.stderr);
  t.is((await sender.done).code, 0);
  t.is((await busy.done).code, 0);
  t.is(server.stdoutBytes().toString(), 'helloworld', 'the same bytes, in order, whatever the type');
  const senderLines = callLines((await sender.done).stderr);
  t.deepEqual(senderLines.filter((l) => l.startsWith('send(')).map((l) => l.replace(/\d+/, 'N')), ['send(N, 5 bytes) = 5', 'send(N, 5 bytes) = 5'], 'two sends');
  // The second connection's recv lines (the first one's descriptor may be reused: take those after its accept).
  const lines = callLines(r.stderr);
  const second = lines.map((l) => l.startsWith('accept(')).lastIndexOf(true);
  return lines.slice(second).filter((l) => l.startsWith('recv('));
}

test('stream: two sends, one recv: a stream has no boundaries', async (t) => {
  const recvs = await sameSends(t, 'tcp://127.0.0.1:0', 'stream', false);
  assertInOrder(t, recvs, [
    'recv({c}) = 10 bytes "helloworld"   (a stream: bytes, no boundaries; sends may arrive merged or split)',
    'recv({c}) = 0 bytes   (end of stream: the peer shut down writing, or closed)',
  ]);
  t.is(recvs.length, 2);
});

test('seqpacket: the same two sends, two recvs: each message stays whole', async (t) => {
  const dir = tempDir(t, 'socket-lesson');
  const recvs = await sameSends(t, `unix:${dir}/lesson.sock`, 'seqpacket', true);
  assertInOrder(t, recvs, [
    'recv({c}) = 5 bytes "hello"   (one message: SEQPACKET keeps boundaries)',
    'recv({c}) = 5 bytes "world"',
    'recv({c}) = 0 bytes   (end of stream: the peer shut down writing, or closed)',
  ]);
  t.is(recvs.length, 3);
});

test('dgram: the same two sends, two datagrams', async (t) => {
  const server = startRawprobe(t, ['socket', 'listen', 'udp://127.0.0.1:0', '--count', '2']);
  const port = await serving(server, 'dgram', false);
  const sender = await startRawprobe(t, ['socket', 'connect', `udp://127.0.0.1:${port}`, '--send', 'hello', '--send', 'world', '--timeout', '0.2']).done;
  t.is(sender.code, 0, sender.stderr);
  const r = await server.done;
  t.is(r.code, 0, r.stderr);
  t.is(server.stdoutBytes().toString(), 'helloworld');
  const recvs = callLines(r.stderr).filter((l) => l.startsWith('recvfrom('));
  assertInOrder(t, recvs, [
    'recvfrom({s}) = 5 bytes "hello"  from: 127.0.0.1:{p}   (one datagram: DGRAM keeps boundaries)',
    'recvfrom({s}) = 5 bytes "world"  from: 127.0.0.1:{p}',
  ]);
  t.is(recvs.length, 2);
});

ptest("shutdown(write): the peer's recv returns 0, and the other direction still works (Python's server answers after it)", async (t) => {
  const py = pythonPeer(t, 'server', 'inet', 'stream', '127.0.0.1:0', { '--send': Buffer.from('answer after your end').toString('hex') });
  const { port } = await py.ready();
  const r = await startRawprobe(t, ['socket', 'connect', `tcp://127.0.0.1:${port}`, '--send', 'hello']).done;
  t.is(r.code, 0, r.stderr);
  t.is(r.stdout, 'answer after your end');
  const report = await py.report();
  t.deepEqual(report.received, [Buffer.from('hello').toString('hex')], "Python's recv loop ended: it read 0 bytes after hello");
  assertInOrder(t, callLines(r.stderr), [
    'send({s}, 5 bytes) = 5',
    "shutdown({s}, SHUT_WR) = 0   (FIN: once it has read the rest, the peer's recv returns 0)",
    'recv({s}) = 21 bytes "answer after your end"   (a stream: bytes, no boundaries; sends may arrive merged or split)',
    'recv({s}) = 0 bytes   (end of stream: the peer shut down writing, or closed)',
    'close({s}) = 0',
  ]);
});

ptest("shutdown(write) seen from rawprobe: Python's client shuts down, rawprobe's recv returns 0 bytes", async (t) => {
  const server = startRawprobe(t, ['socket', 'listen', 'tcp://127.0.0.1:0']);
  const port = await serving(server, 'stream', false);
  const py = pythonPeer(t, 'client', 'inet', 'stream', `127.0.0.1:${port}`, { '--send': Buffer.from('hi').toString('hex') });
  await py.report();
  const r = await server.done;
  t.is(r.code, 0, r.stderr);
  t.is(r.stdout, 'hi');
  assertInOrder(t, callLines(r.stderr), ['recv({c}) = 2 bytes "hi"   (a stream: bytes, no boundaries; sends may arrive merged or split)', 'recv({c}) = 0 bytes   (end of stream: the peer shut down writing, or closed)', 'close({c}) = 0']);
});

test("SO_LINGER 0: close sends a reset, and the peer's recv fails with ECONNRESET (exit 1); without it, the peer reads 0 bytes", async (t) => {
  const reset = startRawprobe(t, ['socket', 'listen', 'tcp://127.0.0.1:0']);
  const port = await serving(reset, 'stream', false);
  const client = await startRawprobe(t, ['socket', 'connect', `tcp://127.0.0.1:${port}`, '--send', 'hello', '--set', 'SO_LINGER=on:0', '--close']).done;
  t.is(client.code, 0, client.stderr);
  assertInOrder(t, callLines(client.stderr), [
    'setsockopt({s}, SOL_SOCKET, SO_LINGER, {l_onoff=1, l_linger=0}) = 0   (close() will send a reset (RST), not a FIN)',
    `connect({s}, 127.0.0.1:${port}) = 0`,
    'send({s}, 5 bytes) = 5',
    'close({s}) = 0   (SO_LINGER 0: a reset (RST), not a FIN)',
  ]);
  t.false(client.stderr.includes('shutdown('), '--close: no shutdown before the close');
  const r = await reset.done;
  t.is(r.code, 1, r.stderr);
  t.is(r.stdout, 'hello', 'what came before the reset is still read');
  assertInOrder(t, callLines(r.stderr), ['recv({c}) = 5 bytes "hello"   (a stream: bytes, no boundaries; sends may arrive merged or split)', 'recv({c}) = -1 ECONNRESET   (a reset: the peer closed with SO_LINGER 0, or with data it never read)', 'close({c}) = 0']);
  t.regex(r.stderr.trimEnd().split('\n').at(-1) ?? '', /^rawprobe: recv ECONNRESET: /);

  const plain = startRawprobe(t, ['socket', 'listen', 'tcp://127.0.0.1:0']);
  const port2 = await serving(plain, 'stream', false);
  t.is((await startRawprobe(t, ['socket', 'connect', `tcp://127.0.0.1:${port2}`, '--send', 'hello', '--close']).done).code, 0);
  const fin = await plain.done;
  t.is(fin.code, 0, fin.stderr);
  assertInOrder(t, callLines(fin.stderr), ['recv({c}) = 5 bytes "hello"   (a stream: bytes, no boundaries; sends may arrive merged or split)', 'recv({c}) = 0 bytes   (end of stream: the peer shut down writing, or closed)']);
});

ptest("SO_LINGER 0 seen by Python's recv: ConnectionResetError", async (t) => {
  const py = pythonPeer(t, 'server', 'inet', 'stream', '127.0.0.1:0', { '--send': '-' });
  const { port } = await py.ready();
  // The listener accepted before the reset: the kernel gives Python the data, then the reset.
  const r = await startRawprobe(t, ['socket', 'connect', `tcp://127.0.0.1:${port}`, '--send', 'hello', '--set', 'SO_LINGER=on:0', '--close']).done;
  t.is(r.code, 0, r.stderr);
  const exit = await py.child.exited();
  t.not(exit.code, 0);
  t.regex(py.child.stderr(), /ConnectionResetError/);
});
