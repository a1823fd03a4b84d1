// Numbers as people type them on a command line: decimal or 0x hex, checked against a range,
// with an error that names the option. Used by send and sockopt.
import { CliError, EXIT_ERROR } from './errors.js';

/** An integer in [min, max] from "42", "0x2a" or a number yargs already parsed; throws CliError naming `option`. */
export function parseInteger(value: unknown, option: string, max: number, min = 0): number {
  const text = String(value).trim();
  let n: number;
  if (/^-?\d+$/.test(text)) n = Number(text);
  else if (/^0[xX][0-9a-fA-F]+$/.test(text)) n = parseInt(text.slice(2), 16);
  else throw new CliError(`--${option} ${text}: not a whole number (decimal, or hex like 0x1f)`, EXIT_ERROR);
  if (!Number.isSafeInteger(n) || n < min || n > max) {
    throw new CliError(`--${option} ${text}: out of range ${min}-${max}`, EXIT_ERROR);
  }
  return n;
}

/** Like parseInteger, for an option that may be absent. */
export function optionalInteger(value: unknown, option: string, max: number, min = 0): number | undefined {
  return value === undefined ? undefined : parseInteger(value, option, max, min);
}
