// Writing a copy of a capture with every bad checksum corrected. A record whose checksums are
// all right (or cannot be checked) is copied as it is, straight from the reader's buffer; a
// record with a bad one is copied once into a scratch buffer and the expected values written
// over the bad ones. Unverifiable checksums (snaplen-cut packets) and absent UDP checksums are
// left alone: there is nothing right to put there.

import type { FrameSource, PcapWriter } from '../pcap/index.js';
import { put16 } from '../wire/bytes.js';
import { CHECKSUM_FIELD, STATUS, type PacketChecksums } from './status.js';

/**
 * Writes the right values over the bad checksums of the IP packet at buf[ipOffset...], as
 * `r` (from verifyIp on the same bytes) describes them. Returns how many were changed.
 */
export function applyFixes(buf: Uint8Array, ipOffset: number, r: PacketChecksums): number {
  let changed = 0;
  if (r.malformed !== null) return 0;
  if (r.ipv4 === STATUS.BAD && r.ipv4Expected >= 0) {
    put16(buf, ipOffset + CHECKSUM_FIELD[0], r.ipv4Expected);
    changed++;
  }
  if (r.transportStatus === STATUS.BAD && r.transportExpected >= 0 && r.transport >= 0) {
    put16(buf, ipOffset + r.transportOffset + CHECKSUM_FIELD[r.transport]!, r.transportExpected);
    changed++;
  }
  return changed;
}

/** A record as the fixer receives it: a RecordView, or anything shaped like one. */
export interface FixRecord extends FrameSource {
  linkType: number;
}

/** Copies records to a PcapWriter, correcting the bad checksums on the way. */
export class ChecksumFixer {
  /** Records written. */
  records = 0;
  /** Checksums corrected. */
  fixed = 0;
  private scratch = Buffer.allocUnsafe(65536 + 64);
  private readonly frame: FrameSource = { buffer: this.scratch, offset: 0, capturedLength: 0, originalLength: 0, tsSec: 0, tsNsec: 0 };

  constructor(readonly writer: PcapWriter) {}

  /**
   * Writes one record. `ipOffset` is where its IP header starts in record.buffer and `r` its
   * checksums; pass r = null for a record holding no IP packet (copied unchanged).
   */
  write(record: FixRecord, ipOffset: number, r: PacketChecksums | null): boolean {
    if (record.linkType !== this.writer.linkType) {
      throw new Error(
        `cannot write a record of link type ${record.linkType} into a pcap of link type ${this.writer.linkType}: ` +
          'a classic pcap holds one link type',
      );
    }
    this.records++;
    if (r === null || (r.ipv4 !== STATUS.BAD && r.transportStatus !== STATUS.BAD)) return this.writer.writeRecord(record);
    const length = record.capturedLength;
    if (this.scratch.length < length) {
      this.scratch = Buffer.allocUnsafe(length);
      this.frame.buffer = this.scratch;
    }
    this.scratch.set(record.buffer.subarray(record.offset, record.offset + length), 0);
    this.fixed += applyFixes(this.scratch, ipOffset - record.offset, r);
    const f = this.frame;
    f.capturedLength = length;
    f.originalLength = record.originalLength;
    f.tsSec = record.tsSec;
    f.tsNsec = record.tsNsec;
    return this.writer.writeRecord(f);
  }
}
