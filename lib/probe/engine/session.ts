// What every session (ping, trace, sweep) does around the engine the same way: the real clock,
// and the short wait before the first probe that kernel timestamps need.
import { now as clockNow } from '../../socket/clock.js';
import type { EngineClock } from './engine.js';

/** The addon's clock (clock.ts ns) and Node's timers: what sessions run on outside tests. */
export const realClock: EngineClock = {
  now: clockNow,
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
  setImmediate: (fn) => {
    setImmediate(fn);
  },
};

/** What runSession needs of a session besides its engine. */
export interface SessionRun {
  /** Whether the session opened its socket itself (a fake needs no settling). */
  ownSocket: boolean;
  /** performance.now() when the socket was opened, and how long timestamps need (settleTimestamps). */
  openedAt: number;
  settleMs: number;
  /** stop() was called before the engine could start. */
  stopRequested: () => boolean;
  socket: { close(): void };
  capture: { close(): Promise<void> } | null;
}

/**
 * Runs an engine to its end the way ping and trace do: timestamps settled, then the engine,
 * then (whatever happened) the engine stopped, the socket closed and the capture flushed.
 */
export async function runSession(engine: { start(): Promise<void>; stop(): void }, s: SessionRun): Promise<void> {
  try {
    if (s.ownSocket) await settleTimestamps(s.openedAt, s.settleMs);
    if (!s.stopRequested()) await engine.start();
  } finally {
    engine.stop();
    s.socket.close();
    await s.capture?.close();
  }
}

/**
 * Waits until `settleMs` after `openedAt` (performance.now()). A socket turns SO_TIMESTAMPNS on
 * when it opens; if it is the machine's first such socket, Linux switches receive timestamping
 * on from a work queue (net_enable_timestamp), and an answer arriving before that is stamped
 * when we read it, not when it came: the first round trip would include our own latency. A few
 * milliseconds are enough, and the setup since opening usually covers them.
 */
export async function settleTimestamps(openedAt: number, settleMs: number): Promise<void> {
  const wait = settleMs - (performance.now() - openedAt);
  if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
}
