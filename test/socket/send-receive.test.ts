// Sending and receiving without privileges: UDP over 127.0.0.1 and ::1, unix datagram
// sockets (paths in /tmp and the abstract namespace), sendMany, connect, address(), the
// drain of many waiting datagrams in one wake-up, truncation and per-packet control data.
import { rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import test, { type ExecutionContext } from 'ava';

import {
  BATCH,
  constants,
  datagramAt,
  ipv4ToNumber,
  now,
  openSocket,
  type MessageInfo,
  type RawSocket,
  type QueuedError,
  type ReceiveBatch,
  type SocketError,
} from '../../lib/socket/index.js';
import { delay, uniqueName, waitFor } from './helpers.js';

test('UDP over 127.0.0.1: sendTo, bind, address, and the message with its source and kernel timestamp', async (t) => {
  const rx = openSocket({ family: 'inet', type: 'dgram' }).bind('127.0.0.1', 0);
  const tx = openSocket({ family: 'inet', type: 'dgram' }).bind('127.0.0.1', 0);
  t.teardown(() => (rx.close(), tx.close()));
  const to = rx.address();
  t.is(to.family, 'inet');
  t.is(to.address, '127.0.0.1');
  t.true((to.port ?? 0) > 0);
  t.is(to.scopeId, null);

  const got = waitFor<[Buffer, MessageInfo]>(rx, 'message', () => true);
  const before = now();
  const { bytes, sentAt } = tx.sendTo(Buffer.from('hello rawprobe'), '127.0.0.1', to.port ?? 0);
  t.is(bytes, 14);
  t.true(sentAt >= before, 'sentAt is taken at the send, after `before`');
  const [msg, info] = await got;
  t.is(msg.toString(), 'hello rawprobe');
  t.is(info.address, '127.0.0.1');
  t.is(info.family, 'inet');
  t.is(info.port, tx.address().port);
  t.is(info.size, 14);
  t.false(info.truncated);
  t.true(info.kernelTimestamp);
  t.true(info.timestamp > sentAt && info.timestamp - sentAt < 1e9, `received ${info.timestamp - sentAt} ns after sentAt`);
  t.is(info.hopLimit, null);
  t.is(info.tos, null);
});

test('UDP over ::1: sendTo and the IPv6 source address', async (t) => {
  const rx = openSocket({ family: 'inet6', type: 'dgram' }).bind('::1', 0);
  const tx = openSocket({ family: 'inet6', type: 'dgram' });
  t.teardown(() => (rx.close(), tx.close()));
  const got = waitFor<[Buffer, MessageInfo]>(rx, 'message', () => true);
  t.is(tx.sendTo(Buffer.from('six'), '::1', rx.address().port ?? 0).bytes, 3);
  const [msg, info] = await got;
  t.is(msg.toString(), 'six');
  t.is(info.address, '::1');
  t.is(info.family, 'inet6');
  t.is(info.scopeId, 0);
  t.true(info.kernelTimestamp);
  const local = rx.address();
  t.is(local.family, 'inet6');
  t.is(local.address, '::1');
  // A zone after % (interface name or index), as ping accepts it.
  const zoned = waitFor<[Buffer, MessageInfo]>(rx, 'message', () => true);
  t.is(tx.sendTo(Buffer.from('zoned'), '::1%lo', rx.address().port ?? 0).bytes, 5);
  t.is((await zoned)[0].toString(), 'zoned');
});

test('unix datagram sockets: a path in /tmp and an abstract name, with the sender address', async (t) => {
  const path = join(tmpdir(), `${uniqueName('rawprobe-sock')}.sock`);
  const abstractName = `\0${uniqueName('rawprobe-abstract')}`;
  const rx = openSocket({ family: 'unix', type: 'dgram' }).bind(path);
  const tx = openSocket({ family: 'unix', type: 'dgram' }).bind(abstractName);
  t.teardown(() => {
    rx.close();
    tx.close();
    rmSync(path, { force: true });
  });
  t.is(rx.address().address, path);
  t.is(rx.address().port, null);
  t.is(tx.address().address, abstractName);

  const got = waitFor<[Buffer, MessageInfo]>(rx, 'message', () => true);
  t.is(tx.sendTo(Buffer.from('over a path'), path).bytes, 11);
  const [msg, info] = await got;
  t.is(msg.toString(), 'over a path');
  t.is(info.family, 'unix');
  t.is(info.address, abstractName);
  t.is(info.port, null);
  t.true(info.kernelTimestamp);

  // And back to the abstract name.
  const back = waitFor<[Buffer, MessageInfo]>(tx, 'message', () => true);
  rx.sendTo(Buffer.from('to an abstract name'), abstractName);
  const [reply, replyInfo] = await back;
  t.is(reply.toString(), 'to an abstract name');
  t.is(replyInfo.address, path);
});

test('an unnamed unix sender arrives with an empty address; a missing path is ENOENT, explained', async (t) => {
  const path = join(tmpdir(), `${uniqueName('rawprobe-sock')}.sock`);
  const rx = openSocket({ family: 'unix', type: 'dgram' }).bind(path);
  const tx = openSocket({ family: 'unix', type: 'dgram' });
  t.teardown(() => {
    rx.close();
    tx.close();
    rmSync(path, { force: true });
  });
  const got = waitFor<[Buffer, MessageInfo]>(rx, 'message', () => true);
  tx.sendTo(Buffer.from('anonymous'), path);
  const [, info] = await got;
  t.is(info.address, '');
  const error = t.throws<SocketError>(() => tx.sendTo(Buffer.from('x'), `${path}.missing`));
  t.is(error?.code, 'ENOENT');
  t.is(error?.syscall, 'sendto');
  t.regex(error?.message ?? '', /no socket file at that path/);
});

test('sendMany: several buffers to one address, and each to its own address', async (t) => {
  const a = openSocket({ family: 'inet', type: 'dgram' }).bind('127.0.0.1', 0);
  const b = openSocket({ family: 'inet', type: 'dgram' }).bind('127.0.0.1', 0);
  const tx = openSocket({ family: 'inet', type: 'dgram' });
  t.teardown(() => (a.close(), b.close(), tx.close()));
  const portA = a.address().port ?? 0;
  const portB = b.address().port ?? 0;
  const atA: string[] = [];
  const atB: string[] = [];
  a.on('message', (m) => atA.push(m.toString()));
  b.on('message', (m) => atB.push(m.toString()));

  const one = tx.sendMany([Buffer.from('a1'), Buffer.from('a2'), Buffer.from('a3')], { address: '127.0.0.1', port: portA });
  t.is(one.sent, 3);
  t.is(one.error, null);
  t.true(one.sentAt > 0);

  const each = tx.sendMany(
    [Buffer.from('to-a'), Buffer.from('to-b'), Buffer.from('to-b-again')],
    [
      { address: '127.0.0.1', port: portA },
      { address: '127.0.0.1', port: portB },
      { address: '127.0.0.1', port: portB },
    ],
  );
  t.is(each.sent, 3);
  await waitUntil(() => atA.length === 4 && atB.length === 2);
  t.deepEqual(atA, ['a1', 'a2', 'a3', 'to-a']);
  t.deepEqual(atB, ['to-b', 'to-b-again']);

  const error = t.throws<SocketError>(() => tx.sendMany([Buffer.from('x')], [{ address: '127.0.0.1', port: 1 }, { address: '127.0.0.1', port: 2 }]));
  t.is(error?.code, 'ERR_INVALID_ARG_VALUE');
});

test('connect, send, remoteAddress, disconnect', async (t) => {
  const rx = openSocket({ family: 'inet', type: 'dgram' }).bind('127.0.0.1', 0);
  const tx = openSocket({ family: 'inet', type: 'dgram' });
  t.teardown(() => (rx.close(), tx.close()));
  t.true(tx.connect('127.0.0.1', rx.address().port ?? 0));
  t.deepEqual(tx.remoteAddress(), { family: 'inet', address: '127.0.0.1', port: rx.address().port, scopeId: null });
  t.is(tx.address().address, '127.0.0.1', 'connect picked the local address');
  const got = waitFor<[Buffer, MessageInfo]>(rx, 'message', () => true);
  const { bytes, sentAt } = tx.send(Buffer.from('connected'));
  t.is(bytes, 9);
  const [msg, info] = await got;
  t.is(msg.toString(), 'connected');
  t.true(info.timestamp > sentAt);
  // Connected sendMany needs no address.
  const more: string[] = [];
  rx.on('message', (m) => more.push(m.toString()));
  t.is(tx.sendMany([Buffer.from('m1'), Buffer.from('m2')]).sent, 2);
  await waitUntil(() => more.length === 2);
  t.deepEqual(more, ['m1', 'm2']);
  tx.disconnect();
  t.is(t.throws<SocketError>(() => tx.remoteAddress())?.code, 'ENOTCONN');
  const notConnected = t.throws<SocketError>(() => tx.send(Buffer.from('x')));
  t.is(notConnected?.code, 'EDESTADDRREQ');
  t.regex(notConnected?.message ?? '', /call connect\(\) first, or use sendTo\(\)/);
});

test('bind errors: address in use and an address that is not local, explained', (t) => {
  const a = openSocket({ family: 'inet', type: 'dgram' }).bind('127.0.0.1', 0);
  const b = openSocket({ family: 'inet', type: 'dgram' });
  t.teardown(() => (a.close(), b.close()));
  const inUse = t.throws<SocketError>(() => b.bind('127.0.0.1', a.address().port ?? 0));
  t.is(inUse?.code, 'EADDRINUSE');
  t.is(inUse?.syscall, 'bind');
  t.regex(inUse?.message ?? '', /^bind EADDRINUSE 127\.0\.0\.1:\d+: another socket already uses that address and port$/);
  const c = openSocket({ family: 'inet', type: 'dgram' });
  t.teardown(() => c.close());
  const notLocal = t.throws<SocketError>(() => c.bind('192.0.2.1', 0)); // TEST-NET-1: never assigned here; nothing is sent
  t.is(notLocal?.code, 'EADDRNOTAVAIL');
  t.regex(notLocal?.message ?? '', /not assigned to any local interface/);
  const bad = t.throws<SocketError>(() => c.bind('127.0.0.256', 0));
  t.is(bad?.code, 'ERR_INVALID_ARG_VALUE');
});

test('drain: 500 datagrams waiting before the loop turns arrive whole, distinct, in far fewer callbacks', async (t) => {
  const { rx, tx, n } = drainPair(t, 500);
  t.log(`receive buffer ${rx.getOption('SO_RCVBUF')} bytes: ${n} datagrams`);
  const payloads = Array.from({ length: n }, (_, i) => Buffer.from(`datagram ${i} ${'x'.repeat(i % 50)}`));

  let batches = 0;
  const kept: Buffer[] = [];
  rx.on('batch', () => batches++);
  rx.on('message', (msg) => kept.push(msg)); // kept as given: must never be overwritten later
  const result = tx.sendMany(payloads, { address: '127.0.0.1', port: rx.address().port ?? 0 });
  t.is(result.sent, n);
  await waitUntil(() => kept.length === n);
  t.deepEqual(
    kept.map((b) => b.toString()),
    payloads.map((b) => b.toString()),
  );
  t.true(batches <= n / 10, `${batches} batches for ${n} datagrams`);
});

test('drain with a small per-wake-up bound: many batches, and earlier datagrams stay intact', async (t) => {
  const { rx, tx, n } = drainPair(t, 300);
  rx.startReceiving({ slotCount: 16, maxPerWake: 32 });
  const batches: ReceiveBatch[] = [];
  rx.on('batch', (b) => batches.push(b));
  const payloads = Array.from({ length: n }, (_, i) => Buffer.from(`#${i}`));
  t.is(tx.sendMany(payloads, { address: '127.0.0.1', port: rx.address().port ?? 0 }).sent, n);
  await waitUntil(() => batches.reduce((sum, b) => sum + b.count, 0) === n);
  t.true(batches.length >= Math.ceil(n / 32), `${batches.length} batches of at most 32`);
  t.true(batches.every((b) => b.count <= 32));
  // Read every datagram from every batch only now, after all later batches arrived.
  const all = batches.flatMap((b) => Array.from({ length: b.count }, (_, i) => datagramAt(b, i).toString()));
  t.deepEqual(all, payloads.map((p) => p.toString()));
  const first = batches[0] as ReceiveBatch;
  t.is(first.addresses, null, 'IPv4 sources travel as numbers, not strings');
  t.is(first.meta[BATCH.sourceV4], ipv4ToNumber('127.0.0.1'));
  t.is(first.meta[BATCH.family], constants.AF_INET);
});

test('reuseBatches: every batch in the same data Buffer and meta array, read in the listener; made again only to grow', async (t) => {
  const { rx, tx, n } = drainPair(t, 300);
  rx.startReceiving({ slotCount: 16, maxPerWake: 32, reuseBatches: true });
  const seen: { data: Buffer; meta: Float64Array; count: number }[] = [];
  const read: Buffer[] = [];
  rx.on('batch', (b) => {
    seen.push({ data: b.data, meta: b.meta, count: b.count });
    for (let i = 0; i < b.count; i++) read.push(Buffer.from(datagramAt(b, i)));
  });
  const port = rx.address().port ?? 0;
  const small = Array.from({ length: n }, (_, i) => Buffer.from(`#${i}`));
  t.is(tx.sendMany(small, { address: '127.0.0.1', port }).sent, n);
  await waitUntil(() => read.length === n);
  const smallBatches = seen.length;
  // Then bigger datagrams than any batch so far held: the Buffer must grow to take them.
  const big = Array.from({ length: 64 }, (_, i) => Buffer.alloc(1000, i));
  t.is(tx.sendMany(big, { address: '127.0.0.1', port }).sent, big.length);
  await waitUntil(() => read.length === n + big.length);
  t.deepEqual(read, [...small, ...big], 'each batch read whole in its listener');
  t.true(smallBatches >= Math.ceil(n / 32), `${smallBatches} batches`);
  for (let i = 1; i < seen.length; i++) {
    const [was, is] = [seen[i - 1]!, seen[i]!];
    t.true(is.data === was.data || is.data.length > was.data.length, `batch ${i}: the same Buffer, or a bigger one`);
    t.true(is.meta === was.meta || is.meta.length > was.meta.length, `batch ${i}: the same array, or a bigger one`);
  }
  t.false(seen.slice(0, smallBatches).some((b) => b.data === seen[seen.length - 1]!.data), 'the big datagrams needed a bigger Buffer');
});

test('reuseBatches on IPv6: the sources Buffer is reused too, and each batch names its senders right', async (t) => {
  const rx = openSocket({ family: 'inet6', type: 'dgram' }).bind('::1', 0);
  const tx = openSocket({ family: 'inet6', type: 'dgram' }).bind('::1', 0);
  t.teardown(() => (rx.close(), tx.close()));
  rx.startReceiving({ slotCount: 8, maxPerWake: 8, reuseBatches: true });
  const sources: Buffer[] = [];
  const read: string[] = [];
  rx.on('batch', (b) => {
    const batch = b as ReceiveBatch & { sources6: Buffer };
    sources.push(batch.sources6);
    for (let i = 0; i < b.count; i++) read.push(`${b.addresses![i]} ${datagramAt(b, i).toString()}`);
  });
  const n = 100;
  t.is(tx.sendMany(Array.from({ length: n }, (_, i) => Buffer.from(`#${i}`)), { address: '::1', port: rx.address().port ?? 0 }).sent, n);
  await waitUntil(() => read.length === n);
  t.deepEqual(read, Array.from({ length: n }, (_, i) => `::1 #${i}`));
  t.true(sources.length >= n / 8);
  for (let i = 1; i < sources.length; i++) t.true(sources[i] === sources[i - 1] || sources[i]!.length > sources[i - 1]!.length, `batch ${i}`);
});

test('without reuseBatches each batch has its own Buffer and array', async (t) => {
  const { rx, tx, n } = drainPair(t, 100);
  rx.startReceiving({ slotCount: 16, maxPerWake: 16 });
  const seen: ReceiveBatch[] = [];
  rx.on('batch', (b) => seen.push(b));
  t.is(tx.sendMany(Array.from({ length: n }, (_, i) => Buffer.from(`#${i}`)), { address: '127.0.0.1', port: rx.address().port ?? 0 }).sent, n);
  await waitUntil(() => seen.reduce((sum, b) => sum + b.count, 0) === n);
  t.true(seen.length >= 2);
  t.is(new Set(seen.map((b) => b.data)).size, seen.length);
  t.is(new Set(seen.map((b) => b.meta)).size, seen.length);
});

test('a datagram longer than the receive slot is truncated and says so', async (t) => {
  const rx = openSocket({ family: 'inet', type: 'dgram' }).bind('127.0.0.1', 0);
  const tx = openSocket({ family: 'inet', type: 'dgram' });
  t.teardown(() => (rx.close(), tx.close()));
  rx.startReceiving({ slotSize: 100 });
  const got = waitFor<[Buffer, MessageInfo]>(rx, 'message', () => true);
  const big = Buffer.alloc(1000, 0x61);
  tx.sendTo(big, '127.0.0.1', rx.address().port ?? 0);
  const [msg, info] = await got;
  t.is(msg.length, 100);
  t.is(info.size, 1000);
  t.true(info.truncated);
  t.truthy(info.flags & constants.MSG_TRUNC);
});

// The received hop limit and TOS (traffic class), asked for with the family's own options.
const RECEIVED_HEADER = [
  { title: 'IP_RECVTTL and IP_RECVTOS report the received TTL and TOS', family: 'inet', address: '127.0.0.1', ask: ['IP_RECVTTL', 'IP_RECVTOS'], set: ['IP_TTL', 'IP_TOS'], hops: 17, tos: 0x28 },
  { title: 'IPV6_RECVHOPLIMIT and IPV6_RECVTCLASS report the hop limit and traffic class', family: 'inet6', address: '::1', ask: ['IPV6_RECVHOPLIMIT', 'IPV6_RECVTCLASS'], set: ['IPV6_UNICAST_HOPS', 'IPV6_TCLASS'], hops: 9, tos: 0x20 },
] as const;

for (const c of RECEIVED_HEADER) {
  test(c.title, async (t) => {
    const rx = openSocket({ family: c.family, type: 'dgram' }).bind(c.address, 0);
    const tx = openSocket({ family: c.family, type: 'dgram' });
    t.teardown(() => (rx.close(), tx.close()));
    rx.setOption(c.ask[0], true).setOption(c.ask[1], true);
    tx.setOption(c.set[0], c.hops).setOption(c.set[1], c.tos);
    const got = waitFor<[Buffer, MessageInfo]>(rx, 'message', () => true);
    tx.sendTo(Buffer.from('hops'), c.address, rx.address().port ?? 0);
    const [, info] = await got;
    t.is(info.hopLimit, c.hops);
    t.is(info.tos, c.tos);
  });
}

test('a connected UDP socket reports ICMP port unreachable as an ECONNREFUSED error event', async (t) => {
  const closedPort = await unusedUdpPort();
  const s = openSocket({ family: 'inet', type: 'dgram' });
  t.teardown(() => s.close());
  s.connect('127.0.0.1', closedPort);
  s.startReceiving();
  const failed = new Promise<SocketError>((resolve) => s.once('error', resolve));
  s.send(Buffer.from('anyone?'));
  const error = await failed;
  t.is(error.code, 'ECONNREFUSED');
  t.is(error.errno, -constants.ECONNREFUSED);
  t.regex(error.message, /ICMP port unreachable/);
  t.false(s.closed, 'an error event does not close the socket');
  t.true(s.receiving, 'and receiving goes on');
});

test('IP_RECVERR: the ICMP error arrives on the error queue with its details, and no error event', async (t) => {
  const closedPort = await unusedUdpPort();
  const s = openSocket({ family: 'inet', type: 'dgram' }).bind('127.0.0.1', 0);
  t.teardown(() => s.close());
  s.setOption('IP_RECVERR', true);
  const errors: SocketError[] = [];
  s.on('error', (e) => errors.push(e));
  s.startReceiving();
  const queued = waitFor<[QueuedError]>(s, 'errqueue', () => true);
  const { sentAt } = s.sendTo(Buffer.from('probe-1'), '127.0.0.1', closedPort);
  const [entry] = await queued;
  t.is(entry.code, 'ECONNREFUSED');
  t.is(entry.origin, 'icmp');
  t.is(entry.icmpType, 3); // destination unreachable
  t.is(entry.icmpCode, 3); // port unreachable
  t.deepEqual(entry.offender, { family: 'inet', address: '127.0.0.1', port: 0, scopeId: null });
  t.deepEqual(entry.destination, { family: 'inet', address: '127.0.0.1', port: closedPort, scopeId: null });
  t.is(entry.payload.toString(), 'probe-1');
  t.true(entry.kernelTimestamp);
  t.true(entry.timestamp > sentAt);
  // The pending socket error that came with it is the same news: it is not emitted twice.
  const second = waitFor<[QueuedError]>(s, 'errqueue', () => true);
  s.sendTo(Buffer.from('probe-2'), '127.0.0.1', closedPort);
  t.is((await second)[0].payload.toString(), 'probe-2');
  t.deepEqual(errors, []);
});

test('a stream socket receives data and then end when the peer closes', async (t) => {
  const server = createServer((conn) => conn.end('from the server'));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.teardown(() => server.close());
  const port = (server.address() as { port: number }).port;
  const s = openSocket({ family: 'inet', type: 'stream' });
  t.teardown(() => s.close());
  const chunks: string[] = [];
  s.on('message', (m) => chunks.push(m.toString()));
  const ended = waitFor(s, 'end', () => true);
  s.connect('127.0.0.1', port); // in progress or done: receiving waits for data either way
  await ended;
  t.is(chunks.join(''), 'from the server');
  t.false(s.receiving, 'receiving stops at end of stream');
});

test('the async iterator yields messages and closes the socket when the loop ends', async (t) => {
  const rx = openSocket({ family: 'inet', type: 'dgram' }).bind('127.0.0.1', 0);
  const tx = openSocket({ family: 'inet', type: 'dgram' });
  t.teardown(() => (rx.close(), tx.close()));
  const port = rx.address().port ?? 0;
  tx.sendMany(['one', 'two', 'three'].map((s) => Buffer.from(s)), { address: '127.0.0.1', port });
  const seen: string[] = [];
  for await (const { msg, info } of rx) {
    seen.push(msg.toString());
    t.is(info.address, '127.0.0.1');
    if (seen.length === 3) break;
  }
  t.deepEqual(seen, ['one', 'two', 'three']);
  t.true(rx.closed, 'break closed the socket');
});

test('the async iterator pauses receiving at its high-water mark and resumes as it is read', async (t) => {
  const rx = openSocket({ family: 'inet', type: 'dgram' }).bind('127.0.0.1', 0);
  const tx = openSocket({ family: 'inet', type: 'dgram' });
  t.teardown(() => (rx.close(), tx.close()));
  rx.setOption('SO_RCVBUF', 1 << 20);
  const port = rx.address().port ?? 0;
  const messages = rx.messages({ highWaterMark: 8, close: false });
  // Let the iterator start receiving, then send more than the high-water mark.
  tx.sendMany(Array.from({ length: 40 }, (_, i) => Buffer.from(`${i}`)), { address: '127.0.0.1', port });
  const seen: string[] = [];
  let pausedSeen = false;
  while (seen.length < 40) {
    const next = await messages.next();
    if (next.done === true) break;
    seen.push(next.value.msg.toString());
    if (!rx.receiving) pausedSeen = true;
  }
  t.deepEqual(seen, Array.from({ length: 40 }, (_, i) => `${i}`));
  t.true(pausedSeen, 'receiving paused while the buffer was full');
  await messages.return?.();
  t.false(rx.closed, 'close: false keeps the socket open');
  t.is(rx.listenerCount('message'), 0);
});

test('the async iterator ends when the socket is closed elsewhere', async (t) => {
  const rx = openSocket({ family: 'inet', type: 'dgram' }).bind('127.0.0.1', 0);
  const pending = rx.messages().next();
  rx.close();
  t.deepEqual(await pending, { value: undefined, done: true });
});

/**
 * A receiver on 127.0.0.1 with a 4 MiB receive buffer and a sender, closed when the test ends,
 * and how many datagrams to send: `most`, or fewer when they would not fit the buffer the kernel
 * gave (a small datagram costs it about 1 KiB).
 */
function drainPair(t: ExecutionContext, most: number): { rx: RawSocket; tx: RawSocket; n: number } {
  const rx = openSocket({ family: 'inet', type: 'dgram' }).bind('127.0.0.1', 0);
  const tx = openSocket({ family: 'inet', type: 'dgram' });
  t.teardown(() => (rx.close(), tx.close()));
  rx.setOption('SO_RCVBUF', 4 << 20);
  return { rx, tx, n: Math.min(most, Math.floor(rx.getOption('SO_RCVBUF') / 1024)) };
}

async function waitUntil(condition: () => boolean, limitMs = 10_000): Promise<void> {
  const start = Date.now();
  while (!condition()) {
    if (Date.now() - start > limitMs) throw new Error('condition not met in time');
    await delay(5);
  }
}

/** A UDP port on 127.0.0.1 with nobody listening (bound, read, released). */
async function unusedUdpPort(): Promise<number> {
  const s = openSocket({ family: 'inet', type: 'dgram' }).bind('127.0.0.1', 0);
  const port = s.address().port ?? 0;
  s.close();
  return port;
}
