// The types every pcap reader shares: the reused RecordView delivered per record, what the file
// header says (PcapInfo), and the contract between the decoder and a format parser.

import type { PcapError } from './errors.js';
import type { ByteOrder } from './format.js';

/**
 * One record, described in place: the packet is `buffer[offset, offset + capturedLength)`.
 * The same object is reused for every record and `buffer` may be a chunk that is overwritten
 * later: read what you need inside the callback, copy the bytes if you keep them.
 */
export interface RecordView {
  /** Holds the packet bytes: the caller's buffer, or the reader's reused chunk buffer. */
  buffer: Buffer;
  /** 0-based position of the record in the file. */
  index: number;
  /** Offset of the first packet byte in `buffer`. */
  offset: number;
  /** Offset of the first packet byte in the file. */
  fileOffset: number;
  capturedLength: number;
  originalLength: number;
  /** Seconds since the epoch, 0 when the record has no timestamp (pcapng Simple Packet Block). */
  tsSec: number;
  /** Nanoseconds within the second (microsecond files give multiples of 1000). */
  tsNsec: number;
  hasTimestamp: boolean;
  /** Link-layer header type of this record's interface (LINKTYPE in format.ts). */
  linkType: number;
  /** Frame check sequence bytes at the end of the captured data (rare; 0 almost always). */
  fcsLength: number;
  /** pcapng interface the record came from; 0 in classic pcap. */
  interfaceId: number;
}

/** One capture interface: the classic global header describes exactly one. */
export interface PcapInterface {
  linkType: number;
  /** 0 means "no limit" (some writers leave it unset). */
  snaplen: number;
  fcsLength: number;
  /** Timestamp units per second as written (1e6 for microseconds, 1e9 for nanoseconds). */
  unitsPerSecond: number;
}

/** What the file header says. */
export interface PcapInfo {
  format: 'pcap' | 'pcapng';
  /** Byte order of the file (of its first section for pcapng). */
  byteOrder: ByteOrder;
  versionMajor: number;
  versionMinor: number;
  /** Link type of the file (classic) or of its first interface (pcapng; null without one). */
  linkType: number | null;
  snaplen: number | null;
  /** Timestamps finer than a microsecond: the a1b23c4d magic, or a pcapng if_tsresol below 1 µs. */
  nanosecond: boolean;
  /** Classic pcap: one entry. pcapng: the first section's interfaces, in order. */
  interfaces: PcapInterface[];
}

/** Return `false` to stop reading after this record. */
export type OnRecord = (view: RecordView) => void | boolean;

/**
 * Classic pcap: a consumer that accounts for whole runs of records by itself, faster than one
 * callback each (lib/check's checksum lane). The parser offers it the records ahead before each
 * one it delivers; take() reads from buf[pos, end), a record header at pos, and stops at the
 * first record it leaves to onRecord, at one not wholly in buf[pos, end), and at one longer than
 * MAX_CAPTURED_LENGTH. For a consumer whose onRecord never stops the reading.
 */
export interface RecordBatch {
  /** Returns the records taken; `next` is then the position after them. */
  take(buf: Buffer, pos: number, end: number, littleEndian: boolean, linkType: number, fcsLength: number): number;
  readonly next: number;
}
export type OnInfo = (info: PcapInfo) => void;

/** What a format parser offers the decoder. */
export interface FormatParser {
  /** Known once the file (or first section) header is parsed. */
  readonly info: PcapInfo | null;
  /** Records delivered so far; also the index of the next one. */
  readonly index: number;
  /** Set when a callback returned false. */
  readonly stopped: boolean;
  /**
   * Consume every complete unit in buf[pos, end) and return the position after the last one.
   * `base` is the file offset of buf[0]. Throws PcapError on corruption.
   */
  parse(buf: Buffer, pos: number, end: number, base: number, onRecord: OnRecord): number;
  /** The error for bytes left over at the end of the file (buf[pos, end), not empty). */
  tailError(buf: Buffer, pos: number, end: number, base: number): PcapError;
  /** End of file reached cleanly. */
  finish(): void;
}

export function newRecordView(buffer: Buffer): RecordView {
  return {
    buffer,
    index: 0,
    offset: 0,
    fileOffset: 0,
    capturedLength: 0,
    originalLength: 0,
    tsSec: 0,
    tsNsec: 0,
    hasTimestamp: true,
    linkType: 0,
    fcsLength: 0,
    interfaceId: 0,
  };
}

/** A capture timestamp: seconds since the epoch and nanoseconds within the second. */
export interface PcapTimestamp {
  sec: number;
  nsec: number;
}
