// `rawprobe send`'s pacing and counting on the probe engine (lib/craft/send.ts), with a fake clock
// and a fake socket: --interval sends on a schedule, --rate N batches up to the rate, --rate max
// sends in batches of 256, a full socket buffer is retried and not counted, a hard refusal is
// counted and the rest go, a first refusal is thrown, --wait listens for answers and ends as
// soon as every packet that can be answered was, echo sequences count up with right checksums,
// and an abort ends the run. Times are the fake clock's. No kernel, no privilege.
import test from 'ava';
import { sendPackets, type Reply, type SendOptions, type SendStats, type SentEvent } from '../../lib/craft/send.js';
import { decodePacket, encodePacket } from '../../lib/wire/packet.js';
import { echoReplyFor, FakeClock, FakeSocket, runOnFakeNetwork, ThreadedFakeSocket, type Responder } from '../probe/fakes.js';

const SRC = '127.0.0.1';
const DST = '127.0.0.9';
const MS = 1e6;

const echo = (sequence = 1): Buffer => encodePacket({ ip: { src: SRC, dst: DST, id: 7 }, icmp: { kind: 'echo-request', identifier: 0x5151, sequence } });
const udp = (dstPort: number): Buffer => encodePacket({ ip: { src: SRC, dst: DST }, udp: { srcPort: 40000, dstPort } });

interface Run {
  stats: SendStats;
  socket: FakeSocket;
  /** Fake ms of each packet's send, from the start. */
  times: number[];
  sent: SentEvent[];
  replies: Reply[];
  ms: number;
}

async function send(packets: Buffer[], options: SendOptions, respond: Responder = () => [], setup?: (s: FakeSocket) => void): Promise<Run> {
  const clock = new FakeClock();
  const socket = new FakeSocket(clock);
  setup?.(socket);
  const start = clock.t;
  const sent: SentEvent[] = [];
  const replies: Reply[] = [];
  const running = sendPackets(packets, { ...options, onSent: (e) => sent.push({ ...e, packet: Buffer.from(e.packet) }), onReply: (r) => replies.push(r) }, { socket, clock });
  const ms = await runOnFakeNetwork(clock, socket, respond, running);
  const stats = await running;
  return { stats, socket, times: socket.sent.map((s) => (s.at - start) / MS), sent, replies, ms };
}

test('--interval: the first at once, then one every interval; sendMs from the first to the last', async (t) => {
  const r = await send([echo()], { count: 4, intervalMs: 100 });
  t.deepEqual(r.times, [0, 100, 200, 300]);
  t.like(r.stats, { sent: 4, bytes: 4 * 28, errors: 0, replies: 0, aborted: false });
  t.is(r.stats.sendMs, 300);
  t.deepEqual(r.sent.map((e) => e.index), [0, 1, 2, 3]);
  t.is(r.socket.sendManyCalls, 0, 'one sendto per packet');
});

test('echo sequences count up per round, and the ICMP checksum follows (RFC 1624)', async (t) => {
  const r = await send([echo(1)], { count: 3, intervalMs: 10 });
  const decoded = r.socket.sent.map((s) => decodePacket(s.bytes).icmp!);
  t.deepEqual(decoded.map((m) => ('sequence' in m ? m.sequence : -1)), [1, 2, 3]);
  t.true(decoded.every((m) => m.checksumValid === true));
  t.deepEqual(r.sent.map((e) => decodePacket(e.packet).icmp!).map((m) => ('sequence' in m ? m.sequence : -1)), [1, 2, 3], 'onSent sees the bytes that left');
  const fixed = await send([echo(1)], { count: 3, intervalMs: 10, incrementSequence: false });
  t.deepEqual(fixed.socket.sent.map((s) => s.bytes.equals(echo(1))), [true, true, true]);
});

test('a list of packets goes round-robin', async (t) => {
  const r = await send([udp(1), udp(2), udp(3)], { count: 5, intervalMs: 1 });
  t.deepEqual(r.socket.sent.map((s) => decodePacket(s.bytes).udp!.dstPort), [1, 2, 3, 1, 2]);
});

test('--rate 1000: about one packet per millisecond, the first at once, none ahead of the rate', async (t) => {
  const r = await send([echo()], { count: 50, rate: 1000 });
  t.is(r.stats.sent, 50);
  t.is(r.times[0], 0);
  // Never more sent by time t than the rate allows (plus the one at the start).
  for (const [i, at] of r.times.entries()) t.true(i <= at + 1, `packet ${i} at ${at} ms`);
  t.true(r.times[49]! >= 49 && r.times[49]! <= 51, `the last at ${r.times[49]} ms`);
});

test('--rate max: batches of 256 (sendmmsg), all at once, bounded by the count', async (t) => {
  const r = await send([echo()], { count: 600, rate: 'max' });
  t.is(r.stats.sent, 600);
  t.is(r.socket.sendManyCalls, 3);
  t.true(r.times.every((at) => at === 0));
});

test('--rate max with a send thread: the first batch directly, the rest through the thread; a packet it refuses is an error, not sent', async (t) => {
  const clock = new FakeClock();
  const socket = new ThreadedFakeSocket(clock);
  socket.refuse.add(300); // the thread's tags are the packets' numbers
  // More than one turn of the engine's loop (4096 a turn): the refusal comes (when the fake thread
  // runs, at the end) long after the packet was counted sent.
  const count = 6000;
  const running = sendPackets([echo()], { count, rate: 'max' }, { socket, clock });
  await runOnFakeNetwork(clock, socket, () => [], running);
  const stats = await running;
  t.like(stats, { sent: count - 1, errors: 1, bytes: (count - 1) * echo().length });
  t.is(stats.firstError?.code, 'ENETUNREACH');
  t.is(socket.sendManyCalls, 1, 'one sendmmsg of our own, then the thread');
  t.is(socket.sent.length, count - 1);
  t.false(socket.sent.some((p) => (decodePacket(p.bytes).icmp as { sequence: number }).sequence === 301), 'the refused packet never went');
});

test('a full socket buffer (EAGAIN) is waited out and retried, at any pacing, never counted as refused', async (t) => {
  for (const rate of ['max', 5000] as const) {
    const r = await send([echo()], { count: 300, rate }, () => [], (s) => (s.failure = { code: 'EAGAIN', times: 2 }));
    t.like(r.stats, { sent: 300, errors: 0, firstError: null }, String(rate));
    t.deepEqual(r.socket.sent.map((s) => decodePacket(s.bytes).icmp!).map((m) => ('sequence' in m ? m.sequence : -1)), Array.from({ length: 300 }, (_, i) => i + 1), 'nothing lost, nothing twice');
  }
});

test('a hard refusal after the first packet: counted, the first error kept, the rest go', async (t) => {
  const r = await send([echo()], { count: 5, intervalMs: 10 }, () => [], (s) => {
    const original = s.sendTo.bind(s);
    let calls = 0;
    s.sendTo = (buffer, address) => {
      if (++calls === 3) throw Object.assign(new Error('sendto EMSGSIZE: Message too long'), { code: 'EMSGSIZE' });
      return original(buffer, address);
    };
  });
  t.like(r.stats, { sent: 4, errors: 1 });
  t.is(r.stats.firstError?.code, 'EMSGSIZE');
});

test('the first packet refused: sendPackets throws that error, nothing counted', async (t) => {
  const clock = new FakeClock();
  const socket = new FakeSocket(clock);
  socket.failure = { code: 'EPERM', times: 1 };
  await t.throwsAsync(sendPackets([echo()], { count: 3, intervalMs: 10 }, { socket, clock }), { message: /EPERM/ });
  t.is(socket.closes, 1);
  t.is(socket.sent.length, 0);
});

test('--wait: answers are reported with their kind, packet and round trip; the run ends when all are answered', async (t) => {
  const r = await send([echo()], { count: 3, intervalMs: 10, waitMs: 5000 }, (p) => [{ afterMs: 3, bytes: echoReplyFor(p.bytes) }]);
  t.like(r.stats, { sent: 3, replies: 3 });
  t.deepEqual(r.replies.map((x) => [x.kind, x.probe, x.rttMs]), [['echo-reply', 0, 3], ['echo-reply', 1, 3], ['echo-reply', 2, 3]]);
  t.true(r.replies.every((x) => decodePacket(x.bytes).icmp?.kind === 'echo-reply'));
  t.is(r.ms, 23, 'ended at the last answer, not after the 5 s wait');
});

test('--wait with no answer: listens waitMs after the last send, then ends with 0 replies', async (t) => {
  const r = await send([echo()], { count: 2, intervalMs: 10, waitMs: 300 });
  t.like(r.stats, { sent: 2, replies: 0 });
  t.true(r.ms >= 310 && r.ms <= 311, `${r.ms} fake ms`);
});

test('--wait: a packet nothing can answer (an echo reply sent on purpose) is not waited for', async (t) => {
  const reply = encodePacket({ ip: { src: SRC, dst: DST }, icmp: { kind: 'echo-reply', identifier: 1, sequence: 1 } });
  const r = await send([reply], { count: 1, waitMs: 5000 });
  t.like(r.stats, { sent: 1, replies: 0 });
  t.true(r.ms < 10, `${r.ms} fake ms`);
});

test('an abort ends the run: what went out is counted, aborted is true', async (t) => {
  const controller = new AbortController();
  const clock = new FakeClock();
  const socket = new FakeSocket(clock);
  const running = sendPackets([echo()], { count: 100, intervalMs: 100, signal: controller.signal }, { socket, clock });
  const driven = runOnFakeNetwork(clock, socket, () => [], running);
  while (socket.sent.length < 3) await new Promise((r) => setImmediate(r));
  controller.abort();
  await driven;
  const stats = await running;
  t.true(stats.aborted);
  t.true(stats.sent >= 3 && stats.sent < 100);
  t.is(socket.closes, 1);
});

test('gaps (a capture\'s timing): each packet its own time after the one before; a new round right after the last', async (t) => {
  const r = await send([udp(1), udp(2), udp(3)], { count: 5, gapsMs: [0, 30, 5] });
  t.deepEqual(r.times, [0, 30, 35, 35, 65]);
  t.deepEqual(r.socket.sent.map((s) => decodePacket(s.bytes).udp!.dstPort), [1, 2, 3, 1, 2]);
  t.is(r.stats.sendMs, 65);
});

test('gaps: stopped in a long gap, the run ends at once, without waiting for the gap', async (t) => {
  const controller = new AbortController();
  const clock = new FakeClock();
  const socket = new FakeSocket(clock);
  const running = sendPackets([udp(1), udp(2)], { gapsMs: [0, 3_600_000], signal: controller.signal }, { socket, clock });
  const driven = runOnFakeNetwork(clock, socket, () => [], running);
  while (socket.sent.length < 1) await new Promise((r) => setImmediate(r));
  controller.abort();
  const ms = await driven;
  const stats = await running;
  t.like(stats, { sent: 1, aborted: true });
  t.true(ms < 1000, `${ms} fake ms`);
});
