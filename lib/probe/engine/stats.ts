// Per-target statistics, kept and summarised exactly as iputils ping does (ping_common.c,
// gather_statistics() and finish(), iputils 20221126), so our summary line matches theirs
// digit for digit when given the same round-trip times.
//
// iputils keeps each round-trip time as whole microseconds ("triptime") and so do we, but its
// sums (tsum, tsum2) are C doubles, and so are ours, added in the same order:
//
//   total = received + duplicates           (duplicates' times are counted too)
//   avg   = (long) (tsum / total)
//   var   = (long long) ((tsum2 - tsum * tsum / total) / total)    when tsum < INT_MAX
//         = (long long) (tsum2 / total - avg * avg)                otherwise
//   mdev  = llsqrt(var)                                            (its integer square root)
//
// Floating point up to the truncation matters: tsum * tsum / total keeps its fraction.

/** Everything counted for one target. Plain numbers: cheap to update on every reply. */
export interface TargetStats {
  /** Probes handed to the kernel (and those whose send failed: iputils counts them too). */
  transmitted: number;
  /** First good replies (not duplicates, not late, not corrupted). */
  received: number;
  /** Further copies of an answered probe. */
  duplicates: number;
  /** Replies whose checksum was wrong: flagged, never counted as received. */
  corrupted: number;
  /** ICMP errors about our probes (time exceeded, unreachable...) and local send errors. */
  errors: number;
  /** Replies that came after their probe had timed out. */
  late: number;
  /** Round-trip times, whole microseconds, over received + duplicates (iputils includes both). */
  timed: number;
  minUs: number;
  maxUs: number;
  sumUs: number;
  /** Sum of squares; a double, exact up to 2^53 (about 9000 one-second RTTs, or 10^10 at 1 ms). */
  sum2Us: number;
  /** iputils' smoothed RTT: 8 times the EWMA in microseconds, rtt += t - rtt / 8. 0 until the first. */
  ewma8Us: number;
  /** Most probes outstanding at once when a reply came (iputils' "pipe"). */
  pipe: number;
  /** Clock-ts.ts timestamps of the first and last send (NaN before the first). */
  firstSentAt: number;
  lastSentAt: number;
}

export function newTargetStats(): TargetStats {
  return resetTargetStats({} as TargetStats);
}

/**
 * Sets every field of `s` to its start, in place: a sweep points an engine target at a new
 * address for every address it probes, and field by field this costs a fifth of a microsecond
 * less than Object.assign from a fresh copy (10 ms of a /16).
 */
export function resetTargetStats(s: TargetStats): TargetStats {
  s.transmitted = s.received = s.duplicates = s.corrupted = s.errors = s.late = 0;
  s.timed = s.maxUs = s.sumUs = s.sum2Us = s.ewma8Us = s.pipe = 0;
  s.minUs = Number.POSITIVE_INFINITY;
  s.firstSentAt = s.lastSentAt = Number.NaN;
  return s;
}

/** Adds one round-trip time (whole microseconds, >= 0) as gather_statistics() does. */
export function recordRtt(s: TargetStats, us: number): void {
  s.timed++;
  s.sumUs += us;
  s.sum2Us += us * us;
  if (us < s.minUs) s.minUs = us;
  if (us > s.maxUs) s.maxUs = us;
  s.ewma8Us = s.ewma8Us === 0 ? us * 8 : s.ewma8Us + us - Math.trunc(s.ewma8Us / 8);
}

/**
 * A round-trip time in nanoseconds as iputils' whole microseconds. A positive time is never 0:
 * kernel timestamps at both ends time a loopback round trip in well under a microsecond, and
 * 0.000 ms would say it took no time at all. (Clock steps backwards give 0.)
 */
export function rttMicros(ns: number): number {
  return ns <= 0 ? 0 : Math.max(1, Math.round(ns / 1000));
}

export interface RttSummary {
  /** Whole microseconds, as iputils prints them (%ld.%03ld ms). */
  minUs: number;
  avgUs: number;
  maxUs: number;
  mdevUs: number;
}

const INT_MAX = 2147483647;

/**
 * iputils' llsqrt(), step for step: Newton's method from above, returning the first iterate
 * that did not decrease. That is floor(sqrt(a)) or, for some a (3, 8, 15...), one more: iputils
 * prints mdev = 0.002 ms for a variance of 3 us^2, and so must we.
 */
export function llsqrt(a: bigint): bigint {
  if (a <= 0n) return a < 0n ? a : 0n;
  let prev = -1n; // stands for LLONG_MAX: the first comparison always continues
  let x = a;
  while (prev < 0n || x < prev) {
    prev = x;
    x = (x + a / x) / 2n;
  }
  return x;
}

/**
 * min/avg/max/mdev as finish() computes them, or null when no time was recorded. iputils keeps
 * tsum and tsum2 as C doubles (ping.h), so the variance is worked out in floating point and only
 * then truncated to a long long: (tsum2 - tsum * tsum / total) / total, not its integer-division
 * twin. The two differ when tsum * tsum / total has a fraction: 20 loopback replies whose squares
 * sum to 5908 and times to 342 give 2.99, truncated to 2 (mdev 0.001 ms), where integer division
 * gives 3 (0.002). JavaScript numbers are the same doubles, added in the same order.
 */
export function rttSummary(s: TargetStats): RttSummary | null {
  if (s.timed === 0) return null;
  const total = s.timed;
  const tsum = s.sumUs;
  const tsum2 = s.sum2Us;
  const avg = Math.trunc(tsum / total); // long tmavg = tsum / total
  const variance =
    tsum < INT_MAX
      ? Math.trunc((tsum2 - (tsum * tsum) / total) / total)
      : Math.trunc(tsum2 / total - Number(BigInt(avg) * BigInt(avg))); // long * long, then double
  return {
    minUs: s.minUs,
    avgUs: avg,
    maxUs: s.maxUs,
    mdevUs: Number(llsqrt(BigInt(variance))),
  };
}

/**
 * Packet loss in percent as iputils computes it before printing with %g: a C float of
 * (transmitted - received) * 100 / transmitted. 0 when nothing was sent.
 */
export function lossPercent(s: Pick<TargetStats, 'transmitted' | 'received'>): number {
  if (s.transmitted === 0) return 0;
  return Math.fround(((s.transmitted - s.received) * 100) / s.transmitted);
}
