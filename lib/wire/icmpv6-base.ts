// What every ICMPv6 message shares (RFC 4443 section 2.1): type, code and a checksum over the
// IPv6 pseudo-header and the whole message (section 2.3). icmpv6.ts reads them; the message
// modules (ndp.ts, mld.ts) receive them ready-made.

export interface Icmpv6Base {
  type: number;
  code: number;
  checksum: number;
  /** null when it cannot be checked: the message is cut, or no pseudo-header addresses were given. */
  checksumValid: boolean | null;
  /** The fixed part (8 bytes, 4 for unknown types); a packet's `payload` starts after it. */
  headerLength: number;
}
