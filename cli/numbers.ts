// Numbers as people type them on a command line, read the same way by every command, so that
// `--id 0x10`, `-c 0x10`, `--ttl 0x40` and `--dport 0x50` mean 16, 16, 64 and 80 wherever they
// are given: decimal, or hex after 0x. Whole numbers have no sign and no fraction; decimals (a
// time, a rate) may have both a fraction and an exponent ("0.2", "1e3"). What is wrong is said
// in one line that names the option as it is documented ('-c', '--ttl') and what it sets; the
// range, where the command line checks it itself, in another. Errors are CliError (exit 2).
import { CliError } from './errors.js';

const WHOLE = /^\+?\d+$/;
const HEX = /^0x[0-9a-f]+$/i;
const DECIMAL = /^\+?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i;

/** A whole number: "42", "+42" or "0x2a". `what` is what the option sets ("count", "ttl"). */
export function whole(flag: string, what: string, text: string): number {
  const t = text.trim();
  if (HEX.test(t)) return parseInt(t.slice(2), 16);
  if (WHOLE.test(t)) return Number(t);
  throw new CliError(`${flag}: ${what} "${text}" is not a whole number (decimal, or hex like 0x1f)`);
}

/** whole(), then checked against [min, max] here (commands whose lib/ call does not check it). */
export function wholeIn(flag: string, what: string, text: string, min: number, max: number): number {
  const n = whole(flag, what, text);
  if (!Number.isSafeInteger(n) || n < min || n > max) throw new CliError(`${flag} ${text.trim()}: out of range ${min}-${max}`);
  return n;
}

/** The number in `text` ("0.2", "5", "1e3", or hex like a whole number), or null when it is none. */
export function numberIn(text: string): number | null {
  const t = text.trim();
  if (HEX.test(t)) return parseInt(t.slice(2), 16);
  if (DECIMAL.test(t)) return Number(t);
  return null;
}

/** A number that may have a fraction: numberIn(), or a CliError saying it is not one. */
export function decimal(flag: string, what: string, text: string): number {
  const n = numberIn(text);
  if (n === null) throw new CliError(`${flag}: ${what} "${text}" is not a number`);
  return n;
}

/** A rate in probes or packets per second, or "max": as fast as the socket takes them (null). */
export function rateOrMax(flag: string, text: string): number | null {
  return text.trim().toLowerCase() === 'max' ? null : decimal(flag, 'rate', text);
}
