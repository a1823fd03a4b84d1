// TraceSession on a fake path (trace-path.ts): traceroute's scheduling (probes in parallel, at
// most -N in flight, nothing beyond the final hop), its adaptive waits (-w MAX,HERE,NEAR: a
// silent hop costs ten round trips of the hops behind it, not MAX), answers matched by key so a
// lost answer is a `*` and never another hop's router, the destination that rate-limits its port
// unreachables, marks, header changes at the hop that first shows them, and tos's lanes.
// Time here is the fake clock's: it shows what the logic waits for, not how fast a machine is.
import test from 'ava';
import { TraceSession, type TraceConfig, type TraceDone, type TraceHop } from '../../lib/probe/trace/index.js';
import { rewritePoint, tosRow } from '../../lib/probe/tos/index.js';
import { FakeClock, FakeSocket } from './fakes.js';
import { PathSim, ROUTERS, TARGET, drive, traceConfig, type FakeNetwork } from './trace-path.js';

interface Run {
  hops: TraceHop[];
  done: TraceDone[];
  ms: number;
  sim: PathSim;
  socket: FakeSocket;
  session: TraceSession;
  lanes: Awaited<ReturnType<TraceSession['run']>>;
}

async function trace(overrides: Partial<TraceConfig> = {}, net: FakeNetwork = {}, limitMs = 120_000): Promise<Run> {
  const clock = new FakeClock();
  const socket = new FakeSocket(clock);
  const sim = new PathSim(socket, clock, net);
  const session = new TraceSession(traceConfig(overrides), { socket, clock, capture: null });
  const hops: TraceHop[] = [];
  const done: Run['done'] = [];
  const running = session.run({ onHop: (h) => hops.push(h), onDone: (d) => done.push(d) });
  const ms = await drive(sim, clock, running, limitMs);
  const lanes = await running;
  return { hops, done, ms, sim, socket, session, lanes };
}

const addresses = (h: TraceHop): (string | null)[] => h.probes.map((p) => p.from);

test('every router answers: four hops, in order, the destination last, reached; nothing reported beyond it', async (t) => {
  for (const kind of ['icmp', 'udp', 'tcp'] as const) {
    const r = await trace({ kind, port: kind === 'tcp' ? 80 : kind === 'udp' ? 33434 : null });
    t.deepEqual(r.hops.map((h) => h.ttl), [1, 2, 3, 4], kind);
    for (const [i, router] of ROUTERS.entries()) t.deepEqual(addresses(r.hops[i]!), [router, router, router], `${kind} hop ${i + 1}`);
    t.deepEqual(addresses(r.hops[3]!), [TARGET, TARGET, TARGET]);
    t.true(r.hops[3]!.final);
    t.true(r.hops[3]!.probes.every((p) => p.reply && p.mark === null && p.rttMs !== null));
    t.deepEqual(r.done, [{ type: 'done', lane: 0, tos: 0, reached: true, hops: 4, middleboxes: [] }]);
    t.true(r.hops[0]!.probes.every((p) => p.icmp?.type === 11 && p.icmp.code === 0 && p.quotedTtl === 1 && p.changes.length === 0));
    if (kind === 'tcp') t.true(r.hops[3]!.probes.every((p) => p.icmp === null && p.tcpFlags === 0x12));
    if (kind === 'udp') t.true(r.hops[3]!.probes.every((p) => p.icmp?.type === 3 && p.icmp.code === 3));
    // The round trips the fake path gave: 0.1 ms per hop.
    t.is(r.hops[1]!.probes[0]!.rttUs, 200);
    t.true(r.ms < 50, `${kind}: ended after the answers, not after a wait (${r.ms} fake ms)`);
  }
});

test('probes go out in parallel: -N at once, and never more than -N in flight', async (t) => {
  const clock = new FakeClock();
  const socket = new FakeSocket(clock);
  const session = new TraceSession(traceConfig({ simultaneous: 16 }), { socket, clock, capture: null });
  const running = session.run();
  await new Promise((resolve) => setImmediate(resolve));
  t.is(socket.sent.length, 16, 'traceroute -N 16: the first 16 probes at once');
  t.deepEqual(socket.sent.map((s) => s.bytes[8]), [1, 1, 1, 2, 2, 2, 3, 3, 3, 4, 4, 4, 5, 5, 5, 6]);
  session.stop();
  await running;

  const r = await trace({ simultaneous: 2, maxTtl: 3, waitMs: 100 }, { silent: [1, 2, 3], destinationAnswers: false });
  // Nothing answers: two at a time, each pair after the previous one's wait.
  const times = [...new Set(r.socket.sent.map((s) => s.at))];
  t.is(r.socket.sent.length, 9);
  t.is(times.length, 5, 'pairs: 2 + 2 + 2 + 2 + 1');
  t.deepEqual(r.hops.map(addresses), [[null, null, null], [null, null, null], [null, null, null]]);
  t.deepEqual(r.done.map((d) => d.reached), [false]);
});

test('a silent router: * * * at its hop, and the trace ends about NEAR round trips later, not after MAX', async (t) => {
  const r = await trace({}, { silent: [2] });
  t.deepEqual(r.hops.map(addresses), [
    [ROUTERS[0], ROUTERS[0], ROUTERS[0]],
    [null, null, null],
    [ROUTERS[2], ROUTERS[2], ROUTERS[2]],
    [TARGET, TARGET, TARGET],
  ]);
  t.true(r.done[0]!.reached);
  // Hop 3 answered in 0.3 ms: hop 2 waits 10 * (0.3 + 1) = 13 ms, not 5000.
  t.true(r.ms >= 13 && r.ms < 30, `${r.ms} fake ms`);

  const patient = await trace({ near: 0, waitMs: 400 }, { silent: [2] });
  t.deepEqual(patient.hops[1]!.probes.map((p) => p.from), [null, null, null]);
  t.true(patient.ms >= 400, `NEAR off: the silent hop waits MAX (${patient.ms} fake ms)`);
});

test('HERE: a hop that answered one probe of three (rate limiting) waits 3 round trips for the others', async (t) => {
  const r = await trace({ near: 0 }, { drop: (p) => p.hop === 1 && p.index % 3 !== 0 });
  t.deepEqual(addresses(r.hops[0]!), [ROUTERS[0], null, null]);
  t.true(r.ms < 20, `${r.ms} fake ms`);
});

test('rate limiting: lost answers are *, and every answer shown is from the router at that hop (never a wrong hop)', async (t) => {
  let seed = 7;
  const random = (): number => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
  let lost = 0;
  let shown = 0;
  for (let round = 0; round < 20; round++) {
    const r = await trace({ probesPerHop: 5 }, { drop: (p) => p.hop < 4 && random() < 0.6 });
    t.deepEqual(r.hops.map((h) => h.ttl), [1, 2, 3, 4]);
    for (const hop of r.hops) {
      const expected = hop.ttl < 4 ? ROUTERS[hop.ttl - 1]! : TARGET;
      for (const p of hop.probes) {
        if (p.from === null) lost++;
        else {
          shown++;
          t.is(p.from, expected, `hop ${hop.ttl}`);
        }
      }
    }
  }
  t.true(lost > 50 && shown > 100, `both lost and shown answers (${lost} lost, ${shown} shown)`);
});

test('a destination that rate-limits its port unreachables: its hop shows *, the later answer\'s quote puts it there, no hop beyond', async (t) => {
  // Only probes sent with TTL 6 or more get an answer from the destination (at hop 4).
  const r = await trace({ kind: 'udp', port: 33434, waitMs: 300 }, { drop: (p) => p.hop === 4 && p.ttl < 6 });
  t.deepEqual(r.hops.map((h) => h.ttl), [1, 2, 3, 4], 'not 6: the quote said TTL 3 was left at the destination');
  t.deepEqual(addresses(r.hops[3]!), [null, null, null]);
  t.true(r.hops[3]!.final);
  t.deepEqual(r.done.map((d) => [d.reached, d.hops]), [[true, 4]]);
});

test('unreachables end the trace with traceroute\'s marks: !H from a router, !F-1400 behind a small MTU', async (t) => {
  const h = await trace({}, { unreachableAt: 2 });
  t.deepEqual(h.hops.map((x) => x.ttl), [1, 2]);
  t.deepEqual(h.hops[1]!.probes.map((p) => [p.from, p.mark]), Array(3).fill([ROUTERS[1], '!H']));
  t.deepEqual(h.done.map((d) => d.reached), [false]);

  const f = await trace({ df: true, length: 1500 }, { mtu1400After: 1 });
  t.deepEqual(f.hops.map((x) => x.ttl), [1, 2]);
  t.deepEqual(f.hops[0]!.probes.map((p) => p.mark), [null, null, null]);
  t.deepEqual(f.hops[1]!.probes.map((p) => [p.from, p.mark, p.icmp?.type, p.icmp?.code]), Array(3).fill([ROUTERS[0], '!F-1400', 3, 4]));
  t.deepEqual(f.hops[1]!.changes, [], 'the quoted TTL of an unreachable is no change');
});

test('a TOS re-marked by the router at hop 1 shows at hop 2, once, in the hop and the probe changes', async (t) => {
  const r = await trace({ kind: 'udp', port: 33434, tos: [0xb8] }, { rewriteTos: { after: 1, tos: 0x20 } });
  t.deepEqual(r.hops.map((h) => h.changes), [[], [{ field: 'tos', sent: 0xb8, quoted: 0x20 }], [], []]);
  t.deepEqual(r.hops[2]!.probes.map((p) => p.quotedTos), [0x20, 0x20, 0x20]);
  t.deepEqual(r.hops[3]!.probes.map((p) => p.quotedTos), [0x20, 0x20, 0x20], 'the destination\'s port unreachable quotes it too');
  t.deepEqual(r.hops[0]!.probes.map((p) => p.quotedTos), [0xb8, 0xb8, 0xb8]);
});

test('a destination that never answers: every hop to max TTL, * beyond the routers, not reached', async (t) => {
  const r = await trace({ maxTtl: 6, waitMs: 200 }, { destinationAnswers: false });
  t.deepEqual(r.hops.map((h) => h.ttl), [1, 2, 3, 4, 5, 6]);
  t.deepEqual(r.hops.slice(3).map(addresses), Array(3).fill([null, null, null]));
  t.deepEqual(r.done.map((d) => [d.reached, d.hops]), [[false, 6]]);
  t.true(r.ms <= 2 * 200 + 50, `bounded by the waits (${r.ms} fake ms)`);
});

test('-f starts later; -q 1 sends one probe per hop', async (t) => {
  const r = await trace({ firstTtl: 3, probesPerHop: 1 });
  t.deepEqual(r.hops.map((h) => [h.ttl, h.probes.length, h.probes[0]!.from]), [[3, 1, ROUTERS[2]], [4, 1, TARGET]]);
  t.true(r.sim.sent.every((p) => p.ttl >= 3));
});

test('a send the kernel refuses (EMSGSIZE): the probe shows the local mark and ends the trace', async (t) => {
  const clock = new FakeClock();
  const socket = new FakeSocket(clock);
  socket.failure = { code: 'EMSGSIZE', times: 100 };
  const session = new TraceSession(traceConfig({ simultaneous: 1, maxTtl: 5 }), { socket, clock, capture: null });
  const hops: TraceHop[] = [];
  await session.run({ onHop: (h) => hops.push(h) });
  t.is(hops.length, 1);
  t.deepEqual(hops[0]!.probes.map((p) => [p.from, p.mark, p.sendError]), Array(3).fill([null, '!F', 'EMSGSIZE']));
  t.true(hops[0]!.final);
  t.is(socket.sent.length, 0);
});

test('stop() ends a run at once; run() resolves with what was reported', async (t) => {
  const clock = new FakeClock();
  const socket = new FakeSocket(clock);
  const session = new TraceSession(traceConfig(), { socket, clock, capture: null });
  const running = session.run();
  await new Promise((resolve) => setImmediate(resolve));
  session.stop();
  const lanes = await running;
  t.deepEqual(lanes.map((l) => [l.reached, l.hops.length]), [[false, 0]]);
});

test('lanes (tos --path): one sweep per TOS value side by side; the rewrite is after hop 1, seen at hop 2', async (t) => {
  const r = await trace({ kind: 'udp', port: 33434, tos: [0x00, 0xb8, 0x20], probesPerHop: 1 }, { rewriteTos: { after: 1, tos: 0x20 } });
  t.is(r.lanes.length, 3);
  const [zero, ef, cs1] = r.lanes.map((lane) => rewritePoint(lane));
  t.like(ef!, { rewritten: true, quoted: 0x20, lastKept: { ttl: 1, from: ROUTERS[0] }, firstSeen: { ttl: 2, from: ROUTERS[1] }, hops: 4, reached: true });
  t.like(zero!, { rewritten: true, quoted: 0x20, lastKept: { ttl: 1, from: ROUTERS[0] } });
  t.like(cs1!, { rewritten: false, quoted: null, lastKept: { ttl: 4, from: TARGET }, firstSeen: null });
  const row = tosRow(r.lanes[1]!, true);
  t.like(row, { tos: 0xb8, dscp: 46, dscpName: 'EF', ecn: 0, sent: 1, answered: 1, arrivedTos: 0x20 });
  t.deepEqual(
    r.done.map((d) => [d.tos, d.reached, d.hops]).sort((a, b) => (a[0] as number) - (b[0] as number)),
    [[0, true, 4], [0x20, true, 4], [0xb8, true, 4]],
  );
});

test('lanes (tos --path): a later router that quotes nothing (rate-limited) makes "kept" unknown, never "no" (issue 18)', async (t) => {
  // ICMP probes: the target answers with an echo reply, which quotes nothing; the last router
  // (hop 3) is silent, so what happened after hop 2 is not known.
  const r = await trace({ kind: 'icmp', tos: [0x20, 0xb8], probesPerHop: 1, waitMs: 200 }, { silent: [3] });
  const [cs1, ef] = r.lanes.map((lane) => rewritePoint(lane));
  t.like(cs1!, { rewritten: null, lastKept: { ttl: 2, from: ROUTERS[1] } });
  t.like(ef!, { rewritten: null, lastKept: { ttl: 2, from: ROUTERS[1] } });
  // A silent router before one that quotes: the later quote shows the value came through it.
  const middle = await trace({ kind: 'icmp', tos: [0x20], probesPerHop: 1, waitMs: 200 }, { silent: [2] });
  t.like(rewritePoint(middle.lanes[0]!), { rewritten: false, lastKept: { ttl: 3, from: ROUTERS[2] } });
  // The same with every router quoting: kept to the last router is "no".
  const quoting = await trace({ kind: 'icmp', tos: [0x20], probesPerHop: 1 });
  t.like(rewritePoint(quoting.lanes[0]!), { rewritten: false });
});

test('tos without --path: TTL 64 straight to the target, one row per value with the reply\'s TOS and time', async (t) => {
  const r = await trace({ tos: [0, 0xb8], firstTtl: 64, maxTtl: 64, probesPerHop: 2, compareTtl: false }, { rewriteTos: { after: 1, tos: 0x20 } });
  const rows = r.lanes.map((lane) => tosRow(lane, false));
  t.deepEqual(rows.map((x) => [x.tos, x.sent, x.answered, x.replyTos, x.path]), [[0, 2, 2, 0x20, null], [0xb8, 2, 2, 0x20, null]]);
  t.is(rows[0]!.rttMs, 0.4);
  t.true(r.hops.every((h) => h.changes.length === 0), 'no TTL noise when probes are not meant to expire');
});
