// Machine output: one JSON object per line (JSON Lines), so scripts can stream-parse events as
// they happen. Buffers never reach here: lib/ turns bytes into hex first (wire.jsonify). Written
// through cli/stdout.ts, as the text of ping, trace and tos is: no stream to make for a pipe.
import { writeStdout } from '../stdout.js';

/** Writes one compact JSON object and a newline to stdout. */
export function printJsonLine(value: unknown): void {
  writeStdout(`${JSON.stringify(value)}\n`);
}
