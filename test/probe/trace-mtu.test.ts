// trace --mtu on the fake path (lib/probe/trace/mtu.ts): Fragmentation Needed shrinks the probes
// and marks the hop where the MTU drops, a router that drops big probes silently is found by
// bisection (the black hole), a nonsense next-hop MTU falls to RFC 1191's plateau, and the probes
// of each size are what lib/wire builds (DF set, the length the size says).
import test from 'ava';
import { decodePacket } from '../../lib/wire/packet.js';
import { backHops, MTU_PLATEAUS, plateauBelow } from '../../lib/probe/trace/mtu.js';
import type { MtuHop } from '../../lib/probe/trace/mtu-events.js';
import { PathMtuSession, type MtuResult } from '../../lib/probe/trace/mtu-session.js';
import type { TraceConfig } from '../../lib/probe/trace/index.js';
import { FakeClock, FakeSocket } from './fakes.js';
import { PathSim, ROUTERS, TARGET, drive, traceConfig, type FakeNetwork } from './trace-path.js';

async function mtu(net: FakeNetwork, overrides: Partial<TraceConfig> = {}, start = 1500): Promise<{ result: MtuResult; hops: MtuHop[]; socket: FakeSocket; ms: number }> {
  const clock = new FakeClock();
  const socket = new FakeSocket(clock);
  const sim = new PathSim(socket, clock, net);
  const session = new PathMtuSession(traceConfig({ df: true, ...overrides }), start, { socket, clock, capture: null });
  const hops: MtuHop[] = [];
  const running = session.run({ onHop: (h) => hops.push(h) });
  const ms = await drive(sim, clock, running);
  return { result: await running, hops, socket, ms };
}

const who = (h: MtuHop): (string | null)[] => h.probes.map((p) => p.from);

test('plateaus and back hops: RFC 1191\'s table, tracepath\'s ttl2hops', (t) => {
  t.is(plateauBelow(1500), 1492);
  t.is(plateauBelow(1492), 1006);
  t.is(plateauBelow(69), 68);
  t.is(plateauBelow(68), 68);
  t.deepEqual([...MTU_PLATEAUS].sort((a, b) => b - a), [...MTU_PLATEAUS]);
  t.is(backHops(62), 3);
  t.is(backHops(126), 3);
  t.is(backHops(253), 3);
});

test('Fragmentation Needed after hop 1: pmtu 1400 on hop 2, every hop answered at the size that reaches it', async (t) => {
  const r = await mtu({ bottleneck: { after: 1, mtu: 1400, silent: false } });
  t.deepEqual(r.hops.map((h) => [h.ttl, h.size, h.pmtu, h.blackHole]), [[1, 1500, null, false], [2, 1400, 1400, false], [3, 1400, null, false], [4, 1400, null, false]]);
  t.deepEqual(r.hops.map(who), [Array(3).fill(ROUTERS[0]), Array(3).fill(ROUTERS[1]), Array(3).fill(ROUTERS[2]), Array(3).fill(TARGET)]);
  t.like(r.result, { reached: true, hops: 4, pmtu: 1400, back: 4 });
  // Every probe had DF, and its length was its size.
  for (const s of r.socket.sent) {
    const d = decodePacket(s.bytes);
    t.true(d.ip.flags.df);
    t.is(d.ip.totalLength, s.bytes.length);
  }
  t.true(r.socket.sent.some((s) => s.bytes.length === 1500) && r.socket.sent.some((s) => s.bytes.length === 1400));
  t.true(r.ms < 20, `no wait beyond the answers: ${r.ms} fake ms`);
});

test('a silent router drops big probes (a black hole): bisection finds 1400 from the hop behind it', async (t) => {
  for (const kind of ['icmp', 'udp', 'tcp'] as const) {
    const r = await mtu({ bottleneck: { after: 1, mtu: 1400, silent: true } }, { kind, port: kind === 'icmp' ? null : kind === 'udp' ? 33434 : 80 });
    t.like(r.result, { reached: true, pmtu: 1400 }, kind);
    const hop2 = r.hops[1]!;
    t.like(hop2, { ttl: 2, size: 1400, pmtu: 1400, blackHole: true }, kind);
    t.deepEqual(who(hop2), Array(3).fill(ROUTERS[1]));
    t.true(r.ms < 200, `${kind}: waits of a few round trips: ${r.ms} fake ms`);
  }
  // Behind a router that is silent altogether, and bottleneck at the same place.
  const r = await mtu({ bottleneck: { after: 1, mtu: 1400, silent: true }, silent: [1] });
  t.deepEqual(r.hops.map((h) => [h.ttl, h.pmtu]), [[1, null], [2, 1400], [3, null], [4, null]]);
  t.deepEqual(who(r.hops[0]!), [null, null, null]);
});

test('a next-hop MTU of 0 (routers before RFC 1191): the plateau below the size', async (t) => {
  const r = await mtu({ bottleneck: { after: 2, mtu: 1400, silent: false, advertise: 0 } });
  // 1500: too big, "MTU 0": 1492; too big again: 1006, which passes.
  t.deepEqual(r.hops.map((h) => [h.ttl, h.size, h.pmtu]), [[1, 1500, null], [2, 1500, null], [3, 1006, 1006], [4, 1006, null]]);
  t.like(r.result, { pmtu: 1006, reached: true });
  t.true(r.socket.sent.some((s) => s.bytes.length === 1492));
});

test('no bottleneck: the first size all the way, no pmtu on any hop', async (t) => {
  const r = await mtu({});
  t.deepEqual(r.hops.map((h) => h.pmtu), [null, null, null, null]);
  t.like(r.result, { pmtu: 1500, hops: 4, reached: true });
});
