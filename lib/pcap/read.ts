// Reading captures, at two levels.
//  1. For hot loops: readPcapBuffer (a whole file in memory) and readPcapFile (a path or a
//     Readable such as stdin, read in large chunks into one reused buffer). Both call back with
//     ONE reused RecordView per record: no per-packet object, subarray or copy.
//  2. For convenience: `for await (const rec of pcapRecords(source))`, one object per record
//     with its own copy of the bytes.
// Both stop at the first structural problem with a PcapError, after delivering every record
// before it, and both check lengths before waiting for bytes, so a corrupt length never makes
// them buffer without bound.

import { open, type FileHandle } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { PcapDecoder } from './decoder.js';
import type { OnInfo, OnRecord, PcapInfo, PcapTimestamp, RecordBatch, RecordView } from './view.js';

/**
 * Default read size: a 37 MB file takes twenty reads, each small enough to stay in the cache
 * while it is checked; a file is read one chunk ahead, into a second buffer of this size.
 */
export const DEFAULT_CHUNK_SIZE = 2 * 1024 * 1024;

/** Room a file reader keeps before each chunk read ahead, for the tail of the one before: a classic record at its largest. */
const RESERVE = 256 * 1024 + 64;

export interface ReadOptions {
  /** Called once with the header, before the first record. */
  onInfo?: OnInfo;
  /** Prefix of error messages; defaults to the path, or "pcap" for buffers and streams. */
  name?: string;
  /** Takes runs of classic pcap records itself; onRecord gets the others (view.ts RecordBatch). */
  batch?: RecordBatch | null;
}

export interface StreamReadOptions extends ReadOptions {
  signal?: AbortSignal;
  /** Bytes per read (the buffer grows if one record or block needs more). */
  chunkSize?: number;
}

export interface PcapSummary {
  info: PcapInfo;
  /** Records delivered. */
  records: number;
  /** True when a callback returned false before the end of the file. */
  stopped: boolean;
}

/** One record with its own bytes. */
export interface PcapRecord {
  index: number;
  /** null only for pcapng Simple Packet Blocks, which carry none. */
  timestamp: PcapTimestamp | null;
  capturedLength: number;
  originalLength: number;
  linkType: number;
  fcsLength: number;
  interfaceId: number;
  /** Offset of the first packet byte in the file. */
  fileOffset: number;
  data: Buffer;
}

export type PcapSource = string | Readable;

/**
 * Read a whole capture held in memory. `view.buffer` is `buf` (as a Buffer), so `view.offset`
 * indexes it directly. Throws PcapError after delivering the records before the break.
 */
export function readPcapBuffer(buf: Uint8Array, onRecord: OnRecord, options: ReadOptions = {}): PcapSummary {
  const bytes = asBuffer(buf);
  const decoder = new PcapDecoder(options.name ?? 'pcap', options.onInfo ?? null, options.batch ?? null);
  const pos = decoder.feed(bytes, 0, bytes.length, 0, onRecord);
  if (!decoder.stopped) decoder.finish(bytes, pos, bytes.length, 0);
  return { info: decoder.info!, records: decoder.records, stopped: decoder.stopped };
}

/**
 * Stream a capture from a path or a Readable (process.stdin) through one reused chunk buffer.
 * `view.buffer` is that chunk: its bytes are valid only during the callback. A stream is
 * consumed (and destroyed if reading stops early).
 */
export async function readPcapFile(
  source: PcapSource,
  onRecord: OnRecord,
  options: StreamReadOptions = {},
): Promise<PcapSummary> {
  const decoder = new PcapDecoder(options.name ?? sourceName(source), options.onInfo ?? null, options.batch ?? null);
  const input = await openInput(source, options);
  try {
    while (await input.fill()) {
      input.pos = decoder.feed(input.buf, input.pos, input.end, input.base, onRecord);
      if (decoder.stopped) break;
    }
    if (!decoder.stopped) decoder.finish(input.buf, input.pos, input.end, input.base);
  } finally {
    await input.close();
  }
  return { info: decoder.info!, records: decoder.records, stopped: decoder.stopped };
}

/**
 * `for await (const rec of pcapRecords('capture.pcap'))`: one object per record, with its own
 * copy of the bytes. Records before a break are yielded, then the PcapError is thrown. Nothing
 * is opened until the first next(); breaking out early closes the file (destroys a stream).
 */
export function pcapRecords(source: PcapSource | Uint8Array, options: StreamReadOptions = {}): PcapRecordIterator {
  return new PcapRecordIterator(source, options);
}

/**
 * The iterator pcapRecords returns. Written by hand rather than as an async generator: serving
 * each chunk's records from an array with already-resolved promises halves the per-record cost.
 */
export class PcapRecordIterator implements AsyncIterableIterator<PcapRecord> {
  private readonly decoder: PcapDecoder;
  private input: Input | null = null;
  private readonly batch: PcapRecord[] = [];
  private at = 0;
  /** An error met after some records of the current chunk: thrown once they are served. */
  private pending: unknown = null;
  private done = false;
  private readonly collect = (v: RecordView): void => {
    this.batch.push(toRecord(v));
  };

  constructor(
    private readonly source: PcapSource | Uint8Array,
    private readonly options: StreamReadOptions,
  ) {
    this.decoder = new PcapDecoder(options.name ?? sourceName(source), options.onInfo ?? null);
  }

  /** The header, once the first record (or the end) has been reached. */
  get info(): PcapInfo | null {
    return this.decoder.info;
  }

  /** Records read so far. */
  get records(): number {
    return this.decoder.records;
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  next(): Promise<IteratorResult<PcapRecord>> {
    if (this.at < this.batch.length) return Promise.resolve({ value: this.batch[this.at++]!, done: false });
    return this.refill();
  }

  async return(): Promise<IteratorResult<PcapRecord>> {
    await this.close();
    return { value: undefined, done: true };
  }

  private async refill(): Promise<IteratorResult<PcapRecord>> {
    this.batch.length = 0;
    this.at = 0;
    if (this.done) return { value: undefined, done: true };
    try {
      if (this.pending !== null) throw this.pending;
      this.input ??= await openInput(this.source, this.options);
      const input = this.input;
      while (this.batch.length === 0) {
        if (!(await input.fill())) {
          this.decoder.finish(input.buf, input.pos, input.end, input.base);
          await this.close();
          return { value: undefined, done: true };
        }
        try {
          input.pos = this.decoder.feed(input.buf, input.pos, input.end, input.base, this.collect);
        } catch (e) {
          if (this.batch.length === 0) throw e;
          this.pending = e;
        }
      }
      return { value: this.batch[this.at++]!, done: false };
    } catch (e) {
      await this.close();
      throw e;
    }
  }

  private async close(): Promise<void> {
    this.done = true;
    const input = this.input;
    this.input = null;
    if (input !== null) await input.close();
  }
}

/** The record the view describes, with its own bytes. */
export function toRecord(v: RecordView): PcapRecord {
  return {
    index: v.index,
    timestamp: v.hasTimestamp ? { sec: v.tsSec, nsec: v.tsNsec } : null,
    capturedLength: v.capturedLength,
    originalLength: v.originalLength,
    linkType: v.linkType,
    fcsLength: v.fcsLength,
    interfaceId: v.interfaceId,
    fileOffset: v.fileOffset,
    data: Buffer.from(v.buffer.subarray(v.offset, v.offset + v.capturedLength)),
  };
}

/** What fs and streams reject with on abort: an Error named AbortError, the reason as cause. */
function abortError(signal: AbortSignal): Error {
  const e = new Error('The pcap read was aborted', { cause: signal.reason }) as Error & { code: string };
  e.name = 'AbortError';
  e.code = 'ABORT_ERR';
  return e;
}

function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted === true) throw abortError(signal);
}

/** The same bytes as a Buffer: `b` itself when it is one, else a view at its byteOffset (no copy). */
function asBuffer(b: Uint8Array): Buffer {
  return Buffer.isBuffer(b) ? b : Buffer.from(b.buffer, b.byteOffset, b.byteLength);
}

function sourceName(source: PcapSource | Uint8Array): string {
  return typeof source === 'string' ? source : 'pcap';
}

/**
 * A window buf[pos, end) over the input, `base` being the input offset of buf[0]. fill() reads
 * more after `end`, first moving the unconsumed tail to the front (or growing the buffer when
 * the tail fills it: one record or block larger than a chunk).
 */
abstract class Input {
  pos = 0;
  end = 0;
  base = 0;

  constructor(public buf: Buffer) {}

  /** Read more bytes; false at end of input. */
  abstract fill(): Promise<boolean>;
  abstract close(): Promise<void>;

  protected makeRoom(): void {
    if (this.end < this.buf.length) return;
    if (this.pos > 0) {
      this.buf.copy(this.buf, 0, this.pos, this.end);
      this.base += this.pos;
      this.end -= this.pos;
      this.pos = 0;
    } else {
      // The decoder bounds any unit before waiting for it, so this stops at 16 MiB.
      const bigger = Buffer.allocUnsafe(this.buf.length * 2);
      this.buf.copy(bigger, 0, 0, this.end);
      this.buf = bigger;
    }
  }
}

/**
 * A file, read one chunk ahead: while the decoder works through buf, the next chunk is read into
 * a spare buffer after RESERVE bytes, where the unconsumed tail of buf is then copied in front of
 * it and the two buffers trade places. The read and the checks overlap, and each chunk is copied
 * once, by the kernel. A tail longer than RESERVE (a record or block larger than that) takes the
 * plain way: moved to the front of buf, the new bytes copied after it. Only a regular file is
 * read ahead: a read of a FIFO or a device may wait for bytes that never come, and closing
 * waits for the read under way.
 */
class FileInput extends Input {
  /** Made at the first read ahead. */
  private spare: Buffer | null = null;
  private readonly reserve: number;
  /** The read under way into spare[reserve...], resolving to its byte count; null before the first fill and after the end. */
  private ahead: Promise<number> | null = null;

  constructor(
    buf: Buffer,
    private readonly fh: FileHandle,
    private readonly signal: AbortSignal | undefined,
    private readonly regular: boolean,
  ) {
    super(buf);
    this.reserve = Math.min(RESERVE, buf.length >>> 1);
  }

  async fill(): Promise<boolean> {
    throwIfAborted(this.signal);
    if (this.ahead === null) {
      this.makeRoom();
      const { bytesRead } = await this.fh.read(this.buf, this.end, this.buf.length - this.end, null);
      this.end += bytesRead;
      if (bytesRead > 0 && this.regular) this.readAhead();
      return bytesRead > 0;
    }
    const n = await this.ahead;
    const spare = this.spare!;
    this.ahead = null;
    if (n === 0) return false;
    const tail = this.end - this.pos;
    const next = this.base + this.end; // the file offset of spare[reserve]
    if (tail <= this.reserve) {
      this.buf.copy(spare, this.reserve - tail, this.pos, this.end);
      this.spare = this.buf;
      this.buf = spare;
      this.base = next - this.reserve;
      this.pos = this.reserve - tail;
      this.end = this.reserve + n;
    } else {
      this.makeRoom();
      if (this.buf.length < this.end + n) {
        const bigger = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.end + n));
        this.buf.copy(bigger, 0, 0, this.end);
        this.buf = bigger;
      }
      spare.copy(this.buf, this.end, this.reserve, this.reserve + n);
      this.end += n;
    }
    this.readAhead();
    return true;
  }

  private readAhead(): void {
    const spare = (this.spare ??= Buffer.allocUnsafe(this.buf.length));
    const reading = this.fh.read(spare, this.reserve, spare.length - this.reserve, null).then((r) => r.bytesRead);
    // A failed read is thrown by the fill that awaits it, or dropped by close: never unhandled.
    reading.catch(() => {});
    this.ahead = reading;
  }

  async close(): Promise<void> {
    const reading = this.ahead;
    this.ahead = null;
    if (reading !== null) await reading.catch(() => 0);
    await this.fh.close();
  }
}

class StreamInput extends Input {
  private readonly chunks: AsyncIterator<unknown>;
  private chunk: Buffer | null = null;
  private chunkPos = 0;
  private readonly onAbort: (() => void) | null = null;

  constructor(
    buf: Buffer,
    private readonly stream: Readable,
    private readonly signal: AbortSignal | undefined,
  ) {
    super(buf);
    this.chunks = stream[Symbol.asyncIterator]();
    if (signal !== undefined) {
      // A stream read may wait forever (an idle stdin): abort by destroying the stream, which
      // makes the pending read reject.
      const onAbort = (): void => {
        stream.destroy(abortError(signal));
      };
      signal.addEventListener('abort', onAbort, { once: true });
      this.onAbort = onAbort;
    }
  }

  async fill(): Promise<boolean> {
    throwIfAborted(this.signal);
    this.makeRoom();
    while (this.chunk === null) {
      const next = await this.chunks.next();
      throwIfAborted(this.signal);
      if (next.done === true) return false;
      const value = next.value;
      if (!(value instanceof Uint8Array)) {
        throw new TypeError('pcap input stream must yield bytes: do not call setEncoding() on it');
      }
      if (value.length === 0) continue;
      this.chunk = asBuffer(value);
      this.chunkPos = 0;
    }
    const n = Math.min(this.chunk.length - this.chunkPos, this.buf.length - this.end);
    this.chunk.copy(this.buf, this.end, this.chunkPos, this.chunkPos + n);
    this.end += n;
    this.chunkPos += n;
    if (this.chunkPos === this.chunk.length) this.chunk = null;
    return true;
  }

  async close(): Promise<void> {
    if (this.onAbort !== null) this.signal!.removeEventListener('abort', this.onAbort);
    // Ends the iteration; a Readable's iterator destroys the stream when stopped early.
    await this.chunks.return?.();
  }
}

/** A buffer already in memory: one fill, no copy. */
class BufferInput extends Input {
  private filled = false;

  constructor(buf: Uint8Array) {
    super(asBuffer(buf));
  }

  async fill(): Promise<boolean> {
    if (this.filled) return false;
    this.filled = true;
    this.end = this.buf.length;
    return this.end > 0;
  }

  async close(): Promise<void> {}
}

async function openInput(source: PcapSource | Uint8Array, options: StreamReadOptions): Promise<Input> {
  throwIfAborted(options.signal);
  if (source instanceof Uint8Array) return new BufferInput(source);
  const size = Math.max(64, Math.floor(options.chunkSize ?? DEFAULT_CHUNK_SIZE));
  const buf = Buffer.allocUnsafe(size);
  if (typeof source === 'string') {
    const fh = await open(source, 'r');
    try {
      return new FileInput(buf, fh, options.signal, (await fh.stat()).isFile());
    } catch (e) {
      await fh.close();
      throw e;
    }
  }
  return new StreamInput(buf, source, options.signal);
}
