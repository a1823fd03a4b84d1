// Writing classic pcap: PcapWriter (buffered, to a path, a file descriptor or a Writable) and
// encodePcap (one Buffer, for tests and fixtures). Both share the encoders below.
//
// Defaults follow what tcpdump writes on this machine (little-endian, microseconds, snaplen
// 262144), with LINKTYPE_RAW (101) because `ping --pcap-out` records bare IPv4 packets: tshark
// 4.0, tcpdump 4.99 and scapy all decode 101; LINKTYPE_IPV4 (228) is newer and rarer.

import type { Writable } from 'node:stream';
import { writeU16, writeU32 } from './bytes.js';
import { GLOBAL_HEADER, LINKTYPE, MAGIC, MAX_CAPTURED_LENGTH, RECORD_HEADER, type ByteOrder } from './format.js';
import { BufferedWriter } from './buffered-writer.js';
import type { PcapTimestamp } from './view.js';
import { HOST_LITTLE_ENDIAN } from '../wire/bytes.js';

export interface PcapWriteOptions {
  /** Link-layer type in the global header (default RAW, 101). */
  linkType?: number;
  /** Nanosecond timestamps (magic a1b23c4d) instead of microseconds. */
  nanosecond?: boolean;
  /** Longest captured length stored; longer packets are cut and keep their original length. */
  snaplen?: number;
  /** Default: this machine's, as libpcap writes. */
  byteOrder?: ByteOrder;
  /** Bytes put before every packet (see ipv4LinkHeader in link.ts); default none. */
  linkHeader?: Uint8Array;
}

export interface PcapWriterOptions extends PcapWriteOptions {
  /** Bytes gathered before each write to the target (default 1 MiB). */
  bufferSize?: number;
  /** Streams: end() the stream on close (default true, except process.stdout and stderr). */
  end?: boolean;
}

/** {sec, nsec}, or milliseconds since the epoch (Date.now(), fractions allowed). */
export type TimestampInput = PcapTimestamp | number;

export interface PcapWriteRecord {
  data: Uint8Array;
  /** Default: 0 (1970-01-01), which keeps fixtures reproducible. */
  timestamp?: TimestampInput;
  /** Length on the wire of `data` (default data.length); the link header is added to it. */
  originalLength?: number;
}

/** A record described in place, as RecordView (read.ts) describes one. */
export interface FrameSource {
  buffer: Uint8Array;
  offset: number;
  capturedLength: number;
  originalLength: number;
  tsSec: number;
  tsNsec: number;
}

export const DEFAULT_SNAPLEN = MAX_CAPTURED_LENGTH;
const DEFAULT_BUFFER_SIZE = 1024 * 1024;

interface Settings {
  linkType: number;
  nanosecond: boolean;
  snaplen: number;
  littleEndian: boolean;
  linkHeader: Uint8Array;
}

function settings(o: PcapWriteOptions): Settings {
  const linkType = o.linkType ?? LINKTYPE.RAW;
  const snaplen = o.snaplen ?? DEFAULT_SNAPLEN;
  if (!Number.isInteger(linkType) || linkType < 0 || linkType > 0xffff) {
    throw new RangeError(`pcap link type ${linkType} is not an integer in 0-65535`);
  }
  if (!Number.isInteger(snaplen) || snaplen < 1 || snaplen > MAX_CAPTURED_LENGTH) {
    throw new RangeError(`pcap snaplen ${snaplen} is not an integer in 1-${MAX_CAPTURED_LENGTH}`);
  }
  const byteOrder = o.byteOrder ?? (HOST_LITTLE_ENDIAN ? 'little' : 'big');
  return {
    linkType,
    nanosecond: o.nanosecond ?? false,
    snaplen,
    littleEndian: byteOrder === 'little',
    linkHeader: o.linkHeader ?? new Uint8Array(0),
  };
}

// Scratch output of splitTimestamp: no object per packet.
let tsSec = 0;
let tsNsec = 0;

function splitTimestamp(ts: TimestampInput): void {
  if (typeof ts === 'number') {
    if (!Number.isFinite(ts) || ts < 0) throw new RangeError(`pcap timestamp ${ts} ms is not a time after 1970`);
    tsSec = Math.floor(ts / 1000);
    tsNsec = Math.round((ts - tsSec * 1000) * 1e6);
    if (tsNsec >= 1e9) {
      tsSec += 1;
      tsNsec -= 1e9;
    }
  } else {
    tsSec = ts.sec;
    tsNsec = ts.nsec;
    if (!Number.isInteger(tsNsec) || tsNsec < 0 || tsNsec >= 1e9) {
      throw new RangeError(`pcap timestamp nsec ${tsNsec} is not an integer in 0-999999999`);
    }
  }
  // Classic pcap stores unsigned 32-bit seconds: 1970 to 2106.
  if (!Number.isInteger(tsSec) || tsSec < 0 || tsSec > 0xffffffff) {
    throw new RangeError(`pcap timestamp ${tsSec} s does not fit 32 bits (1970-2106)`);
  }
}

/** The 24-byte global header, into `out` at `offset` (or a new Buffer). */
export function encodePcapHeader(options: PcapWriteOptions = {}, out?: Uint8Array, offset = 0): Buffer {
  return encodeHeader(settings(options), out, offset);
}

function encodeHeader(s: Settings, out?: Uint8Array, offset = 0): Buffer {
  const b =
    out === undefined ? Buffer.alloc(GLOBAL_HEADER.LENGTH) : Buffer.from(out.buffer, out.byteOffset, out.byteLength);
  const le = s.littleEndian;
  writeU32(b, offset + GLOBAL_HEADER.MAGIC, s.nanosecond ? MAGIC.NANOSECOND : MAGIC.MICROSECOND, le);
  writeU16(b, offset + GLOBAL_HEADER.VERSION_MAJOR, 2, le);
  writeU16(b, offset + GLOBAL_HEADER.VERSION_MINOR, 4, le);
  writeU32(b, offset + GLOBAL_HEADER.THISZONE, 0, le);
  writeU32(b, offset + GLOBAL_HEADER.SIGFIGS, 0, le);
  writeU32(b, offset + GLOBAL_HEADER.SNAPLEN, s.snaplen, le);
  writeU32(b, offset + GLOBAL_HEADER.LINKTYPE, s.linkType, le);
  return out === undefined ? b : b.subarray(offset, offset + GLOBAL_HEADER.LENGTH);
}

/** Bytes one record takes: header plus the link header and data, cut at the snaplen. */
function recordLength(s: Settings, dataLength: number): number {
  return RECORD_HEADER.LENGTH + Math.min(s.linkHeader.length + dataLength, s.snaplen);
}

/**
 * Record header + link header + src[srcOffset, srcOffset + srcLength) (cut at the snaplen), at
 * out[pos]. Timestamp in tsSec/tsNsec. Returns the position after the record.
 */
function encodeRecord(
  s: Settings,
  out: Uint8Array,
  pos: number,
  src: Uint8Array,
  srcOffset: number,
  srcLength: number,
  originalLength: number,
): number {
  const le = s.littleEndian;
  const header = s.linkHeader;
  const captured = Math.min(header.length + srcLength, s.snaplen);
  writeU32(out, pos + RECORD_HEADER.TS_SEC, tsSec, le);
  writeU32(out, pos + RECORD_HEADER.TS_FRACTION, s.nanosecond ? tsNsec : Math.floor(tsNsec / 1000), le);
  writeU32(out, pos + RECORD_HEADER.INCL_LEN, captured, le);
  writeU32(out, pos + RECORD_HEADER.ORIG_LEN, Math.min(header.length + originalLength, 0xffffffff), le);
  pos += RECORD_HEADER.LENGTH;
  const headerBytes = Math.min(header.length, captured);
  if (headerBytes > 0) out.set(headerBytes === header.length ? header : header.subarray(0, headerBytes), pos);
  const dataBytes = captured - headerBytes;
  if (dataBytes > 0) out.set(src.subarray(srcOffset, srcOffset + dataBytes), pos + headerBytes);
  return pos + captured;
}

function checkOriginalLength(originalLength: number): void {
  if (!Number.isInteger(originalLength) || originalLength < 0 || originalLength > 0xffffffff) {
    throw new RangeError(`pcap original length ${originalLength} is not an integer in 0-4294967295`);
  }
}

function captureLength(s: Settings, records: Iterable<PcapWriteRecord>): number {
  let n: number = GLOBAL_HEADER.LENGTH;
  for (const r of records) n += recordLength(s, r.data.length);
  return n;
}

/** Bytes encodePcap would produce. */
export function encodingLength(records: Iterable<PcapWriteRecord>, options: PcapWriteOptions = {}): number {
  return captureLength(settings(options), records);
}

/** A whole capture in one Buffer. */
export function encodePcap(records: Iterable<PcapWriteRecord>, options: PcapWriteOptions = {}): Buffer {
  const s = settings(options);
  const list = [...records];
  const out = Buffer.alloc(captureLength(s, list));
  encodeHeader(s, out, 0);
  let pos: number = GLOBAL_HEADER.LENGTH;
  for (const r of list) {
    splitTimestamp(r.timestamp ?? 0);
    const original = r.originalLength ?? r.data.length;
    checkOriginalLength(original);
    pos = encodeRecord(s, out, pos, r.data, 0, r.data.length, original);
  }
  return out;
}

/**
 * A classic pcap writer. Records gather in one buffer that goes to the target when full and on
 * flush()/close(): a 200,000-packet file costs about 40 writes, not 200,000.
 *
 * The target: a path (created or truncated, synchronously, so a bad path fails here), a file
 * descriptor (1 for stdout; not closed), or a Writable (backpressure via write()'s result and
 * drained()).
 */
export class PcapWriter extends BufferedWriter {
  readonly linkType: number;
  readonly nanosecond: boolean;
  readonly snaplen: number;
  readonly byteOrder: ByteOrder;
  private readonly s: Settings;

  constructor(target: string | number | Writable, options: PcapWriterOptions = {}) {
    const s = settings(options);
    super('PcapWriter', target, Math.max(GLOBAL_HEADER.LENGTH, Math.floor(options.bufferSize ?? DEFAULT_BUFFER_SIZE)), options.end);
    this.s = s;
    this.linkType = s.linkType;
    this.nanosecond = s.nanosecond;
    this.snaplen = s.snaplen;
    this.byteOrder = s.littleEndian ? 'little' : 'big';
    encodeHeader(s, this.buf, 0);
    this.used = GLOBAL_HEADER.LENGTH;
  }

  /**
   * Append one packet (after the link header option). `originalLength` is the packet's length
   * on the wire when `packet` was already cut. Returns false when a stream target asks to pause:
   * `await writer.drained()` before writing more.
   */
  write(packet: Uint8Array, timestamp: TimestampInput, originalLength: number = packet.length): boolean {
    splitTimestamp(timestamp);
    checkOriginalLength(originalLength);
    return this.append(packet, 0, packet.length, originalLength);
  }

  /** Append a record described in place (a RecordView from the reader): no copy, no object. */
  writeRecord(v: FrameSource): boolean {
    tsSec = v.tsSec;
    tsNsec = v.tsNsec;
    return this.append(v.buffer, v.offset, v.capturedLength, v.originalLength);
  }

  /**
   * Append records already encoded for this file (`count` of them): record headers in its byte
   * order and timestamp unit, each packet already cut at its snaplen, as a capture made with
   * pcapRecords lays out a batch (lib/capture batchRecords). The bytes go to the target as they are.
   */
  writeEncoded(records: Uint8Array, count: number): boolean {
    this.assertOpen();
    const ok = this.writeThrough(records);
    this.records += count;
    return ok;
  }

  private append(src: Uint8Array, offset: number, length: number, originalLength: number): boolean {
    const ok = this.makeRoom(recordLength(this.s, length));
    this.used = encodeRecord(this.s, this.buf, this.used, src, offset, length, originalLength);
    this.records++;
    return ok;
  }
}
