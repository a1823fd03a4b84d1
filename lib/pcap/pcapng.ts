// pcapng (draft-ietf-opsawg-pcapng): Section Header, Interface Description, Enhanced Packet,
// Simple Packet and the obsolete Packet block; every other block is skipped by its length.
// Each section has its own byte order and its own interfaces; each interface its own link type,
// snaplen and timestamp resolution, so the RecordView carries them per record.

import { u32 as u32be } from '../wire/bytes.js';
import { namesOf } from '../wire/tables.js';
import { hex, u16, u32 } from './bytes.js';
import { PCAP_ERROR, type PcapError } from './errors.js';
import { BLOCK_TYPE, IDB_OPTION, MAX_BLOCK_LENGTH, MAX_CAPTURED_LENGTH, PCAPNG_BYTE_ORDER_MAGIC } from './format.js';
import { RecordParser } from './parser.js';
import type { OnRecord, PcapInterface, RecordView } from './view.js';

/** Every block: type, total length, body, total length again (section 3.1). */
export const BLOCK = { TYPE: 0, LENGTH: 4, BODY: 8, MIN_LENGTH: 12 } as const;
/** Section Header Block body (section 4.1). */
export const SHB = {
  BYTE_ORDER_MAGIC: 8,
  VERSION_MAJOR: 12,
  VERSION_MINOR: 14,
  SECTION_LENGTH: 16, // i64, -1 when unknown; not needed to read sequentially
  OPTIONS: 24,
  MIN_LENGTH: 28,
} as const;
/** Interface Description Block body (section 4.2). */
export const IDB = { LINKTYPE: 8, RESERVED: 10, SNAPLEN: 12, OPTIONS: 16, MIN_LENGTH: 20 } as const;
/** Enhanced Packet Block body (section 4.3); the obsolete Packet Block differs only in IFACE. */
export const EPB = {
  INTERFACE_ID: 8,
  TS_HIGH: 12,
  TS_LOW: 16,
  CAPTURED_LEN: 20,
  ORIGINAL_LEN: 24,
  DATA: 28,
  MIN_LENGTH: 32,
} as const;
const PB = { INTERFACE_ID: 8, DROPS_COUNT: 10 } as const; // u16 each; the rest as EPB
/** Simple Packet Block body (section 4.4). */
const SPB = { ORIGINAL_LEN: 8, DATA: 12, MIN_LENGTH: 16 } as const;

/** "enhanced packet block" for ENHANCED_PACKET. */
const BLOCK_NAMES = namesOf(BLOCK_TYPE, (key) => `${key.toLowerCase().replaceAll('_', ' ')} block`);

function blockName(type: number): string {
  return BLOCK_NAMES.get(type) ?? `block of type ${hex(type, 8)}`;
}

/** An interface plus what converting its timestamps needs. */
interface Interface extends PcapInterface {
  /** true: one unit is 2^-exponent s; false: 10^-exponent s. */
  binary: boolean;
  exponent: number;
  /** if_tsoffset: seconds added to every timestamp. */
  offsetSeconds: number;
}

// Scratch results of divmod64: module-level so the conversion allocates nothing per packet.
let quotientHigh = 0;
let quotientLow = 0;
let remainder = 0;

/**
 * (high * 2^32 + low) divided by d, exactly, for d < 2^37: long division in 16-bit digits keeps
 * every intermediate below 2^53. (Nanosecond timestamps, about 1.7e18, do not fit a double.)
 */
function divmod64(high: number, low: number, d: number): void {
  let r = 0;
  let cur = high >>> 16;
  const q3 = Math.floor(cur / d);
  r = cur - q3 * d;
  cur = r * 65536 + (high & 0xffff);
  const q2 = Math.floor(cur / d);
  r = cur - q2 * d;
  cur = r * 65536 + (low >>> 16);
  const q1 = Math.floor(cur / d);
  r = cur - q1 * d;
  cur = r * 65536 + (low & 0xffff);
  const q0 = Math.floor(cur / d);
  r = cur - q0 * d;
  quotientHigh = q3 * 65536 + q2;
  quotientLow = q1 * 65536 + q0;
  remainder = r;
}

/** Fills view.tsSec / view.tsNsec from a 64-bit timestamp in the interface's units. */
function setTimestamp(view: RecordView, iface: Interface, high: number, low: number): void {
  const e = iface.exponent;
  let sec: number;
  let nsec: number;
  if (!iface.binary) {
    if (e <= 9) {
      const unitsPerSecond = 10 ** e;
      const nsecPerUnit = 10 ** (9 - e);
      if (high < 0x200000) {
        // Below 2^53: exact in a double (every microsecond timestamp until the year 2255).
        const t = high * 4294967296 + low;
        sec = Math.floor(t / unitsPerSecond);
        nsec = (t - sec * unitsPerSecond) * nsecPerUnit;
      } else {
        divmod64(high, low, unitsPerSecond);
        sec = quotientHigh * 4294967296 + quotientLow;
        nsec = remainder * nsecPerUnit;
      }
    } else {
      // Finer than a nanosecond: scale to nanoseconds first, then split.
      divmod64(high, low, 10 ** (e - 9));
      divmod64(quotientHigh, quotientLow, 1e9);
      sec = quotientHigh * 4294967296 + quotientLow;
      nsec = remainder;
    }
  } else if (e <= 32) {
    const unit = 2 ** e;
    sec = high * 2 ** (32 - e) + Math.floor(low / unit);
    nsec = Math.floor(((low % unit) / unit) * 1e9);
  } else {
    const highUnit = 2 ** (e - 32);
    sec = Math.floor(high / highUnit);
    nsec = Math.floor((((high % highUnit) * 4294967296 + low) / 2 ** e) * 1e9);
  }
  view.tsSec = sec + iface.offsetSeconds;
  view.tsNsec = nsec;
}

export class PcapngParser extends RecordParser {
  /** Byte order of the current section. */
  private littleEndian = true;
  /** Interfaces of the current section, by interface id. */
  private interfaces: Interface[] = [];
  private sections = 0;
  private infoReported = false;


  parse(buf: Buffer, pos: number, end: number, base: number, onRecord: OnRecord): number {
    const view = this.view;
    view.buffer = buf;
    while (end - pos >= BLOCK.MIN_LENGTH) {
      // The Section Header type is a palindrome, so it reads the same in either byte order; its
      // byte-order magic says how to read everything after it, including its own length.
      const type = u32(buf, pos + BLOCK.TYPE, this.littleEndian);
      let le = this.littleEndian;
      if (type === BLOCK_TYPE.SECTION_HEADER) {
        const bom = u32be(buf, pos + SHB.BYTE_ORDER_MAGIC);
        if (bom === PCAPNG_BYTE_ORDER_MAGIC) le = false;
        else if (bom === 0x4d3c2b1a) le = true;
        else throw this.corrupt(type, base + pos, `byte-order magic ${hex(bom, 8)} is neither 1a2b3c4d nor 4d3c2b1a`);
      } else if (this.sections === 0) {
        throw this.corrupt(type, base + pos, 'it comes before any section header block');
      }
      const length = u32(buf, pos + BLOCK.LENGTH, le);
      this.checkBlockLength(type, length, base + pos);
      if (end - pos < length) break;
      const trailer = u32(buf, pos + length - 4, le);
      if (trailer !== length) {
        throw this.corrupt(type, base + pos, `block length ${length} but trailing length ${trailer}`);
      }
      let isRecord = false;
      switch (type) {
        case BLOCK_TYPE.SECTION_HEADER:
          this.readSectionHeader(buf, pos, le, base);
          break;
        case BLOCK_TYPE.INTERFACE_DESCRIPTION:
          this.readInterface(buf, pos, length, base);
          break;
        case BLOCK_TYPE.ENHANCED_PACKET:
        case BLOCK_TYPE.PACKET:
          this.readPacket(buf, pos, length, base, type);
          isRecord = true;
          break;
        case BLOCK_TYPE.SIMPLE_PACKET:
          this.readSimplePacket(buf, pos, length, base);
          isRecord = true;
          break;
        // Any other block is skipped: statistics, name resolution, custom, decryption secrets...
      }
      pos += length;
      if (isRecord) {
        this.reportInfo();
        this.index++;
        if (!this.deliver(onRecord)) break;
      }
    }
    return pos;
  }

  tailError(buf: Buffer, pos: number, end: number, base: number): PcapError {
    const left = end - pos;
    const at = base + pos;
    if (left < 8) {
      return this.error(PCAP_ERROR.TRUNCATED_BLOCK, at, 'truncated block header', `${left} of 8 bytes`);
    }
    // Only a Section Header can be cut before its byte-order magic; it is then a cut file header.
    const type = u32(buf, pos + BLOCK.TYPE, this.littleEndian);
    if (type === BLOCK_TYPE.SECTION_HEADER && left < 12) {
      return this.error(PCAP_ERROR.TRUNCATED_BLOCK, at, `truncated ${blockName(type)}`, `${left} bytes`);
    }
    const le =
      type === BLOCK_TYPE.SECTION_HEADER
        ? u32be(buf, pos + SHB.BYTE_ORDER_MAGIC) !== PCAPNG_BYTE_ORDER_MAGIC
        : this.littleEndian;
    const length = u32(buf, pos + BLOCK.LENGTH, le);
    return this.error(PCAP_ERROR.TRUNCATED_BLOCK, at, `truncated ${blockName(type)}`, `${left} of ${length} bytes`);
  }

  finish(): void {
    this.reportInfo();
  }

  private reportInfo(): void {
    if (this.infoReported || this.info === null) return;
    this.infoReported = true;
    if (this.onInfo !== null) this.onInfo(this.info);
  }

  private checkBlockLength(type: number, length: number, at: number): void {
    const min =
      type === BLOCK_TYPE.SECTION_HEADER
        ? SHB.MIN_LENGTH
        : type === BLOCK_TYPE.INTERFACE_DESCRIPTION
          ? IDB.MIN_LENGTH
          : type === BLOCK_TYPE.ENHANCED_PACKET || type === BLOCK_TYPE.PACKET
            ? EPB.MIN_LENGTH
            : type === BLOCK_TYPE.SIMPLE_PACKET
              ? SPB.MIN_LENGTH
              : BLOCK.MIN_LENGTH;
    if (length < min) throw this.corrupt(type, at, `block length ${length} is below the minimum ${min}`);
    if (length % 4 !== 0) throw this.corrupt(type, at, `block length ${length} is not a multiple of 4`);
    if (length > MAX_BLOCK_LENGTH) {
      throw this.corrupt(type, at, `block length ${length} exceeds the ${MAX_BLOCK_LENGTH}-byte limit`);
    }
  }

  private readSectionHeader(buf: Buffer, pos: number, le: boolean, base: number): void {
    const versionMajor = u16(buf, pos + SHB.VERSION_MAJOR, le);
    const versionMinor = u16(buf, pos + SHB.VERSION_MINOR, le);
    if (versionMajor !== 1) {
      throw this.error(
        PCAP_ERROR.UNSUPPORTED_VERSION,
        base + pos,
        'unsupported pcapng section',
        `version ${versionMajor}.${versionMinor}, only 1.x is defined`,
      );
    }
    this.littleEndian = le;
    this.interfaces = [];
    this.sections++;
    if (this.info === null) {
      this.info = {
        format: 'pcapng',
        byteOrder: le ? 'little' : 'big',
        versionMajor,
        versionMinor,
        linkType: null,
        snaplen: null,
        nanosecond: false,
        interfaces: [],
      };
    }
  }

  private readInterface(buf: Buffer, pos: number, length: number, base: number): void {
    const le = this.littleEndian;
    const linkType = u16(buf, pos + IDB.LINKTYPE, le);
    const snaplen = u32(buf, pos + IDB.SNAPLEN, le);
    const iface: Interface = {
      linkType,
      snaplen,
      fcsLength: 0,
      unitsPerSecond: 1e6,
      binary: false,
      exponent: 6,
      offsetSeconds: 0,
    };
    const optionsEnd = pos + length - 4;
    let o = pos + IDB.OPTIONS;
    while (optionsEnd - o >= 4) {
      const code = u16(buf, o, le);
      const optionLength = u16(buf, o + 2, le);
      if (code === IDB_OPTION.END) break;
      const value = o + 4;
      if (value + optionLength > optionsEnd) {
        throw this.corrupt(
          BLOCK_TYPE.INTERFACE_DESCRIPTION,
          base + pos,
          `option ${code} (${optionLength} bytes) runs past the block`,
        );
      }
      if (code === IDB_OPTION.IF_TSRESOL && optionLength >= 1) {
        const r = buf[value]!;
        iface.binary = (r & 0x80) !== 0;
        iface.exponent = r & 0x7f;
        // Beyond these a 64-bit timestamp cannot even reach one second (10^-19) or we would
        // need more than 2^-63 s precision: corruption, not a real clock.
        if (iface.binary ? iface.exponent > 63 : iface.exponent > 19) {
          throw this.corrupt(BLOCK_TYPE.INTERFACE_DESCRIPTION, base + pos, `if_tsresol ${hex(r, 2)} is out of range`);
        }
        iface.unitsPerSecond = iface.binary ? 2 ** iface.exponent : 10 ** iface.exponent;
      } else if (code === IDB_OPTION.IF_FCSLEN && optionLength >= 1) {
        iface.fcsLength = buf[value]!;
      } else if (code === IDB_OPTION.IF_TSOFFSET && optionLength >= 8) {
        const a = u32(buf, value, le);
        const b = u32(buf, value + 4, le);
        const high = le ? b : a;
        const low = le ? a : b;
        iface.offsetSeconds = (high | 0) * 4294967296 + low;
      }
      o = value + ((optionLength + 3) & ~3);
    }
    this.interfaces.push(iface);
    const info = this.info!;
    if (this.sections === 1) {
      info.interfaces.push({
        linkType: iface.linkType,
        snaplen: iface.snaplen,
        fcsLength: iface.fcsLength,
        unitsPerSecond: iface.unitsPerSecond,
      });
      if (info.linkType === null) {
        info.linkType = linkType;
        info.snaplen = snaplen;
        info.nanosecond = iface.unitsPerSecond > 1e6;
      }
    }
  }

  /** Enhanced (or obsolete) Packet Block. */
  private readPacket(buf: Buffer, pos: number, length: number, base: number, type: number): void {
    const le = this.littleEndian;
    const interfaceId =
      type === BLOCK_TYPE.PACKET ? u16(buf, pos + PB.INTERFACE_ID, le) : u32(buf, pos + EPB.INTERFACE_ID, le);
    const iface = this.interfaces[interfaceId];
    if (iface === undefined) {
      throw this.corrupt(
        type,
        base + pos,
        `interface ${interfaceId} is not defined (the section has ${this.interfaces.length})`,
      );
    }
    const captured = u32(buf, pos + EPB.CAPTURED_LEN, le);
    this.checkCaptured(type, captured, base + pos);
    if (captured > length - EPB.MIN_LENGTH) {
      throw this.corrupt(type, base + pos, `captured length ${captured} runs past the ${length}-byte block`);
    }
    const view = this.view;
    view.index = this.index;
    view.offset = pos + EPB.DATA;
    view.fileOffset = base + pos + EPB.DATA;
    view.capturedLength = captured;
    view.originalLength = u32(buf, pos + EPB.ORIGINAL_LEN, le);
    setTimestamp(view, iface, u32(buf, pos + EPB.TS_HIGH, le), u32(buf, pos + EPB.TS_LOW, le));
    view.hasTimestamp = true;
    view.linkType = iface.linkType;
    view.fcsLength = iface.fcsLength;
    view.interfaceId = interfaceId;
  }

  private readSimplePacket(buf: Buffer, pos: number, length: number, base: number): void {
    const iface = this.interfaces[0];
    if (iface === undefined) {
      throw this.corrupt(BLOCK_TYPE.SIMPLE_PACKET, base + pos, 'it comes before any interface description block');
    }
    const original = u32(buf, pos + SPB.ORIGINAL_LEN, this.littleEndian);
    // No captured length field: the packet is as long as the original, cut by the snaplen and
    // by the block (section 4.4).
    let captured = Math.min(original, length - SPB.MIN_LENGTH);
    if (iface.snaplen !== 0) captured = Math.min(captured, iface.snaplen);
    this.checkCaptured(BLOCK_TYPE.SIMPLE_PACKET, captured, base + pos);
    const view = this.view;
    view.index = this.index;
    view.offset = pos + SPB.DATA;
    view.fileOffset = base + pos + SPB.DATA;
    view.capturedLength = captured;
    view.originalLength = original;
    view.tsSec = 0;
    view.tsNsec = 0;
    view.hasTimestamp = false;
    view.linkType = iface.linkType;
    view.fcsLength = iface.fcsLength;
    view.interfaceId = 0;
  }

  /**
   * A captured length above the interface's snaplen is read whole, as Wireshark reads it; only
   * libpcap's 262144-byte maximum marks a corrupt block (classic.ts says why).
   */
  private checkCaptured(type: number, captured: number, at: number): void {
    if (captured > MAX_CAPTURED_LENGTH) {
      throw this.error(
        PCAP_ERROR.BAD_CAPTURED_LENGTH,
        at,
        `corrupt ${blockName(type)}`,
        `captured length ${captured} exceeds the ${MAX_CAPTURED_LENGTH}-byte limit of libpcap and Wireshark`,
      );
    }
  }

  private corrupt(type: number, at: number, detail: string): PcapError {
    return this.error(PCAP_ERROR.CORRUPT_BLOCK, at, `corrupt ${blockName(type)}`, detail);
  }
}
