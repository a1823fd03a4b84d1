// ping --watch on a terminal: the round trips as a row of blocks, newest on the right, ? for a
// probe that got no answer (or an error), the last line iputils would have printed, and the
// running summary (prettyping's and gping's idea), drawn by cli/format/watch.ts and run by
// view.ts. r starts the figures of the view again (the run's own count goes on: iputils' summary
// is printed when the view ends), p pauses the probes.
import type { PingEvent, PingProgress, PingSession, PingSummary } from '../../lib/probe/ping/index.js';
import { errorLine, replyLine } from '../format/ping.js';
import { pingFrame } from '../format/watch.js';
import { runView } from './view.js';

/** What the view shows: counted since the start, or since r. */
class PingFigures {
  history: number[] = [];
  transmitted = 0;
  received = 0;
  last: string | null = null;
  #sum = 0;
  #sum2 = 0;
  #min = Number.POSITIVE_INFINITY;
  #max = 0;

  event(e: PingEvent): void {
    if (e.type === 'reply' && !e.duplicate && !e.late && !e.badChecksum) {
      this.received++;
      this.history.push(e.rttUs);
      this.#sum += e.rttUs;
      this.#sum2 += e.rttUs * e.rttUs;
      this.#min = Math.min(this.#min, e.rttUs);
      this.#max = Math.max(this.#max, e.rttUs);
      this.last = replyLine(e, e.from);
    } else if (e.type === 'error') {
      this.history.push(Number.NaN);
      this.last = errorLine(e, e.from);
    } else if (e.type === 'timeout') {
      this.history.push(Number.NaN);
    }
    if (this.history.length > 4096) this.history.splice(0, this.history.length - 4096);
  }

  progress(p: PingProgress): void {
    this.transmitted += p.sent + p.sendErrors;
  }

  /** iputils' figures, µs: the mean deviation as sqrt(mean of squares - square of mean). */
  rtt(): { min: number; avg: number; max: number; mdev: number } | null {
    if (this.received === 0) return null;
    const avg = this.#sum / this.received;
    return { min: this.#min, avg, max: this.#max, mdev: Math.sqrt(Math.max(0, this.#sum2 / this.received - avg * avg)) };
  }
}

/** Runs ping in the live view; resolves with the run's summaries (printed by the caller). */
export async function watchPing(session: PingSession): Promise<PingSummary[]> {
  let figures = new PingFigures();
  const start = session.start;
  return runView(
    {
      frame: (columns, finished) =>
        pingFrame({
          host: start.host,
          address: start.address,
          size: start.size,
          packetSize: start.packetSize,
          history: figures.history,
          last: figures.last,
          transmitted: figures.transmitted,
          received: figures.received,
          rtt: figures.rtt(),
          paused: session.pauses.paused,
          finished,
          columns,
        }),
      stop: () => session.stop(),
      pauses: session.pauses,
      reset: () => {
        figures = new PingFigures();
      },
    },
    (redraw) =>
      session.run({
        onEvent: (e) => {
          figures.event(e);
          redraw();
        },
        onProgress: (p) => {
          figures.progress(p);
          redraw();
        },
      }),
  );
}
