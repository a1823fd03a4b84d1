// Which interface a capture listens on, and the link type its packets get, as libpcap decides on
// Linux: Ethernet and loopback give Ethernet frames (loopback's addresses are all zero), an
// interface without a link layer (tun, wireguard: ARPHRD_NONE) gives raw IP, and "any", or any
// other kind of interface, gives Linux cooked v2 (LINKTYPE_LINUX_SLL2), where the kernel gives no
// link header and the addon builds one from what it knows (interface, direction, protocol).
import { readdirSync } from 'node:fs';
import { LINKTYPE } from '../pcap/format.js';
import { constants } from '../socket/constants.js';
import { captureAddon, type NativeInterface } from './native.js';
import { CaptureError, CAPTURE_ERROR } from './errors.js';

/** tcpdump's name for every interface at once. */
export const ANY = 'any';

/** Bytes of a LINKTYPE_LINUX_SLL2 header (tcpdump.org/linktypes/LINKTYPE_LINUX_SLL2.html). */
export const SLL2_HEADER_LENGTH = 20;

export interface CaptureTarget {
  /** As the user named it ("eth0", "any"). */
  name: string;
  /** 0 for any. */
  index: number;
  linkType: number;
  /** The kernel gives no link header: the addon builds Linux cooked v2 ones. */
  cooked: boolean;
  /** IFF_* flags, null for any. */
  flags: number | null;
}

/** Interface names in this network namespace, by index (/sys/class/net, as `ip netns exec` mounts it). */
export function interfaceNames(): string[] {
  try {
    return readdirSync('/sys/class/net').sort();
  } catch {
    return [];
  }
}

/** The interface `name` (or all of them for "any"); CaptureError NO_INTERFACE when it does not exist. */
export function captureTarget(name: string): CaptureTarget {
  if (name === ANY) return { name, index: 0, linkType: LINKTYPE.LINUX_SLL2, cooked: true, flags: null };
  const found = lookUp(name);
  if (found === null) {
    const known = interfaceNames();
    const hint = known.length === 0 ? '' : ` (interfaces here: ${known.join(', ')}, or any)`;
    throw new CaptureError(CAPTURE_ERROR.noInterface, `${name}: no such interface${hint}`);
  }
  const c = constants;
  if (found.hardwareType === c.ARPHRD_ETHER || found.hardwareType === c.ARPHRD_LOOPBACK) {
    return { name, index: found.index, linkType: LINKTYPE.ETHERNET, cooked: false, flags: found.flags };
  }
  if (found.hardwareType === c.ARPHRD_NONE) return { name, index: found.index, linkType: LINKTYPE.RAW, cooked: false, flags: found.flags };
  return { name, index: found.index, linkType: LINKTYPE.LINUX_SLL2, cooked: true, flags: found.flags };
}

/** The interface's facts, or null when there is none by that name. */
export function lookUp(name: string): NativeInterface | null {
  try {
    return captureAddon().captureInterface(name);
  } catch (e) {
    if ((e as { code?: unknown }).code === 'ENODEV') return null;
    throw e;
  }
}

/** Index of the loopback interface, whose every packet is seen twice (leaving and arriving), or -1. */
export function loopbackIndex(): number {
  return lookUp('lo')?.index ?? -1;
}

/**
 * tcpdump's default when no -i is given: the first interface (lowest index) that is up and is not
 * loopback; null when there is none.
 */
export function defaultInterface(): string | null {
  let best: { name: string; index: number } | null = null;
  for (const name of interfaceNames()) {
    const i = lookUp(name);
    if (i === null || i.flags < 0 || (i.flags & constants.IFF_UP) === 0 || i.hardwareType === constants.ARPHRD_LOOPBACK) continue;
    if (best === null || i.index < best.index) best = { name, index: i.index };
  }
  return best?.name ?? null;
}
