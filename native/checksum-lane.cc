// The checksum lane (lib/check/lane.ts): runs of classic pcap records whose checksums all hold,
// checked and counted here in one call instead of one JavaScript callback each.
//
//   checkRecords(buf, pos, end, flags, maxCaptured, out)     flags: 1 little-endian, 2 Ethernet
//
// Reads the records of buf[pos, end) (record headers of the file's byte order; frames that
// start with an Ethernet header, or with the IP header when flag 2 is clear) and takes each
// one lib/check would find wholly good: an IPv4 packet whose header checksum holds, not a
// fragment, carrying ICMP, UDP or TCP whose checksum holds (or UDP without one), or another
// protocol; an IPv6 packet carrying ICMPv6, UDP or TCP whose checksum holds, behind nothing
// but Hop-by-Hop and Destination Options headers. It stops at the first record that is anything else (a bad or unverifiable checksum,
// anything malformed, cut or unusual), at one not wholly in buf[pos, end), and at one longer
// than maxCaptured: lib/check reads that one as ever, then calls again after it. So the rules
// here only ever need to recognise the plain good case; every verdict with words in it stays in
// lib/check/verify*.ts and transport.ts.
//
// out (a Float64Array of kLaneFacts) receives, for this call: the records taken, the position
// after them, and how many of them counted in each cell (laneLayout in addon.cc names them).
#include "checksum-lane.h"

#include <string.h>

#include "args.h"

namespace rawprobe {
namespace {

inline uint32_t Be16(const uint8_t* p) { return static_cast<uint32_t>(p[0]) << 8 | p[1]; }

inline uint32_t U32(const uint8_t* p, bool littleEndian) {
  uint32_t v;
  memcpy(&v, p, 4);
  return littleEndian == (__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__) ? v : __builtin_bswap32(v);
}

inline uint32_t Fold(uint64_t s) {
  while (s >> 16) s = (s & 0xffff) + (s >> 16);
  return static_cast<uint32_t>(s);
}

// Adds the next sizeof(Word) bytes at p to s as they lie in memory, and steps past them.
template <typename Word>
inline void Add(const uint8_t*& p, size_t& n, uint64_t& s) {
  Word w;
  memcpy(&w, p, sizeof w);
  s += w;
  p += sizeof w;
  n -= sizeof w;
}

// The one's complement sum of n bytes as big-endian 16-bit words (RFC 1071), an odd last byte
// padded on the right, folded, plus `initial`. Four bytes are added at a time as they lie in
// memory: the sum of byte-swapped words is the byte-swapped sum (RFC 1071 section 2(B)).
uint32_t Sum16(const uint8_t* p, size_t n, uint32_t initial) {
  uint64_t s = 0;
  while (n >= 4) Add<uint32_t>(p, n, s);
  if (n >= 2) Add<uint16_t>(p, n, s);
  const bool little = __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__;
  if (n == 1) s += little ? p[0] : static_cast<uint32_t>(p[0]) << 8;
  uint32_t r = Fold(s);
  if (little) r = ((r & 0xff) << 8) | (r >> 8);
  return Fold(static_cast<uint64_t>(r) + initial);
}

enum Cell { kIpv4Good, kIpv6, kIcmpGood, kUdpGood, kUdpAbsent, kTcpGood, kIcmpv6Good, kCells };
static_assert(kLaneCells + kCells == kLaneFacts, "laneLayout holds every cell");

// The upper layer at t (segment bytes, all captured), over the pseudo-header address sum.
// Returns the cell it counts in, or -1 when it is not plainly good.
int Upper(const uint8_t* t, uint32_t segment, int protocol, uint32_t addressSum, bool ipv6) {
  if (protocol == (ipv6 ? 58 : 1)) {
    if (segment < (ipv6 ? 4u : 8u)) return -1;
    const uint32_t pseudo = ipv6 ? Fold(uint64_t{addressSum} + 58 + segment) : 0;
    return Sum16(t, segment, pseudo) == 0xffff ? (ipv6 ? kIcmpv6Good : kIcmpGood) : -1;
  }
  if (protocol == 17) {
    if (segment < 8) return -1;
    if (Be16(t + 6) == 0) return ipv6 ? -1 : kUdpAbsent;  // none sent; over IPv6 that is bad
    const uint32_t length = Be16(t + 4);
    if (length < 8 || length > segment) return -1;
    return Sum16(t, length, Fold(uint64_t{addressSum} + 17 + length)) == 0xffff ? kUdpGood : -1;
  }
  if (protocol == 6) {
    if (segment < 20) return -1;
    const uint32_t dataOffset = static_cast<uint32_t>(t[12] >> 4) << 2;
    if (dataOffset < 20 || dataOffset > segment) return -1;
    // 0xffff holds in one's complement but is never computed (RFC 1624): lib/check calls it bad.
    if (Be16(t + 16) == 0xffff) return -1;
    return Sum16(t, segment, Fold(uint64_t{addressSum} + 6 + segment)) == 0xffff ? kTcpGood : -1;
  }
  return -1;
}

// The IPv4 packet at ip, `length` bytes captured. Counts it into cells; false when not plainly good.
bool Ipv4(const uint8_t* ip, size_t length, uint32_t* cells) {
  if (length < 20 || ip[0] >> 4 != 4) return false;
  const uint32_t hl = (ip[0] & 0x0f) * 4u;
  const uint32_t total = Be16(ip + 2);
  // Total length 0 is a TSO segment; past the bytes captured, a cut; a fragment: all lib/check's.
  if (hl < 20 || length < hl || total < hl || total > length || (Be16(ip + 6) & 0x3fff) != 0) return false;
  if (Sum16(ip, hl, 0) != 0xffff) return false;
  const int protocol = ip[9];
  if (protocol != 1 && protocol != 6 && protocol != 17) {
    cells[kIpv4Good]++;
    return true;
  }
  const int cell = Upper(ip + hl, total - hl, protocol, Sum16(ip + 12, 8, 0), false);
  if (cell < 0) return false;
  cells[kIpv4Good]++;
  cells[cell]++;
  return true;
}

// The IPv6 packet at ip, `length` bytes captured of `wire` on the wire.
bool Ipv6(const uint8_t* ip, size_t length, int64_t wire, uint32_t* cells) {
  if (length < 40 || ip[0] >> 4 != 6) return false;
  const uint32_t payload = Be16(ip + 4);
  // A jumbogram, a cut, a payload length past the wire length: lib/check's.
  if (payload == 0 || 40 + payload > length || 40 + int64_t{payload} > wire) return false;
  const uint32_t end = 40 + payload;
  uint32_t at = 40;
  int next = ip[6];
  // Hop-by-Hop (0) and Destination Options (60) headers are crossed by their length, as
  // lib/wire's walkChain crosses them (at most 32 headers); any other (a Routing header names
  // another destination, a Fragment header cuts the datagram) is lib/check's.
  for (int headers = 0; next == 0 || next == 60; headers++) {
    if (headers == 32 || end - at < 8) return false;
    const uint32_t size = (ip[at + 1] + 1u) * 8;
    if (size > end - at) return false;
    next = ip[at];
    at += size;
  }
  if (next != 6 && next != 17 && next != 58) return false;
  const int cell = Upper(ip + at, end - at, next, Sum16(ip + 8, 32, 0), true);
  if (cell < 0) return false;
  cells[kIpv6]++;
  cells[cell]++;
  return true;
}

bool Frame(const uint8_t* f, size_t captured, int64_t original, bool ethernet, uint32_t* cells) {
  if (!ethernet) {
    if (captured < 1) return false;
    return f[0] >> 4 == 4 ? Ipv4(f, captured, cells) : Ipv6(f, captured, original, cells);
  }
  if (captured < 14) return false;
  const uint32_t type = Be16(f + 12);
  if (type == 0x0800) return Ipv4(f + 14, captured - 14, cells);
  if (type == 0x86dd) return Ipv6(f + 14, captured - 14, original - 14, cells);
  return false;
}

// A whole number in [lo, hi] at info[index], in one N-API call: this runs once per run of records.
int64_t Whole(Napi::Env env, const Napi::CallbackInfo& info, size_t index, const char* name, int64_t lo, int64_t hi) {
  double d = 0;
  if (napi_get_value_double(env, info[index], &d) != napi_ok || !WholeNumberIn(d, lo, hi)) {
    throw InvalidArgValue(env, std::string(name) + " must be an integer from " + std::to_string(lo) + " to " + std::to_string(hi));
  }
  return static_cast<int64_t>(d);
}

// checkRecords(buf, pos, end, flags, maxCaptured, out): flags bit 0 little-endian record
// headers, bit 1 Ethernet frames. Six arguments at most, each read in one N-API call: a call
// costs more than checking a few records, and lib/check makes one after every record it reads.
Napi::Value CheckRecords(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const Bytes buf = BytesArg(env, info[0], "buf");
  const int64_t limit = static_cast<int64_t>(buf.length);
  const int64_t start = Whole(env, info, 1, "pos", 0, limit);
  const int64_t end = Whole(env, info, 2, "end", start, limit);
  const int64_t flags = Whole(env, info, 3, "flags", 0, 3);
  const int64_t maxCaptured = Whole(env, info, 4, "maxCaptured", 0, UINT32_MAX);
  double* out = TypedArrayArg<double>(env, info[5], napi_float64_array, kLaneFacts,
                                      "out must be a Float64Array of " + std::to_string(kLaneFacts));
  const bool littleEndian = (flags & 1) != 0;
  const bool ethernet = (flags & 2) != 0;
  uint32_t cells[kCells] = {};
  const uint8_t* b = buf.data;
  int64_t pos = start;
  uint32_t records = 0;
  while (end - pos >= 16) {
    const int64_t captured = U32(b + pos + 8, littleEndian);
    if (captured > maxCaptured || pos + 16 + captured > end) break;
    const int64_t original = U32(b + pos + 12, littleEndian);
    if (!Frame(b + pos + 16, static_cast<size_t>(captured), original, ethernet, cells)) break;
    pos += 16 + captured;
    records++;
  }
  out[kLaneRecords] = records;
  out[kLaneNext] = static_cast<double>(pos);
  for (int c = 0; c < kCells; c++) out[kLaneCells + c] = cells[c];
  return env.Undefined();
}

}  // namespace

Napi::Object LaneLayout(Napi::Env env) {
  return FrozenNumbers(env, {
      {"facts", kLaneFacts}, {"records", kLaneRecords}, {"next", kLaneNext},
      {"ipv4Good", kLaneCells + kIpv4Good}, {"ipv6", kLaneCells + kIpv6},
      {"icmpGood", kLaneCells + kIcmpGood}, {"udpGood", kLaneCells + kUdpGood},
      {"udpAbsent", kLaneCells + kUdpAbsent}, {"tcpGood", kLaneCells + kTcpGood},
      {"icmpv6Good", kLaneCells + kIcmpv6Good},
  });
}

Napi::Function CheckRecordsFunction(Napi::Env env) {
  return Napi::Function::New<CheckRecords>(env, "checkRecords");
}

}  // namespace rawprobe
