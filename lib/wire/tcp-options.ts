// TCP options (RFC 9293 section 3.2; window scale and timestamps RFC 7323, SACK RFC 2018), read
// as a list and written from a few names: what a SYN carries, and what a middlebox clamps
// (MSS), strips (SACK-permitted, window scale) or rewrites on the way.
//
//   kind  length  name        value
//   0     -       eol         end of the list (what follows is padding)
//   1     -       nop         padding between options
//   2     4       mss         the largest segment the sender takes (u16)
//   3     3       wscale      the window shift count (u8)
//   4     2       sackOK      selective acknowledgments permitted
//   5     var     sack        the blocks received (never on a SYN)
//   8     10      timestamps  TSval, TSecr (u32 each)
//   other var     kind N      the option's bytes, as hex
//
// decodeOptions never throws: an option whose length byte is bad or that runs past the bytes
// given ends the list, and `complete` says whether every byte was read (a short ICMP quote cuts
// the list anywhere).
import { formatHex, u16, u32 } from './bytes.js';
import { ParseError } from './errors.js';
import { OPTION_KIND } from './tcp.js';

export interface TcpOption {
  kind: number;
  /** The name of the table above ("kind 30" for one we have no name for). */
  name: string;
  /** The option's value as text: "1460", "7", "" (sackOK), "12345,0" (timestamps), hex for others. */
  value: string;
  /** Offset of the option's kind byte from the start of the option bytes. */
  at: number;
  /** Bytes it takes, kind and length included. */
  length: number;
}

export interface TcpOptionList {
  options: TcpOption[];
  /** false when the bytes end inside an option (a cut quote) or a length byte is bad. */
  complete: boolean;
}

const NAMES: Readonly<Record<number, string>> = {
  [OPTION_KIND.MSS]: 'mss',
  [OPTION_KIND.WINDOW_SCALE]: 'wscale',
  [OPTION_KIND.SACK_PERMITTED]: 'sackOK',
  [OPTION_KIND.SACK]: 'sack',
  [OPTION_KIND.TIMESTAMPS]: 'timestamps',
};

/** The name of option kind `kind`: "mss", "sackOK"... or "kind N". */
export function optionName(kind: number): string {
  return NAMES[kind] ?? `kind ${kind}`;
}

function valueOf(kind: number, b: Uint8Array, at: number, length: number): string {
  if (kind === OPTION_KIND.MSS && length === 4) return String(u16(b, at + 2));
  if (kind === OPTION_KIND.WINDOW_SCALE && length === 3) return String(b[at + 2]);
  if (kind === OPTION_KIND.SACK_PERMITTED && length === 2) return '';
  if (kind === OPTION_KIND.TIMESTAMPS && length === 10) return `${u32(b, at + 2)},${u32(b, at + 6)}`;
  return formatHex(b.subarray(at + 2, at + length));
}

/**
 * The options in b[start, end) (the bytes between the fixed header and the data offset, or as
 * many of them as a quote holds). NOPs and the end of the list are padding: not listed.
 */
export function decodeOptions(b: Uint8Array, start: number, end: number): TcpOptionList {
  const options: TcpOption[] = [];
  let i = start;
  while (i < end) {
    const kind = b[i]!;
    if (kind === OPTION_KIND.END) return { options, complete: true };
    if (kind === OPTION_KIND.NOP) {
      i++;
      continue;
    }
    if (i + 1 >= end) return { options, complete: false };
    const length = b[i + 1]!;
    if (length < 2 || i + length > end) return { options, complete: false };
    options.push({ kind, name: optionName(kind), value: valueOf(kind, b, i, length), at: i - start, length });
    i += length;
  }
  return { options, complete: true };
}

/** What a SYN may carry, by name: the options `parseSynOptions` reads and `encodeSynOptions` writes. */
export const SYN_OPTION_NAMES = ['mss', 'sack', 'ts', 'wscale'] as const;
export type SynOptionName = (typeof SYN_OPTION_NAMES)[number];

export interface SynOptions {
  /** MSS value (1460 when named without one), or null for none. */
  mss: number | null;
  sackOK: boolean;
  timestamps: boolean;
  /** Window shift (7 when named without one), or null for none. */
  wscale: number | null;
}

/** Linux's SYN on Ethernet: MSS 1460, SACK permitted, timestamps, window scale 7. */
export const DEFAULT_SYN_OPTIONS: Readonly<SynOptions> = { mss: 1460, sackOK: true, timestamps: true, wscale: 7 };

const SYN_HELP = 'give none, or a comma list of mss[=N], sack, ts, wscale[=N]';

/** "mss=1300,sack,ts,wscale=7", "mss", "none"; throws ParseError naming the bad part. */
export function parseSynOptions(text: string): SynOptions {
  const out: SynOptions = { mss: null, sackOK: false, timestamps: false, wscale: null };
  if (text.trim() === 'none') return out;
  for (const part of text.split(',')) {
    const [name, given, extra] = part.trim().split('=');
    const number = (max: number, fallback: number): number => {
      if (given === undefined) return fallback;
      if (!/^[0-9]+$/.test(given) || Number(given) > max) throw new ParseError(`TCP option ${name}=${given}: give a whole number from 0 to ${max}`, text, null);
      return Number(given);
    };
    if (extra !== undefined || (given !== undefined && name !== 'mss' && name !== 'wscale')) {
      throw new ParseError(`bad TCP option "${part}": only mss and wscale take a value (${SYN_HELP})`, text, null);
    }
    if (name === 'mss') out.mss = number(0xffff, DEFAULT_SYN_OPTIONS.mss!);
    else if (name === 'wscale') out.wscale = number(14, DEFAULT_SYN_OPTIONS.wscale!);
    else if (name === 'sack') out.sackOK = true;
    else if (name === 'ts') out.timestamps = true;
    else throw new ParseError(`unknown TCP option "${part}": ${SYN_HELP}`, text, null);
  }
  return out;
}

/**
 * The option bytes of a SYN, in Linux's order and padding: MSS, SACK-permitted, timestamps
 * (TSval `tsval`, TSecr 0), NOP, window scale; padded with NOPs to a multiple of 4.
 */
export function encodeSynOptions(o: SynOptions, tsval = 0): Buffer {
  const bytes: number[] = [];
  if (o.mss !== null) bytes.push(OPTION_KIND.MSS, 4, o.mss >>> 8, o.mss & 0xff);
  if (o.sackOK && o.timestamps) bytes.push(OPTION_KIND.SACK_PERMITTED, 2);
  else if (o.sackOK) bytes.push(OPTION_KIND.NOP, OPTION_KIND.NOP, OPTION_KIND.SACK_PERMITTED, 2);
  if (o.timestamps) {
    if (!o.sackOK) bytes.push(OPTION_KIND.NOP, OPTION_KIND.NOP);
    bytes.push(OPTION_KIND.TIMESTAMPS, 10, tsval >>> 24, (tsval >>> 16) & 0xff, (tsval >>> 8) & 0xff, tsval & 0xff, 0, 0, 0, 0);
  }
  if (o.wscale !== null) bytes.push(OPTION_KIND.NOP, OPTION_KIND.WINDOW_SCALE, 3, o.wscale);
  while (bytes.length % 4 !== 0) bytes.push(OPTION_KIND.NOP);
  return Buffer.from(bytes);
}
