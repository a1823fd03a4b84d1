// Kernel timestamps for the socket a probe session sends through: what to ask the kernel for,
// what it gave, and the short wait its receive stamps may need. The addon reads the stamps;
// timing.ts times each answer with them.
//
//   software   SO_TIMESTAMPING with SOF_TIMESTAMPING_TX_SOFTWARE and _RX_SOFTWARE: each probe's
//              send time as the kernel hands it to the driver, each answer's receive time as the
//              kernel takes it in; SOF_TIMESTAMPING_OPT_ID keys each send stamp by the datagram's
//              number, and _OPT_TSONLY keeps the kernel from looping the packet back with it.
//   hardware   with --hw-timestamps, also the interface's own stamps (_TX_HARDWARE,
//              _RX_HARDWARE, _RAW_HARDWARE), after asking its driver to stamp everything
//              (SIOCSHWTSTAMP): only where the interface can (ethtool -T says so).
//   fallback   a kernel that refuses SO_TIMESTAMPING leaves the socket as it was: receive times
//              from SO_TIMESTAMPNS, send times from the clock read just before each send call.
//              timestampsOf() says which, and why (`-v`).
import { constants } from '../../socket/constants.js';
import { NS_PER_MS, now } from '../../socket/clock.js';
import type { RawSocket } from '../../socket/socket.js';
import { SocketGroup } from './socket-group.js';
import { interfaceHolding } from '../../socket/interfaces.js';
import { enableHardwareStamps, interfaceStamps, receiveStampsLive } from '../../socket/timestamping.js';

/** Where a session's times come from. */
export interface TimestampSource {
  /** Send times: the kernel's stamp of each probe, or the clock read just before each send call. */
  send: 'kernel' | 'user';
  /** Why not the kernel's, when not: the kernel's refusal ("EINVAL"...), or null when not asked for (ping -U). */
  refused: string | null;
  /** With --hw-timestamps: the interface asked, whether it stamps, and why not. */
  hardware: { interface: string | null; on: boolean; why: string | null } | null;
}

const SOURCES = new WeakMap<object, TimestampSource>();

/**
 * The timestamps `socket` was given (useKernelTimestamps): a group's are its sender's, whose
 * probes they time. null when it was never asked (a test's fake).
 */
export function timestampsOf(socket: object): TimestampSource | null {
  return SOURCES.get(socket) ?? (socket instanceof SocketGroup ? SOURCES.get(socket.sender) : undefined) ?? null;
}

/** Receive stamps, and with `send`, keyed send stamps. */
function softwareFlags(send: boolean): number {
  const c = constants;
  const receive = c.SOF_TIMESTAMPING_RX_SOFTWARE | c.SOF_TIMESTAMPING_SOFTWARE;
  return send ? receive | c.SOF_TIMESTAMPING_TX_SOFTWARE | c.SOF_TIMESTAMPING_OPT_ID | c.SOF_TIMESTAMPING_OPT_TSONLY : receive;
}

function hardwareFlags(): number {
  const c = constants;
  return c.SOF_TIMESTAMPING_TX_HARDWARE | c.SOF_TIMESTAMPING_RX_HARDWARE | c.SOF_TIMESTAMPING_RAW_HARDWARE;
}

function codeOf(e: unknown): string {
  return String((e as { code?: unknown }).code ?? (e as Error).message ?? e);
}

/** The interface's hardware stamps switched on, or why not. */
function hardwareOn(name: string | null): NonNullable<TimestampSource['hardware']> {
  if (name === null) return { interface: null, on: false, why: 'no interface holds the source address' };
  try {
    if (!interfaceStamps(name).hardware) return { interface: name, on: false, why: `${name} has no hardware timestamps` };
    if (!enableHardwareStamps(name)) return { interface: name, on: false, why: `the driver of ${name} would not stamp every packet` };
  } catch (e) {
    return { interface: name, on: false, why: `${name}: ${codeOf(e)}` };
  }
  return { interface: name, on: true, why: null };
}

/**
 * Asks the kernel to stamp `socket`'s probes and answers (software, and the interface's with
 * `hardwareFor`: the source address whose interface should stamp), and records what it gave
 * (timestampsOf). `send` false: answers only, sends timed by the send-call clock (a sweep).
 * Never throws: without them, the socket keeps SO_TIMESTAMPNS and the send-call clock.
 */
export function useKernelTimestamps(socket: RawSocket, hardwareFor: string | null = null, send = true): TimestampSource {
  const hardware = hardwareFor === null ? null : hardwareOn(interfaceHolding(hardwareFor));
  let source: TimestampSource = { send: send ? 'kernel' : 'user', refused: null, hardware };
  try {
    socket.setTimestamping(softwareFlags(send) | (hardware?.on === true ? hardwareFlags() : 0));
  } catch (e) {
    source = { send: 'user', refused: codeOf(e), hardware: hardware === null ? null : { ...hardware, on: false } };
  }
  SOURCES.set(socket, source);
  return source;
}

/**
 * No kernel stamps asked for (ping -U, user-to-user latency): send times from the clock read
 * just before each send call, receive times from the time each answer is read (the caller
 * replaces the receive stamps). Recorded for timestampsOf().
 */
export function useUserTimes(socket: RawSocket): TimestampSource {
  const source: TimestampSource = { send: 'user', refused: null, hardware: null };
  SOURCES.set(socket, source);
  return source;
}

/**
 * Waits, at most until `settleMs` after `openedAt` (clock.ts ns), until the kernel stamps what
 * it receives. A socket asking for receive stamps switches them on for the whole machine if it
 * is the first to, from a work queue (net_enable_timestamp): an answer arriving before then is
 * not stamped, and would be timed when read instead of when it came. When another program
 * already keeps them on, there is nothing to wait for; when it cannot be told (no loopback to
 * ask through), the whole `settleMs` is waited.
 */
export async function settleTimestamps(openedAt: number, settleMs: number, live: () => boolean | null = receiveStampsLive): Promise<void> {
  for (;;) {
    const left = settleMs - (now() - openedAt) / NS_PER_MS;
    if (left <= 0) return;
    const stamping = live();
    if (stamping === true) return;
    await new Promise((resolve) => setTimeout(resolve, stamping === null ? left : Math.min(left, 1)));
  }
}
