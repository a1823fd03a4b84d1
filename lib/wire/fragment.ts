// IPv4 fragmentation as RFC 791 section 3.2 describes it (and Linux's ip_fragment does it): the
// data is cut into pieces of a multiple of 8 bytes that fit the MTU with their header; every
// piece repeats the header with its own fragment offset, MF on all but the last, and its own
// total length and header checksum. Options whose copied flag (RFC 791, bit 0x80 of the type)
// is clear travel in the first fragment only; the later ones carry the copied options, padded
// with End of Option List to a multiple of 4 bytes.
//
// A raw socket with IP_HDRINCL never fragments for us: Linux refuses a datagram longer than the
// interface MTU with EMSGSIZE. A ping of 2000 bytes over Ethernet (iputils' -s 2000, which the
// kernel fragments) needs this.
import { put16, u16 } from './bytes.js';
import { internetChecksum } from './checksum.js';
import { EncodeError } from './errors.js';
import { FIELD, FLAG, FRAGMENT_OFFSET_MASK, MIN_HEADER_LENGTH } from './ipv4.js';
import { eachOption, IPV4_OPTION, OPTION_COPIED } from './ipv4-options.js';

/** The smallest MTU IPv4 allows (RFC 791: every module forwards 68-byte datagrams). */
export const MIN_IPV4_MTU = 68;


/**
 * The datagram cut into fragments of at most `mtu` bytes, or the datagram itself (one element,
 * not copied) when it fits. The datagram's own offset and MF are kept, so a fragment can be
 * fragmented again. A datagram with Don't Fragment set is refused: clear DF first if you mean it
 * (Linux's IP_PMTUDISC_WANT sends a datagram that it had to fragment without DF).
 */
export function fragmentIpv4(datagram: Uint8Array, mtu: number): Uint8Array[] {
  if (!Number.isInteger(mtu) || mtu < MIN_IPV4_MTU || mtu > 65535) {
    throw new EncodeError('mtu', mtu, `${String(mtu)} is out of range ${MIN_IPV4_MTU}-65535`);
  }
  const ihl = ((datagram[FIELD.VER_IHL] ?? 0) & 0x0f) * 4;
  if (datagram.byteLength < MIN_HEADER_LENGTH || datagram[FIELD.VER_IHL]! >> 4 !== 4 || ihl < MIN_HEADER_LENGTH || ihl > datagram.byteLength) {
    throw new EncodeError('ip', null, 'not an IPv4 datagram with a whole header');
  }
  const total = Math.min(u16(datagram, FIELD.TOTAL_LENGTH), datagram.byteLength);
  if (total <= mtu) return [datagram];
  const flags = u16(datagram, FIELD.FLAGS_FRAGMENT);
  if ((flags & FLAG.DF) !== 0) {
    throw new EncodeError('ip.flags.df', true, `a ${total}-byte datagram with Don't Fragment set cannot be cut for MTU ${mtu}`);
  }
  const later = copiedOptions(datagram, ihl);
  const firstRoom = Math.floor((mtu - ihl) / 8) * 8;
  const laterRoom = Math.floor((mtu - MIN_HEADER_LENGTH - later.byteLength) / 8) * 8;
  if (firstRoom <= 0 || laterRoom <= 0) {
    throw new EncodeError('mtu', mtu, `${String(mtu)} leaves no room for data after a ${ihl}-byte header`);
  }
  const baseOffset = (flags & FRAGMENT_OFFSET_MASK) * 8;
  const lastHasMf = (flags & FLAG.MF) !== 0;
  const fragments: Uint8Array[] = [];
  let done = 0;
  const dataLength = total - ihl;
  while (done < dataLength) {
    const first = done === 0;
    const headerLength = first ? ihl : MIN_HEADER_LENGTH + later.byteLength;
    const room = first ? firstRoom : laterRoom;
    const size = Math.min(room, dataLength - done);
    const last = done + size === dataLength;
    const out = Buffer.alloc(headerLength + size);
    out.set(datagram.subarray(0, MIN_HEADER_LENGTH), 0);
    if (first) out.set(datagram.subarray(MIN_HEADER_LENGTH, ihl), MIN_HEADER_LENGTH);
    else out.set(later, MIN_HEADER_LENGTH);
    out[FIELD.VER_IHL] = 0x40 | (headerLength / 4);
    put16(out, FIELD.TOTAL_LENGTH, headerLength + size);
    const mf = !last || lastHasMf;
    put16(out, FIELD.FLAGS_FRAGMENT, (flags & ~(FLAG.MF | FRAGMENT_OFFSET_MASK)) | (mf ? FLAG.MF : 0) | ((baseOffset + done) / 8));
    put16(out, FIELD.CHECKSUM, 0);
    put16(out, FIELD.CHECKSUM, internetChecksum(out, 0, headerLength));
    out.set(datagram.subarray(ihl + done, ihl + done + size), headerLength);
    fragments.push(out);
    done += size;
  }
  return fragments;
}

/** The options with the copied flag, in order, padded to a multiple of 4 bytes. */
function copiedOptions(datagram: Uint8Array, ihl: number): Uint8Array {
  const kept: number[] = [];
  // A malformed option: copy nothing more, as Linux does.
  eachOption(datagram, MIN_HEADER_LENGTH, ihl, (type, at, length) => {
    if ((type & OPTION_COPIED) !== 0) for (let k = 0; k < length; k++) kept.push(datagram[at + k]!);
  });
  while (kept.length % 4 !== 0) kept.push(IPV4_OPTION.END);
  return Uint8Array.from(kept);
}
