// The probe engine with a fake clock and a fake socket: matching, duplicates, late replies,
// errors, targets that must never be confused, pacing (interval, window, rate), send errors,
// the ring's bounded memory, deadlines. No kernel, no privilege.
import test from 'ava';
import { NEXT, OUTCOME, ProbeEngine, type Outcome, type ProbeHandler } from '../../lib/probe/engine/engine.js';
import { IcmpEchoProtocol } from '../../lib/probe/protocols/icmp-echo.js';
import type { Match, ProbeSlot } from '../../lib/probe/engine/protocol.js';
import { PROBE_STATE } from '../../lib/probe/engine/table.js';
import { decodePacket } from '../../lib/wire/packet.js';
import { echoReplyFor, FakeClock, FakeSocket, icmpErrorFor, ThreadedFakeSocket } from './fakes.js';

const A = '198.51.100.10';
const B = '198.51.100.20';
const SRC = '203.0.113.1';

interface Seen {
  n: number;
  outcome: Outcome;
  type: number;
  from: number;
  receivedAt: number;
}

/** A handler that sends `count` probes round robin over the targets and records everything. */
class Recorder implements ProbeHandler {
  answers: Seen[] = [];
  timeouts: number[] = [];
  sends: { n: number; error: Error | null }[] = [];
  flushes = 0;
  constructor(
    private readonly count: number,
    private readonly targets = 1,
    private readonly ttl = 64,
  ) {}
  next(probe: ProbeSlot): 0 | 1 | 2 {
    if (probe.number >= this.count) return NEXT.done;
    probe.target = probe.number % this.targets;
    probe.ttl = this.ttl;
    return NEXT.send;
  }
  sent(n: number, error: Error | null): void {
    this.sends.push({ n, error });
  }
  answer(n: number, outcome: Outcome, m: Match, receivedAt: number): void {
    this.answers.push({ n, outcome, type: m.type, from: m.from, receivedAt });
  }
  timeout(n: number): void {
    this.timeouts.push(n);
  }
  flush(): void {
    this.flushes++;
  }
}

function setup(options: {
  count: number;
  targets?: string[];
  intervalMs?: number;
  timeoutMs?: number;
  window?: number;
  stallMs?: number;
  rate?: number;
  memory?: number;
  memoryStart?: number;
  deadlineMs?: number;
  identifier?: number;
  sendThread?: boolean;
  forgotten?: (m: Match) => boolean;
}) {
  const clock = new FakeClock();
  const socket = options.sendThread === true ? new ThreadedFakeSocket(clock) : new FakeSocket(clock);
  const targets = options.targets ?? [A];
  const protocol = new IcmpEchoProtocol({ identifier: options.identifier ?? 0x1234, source: SRC, size: 56, df: true });
  const handler = new Recorder(options.count, targets.length);
  if (options.forgotten !== undefined) Object.assign(handler, { forgotten: options.forgotten });
  const engine = new ProbeEngine({
    socket,
    protocol,
    handler,
    clock,
    targets,
    timeoutMs: options.timeoutMs ?? 1000,
    intervalMs: options.intervalMs ?? 0,
    window: options.window,
    stallMs: options.stallMs,
    rate: options.rate,
    memory: options.memory,
    memoryStart: options.memoryStart,
    deadlineMs: options.deadlineMs ?? null,
    sendThread: options.sendThread,
  });
  let finished = false;
  const done = engine.start().then(() => {
    finished = true;
  });
  return { clock, socket, protocol, handler, engine, done, finished: () => finished };
}

test('interval pacing: one probe per interval, sequences 1, 2, 3, each answered once', async (t) => {
  const { clock, socket, handler, engine, done, finished } = setup({ count: 3, intervalMs: 1000 });
  t.is(socket.sent.length, 1, 'the first probe goes at once');
  // Probe k goes out at (k - 1) s and is answered k ms later; the next one waits for its slot.
  for (let k = 1; k <= 3; k++) {
    clock.advance(k);
    socket.deliver([echoReplyFor(socket.sent[k - 1]!.bytes)]);
    if (k === 3) break;
    clock.advance(999 - k);
    t.is(socket.sent.length, k, `probe ${k + 1} not before its interval`);
    clock.advance(1);
    t.is(socket.sent.length, k + 1, `probe ${k + 1} after ${k} interval(s)`);
  }
  t.false(finished());
  clock.advance(1000); // the next pacing slot: the handler says done, nothing is in flight
  await done;
  t.true(finished());
  t.deepEqual(socket.sent.map((p) => (decodePacket(p.bytes).icmp as { sequence: number }).sequence), [1, 2, 3]);
  t.deepEqual(handler.answers.map((a) => a.outcome), [OUTCOME.reply, OUTCOME.reply, OUTCOME.reply]);
  const s = engine.stats();
  t.is(s.transmitted, 3);
  t.is(s.received, 3);
  t.is(s.minUs, 1000);
  t.is(s.maxUs, 3000);
  t.is(s.sumUs, 6000);
  t.is(s.sum2Us, 1000 ** 2 + 2000 ** 2 + 3000 ** 2);
});

test('every probe is a full IPv4 header with our TTL, TOS, DF and valid checksums', (t) => {
  const clock = new FakeClock();
  const socket = new FakeSocket(clock);
  const protocol = new IcmpEchoProtocol({ identifier: 0xbeef, source: SRC, size: 56, df: true, ipIdBase: 0x100 });
  const handler: ProbeHandler = {
    next: (p) => {
      if (p.number >= 3) return NEXT.done;
      p.ttl = 7 + p.number;
      p.tos = 0xb8;
      return NEXT.send;
    },
  };
  const engine = new ProbeEngine({ socket, protocol, handler, clock, targets: [A], timeoutMs: 1000, intervalMs: 10 });
  void engine.start();
  clock.advance(100);
  t.is(socket.sent.length, 3);
  socket.sent.forEach((p, i) => {
    const d = decodePacket(p.bytes);
    t.is(d.ip.src, SRC);
    t.is(d.ip.dst, A);
    t.is(d.ip.ttl, 7 + i);
    t.is(d.ip.tos, 0xb8);
    t.true(d.ip.flags.df);
    t.is(d.ip.id, 0x100 + i);
    t.true(d.ip.checksumValid);
    t.is(d.icmp?.checksumValid, true);
    t.is(d.icmp?.kind, 'echo-request');
    t.is((d.icmp as { identifier: number }).identifier, 0xbeef);
    t.is((d.icmp as { sequence: number }).sequence, i + 1);
    t.is(p.address, A);
    t.is(engine.ttlOf(i), 7 + i);
    t.is(engine.tosOf(i), 0xb8);
  });
  engine.stop();
});

test('a second copy of a reply is a duplicate; its time counts, as in iputils', async (t) => {
  const { clock, socket, handler, engine, done } = setup({ count: 1, timeoutMs: 1000 });
  const reply = echoReplyFor(socket.sent[0]!.bytes);
  clock.advance(2);
  // Both copies in one batch: the engine must not stop between them.
  socket.deliver([reply, reply]);
  await done;
  t.deepEqual(handler.answers.map((a) => a.outcome), [OUTCOME.reply, OUTCOME.duplicate]);
  const s = engine.stats();
  t.is(s.received, 1);
  t.is(s.duplicates, 1);
  t.is(s.timed, 2);
  t.is(engine.stateOf(0), PROBE_STATE.replied);
});

test('a reply after the timeout is late: not received, not lost and found', (t) => {
  const { clock, socket, handler, engine } = setup({ count: 2, intervalMs: 1000, timeoutMs: 100 });
  clock.advance(150);
  t.deepEqual(handler.timeouts, [0]);
  socket.deliver([echoReplyFor(socket.sent[0]!.bytes)]);
  t.deepEqual(handler.answers.map((a) => a.outcome), [OUTCOME.late]);
  const s = engine.stats();
  t.is(s.received, 0);
  t.is(s.late, 1);
  t.is(s.timed, 0, 'a late time is not in the statistics');
  t.is(engine.stateOf(0), PROBE_STATE.late);
  // A copy of the late reply is a duplicate, again without a time.
  socket.deliver([echoReplyFor(socket.sent[0]!.bytes)]);
  t.is(engine.stats().duplicates, 1);
  t.is(engine.stats().timed, 0);
  engine.stop();
});

test('other identifiers, our own looped-back requests and strangers are ignored', (t) => {
  const { clock, socket, handler, engine } = setup({ count: 1, timeoutMs: 1000 });
  const request = socket.sent[0]!.bytes;
  clock.advance(1);
  socket.deliver([
    request, // on lo a raw socket sees our own echo request
    echoReplyFor(request, { identifier: 0x4321 }), // another ping's reply
  ]);
  t.deepEqual(handler.answers, []);
  t.is(engine.stats().received, 0);
  t.is(engine.inFlight, 1);
  engine.stop();
});

test('a reply with our key from another address is never credited', (t) => {
  const { clock, socket, handler, engine } = setup({ count: 1, timeoutMs: 1000 });
  clock.advance(1);
  socket.deliver([echoReplyFor(socket.sent[0]!.bytes, { from: B })]);
  t.deepEqual(handler.answers, []);
  t.is(engine.ignored, 1);
  t.is(engine.stats().received, 0);
  engine.stop();
});

test('several targets in one engine: each reply credited to its own target only', async (t) => {
  const { clock, socket, handler, engine, done } = setup({ count: 4, targets: [A, B], intervalMs: 10, timeoutMs: 1000 });
  clock.advance(40);
  t.deepEqual(socket.sent.map((p) => p.address), [A, B, A, B]);
  // B answers A's probes' keys: nothing; then every host answers its own.
  socket.deliver([echoReplyFor(socket.sent[0]!.bytes, { from: B }), echoReplyFor(socket.sent[2]!.bytes, { from: B })]);
  t.is(engine.stats(0).received + engine.stats(1).received, 0);
  socket.deliver(socket.sent.map((p) => echoReplyFor(p.bytes)));
  await done;
  t.is(engine.stats(0).received, 2);
  t.is(engine.stats(1).received, 2);
  t.is(engine.stats(0).duplicates + engine.stats(1).duplicates, 0);
  t.deepEqual(handler.answers.map((a) => a.n).sort(), [0, 1, 2, 3]);
});

test('an ICMP error quoting our probe is an error for that probe; a redirect is only a notice', (t) => {
  const { clock, socket, handler, engine } = setup({ count: 3, intervalMs: 10, timeoutMs: 1000 });
  clock.advance(25);
  const [p0, p1, p2] = socket.sent.map((p) => p.bytes);
  socket.deliver([
    icmpErrorFor(p0!, '203.0.113.2', 'time-exceeded'),
    icmpErrorFor(p1!, '203.0.113.2', 'destination-unreachable', 4, 1400),
    icmpErrorFor(p2!, '203.0.113.2', 'redirect', 1),
  ]);
  t.deepEqual(handler.answers.map((a) => [a.n, a.outcome, a.type]), [
    [0, OUTCOME.error, 11],
    [1, OUTCOME.error, 3],
    [2, OUTCOME.notice, 5],
  ]);
  const s = engine.stats();
  t.is(s.errors, 2);
  t.is(engine.stateOf(0), PROBE_STATE.errored);
  t.is(engine.stateOf(2), PROBE_STATE.inFlight, 'a redirect does not answer the probe');
  engine.stop();
});

test('a reply with a bad checksum is corrupted, not received; the probe still waits', (t) => {
  const { clock, socket, handler, engine } = setup({ count: 1, timeoutMs: 1000 });
  clock.advance(1);
  socket.deliver([echoReplyFor(socket.sent[0]!.bytes, { corrupt: true })]);
  t.deepEqual(handler.answers.map((a) => a.outcome), [OUTCOME.corrupted]);
  t.is(engine.stats().corrupted, 1);
  t.is(engine.stats().received, 0);
  t.is(engine.stateOf(0), PROBE_STATE.inFlight);
  socket.deliver([echoReplyFor(socket.sent[0]!.bytes)]);
  t.is(engine.stats().received, 1);
});

test('a window keeps that many outstanding, sends in batches, and a flood stalls to one per 10 ms', (t) => {
  const { clock, socket, engine } = setup({ count: 1000, window: 8, stallMs: 10, timeoutMs: 60_000 });
  t.is(socket.sent.length, 8, 'the window goes out at once');
  t.is(socket.sendManyCalls, 1, 'in one sendmmsg');
  socket.deliver(socket.sent.slice(0, 3).map((p) => echoReplyFor(p.bytes)));
  t.is(socket.sent.length, 11, 'three answered: three more');
  clock.advance(9);
  t.is(socket.sent.length, 11);
  clock.advance(1);
  t.is(socket.sent.length, 12, 'nothing for 10 ms: one more anyway');
  clock.advance(10);
  t.is(socket.sent.length, 13);
  // A lost probe does not hold the window once a later one is answered (iputils' nack).
  socket.deliver([echoReplyFor(socket.sent[12]!.bytes)]);
  t.is(socket.sent.length, 13 + 8);
  t.is(engine.inFlight, 9 + 8, 'probes 3..11 still wait, with the 8 new ones');
  engine.stop();
});

test('a rate sends in batches and keeps to the rate', (t) => {
  const { clock, socket, engine } = setup({ count: 10_000, rate: 2000, timeoutMs: 100 });
  clock.advance(1000);
  // 2000 per second, give or take the first token and the last partial batch.
  t.true(socket.sent.length >= 1990 && socket.sent.length <= 2001, `${socket.sent.length} sent in one second`);
  t.true(socket.sendManyCalls > 0);
  engine.stop();
});

test('a rate holds through short stalls of the event loop: the probes owed go out in the next turns', (t) => {
  const { clock, socket, engine } = setup({ count: 10_000, rate: 2000, timeoutMs: 100 });
  // 20 times: the loop is held up 40 ms (no timer runs), then runs for 10 ms.
  for (let i = 0; i < 20; i++) {
    clock.t += 40 * 1e6;
    clock.advance(10);
  }
  t.true(socket.sent.length >= 1990 && socket.sent.length <= 2001, `${socket.sent.length} sent in one second`);
  // A stall longer than the catch-up (0.1 s) is not made up in full: no unbounded burst.
  const before = socket.sent.length;
  clock.t += 1000 * 1e6;
  clock.advance(0);
  t.true(socket.sent.length - before <= 201, `${socket.sent.length - before} sent after a 1 s stall`);
  engine.stop();
});

test('memory is bounded: the ring forgets old probes, and a wrapped slot is a timeout', (t) => {
  const { clock, socket, handler, engine } = setup({ count: 100, memory: 16, intervalMs: 1, timeoutMs: 60_000 });
  clock.advance(100);
  t.is(socket.sent.length, 100);
  t.is(engine.table.capacity, 16);
  t.true(engine.table.indexed <= 16);
  t.deepEqual(handler.timeouts, Array.from({ length: 84 }, (_, i) => i), 'the 84 oldest were given up');
  // An answer to a forgotten probe is nobody's.
  socket.deliver([echoReplyFor(socket.sent[0]!.bytes)]);
  t.deepEqual(handler.answers, []);
  socket.deliver([echoReplyFor(socket.sent[99]!.bytes)]);
  t.is(handler.answers.length, 1);
  engine.stop();
});

test('a table that starts small grows for probes in flight instead of timing them out, up to memory; an answer it forgot goes to forgotten()', (t) => {
  const forgotten: number[] = [];
  const { clock, socket, handler, engine } = setup({
    count: 100,
    memory: 64,
    memoryStart: 16,
    intervalMs: 1,
    timeoutMs: 60_000,
    forgotten: (m) => (forgotten.push(m.key & 0xffff), (m.key & 0xffff) === 1),
  });
  clock.advance(49);
  t.is(socket.sent.length, 50);
  t.is(engine.table.capacity, 64, '16 -> 64 when probes stayed in flight');
  t.deepEqual(handler.timeouts, [], 'none given up while the table could grow');
  t.is(engine.inFlight, 50);
  socket.deliver([echoReplyFor(socket.sent[3]!.bytes)]);
  t.deepEqual(handler.answers.map((a) => a.n), [3], 'found after the table grew');
  clock.advance(50);
  t.is(engine.table.capacity, 64);
  t.deepEqual(handler.timeouts, Array.from({ length: 35 }, (_, i) => (i < 3 ? i : i + 1)), 'at its largest, the oldest in flight give way');
  // Probes 0 and 1 (sequences 1 and 2) are forgotten: the handler is asked, and says it knew the first.
  const ignored = engine.ignored;
  socket.deliver([echoReplyFor(socket.sent[0]!.bytes), echoReplyFor(socket.sent[1]!.bytes)]);
  t.deepEqual(forgotten, [1, 2]);
  t.is(engine.ignored, ignored + 1, 'the one it did not know is ignored');
  engine.stop();
});

test('a full socket buffer (EAGAIN) delays a probe; it goes out later, counted once', (t) => {
  const { clock, socket, handler, engine } = setup({ count: 2, intervalMs: 10, timeoutMs: 1000 });
  t.is(socket.sent.length, 1);
  socket.failure = { code: 'EAGAIN', times: 2 };
  clock.advance(10);
  t.is(socket.sent.length, 1);
  clock.advance(5);
  t.is(socket.sent.length, 2);
  t.is(engine.stats().transmitted, 2);
  t.deepEqual(handler.sends.map((s) => [s.n, s.error]), [
    [0, null],
    [1, null],
  ]);
  t.is((decodePacket(socket.sent[1]!.bytes).icmp as { sequence: number }).sequence, 2);
  engine.stop();
});

test('a hard send error counts the probe as sent and as an error, as iputils', (t) => {
  const { clock, socket, handler, engine } = setup({ count: 3, intervalMs: 10, timeoutMs: 1000 });
  socket.failure = { code: 'EMSGSIZE', times: 1 };
  clock.advance(10);
  clock.advance(10);
  t.is(socket.sent.length, 2);
  t.is(handler.sends[1]?.error?.message, 'send EMSGSIZE: refused');
  const s = engine.stats();
  t.is(s.transmitted, 3);
  t.is(s.errors, 1);
  t.is(engine.stateOf(1), PROBE_STATE.failed);
  engine.stop();
});

test('a send thread: queued probes count as sent; one it could not send becomes that probe\'s send error, and sends go directly again', (t) => {
  const { socket, handler, engine } = setup({ count: 100, window: 8, stallMs: 10, timeoutMs: 60_000, sendThread: true });
  const threaded = socket as ThreadedFakeSocket;
  t.is(socket.sent.length, 8, 'the first batch goes directly');
  t.is(socket.sendManyCalls, 1);
  socket.deliver(socket.sent.slice(0, 3).map((p) => echoReplyFor(p.bytes)));
  t.deepEqual(threaded.queuedTags, [8, 9, 10], 'then the thread takes them, tagged with their probe numbers');
  t.is(engine.stats().transmitted, 11, 'queued probes count as sent');
  t.deepEqual(handler.sends.map((s) => s.n), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
  threaded.refuse.add(9);
  threaded.run();
  t.is(socket.sent.length, 10, 'the thread sent 8 and 10');
  socket.deliver([echoReplyFor(socket.sent[8]!.bytes)]);
  const s = engine.stats();
  // Outstanding after the answer to 8: probes 9 and 10 (iputils' ntransmitted - nack), so 6 more.
  t.is(s.transmitted, 11 + 6, 'a refusal is not sent again');
  t.is(s.errors, 1);
  t.is(engine.stateOf(9), PROBE_STATE.failed);
  t.deepEqual(handler.sends.filter((x) => x.error !== null).map((x) => [x.n, (x.error as { code?: string }).code]), [[9, 'ENETUNREACH']]);
  t.is(socket.sent.length, 10 + 6, 'after a refusal the next probes go directly');
  t.is(socket.sendManyCalls, 2, 'in one sendmmsg');
  t.is(threaded.queuedTags.length, 0);
  engine.stop();
});

test('the deadline stops the run; answers already waiting are still read', async (t) => {
  const { clock, socket, engine, done, finished } = setup({ count: 100, intervalMs: 100, timeoutMs: 10_000, deadlineMs: 250 });
  clock.advance(250);
  t.false(finished(), 'one more turn of the loop before stopping');
  socket.deliver([echoReplyFor(socket.sent[2]!.bytes)]);
  clock.advance(0);
  await done;
  t.is(socket.sent.length, 3);
  t.is(engine.stats().received, 1);
  t.is(clock.pending, 0, 'no timer left behind');
});

/**
 * An engine on fake parts whose handler sends two probes to A (waiting 10 s for answers), with
 * the callbacks `more` adds (they reach the engine through `run`); `echo` and `pacing` as the test needs them.
 */
function twoProbes(echo: { size: number; df: boolean }, pacing: { intervalMs?: number; window?: number }, more: (run: { engine: ProbeEngine; clock: FakeClock }) => Partial<ProbeHandler>) {
  const clock = new FakeClock();
  const socket = new FakeSocket(clock);
  const protocol = new IcmpEchoProtocol({ identifier: 7, source: SRC, ...echo });
  const engine: ProbeEngine = new ProbeEngine({
    socket,
    protocol,
    clock,
    targets: [A],
    timeoutMs: 10_000,
    ...pacing,
    handler: { next: (p) => (p.number < 2 ? NEXT.send : NEXT.done), ...more({ clock, get engine() { return engine; } }) },
  });
  return { clock, socket, engine };
}

test('finishAt ends a run whose last probe is lost', async (t) => {
  const { clock, socket, engine } = twoProbes({ size: 0, df: false }, { intervalMs: 100 }, (run) => ({
    sent: (n) => {
      if (n === 1) run.engine.finishAt(run.clock.now() + 50 * 1e6);
    },
  }));
  const done = engine.start();
  clock.advance(100);
  clock.advance(49);
  t.false(engine.stopped);
  clock.advance(1);
  clock.advance(0);
  await done;
  t.is(socket.sent.length, 2);
  t.is(engine.inFlight, 2, 'both unanswered, the run is over anyway');
});

test('stop() inside an answer callback ends the batch there', async (t) => {
  let answers = 0;
  const { clock, socket, engine } = twoProbes({ size: 8, df: true }, { window: 2 }, (run) => ({
    answer: () => {
      answers++;
      run.engine.stop();
    },
  }));
  const done = engine.start();
  socket.deliver(socket.sent.map((p) => echoReplyFor(p.bytes)));
  await done;
  t.is(answers, 1);
  t.is(engine.stats().received, 1);
  t.is(clock.pending, 0);
});
