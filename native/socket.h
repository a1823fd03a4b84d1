// One Socket object per descriptor: the addon's whole job, as mechanism only.
//
// The descriptor is opened non-blocking and close-on-exec. Sending happens right on the
// caller's call (with CLOCK_REALTIME read just before and just after the syscall; with
// SO_TIMESTAMPING the kernel's own send time of each datagram comes later, through the error
// queue: timestamping.cc); receiving runs on the libuv loop through a uv_poll_t the Socket owns,
// in one of two modes:
//   batches    (receive.cc) drains everything waiting with recvmmsg and calls JavaScript
//              ONCE per wake-up with the whole batch: RawSocket's way, for probes.
//   readiness  (readiness.cc) only says "readable" / "writable"; JavaScript then makes the
//              classic calls itself (accept, recv, send: connection.cc, transfer.cc), each
//              of which returns EAGAIN as a value. The classic socket API's way.
//
// Policy (timeouts, retries, what an option means, how to print anything) is TypeScript's.
#pragma once

#include <napi.h>
#include <sys/socket.h>
#include <uv.h>

#include <array>
#include <memory>
#include <string>
#include <vector>

#include "errors.h"
#include "polled-wrap.h"
#include "send-queue.h"
#include "send-vector.h"
#include "sockaddr.h"

namespace rawprobe {

// What the addon shares with every Socket of one Node environment (main thread or worker).
struct AddonData {
  Napi::FunctionReference socketClass;
  // Float64Array(3) shared with JavaScript: [0] the time just before the last send call's
  // syscall, [1] the errno that stopped the last sendMany early (0 if it sent everything),
  // [2] the time just after it. Writing a number here is far cheaper than building a result
  // object per send.
  Napi::Reference<Napi::Float64Array> sendInfo;
  double* sendInfoData = nullptr;
  // recv/recvMsg read into this, then copy out exactly what came: one buffer per environment
  // (calls never overlap on one thread) instead of one per socket.
  std::vector<uint8_t> recvScratch;
};

// What the readiness callback's first argument says (a bit mask), and what watch() takes.
namespace readiness {
constexpr int kReadable = 1;  // recv/accept may find something now
constexpr int kWritable = 2;  // send may take bytes now; a connect in progress has finished
constexpr int kError = 4;     // POLLERR: a pending error; the next call on the socket reports it
constexpr int kFailed = 8;    // polling failed for good: (kFailed, error); watching stopped
}  // namespace readiness

// Which job the poll handle does (socket.h's header comment).
enum class PollMode { kNone, kBatches, kReadiness };

// The socket kinds the addon opens.
bool ValidFamily(int family);
bool ValidType(int type);

// socketpair(family, type, protocol) -> [Socket, Socket] (connection.cc).
Napi::Value MakeSocketpair(const Napi::CallbackInfo& info);

// The batch a wake-up delivers: one Float64Array with kBatchStride numbers per datagram.
namespace batch {
constexpr int kOffset = 0;        // where the datagram's bytes start in the batch's Buffer
constexpr int kLength = 1;        // bytes in the Buffer (capped at the receive slot size)
constexpr int kWireLength = 2;    // the datagram's real length (> length when truncated)
constexpr int kTimestamp = 3;     // kernel receive time (ns since the clock base)
constexpr int kFamily = 4;        // AF_* of the source address, 0 if none was given
constexpr int kSourceV4 = 5;      // IPv4 source as an unsigned 32-bit number, -1 if not IPv4
constexpr int kPort = 6;          // source port (0 for raw IP), -1 for non-IP families
constexpr int kScopeId = 7;       // IPv6 scope id, -1 for other families
constexpr int kMsgFlags = 8;      // recvmsg msg_flags (MSG_TRUNC, MSG_CTRUNC, ...)
constexpr int kHopLimit = 9;      // IP_TTL / IPV6_HOPLIMIT control message, -1 if absent
constexpr int kTos = 10;          // IP_TOS / IPV6_TCLASS control message, -1 if absent
constexpr int kFlags = 11;        // our flags, below
constexpr int kHwTimestamp = 12;  // the interface's receive time (SO_TIMESTAMPING raw hardware), -1 if none
constexpr int kStride = 13;

constexpr int kFlagKernelTimestamp = 1;    // kTimestamp is the kernel's, not ours at drain
constexpr int kFlagHardwareTimestamp = 2;  // kHwTimestamp holds the interface's time

// A send timestamp from the error queue (SO_TIMESTAMPING with SOF_TIMESTAMPING_OPT_ID): four
// numbers per stamp in the kEventTxTimestamps Float64Array.
constexpr int kTxKey = 0;         // the datagram's key: the n-th datagram sent since OPT_ID was set
constexpr int kTxType = 1;        // SCM_TSTAMP_SND (left the stack for the driver), _SCHED, _ACK
constexpr int kTxTimestamp = 2;   // software time (clock.h units), -1 if none
constexpr int kTxHwTimestamp = 3; // the interface's time, -1 if none
constexpr int kTxStride = 4;

// The first argument of the receive callback says what happened.
constexpr int kEventBatch = 0;     // (kind, data: Buffer, meta: Float64Array, count, addresses)
constexpr int kEventError = 1;     // (kind, error)
constexpr int kEventErrQueue = 2;  // (kind, entries: object[])
constexpr int kEventEnd = 3;       // (kind): the stream peer closed; receiving stopped
// (kind, stamps: Float64Array of kTxStride numbers each, count): send timestamps, delivered
// before the batch of the same wake-up, so that the send time of every answer in a batch is
// known when the batch arrives (the kernel queues a datagram's software send stamp before its
// answer can come back).
constexpr int kEventTxTimestamps = 4;
}  // namespace batch

// Scratch memory for recvmmsg, allocated when receiving starts. The slots are only address
// space until the kernel writes into them, so a large slot size costs little.
struct RecvScratch {
  RecvScratch(size_t slot_count, size_t slot_size);
  size_t slotCount;
  size_t slotSize;
  std::unique_ptr<uint8_t[]> data;
  std::vector<mmsghdr> headers;
  std::vector<iovec> iov;
  std::vector<sockaddr_storage> names;
  std::vector<std::array<uint64_t, 32>> control;  // 256 bytes, aligned for cmsghdr

  // What one wake-up collected, copied out of the slots before the next recvmmsg.
  std::vector<uint8_t> out;
  std::vector<double> meta;
  std::vector<std::string> addresses;
  // AF_INET6 sockets: each datagram's source as its 16 bytes (zeros when the kernel gave none),
  // handed over as one Buffer instead of a string per datagram (text only when asked for).
  std::vector<uint8_t> sources6;
  // Send timestamps read from the error queue (batch::kTxStride numbers each).
  std::vector<double> tx;

  // startReceiving's `reuse`: every batch hands over the same data Buffer and meta array (and
  // AF_INET6 sources Buffer), overwritten by the next one (grown when a batch does not fit). A
  // receiver that reads each batch in its listener and keeps nothing leaves no garbage per
  // wake-up (the sweep: a fresh pair per wake-up was about 0.7 MB of a /16's peak memory,
  // waiting for V8 to collect it).
  bool reuse = false;
  Napi::Reference<Napi::Buffer<uint8_t>> reusedData;
  Napi::Reference<Napi::Float64Array> reusedMeta;
  Napi::Reference<Napi::Buffer<uint8_t>> reusedSources6;
};

class Socket : public PolledWrap<Socket> {
 public:
  static Napi::Function Define(Napi::Env env);
  explicit Socket(const Napi::CallbackInfo& info);
  ~Socket() override;
  // A Socket object for a descriptor the addon just made (accept4, socketpair). It owns the
  // descriptor from then on; if the object cannot be made, the descriptor is closed.
  static Napi::Object Adopt(Napi::Env env, int fd, int family, int type, int protocol);

 private:
  friend class PolledWrap<Socket>;  // close() calls CloseNow
  // lifecycle (close, ref, unref and fd: PolledWrap)
  Napi::Value GetReceiving(const Napi::CallbackInfo& info);
  // addresses
  Napi::Value Bind(const Napi::CallbackInfo& info);
  Napi::Value Connect(const Napi::CallbackInfo& info);
  Napi::Value Address(const Napi::CallbackInfo& info);
  Napi::Value RemoteAddress(const Napi::CallbackInfo& info);
  // sending
  Napi::Value Send(const Napi::CallbackInfo& info);
  Napi::Value SendTo(const Napi::CallbackInfo& info);
  Napi::Value SendMany(const Napi::CallbackInfo& info);
  // sends on threads of their own (send-queue.cc)
  Napi::Value QueueMany(const Napi::CallbackInfo& info);
  Napi::Value FlushQueued(const Napi::CallbackInfo& info);
  Napi::Value SetSendThreads(const Napi::CallbackInfo& info);
  Napi::Value TakeSendFailures(const Napi::CallbackInfo& info);
  // options and filters (sockopt.cc)
  Napi::Value SetOption(const Napi::CallbackInfo& info);
  Napi::Value GetOption(const Napi::CallbackInfo& info);
  Napi::Value AttachFilter(const Napi::CallbackInfo& info);
  Napi::Value DetachFilter(const Napi::CallbackInfo& info);
  Napi::Value PeerCredentials(const Napi::CallbackInfo& info);
  // receiving in batches (receive.cc)
  Napi::Value StartReceiving(const Napi::CallbackInfo& info);
  Napi::Value StopReceiving(const Napi::CallbackInfo& info);
  // kernel timestamps (timestamping.cc)
  Napi::Value SetTimestamping(const Napi::CallbackInfo& info);
  Napi::Value ReadStampsOf(const Napi::CallbackInfo& info);
  // connections (connection.cc)
  Napi::Value Listen(const Napi::CallbackInfo& info);
  Napi::Value Accept(const Napi::CallbackInfo& info);
  Napi::Value Shutdown(const Napi::CallbackInfo& info);
  // one call at a time, EAGAIN as a value (transfer.cc)
  Napi::Value Recv(const Napi::CallbackInfo& info);
  Napi::Value RecvInto(const Napi::CallbackInfo& info);
  Napi::Value RecvMsg(const Napi::CallbackInfo& info);
  Napi::Value SendSome(const Napi::CallbackInfo& info);
  Napi::Value SendMsg(const Napi::CallbackInfo& info);
  // readiness (readiness.cc)
  Napi::Value Watch(const Napi::CallbackInfo& info);

  // getsockname / getpeername as {family, address, port, scopeId}.
  using NameCall = int (*)(int, sockaddr*, socklen_t*);
  Napi::Value SocketName(Napi::Env env, const char* what, const char* syscall, NameCall call);

  // Throws ERR_SOCKET_CLOSED if the descriptor is gone.
  void CheckOpen(Napi::Env env, const char* what) const;
  ErrorContext Context(const char* syscall) const;
  ErrorContext OptionContext(const char* syscall, int level, int name,
                             const std::string& label) const;
  // setsockopt on the descriptor; a refusal throws the errno error naming `label`.
  void SetSocketOption(Napi::Env env, int level, int name, const std::string& label, const void* value,
                       socklen_t length) const;
  // The error for a refused send: names the destination (when there is one) and notes
  // IP_HDRINCL, which changes what EINVAL and EMSGSIZE mean.
  Napi::Error SendError(Napi::Env env, int err, const char* syscall, const sockaddr* to,
                        socklen_t toLength) const;
  // sendMany's three steps: where each datagram goes, the msghdrs, the sendmmsg loop.
  std::vector<Sockaddr> SendTargets(Napi::Env env, Napi::Value target, size_t count) const;
  void FillSendHeaders(Napi::Env env, Napi::Array buffers, const std::vector<Sockaddr>& addresses);
  size_t SendFilled(Napi::Env env, size_t count, int flags);
  // Closes the descriptor and the poll handle; safe to call any number of times, from JS,
  // from the environment cleanup hook or from the destructor.
  void CloseNow();
  // Stops the poll handle (freed in OnPollClosed) and lets go of the callback.
  void StopReceivingNow();
  // Stops the poll handle but keeps the callback: an error can still be delivered after it.
  void StopPoll();
  // The poll failed for good: stop receiving and deliver ERR_SOCKET_POLL saying why.
  void FailPoll(const std::string& message);
  // Open and receiving batches: something a drain or an error delivery may have changed.
  bool Receiving() const {
    return fd_ >= 0 && poll_.IsOpen() && mode_ == PollMode::kBatches;
  }
  // Readiness mode: stop polling and let go of the callback, keeping the (stopped) handle.
  void PauseWatching();
  void HandleReady(int status, int events);
  void FailWatching(const std::string& why);

  static void OnPoll(uv_poll_t* handle, int status, int events);
  void HandleWake(int status);
  // Drains up to the per-wake-up bound; returns how many datagrams it delivered.
  size_t DrainData();
  SendQueue* SendingQueue() const;
  // One recvmmsg pass of at most `budget` datagrams, delivered as one batch.
  size_t DrainBatch(size_t budget, bool* ended);
  size_t DeliverBatch(bool wantAddresses);
  void ReportRecvError(int err);
  size_t DrainErrorQueue();
  // Reads the whole error queue: send timestamps into scratch_->tx, other entries into
  // `entries` (made with the first one, counted in `count`); returns how many it read.
  size_t ReadErrorQueue(int fd, Napi::Array* entries, uint32_t* count);
  // One error-queue entry: a send timestamp goes to scratch_->tx (returns true), anything
  // else is left for the caller to deliver as an 'errqueue' entry (returns false).
  bool CollectTxTimestamp(msghdr* m);
  void DeliverTxTimestamps();
  // The receive time options a batch socket gets: SO_TIMESTAMPNS unless SO_TIMESTAMPING
  // asks for receive times itself (timestamping.cc).
  void ApplyReceiveTimestamps(Napi::Env env);
  bool TxTimestamping() const { return (timestamping_ & kTxTimestampFlags) != 0; }
  int SendThreads() const;
  static const int kTxTimestampFlags;
  static const int kRxTimestampFlags;
  void Emit(const std::vector<napi_value>& args);
  void EmitError(const Napi::Error& error);

  int family_ = 0;
  int type_ = 0;
  int protocol_ = 0;

  PollMode mode_ = PollMode::kNone;
  int interest_ = 0;           // readiness mode: the readiness:: bits being watched
  int unexplainedErrors_ = 0;  // POLLERR wake-ups that found nothing to read, in a row
  int timestamping_ = 0;       // the SO_TIMESTAMPING flags set (0: SO_TIMESTAMPNS receive times)
  size_t drainedQueue_ = 0;    // error-queue entries the drains of this wake-up read
  size_t maxPerWake_ = 1024;
  Napi::FunctionReference callback_;
  std::unique_ptr<Napi::AsyncContext> async_;
  std::unique_ptr<RecvScratch> scratch_;

  // sendMany's headers, kept to avoid allocating per call.
  SendVector send_;

  AddonData* data_ = nullptr;
  // readStampsOf(sender): a socket that only sends (IPv6's IPPROTO_RAW one, never polled) whose
  // send timestamps each drain of this one reads too, after the datagrams, as it reads its own.
  Socket* stampSource_ = nullptr;
  // queueMany's threads, made with the first call; stopped before the descriptor closes.
  std::unique_ptr<SendQueue> sendQueue_;
  int sendThreads_ = 1;  // setSendThreads: how many that queue should have
  Napi::ObjectReference stampSourceRef_;
};

}  // namespace rawprobe
