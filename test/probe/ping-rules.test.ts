// ping's stop rules (lib/probe/ping/handler.ts, iputils' ping_common.c) on a fake clock and a fake
// network: -c stops when count replies and errors came; after the last probe it lingers twice the
// largest RTT (at least an interval), or -W when nothing came back; -w stops at the deadline and
// keeps sending past the count meanwhile, and the first error ends it; -O reports a probe still
// unanswered before the next send. Times are the fake clock's: they show what the rules wait
// for, not how fast a machine is. No kernel, no privilege.
import test from 'ava';
import { PingSession, type PingConfig, type PingEvent, type PingSummary } from '../../lib/probe/ping/index.js';
import { decodePacket } from '../../lib/wire/packet.js';
import { echoReplyFor, FakeClock, FakeSocket, icmpErrorFor, pingConfig, runOnFakeNetwork, type Responder, type SentPacket } from './fakes.js';

const ROUTER = '203.0.113.254';
const MS = 1e6;
/**
 * A run that ends on time (a deadline, a linger) stops one turn of the event loop later, so
 * that answers already waiting are read first (engine.ts, #finish); on the fake clock that turn
 * is the next millisecond step.
 */
const TURN = 1;

interface Run {
  summary: PingSummary;
  events: PingEvent[];
  /** Fake ms from the start to the end of the run. */
  ms: number;
  /** Fake ms of each send, from the start. */
  sends: number[];
}

async function ping(overrides: Partial<PingConfig>, respond: Responder): Promise<Run> {
  const clock = new FakeClock();
  const socket = new FakeSocket(clock);
  const start = clock.t;
  const session = new PingSession(pingConfig(overrides), { socket, clock, capture: null });
  const events: PingEvent[] = [];
  const running = session.run({ onEvent: (e) => events.push(e) });
  const ms = await runOnFakeNetwork(clock, socket, respond, running);
  const [summary] = await running;
  return { summary: summary!, events, ms, sends: socket.sent.map((s) => (s.at - start) / MS) };
}

const seqOf = (p: SentPacket): number => {
  const icmp = decodePacket(p.bytes).icmp;
  return icmp !== null && 'sequence' in icmp ? icmp.sequence : -1;
};

/** The host answers every probe after `rttMs`, except the sequences in `silent`. */
const host = (rttMs: number, silent: readonly number[] = []): Responder => (p) =>
  silent.includes(seqOf(p)) ? [] : [{ afterMs: rttMs, bytes: echoReplyFor(p.bytes) }];

test('-c 3: three probes a second apart, and the run ends with the third reply, not after a linger', async (t) => {
  const r = await ping({ count: 3 }, host(2));
  t.deepEqual(r.sends, [0, 1000, 2000]);
  t.like(r.summary, { transmitted: 3, received: 3, errors: 0 });
  t.is(r.ms, 2002);
  t.deepEqual(r.events.map((e) => e.type), ['reply', 'reply', 'reply']);
});

test('-c 2 -W 1, nothing comes back: after the last probe it waits the -W timeout, then stops', async (t) => {
  const r = await ping({ count: 2, timeoutMs: 1000 }, () => []);
  t.deepEqual(r.sends, [0, 1000]);
  t.like(r.summary, { transmitted: 2, received: 0, loss: 100 });
  t.is(r.ms, 2000 + TURN);
});

test('linger after the last probe: twice the largest RTT, but at least one interval', async (t) => {
  // The last reply is lost; the others took 5 ms: twice that is less than the 1 s interval.
  const r = await ping({ count: 3 }, host(5, [3]));
  t.like(r.summary, { transmitted: 3, received: 2 });
  t.is(r.ms, 2000 + 1000 + TURN);
  // -i 0.2 with 150 ms round trips: twice the largest RTT (300 ms) is more than the interval.
  const slow = await ping({ count: 3, intervalMs: 200 }, host(150, [3]));
  t.deepEqual(slow.sends, [0, 200, 400]);
  t.is(slow.ms, 400 + 300 + TURN);
});

test('-w 3 -c 2 with a silent host: keeps sending past the count until the deadline, then stops there', async (t) => {
  const r = await ping({ count: 2, deadlineMs: 3000 }, () => []);
  t.deepEqual(r.sends, [0, 1000, 2000]);
  t.like(r.summary, { transmitted: 3, received: 0 });
  t.is(r.ms, 3000 + TURN);
});

test('-w 5 -c 2 with a host that answers: stops at the second reply, long before the deadline', async (t) => {
  const r = await ping({ count: 2, deadlineMs: 5000 }, host(2));
  t.like(r.summary, { transmitted: 2, received: 2 });
  t.is(r.ms, 1002);
});

test('-w 10: the first ICMP error ends the run (iputils), and is counted as an error, not a reply', async (t) => {
  const r = await ping({ deadlineMs: 10_000 }, (p, i) => (i === 1 ? [{ afterMs: 3, bytes: icmpErrorFor(p.bytes, ROUTER, 'destination-unreachable', 1) }] : [{ afterMs: 3, bytes: echoReplyFor(p.bytes) }]));
  t.like(r.summary, { transmitted: 2, received: 1, errors: 1 });
  t.is(r.ms, 1003);
  t.deepEqual(r.events.map((e) => e.type), ['reply', 'error']);
});

test('-O: before each send, a previous probe still unanswered is reported, once, with its sequence', async (t) => {
  const r = await ping({ count: 4, outstanding: true }, host(2, [2]));
  const types = r.events.map((e) => (e.type === 'no-answer' ? `no-answer ${e.seq}` : e.type));
  t.deepEqual(types, ['reply', 'no-answer 2', 'reply', 'reply']);
  t.like(r.summary, { transmitted: 4, received: 3 });
});

test('without -O nothing is said about a probe still waiting', async (t) => {
  const r = await ping({ count: 4 }, host(2, [2]));
  t.false(r.events.some((e) => e.type === 'no-answer'));
});
