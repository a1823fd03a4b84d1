// Machine output: one JSON object per line (JSON Lines), so scripts can stream-parse events as
// they happen. Buffers never reach here: lib/ turns bytes into hex first (wire.jsonify).

/** Writes one compact JSON object and a newline to stdout. */
export function printJsonLine(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value)}\n`);
}
