// The pcap file formats as bytes: magic numbers, header layouts and link-layer types, named once.
//
// Classic pcap ("libpcap 2.4", draft-ietf-opsawg-pcap): a 24-byte global header, then records of
// a 16-byte header followed by the captured bytes. Every multi-byte field is in the byte order of
// the machine that wrote the file; the magic number tells which.
// pcapng (draft-ietf-opsawg-pcapng): a sequence of blocks, each type(4) length(4) body length(4).

import { layout, namesOf } from '../wire/tables.js';

/** Magic numbers as read big-endian from the first four bytes of a file. */
export const MAGIC = {
  /** Classic pcap, microsecond timestamps (d4c3b2a1 when the writer was little-endian). */
  MICROSECOND: 0xa1b2c3d4,
  /** Classic pcap, nanosecond timestamps (4d3cb2a1 little-endian). */
  NANOSECOND: 0xa1b23c4d,
  /** Alexey Kuznetzov's "modified" pcap (extra record fields): recognised only to name it. */
  MODIFIED: 0xa1b2cd34,
  /** pcapng Section Header Block type; a palindrome, so the same in both byte orders. */
  PCAPNG: 0x0a0d0d0a,
} as const;

/** Classic global header (24 bytes), u32 fields but the two version numbers. */
export const GLOBAL_HEADER = layout(
  [['MAGIC', 4]],
  [['VERSION_MAJOR', 2], ['VERSION_MINOR', 2]], // 2.4
  [['THISZONE', 4]], // i32, always 0 in practice
  [['SIGFIGS', 4]], // always 0
  [['SNAPLEN', 4]],
  [['LINKTYPE', 4]], // link type in the low 16 bits, FCS information in the high bits
  [['LENGTH', 0]],
);

/** Classic record header (16 bytes, u32 each), followed by `incl_len` captured bytes. */
export const RECORD_HEADER = layout(
  [['TS_SEC', 4]],
  [['TS_FRACTION', 4]], // microseconds or nanoseconds, per the magic number
  [['INCL_LEN', 4]], // bytes stored in the file
  [['ORIG_LEN', 4]], // bytes on the wire
  [['LENGTH', 0]],
);

/**
 * The largest captured length we accept in one record: libpcap's MAXIMUM_SNAPLEN (262144, also
 * tcpdump's default snaplen). A bigger `incl_len` means a corrupt file, not a big packet, and
 * must not make us allocate or wait for gigabytes.
 */
export const MAX_CAPTURED_LENGTH = 262144;

/** pcapng block types (draft-ietf-opsawg-pcapng section 10.1). */
export const BLOCK_TYPE = {
  SECTION_HEADER: 0x0a0d0d0a,
  INTERFACE_DESCRIPTION: 0x00000001,
  PACKET: 0x00000002, // obsolete, still written by old tools
  SIMPLE_PACKET: 0x00000003,
  NAME_RESOLUTION: 0x00000004,
  INTERFACE_STATISTICS: 0x00000005,
  ENHANCED_PACKET: 0x00000006,
} as const;

/** pcapng byte-order magic, in the Section Header Block right after the block length. */
export const PCAPNG_BYTE_ORDER_MAGIC = 0x1a2b3c4d;

/**
 * A sanity cap on one pcapng block (Wireshark uses the same 16 MiB): a bigger block length is
 * corruption, and honouring it would make a streaming reader buffer without bound.
 */
export const MAX_BLOCK_LENGTH = 16 * 1024 * 1024;

/** pcapng Interface Description Block option codes we use (section 4.2). */
export const IDB_OPTION = {
  END: 0,
  IF_TSRESOL: 9, // u8: 10^-n (high bit clear) or 2^-n (high bit set) seconds per unit
  IF_FCSLEN: 13, // u8: FCS bytes at the end of each frame
  IF_TSOFFSET: 14, // i64: seconds to add to every timestamp
  IF_NAME: 2, // UTF-8 text: the interface's name ("eth0")
} as const;

/** pcapng Section Header Block option codes we write (section 4.1). */
export const SHB_OPTION = {
  END: 0,
  USER_APPL: 4, // UTF-8 text: the application that wrote the section
} as const;

/**
 * Link-layer header types (tcpdump.org/linktypes.html), the values stored in files. Unknown
 * values are data: records keep the number, only locating the IPv4 packet needs to know it.
 */
export const LINKTYPE = {
  /** BSD loopback: 4-byte address family in the capturing host's byte order. */
  NULL: 0,
  ETHERNET: 1,
  /** PPP (RFC 1661): the protocol field first, or ff 03 (RFC 1662 framing) before it. */
  PPP: 9,
  /** PPP in HDLC-like framing (ff 03, RFC 1662), or Cisco HDLC framing (0f / 8f) as RFC 1547 4.3.1 allows. */
  PPP_HDLC: 50,
  /** Raw IP; OpenBSD and some old files use DLT values 12 and 14 for the same thing. */
  RAW_DLT12: 12,
  RAW_DLT14: 14,
  /** Raw IPv4 or IPv6, told apart by the IP version nibble. What tshark and tcpdump read best. */
  RAW: 101,
  /** OpenBSD loopback: 4-byte address family in network byte order. */
  LOOP: 108,
  /** Cisco HDLC: address (0f unicast, 8f broadcast), control 00, then an ethertype. */
  C_HDLC: 104,
  /** Linux cooked capture v1 (tcpdump -i any before libpcap 1.10, or -y LINUX_SLL). */
  LINUX_SLL: 113,
  /** Raw IPv4 only. */
  IPV4: 228,
  /** Linux netfilter log (`nft ... log group N`, `tcpdump -i nflog:N`): a 4-byte header, then TLVs. */
  NFLOG: 239,
  /** Raw IPv6 only. */
  IPV6: 229,
  /** Linux cooked capture v2 (tcpdump -i any with libpcap >= 1.10). */
  LINUX_SLL2: 276,
} as const;

/** Every name in LINKTYPE; OpenBSD's two numbers for raw IP are RAW too. */
const LINKTYPE_NAMES = namesOf(LINKTYPE, (key) => (key.startsWith('RAW_') ? 'RAW' : key));

/** "ETHERNET (1)", or "LINKTYPE 147" for a type we do not know by name. */
export function linkTypeName(linkType: number): string {
  const name = LINKTYPE_NAMES.get(linkType);
  return name === undefined ? `LINKTYPE ${linkType}` : `${name} (${linkType})`;
}

export type ByteOrder = 'little' | 'big';
