// Capture: one AF_PACKET socket with a memory-mapped TPACKET_V3 receive ring, the addon's
// packet capture. Mechanism only: what to capture, how to filter, how long, and how to show a
// packet are TypeScript's (lib/capture/).
//
// How packets travel:
//   the kernel writes every packet that passes the socket filter into the current block of the
//   ring and hands the block to us when it is full or when the retire timeout expires
//   (block_status TP_STATUS_USER) -> uv_poll says "readable" -> Drain() walks every block the
//   kernel has handed over, copies each packet into one scratch ArrayBuffer (building a Linux
//   cooked v2 header in front in cooked mode, putting back a VLAN tag the kernel took off) and its
//   facts into one scratch Float64Array, returns the blocks to the kernel, and calls JavaScript
//   ONCE per wake-up. No syscall per packet. The scratch is reused by the next wake-up (a flood
//   that faulted in fresh memory for every batch spent a third of its time in page faults): the
//   bytes are valid during the callback only, and lib/capture copies what it hands out to keep.
#pragma once

#include <napi.h>
#include <uv.h>

#include <memory>

#include "polled-wrap.h"

namespace rawprobe {

// The batch a wake-up delivers: one Float64Array with kStride numbers per packet.
namespace capture_batch {
constexpr int kOffset = 0;      // where the packet starts in the batch's Buffer
constexpr int kCaptured = 1;    // bytes of it in the Buffer (after the snaplen cut)
constexpr int kOriginal = 2;    // its length on the wire (link header included)
constexpr int kSeconds = 3;     // kernel receive time: seconds since the epoch
constexpr int kNanos = 4;       //   and nanoseconds within the second
constexpr int kTimestamp = 5;   // the same time in clock.h units (ns since the clock base)
constexpr int kIfindex = 6;     // interface the packet crossed (sockaddr_ll.sll_ifindex)
constexpr int kPacketType = 7;  // PACKET_HOST, PACKET_OUTGOING, ... (sockaddr_ll.sll_pkttype)
constexpr int kHatype = 8;      // ARPHRD_* of that interface
constexpr int kProtocol = 9;    // EtherType, host order (sockaddr_ll.sll_protocol)
constexpr int kVlanTci = 10;    // the VLAN tag's TCI the kernel took off, -1 if none
constexpr int kStride = 11;

// With pcapRecords on, every packet in the Buffer is preceded by a classic pcap record header
// (draft-ietf-opsawg-pcap: seconds, nanoseconds, captured length, original length; u32 each, host
// byte order), so a batch is a run of records a nanosecond pcap file takes as it is; kOffset
// still points at the packet itself.
constexpr int kPcapRecordHeader = 16;

// (kind, bytes: ArrayBuffer, meta: Float64Array, count, used): the packets are bytes[0, used).
// Both arrays are the Capture's scratch, reused by the next batch: valid during the callback only.
constexpr int kEventBatch = 0;
constexpr int kEventError = 1;  // (kind, error): the socket failed (interface gone); polling stopped
}  // namespace capture_batch

class Capture : public PolledWrap<Capture> {
 public:
  static Napi::Function Define(Napi::Env env);
  // new Capture({ifindex, cooked, snaplen, blockSize, blockCount, retireMs, promiscuous,
  //              filter, skipOutgoingIfindex, pcapRecords}): opens and binds; packets wait in
  // the ring until start().
  explicit Capture(const Napi::CallbackInfo& info);
  ~Capture() override;

 private:
  friend class PolledWrap<Capture>;  // close() calls CloseNow; ref, unref and fd are PolledWrap's
  Napi::Value Start(const Napi::CallbackInfo& info);
  Napi::Value Stop(const Napi::CallbackInfo& info);
  Napi::Value DrainNow(const Napi::CallbackInfo& info);
  Napi::Value Stats(const Napi::CallbackInfo& info);

  // Everything the constructor sets up, in order; throws (and leaves cleanup to CloseNow).
  void Open(Napi::Env env, const Napi::Object& config);
  void CloseNow();
  void StopPoll();
  // Walks the blocks the kernel has handed over, delivers them as one batch, returns them.
  // Returns the number of packets delivered.
  size_t Drain();
  void Emit(const std::vector<napi_value>& args);
  void Fail(int err);
  // Grows the scratch to hold `bytes` bytes and `values` meta numbers.
  void Reserve(size_t bytes, size_t values);

  static void OnPoll(uv_poll_t* handle, int status, int events);

  uint8_t* ring_ = nullptr;  // mmap of blockCount_ blocks of blockSize_ bytes
  size_t ringBytes_ = 0;
  unsigned blockSize_ = 0;
  unsigned blockCount_ = 0;
  unsigned current_ = 0;  // the next block to look at
  bool cooked_ = false;   // SOCK_DGRAM: no link header from the kernel; we build Linux cooked v2
  unsigned snaplen_ = 0;
  int skipOutgoingIfindex_ = -1;
  bool pcapRecords_ = false;  // a pcap record header before each packet in the batch Buffer
  bool draining_ = false;     // in the batch callback: the scratch is in use

  Napi::Reference<Napi::ArrayBuffer> bytesRef_;  // the batch scratch, reused
  size_t bytesCapacity_ = 0;
  Napi::Reference<Napi::Float64Array> metaRef_;
  size_t metaCapacity_ = 0;

  int unexplainedErrors_ = 0;  // POLLERR wake-ups with no pending error, in a row
  Napi::FunctionReference callback_;
  std::unique_ptr<Napi::AsyncContext> async_;
};

// {stride, offset, captured, ..., eventBatch, eventError}: the layout above, for a load-time check.
Napi::Object CaptureLayout(Napi::Env env);

// captureInterface(name) -> {index, hardwareType (ARPHRD_*), flags (IFF_*), mtu}; throws ENODEV.
Napi::Value CaptureInterface(const Napi::CallbackInfo& info);

// compileFilter(linkType, snaplen, expression, optimize, device?) -> {program: Buffer,
// listing: string[], live: boolean} with libpcap, loaded on first use (pcap-filter.cc).
Napi::Value CompileFilter(const Napi::CallbackInfo& info);

}  // namespace rawprobe
