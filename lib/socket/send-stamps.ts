// The kernel's keys for send stamps (SO_TIMESTAMPING with OPT_ID: the n-th datagram a socket
// sends is keyed n): which flags ask for a stamp, and which refused sends used no key, so that
// RawSocket can keep counting keys the way the kernel does.
import { constants } from './constants.js';

/** Send-stamp keys are the kernel's 32-bit ee_data. */
export const KEY_SPACE = 2 ** 32;

/** The SOF_TIMESTAMPING_* flags that ask for a send stamp. */
export function sendStampFlags(): number {
  return constants.SOF_TIMESTAMPING_TX_SOFTWARE | constants.SOF_TIMESTAMPING_TX_HARDWARE | constants.SOF_TIMESTAMPING_TX_SCHED;
}

/**
 * True when a send refused with `errno` used no send-stamp key: the kernel refuses these before
 * it builds the datagram (a full send buffer, too long for the route, no route). Any other
 * refusal may come after the key was taken (netfilter, the qdisc).
 */
export function keepsKeys(errno: number): boolean {
  const c = constants;
  return errno === c.EAGAIN || errno === c.EWOULDBLOCK || errno === c.EMSGSIZE || errno === c.ENETUNREACH || errno === c.EHOSTUNREACH || errno === c.EACCES;
}
