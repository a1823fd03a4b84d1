// IPv6 extension headers from short text, for `send -6` (RFC 8200 section 4): the options of a
// Hop-by-Hop or Destination Options header (--hbh-option, --dst-option, repeatable), a Routing
// header (--routing) and a Fragment header or the fragmenting of the whole packet (--frag). Each
// becomes the Ipv6OptionInit / Ipv6ExtensionInit lib/wire encodes (lengths and padding to 8
// bytes computed there).
//
//   option        pad1 | padn[:N] (N zero bytes) | ra[:V] (router alert, RFC 2711: 0 = MLD) |
//                 jumbo[:N] (RFC 2675) | raw:HEX (type, length, data, as given)
//   --routing     TYPE/ADDRESS,ADDRESS...[/SEGMENTS_LEFT]: type 0 (RFC 2460, deprecated by
//                 RFC 5095), 2 (RFC 6275: one address) or 4 (segment routing, RFC 8754: the
//                 list as on the wire, the last segment first); segments left defaults to the
//                 number of addresses (type 4: their number less one, Segments Left indexing
//                 the list)
//   --frag        auto (cut the packet to the route's MTU when larger), mtu=N (cut it to N),
//                 or one Fragment header written as given: [offset=N][,m][,id=N] (offset in
//                 8-byte units, as on the wire; m sets More Fragments)

import { ParseError } from '../wire/errors.js';
import { parseHex } from '../wire/bytes.js';
import { parseIpv6 } from '../wire/ipv6-address.js';
import type { Ipv6ExtensionInit } from '../wire/ipv6-ext.js';
import type { Ipv6OptionInit } from '../wire/ipv6-options.js';
import { splitOption } from './ip-option.js';

const OPTION_HELP = 'pad1, padn[:N], ra[:V], jumbo[:N] or raw:HEX';

function numberArg(text: string, option: string, arg: string | undefined, fallback: number, max: number): number {
  if (arg === undefined || arg === '') return fallback;
  const n = /^0x[0-9a-f]+$/i.test(arg) ? parseInt(arg, 16) : /^\d+$/.test(arg) ? Number(arg) : NaN;
  if (!(n >= 0 && n <= max)) throw new ParseError(`--${option} ${text}: "${arg}" is not a number 0-${max}`, text, null);
  return n;
}

/** One Hop-by-Hop or Destination Options option from its text; `option` names the flag for errors. */
export function parseIpv6Option(text: string, option = 'hbh-option'): Ipv6OptionInit {
  const { name, arg } = splitOption(text);
  switch (name) {
    case 'pad1':
      return { kind: 'pad1' };
    case 'padn':
      return { kind: 'padn', data: Buffer.alloc(numberArg(text, option, arg, 0, 255)) };
    case 'ra':
      return { kind: 'router-alert', value: numberArg(text, option, arg, 0, 0xffff) };
    case 'jumbo':
      return { kind: 'jumbo-payload', jumboLength: numberArg(text, option, arg, 65536, 0xffffffff) };
    case 'raw': {
      let bytes: Buffer;
      try {
        bytes = parseHex(arg ?? '');
      } catch (e) {
        throw new ParseError(`--${option} ${text}: ${(e as Error).message}`, text, null);
      }
      if (bytes.length < 2) throw new ParseError(`--${option} ${text}: give the option's type, length and data in hex (at least 2 bytes)`, text, null);
      // Written as given, length byte included: a wrong length is a way to test a receiver.
      return { kind: 'unknown', type: bytes[0]!, length: bytes[1]!, data: bytes.subarray(2) };
    }
    default:
      throw new ParseError(`--${option} "${text}": unknown option (allowed ${OPTION_HELP})`, text, 0);
  }
}

/** --routing TYPE/ADDRESSES[/SEGMENTS_LEFT]. */
export function parseRouting(text: string): Ipv6ExtensionInit {
  const parts = text.split('/');
  if (parts.length < 2 || parts.length > 3 || parts[1] === '') {
    throw new ParseError(`--routing ${text}: give TYPE/ADDRESS,ADDRESS...[/SEGMENTS_LEFT], e.g. 0/2001:db8::1,2001:db8::2`, text, null);
  }
  const routingType = numberArg(text, 'routing', parts[0], -1, 255);
  const addresses = parts[1]!.split(',').map((a) => {
    parseIpv6(a.trim()); // throws a ParseError naming the bad address
    return a.trim();
  });
  if (routingType === 2 && addresses.length !== 1) throw new ParseError(`--routing ${text}: type 2 carries exactly one address (RFC 6275)`, text, null);
  if (addresses.length > 127) throw new ParseError(`--routing ${text}: ${addresses.length} addresses do not fit a Routing header (at most 127)`, text, null);
  // Left out, lib/wire's default: every address still to visit (type 4: the index of the last).
  const segmentsLeft = parts[2] === undefined ? {} : { segmentsLeft: numberArg(text, 'routing', parts[2], 0, 255) };
  if (routingType === 0 || routingType === 2 || routingType === 4) return { kind: 'routing', routingType, ...segmentsLeft, addresses };
  throw new ParseError(`--routing ${text}: type ${routingType}: give 0, 2 or 4 (send another type from JSON)`, text, 0);
}

/** What --frag asks for: cut to the route's MTU, cut to a given MTU, or one Fragment header as given. */
export type FragRequest = { kind: 'auto' } | { kind: 'mtu'; mtu: number } | { kind: 'header'; header: Ipv6ExtensionInit };

export function parseFrag(text: string): FragRequest {
  const t = text.trim().toLowerCase();
  if (t === 'auto') return { kind: 'auto' };
  if (t.startsWith('mtu=')) return { kind: 'mtu', mtu: numberArg(text, 'frag', t.slice(4), -1, 65535) };
  const header: { kind: 'fragment'; fragmentOffset?: number; mf?: boolean; identification?: number } = { kind: 'fragment', mf: false };
  for (const item of t.split(',').map((s) => s.trim()).filter((s) => s !== '')) {
    const [key, value] = item.split('=');
    if (key === 'm' && value === undefined) header.mf = true;
    else if (key === 'offset') header.fragmentOffset = numberArg(text, 'frag', value, -1, 0x1fff);
    else if (key === 'id') header.identification = numberArg(text, 'frag', value, -1, 0xffffffff);
    else throw new ParseError(`--frag ${text}: "${item}" is not auto, mtu=N, offset=N, m or id=N`, text, null);
  }
  return { kind: 'header', header };
}
