// Header values in hex as every command prints them: "0x" and a fixed number of digits.

/** A byte (TOS, DSCP field...): 0x00-0xff. */
export function hex8(v: number): string {
  return `0x${v.toString(16).padStart(2, '0')}`;
}

/** A 16-bit field (checksum, identification): 0x0000-0xffff. */
export function hex16(v: number): string {
  return `0x${v.toString(16).padStart(4, '0')}`;
}
