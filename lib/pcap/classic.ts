// Classic pcap (libpcap 2.4): the 24-byte global header, then 16-byte record headers each
// followed by incl_len captured bytes. draft-ietf-opsawg-pcap sections 4 and 5.

import { u16, u32 } from './bytes.js';
import { PCAP_ERROR, PcapError, truncatedGlobalHeader } from './errors.js';
import { GLOBAL_HEADER, MAX_CAPTURED_LENGTH, RECORD_HEADER } from './format.js';
import { RecordParser } from './parser.js';
import type { OnInfo, OnRecord, RecordBatch } from './view.js';

/** Link type field: bits 0-15 the type; bit 26 "FCS length present", bits 28-31 FCS in 16-bit words. */
const FCS_PRESENT = 0x04000000;

export class ClassicParser extends RecordParser {
  constructor(
    name: string,
    private readonly littleEndian: boolean,
    private readonly nanosecond: boolean,
    onInfo: OnInfo | null,
    private readonly batch: RecordBatch | null = null,
  ) {
    super(name, onInfo);
  }

  parse(buf: Buffer, pos: number, end: number, base: number, onRecord: OnRecord): number {
    if (this.info === null) {
      if (end - pos < GLOBAL_HEADER.LENGTH) return pos;
      this.readGlobalHeader(buf, pos, base);
      pos += GLOBAL_HEADER.LENGTH;
    }
    const le = this.littleEndian;
    const fractionToNsec = this.nanosecond ? 1 : 1000;
    const view = this.view;
    view.buffer = buf;
    const batch = this.batch;
    while (end - pos >= RECORD_HEADER.LENGTH) {
      if (batch !== null) {
        const taken = batch.take(buf, pos, end, le, view.linkType, view.fcsLength);
        if (taken > 0) {
          this.index += taken;
          pos = batch.next;
          if (end - pos < RECORD_HEADER.LENGTH) break;
        }
      }
      const captured = u32(buf, pos + RECORD_HEADER.INCL_LEN, le);
      // Checked before waiting for the bytes: a corrupt length must fail now, not make a
      // streaming reader buffer gigabytes. A record longer than the header's snaplen (old
      // writers left wrong snaplens) is read whole, as Wireshark reads it; libpcap reads it too
      // and hands tcpdump its first snaplen bytes. Only libpcap's maximum for the link type,
      // 262144, marks a corrupt header, for libpcap and Wireshark alike.
      if (captured > MAX_CAPTURED_LENGTH) throw this.badLength(captured, base + pos);
      const next = pos + RECORD_HEADER.LENGTH + captured;
      if (next > end) break;
      view.index = this.index++;
      view.offset = pos + RECORD_HEADER.LENGTH;
      view.fileOffset = base + pos + RECORD_HEADER.LENGTH;
      view.capturedLength = captured;
      view.originalLength = u32(buf, pos + RECORD_HEADER.ORIG_LEN, le);
      view.tsSec = u32(buf, pos + RECORD_HEADER.TS_SEC, le);
      view.tsNsec = u32(buf, pos + RECORD_HEADER.TS_FRACTION, le) * fractionToNsec;
      pos = next;
      if (!this.deliver(onRecord)) break;
    }
    return pos;
  }

  tailError(buf: Buffer, pos: number, end: number, base: number): PcapError {
    const left = end - pos;
    const at = base + pos;
    if (this.info === null) return truncatedGlobalHeader(this.name, at, left);
    if (left < RECORD_HEADER.LENGTH) {
      return this.error(PCAP_ERROR.TRUNCATED_RECORD_HEADER, at, 'truncated record header', `${left} of ${RECORD_HEADER.LENGTH} bytes`);
    }
    const captured = u32(buf, pos + RECORD_HEADER.INCL_LEN, this.littleEndian);
    return this.error(
      PCAP_ERROR.TRUNCATED_PACKET,
      at,
      'truncated packet',
      `captured length ${captured} but only ${left - RECORD_HEADER.LENGTH} bytes left in the file`,
    );
  }

  finish(): void {}

  private readGlobalHeader(buf: Buffer, pos: number, base: number): void {
    const le = this.littleEndian;
    const versionMajor = u16(buf, pos + GLOBAL_HEADER.VERSION_MAJOR, le);
    const versionMinor = u16(buf, pos + GLOBAL_HEADER.VERSION_MINOR, le);
    // libpcap accepts any minor version of major 2; so do we.
    if (versionMajor !== 2) {
      throw new PcapError(
        PCAP_ERROR.UNSUPPORTED_VERSION,
        `${this.name}: unsupported pcap version ${versionMajor}.${versionMinor} at byte offset ${base + pos}: ` +
          'only 2.x is defined',
        0,
        base + pos,
      );
    }
    const snaplen = u32(buf, pos + GLOBAL_HEADER.SNAPLEN, le);
    const linkField = u32(buf, pos + GLOBAL_HEADER.LINKTYPE, le);
    const linkType = linkField & 0xffff;
    const fcsLength = linkField & FCS_PRESENT ? (linkField >>> 28) * 2 : 0;
    this.view.linkType = linkType;
    this.view.fcsLength = fcsLength;
    this.info = {
      format: 'pcap',
      byteOrder: le ? 'little' : 'big',
      versionMajor,
      versionMinor,
      linkType,
      snaplen,
      nanosecond: this.nanosecond,
      interfaces: [{ linkType, snaplen, fcsLength, unitsPerSecond: this.nanosecond ? 1e9 : 1e6 }],
    };
    if (this.onInfo !== null) this.onInfo(this.info);
  }

  private badLength(captured: number, at: number): PcapError {
    const detail = `captured length ${captured} exceeds the ${MAX_CAPTURED_LENGTH}-byte limit of libpcap and Wireshark`;
    return this.error(PCAP_ERROR.BAD_CAPTURED_LENGTH, at, 'corrupt record header', detail);
  }
}
