// `rawprobe socket`: bad input in one line (exit 2), the kernel's refusals shown as calls and one
// line (connect refused: exit 1; an address in use, a socket the kernel will not open: exit 2),
// the JSON log, -v, --timeout, and Ctrl-C closing everything.
import { existsSync } from 'node:fs';
import { createServer, connect as netConnect, type AddressInfo, type Server } from 'node:net';
import { once } from 'node:events';

import test from 'ava';

import { assertUsageError, rawprobe, startRawprobe } from '../helpers/cli.js';
import { tempDir } from '../helpers/tmp.js';
import { assertLines, callLines, freePort, serving } from './socket-helpers.js';

/** A Node net server on 127.0.0.1 that echoes each connection; closed when the test ends. */
async function nodeEchoServer(t: import('ava').ExecutionContext): Promise<number> {
  const server: Server = createServer((c) => c.pipe(c));
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  t.teardown(() => server.close());
  return (server.address() as AddressInfo).port;
}

const usage: [string, string[], RegExp][] = [
  ['a name, not an address', ['connect', 'tcp://localhost:80'], /^rawprobe: "tcp:\/\/localhost:80": "localhost" is not an IP address; rawprobe socket resolves no names/],
  ['no port', ['connect', 'udp://127.0.0.1'], /give a port/],
  ['text that is no address', ['listen', 'lesson.sock'], /write tcp:\/\/HOST:PORT, udp:\/\/HOST:PORT, unix:PATH, unix-abstract:NAME/],
  ['a scheme against --type', ['listen', 'tcp://127.0.0.1:0', '--type', 'dgram'], /is type stream, but --type says dgram/],
  ['an unknown option', ['connect', 'tcp://127.0.0.1:9', '--set', 'SO_NOPE=1'], /^rawprobe: --set unknown socket option "SO_NOPE"/],
  ['an option without a value', ['connect', 'tcp://127.0.0.1:9', '--set', 'SO_LINGER'], /--set SO_LINGER: write NAME=VALUE/],
  ['a value the option cannot take', ['connect', 'tcp://127.0.0.1:9', '--set', 'SO_LINGER=sometimes'], /SO_LINGER=sometimes: give off, on:SECONDS or SECONDS/],
  ['--count 0', ['listen', 'tcp://127.0.0.1:0', '--count', '0'], /--count 0: out of range/],
  ['--timeout that is no number', ['listen', 'tcp://127.0.0.1:0', '--timeout', 'soon'], /--timeout: timeout "soon" is not a number/],
  ['--timeout 0', ['listen', 'tcp://127.0.0.1:0', '--timeout', '0'], /--timeout 0: give a number of seconds above 0/],
  ['--echo with --send', ['listen', 'tcp://127.0.0.1:0', '--echo', '--send', 'x'], /--echo sends back what arrives: it cannot also send --send/],
  ['--quiet with --json', ['connect', 'tcp://127.0.0.1:9', '--quiet', '--json'], /--quiet prints no call log: drop --json/],
  ['--keep with --count', ['listen', 'tcp://127.0.0.1:0', '--keep', '--count', '2'], /--keep listens until Ctrl-C: it cannot stop at --count/],
  ['a missing --send-file', ['connect', 'tcp://127.0.0.1:9', '--send-file', '/nonexistent/rawprobe-x'], /--send-file \/nonexistent\/rawprobe-x: no such file/],
];

for (const [what, args, message] of usage) {
  test(`bad usage, one line and exit 2: ${what}`, async (t) => {
    assertUsageError(t, await rawprobe(['socket', ...args]), message);
  });
}

test('a unix path of 107 bytes binds; 108 is one line before any call (sun_path holds 108 with the NUL)', async (t) => {
  const dir = tempDir(t, 'socket-path');
  const fits = `${dir}/${'p'.repeat(107 - dir.length - 1)}`;
  t.is(Buffer.byteLength(fits), 107);
  const ok = await rawprobe(['socket', 'listen', `unix:${fits}`, '--timeout', '0.1']);
  t.is(ok.code, 1, ok.stderr); // bound and listened, then nobody came within --timeout
  t.true(callLines(ok.stderr).includes(`bind(${/= (\d+)$/.exec(ok.stderr.split('\n')[0] ?? '')?.[1]}, ${JSON.stringify(fits)}) = 0`), ok.stderr);
  t.false(existsSync(fits), 'the socket file is removed at the end');
  const long = `${fits}q`;
  assertUsageError(t, await rawprobe(['socket', 'listen', `unix:${long}`]), `"unix:${long}": the unix socket path is 108 bytes, at most 107 fit`);
});

test('connect to a closed port: the refused connect in the log, one rawprobe line, exit 1', async (t) => {
  const port = freePort();
  const r = await rawprobe(['socket', 'connect', `tcp://127.0.0.1:${port}`]);
  t.is(r.code, 1, r.stderr);
  t.is(r.stdout, '');
  const lines = r.stderr.trimEnd().split('\n');
  assertLines(t, lines.slice(0, -1), [
    'socket(AF_INET, SOCK_STREAM, 0) = {s}',
    `connect({s}, 127.0.0.1:${port}) = -1 ECONNREFUSED   (nobody listens there: the SYN was answered with a reset)`,
    'close({s}) = 0',
  ]);
  t.regex(lines.at(-1) ?? '', new RegExp(`^rawprobe: connect ECONNREFUSED 127\\.0\\.0\\.1:${port}: nobody is listening on that port`));
  const quiet = await rawprobe(['socket', 'connect', `tcp://127.0.0.1:${port}`, '--quiet']);
  t.is(quiet.code, 1);
  t.is(quiet.stderr.trimEnd().split('\n').length, 1, 'with --quiet, the one line alone');
});

test('connect to a unix path with no socket: ENOENT, exit 1', async (t) => {
  const dir = tempDir(t, 'socket-enoent');
  const r = await rawprobe(['socket', 'connect', `unix:${dir}/none.sock`]);
  t.is(r.code, 1, r.stderr);
  t.true(callLines(r.stderr).some((l) => l.endsWith(`, ${JSON.stringify(`${dir}/none.sock`)}) = -1 ENOENT   (no socket file at that path)`)), r.stderr);
  t.regex(r.stderr, /^rawprobe: connect ENOENT /m);
});

test('bind to an address in use: EADDRINUSE in the log, one line, exit 2', async (t) => {
  const port = await nodeEchoServer(t);
  const r = await rawprobe(['socket', 'listen', `tcp://127.0.0.1:${port}`]);
  t.is(r.code, 2, r.stderr);
  assertLines(t, callLines(r.stderr), [
    'socket(AF_INET, SOCK_STREAM, 0) = {s}',
    `bind({s}, 127.0.0.1:${port}) = -1 EADDRINUSE   (taken: by a socket, or by connections in TIME_WAIT; see SO_REUSEADDR)`,
    'close({s}) = 0',
  ]);
  t.regex(r.stderr, new RegExp(`^rawprobe: bind EADDRINUSE 127\\.0\\.0\\.1:${port}: another socket already uses that address and port$`, 'm'));
});

test("the kernel's refusals: seqpacket and rdm on inet (ESOCKTNOSUPPORT), TCP_NODELAY on a unix socket: exit 2", async (t) => {
  const seqpacket = await rawprobe(['socket', 'listen', '127.0.0.1:0', '--type', 'seqpacket']);
  t.is(seqpacket.code, 2);
  t.deepEqual(callLines(seqpacket.stderr), ['socket(AF_INET, SOCK_SEQPACKET, 0) = -1 ESOCKTNOSUPPORT']);
  t.regex(seqpacket.stderr, /^rawprobe: socket ESOCKTNOSUPPORT: Linux does not offer SOCK_SEQPACKET on AF_INET/m);
  const rdm = await rawprobe(['socket', 'connect', '127.0.0.1:9', '--type', 'rdm']);
  t.is(rdm.code, 2);
  t.deepEqual(callLines(rdm.stderr), ['socket(AF_INET, SOCK_RDM, 0) = -1 ESOCKTNOSUPPORT']);
  const dir = tempDir(t, 'socket-opt');
  const nodelay = await rawprobe(['socket', 'listen', `unix:${dir}/x.sock`, '--set', 'TCP_NODELAY=on']);
  t.is(nodelay.code, 2, nodelay.stderr);
  assertLines(t, callLines(nodelay.stderr), ['socket(AF_UNIX, SOCK_STREAM, 0) = {s}', 'setsockopt({s}, IPPROTO_TCP, TCP_NODELAY, 1) = -1 EOPNOTSUPP', 'close({s}) = 0']);
});

test('UDP to a port nobody listens on: the ICMP port unreachable comes back as ECONNREFUSED on recv, exit 1', async (t) => {
  const port = freePort('dgram');
  const r = await rawprobe(['socket', 'connect', `udp://127.0.0.1:${port}`, '--send', 'anyone?', '--timeout', '20']);
  t.is(r.code, 1, r.stderr);
  assertLines(t, callLines(r.stderr), [
    'socket(AF_INET, SOCK_DGRAM, 0) = {s}',
    `connect({s}, 127.0.0.1:${port}) = 0   (no packet is sent: this sets where send() goes)`,
    'send({s}, 7 bytes) = 7',
    'recv({s}) = -1 ECONNREFUSED   (an ICMP port unreachable came back: nobody listens there)',
    'close({s}) = 0',
  ]);
});

test('--json: one object per call with the record\'s fields, then how it ended', async (t) => {
  const port = await nodeEchoServer(t);
  const r = await rawprobe(['socket', 'connect', `tcp://127.0.0.1:${port}`, '--json', '--send', 'hello']);
  t.is(r.code, 0, r.stderr);
  t.is(r.stdout, 'hello', 'the data still goes to stdout');
  const objects = r.stderr.trimEnd().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
  const calls = objects.filter((o) => 'call' in o);
  t.deepEqual(calls.map((o) => o['call']), ['socket', 'connect', 'send', 'shutdown', 'recv', 'recv', 'close']);
  for (const o of calls) {
    t.deepEqual(Object.keys(o), ['call', 'syscall', 'fd', 'args', 'result', 'error', 'data', 'peer', 'fds', 'value', 'time', 'note']);
    t.true(typeof o['time'] === 'number' && Math.abs((o['time'] as number) - Date.now()) < 600_000, 'time: ms since the epoch');
  }
  const [socket, connect, send, , recv, end] = calls;
  const fd = socket?.['result'];
  t.true(Number.isInteger(fd));
  t.like(socket, { syscall: 'socket', fd: null, args: ['AF_INET', 'SOCK_STREAM', 0], error: null, data: null });
  t.like(connect, { syscall: 'getsockopt', fd, result: 0, args: [{ family: 'inet', address: '127.0.0.1', port, scopeId: null }] });
  t.like(send, { fd, args: [{ bytes: 5 }], result: 5, data: { length: 5, hex: '68656c6c6f', truncated: false } });
  t.like(recv, { fd, result: 5, data: { length: 5, hex: '68656c6c6f', truncated: false }, note: 'a stream: bytes, no boundaries; sends may arrive merged or split' });
  t.like(end, { result: 0, data: { length: 0, hex: '', truncated: false }, note: 'end of stream: the peer shut down writing, or closed' });
  t.deepEqual(objects.at(-1), { end: 'done', error: null, connections: 1, messagesIn: 1, bytesIn: 5, bytesOut: 5 });
});

test('-v: the calls that would have blocked (EINPROGRESS, EAGAIN) and recv sizes', async (t) => {
  const port = await nodeEchoServer(t);
  const r = await rawprobe(['socket', 'connect', `tcp://127.0.0.1:${port}`, '-v', '--send', 'hi']);
  t.is(r.code, 0, r.stderr);
  const lines = callLines(r.stderr);
  assertLines(t, lines.slice(0, 3), [
    'socket(AF_INET, SOCK_STREAM, 0) = {s}',
    `connect({s}, 127.0.0.1:${port}) = -1 EINPROGRESS   (non-blocking: the handshake goes on; its outcome is read when the socket turns writable)`,
    `connect({s}, 127.0.0.1:${port}) = 0   (the outcome, read with getsockopt(SO_ERROR))`,
  ]);
  t.true(lines.some((l) => /^recv\(\d+, 262144\) = -1 EAGAIN   \(non-blocking: nothing yet; the call is made again when the socket is ready\)$/.test(l)), r.stderr);
  t.true(lines.some((l) => /^recv\(\d+, 262144\) = 2 bytes "hi"/.test(l)), r.stderr);
  const plain = await rawprobe(['socket', 'connect', `tcp://127.0.0.1:${port}`, '--send', 'hi']);
  t.false(/EAGAIN|EINPROGRESS/.test(plain.stderr), 'without -v neither shows');
});

test('--timeout: nothing came for that long, everything is closed, exit 1 (and --backlog reaches listen)', async (t) => {
  const r = await rawprobe(['socket', 'listen', 'tcp://127.0.0.1:0', '--timeout', '0.3', '--backlog', '5']);
  t.is(r.code, 1, r.stderr);
  t.regex(r.stderr, /^listen\(\d+, 5\) = 0$/m);
  const lines = r.stderr.trimEnd().split('\n');
  t.regex(lines.at(-2) ?? '', /^close\(\d+\) = 0$/);
  t.is(lines.at(-1), 'rawprobe: socket: nothing moved for 0.3 s (--timeout): gave up and closed');
});

test('a datagram connect whose answers stop before --count: exit 1, what came said', async (t) => {
  const server = startRawprobe(t, ['socket', 'listen', 'udp://127.0.0.1:0', '--echo', '--count', '1']);
  const port = await serving(server, 'dgram', false, 'stdout');
  const r = await rawprobe(['socket', 'connect', `udp://127.0.0.1:${port}`, '--send', 'one', '--count', '2', '--timeout', '0.5']);
  t.is(r.code, 1, r.stderr);
  t.is(r.stdout, 'one');
  t.regex(r.stderr, /^rawprobe: socket: 1 of 2 answers \(--count\) came before 0\.5 s passed without one$/m);
  t.is((await server.done).code, 0);
});

test('Ctrl-C on a listen: every socket closed (each close shown), the unix file removed, exit 0', async (t) => {
  const dir = tempDir(t, 'socket-sigint');
  const path = `${dir}/ctrl-c.sock`;
  const server = startRawprobe(t, ['socket', 'listen', `unix:${path}`, '--keep']);
  await serving(server, 'stream', true);
  const client = netConnect({ path }).resume();
  await once(client, 'connect');
  t.teardown(() => client.destroy());
  await server.line('stderr', /^accept\(\d+\) = \d+  peer: \(unnamed\)$/);
  const clientClosed = once(client, 'close');
  server.signal('SIGINT');
  const r = await server.done;
  t.is(r.code, 0, r.stderr);
  const lines = callLines(r.stderr);
  assertLines(t, lines.slice(-3), ['close({c}) = 0', 'close({s}) = 0', `unlink(${JSON.stringify(path)}) = 0   (a unix socket's file outlives its socket: removed at the end)`]);
  t.false(existsSync(path));
  await clientClosed; // the client saw its connection end
});

test('Ctrl-C on a connect waiting on stdin and the socket: closed, exit 0', async (t) => {
  const port = await nodeEchoServer(t);
  const client = startRawprobe(t, ['socket', 'connect', `tcp://127.0.0.1:${port}`]);
  client.write('ping');
  await client.line('stderr', /^recv\(\d+\) = 4 bytes "ping"/);
  client.signal('SIGINT');
  const r = await client.done;
  t.is(r.code, 0, r.stderr);
  t.is(r.stdout, 'ping');
  t.regex(r.stderr.trimEnd().split('\n').at(-1) ?? '', /^close\(\d+\) = 0$/);
});

test('a unix dgram sender with no address of its own cannot be answered: the listen says so', async (t) => {
  const dir = tempDir(t, 'socket-unnamed');
  const server = startRawprobe(t, ['socket', 'listen', `unix:${dir}/d.sock`, '--type', 'dgram', '--echo', '--count', '1']);
  await serving(server, 'dgram', true, 'stdout');
  const c = await rawprobe(['socket', 'connect', `unix:${dir}/d.sock`, '--type', 'dgram', '--send', 'hi', '--timeout', '0.2']);
  t.is(c.code, 0, c.stderr);
  const r = await server.done;
  t.is(r.code, 0, r.stderr);
  t.regex(r.stdout, /^recvfrom\(\d+\) = 2 bytes "hi"  from: \(unnamed\)/m);
  t.regex(r.stdout, /^\(no answer on \d+: the datagram came from a unix socket with no address; its sender must bind, e\.g\. connect --bind PATH\)$/m);
});

test('--json events: the unix file removed at the end is an object of its own', async (t) => {
  const dir = tempDir(t, 'socket-json-event');
  const r = await rawprobe(['socket', 'listen', `unix:${dir}/j.sock`, '--json', '--timeout', '0.1']);
  t.is(r.code, 1, r.stderr);
  const objects = r.stderr.trimEnd().split('\n').slice(0, -1).map((l) => JSON.parse(l) as Record<string, unknown>);
  t.deepEqual(objects.at(-2), { event: 'unlink', path: `${dir}/j.sock`, error: null });
  t.like(objects.at(-1), { end: 'idle', error: null, connections: 0 });
});
