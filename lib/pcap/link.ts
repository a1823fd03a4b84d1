// Link-layer headers of the link types we meet: where the network packet starts in a record and
// what it is (IPv4, IPv6), or why there is none. (The headers writers put before an IPv4 packet:
// link-header.ts; the field tables both use: link-fields.ts.)
//
//   Ethernet (1)      dst(6) src(6) ethertype(2), then any 802.1Q / 802.1ad tags: TCI(2) type(2)
//   LINUX_SLL (113)   packet type(2) ARPHRD(2) address length(2) address(8) protocol(2)
//   LINUX_SLL2 (276)  protocol(2) reserved(2) ifindex(4) ARPHRD(2) packet type(1) addr len(1) addr(8)
//   NULL (0)          address family(4), in the byte order of the host that captured
//   LOOP (108)        address family(4), network byte order
//   RAW (101)         none: IPv4 or IPv6, told by the version nibble; IPV4 (228), IPV6 (229): none
//   PPP (9), PPP_HDLC (50), C_HDLC (104)   link-ppp.ts;   NFLOG (239)   link-nflog.ts
//   MPLS label stacks (ethertype 0x8847/0x8848, PPP 0x0281/0x0283) before the packet: link-mpls.ts
//
// Reading stops at the network header: what lies past it is lib/wire's. A link type, ethertype or
// protocol we do not know is an answer (a reason with its value), never an exception.

import { u16 as be16 } from '../wire/bytes.js';
import { hex, u32 } from './bytes.js';
import { LINKTYPE, linkTypeName } from './format.js';
import { ADDRESS_FAMILY, ETHERNET, ETHERTYPE, FAMILY_HEADER_LENGTH, SLL, SLL2, VLAN_TAG } from './link-fields.js';
import { MPLS_ENTRY_LENGTH, mplsStackEnd } from './link-mpls.js';
import { NFLOG_FAMILY, newNflogPayload, nflogPayload } from './link-nflog.js';
import { PPP_PROTOCOL, newLinkStep, pppProtocolName, readCiscoHdlc, readPpp, readPppHdlc } from './link-ppp.js';

/** The network protocols a frame is located to. */
export const NETWORK = { IPV4: 'ipv4', IPV6: 'ipv6' } as const;
export type Network = (typeof NETWORK)[keyof typeof NETWORK];

/** Why a record holds no network packet we decode. */
export const NOT_NETWORK = {
  ARP: 'arp',
  /** An ethertype (or SLL protocol, or Cisco HDLC type) we do not decode; `value` holds it. */
  OTHER_ETHERTYPE: 'other-ethertype',
  /** NULL / LOOP family, or NFLOG family, other than IPv4 or IPv6; `value` holds it. */
  OTHER_FAMILY: 'other-address-family',
  /** RAW link type (or an MPLS payload) whose first nibble is neither 4 nor 6; `value` holds it. */
  OTHER_IP_VERSION: 'other-ip-version',
  /** A PPP protocol other than IPv4, IPv6 and MPLS (LCP, IPCP, ...); `value` holds it. */
  OTHER_PPP_PROTOCOL: 'other-ppp-protocol',
  /** An NFLOG record without a packet (NFULA_PAYLOAD). */
  NO_PAYLOAD: 'no-payload',
  /** `value` holds the link type. */
  UNSUPPORTED_LINK_TYPE: 'unsupported-link-type',
  /** The record is shorter than its link-layer header (MPLS label stack included). */
  TRUNCATED_LINK_HEADER: 'truncated-link-header',
} as const;
export type NotNetworkReason = (typeof NOT_NETWORK)[keyof typeof NOT_NETWORK];

/** Why a record holds no IPv4 packet: no network packet, or an IPv6 one. */
export const NOT_IPV4 = { IPV6: 'ipv6', ...NOT_NETWORK } as const;
export type NotIpv4Reason = (typeof NOT_IPV4)[keyof typeof NOT_IPV4];

/** Where the network packet is and what it is, or why there is none. Reuse one across records in hot loops. */
export interface NetworkLocation {
  /** What starts at `offset`; null when nothing we decode (see reason). */
  network: Network | null;
  /** Why there is no network packet (network null), else null. */
  reason: NotNetworkReason | null;
  /** Offset of the network header in the buffer given (0 when not found). */
  offset: number;
  /**
   * Bytes from the network header to the end of the captured frame (less any FCS). Ethernet pads
   * short frames to 60 bytes, so the IP length fields, not this, say where the datagram ends.
   */
  length: number;
  /** Link-layer header bytes before the network header: VLAN tags, MPLS labels, NFLOG TLVs included. */
  linkHeaderLength: number;
  /** What told the network protocol, or the reason's value: the ethertype, family, nibble, PPP protocol or link type. */
  value: number | null;
  /** Offset in the buffer of the first MPLS label stack entry crossed, and how many (0: none). */
  mplsOffset: number;
  mplsLabels: number;
}

export function newNetworkLocation(): NetworkLocation {
  return { network: null, reason: null, offset: 0, length: 0, linkHeaderLength: 0, value: null, mplsOffset: 0, mplsLabels: 0 };
}

/** Where the IPv4 packet is, or why there is none (an IPv6 packet is a reason here). */
export interface Ipv4Location {
  /** null: found; then offset/length below describe it. */
  reason: NotIpv4Reason | null;
  /** Offset of the IPv4 header in the buffer given (0 when not found). */
  offset: number;
  /** Bytes from the IPv4 header to the end of the captured frame (less any FCS). */
  length: number;
  /** Link-layer header bytes skipped, VLAN tags and MPLS labels included. */
  linkHeaderLength: number;
  /** With a reason: the ethertype, address family, version nibble or link type behind it. */
  value: number | null;
}

export function newIpv4Location(): Ipv4Location {
  return { reason: null, offset: 0, length: 0, linkHeaderLength: 0, value: null };
}

function found(out: NetworkLocation, network: Network, start: number, at: number, end: number, value: number | null): NetworkLocation {
  out.network = network;
  out.reason = null;
  out.offset = at;
  out.length = end - at;
  out.linkHeaderLength = at - start;
  out.value = value;
  return out;
}

function notFound(out: NetworkLocation, reason: NotNetworkReason, value: number | null): NetworkLocation {
  out.network = null;
  out.reason = reason;
  out.offset = 0;
  out.length = 0;
  out.linkHeaderLength = 0;
  out.value = value;
  return out;
}

/** The IP packet at buf[at, end), told by its version nibble (raw IP, MPLS payloads). */
function byVersion(out: NetworkLocation, buf: Uint8Array, start: number, at: number, end: number): NetworkLocation {
  if (end - at < 1) return notFound(out, NOT_NETWORK.TRUNCATED_LINK_HEADER, null);
  const version = buf[at]! >>> 4;
  if (version === 4) return found(out, NETWORK.IPV4, start, at, end, version);
  if (version === 6) return found(out, NETWORK.IPV6, start, at, end, version);
  return notFound(out, NOT_NETWORK.OTHER_IP_VERSION, version);
}

/** An MPLS label stack at buf[at]: cross it, then read the packet under it by its version nibble. */
function byMpls(out: NetworkLocation, buf: Uint8Array, start: number, at: number, end: number): NetworkLocation {
  const after = mplsStackEnd(buf, at, end);
  if (after < 0) notFound(out, NOT_NETWORK.TRUNCATED_LINK_HEADER, ETHERTYPE.MPLS);
  else byVersion(out, buf, start, after, end);
  // The labels read, whole entries only: a stack cut before its bottom still shows them, as tshark does.
  out.mplsOffset = at;
  out.mplsLabels = Math.floor(((after < 0 ? end : after) - at) / MPLS_ENTRY_LENGTH);
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
    if (end - next < VLAN_TAG.LENGTH) return notFound(out, NOT_NETWORK.TRUNCATED_LINK_HEADER, type);
    type = be16(buf, next + VLAN_TAG.ETHERTYPE);
    next += VLAN_TAG.LENGTH;
  }
  if (type === ETHERTYPE.IPV4) return found(out, NETWORK.IPV4, start, next, end, type);
  if (type === ETHERTYPE.IPV6) return found(out, NETWORK.IPV6, start, next, end, type);
  if (type === ETHERTYPE.MPLS || type === ETHERTYPE.MPLS_MULTICAST) return byMpls(out, buf, start, next, end);
  if (type === ETHERTYPE.ARP) return notFound(out, NOT_NETWORK.ARP, type);
  return notFound(out, NOT_NETWORK.OTHER_ETHERTYPE, type);
}

const INET6_FAMILIES: readonly number[] = [
  ADDRESS_FAMILY.INET6_LINUX,
  ADDRESS_FAMILY.INET6_BSD,
  ADDRESS_FAMILY.INET6_FREEBSD,
  ADDRESS_FAMILY.INET6_DARWIN,
];

function byFamily(out: NetworkLocation, family: number, start: number, end: number): NetworkLocation {
  const at = start + FAMILY_HEADER_LENGTH;
  if (family === ADDRESS_FAMILY.INET) return found(out, NETWORK.IPV4, start, at, end, family);
  if (INET6_FAMILIES.includes(family)) return found(out, NETWORK.IPV6, start, at, end, family);
  return notFound(out, NOT_NETWORK.OTHER_FAMILY, family);
}

const STEP = newLinkStep();
const NFLOG = newNflogPayload();

/** After a PPP or HDLC header: the protocol (or ethertype, for Cisco framing) it announced. */
function byPppProtocol(out: NetworkLocation, buf: Uint8Array, start: number, end: number): NetworkLocation {
  const { protocol, next } = STEP;
  if (STEP.cisco) return byEthertype(out, buf, start, protocol, next, end);
  if (protocol === PPP_PROTOCOL.IPV4) return found(out, NETWORK.IPV4, start, next, end, protocol);
  if (protocol === PPP_PROTOCOL.IPV6) return found(out, NETWORK.IPV6, start, next, end, protocol);
  if (protocol === PPP_PROTOCOL.MPLS_UNICAST || protocol === PPP_PROTOCOL.MPLS_MULTICAST) return byMpls(out, buf, start, next, end);
  return notFound(out, NOT_NETWORK.OTHER_PPP_PROTOCOL, protocol);
}

/** NFLOG: the packet is the NFULA_PAYLOAD value, of the header's family. */
function byNflog(out: NetworkLocation, buf: Uint8Array, start: number, end: number): NetworkLocation {
  const p = nflogPayload(buf, start, end, NFLOG);
  if (p.cut) return notFound(out, NOT_NETWORK.TRUNCATED_LINK_HEADER, null);
  if (p.offset < 0) return notFound(out, NOT_NETWORK.NO_PAYLOAD, null);
  const payloadEnd = p.offset + p.length;
  if (p.family === NFLOG_FAMILY.INET) return found(out, NETWORK.IPV4, start, p.offset, payloadEnd, p.family);
  if (p.family === NFLOG_FAMILY.INET6) return found(out, NETWORK.IPV6, start, p.offset, payloadEnd, p.family);
  return notFound(out, NOT_NETWORK.OTHER_FAMILY, p.family);
}

/**
 * Where the network packet starts in the frame buf[offset, offset + length) of the given link
 * type, and what it is. Allocates nothing when `out` is passed. "Nothing we decode" is an answer
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
  out.mplsOffset = 0;
  out.mplsLabels = 0;
  switch (linkType) {
    case LINKTYPE.RAW:
    case LINKTYPE.RAW_DLT12:
    case LINKTYPE.RAW_DLT14:
      return byVersion(out, buf, offset, offset, end);
    case LINKTYPE.IPV4:
      return found(out, NETWORK.IPV4, offset, offset, end, 4);
    case LINKTYPE.IPV6:
      return found(out, NETWORK.IPV6, offset, offset, end, 6);
    case LINKTYPE.ETHERNET:
      if (length < ETHERNET.LENGTH) return notFound(out, NOT_NETWORK.TRUNCATED_LINK_HEADER, null);
      return byEthertype(out, buf, offset, be16(buf, offset + ETHERNET.ETHERTYPE), offset + ETHERNET.LENGTH, end);
    case LINKTYPE.LINUX_SLL:
      if (length < SLL.LENGTH) return notFound(out, NOT_NETWORK.TRUNCATED_LINK_HEADER, null);
      return byEthertype(out, buf, offset, be16(buf, offset + SLL.PROTOCOL), offset + SLL.LENGTH, end);
    case LINKTYPE.LINUX_SLL2:
      // The protocol field leads the header here; the payload still starts after all 20 bytes.
      if (length < SLL2.LENGTH) return notFound(out, NOT_NETWORK.TRUNCATED_LINK_HEADER, null);
      return byEthertype(out, buf, offset, be16(buf, offset + SLL2.PROTOCOL), offset + SLL2.LENGTH, end);
    case LINKTYPE.NULL: {
      if (length < FAMILY_HEADER_LENGTH) return notFound(out, NOT_NETWORK.TRUNCATED_LINK_HEADER, null);
      // Written in the capturing host's byte order, which need not be the file's: the family is
      // a small number, so if the high half is set the bytes are swapped (Wireshark does this).
      let family = u32(buf, offset, true);
      if ((family & 0xffff0000) !== 0) family = u32(buf, offset, false);
      return byFamily(out, family, offset, end);
    }
    case LINKTYPE.LOOP: {
      if (length < FAMILY_HEADER_LENGTH) return notFound(out, NOT_NETWORK.TRUNCATED_LINK_HEADER, null);
      return byFamily(out, u32(buf, offset, false), offset, end);
    }
    case LINKTYPE.PPP:
      if (!readPpp(buf, offset, end, STEP)) return notFound(out, NOT_NETWORK.TRUNCATED_LINK_HEADER, null);
      return byPppProtocol(out, buf, offset, end);
    case LINKTYPE.PPP_HDLC:
      if (!readPppHdlc(buf, offset, end, STEP)) return notFound(out, NOT_NETWORK.TRUNCATED_LINK_HEADER, null);
      return byPppProtocol(out, buf, offset, end);
    case LINKTYPE.C_HDLC:
      if (!readCiscoHdlc(buf, offset, end, STEP)) return notFound(out, NOT_NETWORK.TRUNCATED_LINK_HEADER, null);
      return byPppProtocol(out, buf, offset, end);
    case LINKTYPE.NFLOG:
      return byNflog(out, buf, offset, end);
    default:
      return notFound(out, NOT_NETWORK.UNSUPPORTED_LINK_TYPE, linkType);
  }
}

const NETWORK_SCRATCH = newNetworkLocation();

/**
 * Where the IPv4 packet starts in the frame buf[offset, offset + length) of the given link type:
 * locateNetwork, with an IPv6 packet as a reason. Allocates nothing when `out` is passed.
 */
export function locateIpv4(
  buf: Uint8Array,
  offset: number,
  length: number,
  linkType: number,
  out: Ipv4Location = newIpv4Location(),
): Ipv4Location {
  const n = locateNetwork(buf, offset, length, linkType, NETWORK_SCRATCH);
  if (n.network === NETWORK.IPV4) {
    out.reason = null;
    out.offset = n.offset;
    out.length = n.length;
    out.linkHeaderLength = n.linkHeaderLength;
    out.value = null;
    return out;
  }
  out.reason = n.network === NETWORK.IPV6 ? NOT_IPV4.IPV6 : n.reason;
  out.offset = 0;
  out.length = 0;
  out.linkHeaderLength = 0;
  out.value = n.value;
  return out;
}

/** The record fields locating needs: a RecordView, or a PcapRecord's. */
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

/** locateIpv4 for a RecordView (or anything shaped like one), leaving any FCS out. */
export function locateIpv4InRecord(view: FrameRef, out: Ipv4Location = newIpv4Location()): Ipv4Location {
  const length = Math.max(0, view.capturedLength - view.fcsLength);
  return locateIpv4(view.buffer, view.offset, length, view.linkType, out);
}

/** "ARP", "ethertype 0x88cc", "PPP LCP (protocol 0xc021)", "unsupported link type LINKTYPE 147"...: for messages. */
export function describeNotNetwork(reason: NotIpv4Reason | null, v: number | null): string {
  switch (reason) {
    case null:
      return 'IPv4';
    case NOT_IPV4.IPV6:
      return 'IPv6';
    case NOT_NETWORK.ARP:
      return 'ARP';
    case NOT_NETWORK.OTHER_ETHERTYPE:
      // Below 0x0600 the field is an 802.3 length, not a type.
      return v !== null && v < 0x0600
        ? `802.3 frame (length field ${v})`
        : `ethertype ${hex(v ?? 0, 4)}`;
    case NOT_NETWORK.OTHER_FAMILY:
      return `address family ${v}`;
    case NOT_NETWORK.OTHER_IP_VERSION:
      return `IP version ${v}`;
    case NOT_NETWORK.OTHER_PPP_PROTOCOL: {
      const name = pppProtocolName(v ?? -1);
      return `PPP ${name === null ? '' : `${name} `}(protocol ${hex(v ?? 0, 4)})`;
    }
    case NOT_NETWORK.NO_PAYLOAD:
      return 'NFLOG record without a packet';
    case NOT_NETWORK.UNSUPPORTED_LINK_TYPE:
      return `unsupported link type ${linkTypeName(v ?? -1)}`;
    case NOT_NETWORK.TRUNCATED_LINK_HEADER:
      return 'frame shorter than its link-layer header';
  }
}

/** "ARP (ethertype 0x0806)", "IPv6", "unsupported link type LINKTYPE 147"...: for messages. */
export function describeNotIpv4(loc: Ipv4Location): string {
  return describeNotNetwork(loc.reason, loc.value);
}
