// What the CLI knows of one packet before it prints anything: the record located (lib/pcap: the
// link layer, MPLS labels, an NFLOG record's facts), decoded (lib/wire's decodeIpPacket: IPv4 or
// IPv6 by the version) and checksum-checked (lib/check's verifyIp). packet.ts prints the line and the JSON from it, fields.ts the table of -v.
//
// Byte offsets (README, "Offsets"): a problem's `offset` counts from the frame's first byte (what
// tshark's hex pane counts), its `fileOffset` from the input file's first byte (-1 when the
// packet did not come from a file: hex text, a live capture, a reply). The text says "byte
// offset" for the file's count wherever there is a file, so decode, checksum and the errors of a
// damaged file name the same byte with the same number.

import type { RecordView } from '../../lib/pcap/index.js';
import {
  NETWORK,
  describeNotNetwork,
  locateNetworkInRecord,
  mplsLabels,
  newNetworkLocation,
  nflogInfo,
  LINKTYPE,
  NOT_NETWORK,
  type MplsLabel,
  type NflogInfo,
} from '../../lib/pcap/index.js';
import { newPacketChecksums, verifyIp, type PacketChecksums, type VerifyOptions } from '../../lib/check/index.js';
import { DecodeError, decodeIpPacket, type IpPacket } from '../../lib/wire/index.js';

/** Where a packet came from. */
export interface FrameInfo {
  /** 0-based position in the input. */
  index: number;
  /** Capture time, null for hex input. */
  time: { sec: number; nsec: number } | null;
  /** The capture's timestamps are nanoseconds (print 9 digits, else 6). */
  nanosecond: boolean;
  capturedLength: number;
  originalLength: number;
  linkType: number;
  /** Bytes of link-layer header before the network header (0 for raw IP): VLAN tags, MPLS labels, NFLOG TLVs included. */
  linkHeaderLength: number;
  /** Offset of the frame's first byte in the input file, -1 when not from a file. */
  fileOffset: number;
  /** MPLS label stack crossed on the way to the packet, outermost first ([] when none). */
  mpls: MplsLabel[];
  /** An NFLOG record's group, prefix, hook...: null for other link types. */
  nflog: NflogInfo | null;
  /** Read from a raw socket: checksums judged as the kernel judged them on arrival (lib/check). */
  received: boolean;
}

export interface FrameProblem {
  /**
   * not-ipv4: a frame holding neither IPv4 nor IPv6, which rawprobe does not decode (ARP, PPP LCP...);
   * unknown-link-type: a link type rawprobe cannot read at all; malformed: a broken packet.
   */
  kind: 'not-ipv4' | 'unknown-link-type' | 'malformed';
  reason: string;
  /** Byte offset from the frame's first byte where decoding broke (malformed only). */
  offset: number | null;
  /** The same byte's offset in the input file (malformed only; -1 when not from a file). */
  fileOffset: number | null;
}

/**
 * Layers decoded before a problem (DecodeError.partial): the keys of the packet's version
 * (LAYER_KEYS), null where nothing was read (the extension chain: []).
 */
export type PartialPacket = Record<string, unknown> & { ip: Partial<IpPacket['ip']> | null };

/** The keys a packet of each version has besides payload, truncated and bytes, in JSON order. */
export const LAYER_KEYS = {
  4: ['ip', 'icmp', 'udp', 'tcp'],
  6: ['ip', 'extensions', 'icmpv6', 'udp', 'tcp'],
} as const;

export interface DecodedFrame {
  frame: FrameInfo;
  /** 4 or 6 when the record holds IP, 0 otherwise. */
  version: 0 | 4 | 6;
  /** The whole packet, or null when there is a problem. */
  packet: IpPacket | null;
  /** With a malformed packet: what was decoded before the problem. */
  partial: PartialPacket | null;
  problem: FrameProblem | null;
  /** Checksum verdicts (a copy: safe to keep), null when not IP. */
  checks: PacketChecksums | null;
}

const LOC = newNetworkLocation();
const CHECKS = newPacketChecksums();
const VERIFY: VerifyOptions = { originalLength: 0, received: false };

/** The frame as FrameInfo: where it came from and what its link layer says. */
function frameInfo(v: RecordView, nanosecond: boolean, received: boolean): FrameInfo {
  const found = LOC.network !== null;
  return {
    index: v.index,
    time: v.hasTimestamp ? { sec: v.tsSec, nsec: v.tsNsec } : null,
    nanosecond,
    capturedLength: v.capturedLength,
    originalLength: v.originalLength,
    linkType: v.linkType,
    linkHeaderLength: found ? LOC.linkHeaderLength : 0,
    fileOffset: v.fileOffset,
    mpls: LOC.mplsLabels > 0 ? mplsLabels(v.buffer, LOC.mplsOffset, LOC.mplsLabels) : [],
    nflog: v.linkType === LINKTYPE.NFLOG ? nflogInfo(v.buffer, v.offset, v.offset + v.capturedLength) : null,
    received,
  };
}

/**
 * Locates, decodes and checks one record. The result owns no reference to the reused view's
 * buffer except Buffers inside `packet`. `received`: the packet was read from a raw socket.
 */
export function decodeFrame(v: RecordView, nanosecond: boolean, received = false): DecodedFrame {
  const loc = locateNetworkInRecord(v, LOC);
  const frame = frameInfo(v, nanosecond, received);
  if (loc.network === null) return { frame, version: 0, packet: null, partial: null, problem: notDecoded(v), checks: null };
  const version = loc.network === NETWORK.IPV6 ? 6 : 4;
  // The packet's length on the wire, when the capture cut it: what a TSO header's length 0 means.
  const originalLength = v.originalLength - v.fcsLength - loc.linkHeaderLength;
  VERIFY.originalLength = originalLength;
  VERIFY.received = received;
  const checks = { ...verifyIp(v.buffer, loc.offset, loc.length, CHECKS, VERIFY) };
  // Copy the bytes: the view's buffer is reused by the reader after the callback.
  const bytes = Buffer.from(v.buffer.subarray(loc.offset, loc.offset + loc.length));
  try {
    return { frame, version, packet: decodeIpPacket(bytes, 0, bytes.length, { originalLength }), partial: null, problem: null, checks };
  } catch (e) {
    if (!(e instanceof DecodeError)) throw e;
    const partial: PartialPacket = { ip: null };
    const got = (e.partial ?? {}) as Record<string, unknown>;
    for (const key of LAYER_KEYS[version]) partial[key] = got[key] ?? (key === 'extensions' ? [] : null);
    const offset = e.offset + frame.linkHeaderLength;
    return {
      frame,
      version,
      packet: null,
      partial,
      problem: { kind: 'malformed', reason: e.reason, offset, fileOffset: v.fileOffset < 0 ? -1 : v.fileOffset + offset },
      checks,
    };
  }
}

/** Why the frame LOC describes holds nothing decoded. */
function notDecoded(v: RecordView): FrameProblem {
  if (LOC.reason === NOT_NETWORK.TRUNCATED_LINK_HEADER) {
    // Cut inside its link header (an MPLS stack without its bottom entry, a cut NFLOG TLV): a
    // malformed packet, as tshark calls it, broken where its bytes end.
    const end = Math.max(0, v.capturedLength - v.fcsLength);
    return { kind: 'malformed', reason: describeNotNetwork(LOC.reason, LOC.value), offset: end, fileOffset: v.fileOffset < 0 ? -1 : v.fileOffset + end };
  }
  if (LOC.reason === NOT_NETWORK.UNSUPPORTED_LINK_TYPE) {
    return { kind: 'unknown-link-type', reason: `not decoded: link type ${LOC.value}`, offset: null, fileOffset: null };
  }
  return { kind: 'not-ipv4', reason: describeNotNetwork(LOC.reason, LOC.value), offset: null, fileOffset: null };
}

/**
 * A decoded packet built in memory (send) or read from a raw socket (replies: `received`): a
 * DecodedFrame without a capture.
 */
export function decodeBytes(bytes: Uint8Array, index: number, time: { sec: number; nsec: number } | null = null, received = false): DecodedFrame {
  const view: RecordView = {
    buffer: Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength),
    index,
    offset: 0,
    fileOffset: -1,
    capturedLength: bytes.length,
    originalLength: bytes.length,
    tsSec: time?.sec ?? 0,
    tsNsec: time?.nsec ?? 0,
    hasTimestamp: time !== null,
    linkType: LINKTYPE.RAW,
    fcsLength: 0,
    interfaceId: 0,
  };
  return decodeFrame(view, true, received);
}

/** "byte offset 5234": the file's count where there is a file, else the frame's (see the file header). */
export function problemOffset(p: FrameProblem): number | null {
  if (p.fileOffset !== null && p.fileOffset >= 0) return p.fileOffset;
  return p.offset;
}
