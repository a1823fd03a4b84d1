// Kernel timestamps at both ends (RawSocket.setTimestamping, native/timestamping.cc): each
// datagram sent comes back as a send stamp keyed by its place among the datagrams sent, taken
// inside the send call, and delivered before anything that answers it; received datagrams carry
// SO_TIMESTAMPING's receive stamp. UDP over 127.0.0.1 needs no privilege; ICMP echo to
// 127.0.0.1 (a raw socket, root) shows the reply never arriving before its request's stamp.
import test from 'ava';
import {
  BATCH,
  FLAG_KERNEL_TIMESTAMP,
  TX,
  type ReceiveBatch,
  type SendStamps,
} from '../../lib/socket/batch.js';
import { constants, now, openSocket, rawIcmpSocket } from '../../lib/socket/index.js';
import { receiveStampsLive } from '../../lib/socket/timestamping.js';
import { encodePacket } from '../../lib/wire/packet.js';
import { rootTest } from '../helpers/privilege.js';
import { delay } from './helpers.js';

const asRoot = rootTest();

function stampFlags(): number {
  const c = constants;
  return c.SOF_TIMESTAMPING_TX_SOFTWARE | c.SOF_TIMESTAMPING_RX_SOFTWARE | c.SOF_TIMESTAMPING_SOFTWARE | c.SOF_TIMESTAMPING_OPT_ID | c.SOF_TIMESTAMPING_OPT_TSONLY;
}

interface Stamp {
  key: number;
  at: number;
}

function stampsOf(s: SendStamps): Stamp[] {
  const out: Stamp[] = [];
  for (let i = 0; i < s.count; i++) {
    if (s.stamps[i * TX.stride + TX.type] !== constants.SCM_TSTAMP_SND) continue;
    out.push({ key: s.stamps[i * TX.stride + TX.key] as number, at: s.stamps[i * TX.stride + TX.timestamp] as number });
  }
  return out;
}

async function until(what: string, done: () => boolean, limitMs = 5000): Promise<void> {
  for (let waited = 0; !done(); waited += 5) {
    if (waited > limitMs) throw new Error(`${what}: not within ${limitMs} ms`);
    await delay(5);
  }
}

test('UDP over 127.0.0.1: one send stamp per datagram, keyed 0, 1, 2... in send order, taken inside the send call; receive stamps too', async (t) => {
  const rx = openSocket({ family: 'inet', type: 'dgram' }).bind('127.0.0.1', 0);
  const tx = openSocket({ family: 'inet', type: 'dgram' }).bind('127.0.0.1', 0);
  t.teardown(() => (rx.close(), tx.close()));
  tx.setTimestamping(stampFlags());
  rx.setTimestamping(stampFlags());
  t.is(tx.timestamping, stampFlags());
  const stamps: Stamp[] = [];
  tx.on('txstamps', (s) => stamps.push(...stampsOf(s)));
  tx.startReceiving();
  const received: { at: number; kernel: boolean; index: number }[] = [];
  rx.on('batch', (b: ReceiveBatch) => {
    for (let i = 0; i < b.count; i++) {
      const base = i * BATCH.stride;
      received.push({ at: b.meta[base + BATCH.timestamp] as number, kernel: ((b.meta[base + BATCH.flags] as number) & FLAG_KERNEL_TIMESTAMP) !== 0, index: b.data[b.meta[base + BATCH.offset] as number]! });
    }
  });
  // The first socket to ask for receive stamps switches them on from a work queue: wait for
  // that (as a probe session does) before sending, or the first datagrams may come unstamped.
  await until('receive stamps on', () => receiveStampsLive() === true, 2000);
  const port = rx.address().port ?? 0;
  const one = tx.sendTo(Buffer.of(0), '127.0.0.1', port);
  t.is(one.key, 0);
  const many = tx.sendMany(Array.from({ length: 20 }, (_, i) => Buffer.of(i + 1)), { address: '127.0.0.1', port });
  t.is(many.sent, 20);
  t.is(many.firstKey, 1);
  t.true(many.sentBy >= many.sentAt);
  await until('21 stamps and 21 datagrams', () => stamps.length >= 21 && received.length >= 21);
  t.deepEqual(stamps.map((s) => s.key), Array.from({ length: 21 }, (_, i) => i));
  t.true(stamps[0]!.at >= one.sentAt, 'the single send was stamped after the clock read before it');
  for (const s of stamps.slice(1)) t.true(s.at >= many.sentAt && s.at <= many.sentBy, `stamp ${s.key} inside the sendmmsg call`);
  for (let i = 2; i < stamps.length; i++) t.true(stamps[i]!.at >= stamps[i - 1]!.at, 'in send order');
  for (const r of received) {
    t.true(r.kernel, 'every datagram carries a kernel receive stamp');
    t.true(r.at > stamps[r.index]!.at, `datagram ${r.index} was received after it was sent`);
  }
});

test('once a socket asked for receive stamps, the kernel stamps what arrives (the settle wait ends)', async (t) => {
  const s = openSocket({ family: 'inet', type: 'dgram' });
  t.teardown(() => s.close());
  s.setTimestamping(stampFlags());
  await until('receive stamps on', () => receiveStampsLive() === true, 2000);
  t.is(receiveStampsLive(), true);
});

test('without OPT_ID, or with timestamping off, sends give no keys', (t) => {
  const s = openSocket({ family: 'inet', type: 'dgram' });
  t.teardown(() => s.close());
  t.is(s.sendTo(Buffer.of(1), '127.0.0.1', 9).key, -1);
  s.setTimestamping(stampFlags() & ~constants.SOF_TIMESTAMPING_OPT_ID);
  t.is(s.sendTo(Buffer.of(1), '127.0.0.1', 9).key, -1);
  s.setTimestamping(stampFlags());
  t.is(s.sendTo(Buffer.of(1), '127.0.0.1', 9).key, 0, 'OPT_ID going on counts from 0');
  t.is(s.sendTo(Buffer.of(1), '127.0.0.1', 9).key, 1);
  s.setTimestamping(0);
  t.is(s.sendTo(Buffer.of(1), '127.0.0.1', 9).key, -1);
});

asRoot('ICMP echo to 127.0.0.1 in one sendmmsg: every request\'s send stamp is delivered before its reply, and earlier than it', async (t) => {
  const s = rawIcmpSocket({ hdrincl: true });
  t.teardown(() => s.close());
  s.setTimestamping(stampFlags());
  const events: ({ kind: 'stamp'; key: number; at: number } | { kind: 'reply'; seq: number; at: number })[] = [];
  s.on('txstamps', (x) => events.push(...stampsOf(x).map((st) => ({ kind: 'stamp' as const, ...st }))));
  s.on('batch', (b: ReceiveBatch) => {
    for (let i = 0; i < b.count; i++) {
      const base = i * BATCH.stride;
      const off = b.meta[base + BATCH.offset] as number;
      if (b.data[off + 20] !== 0) continue; // our own requests come back on a raw ICMP socket too
      events.push({ kind: 'reply', seq: b.data.readUInt16BE(off + 26), at: b.meta[base + BATCH.timestamp] as number });
    }
  });
  const id = (process.pid ^ 0x5a5a) & 0xffff;
  const requests = Array.from({ length: 32 }, (_, seq) =>
    encodePacket({ ip: { src: '127.0.0.1', dst: '127.0.0.1', ttl: 64 }, icmp: { kind: 'echo-request', identifier: id, sequence: seq, data: Buffer.alloc(16) } }),
  );
  const before = now();
  const r = s.sendMany(requests, '127.0.0.1');
  t.is(r.sent, 32);
  t.is(r.firstKey, 0);
  await until('32 replies', () => events.filter((e) => e.kind === 'reply').length >= 32);
  const stampAt = new Map<number, { at: number; position: number }>();
  events.forEach((e, position) => {
    if (e.kind === 'stamp') stampAt.set(e.key, { at: e.at, position });
  });
  events.forEach((e, position) => {
    if (e.kind !== 'reply') return;
    const stamp = stampAt.get(e.seq); // key n is request n: one sendmmsg, sequences 0..31
    t.truthy(stamp, `request ${e.seq} has its send stamp`);
    t.true(stamp!.position < position, `request ${e.seq}'s stamp came before its reply`);
    t.true(stamp!.at >= before && e.at > stamp!.at, `reply ${e.seq} ${e.at - stamp!.at} ns after its request left`);
  });
});
