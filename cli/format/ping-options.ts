// What `rawprobe ping -R` and `-T` print after a reply line: the options of the reply's own IPv4
// header, in the words and layout of iputils' pr_options() (ping.c, iputils 20221126), byte for
// byte, quirks included, because people compare the two:
//
//   64 bytes from 203.0.113.6: icmp_seq=1 ttl=61 time=0.094 ms
//   RR: 	203.0.113.1
//   	198.51.100.1
//   	...
//   (a blank line)
//   64 bytes from 203.0.113.6: icmp_seq=2 ttl=61 time=0.081 ms	(same route)
//
//   TS: 	14989326 absolute        the first time in ms since midnight UT, then differences
//   	1
//
// Each line starts with a tab; an address is "name (address)" when names are shown. A route
// equal to the last one printed is "\t(same route)" on the reply line (not in a flood).
import { formatIpv4, u32 } from '../../lib/wire/bytes.js';
import { decodeOptions, eachOption, IPV4_OPTION, TIMESTAMP_FLAG, type Ipv4Option } from '../../lib/wire/ipv4-options.js';
import { DecodeError } from '../../lib/wire/errors.js';
import { jsonify } from '../../lib/wire/json.js';

/** iputils' IPOPT_MINOFF: the pointer of an empty route option. */
const MIN_OFFSET = 4;
/** The pointer of an empty timestamp option. */
const TS_MIN_OFFSET = 5;

/** What -R remembers between replies: the last route printed (iputils' static old_rr). */
export interface RouteMemory {
  last: string | null;
}

/** How an address is shown: "name (address)" or the address. */
type Who = (address: string) => string;

/** The addresses in the options' route and timestamp slots (what a line looks up names for). */
export function optionAddresses(options: Uint8Array): string[] {
  const out: string[] = [];
  eachOption(options, 0, options.length, (type, p, length) => {
    if (type === IPV4_OPTION.RECORD_ROUTE || type === IPV4_OPTION.LOOSE_SOURCE_ROUTE || type === IPV4_OPTION.STRICT_SOURCE_ROUTE) {
      for (let a = p + 3; a + 4 <= p + length; a += 4) out.push(formatIpv4(u32(options, a)));
    } else if (type === IPV4_OPTION.TIMESTAMP && (options[p + 3]! & 0x0f) !== TIMESTAMP_FLAG.TIMESTAMPS_ONLY) {
      for (let a = p + 4; a + 4 <= p + length; a += 8) out.push(formatIpv4(u32(options, a)));
    }
  });
  return out.filter((a) => a !== '0.0.0.0');
}

/** "\t0.0.0.0" for an empty slot, else "\t" and the address as shown. */
function slot(options: Uint8Array, at: number, who: Who): string {
  const value = at + 4 <= options.length ? u32(options, at) : 0;
  return value === 0 ? '\t0.0.0.0' : `\t${who(formatIpv4(value))}`;
}

/**
 * The text pr_options() prints for `options` (the bytes after the fixed IPv4 header), to put
 * right after the reply line; the caller ends it with a newline. "" without options.
 */
export function ipOptionsText(options: Uint8Array, who: Who, memory: RouteMemory, flood: boolean): string {
  let out = '';
  let p = 0;
  let left = options.length;
  while (left > 0) {
    const type = options[p]!;
    if (type === IPV4_OPTION.END) break;
    if (type === IPV4_OPTION.NOP) {
      left--;
      p++;
      out += '\nNOP';
      continue;
    }
    const length = options[p + 1] ?? 0;
    if (length < 2 || length > left) break;
    if (type === IPV4_OPTION.LOOSE_SOURCE_ROUTE || type === IPV4_OPTION.STRICT_SOURCE_ROUTE) out += sourceRoute(options, p, who);
    else if (type === IPV4_OPTION.RECORD_ROUTE) out += recordRoute(options, p, who, memory, flood);
    else if (type === IPV4_OPTION.TIMESTAMP) out += timestamps(options, p, who);
    else out += `\nunknown option ${type.toString(16)}`;
    left -= length;
    p += length;
  }
  return out;
}

/** LSRR and SSRR, as iputils prints them (its addresses start one byte early, at the pointer). */
function sourceRoute(options: Uint8Array, p: number, who: Who): string {
  let out = `\n${options[p] === IPV4_OPTION.STRICT_SOURCE_ROUTE ? 'S' : 'L'}SRR: `;
  let j = options[p + 1]!;
  let at = p + 2;
  if (j <= MIN_OFFSET) return out;
  for (;;) {
    out += `${slot(options, at, who)}\n`;
    at += 4;
    j -= 4;
    if (j <= MIN_OFFSET) return out;
  }
}

function recordRoute(options: Uint8Array, p: number, who: Who, memory: RouteMemory, flood: boolean): string {
  const length = options[p + 1]!;
  let left = Math.min(options[p + 2]!, length) - MIN_OFFSET;
  if (left <= 0) return '';
  // iputils compares the bytes from the pointer on: the same pointer and the same addresses.
  const key = Buffer.from(options.subarray(p + 2, p + 2 + left)).toString('hex');
  if (key === memory.last && !flood) return '\t(same route)';
  memory.last = key;
  let out = '\nRR: ';
  for (let at = p + 3; ; at += 4) {
    out += `${slot(options, at, who)}\n`;
    left -= 4;
    if (left <= 0) return out;
  }
}

function timestamps(options: Uint8Array, p: number, who: Who): string {
  const length = options[p + 1]!;
  let left = Math.min(options[p + 2]!, length) - TS_MIN_OFFSET;
  if (left <= 0) return '';
  const flags = options[p + 3]!;
  let out = '\nTS: ';
  let at = p + 4;
  let standard = 0;
  let nonStandard = 0;
  for (;;) {
    if ((flags & 0x0f) !== TIMESTAMP_FLAG.TIMESTAMPS_ONLY) {
      out += slot(options, at, who);
      at += 4;
      left -= 4;
      if (left <= 0) break;
    }
    const time = at + 4 <= options.length ? u32(options, at) : 0;
    at += 4;
    // RFC 791: the high bit marks a time that is not milliseconds since midnight UT.
    if (time >= 0x80000000) {
      const value = time - 0x80000000;
      out += nonStandard === 0 ? `\t${value} absolute not-standard` : `\t${value - nonStandard} not-standard`;
      nonStandard = value;
    } else {
      out += standard === 0 ? `\t${time} absolute` : `\t${time - standard}`;
      standard = time;
    }
    left -= 4;
    out += '\n';
    if (left <= 0) break;
  }
  if (flags >> 4 !== 0) out += `Unrecorded hops: ${flags >> 4}\n`;
  return out;
}

/** The options as JSON (lib/wire's decoded shapes; Buffers as hex), as far as they decode. */
export function ipOptionsJson(options: Uint8Array | null): unknown[] | null {
  if (options === null) return null;
  let decoded: Ipv4Option[];
  try {
    decoded = decodeOptions(options, 0, options.length);
  } catch (e) {
    if (!(e instanceof DecodeError)) throw e;
    decoded = (e.partial as Ipv4Option[] | undefined) ?? [];
  }
  return jsonify(decoded) as unknown[];
}
