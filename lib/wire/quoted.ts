// The datagram an ICMP error quotes (RFC 792: the original IPv4 header and at least the first 8
// bytes of its payload; RFC 1812 section 4.3.2.3 asks for as much as fits in 576 bytes, and
// Linux sends that). The quote is the router's copy of our datagram as it arrived there, so it
// is how a probe is recognised (its ports, echo identifier and sequence, destination) and how a
// rewritten header is seen (lib/probe/trace/changes.ts).
//
//   ICMP error:  | type code checksum | rest of header | IPv4 header (quoted) | 8+ bytes of its payload
//                  ^ icmp                               ^ icmp + 8             ^ quotedTransportAt()
//
// Two faces, as every header here has:
//   - allocation-free offsets for hot paths (an answer read in place): quotedHeaderAt and
//     quotedTransportAt, given where the ICMP header starts; peek.ts builds the whole-datagram
//     readers on them;
//   - the codec the error messages of icmpv4.ts use: decodeQuoted, and quotedLength /
//     writeQuoted for encoding, with the first 8 bytes read (or written) as the quoted protocol
//     says: UDP ports, TCP ports and sequence, ICMP type, code, identifier and sequence.
import { put16, put32, u16, u32, view } from './bytes.js';
import { checkBytes, checkUint, DecodeError, EncodeError, showValue } from './errors.js';
import { FIELD as ICMP_FIELD, HEADER_LENGTH as ICMP_HEADER_LENGTH } from './icmpv4-codes.js';
import * as ipv4 from './ipv4.js';
import { FIELD as TCP_FIELD, PROTOCOL_NUMBER as TCP } from './tcp.js';
import { FIELD as UDP_FIELD, PROTOCOL_NUMBER as UDP } from './udp.js';

/** Bytes of the quoted payload every router must send (RFC 792): enough for ports, or an echo's id and sequence. */
export const QUOTED_PAYLOAD_BYTES = 8;

// ---- allocation-free offsets ----------------------------------------------------------------------

/**
 * Offset of the quoted IPv4 header in the ICMP error at b[icmp, end) when at least a whole
 * 20-byte header is there (version 4, IHL >= 5), else -1. The caller has checked that the
 * type quotes (icmpv4.isError).
 */
export function quotedHeaderAt(b: Uint8Array, icmp: number, end: number): number {
  const inner = icmp + ICMP_HEADER_LENGTH;
  if (inner + ipv4.MIN_HEADER_LENGTH > end || ipv4.versionOf(b, inner) !== 4 || ipv4.headerLengthOf(b, inner) < ipv4.MIN_HEADER_LENGTH) return -1;
  return inner;
}

/**
 * Offset of the quoted payload's first 8 bytes in the ICMP error at b[icmp, end) when the quote
 * is a first fragment of protocol `protocol` and reaches 8 bytes past its header, else -1.
 */
export function quotedTransportAt(b: Uint8Array, icmp: number, end: number, protocol: number): number {
  const inner = quotedHeaderAt(b, icmp, end);
  if (inner < 0 || b[inner + ipv4.FIELD.PROTOCOL] !== protocol || !ipv4.isFirstFragment(b, inner)) return -1;
  const p = inner + ipv4.headerLengthOf(b, inner);
  return p + QUOTED_PAYLOAD_BYTES <= end ? p : -1;
}

// ---- decoded shapes -------------------------------------------------------------------------------

export interface QuotedUdp {
  srcPort: number;
  dstPort: number;
  length: number;
  checksum: number;
}
export interface QuotedTcp {
  srcPort: number;
  dstPort: number;
  sequence: number;
}
export interface QuotedIcmp {
  type: number;
  code: number;
  checksum: number;
  identifier: number;
  sequence: number;
}

/**
 * The original datagram an error quotes. `ip.totalLength` describes the original, not what is
 * here: being shorter is normal. `payload` is every byte after the quoted header that is
 * present (with RFC 4884, up to the length field, padding included). The first 8 bytes are also
 * read as what the quoted protocol says (null when another protocol, fewer than 8 bytes, or a
 * non-first fragment).
 */
export interface QuotedDatagram {
  ip: ipv4.Ipv4Header;
  payload: Buffer;
  udp: QuotedUdp | null;
  tcp: QuotedTcp | null;
  icmp: QuotedIcmp | null;
}

/** What a DecodeError's partial holds for a quote whose IPv4 header could not be read. */
export interface PartialQuote {
  ip: unknown;
  payload: null;
  udp: null;
  tcp: null;
  icmp: null;
}

// ---- what encode takes ------------------------------------------------------------------------------

export interface QuotedDatagramInit {
  ip: ipv4.Ipv4HeaderInit;
  /** Bytes after the quoted header. When absent they are built from udp / tcp / icmp (8 bytes). */
  payload?: Uint8Array;
  udp?: { srcPort: number; dstPort: number; length?: number; checksum?: number } | null;
  tcp?: { srcPort: number; dstPort: number; sequence?: number } | null;
  icmp?: { type: number; code?: number; checksum?: number; identifier?: number; sequence?: number } | null;
}

// ---- decode -------------------------------------------------------------------------------------

/**
 * Decodes the quote at b[start, end). A quoted header that cannot be read throws DecodeError
 * ("quoted ..."), whose partial is what `whole` makes of the partial quote: the error message
 * around it, so the caller sees what was read.
 */
export function decodeQuoted(b: Uint8Array, start: number, end: number, whole: (quoted: PartialQuote) => unknown): QuotedDatagram {
  let ip: ipv4.Ipv4Header;
  try {
    ip = ipv4.decode(b, start, end - start);
  } catch (e) {
    if (e instanceof DecodeError) {
      throw new DecodeError(`quoted ${e.reason}`, e.offset, whole({ ip: e.partial, payload: null, udp: null, tcp: null, icmp: null }));
    }
    throw e;
  }
  const p = start + ip.headerLength;
  const first8 = end - p >= QUOTED_PAYLOAD_BYTES && ip.fragmentOffset === 0;
  return {
    ip,
    payload: view(b, p, end - p),
    udp:
      first8 && ip.protocol === UDP
        ? {
            srcPort: u16(b, p + UDP_FIELD.SRC_PORT),
            dstPort: u16(b, p + UDP_FIELD.DST_PORT),
            length: u16(b, p + UDP_FIELD.LENGTH),
            checksum: u16(b, p + UDP_FIELD.CHECKSUM),
          }
        : null,
    tcp:
      first8 && ip.protocol === TCP
        ? { srcPort: u16(b, p + TCP_FIELD.SRC_PORT), dstPort: u16(b, p + TCP_FIELD.DST_PORT), sequence: u32(b, p + TCP_FIELD.SEQUENCE) }
        : null,
    icmp:
      first8 && ip.protocol === ipv4.PROTOCOL.ICMP
        ? {
            type: b[p + ICMP_FIELD.TYPE]!,
            code: b[p + ICMP_FIELD.CODE]!,
            checksum: u16(b, p + ICMP_FIELD.CHECKSUM),
            identifier: u16(b, p + ICMP_FIELD.IDENTIFIER),
            sequence: u16(b, p + ICMP_FIELD.SEQUENCE),
          }
        : null,
  };
}

// ---- encode -------------------------------------------------------------------------------------

/** Length of the quoted payload the init describes. */
function quotedPayloadLength(q: QuotedDatagramInit): number {
  if (q.payload !== undefined) return checkBytes(q.payload, 'quoted.payload').length;
  const given = (q.udp ? 1 : 0) + (q.tcp ? 1 : 0) + (q.icmp ? 1 : 0);
  if (given > 1) {
    throw new EncodeError('quoted', q, 'give at most one of udp, tcp, icmp (or payload bytes)', 'one of udp, tcp, icmp');
  }
  return given === 1 ? QUOTED_PAYLOAD_BYTES : 0;
}

/** Bytes the quote takes (0 for none), its init checked. */
export function quotedLength(q: QuotedDatagramInit | undefined): number {
  if (q === undefined) return 0;
  if (q === null || typeof q !== 'object') {
    throw new EncodeError('quoted', q, `${showValue(q)} is not a quoted datagram object {ip, payload}`, 'an object');
  }
  let ipLength: number;
  try {
    ipLength = ipv4.encodingLength(q.ip);
  } catch (e) {
    throw e instanceof EncodeError ? e.under('quoted.ip') : e;
  }
  return ipLength + quotedPayloadLength(q);
}

/** Writes the quote at b[o...] and returns the bytes written (quotedLength(q)). */
export function writeQuoted(q: QuotedDatagramInit, b: Uint8Array, o: number, fixLengths: boolean, computeChecksums: boolean): number {
  const payloadLength = quotedPayloadLength(q);
  let ipBytes: Buffer;
  try {
    ipBytes = ipv4.encode(q.ip, b, o, { payloadLength, fixLengths, computeChecksums });
  } catch (e) {
    throw e instanceof EncodeError ? e.under('quoted.ip') : e;
  }
  const p = o + ipBytes.length;
  if (q.payload !== undefined) {
    b.set(q.payload, p);
    for (const name of ['udp', 'tcp', 'icmp'] as const) checkQuotedSummary(name, name, q[name], q.payload);
  } else if (q.udp) writeQuotedSummary('udp', 'udp', q.udp, b, p, fixLengths);
  else if (q.tcp) writeQuotedSummary('tcp', 'tcp', q.tcp, b, p, fixLengths);
  else if (q.icmp) writeQuotedSummary('icmp', 'icmp', q.icmp, b, p, fixLengths);
  return ipBytes.length + payloadLength;
}

// ---- the quoted payload's first 8 bytes, read as its protocol says (IPv4 and IPv6 alike) -------------

/** How those bytes read: UDP's ports, length and checksum; TCP's ports and sequence; ICMP's (and ICMPv6's) type, code, checksum, identifier and sequence. */
export type QuotedLayout = 'udp' | 'tcp' | 'icmp';

/** A summary of those bytes as an init gives it (a quote's udp, tcp, icmp or icmpv6). */
type Summary = Readonly<Record<string, number | undefined>>;

/** Each layout's fields: offset, size in bytes, largest value, and what an absent one is written as. */
const SUMMARY_FIELDS: Record<QuotedLayout, readonly { key: string; at: number; bytes: 1 | 2 | 4; absent: 'zero' | 'length' | 'required' }[]> = {
  udp: [
    { key: 'srcPort', at: UDP_FIELD.SRC_PORT, bytes: 2, absent: 'required' },
    { key: 'dstPort', at: UDP_FIELD.DST_PORT, bytes: 2, absent: 'required' },
    { key: 'length', at: UDP_FIELD.LENGTH, bytes: 2, absent: 'length' },
    { key: 'checksum', at: UDP_FIELD.CHECKSUM, bytes: 2, absent: 'zero' },
  ],
  tcp: [
    { key: 'srcPort', at: TCP_FIELD.SRC_PORT, bytes: 2, absent: 'required' },
    { key: 'dstPort', at: TCP_FIELD.DST_PORT, bytes: 2, absent: 'required' },
    { key: 'sequence', at: TCP_FIELD.SEQUENCE, bytes: 4, absent: 'zero' },
  ],
  icmp: [
    { key: 'type', at: ICMP_FIELD.TYPE, bytes: 1, absent: 'required' },
    { key: 'code', at: ICMP_FIELD.CODE, bytes: 1, absent: 'zero' },
    { key: 'checksum', at: ICMP_FIELD.CHECKSUM, bytes: 2, absent: 'zero' },
    { key: 'identifier', at: ICMP_FIELD.IDENTIFIER, bytes: 2, absent: 'zero' },
    { key: 'sequence', at: ICMP_FIELD.SEQUENCE, bytes: 2, absent: 'zero' },
  ],
};

const MAX: Record<1 | 2 | 4, number> = { 1: 0xff, 2: 0xffff, 4: 0xffffffff };

function readField(p: Uint8Array, at: number, bytes: 1 | 2 | 4): number {
  return bytes === 1 ? p[at]! : bytes === 2 ? u16(p, at) : u32(p, at);
}

/**
 * Writes a summary's 8 bytes at b[p] (`name` is its init field, for error paths: "udp",
 * "icmpv6"). An absent UDP length is 8 when fixLengths is on; other absent fields are 0.
 */
export function writeQuotedSummary(layout: QuotedLayout, name: string, summary: Summary, b: Uint8Array, p: number, fixLengths: boolean): void {
  for (const f of SUMMARY_FIELDS[layout]) {
    const given = summary[f.key];
    const path = `quoted.${name}.${f.key}`;
    let v: number;
    if (given !== undefined || f.absent === 'required') v = checkUint(given, MAX[f.bytes], path);
    else v = f.absent === 'length' && fixLengths ? QUOTED_PAYLOAD_BYTES : 0;
    if (f.bytes === 1) b[p + f.at] = v;
    else if (f.bytes === 2) put16(b, p + f.at, v);
    else put32(b, p + f.at, v);
  }
}

/** When payload bytes and a summary are both given, every field the summary gives must match them. */
export function checkQuotedSummary(layout: QuotedLayout, name: string, summary: Summary | null | undefined, payload: Uint8Array): void {
  if (!summary) return;
  for (const f of SUMMARY_FIELDS[layout]) {
    const want = summary[f.key];
    if (want === undefined) continue;
    const have = payload.length >= QUOTED_PAYLOAD_BYTES ? readField(payload, f.at, f.bytes) : undefined;
    if (have !== want) {
      throw new EncodeError(
        `quoted.${name}.${f.key}`,
        want,
        `${showValue(want)} disagrees with quoted.payload (${have === undefined ? `only ${payload.length} bytes` : have}); give one of them`,
        have === undefined ? 'payload of 8+ bytes' : String(have),
      );
    }
  }
}
