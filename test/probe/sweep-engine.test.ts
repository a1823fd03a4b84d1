// What the sweep added to the shared probe engine, on its own: targets added and repointed while
// it runs (addTarget, setTarget), answers to a target index's earlier address handed to stray()
// and never credited, and wake() after NEXT.wait. Fake clock and socket; no kernel.
import test from 'ava';
import { NEXT, OUTCOME, ProbeEngine, type Outcome, type ProbeHandler } from '../../lib/probe/engine/engine.js';
import { IcmpEchoProtocol } from '../../lib/probe/protocols/icmp-echo.js';
import type { Match, ProbeSlot } from '../../lib/probe/engine/protocol.js';
import { decodePacket } from '../../lib/wire/packet.js';
import { echoReplyFor, FakeClock, FakeSocket } from './fakes.js';

const A = '198.51.100.1';
const B = '198.51.100.2';
const C = '198.51.100.3';

class Scripted implements ProbeHandler {
  plan: (number | 'wait' | 'done')[];
  answers: { n: number; outcome: Outcome }[] = [];
  strays: { n: number; from: number }[] = [];
  asked = 0;
  constructor(plan: (number | 'wait' | 'done')[]) {
    this.plan = plan;
  }
  next(slot: ProbeSlot): 0 | 1 | 2 {
    this.asked++;
    const step = this.plan.shift() ?? 'done';
    if (step === 'wait') return NEXT.wait;
    if (step === 'done') return NEXT.done;
    slot.target = step;
    return NEXT.send;
  }
  answer(n: number, outcome: Outcome): void {
    this.answers.push({ n, outcome });
  }
  stray(n: number, m: Match): void {
    this.strays.push({ n, from: m.from });
  }
}

function engineWith(handler: ProbeHandler, clock: FakeClock, socket: FakeSocket): ProbeEngine {
  return new ProbeEngine({
    socket,
    protocol: new IcmpEchoProtocol({ identifier: 0x4242, source: '203.0.113.1', size: 8, df: false }),
    handler,
    clock,
    targets: [A],
    timeoutMs: 100,
    window: Number.POSITIVE_INFINITY,
  });
}

test('addTarget and setTarget: probes go to the index\'s address of the moment; statistics start again', async (t) => {
  const clock = new FakeClock();
  const socket = new FakeSocket(clock);
  const handler = new Scripted([0, 'wait', 'wait']);
  const engine = engineWith(handler, clock, socket);
  const done = engine.start();
  t.is(engine.addTarget(B), 1);
  t.deepEqual(engine.targets, [A, B]);
  socket.deliver([echoReplyFor(socket.sent[0]!.bytes)]);
  t.is(engine.stats(0).received, 1);
  // Index 0 now probes C: a new probe goes to C, and the old statistics are gone.
  engine.setTarget(0, C);
  t.is(engine.stats(0).received, 0);
  t.is(engine.stats(0).transmitted, 0);
  handler.plan.push(0, 1, 'done');
  engine.wake();
  clock.advance(1);
  t.deepEqual(socket.sent.map((p) => decodePacket(p.bytes).ip.dst), [A, C, B]);
  t.deepEqual(socket.sent.map((p) => p.address), [A, C, B]);
  for (const p of socket.sent.slice(1)) socket.deliver([echoReplyFor(p.bytes)]);
  await done;
  t.like(engine.stats(0), { transmitted: 1, received: 1 });
  t.like(engine.stats(1), { transmitted: 1, received: 1 });
  t.throws(() => engine.setTarget(5, A), { instanceOf: RangeError });
});

test('an answer to an index\'s earlier address goes to stray(), is counted as ignored, and credits nobody', async (t) => {
  const clock = new FakeClock();
  const socket = new FakeSocket(clock);
  const handler = new Scripted([0, 'wait', 'wait', 'wait']);
  const engine = engineWith(handler, clock, socket);
  const done = engine.start();
  const toA = socket.sent[0]!.bytes;
  clock.advance(150); // A's probe times out
  engine.setTarget(0, B);
  socket.deliver([echoReplyFor(toA)]); // A answers, late, after its index moved to B
  t.deepEqual(handler.strays, [{ n: 0, from: 0xc6336401 }]);
  t.is(engine.ignored, 1);
  t.deepEqual(handler.answers, []);
  t.is(engine.stats(0).late, 0);
  engine.stop();
  await done;
});

test('wake() after NEXT.wait asks again at the next turn; without it the engine just waits', async (t) => {
  const clock = new FakeClock();
  const socket = new FakeSocket(clock);
  const handler = new Scripted(['wait']);
  const engine = engineWith(handler, clock, socket);
  const done = engine.start();
  clock.advance(50);
  t.is(handler.asked, 1, 'nothing in flight, nothing answered: not asked again');
  handler.plan.push(0, 'done');
  engine.wake();
  t.is(socket.sent.length, 0, 'not at once: at the next turn of the loop');
  clock.advance(1);
  t.is(socket.sent.length, 1);
  socket.deliver([echoReplyFor(socket.sent[0]!.bytes)]);
  await done;
  t.deepEqual(handler.answers, [{ n: 0, outcome: OUTCOME.reply }]);
  engine.wake(); // stopped: harmless
  t.true(engine.stopped);
});
