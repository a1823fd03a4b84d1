// The serial-line headers of router captures: PPP (RFC 1661), PPP in HDLC-like framing (RFC 1662)
// and Cisco HDLC. Each is read to the protocol number it announces and the offset where that
// protocol's bytes start; link.ts decides what the number means.
//
//   PPP (9)        [ff 03] protocol(1 or 2)         ff 03 present or not, as libpcap's DLT_PPP allows
//   PPP_HDLC (50)  ff 03 protocol(2)                or Cisco framing, told by the first byte (RFC 1547 4.3.1)
//   C_HDLC (104)   address(1) control(1) type(2)    address 0f unicast, 8f broadcast; type is an ethertype
//
// A PPP protocol field may be one byte (Protocol-Field-Compression, RFC 1661 section 6.5): PPP
// numbers have an even first byte and an odd last byte, so an odd first byte is a whole field.

import { u16 as be16 } from '../wire/bytes.js';
import { namesOf } from '../wire/tables.js';

/** PPP protocol numbers (IANA "PPP DLL Protocol Numbers") rawprobe names or follows. */
export const PPP_PROTOCOL = {
  IPV4: 0x0021,
  IPV6: 0x0057,
  MPLS_UNICAST: 0x0281,
  MPLS_MULTICAST: 0x0283,
  IPCP: 0x8021,
  IPV6CP: 0x8057,
  MPLSCP: 0x8281,
  LCP: 0xc021,
  PAP: 0xc023,
  LQR: 0xc025,
  CHAP: 0xc223,
} as const;

/** Every name in PPP_PROTOCOL; the network layers as people write them. */
const PPP_WORDS: Readonly<Record<string, string>> = { IPV4: 'IPv4', IPV6: 'IPv6', MPLS_UNICAST: 'MPLS', MPLS_MULTICAST: 'MPLS multicast' };
const PPP_NAMES = namesOf(PPP_PROTOCOL, (key) => PPP_WORDS[key] ?? key);

/** "LCP", or null for a number we do not name. */
export function pppProtocolName(protocol: number): string | null {
  return PPP_NAMES.get(protocol) ?? null;
}

/** RFC 1662 address and control bytes ("all stations", unnumbered information). */
export const HDLC_ALL_STATIONS = 0xff;
export const HDLC_UI = 0x03;
/** Cisco HDLC addresses. */
export const CISCO_HDLC_ADDRESS = { UNICAST: 0x0f, BROADCAST: 0x8f } as const;
const CISCO_HDLC_LENGTH = 4;

/** What a header announces: its protocol (PPP number, or an ethertype for Cisco HDLC) and where the payload starts. */
export interface LinkStep {
  /** The PPP protocol number, or the ethertype (cisco true). */
  protocol: number;
  /** Offset of the first byte after the header. */
  next: number;
  /** The number is an ethertype (Cisco HDLC framing), not a PPP protocol. */
  cisco: boolean;
}

export function newLinkStep(): LinkStep {
  return { protocol: 0, next: 0, cisco: false };
}

/** The PPP protocol field at buf[o, end) (1 or 2 bytes); false when cut. */
function pppProtocol(buf: Uint8Array, o: number, end: number, out: LinkStep): boolean {
  if (end - o < 1) return false;
  if ((buf[o]! & 1) === 1) {
    out.protocol = buf[o]!;
    out.next = o + 1;
    return true;
  }
  if (end - o < 2) return false;
  out.protocol = be16(buf, o);
  out.next = o + 2;
  return true;
}

/** DLT_PPP (9): the ff 03 framing bytes may be there or not. False when the header is cut. */
export function readPpp(buf: Uint8Array, o: number, end: number, out: LinkStep): boolean {
  out.cisco = false;
  if (end - o >= 2 && buf[o] === HDLC_ALL_STATIONS && buf[o + 1] === HDLC_UI) o += 2;
  return pppProtocol(buf, o, end, out);
}

/**
 * DLT_PPP_HDLC (50): a Cisco HDLC header when the first byte is 0f or 8f, else address and
 * control (ff 03) and the PPP protocol, as Wireshark reads it. False when the header is cut.
 */
export function readPppHdlc(buf: Uint8Array, o: number, end: number, out: LinkStep): boolean {
  if (end - o < 1) return false;
  const first = buf[o]!;
  if (first === CISCO_HDLC_ADDRESS.UNICAST || first === CISCO_HDLC_ADDRESS.BROADCAST) return readCiscoHdlc(buf, o, end, out);
  out.cisco = false;
  return pppProtocol(buf, o + 2, end, out);
}

/** DLT_C_HDLC (104): address, control, ethertype. False when cut. */
export function readCiscoHdlc(buf: Uint8Array, o: number, end: number, out: LinkStep): boolean {
  if (end - o < CISCO_HDLC_LENGTH) return false;
  out.cisco = true;
  out.protocol = be16(buf, o + 2);
  out.next = o + CISCO_HDLC_LENGTH;
  return true;
}
