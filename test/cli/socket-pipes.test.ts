// `rawprobe socket` as netcat: stdin to the socket and what arrives to stdout, both roles, bytes
// compared exactly (random binary data), against Node's net and dgram and socat (peers we did not
// write), rawprobe to rawprobe in bulk, and a raw ICMP socket in a namespace of its own.
import { createHash, randomBytes } from 'node:crypto';
import { createSocket as createDgram } from 'node:dgram';
import { once } from 'node:events';
import { writeFileSync } from 'node:fs';
import { createServer, connect as netConnect, type AddressInfo, type Socket as NetSocket } from 'node:net';

import test from 'ava';

import { rawprobe, runCommand, startRawprobe } from '../helpers/cli.js';
import { rootTest } from '../helpers/privilege.js';
import { tempDir } from '../helpers/tmp.js';
import { toolPath, toolTest } from '../helpers/tools.js';
import { icmpEcho } from '../socket/helpers.js';
import { assertInOrder, callLines, freePort, listeningOn, serving } from './socket-helpers.js';

/** Everything a net socket receives until the peer's end. */
function collect(socket: NetSocket): Promise<Buffer> {
  const chunks: Buffer[] = [];
  socket.on('data', (c: Buffer) => chunks.push(c));
  return once(socket, 'end').then(() => Buffer.concat(chunks));
}

const sha = (b: Buffer): string => createHash('sha256').update(b).digest('hex');

test("connect: stdin to the socket, what comes back to stdout, the log on stderr (Node's net echo server)", async (t) => {
  const server = createServer((c) => c.pipe(c)).listen(0, '127.0.0.1');
  await once(server, 'listening');
  t.teardown(() => server.close());
  const port = (server.address() as AddressInfo).port;
  const data = randomBytes(1024 * 1024);
  const cli = startRawprobe(t, ['socket', 'connect', `tcp://127.0.0.1:${port}`], { input: data });
  const r = await cli.done;
  t.is(r.code, 0, r.stderr);
  t.is(sha(cli.stdoutBytes()), sha(data), '1 MiB of random bytes, back whole and in order');
  assertInOrder(t, callLines(r.stderr), ['socket(AF_INET, SOCK_STREAM, 0) = {s}', `connect({s}, 127.0.0.1:${port}) = 0`, 'shutdown({s}, SHUT_WR) = 0   (FIN: once it has read the rest, the peer\'s recv returns 0)', 'recv({s}) = 0 bytes   (end of stream: the peer shut down writing, or closed)', 'close({s}) = 0']);
  const sent = callLines(r.stderr).filter((l) => l.startsWith('send(')).reduce((n, l) => n + Number(/ = (\d+)$/.exec(l)?.[1]), 0);
  t.is(sent, data.length, 'the send lines account for every byte');
});

test("listen: what a client sends to stdout (Node's net client), the log on stderr", async (t) => {
  const cli = startRawprobe(t, ['socket', 'listen', 'tcp://[::1]:0']);
  const port = await serving(cli, 'stream', false);
  const data = randomBytes(1024 * 1024 + 17);
  const client = netConnect({ host: '::1', port: port as number });
  client.end(data);
  const back = collect(client);
  const r = await cli.done;
  t.is(r.code, 0, r.stderr);
  t.is(sha(cli.stdoutBytes()), sha(data));
  t.is((await back).length, 0, 'nothing was sent back');
  assertInOrder(t, callLines(r.stderr), ['socket(AF_INET6, SOCK_STREAM, 0) = {s}', 'bind({s}, [::1]:0) = 0', `getsockname({s}) = 0  [::1]:${port}   (port 0: the kernel chose this one)`, 'listen({s}, 128) = 0', 'accept({s}) = {c}  peer: [::1]:{p}', 'close({c}) = 0', 'close({s}) = 0']);
});

test('listen --send-file -: stdin to the connection; --send-file FILE to every connection', async (t) => {
  const data = randomBytes(300_000);
  const cli = startRawprobe(t, ['socket', 'listen', 'tcp://127.0.0.1:0', '--send-file', '-'], { input: data });
  const port = await serving(cli, 'stream', false);
  const client = netConnect({ host: '127.0.0.1', port: port as number });
  const got = collect(client);
  t.is(sha(await got), sha(data));
  client.end();
  t.is((await cli.done).code, 0);

  const file = `${tempDir(t, 'socket-file')}/all-bytes.bin`;
  const bytes = Buffer.alloc(256 * 1000, 0).map((_, i) => i & 0xff);
  writeFileSync(file, bytes);
  const twice = startRawprobe(t, ['socket', 'listen', 'tcp://127.0.0.1:0', '--send-file', file, '--count', '2']);
  const port2 = await serving(twice, 'stream', false);
  for (let i = 0; i < 2; i++) {
    const c = netConnect({ host: '127.0.0.1', port: port2 as number });
    const received = collect(c);
    t.true((await received).equals(bytes), `connection ${i + 1} got the whole file`);
    c.end();
  }
  t.is((await twice.done).code, 0);
});

test("UDP over IPv6 with Node's dgram: listen --echo (the log on stdout) and connect with stdin as one datagram", async (t) => {
  const echo = startRawprobe(t, ['socket', 'listen', 'udp://[::1]:0', '--echo', '--count', '2']);
  const port = await serving(echo, 'dgram', false, 'stdout');
  const client = createDgram('udp6');
  t.teardown(() => client.close());
  const answers: Buffer[] = [];
  client.on('message', (m: Buffer) => answers.push(m));
  const first = Buffer.from([0, 1, 2, 0xff]);
  const second = randomBytes(1400);
  client.send(first, port as number, '::1');
  client.send(second, port as number, '::1');
  const r = await echo.done;
  t.is(r.code, 0, r.stderr);
  t.is(r.stderr, '', 'the log went to stdout: --echo writes no data');
  for (let i = 0; answers.length < 2 && i < 200; i++) await new Promise((resolve) => setTimeout(resolve, 25));
  t.deepEqual(answers.map(sha), [first, second].map(sha), 'each datagram back whole');
  assertInOrder(t, callLines(r.stdout), [
    'recvfrom({s}) = 4 bytes "\\x00\\x01\\x02\\xff"  from: [::1]:{p}   (one datagram: DGRAM keeps boundaries)',
    'sendto({s}, 4 bytes, [::1]:{p}) = 4',
    'sendto({s}, 1400 bytes, [::1]:{p}) = 1400',
  ]);

  const server = createDgram('udp4');
  server.on('message', (m: Buffer, from) => server.send(Buffer.concat([Buffer.from('re:'), m]), from.port, from.address));
  server.bind(0, '127.0.0.1');
  await once(server, 'listening');
  t.teardown(() => server.close());
  const c = await startRawprobe(t, ['socket', 'connect', `udp://127.0.0.1:${server.address().port}`, '--count', '1', '--timeout', '20'], { input: 'one read, one datagram' }).done;
  t.is(c.code, 0, c.stderr);
  t.is(c.stdout, 're:one read, one datagram');
});

test('rawprobe to rawprobe: 64 MiB from stdin to stdout over TCP, --quiet on both sides (data only)', async (t) => {
  const data = randomBytes(64 * 1024 * 1024);
  const port = freePort();
  const receiver = startRawprobe(t, ['socket', 'listen', `tcp://127.0.0.1:${port}`, '--quiet']);
  await listeningOn(port); // --quiet prints no listen line: look for the socket itself
  const sender = startRawprobe(t, ['socket', 'connect', `tcp://127.0.0.1:${port}`, '--quiet'], { input: data });
  const [s, r] = await Promise.all([sender.done, receiver.done]);
  t.is(s.code, 0, s.stderr);
  t.is(s.stderr, '');
  t.is(s.stdout, '');
  t.is(r.code, 0, r.stderr);
  t.is(r.stderr, '');
  t.is(sha(receiver.stdoutBytes()), sha(data));
});

const socatTest = toolTest(['socat']);

socatTest("socat's echo (PIPE): rawprobe connect's stdin comes back on its stdout", async (t) => {
  const port = freePort();
  const socat = runCommand([toolPath('socat') as string, `TCP-LISTEN:${port},bind=127.0.0.1,reuseaddr`, 'PIPE'], { timeoutMs: 60_000 });
  await listeningOn(port);
  const data = randomBytes(200_000);
  const cli = startRawprobe(t, ['socket', 'connect', `tcp://127.0.0.1:${port}`], { input: data });
  const r = await cli.done;
  t.is(r.code, 0, r.stderr);
  t.is(sha(cli.stdoutBytes()), sha(data));
  t.is((await socat).code, 0);
});

socatTest('socat sends a file into rawprobe listen; a socat seqpacket client meets listen --echo', async (t) => {
  const dir = tempDir(t, 'socket-socat');
  const file = `${dir}/in.bin`;
  const data = randomBytes(500_000);
  writeFileSync(file, data);
  const cli = startRawprobe(t, ['socket', 'listen', 'tcp://127.0.0.1:0']);
  const port = await serving(cli, 'stream', false);
  const sent = await runCommand([toolPath('socat') as string, '-u', `FILE:${file}`, `TCP:127.0.0.1:${port}`]);
  t.is(sent.code, 0, sent.stderr);
  const r = await cli.done;
  t.is(r.code, 0, r.stderr);
  t.true(cli.stdoutBytes().equals(data));

  const echo = startRawprobe(t, ['socket', 'listen', `unix:${dir}/sq.sock`, '--type', 'seqpacket', '--echo']);
  await serving(echo, 'seqpacket', true, 'stdout');
  const back = await runCommand([toolPath('socat') as string, '-t', '5', '-', `UNIX-CONNECT:${dir}/sq.sock,type=5`], { input: 'one message' });
  t.is(back.code, 0, back.stderr);
  t.is(back.stdout, 'one message');
  const e = await echo.done;
  t.is(e.code, 0, e.stderr);
  assertInOrder(t, callLines(e.stdout), ['recv({c}) = 11 bytes "one message"   (one message: SEQPACKET keeps boundaries)', 'send({c}, 11 bytes) = 11', 'recv({c}) = 0 bytes   (end of stream: the peer shut down writing, or closed)']);
});

rootTest()('raw: an ICMP echo through a raw socket in a namespace of its own; the kernel answers it', async (t) => {
  const file = `${tempDir(t, 'socket-raw')}/echo.bin`;
  writeFileSync(file, icmpEcho(0x5151, 7, Buffer.from('raw lesson')));
  // The raw ICMP socket sees every ICMP message of its namespace: our request, then the reply.
  const r = await rawprobe(['socket', 'connect', '--type', 'raw', '127.0.0.1', '--send-file', file, '--count', '2', '--timeout', '20', '--json'], { where: 'netns' });
  t.is(r.code, 0, r.stderr);
  const calls = r.stderr.trimEnd().split('\n').map((l) => JSON.parse(l) as { call?: string; args?: unknown[]; result?: number; data?: { hex: string; length: number } });
  t.deepEqual(calls[0], { ...calls[0], call: 'socket', args: ['AF_INET', 'SOCK_RAW', 1] });
  const got = calls.filter((c) => c.call === 'recv').map((c) => Buffer.from(c.data?.hex ?? '', 'hex'));
  t.is(got.length, 2);
  // Each is a whole IPv4 packet: 20 header bytes, then the ICMP message (type 8 request, type 0 reply).
  t.deepEqual(got.map((p) => [(p[0] ?? 0) >> 4, p[9], p[20]]), [[4, 1, 8], [4, 1, 0]]);
  t.is(got[1]?.subarray(28).toString(), 'raw lesson', 'the reply carries our payload');
});
