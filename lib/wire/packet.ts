// A whole IPv4 packet: the IP header, at most one transport header (ICMP, UDP or TCP) and the
// bytes after it.
//
// decodePacket reads layer by layer and stops where the bytes stop: a cut payload is flagged
// (`truncated`), a cut header is a DecodeError whose `partial` holds the layers read so far.
// encodePacket writes innermost first (payload, then transport, then IP) so the outer lengths
// and checksums are computed over the finished bytes, gopacket-style: fixLengths and
// computeChecksums fill what the caller left out, and never touch what the caller gave.

import { addressValue, decodeSpan, encodeTarget, u32, view } from './bytes.js';
import { checkBytes, DecodeError, EncodeError, showValue } from './errors.js';
import * as icmpv4 from './icmpv4.js';
import * as ipv4 from './ipv4.js';
import * as tcp from './tcp.js';
import * as udp from './udp.js';

export interface Packet {
  ip: ipv4.Ipv4Header;
  icmp: icmpv4.IcmpMessage | null;
  udp: udp.UdpHeader | null;
  tcp: tcp.TcpHeader | null;
  /**
   * Bytes after the transport header (for ICMP: after its 8-byte header, i.e. the echo data or
   * the quoted datagram); the IP payload when there is no transport header (unknown protocol,
   * non-first fragment). A view of the input, not a copy.
   */
  payload: Buffer;
  /** Fewer bytes present than the IPv4 total length says (e.g. cut by a capture snaplen). */
  truncated: boolean;
  /** Bytes of the input this packet spans: min(totalLength, bytes present). */
  bytes: number;
}

/** A packet to build. ip.protocol may be left out when a transport is given. */
export interface PacketInit {
  /** protocol, when given, is written as given even if it names another transport. */
  ip: Omit<ipv4.Ipv4HeaderInit, 'protocol'> & { protocol?: number };
  icmp?: icmpv4.IcmpMessageInit | null;
  udp?: udp.UdpHeaderInit | null;
  tcp?: tcp.TcpHeaderInit | null;
  /**
   * Bytes after the transport header. With ICMP these are the message body; if the ICMP fields
   * also describe a body (echo data, quoted datagram), both must agree.
   */
  payload?: Uint8Array;
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
   * the link header): what a total length of 0 stands for (lengthFromCapture). Default: the
   * bytes present.
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
  const partial = { ip: null as unknown, icmp: null as unknown, udp: null as unknown, tcp: null as unknown };
  let ip: ipv4.Ipv4Header;
  try {
    ip = ipv4.decode(buf, offset, end - offset);
  } catch (e) {
    if (e instanceof DecodeError) {
      partial.ip = e.partial;
      e.partial = partial;
    }
    throw e;
  }
  partial.ip = ip;
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
  const incomplete = truncated || ip.flags.mf;
  let payloadStart = start;
  try {
    switch (transport) {
      case 1:
        packet.icmp = icmpv4.decode(buf, start, ipEnd - start, { truncated: incomplete });
        payloadStart = start + icmpv4.HEADER_LENGTH;
        break;
      case 17:
        packet.udp = udp.decode(buf, start, ipEnd - start, {
          src: u32(buf, offset + ipv4.FIELD.SRC),
          dst: u32(buf, offset + ipv4.FIELD.DST),
          truncated: incomplete,
        });
        payloadStart = start + udp.HEADER_LENGTH;
        break;
      case 6: {
        const h = tcp.decode(buf, start, ipEnd - start, {
          src: u32(buf, offset + ipv4.FIELD.SRC),
          dst: u32(buf, offset + ipv4.FIELD.DST),
          truncated: incomplete,
        });
        packet.tcp = h;
        payloadStart = start + h.headerLength;
        break;
      }
      default:
        break;
    }
  } catch (e) {
    if (e instanceof DecodeError) {
      const layer = ip.protocol === 1 ? 'icmp' : ip.protocol === 17 ? 'udp' : 'tcp';
      partial[layer] = e.partial;
      e.partial = partial;
    }
    throw e;
  }
  packet.payload = view(buf, payloadStart, ipEnd - payloadStart);
  return packet;
}

const EMPTY = Buffer.alloc(0);

// ---- encode -------------------------------------------------------------------------------------

function under<T>(prefix: string, fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    if (e instanceof EncodeError && e.field !== 'payload' && e.field !== 'buffer') throw e.under(prefix);
    throw e;
  }
}

type Transport = 'icmp' | 'udp' | 'tcp' | null;

function transportOf(init: PacketInit): Transport {
  if (init === null || typeof init !== 'object') {
    throw new EncodeError('packet', init, `${showValue(init)} is not a packet object {ip, icmp|udp|tcp, payload}`, 'an object');
  }
  if (init.ip === null || typeof init.ip !== 'object') {
    throw new EncodeError('ip', init.ip, `${init.ip === undefined ? 'missing' : showValue(init.ip)}: an IPv4 header object {src, dst, ...} is required`, 'an object');
  }
  const given: Transport[] = [];
  if (init.icmp !== undefined && init.icmp !== null) given.push('icmp');
  if (init.udp !== undefined && init.udp !== null) given.push('udp');
  if (init.tcp !== undefined && init.tcp !== null) given.push('tcp');
  if (given.length > 1) {
    throw new EncodeError(given[1]!, init[given[1]!], `give at most one transport header (got ${given.join(' and ')})`, 'one of icmp, udp, tcp');
  }
  if (init.payload !== undefined) checkBytes(init.payload, 'payload');
  return given[0] ?? null;
}

const TRANSPORT_PROTOCOL = { icmp: 1, udp: 17, tcp: 6 } as const;

function transportLength(init: PacketInit, t: Transport): number {
  const payload = init.payload?.length ?? 0;
  switch (t) {
    case 'icmp':
      return under('icmp', () => icmpv4.encodingLength(init.icmp!, init.payload));
    case 'udp':
      return udp.HEADER_LENGTH + payload;
    case 'tcp':
      return under('tcp', () => tcp.encodingLength(init.tcp!)) + payload;
    default:
      return payload;
  }
}

/** Bytes encodePacket will write. */
export function packetEncodingLength(init: PacketInit): number {
  const t = transportOf(init);
  return under('ip', () => ipv4.encodingLength(init.ip as ipv4.Ipv4HeaderInit)) + transportLength(init, t);
}

/** Encodes into a new Buffer of exactly the packet's length. */
export function encodePacket(init: PacketInit, options: PacketEncodeOptions = {}): Buffer {
  const t = transportOf(init);
  const ipLength = under('ip', () => ipv4.encodingLength(init.ip as ipv4.Ipv4HeaderInit));
  const inner = transportLength(init, t);
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
  const t = transportOf(init);
  const ipLength = under('ip', () => ipv4.encodingLength(init.ip as ipv4.Ipv4HeaderInit));
  const inner = transportLength(init, t);
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
  const total = ipLength + inner;
  if (ipInit.protocol === undefined && t === null) {
    throw new EncodeError('ip.protocol', undefined, 'missing: give ip.protocol when no icmp, udp or tcp header is given', '0-255');
  }
  const at = offset + ipLength;
  const payload = init.payload;
  // Parsed once here: the pseudo-header needs them, and a bad address is the IP header's fault.
  const src = addressValue(ipInit.src, 'ip.src');
  const dst = addressValue(ipInit.dst, 'ip.dst');
  switch (t) {
    case 'icmp':
      under('icmp', () => icmpv4.encode(init.icmp!, buf, at, { body: payload, fixLengths, computeChecksums }));
      break;
    case 'udp':
      if (payload) buf.set(payload, at + udp.HEADER_LENGTH);
      under('udp', () =>
        udp.encode(init.udp!, buf, at, { payloadLength: payload?.length ?? 0, src, dst, fixLengths, computeChecksums }),
      );
      break;
    case 'tcp': {
      const headerLength = inner - (payload?.length ?? 0);
      if (payload) buf.set(payload, at + headerLength);
      under('tcp', () =>
        tcp.encode(init.tcp!, buf, at, { payloadLength: payload?.length ?? 0, src, dst, fixLengths, computeChecksums }),
      );
      break;
    }
    default:
      if (payload) buf.set(payload, at);
  }
  under('ip', () =>
    ipv4.encode(ipInit, buf, offset, {
      payloadLength: inner,
      fixLengths,
      computeChecksums,
      protocol: t === null ? undefined : TRANSPORT_PROTOCOL[t],
    }),
  );
  return total;
}
