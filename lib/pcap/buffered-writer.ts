// What the pcap and pcapng writers share: records gather in one buffer that goes to the target
// when full and on flush()/close(), so a 200,000-packet file costs about 40 writes, not 200,000.
// Each writer encodes its own file header and records into `buf` at `used`; this class owns the
// buffer, the target and the closing rules.

import type { Writable } from 'node:stream';
import { openSink, type Sink } from './sink.js';

export abstract class BufferedWriter {
  /** Records written so far. */
  records = 0;
  protected buf: Buffer;
  protected used = 0;
  private readonly sink: Sink;
  private closed = false;
  private closing: Promise<void> | null = null;

  /** `name` is the writer's, for the error when it is used after close(). */
  constructor(
    private readonly name: string,
    target: string | number | Writable,
    bufferSize: number,
    end: boolean | undefined,
  ) {
    this.buf = Buffer.allocUnsafe(bufferSize);
    this.sink = openSink(target, end);
  }

  /** Hand everything buffered to the target (a live writer may call this after each packet). */
  flush(): boolean {
    this.assertOpen();
    return this.flushBuffer();
  }

  /** Resolves when a stream target has room again (at once for files). */
  drained(): Promise<void> {
    return this.sink.drained();
  }

  /** Flush, then close the file (or end the stream). Safe to call twice. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      try {
        this.flushBuffer();
      } finally {
        this.closed = true;
        await this.sink.close();
      }
    })();
    return this.closing;
  }

  protected assertOpen(): void {
    if (this.closed || this.closing !== null) throw new Error(`${this.name} is closed`);
  }

  /**
   * Room for `need` more bytes at `used`: the buffer goes to the target first when they do not
   * fit, and a record bigger than the whole buffer (a small bufferSize) gets a buffer its size.
   * False when a stream target asks to pause.
   */
  protected makeRoom(need: number): boolean {
    this.assertOpen();
    const ok = this.used + need > this.buf.length ? this.flushBuffer() : true;
    if (need > this.buf.length) this.buf = Buffer.allocUnsafe(need);
    return ok;
  }

  /** Bytes already encoded for this file, straight to the target after what is buffered. */
  protected writeThrough(bytes: Uint8Array): boolean {
    let ok = this.flushBuffer();
    if (bytes.length > 0) {
      // A stream keeps what it is given until it is written: hand it a copy (the caller may reuse its bytes).
      const chunk = this.sink.keepsChunks ? Buffer.from(bytes) : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
      ok = this.sink.write(chunk) && ok;
    }
    return ok;
  }

  protected flushBuffer(): boolean {
    if (this.used === 0) return true;
    const chunk = this.buf.subarray(0, this.used);
    if (this.sink.keepsChunks) this.buf = Buffer.allocUnsafe(this.buf.length);
    this.used = 0;
    return this.sink.write(chunk);
  }
}
