// A live view's life, shared by trace --watch and ping --watch: the terminal taken (terminal.ts),
// frames redrawn at most every 100 ms (mtr's MIN_DISPLAY_REDRAW_USEC) and at once on a key, the
// keys wired to the run (q stops it, p pauses, r resets, d switches the display), and once the run
// has ended on its own (-c), the last frame kept until q. The terminal is given back on every way
// out: the end, q, a signal, an error thrown by the run.
import type { Pausable } from '../../lib/probe/engine/pause-switch.js';
import { Terminal, type KeyAction } from './terminal.js';

/** mtr redraws at most this often. */
const REDRAW_MS = 100;

export interface ViewControls {
  /** The frame's lines for the terminal's width; `finished`: the run ended on its own. */
  frame(columns: number, finished: boolean): string[];
  /** Ends the run now (q): it resolves with what it has. */
  stop(): void;
  /** The run's pause switch (p). */
  pauses: Pausable;
  reset(): void;
  /** The d key; absent where there is one display only. */
  display?(): void;
}

/**
 * Runs `run` (given a function that asks for a redraw) with the terminal taken, and resolves
 * with its result once the user quits (or at once when the run ended and no key can be read).
 */
export async function runView<T>(controls: ViewControls, run: (redraw: () => void) => Promise<T>): Promise<T> {
  let finished = false;
  let quitting = false;
  let onQuit: (() => void) | null = null;
  let timer: NodeJS.Timeout | null = null;
  let last = 0;
  const draw = (): void => {
    last = Date.now();
    terminal.draw(controls.frame(terminal.columns, finished));
  };
  const redraw = (): void => {
    if (timer !== null) return;
    timer = setTimeout(() => {
      timer = null;
      draw();
    }, Math.max(0, REDRAW_MS - (Date.now() - last)));
  };
  const key = (action: KeyAction): void => {
    if (action === 'quit') {
      quitting = true;
      if (finished) onQuit?.();
      else controls.stop();
      return;
    }
    if (action === 'pause') {
      if (controls.pauses.paused) controls.pauses.resume();
      else controls.pauses.pause();
    } else if (action === 'reset') {
      controls.reset();
    } else if (action === 'display') {
      controls.display?.();
    }
    draw();
  };
  const terminal = new Terminal({ onKey: key, onResize: draw });
  terminal.open();
  try {
    draw();
    const result = await run(redraw);
    finished = true;
    draw();
    if (!quitting && terminal.interactive) await new Promise<void>((resolve) => (onQuit = resolve));
    return result;
  } finally {
    if (timer !== null) clearTimeout(timer);
    terminal.close();
  }
}
