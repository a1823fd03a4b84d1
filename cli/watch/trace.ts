// trace --watch on a terminal: mtr's live view of the rounds (lib/probe/trace/rounds-session.ts),
// drawn by cli/format/watch.ts, run by view.ts. Names are looked up as addresses first appear
// (unless -n) and shown when they arrive. When the view ends, the report of what it saw is
// printed on the terminal it gave back (mtr prints nothing; a report is what one wants then).
import type { TraceRoundsSession } from '../../lib/probe/trace/rounds-session.js';
import { reportLines } from '../format/trace-report.js';
import { traceFrame } from '../format/watch.js';
import { AddressNames } from '../run/names.js';
import { runView } from './view.js';

export interface WatchOptions {
  numeric: boolean;
  extensions: boolean;
  flows: boolean;
}

/** Runs the rounds in the live view; resolves with whether the destination answered. */
export async function watchTrace(session: TraceRoundsSession, options: WatchOptions): Promise<boolean> {
  const names = options.numeric ? null : new AddressNames();
  const shown = new Map<string, string>();
  let redraw: () => void = () => {};
  const who = (address: string): string => {
    if (names === null) return address;
    const name = shown.get(address);
    if (name !== undefined) return name;
    shown.set(address, address);
    void names.of(address).then((n) => {
      shown.set(address, n);
      redraw();
    });
    return address;
  };
  let display: 'stats' | 'history' = 'stats';
  const startedAt = Date.now();
  const result = await runView(
    {
      frame: (columns, finished) =>
        traceFrame({ start: session.start, hops: session.report.snapshot(), completed: session.completed, paused: session.pauses.paused, finished, display, columns, who, extensions: options.extensions, flows: options.flows }),
      stop: () => session.stop(),
      pauses: session.pauses,
      reset: () => session.reset(),
      display: () => {
        display = display === 'stats' ? 'history' : 'stats';
      },
    },
    (r) => {
      redraw = r;
      return session.run({ onProbe: r, onRound: r });
    },
  );
  const lines = reportLines({ ...session.start, startedAt }, result.hops, { who: (a) => shown.get(a) ?? a, extensions: options.extensions, flows: options.flows });
  process.stdout.write(`${lines.join('\n')}\n`);
  return result.reached;
}
