// Locating the IPv4 packet (and any network packet) in a frame, per link type, from hand-written
// frames; and the link headers we build for writers.

import test, { type ExecutionContext } from 'ava';
import {
  LINKTYPE,
  NOT_IPV4,
  NOT_NETWORK,
  describeNotIpv4,
  describeNotNetwork,
  ipLinkHeader,
  ipv4LinkHeader,
  locateIpv4,
  locateIpv4InRecord,
  locateNetwork,
  mplsLabels,
  newIpv4Location,
  newNetworkLocation,
  nflogInfo,
  type Ipv4Location,
  type NetworkLocation,
} from '../../lib/pcap/index.js';
import { icmpEchoPacket } from './helpers.js';

const IP = icmpEchoPacket({ payload: 4 }); // 32 bytes
const IPHEX = IP.toString('hex');
const IPV6 = '6000000000083a40' + '00'.repeat(32) + '8000000000000000';
const ARP = '0001080006040001' + '00'.repeat(20);
const MACS = '020000000001' + '020000000002';

interface Case {
  name: string;
  linkType: number;
  frame: string;
  /** Expected IPv4 offset, or the reason and value. */
  offset?: number;
  reason?: string;
  value?: number | null;
  describe?: string;
}

const CASES: Case[] = [
  { name: 'RAW 101, IPv4', linkType: 101, frame: IPHEX, offset: 0 },
  { name: 'RAW 101, IPv6', linkType: 101, frame: IPV6, reason: NOT_IPV4.IPV6, value: 6, describe: 'IPv6' },
  { name: 'RAW 101, version 5', linkType: 101, frame: '55' + IPHEX.slice(2), reason: NOT_IPV4.OTHER_IP_VERSION, value: 5, describe: 'IP version 5' },
  { name: 'RAW 101, empty', linkType: 101, frame: '', reason: NOT_IPV4.TRUNCATED_LINK_HEADER, value: null },
  { name: 'RAW as DLT 12', linkType: 12, frame: IPHEX, offset: 0 },
  { name: 'RAW as DLT 14', linkType: 14, frame: IPHEX, offset: 0 },
  { name: 'IPV4 228', linkType: 228, frame: IPHEX, offset: 0 },
  { name: 'IPV6 229', linkType: 229, frame: IPV6, reason: NOT_IPV4.IPV6, value: 6 },
  { name: 'Ethernet IPv4', linkType: 1, frame: MACS + '0800' + IPHEX, offset: 14 },
  { name: 'Ethernet ARP', linkType: 1, frame: MACS + '0806' + ARP, reason: NOT_IPV4.ARP, value: 0x0806, describe: 'ARP' },
  { name: 'Ethernet IPv6', linkType: 1, frame: MACS + '86dd' + IPV6, reason: NOT_IPV4.IPV6, value: 0x86dd },
  { name: 'Ethernet 802.1Q VLAN 100, IPv4', linkType: 1, frame: MACS + '8100' + '0064' + '0800' + IPHEX, offset: 18 },
  { name: 'Ethernet 802.1ad + 802.1Q (QinQ), IPv4', linkType: 1, frame: MACS + '88a8' + '00c8' + '8100' + '0064' + '0800' + IPHEX, offset: 22 },
  { name: 'Ethernet old 0x9100 double tag, IPv4', linkType: 1, frame: MACS + '9100' + '0001' + '8100' + '0002' + '0800' + IPHEX, offset: 22 },
  { name: 'Ethernet VLAN, ARP inside', linkType: 1, frame: MACS + '8100' + '0064' + '0806' + ARP, reason: NOT_IPV4.ARP, value: 0x0806 },
  { name: 'Ethernet VLAN tag cut', linkType: 1, frame: MACS + '8100' + '00', reason: NOT_IPV4.TRUNCATED_LINK_HEADER, value: 0x8100 },
  { name: 'Ethernet 802.3 length field', linkType: 1, frame: MACS + '0026' + 'aaaa03' + '00'.repeat(40), reason: NOT_IPV4.OTHER_ETHERTYPE, value: 0x26, describe: '802.3 frame (length field 38)' },
  { name: 'Ethernet LLDP', linkType: 1, frame: MACS + '88cc' + '00'.repeat(30), reason: NOT_IPV4.OTHER_ETHERTYPE, value: 0x88cc, describe: 'ethertype 0x88cc' },
  { name: 'Ethernet cut at 13 bytes', linkType: 1, frame: MACS + '08', reason: NOT_IPV4.TRUNCATED_LINK_HEADER, value: null },
  { name: 'Ethernet header only: IPv4 of 0 bytes (the IPv4 decoder reports that)', linkType: 1, frame: MACS + '0800', offset: 14 },
  { name: 'SLL IPv4', linkType: 113, frame: '0000' + '0304' + '0006' + '000000000000' + '0000' + '0800' + IPHEX, offset: 16 },
  { name: 'SLL ARP', linkType: 113, frame: '0001' + '0001' + '0006' + '020000000001' + '0000' + '0806' + ARP, reason: NOT_IPV4.ARP, value: 0x0806 },
  { name: 'SLL VLAN IPv4', linkType: 113, frame: '0000' + '0001' + '0006' + '020000000001' + '0000' + '8100' + '0064' + '0800' + IPHEX, offset: 20 },
  { name: 'SLL cut', linkType: 113, frame: '0000030400060000', reason: NOT_IPV4.TRUNCATED_LINK_HEADER, value: null },
  { name: 'SLL2 IPv4 (as tcpdump -i any writes lo)', linkType: 276, frame: '0800' + '0000' + '00000001' + '0304' + '00' + '06' + '0000000000000000' + IPHEX, offset: 20 },
  { name: 'SLL2 IPv6', linkType: 276, frame: '86dd' + '0000' + '00000001' + '0304' + '04' + '06' + '0000000000000000' + IPV6, reason: NOT_IPV4.IPV6, value: 0x86dd },
  { name: 'SLL2 VLAN IPv4 (tag after the 20-byte header)', linkType: 276, frame: '8100' + '0000' + '00000002' + '0001' + '00' + '06' + '0200000000010000' + '0064' + '0800' + IPHEX, offset: 24 },
  { name: 'SLL2 cut', linkType: 276, frame: '0800' + '00'.repeat(17), reason: NOT_IPV4.TRUNCATED_LINK_HEADER, value: null },
  { name: 'NULL, family 2 little-endian', linkType: 0, frame: '02000000' + IPHEX, offset: 4 },
  { name: 'NULL, family 2 big-endian (other host order)', linkType: 0, frame: '00000002' + IPHEX, offset: 4 },
  { name: 'NULL, IPv6 NetBSD/OpenBSD 24', linkType: 0, frame: '18000000' + IPV6, reason: NOT_IPV4.IPV6, value: 24 },
  { name: 'NULL, IPv6 FreeBSD 28 big-endian', linkType: 0, frame: '0000001c' + IPV6, reason: NOT_IPV4.IPV6, value: 28 },
  { name: 'NULL, IPv6 Darwin 30', linkType: 0, frame: '1e000000' + IPV6, reason: NOT_IPV4.IPV6, value: 30 },
  { name: 'NULL, family 7', linkType: 0, frame: '07000000' + '00'.repeat(20), reason: NOT_IPV4.OTHER_FAMILY, value: 7, describe: 'address family 7' },
  { name: 'NULL cut', linkType: 0, frame: '020000', reason: NOT_IPV4.TRUNCATED_LINK_HEADER, value: null },
  { name: 'LOOP, family 2 (network order)', linkType: 108, frame: '00000002' + IPHEX, offset: 4 },
  { name: 'LOOP, IPv6 24', linkType: 108, frame: '00000018' + IPV6, reason: NOT_IPV4.IPV6, value: 24 },
  { name: 'LOOP is always network order: 02000000 is not AF_INET', linkType: 108, frame: '02000000' + IPHEX, reason: NOT_IPV4.OTHER_FAMILY, value: 0x02000000 },
  { name: 'unknown link type 147', linkType: 147, frame: IPHEX, reason: NOT_IPV4.UNSUPPORTED_LINK_TYPE, value: 147, describe: 'unsupported link type LINKTYPE 147' },
  { name: 'Wi-Fi 105 is not decoded', linkType: 105, frame: IPHEX, reason: NOT_IPV4.UNSUPPORTED_LINK_TYPE, value: 105 },
];

/**
 * Locates case c's frame put at `at` in a larger 0xa5-filled buffer (`extra` bytes more), as in a
 * reader's chunk, into a fresh location object, which `locate` must fill and return.
 */
function locateInChunk<L>(
  t: ExecutionContext,
  c: { frame: string; linkType: number },
  at: number,
  extra: number,
  fresh: () => L,
  locate: (buf: Buffer, offset: number, length: number, linkType: number, out: L) => L,
): { frame: Buffer; buf: Buffer; loc: L } {
  const frame = Buffer.from(c.frame, 'hex');
  const buf = Buffer.alloc(frame.length + extra, 0xa5);
  frame.copy(buf, at);
  const out = fresh();
  const loc = locate(buf, at, frame.length, c.linkType, out);
  t.is(loc, out, 'fills the object given');
  return { frame, buf, loc };
}

for (const c of CASES) {
  test(`locateIpv4: ${c.name}`, (t) => {
    const { frame, loc } = locateInChunk(t, c, 7, 11, newIpv4Location, locateIpv4);
    if (c.offset !== undefined) {
      t.deepEqual(loc, {
        reason: null,
        offset: 7 + c.offset,
        length: frame.length - c.offset,
        linkHeaderLength: c.offset,
        value: null,
      });
      t.is(describeNotIpv4(loc), 'IPv4');
    } else {
      t.is(loc.reason, c.reason as Ipv4Location['reason']);
      t.is(loc.value, c.value ?? null);
      t.is(loc.offset, 0);
      t.is(loc.length, 0);
      if (c.describe !== undefined) t.is(describeNotIpv4(loc), c.describe);
    }
  });
}

test('one location object reused: a miss after a hit leaves no stale offset', (t) => {
  const out = newIpv4Location();
  locateIpv4(Buffer.from(MACS + '0800' + IPHEX, 'hex'), 0, 14 + IP.length, 1, out);
  t.is(out.offset, 14);
  locateIpv4(Buffer.from(MACS + '0806' + ARP, 'hex'), 0, 14 + 28, 1, out);
  t.deepEqual(out, { reason: 'arp', offset: 0, length: 0, linkHeaderLength: 0, value: 0x0806 });
});

test('locateIpv4InRecord leaves out the FCS', (t) => {
  const frame = Buffer.from(MACS + '0800' + IPHEX + 'aabbccdd', 'hex');
  const loc = locateIpv4InRecord({ buffer: frame, offset: 0, capturedLength: frame.length, linkType: 1, fcsLength: 4 });
  t.deepEqual([loc.offset, loc.length], [14, IP.length]);
  const none = locateIpv4InRecord({ buffer: frame, offset: 0, capturedLength: 2, linkType: 101, fcsLength: 4 });
  t.is(none.reason, NOT_IPV4.TRUNCATED_LINK_HEADER);
});

const HEADERS: [string, number, object, string][] = [
  ['RAW', LINKTYPE.RAW, {}, ''],
  ['IPV4', LINKTYPE.IPV4, {}, ''],
  ['ETHERNET', LINKTYPE.ETHERNET, {}, '000000000000' + '000000000000' + '0800'],
  ['ETHERNET with VLAN 100 and MACs', LINKTYPE.ETHERNET, { vlanId: 100, source: Buffer.from('020000000001', 'hex'), destination: Buffer.from('020000000002', 'hex') }, '020000000002' + '020000000001' + '8100' + '0064' + '0800'],
  ['LINUX_SLL', LINKTYPE.LINUX_SLL, {}, '0000' + '0304' + '0006' + '0000000000000000' + '0800'],
  ['LINUX_SLL outgoing', LINKTYPE.LINUX_SLL, { packetType: 4 }, '0004' + '0304' + '0006' + '0000000000000000' + '0800'],
  ['LINUX_SLL2', LINKTYPE.LINUX_SLL2, {}, '0800' + '0000' + '00000001' + '0304' + '00' + '06' + '0000000000000000'],
  ['NULL little-endian', LINKTYPE.NULL, { byteOrder: 'little' }, '02000000'],
  ['NULL big-endian', LINKTYPE.NULL, { byteOrder: 'big' }, '00000002'],
  ['LOOP', LINKTYPE.LOOP, {}, '00000002'],
];

for (const [name, linkType, options, hex] of HEADERS) {
  test(`ipv4LinkHeader ${name}: exact bytes, and locateIpv4 finds the packet after it`, (t) => {
    const h = ipv4LinkHeader(linkType, options);
    t.is(h.toString('hex'), hex);
    const frame = Buffer.concat([h, IP]);
    const loc = locateIpv4(frame, 0, frame.length, linkType);
    t.is(loc.reason, null);
    t.is(loc.offset, h.length);
    t.is(frame.subarray(loc.offset).toString('hex'), IPHEX);
  });
}

test('ipv4LinkHeader refuses what it cannot build', (t) => {
  t.throws(() => ipv4LinkHeader(LINKTYPE.IPV6), { instanceOf: RangeError, message: /IPV6 \(229\)/ });
  t.throws(() => ipv4LinkHeader(147), { instanceOf: RangeError, message: /LINKTYPE 147/ });
  t.throws(() => ipv4LinkHeader(LINKTYPE.ETHERNET, { vlanId: 4096 }), { instanceOf: RangeError, message: /VLAN id 4096/ });
});

const HEADERS6: [string, number, object, string][] = [
  ['RAW', LINKTYPE.RAW, {}, ''],
  ['IPV6', LINKTYPE.IPV6, {}, ''],
  ['ETHERNET', LINKTYPE.ETHERNET, {}, '000000000000' + '000000000000' + '86dd'],
  ['ETHERNET with VLAN 7', LINKTYPE.ETHERNET, { vlanId: 7 }, '000000000000' + '000000000000' + '8100' + '0007' + '86dd'],
  ['LINUX_SLL', LINKTYPE.LINUX_SLL, {}, '0000' + '0304' + '0006' + '0000000000000000' + '86dd'],
  ['LINUX_SLL2', LINKTYPE.LINUX_SLL2, {}, '86dd' + '0000' + '00000001' + '0304' + '00' + '06' + '0000000000000000'],
  ['NULL little-endian', LINKTYPE.NULL, { byteOrder: 'little' }, '18000000'],
  ['LOOP', LINKTYPE.LOOP, {}, '00000018'],
];

for (const [name, linkType, options, hex] of HEADERS6) {
  test(`ipLinkHeader for IPv6, ${name}: exact bytes, and locateNetwork finds the IPv6 packet after it`, (t) => {
    const h = ipLinkHeader(linkType, { ...options, network: 6 });
    t.is(h.toString('hex'), hex);
    const frame = Buffer.concat([h, Buffer.from(IPV6, 'hex')]);
    const loc = locateNetwork(frame, 0, frame.length, linkType);
    t.is(loc.network, 'ipv6');
    t.is(loc.offset, h.length);
  });
}

test('ipLinkHeader refuses an IPv6 packet as LINKTYPE_IPV4', (t) => {
  t.throws(() => ipLinkHeader(LINKTYPE.IPV4, { network: 6 }), { instanceOf: RangeError, message: /IPv6 .*IPV4 \(228\)/ });
});

// ---- every network a frame can carry, and the link types of routers and netfilter (issue 20) ----

interface NetworkCase {
  name: string;
  linkType: number;
  frame: string;
  /** Expected network, offset of its header in the frame, MPLS labels crossed. */
  network?: 'ipv4' | 'ipv6';
  offset?: number;
  labels?: number;
  reason?: string;
  value?: number | null;
  describe?: string;
}

/** One MPLS label stack entry: label(20) TC(3) S(1) TTL(8) (RFC 3032). */
function mpls(label: number, bottom: boolean, ttl = 64, tc = 0): string {
  return (((label << 12) | (tc << 9) | (bottom ? 0x100 : 0) | ttl) >>> 0).toString(16).padStart(8, '0');
}

/** An NFLOG record: header, then TLVs (length and type in `le` byte order), each padded to 4. */
function nflog(family: number, tlvs: [number, string][], le = true): string {
  const u16 = (v: number): string => {
    const b = Buffer.alloc(2);
    if (le) b.writeUInt16LE(v);
    else b.writeUInt16BE(v);
    return b.toString('hex');
  };
  let out = family.toString(16).padStart(2, '0') + '00' + '0005';
  for (const [type, value] of tlvs) {
    const length = 4 + value.length / 2;
    out += u16(length) + u16(type) + value + '00'.repeat((4 - (length % 4)) % 4);
  }
  return out;
}

const PREFIX = Buffer.from('rawprobe \0').toString('hex');
const NETWORK_CASES: NetworkCase[] = [
  { name: 'Ethernet IPv6 is located', linkType: 1, frame: MACS + '86dd' + IPV6, network: 'ipv6', offset: 14 },
  { name: 'RAW IPv6 is located', linkType: 101, frame: IPV6, network: 'ipv6', offset: 0 },
  { name: 'NULL IPv6 (Darwin 30) is located', linkType: 0, frame: '1e000000' + IPV6, network: 'ipv6', offset: 4 },
  { name: 'MPLS over Ethernet: two labels, IPv4 under them', linkType: 1, frame: MACS + '8847' + mpls(16005, false) + mpls(100, true) + IPHEX, network: 'ipv4', offset: 22, labels: 2 },
  { name: 'MPLS multicast ethertype 0x8848', linkType: 1, frame: MACS + '8848' + mpls(24000, true) + IPHEX, network: 'ipv4', offset: 18, labels: 1 },
  { name: 'MPLS IPv6 explicit null (label 2)', linkType: 1, frame: MACS + '8847' + mpls(2, true) + IPV6, network: 'ipv6', offset: 18, labels: 1 },
  { name: 'VLAN then MPLS', linkType: 1, frame: MACS + '8100' + '0064' + '8847' + mpls(17, true) + IPHEX, network: 'ipv4', offset: 22, labels: 1 },
  { name: 'MPLS in Linux cooked v2', linkType: 276, frame: '8847' + '0000' + '00000002' + '0001' + '00' + '06' + '0200000000010000' + mpls(300, true) + IPHEX, network: 'ipv4', offset: 24, labels: 1 },
  { name: 'MPLS stack with no bottom entry before the end (the labels read are kept)', linkType: 1, frame: MACS + '8847' + mpls(1, false) + mpls(2, false) + 'ab', reason: NOT_NETWORK.TRUNCATED_LINK_HEADER, value: 0x8847, labels: 2 },
  { name: 'MPLS over a pseudowire control word (nibble 0)', linkType: 1, frame: MACS + '8847' + mpls(5, true) + '00000000' + MACS, reason: NOT_NETWORK.OTHER_IP_VERSION, value: 0, labels: 1 },
  { name: 'PPP with ff 03, IPv4', linkType: 9, frame: 'ff030021' + IPHEX, network: 'ipv4', offset: 4 },
  { name: 'PPP without framing, compressed protocol field 21', linkType: 9, frame: '21' + IPHEX, network: 'ipv4', offset: 1 },
  { name: 'PPP without framing, full protocol field', linkType: 9, frame: '0021' + IPHEX, network: 'ipv4', offset: 2 },
  { name: 'PPP IPv6', linkType: 9, frame: 'ff030057' + IPV6, network: 'ipv6', offset: 4 },
  { name: 'PPP MPLS unicast', linkType: 9, frame: 'ff030281' + mpls(100, true) + IPHEX, network: 'ipv4', offset: 8, labels: 1 },
  { name: 'PPP LCP', linkType: 9, frame: 'ff03c021' + '0901000c12345678', reason: NOT_NETWORK.OTHER_PPP_PROTOCOL, value: 0xc021, describe: 'PPP LCP (protocol 0xc021)' },
  { name: 'PPP protocol 0x4021 we do not name', linkType: 9, frame: 'ff034021' + '00', reason: NOT_NETWORK.OTHER_PPP_PROTOCOL, value: 0x4021, describe: 'PPP (protocol 0x4021)' },
  { name: 'PPP cut in its protocol field', linkType: 9, frame: 'ff0300', reason: NOT_NETWORK.TRUNCATED_LINK_HEADER, value: null },
  { name: 'PPP_HDLC, IPv4', linkType: 50, frame: 'ff030021' + IPHEX, network: 'ipv4', offset: 4 },
  { name: 'PPP_HDLC with Cisco framing (0f)', linkType: 50, frame: '0f000800' + IPHEX, network: 'ipv4', offset: 4 },
  { name: 'Cisco HDLC unicast, IPv4', linkType: 104, frame: '0f000800' + IPHEX, network: 'ipv4', offset: 4 },
  { name: 'Cisco HDLC broadcast, IPv6', linkType: 104, frame: '8f0086dd' + IPV6, network: 'ipv6', offset: 4 },
  { name: 'Cisco HDLC SLARP', linkType: 104, frame: '8f008035' + '00'.repeat(18), reason: NOT_NETWORK.OTHER_ETHERTYPE, value: 0x8035, describe: 'ethertype 0x8035' },
  { name: 'Cisco HDLC cut', linkType: 104, frame: '0f00', reason: NOT_NETWORK.TRUNCATED_LINK_HEADER, value: null },
  { name: 'NFLOG, TLVs little-endian: prefix, then the payload', linkType: 239, frame: nflog(2, [[1, '08000300'], [10, PREFIX], [9, IPHEX]]), network: 'ipv4', offset: 4 + 8 + 16 + 4 },
  { name: 'NFLOG, TLVs big-endian (a big-endian capturing host)', linkType: 239, frame: nflog(2, [[10, PREFIX], [9, IPHEX]], false), network: 'ipv4', offset: 4 + 16 + 4 },
  { name: 'NFLOG IPv6', linkType: 239, frame: nflog(10, [[9, IPV6]]), network: 'ipv6', offset: 8 },
  { name: 'NFLOG without a payload TLV', linkType: 239, frame: nflog(2, [[10, PREFIX]]), reason: NOT_NETWORK.NO_PAYLOAD, value: null, describe: 'NFLOG record without a packet' },
  { name: 'NFLOG bridge family', linkType: 239, frame: nflog(7, [[9, IPHEX]]), reason: NOT_NETWORK.OTHER_FAMILY, value: 7 },
  { name: 'NFLOG TLV longer than the record', linkType: 239, frame: nflog(2, [[9, IPHEX]]).slice(0, 40), reason: NOT_NETWORK.TRUNCATED_LINK_HEADER, value: null },
  { name: 'NFLOG header cut', linkType: 239, frame: '0200', reason: NOT_NETWORK.TRUNCATED_LINK_HEADER, value: null },
];

for (const c of NETWORK_CASES) {
  test(`locateNetwork: ${c.name}`, (t) => {
    const { frame, buf, loc } = locateInChunk(t, c, 5, 9, newNetworkLocation, locateNetwork);
    t.is(loc.mplsLabels, c.labels ?? 0);
    if (c.network !== undefined) {
      t.is(loc.network, c.network);
      t.is(loc.reason, null);
      t.is(loc.offset, 5 + c.offset!);
      t.is(loc.linkHeaderLength, c.offset!);
      t.is(loc.length, frame.length - c.offset!);
      if ((c.labels ?? 0) > 0) t.is(mplsLabels(buf, loc.mplsOffset, loc.mplsLabels).at(-1)!.bottom, true);
      // locateIpv4 agrees: IPv4 found at the same place, IPv6 a reason.
      const v4 = locateIpv4(buf, 5, frame.length, c.linkType);
      if (c.network === 'ipv4') t.is(v4.offset, loc.offset);
      else t.is(v4.reason, NOT_IPV4.IPV6);
    } else {
      t.is(loc.network, null);
      t.is(loc.reason, c.reason as NetworkLocation['reason']);
      t.is(loc.value, c.value ?? null);
      if (c.describe !== undefined) t.is(describeNotNetwork(loc.reason, loc.value), c.describe);
      t.is(locateIpv4(buf, 5, frame.length, c.linkType).reason, c.reason as Ipv4Location['reason']);
    }
  });
}

test('mplsLabels reads label, traffic class, bottom of stack and TTL', (t) => {
  const b = Buffer.from(mpls(16005, false, 63, 5) + mpls(1048575, true, 1), 'hex');
  t.deepEqual(mplsLabels(b, 0, 2), [
    { label: 16005, tc: 5, bottom: false, ttl: 63 },
    { label: 1048575, tc: 0, bottom: true, ttl: 1 },
  ]);
});

test('nflogInfo reads the group, prefix, hook and interfaces a log record carries', (t) => {
  const b = Buffer.from(nflog(2, [[1, '08000300'], [10, PREFIX], [5, '00000001'], [11, '000003e8'], [9, IPHEX]]), 'hex');
  t.like(nflogInfo(b, 0, b.length), { family: 2, group: 5, prefix: 'rawprobe ', hwProtocol: 0x0800, hook: 3, outdev: 1, uid: 1000, indev: null });
  t.is(nflogInfo(b, 0, 3), null, 'a cut header');
});
