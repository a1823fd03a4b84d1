// Target lists for a sweep, as fping takes them: an address, a host name, a CIDR block or a
// range, on the command line or one per line in a file (`-` for stdin).
//
//   198.18.0.1                  one address
//   gateway.lab                 a name, resolved when the sweep reaches it
//   198.18.0.0/16               a block: every host address, network and broadcast excluded
//                               below /31 (fping -g); host bits given are masked off
//   198.18.0.10-198.18.0.20     a range, both ends included
//   198.18.0.10-20              the same, the end given as its last byte
//   2001:db8::/120              IPv6 (-6, or the first address given is IPv6): every address
//                               of the block (IPv6 has no broadcast; fping -6 -g takes them all),
//                               at most a /104 (16,777,216 addresses), so a mistyped /64 is one
//                               line, not a sweep of 2^64 probes
//   2001:db8::1-2001:db8::ff    an IPv6 range, both ends included
//
// A spec holds a block or range as its two ends (u32): nothing is expanded here, so a /8 costs
// what a single address costs. An IPv6 spec keeps its upper 96 bits beside (`high`), its ends
// being the low 32: a /104 fits, and a range that crosses a /96 boundary is refused. In a file, `#` starts a comment (whole line or after a target),
// blank lines are skipped, and a line that is none of the above is an error naming the file and
// the line number.
import { createReadStream } from 'node:fs';
import { formatIpv4, ipv4At, parseIpv4, u32 } from '../../wire/bytes.js';
import { ParseError } from '../../wire/errors.js';
import { ipv6OrNull, isIpv6Text, parseIpv6At, parseIpv6Into } from '../../wire/ipv6-address.js';
import type { IpVersion } from '../resolve.js';
import { AddressLane } from './address-lane.js';
import type { CheckedList } from './checked.js';
import { fileLineChunksSync, lineBatches } from './lines.js';

export const TARGET_KIND = {
  address: 'address',
  block: 'block',
  range: 'range',
  name: 'name',
} as const;
export type TargetKind = (typeof TARGET_KIND)[keyof typeof TARGET_KIND];

/** One target as the user wrote it: a run of addresses (first..last, u32), or a name. */
export interface TargetSpec {
  kind: TargetKind;
  /** The text as given (trimmed, comment removed). */
  text: string;
  /** First and last address, inclusive (u32). A name has 0 and -1 until resolved (size 0). */
  first: number;
  last: number;
  /** The host name to resolve (kind name), else null. */
  name: string | null;
  /** IPv6: the upper 12 bytes of every address of the spec (first and last are the low 32 bits). Absent for IPv4 and names. */
  high?: Uint8Array;
}

/** Where a target came from: a command-line argument, or a line of a file (stdin: `-`). */
export interface TargetOrigin {
  /** The file as given (`-` for stdin), or null for the command line. */
  file: string | null;
  /** 1-based line number in the file, or the argument's 1-based position. */
  line: number;
}

/** A target that is not one: `hosts.txt:7: "10.0.0.300" is not an IPv4 address: ...`. */
export class TargetListError extends Error {
  readonly file: string | null;
  readonly line: number | null;
  readonly text: string;
  readonly reason: string;
  constructor(text: string, reason: string, origin: TargetOrigin | null = null) {
    const where = origin === null ? '' : origin.file === null ? '' : `${origin.file === '-' ? 'stdin' : origin.file}:${origin.line}: `;
    super(`${where}${reason}`);
    this.name = 'TargetListError';
    this.file = origin?.file ?? null;
    this.line = origin?.line ?? null;
    this.text = text;
    this.reason = reason;
  }
}

/** Largest block or range: a /1. fping refuses /0 too (the whole Internet is never meant). */
const MIN_PREFIX = 1;
/** Largest IPv6 block: a /104, 2^24 addresses (more is a typing mistake, not a sweep). */
export const MIN_PREFIX6 = 104;
const MAX_ADDRESSES6 = 2 ** (128 - MIN_PREFIX6);

/**
 * A host name as getaddrinfo takes it: letters, digits, `-`, `_` and dots, with at least one
 * letter, so that a mistyped address such as 10.0.0.300 is an error rather than a name to look up.
 */
const NAME = /^[A-Za-z0-9_](?:[A-Za-z0-9_.-]*[A-Za-z0-9_.])?$/;

function isHostName(text: string): boolean {
  return text.length <= 253 && NAME.test(text) && /[A-Za-z_]/.test(text) && !text.includes('..');
}

function addressOrThrow(text: string, part: string): number {
  try {
    return parseIpv4(part);
  } catch (e) {
    if (isIpv6Text(part)) throw otherFamily(text);
    if (e instanceof ParseError) throw new TargetListError(text, e.message);
    throw e;
  }
}

/** An address of the other IP version, in getaddrinfo's words (as ping -4 and fping -6 say it). */
function otherFamily(text: string): TargetListError {
  return new TargetListError(text, `${text}: Address family for hostname not supported`);
}

/** The IP version a target is written in: 6 for IPv6 text (a block or range too), 4 for IPv4, null for a name. */
export function versionOfTarget(input: string): IpVersion | null {
  const text = input.trim();
  const head = text.split(/[/-]/, 1)[0]!;
  if (isIpv6Text(head.split('%', 1)[0]!)) return 6;
  return /^[\d.]+$/.test(head) && head.includes('.') ? 4 : null;
}

/**
 * Parses one target of a sweep of IP version `version`; throws TargetListError (without an
 * origin) when it is none, or an address of the other version.
 */
export function parseTarget(input: string, version: IpVersion = 4): TargetSpec {
  const text = input.trim();
  if (text === '') throw new TargetListError(text, 'an empty target');
  if (/\s/.test(text)) throw new TargetListError(text, `"${text}": one target per line (an address, a name, a CIDR block or a range a.b.c.d-e.f.g.h)`);
  if (version === 6) return parseTarget6(text);

  const slash = text.indexOf('/');
  if (slash >= 0) {
    const base = addressOrThrow(text, text.slice(0, slash));
    const bits = text.slice(slash + 1);
    if (!/^\d{1,2}$/.test(bits) || Number(bits) < MIN_PREFIX || Number(bits) > 32) {
      throw new TargetListError(text, `"${text}": the prefix length must be ${MIN_PREFIX}-32`);
    }
    const prefix = Number(bits);
    const size = 2 ** (32 - prefix);
    const network = Math.floor(base / size) * size;
    let first = network;
    let last = network + size - 1;
    if (prefix < 31) {
      first += 1;
      last -= 1;
    }
    return { kind: TARGET_KIND.block, text, first, last, name: null };
  }

  const dash = text.indexOf('-');
  if (dash > 0) {
    const head = text.slice(0, dash);
    let first = -1;
    try {
      first = parseIpv4(head);
    } catch {
      first = -1; // not an address before the dash: a name with a dash in it
    }
    if (first >= 0) {
      const tail = text.slice(dash + 1);
      let last: number;
      if (/^\d{1,3}$/.test(tail)) {
        if (Number(tail) > 255) throw new TargetListError(text, `"${text}": the range ends at byte ${tail}, more than 255`);
        last = (first - (first % 256)) + Number(tail);
      } else {
        last = addressOrThrow(text, tail);
      }
      if (last < first) throw new TargetListError(text, `"${text}": the range ends (${formatIpv4(last)}) before it starts`);
      return { kind: TARGET_KIND.range, text, first, last, name: null };
    }
  }

  if (/^[\d.]+$/.test(text)) {
    const value = addressOrThrow(text, text);
    return { kind: TARGET_KIND.address, text, first: value, last: value, name: null };
  }
  if (isHostName(text)) return { kind: TARGET_KIND.name, text, first: 0, last: -1, name: text };
  if (isIpv6Text(text.split('%', 1)[0]!)) throw otherFamily(text);
  throw new TargetListError(text, `"${text}" is not an IPv4 address, a host name, a CIDR block (a.b.c.d/n) or a range (a.b.c.d-e.f.g.h)`);
}

/** The 16 bytes of IPv6 text (a zone dropped), or a TargetListError naming the target. */
function address6OrThrow(text: string, part: string): Buffer {
  const bytes = ipv6OrNull(part);
  if (bytes !== null) return bytes;
  throw notTarget6(text, part);
}

// A list file holds tens of thousands of addresses, most sharing their upper 96 bits: each line
// is read into one scratch array, and a spec gets the previous spec's `high` when it is the same
// (read-only, shared), so a line costs no bytes of its own.
const LINE = new Uint8Array(16);
let lastHigh = new Uint8Array(12);

/** The upper 12 bytes of `bytes` as a spec's `high`: the last one given out when equal. */
function sharedHigh(bytes: Uint8Array): Uint8Array {
  let same = true;
  for (let i = 0; i < 12 && same; i++) same = lastHigh[i] === bytes[i];
  if (!same) lastHigh = bytes.slice(0, 12);
  return lastHigh;
}

/** Why `part` of `text` is no IPv6 target. */
function notTarget6(text: string, part: string): TargetListError {
  if (/^[\d.]+$/.test(part)) return otherFamily(text);
  return new TargetListError(text, `"${text}" is not an IPv6 address, a host name, a block (2001:db8::/120) or a range (2001:db8::1-2001:db8::ff)`);
}

/** Too many addresses, said with the limit and why. */
function tooMany6(text: string, count: string): TargetListError {
  return new TargetListError(text, `"${text}" is ${count} addresses: sweep takes at most a /${MIN_PREFIX6} (${MAX_ADDRESSES6}) at once, so split it`);
}

/** The IPv6 forms: address, block (prefix /104 to /128, every address), range. */
function parseTarget6(text: string): TargetSpec {
  const slash = text.indexOf('/');
  if (slash >= 0) {
    const base = address6OrThrow(text, text.slice(0, slash));
    const bits = text.slice(slash + 1);
    if (!/^\d{1,3}$/.test(bits) || Number(bits) > 128) throw new TargetListError(text, `"${text}": the prefix length must be 0-128`);
    const prefix = Number(bits);
    if (prefix < MIN_PREFIX6) throw tooMany6(text, `2^${128 - prefix}`);
    const size = 2 ** (128 - prefix);
    const low = u32(base, 12);
    const first = Math.floor(low / size) * size;
    return { kind: TARGET_KIND.block, text, first, last: first + size - 1, name: null, high: base.subarray(0, 12) };
  }
  const dash = text.indexOf('-');
  if (dash > 0 && ipv6OrNull(text.slice(0, dash)) !== null) {
    const head = address6OrThrow(text, text.slice(0, dash));
    const tail = address6OrThrow(text, text.slice(dash + 1));
    const high = head.subarray(0, 12);
    const first = u32(head, 12);
    const last = u32(tail, 12);
    const sameHigh = Buffer.compare(high, tail.subarray(0, 12));
    if (sameHigh > 0 || (sameHigh === 0 && last < first)) throw new TargetListError(text, `"${text}": the range ends before it starts`);
    if (sameHigh < 0) throw tooMany6(text, 'more than 2^32');
    if (last - first + 1 > MAX_ADDRESSES6) throw tooMany6(text, String(last - first + 1));
    return { kind: TARGET_KIND.range, text, first, last, name: null, high };
  }
  const address = parseIpv6Into(text, LINE);
  // A zone (fe80::1%eth0) is checked by the lookup, which keeps it: a name to resolve.
  if (address && !text.includes('%')) {
    const low = u32(LINE, 12);
    return { kind: TARGET_KIND.address, text, first: low, last: low, name: null, high: sharedHigh(LINE) };
  }
  if (address || isHostName(text)) return { kind: TARGET_KIND.name, text, first: 0, last: -1, name: text };
  throw notTarget6(text, text.split('-', 1)[0]!);
}

/** Addresses a spec stands for (a name: 1, once resolved). */
export function targetCount(spec: TargetSpec): number {
  return spec.kind === TARGET_KIND.name ? 1 : spec.last - spec.first + 1;
}

/** The target on one line of a file, or null for a blank or comment line. */
export function parseTargetLine(line: string, origin: TargetOrigin, version: IpVersion = 4): TargetSpec | null {
  return targetOnLine(line, origin.file, origin.line, version);
}

/** parseTargetLine with the origin in parts: made into an object only for an error. */
function targetOnLine(line: string, file: string | null, number: number, version: IpVersion): TargetSpec | null {
  const hash = line.indexOf('#');
  const text = (hash >= 0 ? line.slice(0, hash) : line).trim();
  if (text === '') return null;
  try {
    return parseTarget(text, version);
  } catch (e) {
    if (e instanceof TargetListError) throw new TargetListError(e.text, e.reason, { file, line: number });
    throw e;
  }
}

/** Command-line targets, all checked before anything is sent. */
export function parseTargetArguments(args: readonly string[], version: IpVersion = 4): TargetSpec[] {
  return args.map((a) => parseTarget(a, version));
}

/** The targets of one read of a file: `specs[i]` is on line `lines[i]` (1-based). */
export interface TargetBatch {
  specs: TargetSpec[];
  lines: number[];
}

/**
 * The lines of a file (`-`: the given stdin), a read at a time (lines.ts: no promise per line).
 * Reads of 16 KiB: what is alive at once stays small, so V8's young generation need not grow.
 */
function fileLines(file: string, stdin: NodeJS.ReadableStream): AsyncGenerator<string[]> {
  const input = file === '-' ? stdin : createReadStream(file, { encoding: 'utf8', highWaterMark: 1 << 14 });
  return lineBatches(input as AsyncIterable<string | Buffer>);
}

/**
 * The specs of a file, a read at a time, with their line numbers; TargetListError at the first
 * bad line (the lines before it in the same read still come first).
 */
export async function* readTargetBatches(file: string, stdin: NodeJS.ReadableStream = process.stdin, version: IpVersion = 4): AsyncGenerator<TargetBatch> {
  let line = 0;
  try {
    for await (const texts of fileLines(file, stdin)) {
      const batch: TargetBatch = { specs: [], lines: [] };
      let bad: unknown = null;
      for (const text of texts) {
        line++;
        let spec: TargetSpec | null;
        try {
          spec = targetOnLine(text, file, line, version);
        } catch (e) {
          bad = e; // the lines before it are still targets (stdin is swept as it is read)
          break;
        }
        if (spec === null) continue;
        batch.specs.push(spec);
        batch.lines.push(line);
      }
      if (batch.specs.length > 0) yield batch;
      if (bad !== null) throw bad;
    }
  } catch (e) {
    throw fileError(file, e);
  }
}

/** The specs of a file, lazily, with their origins; TargetListError at the first bad line. */
export async function* readTargetFile(
  file: string,
  stdin: NodeJS.ReadableStream = process.stdin,
  version: IpVersion = 4,
): AsyncGenerator<{ spec: TargetSpec; origin: TargetOrigin }> {
  for await (const { specs, lines } of readTargetBatches(file, stdin, version)) {
    for (let i = 0; i < specs.length; i++) yield { spec: specs[i]!, origin: { file, line: lines[i]! } };
  }
}

/**
 * Reads a whole file once to find its first bad line: a sweep checks a regular file this way
 * before sending anything (stdin cannot be read twice, so it is checked as it is read). Returns
 * the number of targets (names counting 1). With `keep`, the targets go into it too (checked.ts:
 * the sweep then probes them without reading the file again, when the list was small and plain).
 * The reads are synchronous: nothing else runs before the check is done, and a trip through the
 * event loop per read only made it slower.
 */
export async function checkTargetFile(
  file: string,
  version: IpVersion = 4,
  keep: CheckedList | null = null,
  lane: AddressLane | null = AddressLane.open(),
): Promise<number> {
  // Each spec counted, kept in `keep`'s arrays or dropped at once: no spec object outlives its
  // line. Runs of plain addresses are read by the addon's lane (address-lane.ts), or without it
  // where they lie in the read's one string; either way with no string or spec of their own. Any
  // other line (a name, a block, a comment, spaces, an error) becomes its own text and goes the
  // way of every target.
  let count = 0;
  let line = 0;
  try {
    for (const chunk of fileLineChunksSync(file)) {
      const { bytes, starts, ends } = chunk;
      for (let k = 0; k < chunk.count; k++) {
        const run = lane === null ? 0 : lane.take(chunk, k, version);
        if (run > 0) {
          keep?.addPlain(lane!.low, version === 6 ? lane!.high : null, run);
          count += run;
          line += run;
          k += run - 1;
          continue;
        }
        line++;
        const from = starts[k]!;
        const end = ends[k]!;
        if (plainAddressAt(chunk.text, from, end, version)) {
          count++;
          keep?.addRange(PLAIN.address, PLAIN.address, PLAIN.high);
          continue;
        }
        const spec = targetOnLine(bytes.toString('utf8', from, end), file, line, version);
        if (spec === null) continue;
        count += targetCount(spec);
        keep?.add(spec);
      }
    }
  } catch (e) {
    throw fileError(file, e);
  }
  return count;
}

/** What plainAddressAt read: the address (IPv6: its low 32 bits) and IPv6's upper bits (shared, sharedHigh), null for IPv4. */
const PLAIN: { address: number; high: Uint8Array | null } = { address: 0, high: null };

/**
 * True when text[from..end) is one address of `version` written plainly (IPv4: four decimal
 * bytes without leading zeros; IPv6: nothing but the address), read into PLAIN; false for
 * anything else, which parseTarget then reads (and judges) as it reads every target.
 */
function plainAddressAt(text: string, from: number, end: number, version: IpVersion): boolean {
  if (end - from < 2 || end - from > 45) return false;
  if (version === 6) {
    // Anything but an address stops the parse at its first odd character (a space, "#", "/",
    // "-", a zone's "%"); an address with a dotted quad at its end is read as parseTarget reads it.
    if (!parseIpv6At(text, from, end, LINE)) return false;
    PLAIN.address = u32(LINE, 12);
    PLAIN.high = sharedHigh(LINE);
    return true;
  }
  // Strict dotted quads only (no leading zeros): anything else parseTarget reads and judges.
  const value = ipv4At(text, from, end);
  if (value < 0) return false;
  PLAIN.address = value;
  PLAIN.high = null;
  return true;
}

/** A file that cannot be read, as one TargetListError. */
export function fileError(file: string, e: unknown): Error {
  if (e instanceof TargetListError) return e;
  const code = (e as NodeJS.ErrnoException).code;
  const reason =
    code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : code === 'EISDIR' ? 'is a directory' : String((e as Error).message);
  return new TargetListError(file, `${file === '-' ? 'stdin' : file}: ${reason}`);
}
