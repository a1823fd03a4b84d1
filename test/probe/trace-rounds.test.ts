// Rounds of a trace (trace --report, --watch, --multipath: lib/probe/trace/rounds.ts, report.ts,
// hop-stats.ts) on the fake path of trace-path.ts: mtr's figures per hop, loss counted exactly,
// rounds back to back or -i apart, no grace time after the last one, probes beyond the
// destination neither sent nor counted, pause and reset, flows and the addresses they reach,
// ICMP extensions kept per address. Time is the fake clock's: it shows what the logic waits for.
import test from 'ava';
import { encodeExtensions } from '../../lib/wire/icmp-extensions.js';
import { HopStats } from '../../lib/probe/trace/hop-stats.js';
import { TraceRoundsSession, type RoundsResult } from '../../lib/probe/trace/rounds-session.js';
import type { RoundsPlan } from '../../lib/probe/trace/rounds.js';
import type { TraceConfig } from '../../lib/probe/trace/index.js';
import { FakeClock, FakeSocket } from './fakes.js';
import { PathSim, ROUTERS, TARGET, drive, traceConfig, type FakeNetwork } from './trace-path.js';

interface Run {
  result: RoundsResult;
  ms: number;
  sim: PathSim;
  socket: FakeSocket;
}

async function rounds(plan: Partial<RoundsPlan>, overrides: Partial<TraceConfig> = {}, net: FakeNetwork = {}, limitMs = 120_000): Promise<Run> {
  const clock = new FakeClock();
  const socket = new FakeSocket(clock);
  const sim = new PathSim(socket, clock, net);
  const session = new TraceRoundsSession(traceConfig({ probesPerHop: 1, ...overrides }), { rounds: 10, intervalMs: 0, ...plan }, { socket, clock, capture: null });
  const running = session.run();
  const ms = await drive(sim, clock, running, limitMs);
  return { result: await running, ms, sim, socket };
}

test('HopStats: mtr\'s figures from a known series, loss and jitter included', (t) => {
  const s = new HopStats();
  for (const rtt of [100, 300, 200, null, 400]) s.record(rtt);
  const f = s.figures();
  t.like(f, { sent: 5, received: 4, lossPercent: 20, lastUs: 400, bestUs: 100, worstUs: 400, avgUs: 250, jitterMaxUs: 200 });
  t.is(f.stdevUs.toFixed(3), Math.sqrt((150 ** 2 + 50 ** 2 + 50 ** 2 + 150 ** 2) / 3).toFixed(3));
  t.is(f.jitterMeanUs.toFixed(3), ((200 + 100 + 200) / 3).toFixed(3), 'mean of the 3 differences between consecutive replies');
  t.deepEqual(s.history(), [100, 300, 200, Number.NaN, 400]);
  t.deepEqual(s.history(2), [Number.NaN, 400]);
  const one = new HopStats();
  one.record(50);
  t.like(one.figures(), { stdevUs: 0, jitterMeanUs: Number.NaN });
  s.reset();
  t.like(s.figures(), { sent: 0, received: 0, lossPercent: 0 });
  t.deepEqual(s.history(), []);
});

test('10 rounds: one row per hop, 10 sent and received each, the destination last; nothing beyond it sent twice', async (t) => {
  const r = await rounds({});
  t.is(r.result.completed, 10);
  t.true(r.result.reached);
  t.deepEqual(r.result.hops.map((h) => [h.ttl, h.host, h.figures.sent, h.figures.received, h.destination]), [
    [1, ROUTERS[0], 10, 10, false],
    [2, ROUTERS[1], 10, 10, false],
    [3, ROUTERS[2], 10, 10, false],
    [4, TARGET, 10, 10, true],
  ]);
  t.deepEqual(r.result.hops[1]!.figures.lastUs, 200);
  // Round 1 probes up to -N at once (TTLs beyond 4 included, and a few more as the first answers
  // make room); once the destination answered, every later round stops at hop 4.
  const reached = r.sim.sent.find((p) => p.hop === 4)!.index;
  const firstAnswerAt = r.socket.sent[reached]!.at + 0.4e6;
  t.is(r.socket.sent.filter((s) => s.bytes[8]! <= 4).length, 40);
  t.true(r.socket.sent.every((s) => s.bytes[8]! <= 4 || s.at < firstAnswerAt), 'beyond hop 4 only before the destination answered');
  t.true(r.socket.sent.filter((s) => s.bytes[8]! > 4).length >= 12);
  t.true(r.ms < 10, `no grace time: ${r.ms} fake ms`);
});

test('loss is counted exactly: the answers the path dropped, per hop; the hops before it lose nothing', async (t) => {
  let seed = 11;
  const random = (): number => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
  const dropped = new Map<number, number>();
  const drop = (p: { hop: number }): boolean => {
    if (p.hop < 2 || random() >= 0.3) return false;
    dropped.set(p.hop, (dropped.get(p.hop) ?? 0) + 1);
    return true;
  };
  const r = await rounds({ rounds: 200 }, {}, { drop });
  const hops = r.result.hops;
  t.is(hops[0]!.figures.lossPercent, 0);
  for (const h of hops.slice(1)) {
    // Round 1's probes beyond hop 4 reached the destination too: only hop-4 ones count there.
    const lost = h.figures.sent - h.figures.received;
    t.is(h.figures.sent, 200, `hop ${h.ttl}`);
    t.true(lost > 30 && lost < 90, `hop ${h.ttl}: ${lost} lost`);
    if (h.ttl < 4) t.is(lost, dropped.get(h.ttl) ?? 0, `hop ${h.ttl}: exactly the answers dropped`);
  }
});

test('-i 0: each round once the one before is settled; -i 100 ms: rounds 100 ms apart, whatever the path', async (t) => {
  const fast = await rounds({ rounds: 5 });
  const starts = (sent: { at: number; bytes: Buffer }[]): number[] => [...new Set(sent.filter((s) => s.bytes[8] === 1).map((s) => s.at))];
  t.is(starts(fast.socket.sent).length, 5);
  t.true(fast.ms < 5, `${fast.ms} fake ms`);
  const paced = await rounds({ rounds: 5, intervalMs: 100 });
  const at = starts(paced.socket.sent).map((x) => (x - paced.socket.sent[0]!.at) / 1e6);
  t.is(at.length, 5);
  // Within the millisecond the fake timers step by.
  at.forEach((x, i) => t.true(x >= 100 * i && x < 100 * i + 1, `round ${i + 1} at ${x} ms`));
  t.true(paced.ms >= 400 && paced.ms < 410, `ends after the last round's answers: ${paced.ms} fake ms`);
});

test('a silent hop: ??? with 100% loss, the hops behind it still counted, the run still ends without waiting MAX', async (t) => {
  const r = await rounds({ rounds: 3 }, {}, { silent: [2] });
  t.deepEqual(r.result.hops.map((h) => [h.host, h.figures.lossPercent]), [[ROUTERS[0], 0], [null, 100], [ROUTERS[2], 0], [TARGET, 0]]);
  t.true(r.ms < 100, `NEAR times the farther hops' round trip, not 5 s: ${r.ms} fake ms`);
});

test('a destination that never answers: rows up to one past the farthest hop that did (mtr), not reached', async (t) => {
  const r = await rounds({ rounds: 2 }, { maxTtl: 8, waitMs: 50 }, { destinationAnswers: false });
  t.false(r.result.reached);
  t.deepEqual(r.result.hops.map((h) => h.host), [ROUTERS[0], ROUTERS[1], ROUTERS[2], null]);
  // traceroute's defaults (30 hops, MAX 5 s): the first round waits MAX for the hops nobody
  // answers, as traceroute would; the next ones stop 12 hops past hop 3 (mtr's -U) and wait for
  // those silent hops only NEAR times hop 3's round trip.
  const long = await rounds({ rounds: 10 }, {}, { destinationAnswers: false });
  t.true(long.ms >= 5000 && long.ms < 5500, `${long.ms} fake ms`);
  const ttls = long.socket.sent.map((x) => x.bytes[8]!);
  t.is(Math.max(...ttls.slice(30)), 15);
  t.is(ttls.length, 30 + 9 * 15);
});

test('multipath: each round one flow; the balanced hop lists both routers, with flows that add up', async (t) => {
  const alternatives = ['198.51.100.2', '198.51.100.6'];
  // The balancer hashes the UDP destination port: flow f goes to port base + f.
  const balance = { hop: 2, routers: alternatives, by: (b: Buffer) => (b.readUInt16BE(22) * 7) >> 2 };
  const r = await rounds({ rounds: 8 }, { kind: 'udp', port: 33434, flow: { mode: 'multipath', flows: 8 } }, { balance });
  const hop2 = r.result.hops[1]!;
  t.deepEqual(hop2.hosts.map((h) => h.address).sort(), [...alternatives].sort());
  t.deepEqual(hop2.hosts.flatMap((h) => h.flows).sort((a, b) => a - b), [0, 1, 2, 3, 4, 5, 6, 7]);
  t.deepEqual(r.result.hops[0]!.hosts[0]!.flows, [0, 1, 2, 3, 4, 5, 6, 7]);
  for (const h of hop2.hosts) for (const f of h.flows) t.is(alternatives[(((33434 + f) * 7) >> 2) & 1], h.address, `flow ${f}`);
  // Paris: one flow; classic: a port per probe, both routers.
  const paris = await rounds({ rounds: 8 }, { kind: 'udp', port: 33434, flow: { mode: 'paris', flows: 1 } }, { balance });
  t.is(paris.result.hops[1]!.hosts.length, 1);
  const classic = await rounds({ rounds: 8 }, { kind: 'udp', port: 33434 }, { balance });
  t.is(classic.result.hops[1]!.hosts.length, 2);
});

test('ICMP extensions a router sends are kept for its address', async (t) => {
  const extensions = encodeExtensions([{ kind: 'mpls-label-stack', entries: [{ label: 24001, tc: 0, s: false, ttl: 1 }, { label: 16005, tc: 5, s: true, ttl: 1 }] }]);
  const r = await rounds({ rounds: 2 }, {}, { extensionsAt: { hop: 2, extensions } });
  const host = r.result.hops[1]!.hosts[0]!;
  t.deepEqual(host.extensions?.map((o) => (o.kind === 'mpls-label-stack' ? o.entries : null)), [
    [{ label: 24001, tc: 0, s: false, ttl: 1 }, { label: 16005, tc: 5, s: true, ttl: 1 }],
  ]);
  t.is(r.result.hops[0]!.hosts[0]!.extensions, null);
});

test('pause holds new rounds, resume lets them go; reset forgets the figures', async (t) => {
  const clock = new FakeClock();
  const socket = new FakeSocket(clock);
  const sim = new PathSim(socket, clock);
  const session = new TraceRoundsSession(traceConfig({ probesPerHop: 1 }), { rounds: 6, intervalMs: 10 }, { socket, clock, capture: null });
  let completed = 0;
  let pausedAt: () => void = () => {};
  const twoRounds = new Promise<void>((resolve) => (pausedAt = resolve));
  const running = session.run({
    onRound: (r) => {
      completed = r.completed;
      if (r.completed === 2) {
        session.pauses.pause();
        pausedAt();
      }
    },
  });
  await drive(sim, clock, twoRounds, 200);
  // Long enough for two more rounds, had they been allowed.
  clock.advance(50);
  sim.collect();
  sim.deliverDue();
  await new Promise((resolve) => setImmediate(resolve));
  t.is(completed, 2);
  t.true(session.pauses.paused);
  session.reset();
  t.deepEqual(session.report.snapshot().map((h) => h.figures.sent), [0, 0, 0, 0], 'the figures are gone, the path is still known');
  session.pauses.resume();
  await drive(sim, clock, running);
  const result = await running;
  t.is(result.completed, 6);
  t.deepEqual(result.hops.map((h) => h.figures.sent), [4, 4, 4, 4], 'the 4 rounds after the reset');
});
