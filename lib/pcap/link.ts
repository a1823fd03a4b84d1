// Link-layer headers of the link types we meet: where the network-layer packet starts in a record
// and whether it is IPv4 or IPv6 (or why there is none), and the header bytes that make an IP
// packet a valid frame of a given link type, for writers.
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

/** Why a record holds no IP packet (IPV6: for locateIpv4 only, which takes IPv4 alone). */
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

/** Which network layer a record holds: IPv4, IPv6, or (NONE) neither. */
export const NETWORK = { NONE: 0, IPV4: 4, IPV6: 6 } as const;
export type Network = (typeof NETWORK)[keyof typeof NETWORK];

/** Where the IP packet is and which version, or why there is none. Reuse one across records in hot loops. */
export interface NetworkLocation {
  /** null: found; then network, offset and length below describe it. */
  reason: NotIpv4Reason | null;
  /** NETWORK.IPV4 or IPV6 when found, NONE otherwise. */
  network: Network;
  /** Offset of the IP header in the buffer given (0 when not found). */
  offset: number;
  /**
   * Bytes from the IP header to the end of the captured frame (less any FCS). Ethernet pads
   * short frames to 60 bytes, so the IP header's own length, not this, says where the packet ends.
   */
  length: number;
  /** Link-layer header bytes skipped, VLAN tags included. */
  linkHeaderLength: number;
  /**
   * With a reason: the ethertype, address family, version nibble or link type behind it. Found
   * IPv6: the ethertype, address family or version nibble that says so. Found IPv4: null.
   */
  value: number | null;
}

/** The name it had when only IPv4 was located. */
export type Ipv4Location = NetworkLocation;

export function newNetworkLocation(): NetworkLocation {
  return { reason: null, network: NETWORK.NONE, offset: 0, length: 0, linkHeaderLength: 0, value: null };
}
export const newIpv4Location = newNetworkLocation;

/** `value`: for IPv6, the ethertype, address family or version nibble that said so (locateIpv4 reports it). */
function found(out: NetworkLocation, start: number, header: number, end: number, network: Network = NETWORK.IPV4, value: number | null = null): NetworkLocation {
  out.reason = null;
  out.network = network;
  out.offset = start + header;
  out.length = end - start - header;
  out.linkHeaderLength = header;
  out.value = value;
  return out;
}

function notFound(out: NetworkLocation, reason: NotIpv4Reason, value: number | null): NetworkLocation {
  out.reason = reason;
  out.network = NETWORK.NONE;
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
  out: NetworkLocation,
  buf: Uint8Array,
  start: number,
  type: number,
  next: number,
  end: number,
): NetworkLocation {
  // 802.1Q, 802.1ad and the old 0x9100 tag all carry TCI(2) + inner ethertype(2); stacked
  // tags (QinQ) repeat. The loop ends because every tag consumes 4 bytes.
  while (type === ETHERTYPE.VLAN || type === ETHERTYPE.QINQ || type === ETHERTYPE.QINQ_OLD) {
    if (end - next < VLAN_TAG.LENGTH) return notFound(out, NOT_IPV4.TRUNCATED_LINK_HEADER, type);
    type = be16(buf, next + VLAN_TAG.ETHERTYPE);
    next += VLAN_TAG.LENGTH;
  }
  if (type === ETHERTYPE.IPV4) return found(out, start, next - start, end);
  if (type === ETHERTYPE.IPV6) return found(out, start, next - start, end, NETWORK.IPV6, type);
  if (type === ETHERTYPE.ARP) return notFound(out, NOT_IPV4.ARP, type);
  return notFound(out, NOT_IPV4.OTHER_ETHERTYPE, type);
}

function byFamily(out: NetworkLocation, family: number, start: number, end: number): NetworkLocation {
  if (family === ADDRESS_FAMILY.INET) return found(out, start, FAMILY_HEADER_LENGTH, end);
  if (
    family === ADDRESS_FAMILY.INET6_LINUX ||
    family === ADDRESS_FAMILY.INET6_BSD ||
    family === ADDRESS_FAMILY.INET6_FREEBSD ||
    family === ADDRESS_FAMILY.INET6_DARWIN
  ) {
    return found(out, start, FAMILY_HEADER_LENGTH, end, NETWORK.IPV6, family);
  }
  return notFound(out, NOT_IPV4.OTHER_FAMILY, family);
}

/**
 * Where the IP packet starts in the frame buf[offset, offset + length) of the given link type,
 * and whether it is IPv4 or IPv6. Allocates nothing when `out` is passed. "Not IP" is an answer
 * (reason), never an exception.
 */
export function locateNetwork(
  buf: Uint8Array,
  offset: number,
  length: number,
  linkType: number,
  out: NetworkLocation = newNetworkLocation(),
): NetworkLocation {
  const end = offset + length;
  switch (linkType) {
    case LINKTYPE.RAW:
    case LINKTYPE.RAW_DLT12:
    case LINKTYPE.RAW_DLT14: {
      if (length < 1) return notFound(out, NOT_IPV4.TRUNCATED_LINK_HEADER, null);
      const version = buf[offset]! >>> 4;
      if (version === 4) return found(out, offset, 0, end);
      if (version === 6) return found(out, offset, 0, end, NETWORK.IPV6, version);
      return notFound(out, NOT_IPV4.OTHER_IP_VERSION, version);
    }
    case LINKTYPE.IPV4:
      return found(out, offset, 0, end);
    case LINKTYPE.IPV6:
      return found(out, offset, 0, end, NETWORK.IPV6, 6);
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

/** locateNetwork for IPv4 alone: an IPv6 packet is a reason (NOT_IPV4.IPV6), as before IPv6 was decoded. */
export function locateIpv4(buf: Uint8Array, offset: number, length: number, linkType: number, out: NetworkLocation = newNetworkLocation()): NetworkLocation {
  return ipv4Only(locateNetwork(buf, offset, length, linkType, out));
}

/** A location found as IPv6 turned into locateIpv4's answer: the reason NOT_IPV4.IPV6. */
function ipv4Only(out: NetworkLocation): NetworkLocation {
  return out.network === NETWORK.IPV6 ? notFound(out, NOT_IPV4.IPV6, out.value) : out;
}

/** The record fields locateNetworkInRecord needs: a RecordView, or a PcapRecord's. */
export interface FrameRef {
  buffer: Uint8Array;
  offset: number;
  capturedLength: number;
  linkType: number;
  fcsLength: number;
}

/** locateNetwork for a RecordView (or anything shaped like one), leaving any FCS out. */
export function locateNetworkInRecord(view: FrameRef, out: NetworkLocation = newNetworkLocation()): NetworkLocation {
  const length = Math.max(0, view.capturedLength - view.fcsLength);
  return locateNetwork(view.buffer, view.offset, length, view.linkType, out);
}

/** locateIpv4 for a RecordView, leaving any FCS out. */
export function locateIpv4InRecord(view: FrameRef, out: NetworkLocation = newNetworkLocation()): NetworkLocation {
  return ipv4Only(locateNetworkInRecord(view, out));
}

/** "ARP (ethertype 0x0806)", "IPv6", "unsupported link type LINKTYPE 147"...: for messages. */
export function describeNotIpv4(loc: NetworkLocation): string {
  const v = loc.value;
  switch (loc.reason) {
    case null:
      return loc.network === NETWORK.IPV6 ? 'IPv6' : 'IPv4';
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
  /** The packets' IP version (default 4): the ethertype, protocol or address family written. */
  network?: 4 | 6;
}

/**
 * The link-layer header that makes an IP packet (IPv4 unless options.network is 6) a frame of
 * `linkType`, for PcapWriter's `linkHeader` option. Loopback-like defaults (zero MACs,
 * ARPHRD_LOOPBACK), as `tcpdump -i lo` and `-i any` record them; IPv6 over NULL and LOOP gets
 * the BSD family 24, which every reader takes. Throws RangeError for a link type it cannot build.
 */
export function ipv4LinkHeader(linkType: number, options: LinkHeaderOptions = {}): Buffer {
  const source = options.source ?? new Uint8Array(6);
  const packetType = options.packetType ?? 0;
  const v6 = options.network === 6;
  const ethertype = v6 ? ETHERTYPE.IPV6 : ETHERTYPE.IPV4;
  const family = v6 ? ADDRESS_FAMILY.INET6_BSD : ADDRESS_FAMILY.INET;
  if ((v6 && linkType === LINKTYPE.IPV4) || (!v6 && linkType === LINKTYPE.IPV6)) {
    throw new RangeError(`cannot build an IPv${v6 ? 6 : 4} link-layer header for ${linkTypeName(linkType)}`);
  }
  switch (linkType) {
    case LINKTYPE.RAW:
    case LINKTYPE.RAW_DLT12:
    case LINKTYPE.RAW_DLT14:
    case LINKTYPE.IPV4:
    case LINKTYPE.IPV6:
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
        h.writeUInt16BE(ethertype, ETHERNET.LENGTH + VLAN_TAG.ETHERTYPE);
      } else {
        h.writeUInt16BE(ethertype, ETHERNET.ETHERTYPE);
      }
      return h;
    }
    case LINKTYPE.LINUX_SLL: {
      const h = Buffer.alloc(SLL.LENGTH);
      h.writeUInt16BE(packetType, SLL.PACKET_TYPE);
      h.writeUInt16BE(ARPHRD.LOOPBACK, SLL.ARPHRD);
      h.writeUInt16BE(6, SLL.ADDRESS_LENGTH);
      h.set(source.subarray(0, 6), SLL.ADDRESS);
      h.writeUInt16BE(ethertype, SLL.PROTOCOL);
      return h;
    }
    case LINKTYPE.LINUX_SLL2: {
      const h = Buffer.alloc(SLL2.LENGTH);
      h.writeUInt16BE(ethertype, SLL2.PROTOCOL);
      h.writeUInt32BE(options.ifindex ?? 1, SLL2.IFINDEX);
      h.writeUInt16BE(ARPHRD.LOOPBACK, SLL2.ARPHRD);
      h[SLL2.PACKET_TYPE] = packetType;
      h[SLL2.ADDRESS_LENGTH] = 6;
      h.set(source.subarray(0, 6), SLL2.ADDRESS);
      return h;
    }
    case LINKTYPE.NULL: {
      const h = Buffer.alloc(FAMILY_HEADER_LENGTH);
      writeU32(h, 0, family, (options.byteOrder ?? 'little') === 'little');
      return h;
    }
    case LINKTYPE.LOOP: {
      const h = Buffer.alloc(FAMILY_HEADER_LENGTH);
      writeU32(h, 0, family, false);
      return h;
    }
    default:
      throw new RangeError(`cannot build an IP link-layer header for ${linkTypeName(linkType)}`);
  }
}

/** ipv4LinkHeader under the name that says it serves both versions. */
export const ipLinkHeader = ipv4LinkHeader;
