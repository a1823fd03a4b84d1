// A whole IPv4 packet: the IP header, at most one transport header (ICMP, UDP or TCP) and the
// bytes after it.
//
// decodePacket reads layer by layer and stops where the bytes stop: a cut payload is flagged
// (`truncated`), a cut header is a DecodeError whose `partial` holds the layers read so far.
// encodePacket writes innermost first (payload, then transport, then IP) so the outer lengths
// and checksums are computed over the finished bytes, gopacket-style: fixLengths and
// computeChecksums fill what the caller left out, and never touch what the caller gave.

import { addressValue, decodeSpan, encodeTarget, view } from './bytes.js';
import { pseudoHeaderSum, sum16 } from './checksum.js';
import { DecodeError, decodePart, EncodeError } from './errors.js';
import type * as icmpv4 from './icmpv4.js';
import * as ipv4 from './ipv4.js';
import { decodeUpper, under, upperEncodingLength, upperOf, writeUpper, UPPER_PROTOCOL, type PacketTail, type PacketTailInit, type PacketWords } from './upper.js';

/** An IPv4 packet: its header, at most one transport (icmp, or udp / tcp and the rest: PacketTail). */
export interface Packet extends PacketTail {
  ip: ipv4.Ipv4Header;
  icmp: icmpv4.IcmpMessage | null;
}

/** A packet to build. ip.protocol may be left out when a transport is given. */
export interface PacketInit extends PacketTailInit {
  /** protocol, when given, is written as given even if it names another transport. */
  ip: Omit<ipv4.Ipv4HeaderInit, 'protocol'> & { protocol?: number };
  icmp?: icmpv4.IcmpMessageInit | null;
}

export interface PacketEncodeOptions {
  /** Compute absent lengths (IHL, total length, UDP length, TCP data offset...). Default true. */
  fixLengths?: boolean;
  /** Compute absent checksums (IPv4, ICMP, UDP, TCP). Default true. */
  computeChecksums?: boolean;
}

export interface PacketDecodeOptions {
  /**
   * The datagram's length on the wire, when a capture cut it (the record's original length less
   * the link header): what an IPv4 total length of 0 stands for (lengthFromCapture), and what an
   * IPv6 payload length may not run past (decodePacket6). Default: the bytes present.
   */
  originalLength?: number;
}

// ---- decode -------------------------------------------------------------------------------------

/**
 * A header whose total length is 0 on a packet that has bytes: TCP segmentation offload seen on
 * the sending host. The kernel hands the card one large segment and the card writes each piece's
 * length; Linux writes 0 when the length does not fit 16 bits (BIG TCP), other systems always.
 * Its length comes from the capture, as tshark takes it ("reported as 0, presumed to be because
 * of TCP segmentation offload").
 */
export function lengthFromCapture(ip: Pick<ipv4.Ipv4Header, 'totalLength'>): boolean {
  return ip.totalLength === 0;
}

/**
 * Decodes the IPv4 packet at buf[offset, offset + length). Bytes past the total length (link
 * padding) are ignored; `bytes` says how many were used. A total length of 0 is read as the
 * length of the capture (lengthFromCapture). Throws DecodeError on structural problems; its
 * `partial` is a Packet-shaped object with the layers decoded before the problem.
 */
export function decodePacket(buf: Uint8Array, offset = 0, length?: number, options: PacketDecodeOptions = {}): Packet {
  const end = decodeSpan(buf, offset, length);
  const partial: Record<string, unknown> = { ip: null, icmp: null, udp: null, tcp: null };
  const ip = decodePart(partial, 'ip', () => ipv4.decode(buf, offset, end - offset)) as ipv4.Ipv4Header;
  const present = end - offset;
  const totalLength = lengthFromCapture(ip) ? Math.max(present, options.originalLength ?? 0) : ip.totalLength;
  if (totalLength < ip.headerLength) {
    throw new DecodeError(
      `IPv4 total length ${ip.totalLength} is less than the header length ${ip.headerLength}`,
      offset + ipv4.FIELD.TOTAL_LENGTH,
      partial,
    );
  }
  const truncated = totalLength > present;
  const ipEnd = offset + (truncated ? present : totalLength);
  const start = offset + ip.headerLength;
  const packet: Packet = {
    ip,
    icmp: null,
    udp: null,
    tcp: null,
    payload: EMPTY,
    truncated,
    bytes: ipEnd - offset,
  };
  // A non-first fragment carries the middle of someone's payload: no transport header in it.
  const transport = ip.fragmentOffset === 0 ? ip.protocol : -1;
  const payloadStart = decodeUpper(
    packet,
    transport,
    buf,
    start,
    ipEnd,
    // Source and destination sit side by side in the header: one pass over its bytes 12-20.
    sum16(buf, offset + ipv4.FIELD.SRC, 8),
    truncated || ip.flags.mf,
    false,
    partial,
  );
  packet.payload = view(buf, payloadStart, ipEnd - payloadStart);
  return packet;
}

const EMPTY = Buffer.alloc(0);

// ---- encode -------------------------------------------------------------------------------------

type Transport = 'icmp' | 'udp' | 'tcp' | null;
const TRANSPORTS = ['icmp', 'udp', 'tcp'] as const;
const WORDS: PacketWords = { shape: 'ip, icmp|udp|tcp, payload', header: 'an IPv4 header', upper: 'transport header', maxPayload: 65535 };

function ipLengthOf(init: PacketInit): number {
  return under('ip', () => ipv4.encodingLength(init.ip as ipv4.Ipv4HeaderInit));
}

/** Bytes encodePacket will write. */
export function packetEncodingLength(init: PacketInit): number {
  const t = upperOf(init, TRANSPORTS, WORDS);
  return ipLengthOf(init) + upperEncodingLength(init, t, true);
}

/** Encodes into a new Buffer of exactly the packet's length. */
export function encodePacket(init: PacketInit, options: PacketEncodeOptions = {}): Buffer {
  const t = upperOf(init, TRANSPORTS, WORDS);
  const ipLength = ipLengthOf(init);
  const inner = upperEncodingLength(init, t, true);
  const buf = Buffer.alloc(ipLength + inner);
  writePacket(init, t, ipLength, inner, buf, 0, options);
  return buf;
}

/**
 * Encodes into `buf` at `offset` and returns the bytes written; for loops that reuse one buffer.
 * The input is never modified. Throws EncodeError (field path like "ip.ttl" or "udp.dstPort")
 * for a value that cannot be written, or on "buffer" when it is too small.
 */
export function encodePacketInto(init: PacketInit, buf: Uint8Array, offset = 0, options: PacketEncodeOptions = {}): number {
  const t = upperOf(init, TRANSPORTS, WORDS);
  const ipLength = ipLengthOf(init);
  const inner = upperEncodingLength(init, t, true);
  if (buf === undefined) throw new EncodeError('buffer', buf, 'missing: encodePacketInto needs a buffer (use encodePacket)', 'bytes');
  encodeTarget(buf, offset, ipLength + inner);
  return writePacket(init, t, ipLength, inner, buf, offset, options);
}

/** The packet, innermost layer first, into room already checked; lengths as measured by the caller. */
function writePacket(
  init: PacketInit,
  t: Transport,
  ipLength: number,
  inner: number,
  buf: Uint8Array,
  offset: number,
  options: PacketEncodeOptions,
): number {
  const fixLengths = options.fixLengths ?? true;
  const computeChecksums = options.computeChecksums ?? true;
  const ipInit = init.ip as ipv4.Ipv4HeaderInit;
  if (ipInit.protocol === undefined && t === null) {
    throw new EncodeError('ip.protocol', undefined, 'missing: give ip.protocol when no icmp, udp or tcp header is given', '0-255');
  }
  // Parsed once here: the pseudo-header needs them, and a bad address is the IP header's fault.
  const addressSum = pseudoAddressSum(ipInit.src, ipInit.dst);
  writeUpper(init, t, buf, offset + ipLength, inner, { addressSum, fixLengths, computeChecksums });
  under('ip', () =>
    ipv4.encode(ipInit, buf, offset, {
      payloadLength: inner,
      fixLengths,
      computeChecksums,
      protocol: t === null ? undefined : UPPER_PROTOCOL[t],
    }),
  );
  return ipLength + inner;
}

/** The IPv4 pseudo-header's address part: source and destination, summed. */
function pseudoAddressSum(src: unknown, dst: unknown): number {
  const s = addressValue(src, 'ip.src');
  const d = addressValue(dst, 'ip.dst');
  return pseudoHeaderSum(s, d, 0, 0);
}
