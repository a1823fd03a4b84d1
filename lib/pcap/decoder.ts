// The incremental decoder shared by every reader: it is fed byte ranges as they arrive (one whole
// buffer, or chunk after chunk of a file or stdin), delivers each complete record through ONE
// reused RecordView, and reports where it stopped so the caller can carry the partial tail into
// the next chunk. The first bytes choose the format: classic pcap (classic.ts) or pcapng
// (pcapng.ts).

import { ClassicParser } from './classic.js';
import { PCAP_ERROR, PcapError, truncatedGlobalHeader } from './errors.js';
import { MAGIC } from './format.js';
import { u32 as u32be } from '../wire/bytes.js';
import { hex } from './bytes.js';
import { PcapngParser } from './pcapng.js';
import type { FormatParser, OnInfo, OnRecord, PcapInfo, RecordBatch } from './view.js';

/** Picks the format from the magic number and forwards to its parser. */
export class PcapDecoder {
  private parser: FormatParser | null = null;

  /**
   * @param name prefix of error messages: the file name, or "pcap".
   * @param onInfo called once, when the header is known (before the first record).
   * @param batch takes runs of classic pcap records itself (view.ts RecordBatch).
   */
  constructor(
    private readonly name: string = 'pcap',
    private readonly onInfo: OnInfo | null = null,
    private readonly batch: RecordBatch | null = null,
  ) {}

  get info(): PcapInfo | null {
    return this.parser === null ? null : this.parser.info;
  }

  /** Records delivered so far. */
  get records(): number {
    return this.parser === null ? 0 : this.parser.index;
  }

  get stopped(): boolean {
    return this.parser !== null && this.parser.stopped;
  }

  feed(buf: Buffer, pos: number, end: number, base: number, onRecord: OnRecord): number {
    if (this.parser === null) {
      if (end - pos < 4) return pos;
      this.parser = this.sniff(u32be(buf, pos), base + pos);
    }
    return this.parser.parse(buf, pos, end, base, onRecord);
  }

  /** The input ended; buf[pos, end) is what was never consumed. Throws if that is not clean. */
  finish(buf: Buffer, pos: number, end: number, base: number): void {
    if (this.parser === null) {
      const n = end - pos;
      if (base + pos === 0 && n === 0) {
        throw new PcapError(PCAP_ERROR.EMPTY_FILE, `${this.name}: empty file (0 bytes): not a pcap capture`, 0, 0);
      }
      throw truncatedGlobalHeader(this.name, base + pos, n);
    }
    if (pos < end) throw this.parser.tailError(buf, pos, end, base);
    this.parser.finish();
  }

  private sniff(magic: number, offset: number): FormatParser {
    // The magic as read big-endian; byte-swapped, it is what a little-endian writer left.
    const swapped =
      (((magic & 0xff) << 24) | ((magic & 0xff00) << 8) | ((magic >>> 8) & 0xff00) | (magic >>> 24)) >>> 0;
    if (magic === MAGIC.PCAPNG) return new PcapngParser(this.name, this.onInfo);
    if (magic === MAGIC.MICROSECOND || magic === MAGIC.NANOSECOND) {
      return new ClassicParser(this.name, false, magic === MAGIC.NANOSECOND, this.onInfo, this.batch);
    }
    if (swapped === MAGIC.MICROSECOND || swapped === MAGIC.NANOSECOND) {
      return new ClassicParser(this.name, true, swapped === MAGIC.NANOSECOND, this.onInfo, this.batch);
    }
    if (magic === MAGIC.MODIFIED || swapped === MAGIC.MODIFIED) {
      throw new PcapError(
        PCAP_ERROR.UNSUPPORTED_FORMAT,
        `${this.name}: "modified" (Kuznetzov) pcap is not supported: convert with \`editcap -F pcap in out.pcap\``,
        0,
        offset,
      );
    }
    throw new PcapError(
      PCAP_ERROR.BAD_MAGIC,
      `${this.name}: not a pcap or pcapng file: unknown magic number ${hex(magic, 8)} at byte offset ${offset}`,
      0,
      offset,
    );
  }
}
