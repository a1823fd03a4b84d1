// What `rawprobe tos` prints: one line about the run, then one table row per TOS value (the CLI's
// table style, cli/format/table.ts); with --json the same rows as JSON lines.
//
//   tos 203.0.113.6 (203.0.113.6): 2 values, 1 udp probe per hop (TTL sweep), 60 byte packets
//   ┌──────┬─────────┬─────────┬──────────┬───────────┬─────────────┬────────┬──────────────────────────────────────────────────────────────┐
//   │ TOS  │ DSCP    │ ECN     │ ANSWERED │ REPLY TOS │ ARRIVED TOS │ RTT MS │ REWRITTEN                                                    │
//   ├──────┼─────────┼─────────┼──────────┼───────────┼─────────────┼────────┼──────────────────────────────────────────────────────────────┤
//   │ 0x20 │ CS1 (8) │ Not-ECT │ 1/1      │ 0x20      │ 0x20        │ 0.061  │ no (kept to hop 3)                                           │
//   │ 0xb8 │ EF (46) │ Not-ECT │ 1/1      │ 0x20      │ 0x20        │ 0.058  │ to 0x20 after hop 1 203.0.113.2 (seen at hop 2 198.51.100.2) │
//
// REPLY TOS is the TOS byte of the target's answer; ARRIVED TOS (only when an answer quotes our
// header: UDP's port unreachable) what the target received; REWRITTEN (--path) where it changed.
import type { TosPath, TosRow, TosStart } from '../../lib/probe/tos/index.js';
import { hex8 } from './hex.js';
import { renderTable } from './table.js';

const ECN_NAMES = ['Not-ECT', 'ECT(1)', 'ECT(0)', 'CE'] as const;

export function headerLine(start: TosStart): string {
  const n = start.values.length;
  const per = start.path ? 'per hop' : 'each';
  return `tos ${start.host} (${start.address}): ${n} value${n === 1 ? '' : 's'}, ${start.probesPerValue} ${start.kind} probe${start.probesPerValue === 1 ? '' : 's'} ${per}${start.path ? ' (TTL sweep)' : ''}, ${start.packetLength} byte packets`;
}

/** The REWRITTEN cell: where the value changed, "no", or why it is not known. */
export function pathText(p: TosPath): string {
  if (p.rewritten === null && p.lastKept !== null) return `unknown (kept to hop ${p.lastKept.ttl}; no quote from the hops after it)`;
  if (p.rewritten === null) return 'unknown (no hop quoted our header)';
  if (p.rewritten === false) return `no (kept to hop ${p.lastKept!.ttl})`;
  const to = `to ${hex8(p.quoted!)}`;
  if (p.lastKept !== null) return `${to} after hop ${p.lastKept.ttl} ${p.lastKept.from} (seen at hop ${p.firstSeen!.ttl} ${p.firstSeen!.from})`;
  return `${to} by hop ${p.firstSeen!.ttl} ${p.firstSeen!.from} or before`;
}

export function tosTable(rows: readonly TosRow[], withPath: boolean): string {
  const arrived = rows.some((r) => r.arrivedTos !== null);
  const header = ['TOS', 'DSCP', 'ECN', 'ANSWERED', 'REPLY TOS', ...(arrived ? ['ARRIVED TOS'] : []), 'RTT MS', ...(withPath ? ['REWRITTEN'] : [])];
  const body = rows.map((r) => [
    hex8(r.tos),
    r.dscpName === null ? String(r.dscp) : `${r.dscpName} (${r.dscp})`,
    ECN_NAMES[r.ecn],
    r.sent === 0 ? '-' : `${r.answered}/${r.sent}`,
    r.replyTos === null ? '-' : hex8(r.replyTos),
    ...(arrived ? [r.arrivedTos === null ? '-' : hex8(r.arrivedTos)] : []),
    r.rttMs === null ? '-' : r.rttMs.toFixed(3),
    ...(withPath ? [r.path === null ? '-' : pathText(r.path)] : []),
  ]);
  return renderTable(header, body);
}

/** A --json line: the table row's facts, the mean round trip (ms) as `rtt`. */
export type TosRowJson = Omit<TosRow, 'rttMs'> & { rtt: number | null };

/** The --json row: the same facts as the table's row. */
export function rowJson(r: TosRow): TosRowJson {
  return {
    type: 'tos',
    tos: r.tos,
    dscp: r.dscp,
    dscpName: r.dscpName,
    ecn: r.ecn,
    sent: r.sent,
    answered: r.answered,
    replyTos: r.replyTos,
    arrivedTos: r.arrivedTos,
    rtt: r.rttMs,
    path: r.path,
  };
}
