// stdout without the stream, for a command whose output is its bulk (sweep: a line per target of
// a /16). process.stdout on a pipe or a terminal is a net.Socket, and making it loads node:net
// and the stream modules; a write here is one writeSync, the bytes gone when it returns (no copy
// kept for a full pipe). The reader going away (EPIPE) is what cli/stopping.ts does with the
// stream's error: the run stops quietly, and nothing more is written. A descriptor someone left
// non-blocking (EAGAIN) hands this and every later write to the stream, which waits, in order.
import { writeSync } from 'node:fs';
import { onStdoutError } from './stopping.js';

let readerGone = false;
let viaStream = false;

/** Writes all of `data` to stdout (fd 1). */
export function writeStdout(data: Uint8Array | string): void {
  if (readerGone) return;
  const bytes = typeof data === 'string' ? Buffer.from(data) : data;
  if (viaStream) {
    // A copy: the stream may keep the bytes after write() returns, and the caller reuses them.
    process.stdout.write(Buffer.from(bytes));
    return;
  }
  let at = 0;
  while (at < bytes.length) {
    try {
      at += writeSync(1, bytes, at, bytes.length - at);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'EAGAIN') {
        viaStream = true;
        process.stdout.write(Buffer.from(bytes.subarray(at)));
        return;
      }
      if (code === 'EPIPE') readerGone = true;
      onStdoutError(err as NodeJS.ErrnoException);
      return;
    }
  }
}
