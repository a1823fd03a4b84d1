// The upper layer of a whole packet, for both IP versions: which header follows the IP header
// (after IPv6's extension headers), how many bytes it takes to encode, and decoding and encoding
// it over the pseudo-header's address sum: the IPv4 source and destination (RFC 768, RFC 793
// section 3.1), or the IPv6 source and final destination (RFC 8200 section 8.1). packet.ts and
// packet6.ts differ only in the IP header around it and in which ICMP they carry.
//
// The decode side runs for every packet of a capture: it writes into the packet object it is
// given and returns a number, so nothing is allocated for it.

import { checkInitObject, checkBytes, DecodeError, EncodeError, showValue } from './errors.js';
import * as icmpv4 from './icmpv4.js';
import * as icmpv6 from './icmpv6.js';
import * as tcp from './tcp.js';
import * as udp from './udp.js';

/** The upper layers a packet may carry, by their key in a packet object. */
export type UpperName = 'icmp' | 'icmpv6' | 'udp' | 'tcp';

/** Protocol (IPv4) / Next Header (IPv6) number of each. */
export const UPPER_PROTOCOL = { icmp: 1, icmpv6: 58, udp: 17, tcp: 6 } as const;

/** What a whole packet of either version holds after its IP layers (Packet, Packet6). */
export interface PacketTail {
  udp: udp.UdpHeader | null;
  tcp: tcp.TcpHeader | null;
  /**
   * Bytes after the upper-layer header (for ICMP and ICMPv6: after its fixed part, i.e. the echo
   * data, the quoted datagram, an ND message's target and options); everything after the IP
   * header (and extension headers) when there is no upper layer we decode (unknown protocol, No
   * Next Header, ESP's encrypted rest, a fragment that is not the first). A view of the input,
   * not a copy.
   */
  payload: Buffer;
  /** Fewer bytes present than the IP header says (IPv4 total length, IPv6 payload length): a snaplen cut. */
  truncated: boolean;
  /** Bytes of the input this packet spans: min(the IP header's length, bytes present). */
  bytes: number;
}

/** What a packet to build of either version may give after its IP layers (PacketInit, Packet6Init). */
export interface PacketTailInit {
  udp?: udp.UdpHeaderInit | null;
  tcp?: tcp.TcpHeaderInit | null;
  /** Bytes after the upper-layer header; with ICMP(v6) its body, which must agree with the fields when both describe it. */
  payload?: Uint8Array;
}

/** The decoded layers, keyed as in Packet and Packet6. */
export interface UpperLayers {
  icmp?: icmpv4.IcmpMessage | null;
  icmpv6?: icmpv6.Icmpv6Message | null;
  udp: udp.UdpHeader | null;
  tcp: tcp.TcpHeader | null;
}

/** What encode takes, keyed likewise. */
export interface UpperInits {
  icmp?: icmpv4.IcmpMessageInit | null;
  icmpv6?: icmpv6.Icmpv6MessageInit | null;
  udp?: udp.UdpHeaderInit | null;
  tcp?: tcp.TcpHeaderInit | null;
  payload?: Uint8Array;
}

/**
 * Runs fn; an EncodeError about one of the layer's own fields gets `prefix.` before its field
 * name ("ttl" -> "ip.ttl"). Errors about the payload, the buffer or the extension headers already
 * name their place.
 */
export function under<T>(prefix: string, fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    if (e instanceof EncodeError && e.field !== 'payload' && e.field !== 'buffer' && !e.field.startsWith('extensions')) throw e.under(prefix);
    throw e;
  }
}

/** How packet.ts and packet6.ts name things in their errors, and the most payload bytes they take. */
export interface PacketWords {
  /** The packet object's keys, e.g. "ip, icmp|udp|tcp, payload". */
  shape: string;
  /** "an IPv4 header". */
  header: string;
  /** "transport header". */
  upper: string;
  maxPayload: number;
}

/**
 * Checks that `init` is a packet object with an ip object, and returns the one upper layer it
 * gives among `names` (null for none).
 */
export function upperOf<N extends UpperName>(init: UpperInits & { ip?: unknown }, names: readonly N[], words: PacketWords): N | null {
  checkInitObject(init, 'packet', `a packet object {${words.shape}}`);
  if (init.ip === null || typeof init.ip !== 'object') {
    throw new EncodeError('ip', init.ip, `${init.ip === undefined ? 'missing' : showValue(init.ip)}: ${words.header} object {src, dst, ...} is required`, 'an object');
  }
  const given = names.filter((k) => init[k] !== undefined && init[k] !== null);
  if (given.length > 1) {
    throw new EncodeError(given[1]!, init[given[1]!], `give at most one ${words.upper} (got ${given.join(' and ')})`, `one of ${names.join(', ')}`);
  }
  if (init.payload !== undefined) checkBytes(init.payload, 'payload', words.maxPayload);
  return given[0] ?? null;
}

/** Bytes the upper layer takes: its header (and ICMP body) and the payload after it. */
export function upperEncodingLength(init: UpperInits, t: UpperName | null, fixLengths: boolean): number {
  const payload = init.payload?.length ?? 0;
  switch (t) {
    case 'icmp':
      return under('icmp', () => icmpv4.encodingLength(init.icmp!, init.payload));
    case 'icmpv6':
      return under('icmpv6', () => icmpv6.encodingLength(init.icmpv6!, init.payload, { fixLengths }));
    case 'udp':
      return udp.HEADER_LENGTH + payload;
    case 'tcp':
      return under('tcp', () => tcp.encodingLength(init.tcp!)) + payload;
    default:
      return payload;
  }
}

export interface UpperEncodeOptions {
  /** The pseudo-header's address sum (ICMPv4 has none; the others need it to compute a checksum). */
  addressSum: number;
  fixLengths: boolean;
  computeChecksums: boolean;
}

/**
 * Writes the payload, then the upper-layer header over it, at buf[at...], `length` bytes in all
 * (upperEncodingLength, room already checked), so a computed length or checksum covers the
 * finished bytes.
 */
export function writeUpper(init: UpperInits, t: UpperName | null, buf: Uint8Array, at: number, length: number, opts: UpperEncodeOptions): void {
  const { addressSum, fixLengths, computeChecksums } = opts;
  const payload = init.payload;
  const payloadLength = payload?.length ?? 0;
  switch (t) {
    case 'icmp':
      under('icmp', () => icmpv4.encode(init.icmp!, buf, at, { body: payload, fixLengths, computeChecksums }));
      return;
    case 'icmpv6':
      under('icmpv6', () => icmpv6.encode(init.icmpv6!, buf, at, { body: payload, fixLengths, computeChecksums, addressSum }));
      return;
    case 'udp':
      if (payload) buf.set(payload, at + udp.HEADER_LENGTH);
      under('udp', () => udp.encode(init.udp!, buf, at, { payloadLength, addressSum, fixLengths, computeChecksums }));
      return;
    case 'tcp':
      if (payload) buf.set(payload, at + length - payloadLength);
      under('tcp', () => tcp.encode(init.tcp!, buf, at, { payloadLength, addressSum, fixLengths, computeChecksums }));
      return;
    default:
      if (payload) buf.set(payload, at);
  }
}

/**
 * Decodes the upper layer numbered `protocol` at buf[at, end) into `packet` (its icmp, icmpv6,
 * udp or tcp key) and returns where the payload after its header starts; `at` itself for a
 * protocol the packet has no key for. `addressSum` is the pseudo-header's address sum;
 * `incomplete` says not all of the layer is here (a snaplen cut, a first fragment: checksums
 * are null); `udpZeroInvalid` that a UDP checksum of 0 is wrong rather than "none sent" (over
 * IPv6, RFC 8200 section 8.1). A DecodeError gets the layer as far as it was read in `partial`
 * (under the layer's key), and `partial` as its own partial. Positional arguments: this runs
 * for every packet of a capture, and an options object would be one allocation each.
 */
export function decodeUpper(
  packet: UpperLayers,
  protocol: number,
  buf: Uint8Array,
  at: number,
  end: number,
  addressSum: number,
  incomplete: boolean,
  udpZeroInvalid: boolean,
  partial: Record<string, unknown>,
): number {
  const layer = protocol === 1 ? 'icmp' : protocol === 58 ? 'icmpv6' : protocol === 17 ? 'udp' : protocol === 6 ? 'tcp' : null;
  if (layer === null || !(layer in packet)) return at;
  try {
    switch (layer) {
      case 'icmp': {
        const m = icmpv4.decode(buf, at, end - at, { truncated: incomplete });
        packet.icmp = m;
        return at + m.headerLength;
      }
      case 'icmpv6': {
        const m = icmpv6.decode(buf, at, end - at, { addressSum: addressSum, truncated: incomplete });
        packet.icmpv6 = m;
        return at + m.headerLength;
      }
      case 'udp': {
        const h = udp.decode(buf, at, end - at, { addressSum: addressSum, truncated: incomplete });
        if (udpZeroInvalid && !h.checksumPresent) h.checksumValid = false;
        packet.udp = h;
        return at + udp.HEADER_LENGTH;
      }
      default: {
        const h = tcp.decode(buf, at, end - at, { addressSum: addressSum, truncated: incomplete });
        packet.tcp = h;
        return at + h.headerLength;
      }
    }
  } catch (e) {
    if (e instanceof DecodeError) {
      partial[layer] = e.partial;
      e.partial = partial;
    }
    throw e;
  }
}
