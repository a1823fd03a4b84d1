// How the engine times an answer (lib/probe/engine/timing.ts), with a fake clock and a fake
// socket that gives send-stamp keys and kernel send stamps as a SO_TIMESTAMPING socket does:
// each probe's own kernel send stamp replaces the clock read before its send call, in a batch
// too; every round trip uses one clock at both ends; a stamp that cannot be the probe's is not
// used; and whatever the order and timing of stamps and answers, no round trip is 0 or below.
// No kernel, no privilege.
import test from 'ava';
import fc from 'fast-check';
import { NEXT, ProbeEngine, type Outcome, type ProbeHandler } from '../../lib/probe/engine/engine.js';
import type { Match, ProbeSlot } from '../../lib/probe/engine/protocol.js';
import { SendKeys } from '../../lib/probe/engine/send-keys.js';
import { SEND_CLOCK } from '../../lib/probe/engine/table.js';
import { IcmpEchoProtocol } from '../../lib/probe/protocols/icmp-echo.js';
import { echoReplyFor, FakeClock, FakeSocket } from './fakes.js';

const A = '198.51.100.10';
const US = 1000; // ns
const MS = 1_000_000; // ns

/** Sends `count` probes; records each answer's round trip as a handler computes it (receivedAt - sentAt(n)). */
class Timer implements ProbeHandler {
  readonly rtts: { n: number; ns: number }[] = [];
  engine: ProbeEngine | null = null;
  constructor(private readonly count: number) {}
  next(probe: ProbeSlot): 0 | 1 | 2 {
    return probe.number >= this.count ? NEXT.done : NEXT.send;
  }
  answer(n: number, _outcome: Outcome, _m: Match, receivedAt: number): void {
    this.rtts.push({ n, ns: receivedAt - this.engine!.sentAt(n) });
  }
}

function setup(count: number, options: { window?: number; intervalMs?: number; hardware?: boolean } = {}) {
  const clock = new FakeClock();
  const socket = new FakeSocket(clock);
  socket.keyed = true;
  const handler = new Timer(count);
  const engine = new ProbeEngine({
    socket,
    protocol: new IcmpEchoProtocol({ identifier: 0x7777, source: '203.0.113.1', size: 56, df: true }),
    handler: (e) => {
      handler.engine = e;
      return handler;
    },
    clock,
    targets: [A],
    timeoutMs: 1000,
    intervalMs: options.intervalMs ?? 0,
    window: options.window,
    maxBatch: 64,
    hardwareTimestamps: options.hardware ?? false,
  });
  void engine.start();
  return { clock, socket, handler, engine };
}

test("a probe's kernel send stamp replaces the send-call clock: the round trip is kernel to kernel", (t) => {
  const { clock, socket, handler, engine } = setup(1);
  const sentAt = socket.sent[0]!.at;
  socket.stamp([{ key: 0, at: sentAt + 200 * US }]);
  t.is(engine.sentAt(0), sentAt + 200 * US);
  socket.deliver([echoReplyFor(socket.sent[0]!.bytes)], sentAt + 1 * MS);
  t.deepEqual(handler.rtts, [{ n: 0, ns: 800 * US }]);
  t.is(engine.stats().minUs, 800);
  t.deepEqual({ ...engine.timing }, { kernel: 1, hardware: 0, userSend: 0, userReceive: 0 });
  t.is(engine.table.sendClock[engine.table.slot(0)], SEND_CLOCK.kernel);
  clock.advance(1);
  engine.stop();
});

test('a batch: each probe is timed from its own stamp, never from one time for the whole batch', (t) => {
  const { socket, handler, engine } = setup(64, { window: 64 });
  t.is(socket.sendManyCalls, 1, 'the window went out in one sendmmsg');
  const at = socket.sent[0]!.at;
  // The kernel sends them 1 µs apart; each reply comes 3 µs after its request left.
  socket.stamp(socket.sent.map((_, i) => ({ key: i, at: at + i * US })));
  socket.deliver(
    socket.sent.map((p) => echoReplyFor(p.bytes)),
    at + 70 * US,
  );
  t.is(handler.rtts.length, 64);
  handler.rtts.forEach(({ n, ns }) => t.is(ns, 70 * US - n * US, `probe ${n}`));
  t.is(engine.timing.kernel, 64);
  engine.stop();
});

test('without its stamp a probe is timed from the clock read before its send call, and counted so', (t) => {
  const { socket, handler, engine } = setup(2, { window: 2 });
  const at = socket.sent[0]!.at;
  socket.stamp([{ key: 1, at: at + 5 * US }]); // probe 0's stamp never comes
  socket.deliver(socket.sent.map((p) => echoReplyFor(p.bytes)), at + 20 * US);
  t.deepEqual(handler.rtts, [
    { n: 0, ns: 20 * US },
    { n: 1, ns: 15 * US },
  ]);
  t.deepEqual({ ...engine.timing }, { kernel: 1, hardware: 0, userSend: 1, userReceive: 0 });
  engine.stop();
});

test('a stamp that would put the send at or after the answer is not the probe\'s: the send-call clock is used', (t) => {
  const { socket, handler, engine } = setup(1);
  const at = socket.sent[0]!.at;
  socket.stamp([{ key: 0, at: at + 50 * US }]);
  socket.deliver([echoReplyFor(socket.sent[0]!.bytes)], at + 30 * US);
  t.deepEqual(handler.rtts, [{ n: 0, ns: 30 * US }]);
  t.is(engine.timing.userSend, 1);
  engine.stop();
});

test('a stamp earlier than the send call, or for a key no probe went out as, changes nothing', (t) => {
  const { socket, engine } = setup(1);
  const at = socket.sent[0]!.at;
  socket.stamp([
    { key: 0, at: at - 1 },
    { key: 5, at: at + 1 * US },
  ]);
  t.is(engine.sentAt(0), at);
  t.is(engine.table.sendClock[engine.table.slot(0)], SEND_CLOCK.user);
  engine.stop();
});

test('an answer read without a kernel receive stamp is counted as such', (t) => {
  const { socket, engine } = setup(1);
  const at = socket.sent[0]!.at;
  socket.stamp([{ key: 0, at: at + 1 * US }]);
  socket.deliver([echoReplyFor(socket.sent[0]!.bytes)], at + 40 * US, { kernel: false });
  t.deepEqual({ ...engine.timing }, { kernel: 0, hardware: 0, userSend: 0, userReceive: 1 });
  engine.stop();
});

test("--hw-timestamps: the interface's clock when both ends have it, the kernel's software clock otherwise, never one of each", (t) => {
  const { socket, handler, engine } = setup(3, { window: 3, hardware: true });
  const at = socket.sent[0]!.at;
  const HW = 5_000_000 * MS; // the interface's clock reads something else entirely
  socket.stamp([
    { key: 0, at: at + 1 * US, hardwareAt: HW },
    { key: 1, at: at + 2 * US, hardwareAt: HW + 1 * US },
    { key: 2, at: at + 3 * US },
  ]);
  const [r0, r1, r2] = socket.sent.map((p) => echoReplyFor(p.bytes));
  socket.deliver([r0!], at + 10 * US, { hardwareAt: HW + 7 * US }); // hardware at both ends
  socket.deliver([r1!], at + 12 * US); // the answer has no hardware stamp
  socket.deliver([r2!], at + 13 * US, { hardwareAt: HW + 9 * US }); // the probe has none
  t.deepEqual(handler.rtts, [
    { n: 0, ns: 7 * US },
    { n: 1, ns: 10 * US },
    { n: 2, ns: 10 * US },
  ]);
  t.deepEqual({ ...engine.timing }, { kernel: 2, hardware: 1, userSend: 0, userReceive: 0 });
  engine.stop();
});

test('whatever the stamps and the order they come in, no round trip is 0 or below', (t) => {
  const arrival = fc.record({
    stampAfterUs: fc.option(fc.integer({ min: 0, max: 100 }), { nil: null }), // none: never stamped
    replyAfterUs: fc.integer({ min: 1, max: 100 }),
    stampFirst: fc.boolean(),
    kernelReceive: fc.boolean(),
  });
  fc.assert(
    fc.property(fc.array(arrival, { minLength: 1, maxLength: 20 }), (plan) => {
      const { socket, handler, engine } = setup(plan.length, { window: plan.length });
      const at = socket.sent[0]!.at;
      plan.forEach((p, i) => {
        const stamp = (): void => {
          if (p.stampAfterUs !== null) socket.stamp([{ key: i, at: at + p.stampAfterUs * US }]);
        };
        if (p.stampFirst) stamp();
        socket.deliver([echoReplyFor(socket.sent[i]!.bytes)], at + p.replyAfterUs * US, { kernel: p.kernelReceive });
        if (!p.stampFirst) stamp();
      });
      engine.stop();
      return handler.rtts.length === plan.length && handler.rtts.every((r) => r.ns > 0) && engine.stats().minUs >= 1;
    }),
  );
  t.pass();
});

test('send-stamp keys wrap at 2^32 and are forgotten when the ring comes round', (t) => {
  const keys = new SendKeys(16);
  keys.record(2 ** 32 - 1, 7);
  keys.record(0, 8);
  t.is(keys.probeOf(2 ** 32 - 1), 7);
  t.is(keys.probeOf(0), 8);
  keys.record(16, 9); // the same slot as key 0
  t.is(keys.probeOf(0), -1);
  t.is(keys.probeOf(16), 9);
  t.is(keys.probeOf(3), -1);
});
