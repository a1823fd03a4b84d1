// DSCP names (RFC 2474 class selectors, RFC 2597 AF, RFC 3246 EF, RFC 5865 VOICE-ADMIT,
// RFC 8622 LE) and the TOS argument parser that `ping -Q`, `tos` and `send` share.
//
// The TOS byte is DSCP << 2 | ECN. A DSCP name given where a TOS byte is expected means that
// DSCP with ECN 0 (so "EF" is 0xb8 = 184, as `ping -Q 0xb8` sends).

import { checkUint, EncodeError, ParseError } from './errors.js';

export const DSCP = {
  CS0: 0,
  CS1: 8,
  CS2: 16,
  CS3: 24,
  CS4: 32,
  CS5: 40,
  CS6: 48,
  CS7: 56,
  AF11: 10,
  AF12: 12,
  AF13: 14,
  AF21: 18,
  AF22: 20,
  AF23: 22,
  AF31: 26,
  AF32: 28,
  AF33: 30,
  AF41: 34,
  AF42: 36,
  AF43: 38,
  EF: 46,
  VOICE_ADMIT: 44,
  LE: 1,
} as const;

export type DscpName = keyof typeof DSCP;

/** The TOS byte is DSCP << 2 | ECN: two ECN bits below the six of the DSCP. */
const ECN_BITS = 2;
const ECN_MASK = 0x03;

const BY_VALUE = new Map<number, DscpName>();
for (const [name, value] of Object.entries(DSCP) as [DscpName, number][]) {
  if (!BY_VALUE.has(value)) BY_VALUE.set(value, name);
}

/** The DSCP of a TOS byte: its high six bits (RFC 2474). */
export function dscpOf(tos: number): number {
  return (tos & 0xff) >>> ECN_BITS;
}

/** ECT(0), the ECN-capable codepoint senders use (RFC 3168 section 5). */
export const ECN_ECT0 = 0x02;

/** The ECN codepoint of a TOS byte: its low two bits (RFC 3168). */
export function ecnOf(tos: number): number {
  return tos & ECN_MASK;
}

/** The TOS byte of a DSCP and an ECN codepoint. */
export function tosByte(dscp: number, ecn = 0): number {
  return ((dscp << ECN_BITS) | (ecn & ECN_MASK)) & 0xff;
}

/** The name of a DSCP value (0-63), or null when it has none. */
export function dscpName(dscp: number): DscpName | null {
  return BY_VALUE.get(dscp) ?? null;
}

const HELP = 'give 0-255, 0x00-0xff or a DSCP name (CS0-CS7, AF11-AF43, EF, VOICE-ADMIT, LE)';

/**
 * A TOS byte from text: decimal 0-255, hex 0x00-0xff, or a DSCP name (case-insensitive,
 * "-" or "_" in VOICE-ADMIT), which gives dscp << 2. Throws ParseError otherwise.
 */
export function parseTos(text: string): number {
  const t = String(text).trim();
  if (/^[0-9]+$/.test(t)) {
    const v = Number(t);
    if (v > 255) throw new ParseError(`TOS ${t} is out of range 0-255 (${HELP})`, text, null);
    return v;
  }
  if (/^0[xX][0-9a-fA-F]+$/.test(t)) {
    const v = parseInt(t.slice(2), 16);
    if (v > 255) throw new ParseError(`TOS ${t} is out of range 0x00-0xff (${HELP})`, text, null);
    return v;
  }
  const key = t.toUpperCase().replace(/-/g, '_');
  if (Object.prototype.hasOwnProperty.call(DSCP, key)) return tosByte(DSCP[key as DscpName]);
  throw new ParseError(`bad TOS value "${text}": ${HELP}`, text, null);
}

/**
 * The DS field an init describes (IPv4's TOS byte, IPv6's traffic class: RFC 2474), given whole
 * as `name` or as dscp and ecn; throws when the two disagree. One rule for both versions.
 */
export function dsFieldOf(name: 'tos' | 'trafficClass', byte: number | undefined, dscpIn: number | undefined, ecnIn: number | undefined): number {
  const dscp = dscpIn === undefined ? undefined : checkUint(dscpIn, 63, 'dscp');
  const ecn = ecnIn === undefined ? undefined : checkUint(ecnIn, 3, 'ecn');
  if (byte === undefined) return ((dscp ?? 0) << 2) | (ecn ?? 0);
  const field = checkUint(byte, 255, name);
  if ((dscp !== undefined && dscp !== field >>> 2) || (ecn !== undefined && ecn !== (field & 3))) {
    throw new EncodeError(
      name,
      field,
      `${field} (dscp ${field >>> 2}, ecn ${field & 3}) disagrees with dscp ${dscp ?? '-'} / ecn ${ecn ?? '-'}; give ${name} or dscp and ecn`,
      `${name} = dscp << 2 | ecn`,
    );
  }
  return field;
}
