// How the CLI shows a packet, IPv4 or IPv6: one summary line (decode, send, replies:
// packet-line.ts), a table of every field (decode --verbose: packet-fields.ts) and one JSON object
// (decode --json: here). All three start from a DecodedFrame: a record located (lib/pcap's
// locateNetwork), decoded (lib/wire's decodeIpPacket) and checksum-checked (lib/check's verifyIp).

import type { RecordView } from '../../lib/pcap/index.js';
import { describeNotIpv4, locateNetworkInRecord, NETWORK, newNetworkLocation } from '../../lib/pcap/index.js';
import { newPacketChecksums, verifyIp, type PacketChecksums } from '../../lib/check/index.js';
import { DecodeError, decodeIpPacket, jsonify, type IpPacket } from '../../lib/wire/index.js';
import { formatIsoTime } from './packet-line.js';

export { fieldRows } from './packet-fields.js';
export { describeChecks, describeTos, formatIsoTime, formatTimeOfDay, protocolName, summaryLine, tcpFlagLetters } from './packet-line.js';

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
  /** Bytes of link-layer header before the IP header (0 for raw IP). */
  linkHeaderLength: number;
}

export interface FrameProblem {
  /** not-ip: the record holds neither IPv4 nor IPv6 (ARP, another ethertype...). */
  kind: 'not-ip' | 'malformed';
  reason: string;
  /** Byte offset in the frame where decoding broke (malformed only). */
  offset: number | null;
}

/**
 * Layers decoded before a problem (DecodeError.partial): the keys of the packet's version
 * (IPv4: ip, icmp, udp, tcp; IPv6: ip, extensions, icmpv6, udp, tcp), null where nothing was read.
 */
export type PartialPacket = Record<string, unknown> & { ip: Partial<IpPacket['ip']> | null };

export interface DecodedFrame {
  frame: FrameInfo;
  /** 4 or 6 when the record holds IP, 0 otherwise. */
  version: number;
  /** The whole packet, or null when there is a problem. */
  packet: IpPacket | null;
  /** With a malformed packet: what was decoded before the problem. */
  partial: PartialPacket | null;
  problem: FrameProblem | null;
  /** Checksum verdicts (a copy: safe to keep), null when not IP. */
  checks: PacketChecksums | null;
}

/** The keys a packet of each version has besides payload, truncated and bytes, in JSON order. */
export const LAYER_KEYS = {
  4: ['ip', 'icmp', 'udp', 'tcp'],
  6: ['ip', 'extensions', 'icmpv6', 'udp', 'tcp'],
} as const;

const LOC = newNetworkLocation();
const CHECKS = newPacketChecksums();

/** Locates, decodes and checks one record. The result owns no reference to the reused view's buffer except Buffers inside `packet`. */
export function decodeFrame(v: RecordView, nanosecond: boolean): DecodedFrame {
  const loc = locateNetworkInRecord(v, LOC);
  const frame: FrameInfo = {
    index: v.index,
    time: v.hasTimestamp ? { sec: v.tsSec, nsec: v.tsNsec } : null,
    nanosecond,
    capturedLength: v.capturedLength,
    originalLength: v.originalLength,
    linkType: v.linkType,
    linkHeaderLength: loc.reason === null ? loc.linkHeaderLength : 0,
  };
  if (loc.reason !== null) {
    return { frame, version: 0, packet: null, partial: null, problem: { kind: 'not-ip', reason: describeNotIpv4(loc), offset: null }, checks: null };
  }
  const version = loc.network === NETWORK.IPV6 ? 6 : 4;
  const wireLength = v.originalLength - loc.linkHeaderLength - v.fcsLength;
  const checks = { ...verifyIp(v.buffer, loc.offset, loc.length, CHECKS, wireLength) };
  // Copy the bytes: the view's buffer is reused by the reader after the callback.
  const bytes = Buffer.from(v.buffer.subarray(loc.offset, loc.offset + loc.length));
  try {
    return { frame, version, packet: decodeIpPacket(bytes, 0, bytes.length, { wireLength }), partial: null, problem: null, checks };
  } catch (e) {
    if (!(e instanceof DecodeError)) throw e;
    const partial: PartialPacket = { ip: null };
    const got = (e.partial ?? {}) as Record<string, unknown>;
    for (const key of LAYER_KEYS[version]) partial[key] = got[key] ?? (key === 'extensions' ? [] : null);
    return { frame, version, packet: null, partial, problem: { kind: 'malformed', reason: e.reason, offset: e.offset + frame.linkHeaderLength }, checks };
  }
}

/** A decoded packet built in memory (send, replies): a DecodedFrame without a capture. */
export function decodeBytes(bytes: Uint8Array, index: number, time: { sec: number; nsec: number } | null = null): DecodedFrame {
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
    linkType: 101,
    fcsLength: 0,
    interfaceId: 0,
  };
  return decodeFrame(view, true);
}

// ---- JSON (decode --json; send reads it back) -------------------------------------------------------

/**
 * One object per frame: `frame` (where it came from), every decoded field of each layer of the
 * packet's version (IPv4: `ip`, `icmp`, `udp`, `tcp`; IPv6: `ip`, `extensions`, `icmpv6`, `udp`,
 * `tcp`; null when absent), `payload` (hex), `truncated`, `bytes`, and `problem` (null, or why
 * the frame could not be decoded; then the layers read before the problem are kept).
 * `rawprobe send --from-json` takes these objects back: it ignores `frame`.
 */
export function frameJson(d: DecodedFrame): Record<string, unknown> {
  const f = d.frame;
  const frame = {
    index: f.index,
    time: f.time === null ? null : formatIsoTime(f.time, f.nanosecond),
    capturedLength: f.capturedLength,
    originalLength: f.originalLength,
    linkType: f.linkType,
    linkHeaderLength: f.linkHeaderLength,
  };
  if (d.packet !== null) return { frame, ...(jsonify(d.packet) as object), problem: null };
  const layers: Record<string, unknown> = {};
  for (const key of LAYER_KEYS[d.version === 6 ? 6 : 4]) layers[key] = d.partial?.[key] ? jsonify(d.partial[key]) : key === 'extensions' ? [] : null;
  return { frame, ...layers, payload: null, truncated: null, bytes: null, problem: d.problem };
}
