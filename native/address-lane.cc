// The address lane (lib/probe/sweep/address-lane.ts): runs of target-list lines that are each one
// address written plainly, read here in one call instead of a JavaScript parse each. A list of
// 65,534 IPv6 addresses took about 20 ms to check line by line, a twentieth of its sweep.
//
//   splitLines(bytes, total, eof, starts, ends, out)   lines.ts's splitter (its rules are there):
//            where the whole lines of bytes[0, total) start and end, into starts and ends; out[0]
//            the lines, out[1] where the unfinished rest begins, out[2] 1 when starts or ends
//            were too short for them all (nothing is then to be trusted: grow them, call again)
//   plainAddresses(bytes, starts, ends, from, to, version, low, high)   -> lines taken
//
// starts and ends (Int32Arrays) are where lines from..to-1 begin and end in bytes, as splitLines
// (or lines.ts's JavaScript splitter, by the same rules) found them. Each line that is nothing
// but an address of `version` goes into low (IPv4 whole, IPv6 its last 32 bits, as a number);
// IPv6 addresses of a run share their first 12 bytes, which go into high (the run stops before a
// line whose first 12 bytes differ: the next call starts a run there). The run also stops at the
// first line that is anything else: a name, a block, a range, a comment, a blank, spaces, a zone,
// an IPv4 tail on an IPv6 address, an error. lib/probe/sweep/targets.ts reads that line as it
// reads every target, then calls again after it; so the rules here only need to know the plain
// case, and every verdict with words in it stays there. It also stops when low is full.
#include "address-lane.h"

#include <arpa/inet.h>
#include <string.h>

#include <algorithm>
#include <string>

#include "args.h"

namespace rawprobe {
namespace {

// Longest text of an address of each version (the headers' lengths count the NUL).
constexpr size_t kLongest4 = INET_ADDRSTRLEN - 1;
constexpr size_t kLongest6 = INET6_ADDRSTRLEN - 1;

// A hex digit's value, or -1.
inline int HexValue(uint8_t c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Whether p[0, n) is an IPv6 address of hex groups only, read into `bytes` (network order): one
// to four hex digits a group, colons between, at most one "::" standing for at least one zero
// group (RFC 4291 section 2.2; what inet_pton(3) reads, without the IPv4 tail, which targets.ts
// reads). Read here rather than by inet_pton: a list of 65,534 took 4.6 ms through it, copied
// and NUL-terminated line by line.
bool PlainIpv6(const uint8_t* p, size_t n, uint8_t* bytes) {
  uint16_t groups[8];
  int count = 0;
  int gap = -1;  // where "::" stands among the groups
  size_t i = 0;
  if (p[0] == ':') {
    if (p[1] != ':') return false;  // a single leading colon
    gap = 0;
    i = 2;
  }
  while (i < n) {
    uint32_t value = 0;
    size_t digits = 0;
    for (int d; i < n && digits < 5 && (d = HexValue(p[i])) >= 0; i++, digits++) value = value * 16 + static_cast<uint32_t>(d);
    if (digits == 0 || digits > 4 || count == 8) return false;
    groups[count++] = static_cast<uint16_t>(value);
    if (i == n) break;
    if (p[i++] != ':') return false;
    if (i < n && p[i] == ':') {
      if (gap >= 0) return false;  // a second "::"
      gap = count;
      i++;
    } else if (i == n) {
      return false;  // a single trailing colon
    }
  }
  if (gap < 0 ? count != 8 : count > 7) return false;
  memset(bytes, 0, 16);
  for (int k = 0; k < count; k++) {
    const int at = gap >= 0 && k >= gap ? k + 8 - count : k;
    bytes[2 * at] = static_cast<uint8_t>(groups[k] >> 8);
    bytes[2 * at + 1] = static_cast<uint8_t>(groups[k]);
  }
  return true;
}

// Whether p[0, n) is an address of `version` and nothing else, read into `bytes` (network order).
// IPv4: only digits and dots get as far as inet_pton(3), which is strict: four decimal bytes
// without leading zeros.
bool PlainAddress(const uint8_t* p, size_t n, int version, uint8_t* bytes) {
  if (n < 2 || n > (version == 4 ? kLongest4 : kLongest6)) return false;
  if (version == 6) return PlainIpv6(p, n, bytes);
  char text[kLongest4 + 1];
  for (size_t i = 0; i < n; i++) {
    if (!((p[i] >= '0' && p[i] <= '9') || p[i] == '.')) return false;
    text[i] = static_cast<char>(p[i]);
  }
  text[n] = '\0';
  return inet_pton(AF_INET, text, bytes) == 1;
}

Napi::Value PlainAddresses(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const Bytes bytes = BytesArg(env, info[0], "bytes");
  size_t startCount = 0, endCount = 0, lowCount = 0;
  const int32_t* starts = TypedArrayArg<int32_t>(env, info[1], napi_int32_array, 0, "starts must be an Int32Array", &startCount);
  const int32_t* ends = TypedArrayArg<int32_t>(env, info[2], napi_int32_array, 0, "ends must be an Int32Array", &endCount);
  const int64_t lines = static_cast<int64_t>(startCount < endCount ? startCount : endCount);
  const int64_t from = IntegerArg(env, info[3], "from", 0, lines);
  const int64_t to = IntegerArg(env, info[4], "to", from, lines);
  const int version = static_cast<int>(IntegerArg(env, info[5], "version", 4, 6));
  if (version != 4 && version != 6) throw InvalidArgValue(env, "version must be 4 or 6");
  uint32_t* low = TypedArrayArg<uint32_t>(env, info[6], napi_uint32_array, 0, "low must be a Uint32Array", &lowCount);
  uint8_t* high = TypedArrayArg<uint8_t>(env, info[7], napi_uint8_array, version == 6 ? 12 : 0,
                                         "high must be a Uint8Array (of 12 bytes for IPv6)");
  const int64_t room = static_cast<int64_t>(lowCount);
  int64_t taken = 0;
  uint8_t address[16];
  for (int64_t k = from; k < to && taken < room; k++) {
    const int64_t start = starts[k], end = ends[k];
    if (start < 0 || end < start || static_cast<size_t>(end) > bytes.length) break;
    if (!PlainAddress(bytes.data + start, static_cast<size_t>(end - start), version, address)) break;
    if (version == 6) {
      if (taken == 0) memcpy(high, address, 12);
      else if (memcmp(high, address, 12) != 0) break;
    }
    const uint8_t* last = address + (version == 4 ? 0 : 12);
    low[taken] = static_cast<uint32_t>(last[0]) << 24 | static_cast<uint32_t>(last[1]) << 16 |
                 static_cast<uint32_t>(last[2]) << 8 | last[3];
    taken++;
  }
  return Napi::Number::New(env, static_cast<double>(taken));
}

Napi::Value SplitLines(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const Bytes bytes = BytesArg(env, info[0], "bytes");
  const size_t total = static_cast<size_t>(IntegerArg(env, info[1], "total", 0, static_cast<int64_t>(bytes.length)));
  const bool eof = info[2].ToBoolean().Value();
  size_t startRoom = 0, endRoom = 0;
  int32_t* starts = TypedArrayArg<int32_t>(env, info[3], napi_int32_array, 0, "starts must be an Int32Array", &startRoom);
  int32_t* ends = TypedArrayArg<int32_t>(env, info[4], napi_int32_array, 0, "ends must be an Int32Array", &endRoom);
  double* out = TypedArrayArg<double>(env, info[5], napi_float64_array, 3, "out must be a Float64Array of 3");
  if (total > INT32_MAX) throw InvalidArgValue(env, "total must fit a line position");
  const size_t room = std::min(startRoom, endRoom);
  const uint8_t* b = bytes.data;
  size_t count = 0, from = 0;
  bool full = false;
  auto line = [&](size_t start, size_t end) {
    if (count == room) {
      full = true;
      return false;
    }
    starts[count] = static_cast<int32_t>(start);
    ends[count] = static_cast<int32_t>(end);
    count++;
    return true;
  };
  for (size_t i = 0; i < total && !full; i++) {
    const uint8_t c = b[i];
    if (c != '\n' && c != '\r') continue;
    // A \r that ends the read may be the first half of a \r\n: the next read decides.
    if (c == '\r' && i + 1 == total && !eof) break;
    if (!line(from, i)) break;
    if (c == '\r' && i + 1 < total && b[i + 1] == '\n') i++;
    from = i + 1;
  }
  if (!full && eof && from < total && line(from, total)) from = total;
  out[0] = static_cast<double>(count);
  out[1] = static_cast<double>(from);
  out[2] = full ? 1 : 0;
  return env.Undefined();
}

}  // namespace

Napi::Function SplitLinesFunction(Napi::Env env) {
  return Napi::Function::New<SplitLines>(env, "splitLines");
}

Napi::Function PlainAddressesFunction(Napi::Env env) {
  return Napi::Function::New<PlainAddresses>(env, "plainAddresses");
}

}  // namespace rawprobe
