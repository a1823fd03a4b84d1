// Where a capture writer's finished chunks go: a file descriptor (a path opened for it, or one
// given, such as 1 for stdout) written synchronously, or a Writable with its backpressure. Shared by
// the classic pcap writer (write.ts) and the pcapng writer (pcapng-write.ts).
import { closeSync, openSync, writeSync } from 'node:fs';
import type { Writable } from 'node:stream';

/** Where finished chunks of a capture go. */
export interface Sink {
  /** Returns false when the target wants a pause. */
  write(chunk: Buffer): boolean;
  /** True when the sink keeps the chunks it is given (so the writer must not reuse them). */
  readonly keepsChunks: boolean;
  drained(): Promise<void>;
  close(): Promise<void>;
}

export class FdSink implements Sink {
  readonly keepsChunks = false;
  constructor(
    private readonly fd: number,
    private readonly owned: boolean,
  ) {}

  write(chunk: Buffer): boolean {
    let done = 0;
    while (done < chunk.length) done += writeSync(this.fd, chunk, done, chunk.length - done);
    return true;
  }

  async drained(): Promise<void> {}

  async close(): Promise<void> {
    if (this.owned) closeSync(this.fd);
  }
}

export class StreamSink implements Sink {
  readonly keepsChunks = true;
  private error: Error | null = null;

  constructor(
    private readonly stream: Writable,
    private readonly end: boolean,
  ) {
    stream.on('error', (e: Error) => {
      this.error ??= e;
    });
  }

  write(chunk: Buffer): boolean {
    if (this.error !== null) throw this.error;
    return this.stream.write(chunk);
  }

  drained(): Promise<void> {
    if (this.error !== null) return Promise.reject(this.error);
    if (!this.stream.writableNeedDrain) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const done = (e?: Error): void => {
        this.stream.off('drain', done);
        this.stream.off('error', done);
        this.stream.off('close', done);
        if (e instanceof Error) reject(e);
        else resolve();
      };
      this.stream.on('drain', done);
      this.stream.on('error', done);
      this.stream.on('close', done);
    });
  }

  async close(): Promise<void> {
    if (this.error !== null) throw this.error;
    await new Promise<void>((resolve, reject) => {
      const cb = (e?: Error | null): void => (e ? reject(e) : resolve());
      if (this.end) this.stream.end(cb);
      else this.stream.write(Buffer.alloc(0), cb);
    });
    if (this.error !== null) throw this.error;
  }
}

/**
 * A path (created or truncated, synchronously, so a bad path fails here), a descriptor (not
 * closed), or a Writable (ended on close unless `end` is false; stdout and stderr never are).
 */
export function openSink(target: string | number | Writable, end?: boolean): Sink {
  if (typeof target === 'string') return new FdSink(openSync(target, 'w'), true);
  if (typeof target === 'number') return new FdSink(target, false);
  return new StreamSink(target, end ?? (target !== (process.stdout as Writable) && target !== (process.stderr as Writable)));
}
