// rawprobe's one time representation, used for every timestamp the addon hands out:
//
//   nanoseconds of CLOCK_REALTIME, minus a base taken once when the addon is loaded,
//   as a JavaScript number (a double).
//
// Why this shape: the kernel's receive timestamps (SO_TIMESTAMPNS) are CLOCK_REALTIME, so
// send times must be the same clock for an RTT to mean anything. Subtracting the base keeps
// the value small enough that a double holds it to the nanosecond for 2^53 ns = 104 days
// after load. The base is exported (epoch nanoseconds as a BigInt, epoch milliseconds as a
// number) so callers can turn any timestamp into wall-clock time.
#pragma once

#include <stdint.h>
#include <time.h>

namespace rawprobe {

// The base: CLOCK_REALTIME when the addon was first loaded in this process.
const timespec& ClockBase();

// Nanoseconds since the base for a CLOCK_REALTIME timespec (the kernel's or ours).
inline double SinceBase(const timespec& ts) {
  const timespec& base = ClockBase();
  const int64_t ns = (static_cast<int64_t>(ts.tv_sec) - base.tv_sec) * 1000000000LL +
                     (static_cast<int64_t>(ts.tv_nsec) - base.tv_nsec);
  return static_cast<double>(ns);
}

// Now, in the same representation.
inline double NowSinceBase() {
  timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  return SinceBase(ts);
}

}  // namespace rawprobe
