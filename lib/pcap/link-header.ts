// The link-layer header that makes an IP packet (IPv4, or IPv6 with `network: 6`) a frame of a
// given link type, for writers (PcapWriter's `linkHeader`): loopback-like defaults, as `tcpdump -i lo` and `-i any` record them.

import { writeU32 } from './bytes.js';
import type { ByteOrder } from './format.js';
import { LINKTYPE, linkTypeName } from './format.js';
import { ADDRESS_FAMILY, ARPHRD, ETHERNET, ETHERTYPE, FAMILY_HEADER_LENGTH, SLL, SLL2, VLAN_TAG } from './link-fields.js';

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
