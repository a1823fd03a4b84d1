// What a netcat session sends: messages given up front (--send), or a stream read as it comes
// (stdin, a file). The session asks for one piece at a time, so a slow socket slows the reading
// (back-pressure) and nothing is read ahead that the peer may never take.
//
// On stream sockets a piece is just the next bytes; on datagram and seqpacket sockets each piece
// is one message: one --send each, or one read of the stream, cut at `maxMessage` bytes.
import type { Readable } from 'node:stream';

export interface Input {
  /** The next piece to send; null at the end. */
  next(): Promise<Uint8Array | null>;
  /** The session is done with it: stop reading (a pending next() then gives null). */
  close(): void;
}

/** Makes the input of each connection (or of each datagram answered); see messagesInput, streamInput. */
export type InputSource = () => Input;

const ENDED: Input = { next: async () => null, close: () => {} };

/** The same messages, from the first, for every connection. */
export function messagesInput(messages: readonly Uint8Array[]): InputSource {
  return () => {
    let at = 0;
    return {
      next: async () => (at < messages.length ? (messages[at++] as Uint8Array) : null),
      close: () => {
        at = messages.length;
      },
    };
  };
}

/** Bytes read ahead of the socket before the stream is paused, and resumed below. */
const READ_AHEAD = 1024 * 1024;
const RESUME_BELOW = 256 * 1024;

/**
 * Pieces of a Readable in flowing mode: the stream keeps reading while the socket takes what
 * came (a pull per piece through the async iterator paused and resumed the stream around every
 * 64 KiB read of a pipe), paused only when READ_AHEAD bytes wait unsent.
 */
class StreamReader implements Input {
  readonly #readable: Readable;
  readonly #maxMessage: number | null;
  readonly #queue: Buffer[] = [];
  #queued = 0;
  #ended = false;
  #closed = false;
  #error: unknown = null;
  #wake: (() => void) | null = null;

  constructor(readable: Readable, maxMessage: number | null) {
    this.#readable = readable;
    this.#maxMessage = maxMessage;
    readable.on('data', (chunk: Buffer | string) => {
      const piece = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
      this.#queue.push(piece);
      this.#queued += piece.length;
      if (this.#queued >= READ_AHEAD) readable.pause();
      this.#notify();
    });
    readable.once('end', () => this.#finish(null));
    readable.once('error', (error: unknown) => this.#finish(error));
    readable.once('close', () => this.#finish(null));
  }

  async next(): Promise<Uint8Array | null> {
    for (;;) {
      if (this.#closed) return null;
      const piece = this.#take();
      if (piece !== null) return piece;
      if (this.#error !== null) throw this.#error;
      if (this.#ended) return null;
      await new Promise<void>((resolve) => {
        this.#wake = resolve;
      });
    }
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#queue.length = 0;
    this.#readable.destroy();
    this.#notify();
  }

  #take(): Buffer | null {
    const first = this.#queue[0];
    if (first === undefined) return null;
    let piece = first;
    if (this.#maxMessage !== null && first.length > this.#maxMessage) {
      piece = first.subarray(0, this.#maxMessage);
      this.#queue[0] = first.subarray(this.#maxMessage);
    } else this.#queue.shift();
    this.#queued -= piece.length;
    if (this.#queued < RESUME_BELOW && this.#readable.isPaused() && !this.#ended) this.#readable.resume();
    return piece;
  }

  #finish(error: unknown): void {
    // 'close' after destroy() by close() is the end we asked for, not a failure.
    if (error !== null && !this.#closed) this.#error = error;
    this.#ended = true;
    this.#notify();
  }

  #notify(): void {
    const wake = this.#wake;
    this.#wake = null;
    wake?.();
  }
}

/**
 * A stream read once: the first connection gets it, later ones an input already at its end.
 * Pieces longer than `maxMessage` (null: no limit) are cut. `open` is the stream, or what makes
 * it when it is first needed (process.stdin is then not touched by a session that never sends).
 */
export function streamInput(open: Readable | (() => Readable), maxMessage: number | null = null): InputSource {
  let used = false;
  return () => {
    if (used) return ENDED;
    used = true;
    return new StreamReader(typeof open === 'function' ? open() : open, maxMessage);
  };
}
