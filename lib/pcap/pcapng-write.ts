// Writing pcapng (draft-ietf-opsawg-pcapng): one Section Header Block, one Interface Description
// Block (link type, snaplen, the interface's name, nanosecond timestamps: if_tsresol 9), then one
// Enhanced Packet Block per packet. PcapngWriter and PcapWriter (write.ts) share their buffering,
// flush and close (buffered-writer.ts).

import type { Writable } from 'node:stream';
import { writeU16, writeU32 } from './bytes.js';
import { BLOCK_TYPE, IDB_OPTION, LINKTYPE, MAX_CAPTURED_LENGTH, PCAPNG_BYTE_ORDER_MAGIC, SHB_OPTION, type ByteOrder } from './format.js';
import { BLOCK, EPB, IDB, SHB } from './pcapng.js';
import { BufferedWriter } from './buffered-writer.js';
import type { FrameSource, TimestampInput } from './write.js';
import { HOST_LITTLE_ENDIAN } from '../wire/bytes.js';

export interface PcapngWriterOptions {
  /** The interface's link type (default RAW, 101). */
  linkType?: number;
  /** Longest captured length stored (default 262144); longer packets are cut and keep their original length. */
  snaplen?: number;
  /** The interface's name, written as if_name ("eth0"); none by default. */
  interfaceName?: string;
  /** Default: this machine's. */
  byteOrder?: ByteOrder;
  /** Bytes gathered before each write to the target (default 1 MiB). */
  bufferSize?: number;
  /** Streams: end() the stream on close (default true, except process.stdout and stderr). */
  end?: boolean;
}

const DEFAULT_BUFFER_SIZE = 1024 * 1024;
/** if_tsresol 9: timestamps count nanoseconds. */
const NANOSECOND_RESOLUTION = 9;
const TWO_16 = 0x10000;
const TWO_32 = 0x100000000;

/** Bytes an option takes: code, length, value padded to 4. */
function optionLength(valueLength: number): number {
  return 4 + ((valueLength + 3) & ~3);
}

export class PcapngWriter extends BufferedWriter {
  readonly linkType: number;
  readonly snaplen: number;
  readonly byteOrder: ByteOrder;
  private readonly le: boolean;

  constructor(target: string | number | Writable, options: PcapngWriterOptions = {}) {
    const linkType = options.linkType ?? LINKTYPE.RAW;
    const snaplen = options.snaplen ?? MAX_CAPTURED_LENGTH;
    if (!Number.isInteger(linkType) || linkType < 0 || linkType > 0xffff) throw new RangeError(`pcapng link type ${linkType} is not an integer in 0-65535`);
    if (!Number.isInteger(snaplen) || snaplen < 1 || snaplen > MAX_CAPTURED_LENGTH) {
      throw new RangeError(`pcapng snaplen ${snaplen} is not an integer in 1-${MAX_CAPTURED_LENGTH}`);
    }
    super('PcapngWriter', target, Math.max(4096, Math.floor(options.bufferSize ?? DEFAULT_BUFFER_SIZE)), options.end);
    this.linkType = linkType;
    this.snaplen = snaplen;
    this.byteOrder = options.byteOrder ?? (HOST_LITTLE_ENDIAN ? 'little' : 'big');
    this.le = this.byteOrder === 'little';
    this.used = this.encodeSectionHeader(0);
    this.used = this.encodeInterface(this.used, options.interfaceName ?? null);
  }

  /** Append one packet; `originalLength` is its length on the wire when `packet` was already cut. */
  write(packet: Uint8Array, timestamp: TimestampInput, originalLength: number = packet.length): boolean {
    let sec: number;
    let nsec: number;
    if (typeof timestamp === 'number') {
      sec = Math.floor(timestamp / 1000);
      nsec = Math.round((timestamp - sec * 1000) * 1e6);
    } else {
      sec = timestamp.sec;
      nsec = timestamp.nsec;
    }
    return this.append(packet, 0, packet.length, originalLength, sec, nsec);
  }

  /** Append a record described in place (a RecordView, a capture's batchRecord()): no copy, no object. */
  writeRecord(v: FrameSource): boolean {
    return this.append(v.buffer, v.offset, v.capturedLength, v.originalLength, v.tsSec, v.tsNsec);
  }

  private append(src: Uint8Array, offset: number, length: number, originalLength: number, sec: number, nsec: number): boolean {
    this.assertOpen();
    if (!Number.isInteger(sec) || sec < 0 || sec > 0xffffffff || !Number.isInteger(nsec) || nsec < 0 || nsec >= 1e9) {
      throw new RangeError(`pcapng timestamp ${sec}.${nsec} is not a time from 1970 to 2106`);
    }
    const captured = Math.min(length, this.snaplen);
    const total = EPB.MIN_LENGTH + ((captured + 3) & ~3);
    const ok = this.makeRoom(total);
    const b = this.buf;
    const o = this.used;
    const le = this.le;
    // Nanoseconds since the epoch as two 32-bit halves, exactly: sec * 1e9 does not fit a double.
    const secHigh = Math.floor(sec / TWO_16);
    const lowPart = (sec % TWO_16) * 1e9 + nsec;
    const highPart = secHigh * 1e9;
    const c = (highPart % TWO_16) * TWO_16 + lowPart;
    writeU32(b, o + BLOCK.TYPE, BLOCK_TYPE.ENHANCED_PACKET, le);
    writeU32(b, o + BLOCK.LENGTH, total, le);
    writeU32(b, o + EPB.INTERFACE_ID, 0, le);
    writeU32(b, o + EPB.TS_HIGH, Math.floor(highPart / TWO_16) + Math.floor(c / TWO_32), le);
    writeU32(b, o + EPB.TS_LOW, c % TWO_32, le);
    writeU32(b, o + EPB.CAPTURED_LEN, captured, le);
    writeU32(b, o + EPB.ORIGINAL_LEN, Math.min(originalLength, 0xffffffff), le);
    b.set(src.subarray(offset, offset + captured), o + EPB.DATA);
    b.fill(0, o + EPB.DATA + captured, o + total - 4);
    writeU32(b, o + total - 4, total, le);
    this.used = o + total;
    this.records++;
    return ok;
  }

  /** Writes a text option at o; returns the position after it. */
  private textOption(o: number, code: number, text: string): number {
    const value = Buffer.from(text, 'utf8');
    writeU16(this.buf, o, code, this.le);
    writeU16(this.buf, o + 2, value.length, this.le);
    this.buf.fill(0, o + 4, o + optionLength(value.length));
    value.copy(this.buf, o + 4);
    return o + optionLength(value.length);
  }

  private endOfOptions(o: number): number {
    writeU32(this.buf, o, 0, this.le);
    return o + 4;
  }

  private closeBlock(start: number, end: number): number {
    const total = end + 4 - start;
    writeU32(this.buf, start + BLOCK.LENGTH, total, this.le);
    writeU32(this.buf, end, total, this.le);
    return end + 4;
  }

  private encodeSectionHeader(start: number): number {
    const b = this.buf;
    const le = this.le;
    writeU32(b, start + BLOCK.TYPE, BLOCK_TYPE.SECTION_HEADER, le);
    writeU32(b, start + SHB.BYTE_ORDER_MAGIC, PCAPNG_BYTE_ORDER_MAGIC, le);
    writeU16(b, start + SHB.VERSION_MAJOR, 1, le);
    writeU16(b, start + SHB.VERSION_MINOR, 0, le);
    b.fill(0xff, start + SHB.SECTION_LENGTH, start + SHB.SECTION_LENGTH + 8); // -1: not known
    let o = this.textOption(start + SHB.OPTIONS, SHB_OPTION.USER_APPL, 'rawprobe');
    o = this.endOfOptions(o);
    return this.closeBlock(start, o);
  }

  private encodeInterface(start: number, name: string | null): number {
    const b = this.buf;
    const le = this.le;
    writeU32(b, start + BLOCK.TYPE, BLOCK_TYPE.INTERFACE_DESCRIPTION, le);
    writeU16(b, start + IDB.LINKTYPE, this.linkType, le);
    writeU16(b, start + IDB.RESERVED, 0, le);
    writeU32(b, start + IDB.SNAPLEN, this.snaplen, le);
    let o = start + IDB.OPTIONS;
    if (name !== null && name !== '') o = this.textOption(o, IDB_OPTION.IF_NAME, name);
    writeU16(b, o, IDB_OPTION.IF_TSRESOL, le);
    writeU16(b, o + 2, 1, le);
    b.writeUInt32BE(0, o + 4);
    b[o + 4] = NANOSECOND_RESOLUTION;
    o = this.endOfOptions(o + 8);
    return this.closeBlock(start, o);
  }
}
