// The lines of a target list, a read at a time. readline hands out one line per event and an
// async iterator over it one promise per line, which for a list of 65,534 addresses cost more
// than sweeping them; here each chunk read becomes one array of its whole lines, split with
// readline's line ends (\n, \r\n and a lone \r, crlfDelay: Infinity: a \r\n cut between two
// reads is still one end), the last line of a file needing none.
import { closeSync, openSync, readSync } from 'node:fs';
import { StringDecoder } from 'node:string_decoder';
import { addonIfBuilt } from '../../socket/addon.js';

const LINE_END = /\r\n|\r|\n/;

/** Text in, whole lines out: what one read completes, the rest kept for the next. */
class LineSplitter {
  readonly #decoder = new StringDecoder('utf8');
  #rest = '';

  /** The lines `chunk` completes (none when it ends none). */
  push(chunk: string | Buffer): string[] | null {
    const text = this.#rest + (typeof chunk === 'string' ? chunk : this.#decoder.write(chunk));
    // A \r at the very end may be the first half of a \r\n: the next read decides.
    const end = text.endsWith('\r') ? text.length - 1 : text.length;
    const cut = Math.max(text.lastIndexOf('\n', end - 1), text.lastIndexOf('\r', end - 1));
    if (cut < 0) {
      this.#rest = text;
      return null;
    }
    const head = text[cut] === '\n' && text[cut - 1] === '\r' ? text.slice(0, cut - 1) : text.slice(0, cut);
    this.#rest = text.slice(cut + 1);
    return head.split(LINE_END);
  }

  /** The last line, which needs no end (null when the text ended with one). */
  end(): string[] | null {
    let rest = this.#rest + this.#decoder.end();
    this.#rest = '';
    if (rest.endsWith('\r')) rest = rest.slice(0, -1);
    return rest === '' ? null : rest.split(LINE_END);
  }
}

/** The whole lines of each chunk of `input` (strings or bytes, UTF-8), one array per chunk that ends one. */
export async function* lineBatches(input: AsyncIterable<string | Buffer>): AsyncGenerator<string[]> {
  const lines = new LineSplitter();
  for await (const chunk of input) {
    const got = lines.push(chunk);
    if (got !== null) yield got;
  }
  const last = lines.end();
  if (last !== null) yield last;
}

/**
 * One read of a file as whole lines: the bytes, and where each of its `count` lines starts and
 * ends in them (typed arrays, so that the addon's address lane can read them: address-lane.ts).
 * Reused from read to read: valid until the next one.
 */
export class LineChunk {
  bytes: Buffer;
  count = 0;
  starts = new Int32Array(1024);
  ends = new Int32Array(1024);
  #text: string | null = null;

  constructor(size: number) {
    this.bytes = Buffer.allocUnsafe(size);
  }

  /** The read's bytes as one latin1 string (one string for the whole read, not one per line), made when first asked for. */
  get text(): string {
    return (this.#text ??= this.bytes.toString('latin1', 0, this.count === 0 ? 0 : this.ends[this.count - 1]));
  }

  /** Forgets the lines of the read before. */
  reset(): void {
    this.count = 0;
    this.#text = null;
  }

  /** Adds the line bytes[start, end). */
  push(start: number, end: number): void {
    const k = this.count++;
    if (k === this.starts.length) this.grow();
    this.starts[k] = start;
    this.ends[k] = end;
  }

  /** Room for twice as many lines, those there kept. */
  grow(): void {
    const grown = (a: Int32Array): Int32Array<ArrayBuffer> => {
      const b = new Int32Array(a.length * 2);
      b.set(a);
      return b;
    };
    this.starts = grown(this.starts);
    this.ends = grown(this.ends);
  }
}

/**
 * The lines of a regular file as lineBatches splits them (\n, \r\n, a lone \r; the
 * last line needing no end), a read of `size` bytes at a time, as ranges: a target list of
 * 65,534 addresses costs 65,534 strings and their garbage the other way. A line longer than a
 * read is carried over, the buffer doubling for it. `addonSplit` false: split here even where
 * the addon could (tests hold the two to the same lines).
 */
export function* fileLineChunksSync(path: string, size = 1 << 16, addonSplit = true): Generator<LineChunk> {
  const fd = openSync(path, 'r');
  try {
    const chunk = new LineChunk(size);
    let held = 0; // bytes of an unfinished line carried from the read before
    for (;;) {
      if (held === chunk.bytes.length) {
        const bigger = Buffer.allocUnsafe(chunk.bytes.length * 2);
        chunk.bytes.copy(bigger, 0, 0, held);
        chunk.bytes = bigger;
      }
      const b = chunk.bytes;
      const n = readSync(fd, b, held, b.length - held, null);
      const total = held + n;
      const eof = n === 0;
      const next = addonSplit ? splitLines(b, total, eof, chunk) : splitLinesHere(b, total, eof, chunk);
      if (chunk.count > 0) yield chunk;
      if (eof) break;
      b.copy(b, 0, next, total);
      held = total - next;
    }
  } finally {
    closeSync(fd);
  }
}

/** Where the addon's splitter leaves its count, the rest's start and whether it ran out of room. */
const SPLIT = new Float64Array(3);

/**
 * The whole lines of b[0..total) into chunk's starts and ends; returns where the unfinished rest
 * begins. In the addon when it is built (the same rules, a 65,534-line list split in a tenth of
 * the time), else here.
 */
function splitLines(b: Buffer, total: number, eof: boolean, chunk: LineChunk): number {
  const native = addonIfBuilt()?.splitLines;
  if (native === undefined) return splitLinesHere(b, total, eof, chunk);
  chunk.reset();
  for (;;) {
    native(b, total, eof, chunk.starts, chunk.ends, SPLIT);
    if (SPLIT[2] === 0) break;
    chunk.grow();
  }
  chunk.count = SPLIT[0]!;
  return SPLIT[1]!;
}

function splitLinesHere(b: Buffer, total: number, eof: boolean, chunk: LineChunk): number {
  chunk.reset();
  let from = 0;
  for (let i = 0; i < total; i++) {
    const c = b[i];
    if (c !== 0x0a && c !== 0x0d) continue;
    // A \r that ends the read may be the first half of a \r\n: the next read decides.
    if (c === 0x0d && i + 1 === total && !eof) break;
    chunk.push(from, i);
    if (c === 0x0d && b[i + 1] === 0x0a && i + 1 < total) i++;
    from = i + 1;
  }
  if (eof && from < total) {
    chunk.push(from, total);
    from = total;
  }
  return from;
}
