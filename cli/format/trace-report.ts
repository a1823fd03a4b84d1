// What trace --report prints: mtr -r's report (mtr 0.95, ui/report.c), the same columns at the
// same places, so that eyes and scripts used to it read ours, plus two jitter columns and what
// the path did to our header:
//
//   Start: 2026-12-05T03:14:17+0000
//   HOST: lab-h1                      Loss%   Snt   Last   Avg  Best  Wrst StDev  Javg  Jmax
//     1.|-- 203.0.113.2                0.0%    10    0.1   0.1   0.1   0.2   0.0   0.0   0.1
//     2.|-- 198.51.100.2               0.0%    10    0.1   0.1   0.1   0.1   0.0   0.0   0.0 [tos 0xb8->0x20]
//           198.51.100.6
//     3.|-- ???                       100.0    10    0.0   0.0   0.0   0.0   0.0   0.0   0.0
//
// Times in ms with one decimal (mtr's); a hop that answered from several addresses lists the
// others below it (mtr's "load balancing" lines); with -e each address's ICMP extensions follow
// it on a line of their own; with --multipath each address shows how many flows went through
// it. A host column too narrow for a name widens (mtr --report-wide), never cuts it.
//
// And --json: mtr --json's shape ({"report": {..., "hubs": [...]}}) and field names where the
// figure is the same (count, host, Loss%, Snt, Rcv, Last, Avg, Best, Wrst, StDev, Javg, Jmax),
// with ours beside them; the README documents every field.
import { hostName } from '../../lib/socket/system.js';
import type { ReportHop, ReportHost } from '../../lib/probe/trace/report.js';
import type { RoundsResult, RoundsStart } from '../../lib/probe/trace/rounds-session.js';
import { extensionsJson, extensionsSuffix } from './extensions.js';
import { changesJson, changesSuffix } from './trace.js';

/** The HOST column's name, as mtr's: this machine's (gethostname). */
function localName(): string {
  return hostName() ?? process.env['HOSTNAME'] ?? 'localhost';
}

/** mtr's: " %2d.|-- " then the host padded to 25, so the figures start at column 33. */
const HOST_WIDTH = 25;
const COLUMNS = ['Loss%', 'Snt', ' ', 'Last', 'Avg', 'Best', 'Wrst', 'StDev', 'Javg', 'Jmax'] as const;

export interface ReportTextOptions {
  /** What to print for an address: itself (-n), or "name (address)". */
  who?: (address: string) => string;
  /** -e: each address's ICMP extensions on a line below it. */
  extensions?: boolean;
  /** --multipath: how many flows went through each address. */
  flows?: boolean;
}

/** ISO 8601 with the local offset, as mtr's "Start:" line (iso_time()). */
export function isoTime(ms: number): string {
  const d = new Date(ms);
  const pad = (n: number, w = 2): string => String(n).padStart(w, '0');
  const offset = -d.getTimezoneOffset();
  const sign = offset < 0 ? '-' : '+';
  const abs = Math.abs(offset);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}${sign}${pad(Math.floor(abs / 60))}${pad(abs % 60)}`;
}

/** One figure in ms, one decimal, right-aligned in 6 (mtr's " %5.1f"); NaN as 0.0 as mtr shows it. */
function ms(us: number): string {
  return (Number.isNaN(us) ? 0 : us / 1000).toFixed(1).padStart(6);
}

function hostText(h: ReportHost, options: ReportTextOptions): string {
  const who = options.who ?? ((a: string) => a);
  const flows = options.flows === true ? ` (${h.flows.length} flow${h.flows.length === 1 ? '' : 's'})` : '';
  return `${who(h.address)}${flows}`;
}

/** The host column of a hop's row: its main address, ??? when none answered, and its marks. */
function mainText(hop: ReportHop, options: ReportTextOptions): string {
  const main = hop.hosts.find((h) => h.address === hop.host);
  const marks = hop.marks.length === 0 ? '' : ` ${hop.marks.join(' ')}`;
  return (main === undefined ? '???' : hostText(main, options)) + marks;
}

/** The figures of a row, from Loss% to Jmax. */
function figures(hop: ReportHop): string {
  const f = hop.figures;
  const loss = `${f.lossPercent.toFixed(1).padStart(5)}%`;
  return `${loss}${String(f.sent).padStart(6)} ${ms(f.lastUs)}${ms(f.avgUs)}${ms(f.bestUs)}${ms(f.worstUs)}${ms(f.stdevUs)}${ms(f.jitterMeanUs)}${ms(f.jitterMaxUs)}`;
}

/** The report's lines (no trailing newline), after the rounds of `start`. */
export function reportLines(start: RoundsStart & { startedAt: number }, hops: readonly ReportHop[], options: ReportTextOptions = {}): string[] {
  const width = Math.max(HOST_WIDTH, ...hops.flatMap((h) => [mainText(h, options).length, ...h.hosts.map((x) => hostText(x, options).length)]));
  const titles = COLUMNS.map((c) => (c === ' ' ? ' ' : c.padStart(6))).join('');
  const lines = [`Start: ${isoTime(start.startedAt)}`, `HOST: ${localName().padEnd(width + 2)}${titles}`];
  for (const hop of hops) {
    lines.push(`${String(hop.ttl).padStart(3)}.|-- ${mainText(hop, options).padEnd(width)}${figures(hop)}${changesSuffix(hop.changes)}`);
    for (const h of hop.hosts) {
      if (h.address !== hop.host) lines.push(`        ${hostText(h, options)}`);
      if (options.extensions === true && h.extensions !== null) lines.push(`       ${extensionsSuffix(h.extensions)}`);
    }
    if (options.flows === true && hop.silentFlows.length > 0) lines.push(`        * (${hop.silentFlows.length} flow${hop.silentFlows.length === 1 ? '' : 's'} unanswered)`);
  }
  return lines;
}

/** A figure for --json: ms with µs resolution, null when there is none (mtr prints 0). */
function jsonMs(us: number): number | null {
  return Number.isNaN(us) ? null : Math.round(us) / 1000;
}

/** One hop for --json: mtr's fields, then ours. */
export function hubJson(hop: ReportHop): Record<string, unknown> {
  const f = hop.figures;
  return {
    count: hop.ttl,
    host: hop.host,
    'Loss%': Math.round(f.lossPercent * 1000) / 1000,
    Snt: f.sent,
    Rcv: f.received,
    Last: jsonMs(f.lastUs),
    Avg: jsonMs(f.avgUs),
    Best: jsonMs(f.bestUs),
    Wrst: jsonMs(f.worstUs),
    StDev: jsonMs(f.stdevUs),
    Javg: jsonMs(f.jitterMeanUs),
    Jmax: jsonMs(f.jitterMaxUs),
    hosts: hop.hosts.map((h) => ({ host: h.address, answers: h.count, flows: h.flows, extensions: extensionsJson(h.extensions) })),
    silentFlows: hop.silentFlows,
    changes: changesJson(hop.changes),
    marks: hop.marks,
    destination: hop.destination,
  };
}

/** The whole --json document. */
export function reportJson(start: RoundsStart & { startedAt: number }, result: RoundsResult): Record<string, unknown> {
  return {
    report: {
      rawprobe: {
        src: localName(),
        source: start.source,
        dst: start.host,
        address: start.address,
        kind: start.kind,
        port: start.port,
        tos: start.tos[0] ?? 0,
        psize: start.packetLength,
        tests: result.completed,
        interval: start.intervalMs / 1000,
        flows: { mode: start.flow.mode, count: start.flow.flows },
        start: isoTime(start.startedAt),
      },
      hubs: result.hops.map(hubJson),
    },
    reached: result.reached,
  };
}

/** trace --multipath's header: traceroute's, with the flows. */
export function multipathHeaderLine(start: RoundsStart): string {
  return `traceroute to ${start.host} (${start.address}), ${start.maxTtl} hops max, ${start.packetLength} byte packets, ${start.flow.flows} flows`;
}

/**
 * trace --multipath's hop line, traceroute-shaped: each address with its flows and its mean
 * round trip over the hop, `*` for flows nobody answered, the header changes at the end.
 *
 *    2  198.51.100.2 (9 flows)  198.51.100.6 (7 flows)  0.071 ms
 */
export function multipathHopLine(hop: ReportHop, options: ReportTextOptions = {}): string {
  const parts = hop.hosts.map((h) => hostText(h, { ...options, flows: true }) + (options.extensions === true ? extensionsSuffix(h.extensions) : ''));
  if (hop.silentFlows.length > 0) parts.push(`* (${hop.silentFlows.length} flow${hop.silentFlows.length === 1 ? '' : 's'})`);
  const avg = Number.isNaN(hop.figures.avgUs) ? '' : `  ${(hop.figures.avgUs / 1000).toFixed(3)} ms`;
  const marks = hop.marks.length === 0 ? '' : ` ${hop.marks.join(' ')}`;
  return `${String(hop.ttl).padStart(2)}  ${parts.join('  ')}${avg}${marks}${changesSuffix(hop.changes)}`;
}
