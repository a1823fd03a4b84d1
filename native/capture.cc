// The Capture object (capture.h): open an AF_PACKET socket with a TPACKET_V3 ring, drain whole
// blocks per wake-up, report PACKET_STATISTICS, close. The ring's layout is linux/if_packet.h's;
// the way a cooked header and a VLAN tag are put back follows libpcap's pcap-linux.c, so a
// packet reads exactly as tcpdump would have written it.
#include "capture.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/filter.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <net/if.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <string>
#include <vector>

#include "args.h"
#include "clock.h"
#include "errors.h"
#include "objects.h"

namespace rawprobe {

namespace {

// LINKTYPE_LINUX_SLL2's header (tcpdump.org/linktypes/LINKTYPE_LINUX_SLL2.html): protocol (2),
// reserved (2), interface index (4), ARPHRD type (2), packet type (1), address length (1),
// address (8). Every multi-byte field is big-endian.
constexpr size_t kSll2HeaderLength = 20;
constexpr size_t kVlanTagLength = 4;
// Where an Ethernet frame's EtherType starts (after two 6-byte addresses): a VLAN tag the kernel
// took off goes back in there, as libpcap does.
constexpr size_t kEtherTypeOffset = 2 * ETH_ALEN;
// The most PACKET_RX_RING takes here: the kernel refuses rings whose block count times block size
// overflows its own arithmetic long before this.
constexpr int64_t kMaxRingBytes = int64_t{1} << 34;

ErrorContext Context(const char* syscall, int type) {
  ErrorContext ctx;
  ctx.syscall = syscall;
  ctx.family = AF_PACKET;
  ctx.type = type;
  return ctx;
}

bool BoolField(Napi::Env env, const Napi::Object& o, const char* name) {
  Napi::Value v = o.Get(name);
  if (!v.IsBoolean()) throw InvalidArgType(env, std::string(name) + " must be a boolean");
  return v.As<Napi::Boolean>().Value();
}

int64_t IntField(Napi::Env env, const Napi::Object& o, const char* name, int64_t lo, int64_t hi) {
  return IntegerArg(env, o.Get(name), name, lo, hi);
}

tpacket_block_desc* BlockAt(uint8_t* ring, unsigned blockSize, unsigned index) {
  return reinterpret_cast<tpacket_block_desc*>(ring + static_cast<size_t>(index) * blockSize);
}

bool OwnedByUs(tpacket_block_desc* block) {
  return (__atomic_load_n(&block->hdr.bh1.block_status, __ATOMIC_ACQUIRE) & TP_STATUS_USER) != 0;
}

// libpcap's VLAN_VALID: some drivers set the TCI without the status bit.
bool VlanPresent(const tpacket3_hdr* h) {
  return h->hv1.tp_vlan_tci != 0 || (h->tp_status & TP_STATUS_VLAN_VALID) != 0;
}

const sockaddr_ll* AddressOf(const tpacket3_hdr* h) {
  return reinterpret_cast<const sockaddr_ll*>(reinterpret_cast<const uint8_t*>(h) +
                                              TPACKET_ALIGN(sizeof(tpacket3_hdr)));
}

// Calls f(header) for each packet of a block the kernel handed over. A packet whose data would
// run past the block is never read (a corrupt block ends the walk).
template <typename F>
void ForEachPacket(tpacket_block_desc* block, unsigned blockSize, F f) {
  const uint32_t count = block->hdr.bh1.num_pkts;
  size_t at = block->hdr.bh1.offset_to_first_pkt;
  for (uint32_t i = 0; i < count; i++) {
    if (at + TPACKET3_HDRLEN > blockSize) return;
    const auto* h = reinterpret_cast<const tpacket3_hdr*>(reinterpret_cast<uint8_t*>(block) + at);
    if (static_cast<size_t>(h->tp_mac) + h->tp_snaplen > blockSize - at) return;
    f(h);
    if (h->tp_next_offset == 0) return;
    at += h->tp_next_offset;
  }
}

// Up to `limit` bytes of the concatenation of `parts` into dst; returns the bytes written.
struct Part {
  const uint8_t* data;
  size_t length;
};
size_t CopyParts(uint8_t* dst, size_t limit, std::initializer_list<Part> parts) {
  size_t done = 0;
  for (const Part& p : parts) {
    const size_t n = std::min(p.length, limit - done);
    memcpy(dst + done, p.data, n);
    done += n;
    if (done == limit) break;
  }
  return done;
}

}  // namespace

Napi::Function Capture::Define(Napi::Env env) {
  return DefineClass(env, "Capture",
                     {
                         InstanceMethod<&Capture::Start>("start"),
                         InstanceMethod<&Capture::Stop>("stop"),
                         InstanceMethod<&Capture::DrainNow>("drain"),
                         InstanceMethod<&Capture::Stats>("stats"),
                         InstanceMethod("close", &Capture::Close),
                         InstanceMethod("ref", &Capture::Ref),
                         InstanceMethod("unref", &Capture::Unref),
                         InstanceAccessor("fd", &Capture::GetFd, nullptr),
                     });
}

Capture::Capture(const Napi::CallbackInfo& info) : PolledWrap<Capture>(info) {
  Napi::Env env = info.Env();
  if (!info[0].IsObject()) throw InvalidArgType(env, "the capture configuration must be an object");
  Napi::Object config = info[0].As<Napi::Object>();
  try {
    Open(env, config);
  } catch (...) {
    CloseNow();  // the destructor of a half-made ObjectWrap is not guaranteed to run soon
    throw;
  }
  CloseOnEnvCleanup(env);
}

void Capture::Open(Napi::Env env, const Napi::Object& config) {
  // Every argument is checked before the descriptor exists.
  const long page = sysconf(_SC_PAGESIZE);
  const int ifindex = static_cast<int>(IntField(env, config, "ifindex", 0, INT32_MAX));
  cooked_ = BoolField(env, config, "cooked");
  const bool promiscuous = BoolField(env, config, "promiscuous");
  snaplen_ = static_cast<unsigned>(IntField(env, config, "snaplen", 1, INT32_MAX));
  blockSize_ = static_cast<unsigned>(IntField(env, config, "blockSize", page, UINT32_MAX >> 1));
  blockCount_ = static_cast<unsigned>(IntField(env, config, "blockCount", 1, UINT32_MAX >> 1));
  const int retireMs = static_cast<int>(IntField(env, config, "retireMs", 1, 60000));
  skipOutgoingIfindex_ = static_cast<int>(IntField(env, config, "skipOutgoingIfindex", -1, INT32_MAX));
  pcapRecords_ = BoolField(env, config, "pcapRecords");
  if (blockSize_ % page != 0) {
    throw InvalidArgValue(env, "blockSize must be a multiple of the page size (" +
                                   std::to_string(page) + ")");
  }
  if (static_cast<int64_t>(blockSize_) * blockCount_ > kMaxRingBytes) {
    throw InvalidArgValue(env, "the ring (blockSize x blockCount) is larger than 16 GiB");
  }
  if (promiscuous && ifindex == 0) {
    throw InvalidArgValue(env, "promiscuous mode needs one interface (ifindex 0 means all)");
  }
  Napi::Value filterValue = config.Get("filter");
  std::vector<sock_filter> filter;
  if (!filterValue.IsNull() && !filterValue.IsUndefined()) {
    if (!IsUint8Array(filterValue)) throw InvalidArgType(env, "filter must be a Buffer or null");
    Napi::Uint8Array bytes = filterValue.As<Napi::Uint8Array>();
    const size_t n = bytes.ByteLength();
    if (n == 0 || n % sizeof(sock_filter) != 0 || n / sizeof(sock_filter) > BPF_MAXINSNS) {
      throw InvalidArgValue(env, "filter must hold 1 to " + std::to_string(BPF_MAXINSNS) +
                                     " instructions of 8 bytes");
    }
    filter.resize(n / sizeof(sock_filter));
    memcpy(filter.data(), bytes.Data(), n);
  }
  const int type = cooked_ ? SOCK_DGRAM : SOCK_RAW;

  // Protocol 0: the socket receives nothing until bind() names ETH_P_ALL, so no packet can
  // reach the ring before the filter is on (libpcap opens it the same way).
  fd_ = socket(AF_PACKET, type | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd_ < 0) throw ErrnoError(env, errno, Context("socket", type));
  const int version = TPACKET_V3;
  if (setsockopt(fd_, SOL_PACKET, PACKET_VERSION, &version, sizeof(version)) < 0) {
    throw ErrnoError(env, errno, Context("setsockopt PACKET_VERSION", type));
  }
  if (!filter.empty()) {
    sock_fprog program{static_cast<unsigned short>(filter.size()), filter.data()};
    if (setsockopt(fd_, SOL_SOCKET, SO_ATTACH_FILTER, &program, sizeof(program)) < 0) {
      throw ErrnoError(env, errno, Context("setsockopt SO_ATTACH_FILTER", type));
    }
  }
  // TPACKET_V3 "frames" are the blocks themselves: one per block.
  tpacket_req3 req;
  memset(&req, 0, sizeof(req));
  req.tp_block_size = blockSize_;
  req.tp_block_nr = blockCount_;
  req.tp_frame_size = blockSize_;
  req.tp_frame_nr = blockCount_;
  req.tp_retire_blk_tov = static_cast<unsigned>(retireMs);
  if (setsockopt(fd_, SOL_PACKET, PACKET_RX_RING, &req, sizeof(req)) < 0) {
    throw ErrnoError(env, errno, Context("setsockopt PACKET_RX_RING", type));
  }
  ringBytes_ = static_cast<size_t>(blockSize_) * blockCount_;
  void* ring = mmap(nullptr, ringBytes_, PROT_READ | PROT_WRITE, MAP_SHARED, fd_, 0);
  if (ring == MAP_FAILED) throw ErrnoError(env, errno, Context("mmap", type));
  ring_ = static_cast<uint8_t*>(ring);
  if (promiscuous) {
    packet_mreq mreq;
    memset(&mreq, 0, sizeof(mreq));
    mreq.mr_ifindex = ifindex;
    mreq.mr_type = PACKET_MR_PROMISC;
    if (setsockopt(fd_, SOL_PACKET, PACKET_ADD_MEMBERSHIP, &mreq, sizeof(mreq)) < 0) {
      throw ErrnoError(env, errno, Context("setsockopt PACKET_ADD_MEMBERSHIP", type));
    }
  }
  sockaddr_ll sll;
  memset(&sll, 0, sizeof(sll));
  sll.sll_family = AF_PACKET;
  sll.sll_protocol = htons(ETH_P_ALL);
  sll.sll_ifindex = ifindex;
  if (bind(fd_, reinterpret_cast<sockaddr*>(&sll), sizeof(sll)) < 0) {
    throw ErrnoError(env, errno, Context("bind", type));
  }
  // Binding to an interface that is down succeeds but leaves ENETDOWN pending on the socket.
  int pending = 0;
  socklen_t len = sizeof(pending);
  if (getsockopt(fd_, SOL_SOCKET, SO_ERROR, &pending, &len) == 0 && pending != 0) {
    throw ErrnoError(env, pending, Context("bind", type));
  }
}

Capture::~Capture() { CloseNow(); }

void Capture::StopPoll() {
  poll_.Close();
  Unpin();
}

void Capture::CloseNow() {
  StopPoll();
  callback_.Reset();
  async_.reset();
  bytesRef_.Reset();
  metaRef_.Reset();
  if (ring_ != nullptr) {
    munmap(ring_, ringBytes_);
    ring_ = nullptr;
  }
  if (fd_ >= 0) {
    ::close(fd_);  // also drops the promiscuous membership and the filter
    fd_ = -1;
  }
}

// start(callback): poll the descriptor on the loop; callback(kind, ...) as capture.h says.
Napi::Value Capture::Start(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!info[0].IsFunction()) throw InvalidArgType(env, "callback must be a function");
  if (fd_ < 0) throw CodedError(env, "ERR_SOCKET_CLOSED", "cannot start: the capture is closed");
  if (poll_.IsOpen()) throw CodedError(env, "ERR_SOCKET_RECEIVING", "the capture is already started");
  auto async = std::make_unique<Napi::AsyncContext>(env, "rawprobe:capture", Value());
  Napi::FunctionReference callback = Napi::Persistent(info[0].As<Napi::Function>());
  poll_.Open(env, fd_, this);
  const int rc = poll_.Start(UV_READABLE, &Capture::OnPoll);
  if (rc != 0) {
    poll_.Close();
    throw CodedError(env, "ERR_SOCKET_POLL", std::string("uv_poll_start failed: ") + uv_strerror(rc));
  }
  async_ = std::move(async);
  callback_ = std::move(callback);
  Pin();  // polled: outlive every JavaScript reference, as a listening socket does
  return env.Undefined();
}

// stop(): no more wake-ups; the ring keeps filling (and then dropping) until close().
Napi::Value Capture::Stop(const Napi::CallbackInfo& info) {
  StopPoll();
  return info.Env().Undefined();
}

// drain(): deliver whatever blocks the kernel has handed over, now, through the callback.
Napi::Value Capture::DrainNow(const Napi::CallbackInfo& info) {
  return Napi::Number::New(info.Env(), static_cast<double>(Drain()));
}

// stats() -> {packets, drops, freezes} since the last call (the kernel resets them on read).
// packets counts every packet that passed the filter, dropped ones included.
Napi::Value Capture::Stats(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (fd_ < 0) throw CodedError(env, "ERR_SOCKET_CLOSED", "cannot read statistics: the capture is closed");
  tpacket_stats_v3 st;
  memset(&st, 0, sizeof(st));
  socklen_t len = sizeof(st);
  if (getsockopt(fd_, SOL_PACKET, PACKET_STATISTICS, &st, &len) < 0) {
    throw ErrnoError(env, errno, Context("getsockopt PACKET_STATISTICS", cooked_ ? SOCK_DGRAM : SOCK_RAW));
  }
  return NumberObject(env, {{"packets", st.tp_packets}, {"drops", st.tp_drops}, {"freezes", st.tp_freeze_q_cnt}});
}

void Capture::OnPoll(uv_poll_t* handle, int status, int /*events*/) {
  auto* self = static_cast<Capture*>(handle->data);
  if (self == nullptr) return;
  Napi::Env env = self->Env();
  Napi::HandleScope scope(env);
  Napi::Object keepAlive = self->Value();
  (void)keepAlive;
  if (status == 0) {
    self->unexplainedErrors_ = 0;
    self->Drain();
    return;
  }
  // libuv reports POLLERR as UV_EBADF and stops the handle. On a packet socket that is a pending
  // error: ENETDOWN when the interface went down or away. Deliver what arrived, then the error.
  int pending = 0;
  socklen_t len = sizeof(pending);
  if (self->fd_ >= 0) getsockopt(self->fd_, SOL_SOCKET, SO_ERROR, &pending, &len);
  self->Drain();
  if (!self->poll_.IsOpen()) return;
  // An error nobody can read is retried a few times, never in an endless loop.
  if (pending == 0 && status == UV_EBADF && self->fd_ >= 0 && fcntl(self->fd_, F_GETFD) >= 0 &&
      ++self->unexplainedErrors_ <= 8) {
    if (self->poll_.Start(UV_READABLE, &Capture::OnPoll) == 0) return;
  }
  self->Fail(pending != 0 ? pending : EIO);
}

void Capture::Fail(int err) {
  Napi::Env env = Env();
  Napi::Error error = ErrnoError(env, err, Context("poll", cooked_ ? SOCK_DGRAM : SOCK_RAW));
  StopPoll();
  Emit({Napi::Number::New(env, capture_batch::kEventError), error.Value()});
}

void Capture::Emit(const std::vector<napi_value>& args) {
  CallJavaScript(Env(), callback_, async_.get(), Value(), args);
}

// The scratch a batch is built in: grown (never shrunk) to `bytes` and `values`, then reused, so
// a flood's memory is touched once instead of faulted in again for every wake-up.
void Capture::Reserve(size_t bytes, size_t values) {
  Napi::Env env = Env();
  if (bytesRef_.IsEmpty() || bytesCapacity_ < bytes) {
    bytesCapacity_ = std::max(bytes, bytesCapacity_ * 2);
    bytesRef_ = Napi::Persistent(Napi::ArrayBuffer::New(env, bytesCapacity_));
  }
  if (metaRef_.IsEmpty() || metaCapacity_ < values) {
    metaCapacity_ = std::max(values, metaCapacity_ * 2);
    metaRef_ = Napi::Persistent(Napi::Float64Array::New(env, metaCapacity_));
  }
}

size_t Capture::Drain() {
  if (fd_ < 0 || ring_ == nullptr || draining_) return 0;
  Napi::Env env = Env();
  const bool cooked = cooked_;
  const int skip = skipOutgoingIfindex_;
  const size_t recordHeader = pcapRecords_ ? capture_batch::kPcapRecordHeader : 0;

  // The blocks handed over, and bounds on what they hold: a packet's copy (link header, VLAN tag
  // and record header added) is never longer than its place in the block (tpacket3_hdr and
  // sockaddr_ll, 68 bytes, come before its data).
  unsigned blocks = 0;
  size_t bound = 0;
  size_t most = 0;
  for (unsigned b = current_; blocks < blockCount_; b = (b + 1) % blockCount_) {
    tpacket_block_desc* block = BlockAt(ring_, blockSize_, b);
    if (!OwnedByUs(block)) break;
    bound += block->hdr.bh1.blk_len;
    most += block->hdr.bh1.num_pkts;
    blocks++;
  }
  if (blocks == 0) return 0;
  static_assert(TPACKET3_HDRLEN >= kSll2HeaderLength + capture_batch::kPcapRecordHeader,
                "a packet's copy must fit its place in the block");
  Reserve(std::max<size_t>(bound, 1), std::max<size_t>(most, 1) * capture_batch::kStride);
  Napi::ArrayBuffer bytes = bytesRef_.Value();
  Napi::Float64Array meta = metaRef_.Value();
  uint8_t* out = static_cast<uint8_t*>(bytes.Data());
  double* m = meta.Data();

  size_t packets = 0;
  size_t offset = 0;
  for (unsigned i = 0; i < blocks; i++) {
    tpacket_block_desc* block = BlockAt(ring_, blockSize_, (current_ + i) % blockCount_);
    ForEachPacket(block, blockSize_, [&](const tpacket3_hdr* h) {
      const sockaddr_ll* sll = AddressOf(h);
      // libpcap's linux_check_direction: on loopback every packet is seen leaving and
      // arriving; keep the arrival only.
      if (sll->sll_pkttype == PACKET_OUTGOING && sll->sll_ifindex == skip) return;
      if (packets == most) return;  // never: num_pkts counts every packet of the block
      const uint8_t* src = reinterpret_cast<const uint8_t*>(h) + h->tp_mac;
      const bool vlan = VlanPresent(h);
      const size_t add = cooked ? kSll2HeaderLength
                                : (vlan && h->tp_snaplen >= kEtherTypeOffset ? kVlanTagLength : 0);
      const size_t captured = std::min<size_t>(h->tp_snaplen + add, snaplen_);
      if (offset + recordHeader + captured > bound) return;  // never, by the bound above
      if (recordHeader != 0) {
        const uint32_t record[4] = {h->tp_sec, h->tp_nsec, static_cast<uint32_t>(captured),
                                    static_cast<uint32_t>(h->tp_len + add)};
        memcpy(out + offset, record, sizeof(record));
        offset += sizeof(record);
      }
      if (cooked) {
        uint8_t head[kSll2HeaderLength];
        memcpy(head, &sll->sll_protocol, 2);  // already network order
        head[2] = head[3] = 0;
        const uint32_t index = htonl(static_cast<uint32_t>(sll->sll_ifindex));
        memcpy(head + 4, &index, 4);
        const uint16_t hatype = htons(sll->sll_hatype);
        memcpy(head + 8, &hatype, 2);
        head[10] = sll->sll_pkttype;
        head[11] = sll->sll_halen;
        memcpy(head + 12, sll->sll_addr, 8);
        CopyParts(out + offset, captured, {{head, sizeof(head)}, {src, h->tp_snaplen}});
      } else if (add > 0) {
        uint8_t tag[kVlanTagLength];
        const uint16_t tpid = htons((h->tp_status & TP_STATUS_VLAN_TPID_VALID) != 0
                                        ? h->hv1.tp_vlan_tpid
                                        : static_cast<uint16_t>(ETH_P_8021Q));
        const uint16_t tci = htons(static_cast<uint16_t>(h->hv1.tp_vlan_tci));
        memcpy(tag, &tpid, 2);
        memcpy(tag + 2, &tci, 2);
        CopyParts(out + offset, captured,
                  {{src, kEtherTypeOffset}, {tag, sizeof(tag)},
                   {src + kEtherTypeOffset, h->tp_snaplen - kEtherTypeOffset}});
      } else {
        memcpy(out + offset, src, captured);
      }
      const timespec ts{static_cast<time_t>(h->tp_sec), static_cast<long>(h->tp_nsec)};
      m[capture_batch::kOffset] = static_cast<double>(offset);
      m[capture_batch::kCaptured] = static_cast<double>(captured);
      m[capture_batch::kOriginal] = static_cast<double>(h->tp_len + add);
      m[capture_batch::kSeconds] = h->tp_sec;
      m[capture_batch::kNanos] = h->tp_nsec;
      m[capture_batch::kTimestamp] = SinceBase(ts);
      m[capture_batch::kIfindex] = sll->sll_ifindex;
      m[capture_batch::kPacketType] = sll->sll_pkttype;
      m[capture_batch::kHatype] = sll->sll_hatype;
      m[capture_batch::kProtocol] = ntohs(sll->sll_protocol);
      m[capture_batch::kVlanTci] = vlan ? static_cast<double>(h->hv1.tp_vlan_tci & 0xffff) : -1;
      m += capture_batch::kStride;
      offset += captured;
      packets++;
    });
  }
  // Give the blocks back before JavaScript runs: the kernel fills them while we format.
  for (unsigned i = 0; i < blocks; i++) {
    tpacket_block_desc* block = BlockAt(ring_, blockSize_, (current_ + i) % blockCount_);
    __atomic_store_n(&block->hdr.bh1.block_status, TP_STATUS_KERNEL, __ATOMIC_RELEASE);
  }
  current_ = (current_ + blocks) % blockCount_;
  if (packets > 0) {
    draining_ = true;  // the scratch is JavaScript's until the callback returns
    Emit({Napi::Number::New(env, capture_batch::kEventBatch), bytes, meta,
          Napi::Number::New(env, static_cast<double>(packets)),
          Napi::Number::New(env, static_cast<double>(offset))});
    draining_ = false;
  }
  return packets;
}

// capture.h's layout, grouped as there: a packet's numbers, then the callback's kinds.
Napi::Object CaptureLayout(Napi::Env env) {
  using namespace capture_batch;
  return FrozenNumbers(env, {
      {"stride", kStride}, {"offset", kOffset}, {"captured", kCaptured}, {"original", kOriginal},
      {"seconds", kSeconds}, {"nanos", kNanos}, {"timestamp", kTimestamp}, {"ifindex", kIfindex},
      {"packetType", kPacketType}, {"hatype", kHatype}, {"protocol", kProtocol}, {"vlanTci", kVlanTci},
      {"pcapRecordHeader", kPcapRecordHeader},
      {"eventBatch", kEventBatch}, {"eventError", kEventError},
  });
}

Napi::Value CaptureInterface(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!info[0].IsString()) throw InvalidArgType(env, "name must be a string");
  const std::string name = info[0].As<Napi::String>().Utf8Value();
  ErrorContext ctx;
  ctx.syscall = "if_nametoindex";
  if (name.empty() || name.size() >= IFNAMSIZ || name.find('\0') != std::string::npos) {
    throw ErrnoError(env, ENODEV, ctx);
  }
  const unsigned index = if_nametoindex(name.c_str());
  if (index == 0) throw ErrnoError(env, errno == 0 ? ENODEV : errno, ctx);
  // Any socket answers the SIOCGIF* ioctls; a datagram one needs no privilege.
  int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (fd < 0) fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (fd < 0) {
    ctx.syscall = "socket";
    throw ErrnoError(env, errno, ctx);
  }
  ifreq ifr;
  memset(&ifr, 0, sizeof(ifr));
  memcpy(ifr.ifr_name, name.data(), name.size());
  int hatype = -1, flags = -1, mtu = -1;
  if (ioctl(fd, SIOCGIFHWADDR, &ifr) == 0) hatype = ifr.ifr_hwaddr.sa_family;
  if (ioctl(fd, SIOCGIFFLAGS, &ifr) == 0) flags = ifr.ifr_flags & 0xffff;
  if (ioctl(fd, SIOCGIFMTU, &ifr) == 0) mtu = ifr.ifr_mtu;
  ::close(fd);
  return NumberObject(env, {{"index", index}, {"hardwareType", hatype}, {"flags", flags}, {"mtu", mtu}});
}

}  // namespace rawprobe
