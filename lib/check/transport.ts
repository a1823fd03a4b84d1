// The upper-layer checksums of one packet, for either IP version: ICMP (RFC 792: no
// pseudo-header), ICMPv6 (RFC 4443 section 2.3), UDP (RFC 768) and TCP (RFC 793 section 3.1),
// the last three over the pseudo-header whose address sum the IP side hands over (IPv4 source
// and destination; IPv6 source and final destination, RFC 8200 section 8.1). verify.ts and
// verify6.ts find the layer and fill the one reused UpperLayer; nothing here allocates.
//
// Checksum offload: a packet captured on the host that sent it (always on loopback) may carry
// only the pseudo-header sum in its UDP/TCP checksum field, because the kernel leaves the rest to
// the network card (CHECKSUM_PARTIAL). Such a checksum is bad as captured, for us and for tshark
// alike; `offloaded` says the found value is exactly that partial sum. Read from a raw socket
// instead (received), such a checksum is one the kernel delivered as checked: unverifiable.

import { u16 } from '../wire/bytes.js';
import { sum16Words } from '../wire/checksum.js';
import { withLengthAndProtocol } from '../wire/ipv6-checksum.js';
import { FIELD as TCP_FIELD } from '../wire/tcp.js';
import { FIELD as UDP_FIELD } from '../wire/udp.js';
import {
  CHECKSUM_FIELD,
  icmpChecksum,
  icmpv6Checksum,
  LAYER,
  markMalformed,
  STATUS,
  tcpChecksum,
  udpChecksum,
  UNVERIFIABLE,
  type PacketChecksums,
} from './status.js';

/** What the upper-layer checks need of the packet around them. */
export interface UpperLayer {
  b: Uint8Array;
  /** b's bytes as words (lib/wire wordsOf), for the sums. */
  w: DataView;
  /** Where the IP header starts, and where the upper layer starts from there. */
  o: number;
  hl: number;
  /** Upper-layer bytes the IP header announces, of which captured. */
  segment: number;
  present: number;
  /** All of it is here (captured, and not a first fragment with more to come). */
  complete: boolean;
  /** More fragments follow (the reason a checksum is unverifiable, when not complete). */
  fragment: boolean;
  /** The pseudo-header's address sum. */
  addressSum: number;
  /** Over IPv6: a UDP checksum of 0 is bad, not "none sent". */
  ipv6: boolean;
  /** Read from a raw socket (VerifyOptions.received). */
  received: boolean;
}

/** One UpperLayer, reused: this runs for every packet of a capture and allocates nothing. */
export const SCRATCH: UpperLayer = { b: new Uint8Array(0), w: new DataView(new ArrayBuffer(0)), o: 0, hl: 0, segment: 0, present: 0, complete: false, fragment: false, addressSum: 0, ipv6: false, received: false };

/** LAYER of an upper-layer protocol number, -1 for one we do not check. */
export function layerOf(protocol: number, ipv6: boolean): number {
  if (protocol === 17) return LAYER.UDP;
  if (protocol === 6) return LAYER.TCP;
  if (protocol === (ipv6 ? 58 : 1)) return ipv6 ? LAYER.ICMPV6 : LAYER.ICMP;
  return -1;
}

/** Checks the upper layer `layer` as `t` describes it; returns `out`. */
export function verifyUpper(layer: number, t: UpperLayer, out: PacketChecksums): PacketChecksums {
  out.transport = layer;
  out.transportOffset = t.hl;
  if (layer === LAYER.ICMP || layer === LAYER.ICMPV6) return verifyIcmp(t, out, layer);
  if (layer === LAYER.UDP) return verifyUdp(t, out);
  return verifyTcp(t, out);
}

/**
 * The checks every upper layer starts with: a segment too short for its header is malformed
 * (false), else the checksum field is read where it was captured. Returns whether to go on.
 */
function header(t: UpperLayer, out: PacketChecksums, minLength: number, checksumField: number, what: string): boolean {
  if (t.segment < minLength) {
    markMalformed(out, what, t.hl);
    return false;
  }
  if (t.present >= checksumField + 2) out.transportFound = u16(t.b, t.o + t.hl + checksumField);
  return true;
}

const SHORT = {
  ICMP: 'ICMP message shorter than its 8-byte header',
  ICMPV6: 'ICMPv6 message shorter than its 4-byte header',
  UDP: 'UDP datagram shorter than its 8-byte header',
  TCP: 'TCP segment shorter than its 20-byte header',
  TCP_OFFSET: 'TCP data offset is below 5 or past the end of the segment',
} as const;

function verifyIcmp(t: UpperLayer, out: PacketChecksums, layer: number): PacketChecksums {
  const v6 = layer === LAYER.ICMPV6;
  const p = t.o + t.hl;
  if (!header(t, out, v6 ? 4 : 8, CHECKSUM_FIELD[layer]!, v6 ? SHORT.ICMPV6 : SHORT.ICMP)) return out;
  if (!t.complete) return unverifiable(out, t);
  const pseudo = v6 ? withLengthAndProtocol(t.addressSum, 58, t.segment) : 0;
  if (sum16Words(t.w, p, t.segment, pseudo) === 0xffff) good(out);
  else bad(out, v6 ? icmpv6Checksum(t.b, p, t.segment, pseudo) : icmpChecksum(t.b, p, t.segment));
  return out;
}

function verifyUdp(t: UpperLayer, out: PacketChecksums): PacketChecksums {
  const { b, segment, present } = t;
  const p = t.o + t.hl;
  if (!header(t, out, 8, UDP_FIELD.CHECKSUM, SHORT.UDP)) return out;
  const zero = present >= 8 && out.transportFound === 0;
  if (zero && !t.ipv6) {
    out.transportStatus = STATUS.ABSENT;
    out.transportExpected = 0;
    return out;
  }
  const udpLength = present >= 8 ? u16(b, p + UDP_FIELD.LENGTH) : 0;
  const lengthFits = udpLength >= 8 && udpLength <= segment;
  if (!t.complete || !lengthFits) {
    // Over IPv6, 0 is wrong whatever the rest holds (RFC 8200 section 8.1; tshark: "Illegal"),
    // though the right value cannot be told without the whole datagram.
    if (zero) bad(out, -1);
    else if (!t.complete) unverifiable(out, t);
    else {
      out.transportStatus = STATUS.UNVERIFIABLE;
      out.unverifiable = UNVERIFIABLE.UDP_LENGTH;
    }
    return out;
  }
  const pseudo = withLengthAndProtocol(t.addressSum, 17, udpLength);
  // Over IPv6 a zero is bad even where the sum would hold: a computed 0 is sent as 0xffff.
  if (!zero && sum16Words(t.w, p, udpLength, pseudo) === 0xffff) good(out);
  else offloadedOrBad(t, out, udpChecksum(b, p, udpLength, pseudo), pseudo);
  return out;
}

function verifyTcp(t: UpperLayer, out: PacketChecksums): PacketChecksums {
  const { b, segment, present } = t;
  const p = t.o + t.hl;
  if (!header(t, out, 20, TCP_FIELD.CHECKSUM, SHORT.TCP)) return out;
  if (present >= TCP_FIELD.DATA_OFFSET + 1) {
    const dataOffset = (b[p + TCP_FIELD.DATA_OFFSET]! >>> 4) << 2;
    if (dataOffset < 20 || dataOffset > segment) return markMalformed(out, SHORT.TCP_OFFSET, t.hl + TCP_FIELD.DATA_OFFSET);
  }
  if (!t.complete) return unverifiable(out, t);
  const pseudo = withLengthAndProtocol(t.addressSum, 6, segment);
  if (sum16Words(t.w, p, segment, pseudo) === 0xffff) {
    if (out.transportFound === 0xffff) {
      // Valid in one's complement, but a computed TCP checksum is never 0xffff (it is 0x0000
      // here): RFC 1624 section 3. tshark reports it as bad; so do we, to count alike.
      bad(out, 0);
    } else good(out);
  } else offloadedOrBad(t, out, tcpChecksum(b, p, segment, pseudo), pseudo);
  return out;
}

/** A UDP/TCP checksum that does not hold: bad (offloaded when it is the pseudo-header sum), or for a received offloaded one, unverifiable. */
function offloadedOrBad(t: UpperLayer, out: PacketChecksums, expected: number, pseudo: number): void {
  bad(out, expected);
  out.offloaded = out.transportFound === pseudo;
  if (out.offloaded && t.received) {
    out.transportStatus = STATUS.UNVERIFIABLE;
    out.unverifiable = UNVERIFIABLE.RECEIVED_OFFLOAD;
  }
}

function good(out: PacketChecksums): void {
  out.transportStatus = STATUS.GOOD;
  out.transportExpected = out.transportFound;
}

function bad(out: PacketChecksums, expected: number): void {
  out.transportStatus = STATUS.BAD;
  out.transportExpected = expected;
}

function unverifiable(out: PacketChecksums, t: UpperLayer): PacketChecksums {
  out.transportStatus = STATUS.UNVERIFIABLE;
  out.unverifiable = t.fragment ? UNVERIFIABLE.FRAGMENT : UNVERIFIABLE.TRUNCATED;
  return out;
}
