// The terminal of a live view (trace --watch, ping --watch), drawn as mtr and top draw theirs:
// the alternate screen (what was on the terminal comes back when the view ends), the cursor
// hidden, every frame written over the last one from the top left, keys read one at a time
// (raw mode), a resize redrawn. Plain ANSI/VT100 sequences: no terminfo, no dependency.
//
// Whatever ends the view (q, Ctrl-C in raw mode, SIGINT/SIGTERM/SIGHUP, an error thrown by the
// caller, an uncaught exception on the way out) leaves the terminal as it was: close() is
// idempotent and synchronous, and a process 'exit' hook calls it as a last resort.
import { writeSync } from 'node:fs';

const ESC = '\x1b[';
const SEQUENCE = {
  altScreenOn: `${ESC}?1049h`,
  altScreenOff: `${ESC}?1049l`,
  cursorHide: `${ESC}?25l`,
  cursorShow: `${ESC}?25h`,
  home: `${ESC}H`,
  clearLine: `${ESC}K`,
  clearBelow: `${ESC}J`,
  clearScreen: `${ESC}2J`,
} as const;

/** What a key press asks for. Ctrl-C reaches a raw terminal as a byte, not as SIGINT: it quits too. */
export type KeyAction = 'quit' | 'pause' | 'reset' | 'display' | null;

/** The action of one key (mtr's letters). */
export function keyAction(key: string): KeyAction {
  switch (key) {
    case 'q':
    case 'Q':
    case '\x03':
      return 'quit';
    case 'p':
    case 'P':
      return 'pause';
    case 'r':
    case 'R':
      return 'reset';
    case 'd':
    case 'D':
      return 'display';
    default:
      return null;
  }
}

/** Cuts a line to `width` terminal columns (every character we draw is one column wide). */
export function fit(line: string, width: number): string {
  const chars = [...line];
  return chars.length <= width ? line : chars.slice(0, Math.max(0, width)).join('');
}

export interface TerminalEvents {
  onKey: (action: KeyAction) => void;
  /** The terminal was resized, or a signal asked the view to end (then action quit). */
  onResize: () => void;
}

export class Terminal {
  readonly #out: NodeJS.WriteStream;
  readonly #in: NodeJS.ReadStream;
  readonly #fd: number;
  readonly #events: TerminalEvents;
  #open = false;
  #raw = false;
  readonly #onData = (data: Buffer | string): void => {
    for (const key of String(data)) {
      const action = keyAction(key);
      if (action !== null) this.#events.onKey(action);
    }
  };
  readonly #onResize = (): void => this.#events.onResize();
  readonly #onSignal = (): void => this.#events.onKey('quit');
  readonly #onExit = (): void => this.close();

  constructor(events: TerminalEvents, out: NodeJS.WriteStream = process.stdout, input: NodeJS.ReadStream = process.stdin) {
    this.#events = events;
    this.#out = out;
    this.#in = input;
    this.#fd = (out as { fd?: number }).fd ?? 1;
  }

  get columns(): number {
    return this.#out.columns ?? 80;
  }

  get rows(): number {
    return this.#out.rows ?? 24;
  }

  /** Whether keys can be read (stdin is a terminal too). */
  get interactive(): boolean {
    return this.#in.isTTY === true;
  }

  /** Takes the screen: alternate screen, cursor hidden, keys in raw mode, signals and resizes handled. */
  open(): void {
    if (this.#open) return;
    this.#open = true;
    process.on('exit', this.#onExit);
    for (const s of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(s, this.#onSignal);
    this.#out.on('resize', this.#onResize);
    this.#write(SEQUENCE.altScreenOn + SEQUENCE.cursorHide + SEQUENCE.home + SEQUENCE.clearScreen);
    if (this.interactive) {
      this.#in.setRawMode(true);
      this.#raw = true;
      this.#in.on('data', this.#onData);
      this.#in.resume();
    }
  }

  /** Draws a frame: each line cut to the width and cleared to its end, the rest of the screen cleared. */
  draw(lines: readonly string[]): void {
    if (!this.#open) return;
    const width = this.columns;
    const shown = lines.slice(0, this.rows);
    this.#write(SEQUENCE.home + shown.map((l) => fit(l, width) + SEQUENCE.clearLine).join('\r\n') + SEQUENCE.clearBelow);
  }

  /** Gives the terminal back as it was. Safe to call more than once, and from an 'exit' hook. */
  close(): void {
    if (!this.#open) return;
    this.#open = false;
    if (this.#raw) {
      this.#in.off('data', this.#onData);
      this.#in.setRawMode(false);
      this.#in.pause();
      this.#raw = false;
    }
    this.#out.off('resize', this.#onResize);
    for (const s of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.off(s, this.#onSignal);
    process.off('exit', this.#onExit);
    this.#write(SEQUENCE.cursorShow + SEQUENCE.altScreenOff);
  }

  /** Synchronous, so that a frame is whole and the last write happens even on the way out. */
  #write(text: string): void {
    try {
      writeSync(this.#fd, text);
    } catch {
      // a terminal that went away: nothing to restore on it
    }
  }
}
