// The frames of the live views (cli/watch/): every line a person reads on the screen of
// trace --watch (mtr's layout) and ping --watch (prettyping's and gping's idea: the round trips
// as a row of block characters, newest on the right, with the running summary).
//
//   rawprobe trace to 203.0.113.6 (203.0.113.6)                      round 7 of 10
//   Keys: q quit  p pause  r reset  d display mode
//                                         Packets               Pings
//    Host                               Loss%   Snt   Last   Avg  Best  Wrst StDev  Javg  Jmax
//    1. 203.0.113.2                      0.0%     7    0.1   0.1   0.1   0.1   0.0   0.0   0.0
//
// In the history display (d), each hop's row is its last round trips as blocks, ▁ the fastest
// to █ the slowest on the screen (one scale for all hops, as mtr's), ? for a probe that got no
// answer, newest on the right.
import type { ReportHop, ReportHost } from '../../lib/probe/trace/report.js';
import type { RoundsStart } from '../../lib/probe/trace/rounds-session.js';
import { extensionsSuffix } from './extensions.js';
import { changesSuffix } from './trace.js';

/** Eight heights, lowest first. */
export const BLOCKS = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'] as const;
export const LOST = '?';

/** The column where the figures start, as in mtr's curses view (host column of 33). */
const HOST_COLUMN = 33;

/**
 * Round trips (µs, NaN for a loss) as blocks: the scale runs from `low` to `high` (default the
 * values' own smallest and largest); equal values sit on the lowest block.
 */
export function blocks(values: readonly number[], low?: number, high?: number): string {
  const seen = values.filter((v) => !Number.isNaN(v));
  const lo = low ?? Math.min(...seen);
  const hi = high ?? Math.max(...seen);
  return values
    .map((v) => {
      if (Number.isNaN(v)) return LOST;
      if (!(hi > lo)) return BLOCKS[0];
      const level = Math.round(((v - lo) / (hi - lo)) * (BLOCKS.length - 1));
      return BLOCKS[Math.max(0, Math.min(BLOCKS.length - 1, level))];
    })
    .join('');
}

function ms(us: number, width = 6): string {
  return (Number.isNaN(us) ? 0 : us / 1000).toFixed(1).padStart(width);
}

export interface TraceFrame {
  start: RoundsStart;
  hops: readonly ReportHop[];
  completed: number;
  paused: boolean;
  /** The rounds ended (-c reached): the view stays until q. */
  finished: boolean;
  display: 'stats' | 'history';
  columns: number;
  who: (address: string) => string;
  extensions: boolean;
  flows: boolean;
}

function hostText(h: ReportHost, f: TraceFrame): string {
  return `${f.who(h.address)}${f.flows ? ` (${h.flows.length} flow${h.flows.length === 1 ? '' : 's'})` : ''}`;
}

function mainText(hop: ReportHop, f: TraceFrame): string {
  const main = hop.hosts.find((h) => h.address === hop.host);
  return `${String(hop.ttl).padStart(2)}. ${main === undefined ? '???' : hostText(main, f)}${hop.marks.length === 0 ? '' : ` ${hop.marks.join(' ')}`}`;
}

/** The two title lines and the column heads. */
function head(f: TraceFrame, width: number): string[] {
  const s = f.start;
  const status = f.finished ? `${f.completed} rounds: done, q to quit` : `round ${f.completed}${s.rounds === null ? '' : ` of ${s.rounds}`}${f.paused ? ' [paused]' : ''}`;
  const title = `rawprobe trace to ${s.host} (${s.address})`;
  const pad = Math.max(1, f.columns - title.length - status.length);
  const heads = f.display === 'stats'
    ? [`${''.padEnd(width + 8)}Packets               Pings`, ` Host${''.padEnd(width - 4)}Loss%   Snt   Last   Avg  Best  Wrst StDev  Javg  Jmax`]
    : ['', ` Host${''.padEnd(width - 4)}Round trips, newest on the right (${BLOCKS[0]} fastest, ${BLOCKS[BLOCKS.length - 1]} slowest, ${LOST} no answer)`];
  return [title + ' '.repeat(pad) + status, 'Keys: q quit  p pause  r reset  d display mode', ...heads];
}

/** Every line of a trace --watch frame. */
export function traceFrame(f: TraceFrame): string[] {
  const width = Math.max(HOST_COLUMN - 1, ...f.hops.map((h) => mainText(h, f).length + 1));
  const lines = head(f, width);
  const room = Math.max(1, f.columns - width - 1);
  const all = f.hops.flatMap((h) => h.figures.sent > 0 ? [h] : []).flatMap((h) => statsHistory(h, room));
  const seen = all.filter((v) => !Number.isNaN(v));
  const [lo, hi] = [Math.min(...seen), Math.max(...seen)];
  for (const hop of f.hops) {
    const left = ` ${mainText(hop, f).padEnd(width)}`;
    if (f.display === 'stats') {
      const g = hop.figures;
      const loss = `${g.lossPercent.toFixed(1).padStart(5)}%`;
      lines.push(`${left}${loss}${String(g.sent).padStart(6)}${ms(g.lastUs, 7)}${ms(g.avgUs)}${ms(g.bestUs)}${ms(g.worstUs)}${ms(g.stdevUs)}${ms(g.jitterMeanUs)}${ms(g.jitterMaxUs)}${changesSuffix(hop.changes)}`);
    } else {
      lines.push(`${left}${blocks(statsHistory(hop, room), lo, hi)}`);
    }
    for (const h of hop.hosts) {
      if (h.address !== hop.host) lines.push(`     ${hostText(h, f)}`);
      if (f.extensions && h.extensions !== null) lines.push(`    ${extensionsSuffix(h.extensions)}`);
    }
  }
  return lines;
}

/** A hop's last `n` outcomes. */
function statsHistory(hop: ReportHop, n: number): number[] {
  return hop.history.slice(-n);
}

export interface PingFrame {
  host: string;
  address: string;
  /** iputils' "56(84) bytes". */
  size: number;
  packetSize: number;
  /** Round trips, µs, NaN for a probe that got no answer, oldest first. */
  history: readonly number[];
  last: string | null;
  transmitted: number;
  received: number;
  /** µs figures, null before a reply. */
  rtt: { min: number; avg: number; max: number; mdev: number } | null;
  paused: boolean;
  finished: boolean;
  columns: number;
}

/** Every line of a ping --watch frame. */
export function pingFrame(f: PingFrame): string[] {
  const status = f.finished ? 'done, q to quit' : f.paused ? '[paused]' : '';
  const title = `PING ${f.host} (${f.address}) ${f.size}(${f.packetSize}) bytes of data.`;
  const settled = f.transmitted;
  const loss = settled === 0 ? 0 : (100 * (settled - f.received)) / settled;
  const r = f.rtt;
  const rtt = r === null ? '' : `, rtt min/avg/max/mdev = ${[r.min, r.avg, r.max, r.mdev].map((v) => (v / 1000).toFixed(3)).join('/')} ms`;
  return [
    title + ' '.repeat(Math.max(1, f.columns - title.length - status.length)) + status,
    'Keys: q quit  p pause  r reset',
    '',
    blocks(f.history.slice(-Math.max(1, f.columns))),
    '',
    f.last ?? '',
    `${f.transmitted} sent, ${f.received} received, ${Number.isInteger(loss) ? loss : loss.toFixed(1)}% loss${rtt}`,
  ];
}
