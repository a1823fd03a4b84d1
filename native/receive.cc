// Receiving on the libuv loop: the poll handle, draining with recvmmsg, the error queue.
//
// In short (see socket.h for the batch layout):
//   uv_poll says "readable" -> recvmmsg into per-slot scratch until the kernel has nothing
//   more (or the per-wake-up bound is hit, so one busy socket cannot starve the loop) ->
//   copy each datagram's bytes into one fresh Buffer and its facts into one Float64Array ->
//   ONE MakeCallback into JavaScript. A datagram's bytes are never overwritten later: the
//   Buffer is new for every batch (unless startReceiving's `reuse` asked for one Buffer and one
//   Float64Array, overwritten batch after batch, for a receiver that keeps nothing).
//
// POLLERR (a pending socket error, or entries in the error queue: IP_RECVERR's ICMP errors,
// SO_TIMESTAMPING's send times) reaches us from libuv as status UV_EBADF with the handle
// stopped; HandleWake reads what is pending, delivers it as named errors / error-queue entries /
// send timestamps, and polls again.
//
// Send timestamps ride with the batch: on a socket with SO_TIMESTAMPING's send stamps, every
// drain reads the error queue AFTER the datagrams, and the batch carries both. The kernel queues
// a datagram's software send stamp before the datagram leaves, so the stamp of anything an
// answer in the batch answers is already in the queue when the answer is read: JavaScript
// learns every send time before it sees the answers (on loopback the reply to a probe can be
// readable before our sendmmsg call has even returned).
#include <errno.h>
#include <fcntl.h>
#include <time.h>  // before linux/errqueue.h, whose struct scm_timestamping needs timespec
#include <linux/errqueue.h>
#include <netinet/in.h>
#include <string.h>

#include <algorithm>

#include "args.h"
#include "clock.h"
#include "socket.h"

namespace rawprobe {

namespace {
// How long a wake-up waits at most for the send thread's chunk (send-queue.h): far longer than
// a chunk takes, short enough that nothing else on the loop notices.
constexpr int kAwaitChunkUs = 2000;
// How long a wake-up of a flood with a send thread reads (and sends) before the loop's turn.
constexpr double kThreadedWakeNs = 5e6;

// The kept array (a Buffer or a Float64Array) with `from` copied to its start: made, or remade
// twice as large, when it is too small.
template <typename Array, typename Element>
Array Reused(Napi::Env env, Napi::Reference<Array>& kept, const std::vector<Element>& from) {
  const size_t had = kept.IsEmpty() ? 0 : kept.Value().ElementLength();
  if (had < from.size()) kept = Napi::Persistent(Array::New(env, std::max(from.size(), 2 * had)));
  Array array = kept.Value();
  memcpy(array.Data(), from.data(), from.size() * sizeof(Element));
  return array;
}
}  // namespace

RecvScratch::RecvScratch(size_t slot_count, size_t slot_size)
    : slotCount(slot_count),
      slotSize(slot_size),
      data(new uint8_t[slot_count * slot_size]),  // not zeroed: untouched pages stay free
      headers(slot_count),
      iov(slot_count),
      names(slot_count),
      control(slot_count) {}

// startReceiving(callback, slotCount, slotSize, maxPerWake, reuse)
Napi::Value Socket::StartReceiving(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!info[0].IsFunction()) throw InvalidArgType(env, "callback must be a function");
  const size_t slots = static_cast<size_t>(IntegerArg(env, info[1], "slotCount", 1, 1024));
  const size_t slotSize =
      static_cast<size_t>(IntegerArg(env, info[2], "slotSize", 1, 16 * 1024 * 1024));
  const size_t maxPerWake =
      static_cast<size_t>(IntegerArg(env, info[3], "maxPerWake", 1, 1 << 20));
  if (!info[4].IsUndefined() && !info[4].IsBoolean()) {
    throw InvalidArgType(env, "reuse must be a boolean");
  }
  const bool reuse = info[4].IsBoolean() && info[4].As<Napi::Boolean>().Value();
  CheckOpen(env, "receive");
  if (mode_ == PollMode::kBatches) {
    throw CodedError(env, "ERR_SOCKET_RECEIVING", "the socket is already receiving");
  }
  if (mode_ == PollMode::kReadiness) {
    throw CodedError(env, "ERR_SOCKET_RECEIVING",
                     "the socket is waiting for readiness (accept, recv or send are pending "
                     "on it): it cannot also receive batches");
  }

  // The kernel's own receive time rides along as a control message.
  ApplyReceiveTimestamps(env);

  // Everything that can throw is made before polling starts, so a failure leaves nothing
  // half-started: these are freed on the way out.
  auto scratch = std::make_unique<RecvScratch>(slots, slotSize);
  scratch->reuse = reuse;
  auto async = std::make_unique<Napi::AsyncContext>(env, "rawprobe:socket", Value());
  Napi::FunctionReference callback = Napi::Persistent(info[0].As<Napi::Function>());

  poll_.Open(env, fd_, this);
  const int rc = poll_.Start(UV_READABLE, &Socket::OnPoll);
  if (rc != 0) {
    StopPoll();  // closes and frees the handle
    throw CodedError(env, "ERR_SOCKET_POLL",
                     std::string("uv_poll_start failed: ") + uv_strerror(rc));
  }
  mode_ = PollMode::kBatches;
  scratch_ = std::move(scratch);
  async_ = std::move(async);
  callback_ = std::move(callback);
  maxPerWake_ = maxPerWake;
  unexplainedErrors_ = 0;
  Pin();
  return env.Undefined();
}

Napi::Value Socket::StopReceiving(const Napi::CallbackInfo& info) {
  StopReceivingNow();
  return info.Env().Undefined();
}

void Socket::EmitError(const Napi::Error& error) {
  Napi::Env env = Env();
  Emit({Napi::Number::New(env, batch::kEventError), error.Value()});
}

void Socket::FailPoll(const std::string& message) {
  Napi::Error error = CodedError(Env(), "ERR_SOCKET_POLL", message + "; receiving stopped");
  StopPoll();
  EmitError(error);
}

void Socket::HandleWake(int status) {
  if (status == 0) {
    unexplainedErrors_ = 0;
    DrainData();
    return;
  }
  if (status != UV_EBADF || fd_ < 0 || fcntl(fd_, F_GETFD) < 0) {
    FailPoll(std::string("polling the socket failed: ") + uv_err_name(status) + " (" +
             uv_strerror(status) + ")");
    return;
  }
  // libuv reports POLLERR as UV_EBADF and stops the handle. On a socket POLLERR means a
  // pending socket error (say ICMP port unreachable on a connected UDP socket) or entries
  // in the error queue (IP_RECVERR). Read them, deliver them, and poll again.
  size_t found = 0;
  drainedQueue_ = 0;
  int pending = 0;
  socklen_t len = sizeof(pending);
  if (getsockopt(fd_, SOL_SOCKET, SO_ERROR, &pending, &len) != 0) pending = 0;
  // With IP_RECVERR the kernel sets the pending error AND queues the details: the queue
  // entry is the same news, told better, so the bare errno is only reported without one.
  const size_t queued = DrainErrorQueue();
  found += queued;
  if (pending != 0) {
    found++;
    if (queued == 0 && Receiving()) EmitError(ErrnoError(Env(), pending, Context("recvmsg")));
  }
  if (Receiving()) found += DrainData();
  found += drainedQueue_;
  if (!Receiving()) return;
  if (found == 0 && ++unexplainedErrors_ > 8) {
    FailPoll("the socket keeps reporting an error it cannot explain");
    return;
  }
  if (found != 0) unexplainedErrors_ = 0;
  const int rc = poll_.Start(UV_READABLE, &Socket::OnPoll);
  if (rc != 0) FailPoll(std::string("uv_poll_start failed: ") + uv_strerror(rc));
}

namespace {

// The facts a control message carries, for one datagram.
struct Ancillary {
  double timestamp = -1;
  bool kernelTimestamp = false;
  double hwTimestamp = -1;
  int hopLimit = -1;
  int tos = -1;
  const sock_extended_err* extendedError = nullptr;
};

Ancillary ReadControl(msghdr* m) {
  Ancillary a;
  for (cmsghdr* c = CMSG_FIRSTHDR(m); c != nullptr; c = CMSG_NXTHDR(m, c)) {
    const void* p = CMSG_DATA(c);
    if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_TIMESTAMPNS) {
      timespec ts;
      memcpy(&ts, p, sizeof(ts));
      a.timestamp = SinceBase(ts);
      a.kernelTimestamp = true;
    } else if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_TIMESTAMPING) {
      // ts[0] software, ts[1] unused, ts[2] the interface's raw hardware time; zero when absent
      // (a software receive stamp is absent when the datagram arrived before the kernel turned
      // receive timestamping on: timestamping.cc).
      scm_timestamping ts;
      memcpy(&ts, p, sizeof(ts));
      if (ts.ts[0].tv_sec != 0 || ts.ts[0].tv_nsec != 0) {
        a.timestamp = SinceBase(ts.ts[0]);
        a.kernelTimestamp = true;
      }
      if (ts.ts[2].tv_sec != 0 || ts.ts[2].tv_nsec != 0) a.hwTimestamp = SinceBase(ts.ts[2]);
    } else if (c->cmsg_level == IPPROTO_IP && c->cmsg_type == IP_TTL) {
      int v;
      memcpy(&v, p, sizeof(v));
      a.hopLimit = v;
    } else if (c->cmsg_level == IPPROTO_IP && c->cmsg_type == IP_TOS) {
      a.tos = *static_cast<const uint8_t*>(p);
    } else if (c->cmsg_level == IPPROTO_IPV6 && c->cmsg_type == IPV6_HOPLIMIT) {
      int v;
      memcpy(&v, p, sizeof(v));
      a.hopLimit = v;
    } else if (c->cmsg_level == IPPROTO_IPV6 && c->cmsg_type == IPV6_TCLASS) {
      int v;
      memcpy(&v, p, sizeof(v));
      a.tos = v;
    } else if ((c->cmsg_level == IPPROTO_IP && c->cmsg_type == IP_RECVERR) ||
               (c->cmsg_level == IPPROTO_IPV6 && c->cmsg_type == IPV6_RECVERR)) {
      a.extendedError = static_cast<const sock_extended_err*>(p);
    }
  }
  return a;
}

// Points the first `want` receive slots' headers at their memory, ready for recvmmsg.
void ArmSlots(RecvScratch& s, size_t want) {
  for (size_t i = 0; i < want; i++) {
    s.iov[i].iov_base = s.data.get() + i * s.slotSize;
    s.iov[i].iov_len = s.slotSize;
    msghdr& m = s.headers[i].msg_hdr;
    m.msg_name = &s.names[i];
    m.msg_namelen = sizeof(sockaddr_storage);
    m.msg_iov = &s.iov[i];
    m.msg_iovlen = 1;
    m.msg_control = s.control[i].data();
    m.msg_controllen = sizeof(s.control[i]);
    m.msg_flags = 0;
    s.headers[i].msg_len = 0;
  }
}

// The source of slot i's datagram as batch numbers: family, IPv4 source, port, scope id.
struct SourceFacts {
  double family = 0, sourceV4 = -1, port = -1, scope = -1;
};

SourceFacts SourceOf(const sockaddr_storage& ss, bool named) {
  SourceFacts f;
  if (!named) return f;
  f.family = ss.ss_family;
  if (ss.ss_family == AF_INET) {
    const auto* in = reinterpret_cast<const sockaddr_in*>(&ss);
    f.sourceV4 = ntohl(in->sin_addr.s_addr);
    f.port = ntohs(in->sin_port);
  } else if (ss.ss_family == AF_INET6) {
    const auto* in6 = reinterpret_cast<const sockaddr_in6*>(&ss);
    f.port = ntohs(in6->sin6_port);
    f.scope = in6->sin6_scope_id;
  }
  return f;
}

// Copies slot i's datagram (bytes, facts, and for non-IPv4 sockets its source as text) out
// of the slots into what the wake-up delivers.
void CollectDatagram(RecvScratch& s, size_t i, bool wantAddresses, int family) {
  msghdr& m = s.headers[i].msg_hdr;
  const size_t wire = s.headers[i].msg_len;
  const size_t copied = std::min(wire, s.slotSize);
  Ancillary a = ReadControl(&m);
  const double offset = static_cast<double>(s.out.size());
  const uint8_t* bytes = s.data.get() + i * s.slotSize;
  s.out.insert(s.out.end(), bytes, bytes + copied);

  const bool named = m.msg_namelen >= sizeof(sa_family_t);
  const SourceFacts f = SourceOf(s.names[i], named);
  // AF_INET sources travel as numbers in meta, AF_INET6 ones as bytes; others need their text.
  if (wantAddresses && family == AF_INET6) {
    static const uint8_t kNone[16] = {};
    const uint8_t* from = f.family == AF_INET6
                              ? reinterpret_cast<const sockaddr_in6*>(&s.names[i])->sin6_addr.s6_addr
                              : kNone;
    s.sources6.insert(s.sources6.end(), from, from + 16);
  } else if (wantAddresses) {
    const auto* source = reinterpret_cast<const sockaddr*>(&s.names[i]);
    s.addresses.push_back(named ? HostText(source, m.msg_namelen) : std::string());
  }
  const double rec[batch::kStride] = {
      offset,
      static_cast<double>(copied),
      static_cast<double>(wire),
      a.kernelTimestamp ? a.timestamp : NowSinceBase(),
      f.family,
      f.sourceV4,
      f.port,
      f.scope,
      static_cast<double>(m.msg_flags),
      static_cast<double>(a.hopLimit),
      static_cast<double>(a.tos),
      static_cast<double>((a.kernelTimestamp ? batch::kFlagKernelTimestamp : 0) |
                          (a.hwTimestamp >= 0 ? batch::kFlagHardwareTimestamp : 0)),
      a.hwTimestamp,
  };
  s.meta.insert(s.meta.end(), rec, rec + batch::kStride);
}

}  // namespace

// Drains until the kernel has nothing more or the per-wake-up bound is reached. Each pass
// delivers one batch; a second pass only happens when the first one's callback left new
// datagrams behind (a flood's replies arrive while JavaScript sends the next probes), which
// saves a trip through epoll per batch at the cost of one empty recvmmsg.
size_t Socket::DrainData() {
  size_t total = 0;
  const double started = NowSinceBase();
  while (Receiving() && total < maxPerWake_) {
    // A flood's send thread (ours, or the sender's whose stamps we read) is sending: its
    // chunk's answers are coming in. Each pass waits for the rest of them, so that they are read
    // in one go, not a few per wake-up, while the thread sends the chunk queued after it; a
    // wake-up that keeps finding answers so gives the loop back after kThreadedWakeNs.
    SendQueue* sending = SendingQueue();
    if (sending != nullptr) {
      if (NowSinceBase() - started > kThreadedWakeNs) break;
      sending->AwaitChunk(kAwaitChunkUs);
    }
    bool ended = false;
    const size_t got = DrainBatch(maxPerWake_ - total, &ended);
    total += got;
    if (got == 0 || ended) break;
  }
  return total;
}

// The send thread whose answers come in here: ours, or that of the sender we read stamps of.
SendQueue* Socket::SendingQueue() const {
  if (sendQueue_) return sendQueue_.get();
  return stampSource_ != nullptr ? stampSource_->sendQueue_.get() : nullptr;
}

// One recvmmsg pass (or several, while each fills every slot) of at most `budget`
// datagrams, delivered as one batch, then the error that stopped it or the stream's end.
size_t Socket::DrainBatch(size_t budget, bool* endedOut) {
  RecvScratch& s = *scratch_;
  s.out.clear();
  s.meta.clear();
  s.addresses.clear();
  s.sources6.clear();
  const bool wantAddresses = family_ != AF_INET;
  const bool connectionOriented = type_ == SOCK_STREAM || type_ == SOCK_SEQPACKET;
  // MSG_TRUNC makes msg_len the datagram's real length; on TCP it would discard data.
  const int recvFlags = MSG_DONTWAIT | (type_ == SOCK_STREAM ? 0 : MSG_TRUNC);
  size_t total = 0;
  int recvError = 0;
  bool ended = false;

  while (total < budget && !ended) {
    const size_t want = std::min(s.slotCount, budget - total);
    ArmSlots(s, want);
    const int got = recvmmsg(fd_, s.headers.data(), static_cast<unsigned int>(want), recvFlags,
                             nullptr);
    if (got < 0) {
      if (errno == EINTR) continue;
      if (errno != EAGAIN && errno != EWOULDBLOCK) recvError = errno;
      break;
    }
    for (size_t i = 0; i < static_cast<size_t>(got); i++) {
      if (connectionOriented && s.headers[i].msg_len == 0) {
        ended = true;  // orderly shutdown by the peer
        break;
      }
      CollectDatagram(s, i, wantAddresses, family_);
      total++;
    }
    // Fewer than asked means the kernel hit EAGAIN inside recvmmsg: the queue is empty.
    if (static_cast<size_t>(got) < want) break;
  }

  // After the datagrams: the send stamps of everything they answer are queued by now.
  Napi::Array entries;
  uint32_t entryCount = 0;
  if (TxTimestamping()) drainedQueue_ += ReadErrorQueue(fd_, &entries, &entryCount);
  // A sender's too (readStampsOf): its stamps are queued before any answer they time can come.
  if (stampSource_ != nullptr && stampSource_->fd_ >= 0 && stampSource_->TxTimestamping()) {
    ReadErrorQueue(stampSource_->fd_, &entries, &entryCount);
  }
  const size_t count = DeliverBatch(wantAddresses);
  if (entryCount > 0 && Receiving()) Emit({Napi::Number::New(Env(), batch::kEventErrQueue), entries});
  if (recvError != 0 && Receiving()) ReportRecvError(recvError);
  if (ended && Receiving()) {
    StopPoll();
    Emit({Napi::Number::New(Env(), batch::kEventEnd)});
  }
  *endedOut = ended;
  return count + (ended ? 1 : 0);
}

// Hands what the scratch collected to JavaScript as one batch (the datagrams and the send
// timestamps read with them); returns how many datagrams.
size_t Socket::DeliverBatch(bool wantAddresses) {
  Napi::Env env = Env();
  RecvScratch& s = *scratch_;
  const size_t count = s.meta.size() / batch::kStride;
  const size_t stamps = s.tx.size() / batch::kTxStride;
  if (count == 0 && stamps == 0) return 0;
  Napi::Value data = env.Null();
  Napi::Value meta = env.Null();
  Napi::Value addresses = env.Null();
  Napi::Value tx = env.Null();
  if (count > 0) {
    if (s.reuse) {
      data = Reused(env, s.reusedData, s.out);
      meta = Reused(env, s.reusedMeta, s.meta);
    } else {
      data = Napi::Buffer<uint8_t>::Copy(env, s.out.data(), s.out.size());
      Napi::Float64Array m = Napi::Float64Array::New(env, s.meta.size());
      memcpy(m.Data(), s.meta.data(), s.meta.size() * sizeof(double));
      meta = m;
    }
    if (wantAddresses && family_ == AF_INET6) {
      addresses = s.reuse ? Reused(env, s.reusedSources6, s.sources6)
                          : Napi::Buffer<uint8_t>::Copy(env, s.sources6.data(), s.sources6.size());
    } else if (wantAddresses) {
      Napi::Array list = Napi::Array::New(env, count);
      for (size_t i = 0; i < count; i++) {
        list.Set(static_cast<uint32_t>(i), Napi::String::New(env, s.addresses[i]));
      }
      addresses = list;
    }
  }
  if (stamps > 0) {
    Napi::Float64Array t = Napi::Float64Array::New(env, s.tx.size());
    memcpy(t.Data(), s.tx.data(), s.tx.size() * sizeof(double));
    tx = t;
  }
  // Emptied before the call: JavaScript may stop receiving, which frees the scratch.
  s.out.clear();
  s.meta.clear();
  s.addresses.clear();
  s.sources6.clear();
  s.tx.clear();
  Emit({Napi::Number::New(env, batch::kEventBatch), data, meta,
        Napi::Number::New(env, static_cast<double>(count)), addresses, tx,
        Napi::Number::New(env, static_cast<double>(stamps))});
  return count;
}

// recvmmsg failed with `err`: deliver the details the error queue holds, or the errno itself;
// a descriptor that is gone (EBADF, ENOTSOCK) also stops the poll.
void Socket::ReportRecvError(int err) {
  const bool fatal = err == EBADF || err == ENOTSOCK;
  // A receive fails with the socket's pending error (sk_err). With IP_RECVERR the same
  // error also sits in the error queue with its details: deliver those instead.
  const size_t queued = fatal ? 0 : DrainErrorQueue();
  if (queued == 0 && Receiving()) {
    Napi::Error error = ErrnoError(Env(), err, Context("recvmmsg"));
    if (fatal) StopPoll();
    EmitError(error);
  }
}

// Entries of the socket error queue: ICMP errors and local errors about datagrams we sent
// (IP_RECVERR / IPV6_RECVERR), each with the datagram (or its start) and who said so, and send
// timestamps (SO_TIMESTAMPING, counted in drainedQueue_). Returns how many errors it delivered.
size_t Socket::DrainErrorQueue() {
  Napi::Array entries;
  uint32_t count = 0;
  drainedQueue_ += ReadErrorQueue(fd_, &entries, &count) - count;
  DeliverBatch(family_ != AF_INET);  // the send timestamps, if any
  if (count > 0 && Receiving()) Emit({Napi::Number::New(Env(), batch::kEventErrQueue), entries});
  return count;
}

namespace {

// An error-queue entry as JavaScript sees it ('errqueue' event).
Napi::Object ErrorEntry(Napi::Env env, msghdr& m, const sockaddr_storage& name, const uint8_t* data,
                        size_t got, size_t slotSize) {
  Ancillary a = ReadControl(&m);
  Napi::Object entry = Napi::Object::New(env);
  const size_t copied = std::min(got, slotSize);
  entry.Set("payload", Napi::Buffer<uint8_t>::Copy(env, data, copied));
  entry.Set("wireLength", Napi::Number::New(env, static_cast<double>(got)));
  entry.Set("timestamp", Napi::Number::New(env, a.kernelTimestamp ? a.timestamp : NowSinceBase()));
  entry.Set("kernelTimestamp", Napi::Boolean::New(env, a.kernelTimestamp));
  entry.Set("destination", m.msg_namelen >= sizeof(sa_family_t)
                               ? AddressObject(env, name, m.msg_namelen).As<Napi::Value>()
                               : env.Null().As<Napi::Value>());
  const sock_extended_err* ee = a.extendedError;
  if (ee != nullptr) {
    entry.Set("errno", Napi::Number::New(env, -static_cast<double>(ee->ee_errno)));
    entry.Set("code", Napi::String::New(env, ErrnoName(static_cast<int>(ee->ee_errno))));
    entry.Set("origin", Napi::Number::New(env, ee->ee_origin));
    entry.Set("icmpType", Napi::Number::New(env, ee->ee_type));
    entry.Set("icmpCode", Napi::Number::New(env, ee->ee_code));
    entry.Set("info", Napi::Number::New(env, ee->ee_info));
    entry.Set("data", Napi::Number::New(env, ee->ee_data));
    // The offender follows the struct inside the same control message.
    const auto* offender = reinterpret_cast<const sockaddr*>(ee + 1);
    Napi::Value offenderValue = env.Null();
    if (offender->sa_family == AF_INET || offender->sa_family == AF_INET6) {
      sockaddr_storage copy;
      memset(&copy, 0, sizeof(copy));
      memcpy(&copy, offender,
             offender->sa_family == AF_INET ? sizeof(sockaddr_in) : sizeof(sockaddr_in6));
      offenderValue = AddressObject(env, copy, sizeof(copy));
    }
    entry.Set("offender", offenderValue);
  } else {
    for (const char* key : {"errno", "code", "origin", "icmpType", "icmpCode", "info", "data", "offender"}) {
      entry.Set(key, env.Null());
    }
  }
  return entry;
}

}  // namespace

// Reads fd's error queue (ours, or a sender's: readStampsOf) until it is empty (or a bound):
// send timestamps go to scratch_->tx, every other entry into `entries` (made with the first).
// Returns how many entries it read.
size_t Socket::ReadErrorQueue(int fd, Napi::Array* entries, uint32_t* count) {
  Napi::Env env = Env();
  RecvScratch& s = *scratch_;
  size_t read = 0;
  // recvmmsg takes MSG_ERRQUEUE too: a flood's send stamps come a slot-full per call.
  for (int round = 0; round < 256; round++) {
    const size_t want = s.slotCount;
    ArmSlots(s, want);
    const int got = recvmmsg(fd, s.headers.data(), static_cast<unsigned int>(want),
                             MSG_ERRQUEUE | MSG_DONTWAIT | MSG_TRUNC, nullptr);
    if (got < 0) {
      if (errno == EINTR) continue;
      break;  // EAGAIN: the queue is empty
    }
    for (size_t i = 0; i < static_cast<size_t>(got); i++) {
      msghdr& m = s.headers[i].msg_hdr;
      read++;
      if (CollectTxTimestamp(&m)) continue;
      if (*count == 0) *entries = Napi::Array::New(env);
      entries->Set((*count)++, ErrorEntry(env, m, s.names[i], s.data.get() + i * s.slotSize,
                                          s.headers[i].msg_len, s.slotSize));
    }
    if (static_cast<size_t>(got) < want) break;
  }
  return read;
}

}  // namespace rawprobe
