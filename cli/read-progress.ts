// The progress line of decode and checksum reading a large capture (cli/progress.ts): bytes read
// of the file's size and packets per second, on a terminal's stderr only. Shown for a file of
// READ_PROGRESS_BYTES or more from the start, and for stdin once the reading has taken a second.
import { stat } from 'node:fs/promises';
import type { RecordView } from '../lib/pcap/index.js';
import { readProgressLine } from './format/progress.js';
import { ProgressLine } from './progress.js';

/** Files from this size on show their progress: a few seconds of work, or more. */
export const READ_PROGRESS_BYTES = 16e6;
/** Input of unknown size (a pipe) shows it after this long, ms. */
const UNKNOWN_SIZE_AFTER_MS = 1000;

export interface ReadProgress {
  /** Each record delivered (its end is how far the reading has come, its index how many came). */
  record(view: RecordView): void;
  stop(): void;
}

/** A progress line for `command` reading `source` (a path; undefined, '' or '-' for stdin), when `enabled`. */
export async function readProgress(command: string, source: string | undefined, enabled: boolean): Promise<ReadProgress> {
  const line = new ProgressLine(enabled);
  if (!enabled) return { record: () => {}, stop: () => {} };
  const fromStdin = source === undefined || source === '' || source === '-';
  const size = fromStdin ? null : await stat(source).then((s) => (s.isFile() ? s.size : null), () => null);
  if (size !== null && size < READ_PROGRESS_BYTES) return { record: () => {}, stop: () => {} };
  const started = performance.now();
  let read = 0;
  let packets = 0;
  line.start(() => {
    const ms = performance.now() - started;
    if (size === null && ms < UNKNOWN_SIZE_AFTER_MS) return null;
    return readProgressLine(command, read, size, packets, ms / 1000);
  });
  return {
    record: (view) => {
      packets = view.index + 1; // records a RecordBatch took came before it too
      read = view.fileOffset + view.capturedLength;
    },
    stop: () => line.stop(),
  };
}
