// Linux netfilter log records (LINKTYPE_NFLOG, 239): what `nft ... log group N` hands to user
// space and `tcpdump -i nflog:N` writes. tcpdump.org/linktypes/LINKTYPE_NFLOG.html:
//
//   family(1) version(1) resource id(2, network order: the log group)
//   then TLVs: length(2) type(2), both in the capturing host's byte order, the length counting
//   those 4 bytes; each value padded to a multiple of 4. Values are netlink attributes
//   (linux/netfilter/nfnetlink_log.h): mostly network byte order.
//
// The packet itself is the value of NFULA_PAYLOAD, from its network header on; the family says
// which network protocol it is (AF_INET, AF_INET6). The host byte order is not recorded: the
// first TLV's length is read both ways, as Wireshark does, and the order in which it fits the
// record wins.

import { u16 as be16, u32 as be32 } from '../wire/bytes.js';
import { u16 } from './bytes.js';

/** TLV types (enum nfulnl_attr_type). */
export const NFULA = {
  PACKET_HDR: 1,
  MARK: 2,
  TIMESTAMP: 3,
  IFINDEX_INDEV: 4,
  IFINDEX_OUTDEV: 5,
  IFINDEX_PHYSINDEV: 6,
  IFINDEX_PHYSOUTDEV: 7,
  HWADDR: 8,
  PAYLOAD: 9,
  PREFIX: 10,
  UID: 11,
  SEQ: 12,
  SEQ_GLOBAL: 13,
  GID: 14,
  HWTYPE: 15,
  HWHEADER: 16,
  HWLEN: 17,
} as const;

/** The header's family byte: the network protocol of the payload. */
export const NFLOG_FAMILY = { INET: 2, INET6: 10, BRIDGE: 7 } as const;

const HEADER = { FAMILY: 0, VERSION: 1, RESOURCE_ID: 2, LENGTH: 4 } as const;
const TLV = { LENGTH: 0, TYPE: 2, VALUE: 4 } as const;
/** Netlink's flag bits in the type field (NLA_F_NESTED, NLA_F_NET_BYTEORDER). */
const TYPE_MASK = 0x3fff;
/** NFULA_PACKET_HDR: hw_protocol(2) hook(1) pad(1). */
const PACKET_HDR = { HW_PROTOCOL: 0, HOOK: 2 } as const;

/** Where the payload is, or why there is none. */
export interface NflogPayload {
  /** The header's family byte. */
  family: number;
  /** Offset and length of the NFULA_PAYLOAD value; offset -1 when the record has none. */
  offset: number;
  length: number;
  /** The header or a TLV runs past the record. */
  cut: boolean;
}

export function newNflogPayload(): NflogPayload {
  return { family: 0, offset: -1, length: 0, cut: false };
}

/** The TLVs' byte order, told from the first one: little-endian unless only big-endian fits. */
function tlvsLittleEndian(buf: Uint8Array, o: number, end: number): boolean {
  const room = end - o;
  if (room < TLV.VALUE) return true;
  const le = u16(buf, o, true);
  if (le >= TLV.VALUE && le <= room) return true;
  const be = u16(buf, o, false);
  return !(be >= TLV.VALUE && be <= room);
}

/** Walks the TLVs of one record; one cursor is reused for every record (nothing allocated). */
class TlvCursor {
  buf: Uint8Array = new Uint8Array(0);
  private p = 0;
  private end = 0;
  private littleEndian = true;
  /** The current TLV: its type (flag bits cleared), value offset and value length. */
  type = 0;
  at = 0;
  length = 0;
  /** Set when a TLV ran past the record. */
  cut = false;

  /** Starts at the first TLV of the record buf[o, end) (its 4-byte header already checked). */
  start(buf: Uint8Array, o: number, end: number): this {
    this.buf = buf;
    this.p = o + HEADER.LENGTH;
    this.end = end;
    this.littleEndian = tlvsLittleEndian(buf, this.p, end);
    this.cut = false;
    return this;
  }

  /** Moves to the next TLV; false at the end of the record or at one that runs past it (cut). */
  next(): boolean {
    const { buf, p, end, littleEndian } = this;
    if (end - p < TLV.VALUE) return false;
    const length = u16(buf, p + TLV.LENGTH, littleEndian);
    if (length < TLV.VALUE || length > end - p) {
      this.cut = true;
      return false;
    }
    this.type = u16(buf, p + TLV.TYPE, littleEndian) & TYPE_MASK;
    this.at = p + TLV.VALUE;
    this.length = length - TLV.VALUE;
    this.p = p + ((length + 3) & ~3); // values are padded to 4 bytes; the last one may not be
    return true;
  }
}

const CURSOR = new TlvCursor();

/** The payload of the NFLOG record buf[o, end), into `out`. */
export function nflogPayload(buf: Uint8Array, o: number, end: number, out: NflogPayload): NflogPayload {
  out.offset = -1;
  out.length = 0;
  out.cut = end - o < HEADER.LENGTH;
  if (out.cut) return out;
  out.family = buf[o + HEADER.FAMILY]!;
  const c = CURSOR.start(buf, o, end);
  while (c.next()) {
    if (c.type !== NFULA.PAYLOAD) continue;
    out.offset = c.at;
    out.length = c.length;
    return out;
  }
  out.cut = c.cut;
  return out;
}

/** What a log record says besides the packet (decode -v and --json). */
export interface NflogInfo {
  family: number;
  version: number;
  /** The log group (`log group N`). */
  group: number;
  /** The `log prefix`, or null. */
  prefix: string | null;
  /** NFULA_PACKET_HDR: the link-layer protocol (an ethertype) and the netfilter hook number. */
  hwProtocol: number | null;
  hook: number | null;
  indev: number | null;
  outdev: number | null;
  uid: number | null;
  gid: number | null;
  mark: number | null;
}

/** The record's header and the TLVs people read, or null when the header is cut. */
export function nflogInfo(buf: Uint8Array, o: number, end: number): NflogInfo | null {
  if (end - o < HEADER.LENGTH) return null;
  const info: NflogInfo = {
    family: buf[o + HEADER.FAMILY]!,
    version: buf[o + HEADER.VERSION]!,
    group: be16(buf, o + HEADER.RESOURCE_ID),
    prefix: null,
    hwProtocol: null,
    hook: null,
    indev: null,
    outdev: null,
    uid: null,
    gid: null,
    mark: null,
  };
  const u32At = (at: number, length: number): number | null => (length >= 4 ? be32(buf, at) : null);
  const c = new TlvCursor().start(buf, o, end);
  while (c.next()) {
    const { type, at, length } = c;
    if (type === NFULA.PREFIX) {
      const text = Buffer.from(buf.buffer, buf.byteOffset + at, length).toString('latin1');
      info.prefix = text.replace(/\0.*$/s, '');
    } else if (type === NFULA.PACKET_HDR && length >= 3) {
      info.hwProtocol = be16(buf, at + PACKET_HDR.HW_PROTOCOL);
      info.hook = buf[at + PACKET_HDR.HOOK]!;
    } else if (type === NFULA.IFINDEX_INDEV) info.indev = u32At(at, length);
    else if (type === NFULA.IFINDEX_OUTDEV) info.outdev = u32At(at, length);
    else if (type === NFULA.UID) info.uid = u32At(at, length);
    else if (type === NFULA.GID) info.gid = u32At(at, length);
    else if (type === NFULA.MARK) info.mark = u32At(at, length);
  }
  return info;
}
