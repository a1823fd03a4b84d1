// Link-layer headers of the link types we meet: where the IPv4 packet starts in a record (or why
// there is none), and the header bytes that make an IPv4 packet a valid frame of a given link
// type, for writers.
//
//   Ethernet (1)      dst(6) src(6) ethertype(2), then any 802.1Q / 802.1ad tags: TCI(2) type(2)
//   LINUX_SLL (113)   packet type(2) ARPHRD(2) address length(2) address(8) protocol(2)
//   LINUX_SLL2 (276)  protocol(2) reserved(2) ifindex(4) ARPHRD(2) packet type(1) addr len(1) addr(8)
//   NULL (0)          address family(4), in the byte order of the host that captured
//   LOOP (108)        address family(4), network byte order
//   RAW (101)         none: IPv4 or IPv6, told by the version nibble; IPV4 (228): none, IPv4 only

import { u16 as be16 } from '../wire/bytes.js';
import { hex, u32, writeU32 } from './bytes.js';
import type { ByteOrder } from './format.js';
import { LINKTYPE, linkTypeName } from './format.js';

export const ETHERTYPE = {
  IPV4: 0x0800,
  ARP: 0x0806,
  VLAN: 0x8100, // 802.1Q
  IPV6: 0x86dd,
  QINQ: 0x88a8, // 802.1ad service tag
  QINQ_OLD: 0x9100, // pre-standard double tagging
} as const;

const ETHERNET = { DST: 0, SRC: 6, ETHERTYPE: 12, LENGTH: 14 } as const;
const VLAN_TAG = { TCI: 0, ETHERTYPE: 2, LENGTH: 4 } as const;
const SLL = { PACKET_TYPE: 0, ARPHRD: 2, ADDRESS_LENGTH: 4, ADDRESS: 6, PROTOCOL: 14, LENGTH: 16 } as const;
const SLL2 = {
  PROTOCOL: 0,
  RESERVED: 2,
  IFINDEX: 4,
  ARPHRD: 8,
  PACKET_TYPE: 10,
  ADDRESS_LENGTH: 11,
  ADDRESS: 12,
  LENGTH: 20,
} as const;
const FAMILY_HEADER_LENGTH = 4;

/** BSD address families as found in NULL / LOOP headers. IPv6 differs per OS. */
export const ADDRESS_FAMILY = {
  INET: 2,
  INET6_LINUX: 10,
  INET6_BSD: 24, // NetBSD, OpenBSD, BSD/OS
  INET6_FREEBSD: 28,
  INET6_DARWIN: 30,
} as const;

/** Linux ARPHRD_* hardware types used in cooked headers. */
export const ARPHRD = { ETHER: 1, LOOPBACK: 772 } as const;

/** Why a record holds no IPv4 packet. */
export const NOT_IPV4 = {
  IPV6: 'ipv6',
  ARP: 'arp',
  /** An ethertype (or SLL protocol) we do not decode; `value` holds it. */
  OTHER_ETHERTYPE: 'other-ethertype',
  /** NULL / LOOP family other than IPv4 or IPv6; `value` holds it. */
  OTHER_FAMILY: 'other-address-family',
  /** RAW link type whose first nibble is neither 4 nor 6; `value` holds it. */
  OTHER_IP_VERSION: 'other-ip-version',
  /** `value` holds the link type. */
  UNSUPPORTED_LINK_TYPE: 'unsupported-link-type',
  /** The record is shorter than its link-layer header. */
  TRUNCATED_LINK_HEADER: 'truncated-link-header',
} as const;

export type NotIpv4Reason = (typeof NOT_IPV4)[keyof typeof NOT_IPV4];

/** Where the IPv4 packet is, or why there is none. Reuse one across records in hot loops. */
export interface Ipv4Location {
  /** null: found; then offset/length below describe it. */
  reason: NotIpv4Reason | null;
  /** Offset of the IPv4 header in the buffer given (0 when not found). */
  offset: number;
  /**
   * Bytes from the IPv4 header to the end of the captured frame (less any FCS). Ethernet pads
   * short frames to 60 bytes, so the IPv4 total length, not this, says where the datagram ends.
   */
  length: number;
  /** Link-layer header bytes skipped, VLAN tags included. */
  linkHeaderLength: number;
  /** With a reason: the ethertype, address family, version nibble or link type behind it. */
  value: number | null;
}

export function newIpv4Location(): Ipv4Location {
  return { reason: null, offset: 0, length: 0, linkHeaderLength: 0, value: null };
}

function found(out: Ipv4Location, start: number, header: number, end: number): Ipv4Location {
  out.reason = null;
  out.offset = start + header;
  out.length = end - start - header;
  out.linkHeaderLength = header;
  out.value = null;
  return out;
}

function notFound(out: Ipv4Location, reason: NotIpv4Reason, value: number | null): Ipv4Location {
  out.reason = reason;
  out.offset = 0;
  out.length = 0;
  out.linkHeaderLength = 0;
  out.value = value;
  return out;
}

/**
 * The frame buf[start, end) has ethertype `type` and its payload at `next`: skip VLAN tags there,
 * then decide.
 */
function byEthertype(
  out: Ipv4Location,
  buf: Uint8Array,
  start: number,
  type: number,
  next: number,
  end: number,
): Ipv4Location {
  // 802.1Q, 802.1ad and the old 0x9100 tag all carry TCI(2) + inner ethertype(2); stacked
  // tags (QinQ) repeat. The loop ends because every tag consumes 4 bytes.
  while (type === ETHERTYPE.VLAN || type === ETHERTYPE.QINQ || type === ETHERTYPE.QINQ_OLD) {
    if (end - next < VLAN_TAG.LENGTH) return notFound(out, NOT_IPV4.TRUNCATED_LINK_HEADER, type);
    type = be16(buf, next + VLAN_TAG.ETHERTYPE);
    next += VLAN_TAG.LENGTH;
  }
  if (type === ETHERTYPE.IPV4) return found(out, start, next - start, end);
  if (type === ETHERTYPE.IPV6) return notFound(out, NOT_IPV4.IPV6, type);
  if (type === ETHERTYPE.ARP) return notFound(out, NOT_IPV4.ARP, type);
  return notFound(out, NOT_IPV4.OTHER_ETHERTYPE, type);
}

function byFamily(out: Ipv4Location, family: number, start: number, end: number): Ipv4Location {
  if (family === ADDRESS_FAMILY.INET) return found(out, start, FAMILY_HEADER_LENGTH, end);
  if (
    family === ADDRESS_FAMILY.INET6_LINUX ||
    family === ADDRESS_FAMILY.INET6_BSD ||
    family === ADDRESS_FAMILY.INET6_FREEBSD ||
    family === ADDRESS_FAMILY.INET6_DARWIN
  ) {
    return notFound(out, NOT_IPV4.IPV6, family);
  }
  return notFound(out, NOT_IPV4.OTHER_FAMILY, family);
}

/**
 * Where the IPv4 packet starts in the frame buf[offset, offset + length) of the given link type.
 * Allocates nothing when `out` is passed. "Not IPv4" is an answer (reason), never an exception.
 */
export function locateIpv4(
  buf: Uint8Array,
  offset: number,
  length: number,
  linkType: number,
  out: Ipv4Location = newIpv4Location(),
): Ipv4Location {
  const end = offset + length;
  switch (linkType) {
    case LINKTYPE.RAW:
    case LINKTYPE.RAW_DLT12:
    case LINKTYPE.RAW_DLT14: {
      if (length < 1) return notFound(out, NOT_IPV4.TRUNCATED_LINK_HEADER, null);
      const version = buf[offset]! >>> 4;
      if (version === 4) return found(out, offset, 0, end);
      if (version === 6) return notFound(out, NOT_IPV4.IPV6, version);
      return notFound(out, NOT_IPV4.OTHER_IP_VERSION, version);
    }
    case LINKTYPE.IPV4:
      return found(out, offset, 0, end);
    case LINKTYPE.IPV6:
      return notFound(out, NOT_IPV4.IPV6, 6);
    case LINKTYPE.ETHERNET:
      if (length < ETHERNET.LENGTH) return notFound(out, NOT_IPV4.TRUNCATED_LINK_HEADER, null);
      return byEthertype(out, buf, offset, be16(buf, offset + ETHERNET.ETHERTYPE), offset + ETHERNET.LENGTH, end);
    case LINKTYPE.LINUX_SLL:
      if (length < SLL.LENGTH) return notFound(out, NOT_IPV4.TRUNCATED_LINK_HEADER, null);
      return byEthertype(out, buf, offset, be16(buf, offset + SLL.PROTOCOL), offset + SLL.LENGTH, end);
    case LINKTYPE.LINUX_SLL2:
      // The protocol field leads the header here; the payload still starts after all 20 bytes.
      if (length < SLL2.LENGTH) return notFound(out, NOT_IPV4.TRUNCATED_LINK_HEADER, null);
      return byEthertype(out, buf, offset, be16(buf, offset + SLL2.PROTOCOL), offset + SLL2.LENGTH, end);
    case LINKTYPE.NULL: {
      if (length < FAMILY_HEADER_LENGTH) return notFound(out, NOT_IPV4.TRUNCATED_LINK_HEADER, null);
      // Written in the capturing host's byte order, which need not be the file's: the family is
      // a small number, so if the high half is set the bytes are swapped (Wireshark does this).
      let family = u32(buf, offset, true);
      if ((family & 0xffff0000) !== 0) family = u32(buf, offset, false);
      return byFamily(out, family, offset, end);
    }
    case LINKTYPE.LOOP: {
      if (length < FAMILY_HEADER_LENGTH) return notFound(out, NOT_IPV4.TRUNCATED_LINK_HEADER, null);
      return byFamily(out, u32(buf, offset, false), offset, end);
    }
    default:
      return notFound(out, NOT_IPV4.UNSUPPORTED_LINK_TYPE, linkType);
  }
}

/** The record fields locateIpv4InRecord needs: a RecordView, or a PcapRecord's. */
export interface FrameRef {
  buffer: Uint8Array;
  offset: number;
  capturedLength: number;
  linkType: number;
  fcsLength: number;
}

/** locateIpv4 for a RecordView (or anything shaped like one), leaving any FCS out. */
export function locateIpv4InRecord(view: FrameRef, out: Ipv4Location = newIpv4Location()): Ipv4Location {
  const length = Math.max(0, view.capturedLength - view.fcsLength);
  return locateIpv4(view.buffer, view.offset, length, view.linkType, out);
}

/** "ARP (ethertype 0x0806)", "IPv6", "unsupported link type LINKTYPE 147"...: for messages. */
export function describeNotIpv4(loc: Ipv4Location): string {
  const v = loc.value;
  switch (loc.reason) {
    case null:
      return 'IPv4';
    case NOT_IPV4.IPV6:
      return 'IPv6';
    case NOT_IPV4.ARP:
      return 'ARP';
    case NOT_IPV4.OTHER_ETHERTYPE:
      // Below 0x0600 the field is an 802.3 length, not a type.
      return v !== null && v < 0x0600
        ? `802.3 frame (length field ${v})`
        : `ethertype ${hex(v ?? 0, 4)}`;
    case NOT_IPV4.OTHER_FAMILY:
      return `address family ${v}`;
    case NOT_IPV4.OTHER_IP_VERSION:
      return `IP version ${v}`;
    case NOT_IPV4.UNSUPPORTED_LINK_TYPE:
      return `unsupported link type ${linkTypeName(v ?? -1)}`;
    case NOT_IPV4.TRUNCATED_LINK_HEADER:
      return 'frame shorter than its link-layer header';
  }
}

export interface LinkHeaderOptions {
  /** For NULL: the byte order of the family field (that of the file, as libpcap writes it). */
  byteOrder?: ByteOrder;
  /** Ethernet: insert one 802.1Q tag with this VLAN id (0-4095). */
  vlanId?: number;
  /** Ethernet source and destination; cooked headers: the source (link-layer address, 6 bytes). */
  source?: Uint8Array;
  destination?: Uint8Array;
  /** SLL / SLL2 packet type: 0 to us (default), 4 sent by us. */
  packetType?: number;
  /** SLL2 interface index (default 1, the loopback on Linux). */
  ifindex?: number;
}

/**
 * The link-layer header that makes an IPv4 packet a frame of `linkType`, for PcapWriter's
 * `linkHeader` option. Loopback-like defaults (zero MACs, ARPHRD_LOOPBACK), as `tcpdump -i lo`
 * and `-i any` record them. Throws RangeError for a link type it cannot build.
 */
export function ipv4LinkHeader(linkType: number, options: LinkHeaderOptions = {}): Buffer {
  const source = options.source ?? new Uint8Array(6);
  const packetType = options.packetType ?? 0;
  switch (linkType) {
    case LINKTYPE.RAW:
    case LINKTYPE.RAW_DLT12:
    case LINKTYPE.RAW_DLT14:
    case LINKTYPE.IPV4:
      return Buffer.alloc(0);
    case LINKTYPE.ETHERNET: {
      const tagged = options.vlanId !== undefined;
      const h = Buffer.alloc(ETHERNET.LENGTH + (tagged ? VLAN_TAG.LENGTH : 0));
      h.set((options.destination ?? new Uint8Array(6)).subarray(0, 6), ETHERNET.DST);
      h.set(source.subarray(0, 6), ETHERNET.SRC);
      if (tagged) {
        const id = options.vlanId!;
        if (!Number.isInteger(id) || id < 0 || id > 4095) throw new RangeError(`VLAN id ${id} is not in 0-4095`);
        h.writeUInt16BE(ETHERTYPE.VLAN, ETHERNET.ETHERTYPE);
        h.writeUInt16BE(id, ETHERNET.LENGTH + VLAN_TAG.TCI);
        h.writeUInt16BE(ETHERTYPE.IPV4, ETHERNET.LENGTH + VLAN_TAG.ETHERTYPE);
      } else {
        h.writeUInt16BE(ETHERTYPE.IPV4, ETHERNET.ETHERTYPE);
      }
      return h;
    }
    case LINKTYPE.LINUX_SLL: {
      const h = Buffer.alloc(SLL.LENGTH);
      h.writeUInt16BE(packetType, SLL.PACKET_TYPE);
      h.writeUInt16BE(ARPHRD.LOOPBACK, SLL.ARPHRD);
      h.writeUInt16BE(6, SLL.ADDRESS_LENGTH);
      h.set(source.subarray(0, 6), SLL.ADDRESS);
      h.writeUInt16BE(ETHERTYPE.IPV4, SLL.PROTOCOL);
      return h;
    }
    case LINKTYPE.LINUX_SLL2: {
      const h = Buffer.alloc(SLL2.LENGTH);
      h.writeUInt16BE(ETHERTYPE.IPV4, SLL2.PROTOCOL);
      h.writeUInt32BE(options.ifindex ?? 1, SLL2.IFINDEX);
      h.writeUInt16BE(ARPHRD.LOOPBACK, SLL2.ARPHRD);
      h[SLL2.PACKET_TYPE] = packetType;
      h[SLL2.ADDRESS_LENGTH] = 6;
      h.set(source.subarray(0, 6), SLL2.ADDRESS);
      return h;
    }
    case LINKTYPE.NULL: {
      const h = Buffer.alloc(FAMILY_HEADER_LENGTH);
      writeU32(h, 0, ADDRESS_FAMILY.INET, (options.byteOrder ?? 'little') === 'little');
      return h;
    }
    case LINKTYPE.LOOP: {
      const h = Buffer.alloc(FAMILY_HEADER_LENGTH);
      writeU32(h, 0, ADDRESS_FAMILY.INET, false);
      return h;
    }
    default:
      throw new RangeError(`cannot build an IPv4 link-layer header for ${linkTypeName(linkType)}`);
  }
}
