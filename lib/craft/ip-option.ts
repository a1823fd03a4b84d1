// IPv4 options from short text, for `send --ip-option` (repeatable). Each becomes an
// Ipv4OptionInit that lib/wire encodes (RFC 791 section 3.1; router alert RFC 2113):
//
//   nop                 no-operation (1 byte)
//   eol | end           end of option list
//   rr[:N]              record route with N empty slots (default 9, the most that fit)
//   ts[:N]              timestamp, timestamps only (flag 0), N slots (default 9)
//   tsaddr[:N]          timestamp with addresses (flag 1), N slots (default 4)
//   lsrr:A,B,...        loose source route through A, B...
//   ssrr:A,B,...        strict source route
//   ra[:V]              router alert, value V (default 0: "examine this packet")
//   raw:HEX             exactly these option bytes: type, length, data (e.g. raw:8204abcd)
//
// The header holds at most 40 bytes of options; lib/wire pads them to a multiple of 4.

import { ParseError } from '../wire/errors.js';
import { parseHex, parseIpv4 } from '../wire/bytes.js';
import { IPV4_OPTION, type Ipv4OptionInit } from '../wire/ipv4-options.js';

const HELP = 'nop, eol, rr[:N], ts[:N], tsaddr[:N], lsrr:A,B,..., ssrr:A,B,..., ra[:V] or raw:HEX';

function count(text: string, arg: string | undefined, fallback: number, max: number): number {
  if (arg === undefined || arg === '') return fallback;
  if (!/^\d+$/.test(arg) || Number(arg) > max) {
    throw new ParseError(`--ip-option ${text}: "${arg}" is not a slot count 0-${max}`, text, text.indexOf(':') + 1);
  }
  return Number(arg);
}

function addresses(text: string, arg: string | undefined): string[] {
  if (arg === undefined || arg === '') throw new ParseError(`--ip-option ${text}: give the route, e.g. ${text.split(':')[0]}:192.0.2.1,198.51.100.1`, text, null);
  const list = arg.split(',');
  for (const a of list) parseIpv4(a); // throws a ParseError naming the bad address
  if (list.length > 9) throw new ParseError(`--ip-option ${text}: ${list.length} addresses; at most 9 fit in 40 bytes`, text, null);
  return list;
}

/** An option's text split at its first colon: the name (lower case) and what follows ("rr:9" -> rr, 9). */
export function splitOption(text: string): { name: string; arg: string | undefined } {
  const colon = text.indexOf(':');
  return {
    name: (colon < 0 ? text : text.slice(0, colon)).trim().toLowerCase(),
    arg: colon < 0 ? undefined : text.slice(colon + 1).trim(),
  };
}

/** One option from its text form; throws ParseError saying what is allowed. */
export function parseIpOption(text: string): Ipv4OptionInit {
  const { name, arg } = splitOption(text);
  switch (name) {
    case 'nop':
      return { kind: 'nop' };
    case 'eol':
    case 'end':
      return { kind: 'end' };
    case 'rr':
      return { kind: 'record-route', addresses: new Array<string>(count(text, arg, 9, 9)).fill('0.0.0.0') };
    case 'ts':
      return { kind: 'timestamp', flag: 0, entries: new Array(count(text, arg, 9, 9)).fill(0).map(() => ({ timestamp: 0 })) };
    case 'tsaddr':
      return { kind: 'timestamp', flag: 1, entries: new Array(count(text, arg, 4, 4)).fill(0).map(() => ({ address: '0.0.0.0', timestamp: 0 })) };
    // A source route leaves with the pointer on its first address (RFC 791: pointer 4); the
    // encoder's default would point past addresses already filled in, as for a recorded route.
    case 'lsrr':
      return { kind: 'loose-source-route', pointer: 4, addresses: addresses(text, arg) };
    case 'ssrr':
      return { kind: 'strict-source-route', pointer: 4, addresses: addresses(text, arg) };
    case 'ra':
      return { kind: 'router-alert', value: count(text, arg, 0, 0xffff) };
    case 'raw': {
      let bytes: Buffer;
      try {
        bytes = parseHex(arg ?? '');
      } catch (e) {
        throw new ParseError(`--ip-option ${text}: ${(e as Error).message}`, text, null);
      }
      if (bytes.length === 0 || bytes.length > 40) {
        throw new ParseError(`--ip-option ${text}: give 1 to 40 option bytes in hex (type, length, data)`, text, null);
      }
      if (bytes.length === 1) return bytes[0] === IPV4_OPTION.END ? { kind: 'end' } : bytes[0] === IPV4_OPTION.NOP ? { kind: 'nop' } : { kind: 'unknown', type: bytes[0]!, data: Buffer.alloc(0) };
      // Written as given, length byte included: a wrong length is a way to test a receiver.
      return { kind: 'unknown', type: bytes[0]!, length: bytes[1]!, data: bytes.subarray(2) };
    }
    default:
      throw new ParseError(`--ip-option "${text}": unknown option (allowed ${HELP})`, text, 0);
  }
}
