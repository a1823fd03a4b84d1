// rawprobe's one time representation. Every timestamp lib/socket hands out (sentAt,
// info.timestamp, batch timestamps, error-queue timestamps) is:
//
//   nanoseconds of CLOCK_REALTIME since a base taken when the addon was loaded, as a number.
//
// - Same clock as the kernel's receive timestamps (SO_TIMESTAMPNS), so `received - sentAt`
//   is a round-trip time measured at the syscalls, not at the event loop.
// - Exact to the nanosecond for 2^53 ns = 104 days after load (a double holds it exactly).
// - Wall clock: a clock step (NTP, settimeofday) between a send and its reply shows in that
//   RTT, as it does for iputils ping, which uses the same clock for the same reason.
// - To print wall-clock time, add the base: toEpochMs(ts) or toEpochNs(ts).
import { addon } from './addon.js';

/** Nanoseconds per millisecond, for converting RTTs: `(received - sentAt) / NS_PER_MS`. */
export const NS_PER_MS = 1e6;

/** Now, in the same representation as every other timestamp. */
export function now(): number {
  return addon().now();
}

/** The base: CLOCK_REALTIME at addon load, as epoch nanoseconds (exact) and milliseconds. */
export function clockBase(): { epochNs: bigint; epochMs: number } {
  const { baseEpochNs, baseEpochMs } = addon().clock;
  return { epochNs: baseEpochNs, epochMs: baseEpochMs };
}

/** Epoch milliseconds (as Date.now() gives) for a timestamp; sub-microsecond digits are rounded. */
export function toEpochMs(timestamp: number): number {
  return addon().clock.baseEpochMs + timestamp / NS_PER_MS;
}

/** Exact epoch nanoseconds for a timestamp. */
export function toEpochNs(timestamp: number): bigint {
  return addon().clock.baseEpochNs + BigInt(Math.round(timestamp));
}
