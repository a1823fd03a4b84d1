// One line on stderr that redraws while long work goes on (a sweep of a /16, decoding a large
// capture, bringing up a big lab), when stderr is a terminal and only then: into a pipe or a file
// nothing is written, so a log or a test reading stderr never sees it. Off with the command's
// --quiet, and on a terminal that cannot move the cursor (TERM=dumb). Colour only on a terminal,
// and never with NO_COLOR set (https://no-color.org).
//
// Other output to the same terminal must not land in the middle of the line: call clear() before
// writing it, and draw() after (or leave it to the next tick).

/** A stream the line may be drawn on. */
interface Terminal {
  isTTY?: boolean;
  columns?: number;
  write(text: string): boolean;
}

/** How often the line is drawn again, ms. */
const EVERY_MS = 200;

/** Whether progress may be drawn on `stream`: a terminal that moves the cursor, not --quiet. */
export function progressWanted(stream: Terminal, quiet = false, env: NodeJS.ProcessEnv = process.env): boolean {
  return stream.isTTY === true && env['TERM'] !== 'dumb' && !quiet;
}

/** Whether colour may be used on `stream`. */
export function colourWanted(stream: Terminal, env: NodeJS.ProcessEnv = process.env): boolean {
  return stream.isTTY === true && (env['NO_COLOR'] ?? '') === '' && env['TERM'] !== 'dumb';
}

export class ProgressLine {
  readonly #stream: Terminal;
  readonly #enabled: boolean;
  #render: (() => string | null) | null = null;
  #timer: NodeJS.Timeout | null = null;
  #shown = false;

  /** A line on `stream` (default stderr), drawn only when `enabled` (see progressWanted). */
  constructor(enabled: boolean, stream: Terminal = process.stderr) {
    this.#stream = stream;
    this.#enabled = enabled;
  }

  get enabled(): boolean {
    return this.#enabled;
  }

  /** Draws `render()` now and every EVERY_MS until stop(); a null from render draws nothing (not yet). */
  start(render: () => string | null): void {
    if (!this.#enabled) return;
    this.#render = render;
    this.draw();
    this.#timer = setInterval(() => this.draw(), EVERY_MS);
    this.#timer.unref();
  }

  /** Draws `text` now, until stop() or another show() (no redrawing: for one step after another). */
  show(text: string): void {
    if (!this.#enabled) return;
    this.#render = () => text;
    this.draw();
  }

  /** Draws the line now (again after clear(), once other output is written). */
  draw(): void {
    const text = this.#render?.() ?? null;
    if (text === null || !this.#enabled) return;
    // Never wider than the terminal: a wrapped line would not be redrawn in place.
    const width = Math.max(10, (this.#stream.columns ?? 80) - 1);
    this.#stream.write(`\r${cut(text, width)}\x1b[K`);
    this.#shown = true;
  }

  /** Erases the line (before other output to the terminal); it comes back at the next tick. */
  clear(): void {
    if (!this.#shown) return;
    this.#stream.write('\r\x1b[K');
    this.#shown = false;
  }

  /** Erases the line for good. */
  stop(): void {
    if (this.#timer !== null) clearInterval(this.#timer);
    this.#timer = null;
    this.#render = null;
    this.clear();
  }
}

/** `text` cut to `width` visible characters, colour sequences kept (and closed). */
function cut(text: string, width: number): string {
  let visible = 0;
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const esc = /^\x1b\[[0-9;]*m/.exec(text.slice(i));
    if (esc !== null) {
      out += esc[0];
      i += esc[0].length - 1;
      continue;
    }
    if (visible === width) return out.includes('\x1b[') ? `${out}\x1b[0m` : out;
    out += text[i];
    visible++;
  }
  return out;
}
