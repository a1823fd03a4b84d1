// The kernel's timestamping, beyond a socket's own SO_TIMESTAMPING (RawSocket.setTimestamping):
// whether received datagrams are stamped right now, and an interface's hardware stamps.
// Mechanism only; lib/probe/engine/timestamps.ts decides what to ask for and what to do without.
import { addon } from './addon.js';
import { constants } from './constants.js';

/**
 * True when the kernel stamps received datagrams now, false when it does not yet, null when it
 * cannot tell (no loopback). Linux turns receive stamping on for the whole machine when the
 * first socket asks for it, from a work queue (net_enable_timestamp): for a moment after that
 * socket opens, what arrives carries no stamp. One UDP datagram to ourselves on 127.0.0.1 tells.
 */
export function receiveStampsLive(): boolean | null {
  const v = addon().timestampsLive();
  return v < 0 ? null : v === 1;
}

/** What an interface can stamp (ETHTOOL_GET_TS_INFO). */
export interface InterfaceStamps {
  /** It stamps sent and received datagrams in hardware, and reports the raw hardware time. */
  hardware: boolean;
  /** The SOF_TIMESTAMPING_* flags it supports. */
  flags: number;
  /** Its PTP hardware clock (/dev/ptpN), -1 for none. */
  phcIndex: number;
}

/** What `name` can stamp; throws the kernel's refusal (ENODEV for no such interface). */
export function interfaceStamps(name: string): InterfaceStamps {
  const info = addon().interfaceTimestamping(name);
  const c = constants;
  const need = c.SOF_TIMESTAMPING_TX_HARDWARE | c.SOF_TIMESTAMPING_RX_HARDWARE | c.SOF_TIMESTAMPING_RAW_HARDWARE;
  return { hardware: (info.timestamping & need) === need, flags: info.timestamping, phcIndex: info.phcIndex };
}

/**
 * Asks `name`'s driver to stamp every datagram it sends and receives (SIOCSHWTSTAMP, needs
 * CAP_NET_ADMIN); throws the kernel's refusal. True when the driver agreed to both.
 */
export function enableHardwareStamps(name: string): boolean {
  const r = addon().enableHardwareTimestamps(name);
  return r.txType === constants.HWTSTAMP_TX_ON && r.rxFilter !== constants.HWTSTAMP_FILTER_NONE;
}
