// Row 1, IPv6 against IPv4: what parsing an IPv6 packet costs per packet with lib/wire
// (decodePacket6) against its budget, 1.3 times what parsing the IPv4 twin costs (decodePacket),
// the limit issue 12 sets. Measured with bench/ipv6-parse.ts's packets and reader: echo requests
// (56 data bytes) and UDP (32), every packet from another source, each parse reading every field,
// formatting both addresses and verifying every checksum. CPU time of this process per packet,
// the two versions alternating run by run; "cheaper" than the budget means within it. The IPv4
// figure itself is in the notes.
import { benchGroup, progress } from '../context.js';
import { BETTER, rowsFor, runRounds, runsFor, SIDE, type Contender, type Metric, type Row, type RunOutcome } from '../harness.js';
import { buildPair, round, type Pair } from '../ipv6-parse.js';

/** Issue 12: parsing IPv6 costs at most this many times parsing IPv4, per packet. */
export const IPV6_PARSE_BUDGET = 1.3;

const WORDS = { better: 'cheaper than the budget', worse: 'dearer than the budget' };
const METRICS: Metric[] = [
  { key: 'icmp', what: 'parse + verify, per packet: IPv6/ICMPv6 echo against 1.3x its IPv4/ICMP twin', units: 'ns CPU', better: BETTER.lower, words: WORDS },
  { key: 'udp', what: 'parse + verify, per packet: IPv6/UDP against 1.3x its IPv4/UDP twin', units: 'ns CPU', better: BETTER.lower, words: WORDS },
];

/** One pass over every packet of one version, checked: ns of CPU per packet, by kind. */
function pass(pairs: Record<'icmp' | 'udp', Pair>, version: 4 | 6, n: number): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [kind, pair] of Object.entries(pairs)) {
    const r = version === 6 ? round(pair.v6, pair.check6) : round(pair.v4, pair.check4);
    // Every packet must have verified: a fast wrong parse is no result.
    if (r.sum < n) throw new Error(`${pair.name}, IPv${version}: ${r.sum} of ${n} verified`);
    out[kind] = r.ns;
  }
  return out;
}

export const ipv6ParseGroup = benchGroup('ipv6-parse', '1', 'IPv6 parse cost against IPv4\'s: lib/wire decodePacket6 vs 1.3 x decodePacket', async (ctx) => {
  const n = ctx.quick ? 50_000 : 200_000;
  const pairs = { icmp: buildPair('icmp', true, n), udp: buildPair('udp', true, n) };
  const ours: Contender = {
    name: 'decodePacket6',
    side: SIDE.ours,
    command: `decodePacket6 over ${n} IPv6 packets of each kind, in-process`,
    unavailable: null,
    run: async (): Promise<RunOutcome> => ({ values: pass(pairs, 6, n) }),
  };
  const budget: Contender = {
    name: `${IPV6_PARSE_BUDGET} x decodePacket (IPv4)`,
    side: SIDE.theirs,
    command: `decodePacket over the ${n} IPv4 twins, in-process, times ${IPV6_PARSE_BUDGET}`,
    unavailable: null,
    async run(): Promise<RunOutcome> {
      const v4 = pass(pairs, 4, n);
      return {
        values: { icmp: v4.icmp! * IPV6_PARSE_BUDGET, udp: v4.udp! * IPV6_PARSE_BUDGET },
        note: `IPv4 itself: ${v4.icmp!.toFixed(0)} ns (ICMP), ${v4.udp!.toFixed(0)} ns (UDP) per packet`,
      };
    },
  };
  const results = await runRounds([ours, budget], { runs: runsFor(ctx.runs, ctx.quick, 7), warmup: 1, onRun: progress(ctx, 'ipv6-parse') });
  return rowsFor('ipv6-parse', '1.ipv6-parse', results, [{ ours: ours.name, theirs: budget.name, id: 'budget' }], METRICS);
});
