// The Socket object: open, address, send, close. Receiving lives in receive.cc, options in
// sockopt.cc, socket addresses in sockaddr.cc.
#include "socket.h"

#include <errno.h>
#include <netinet/in.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>

#include "args.h"
#include "clock.h"

namespace rawprobe {

namespace {

constexpr size_t kMaxSendBatch = 1024;  // UIO_MAXIOV: the most one sendmmsg call takes

bool IsUint32Array(Napi::Value value) {
  return value.IsTypedArray() && value.As<Napi::TypedArray>().TypedArrayType() == napi_uint32_array;
}

}  // namespace

bool ValidFamily(int family) {
  return family == AF_INET || family == AF_INET6 || family == AF_UNIX;
}

bool ValidType(int type) {
  return type == SOCK_RAW || type == SOCK_DGRAM || type == SOCK_STREAM ||
         type == SOCK_SEQPACKET || type == SOCK_RDM;
}

Napi::Function Socket::Define(Napi::Env env) {
  return DefineClass(
      env, "Socket",
      {
          // PolledWrap's: a base class's method is passed as a value, not a template argument.
          InstanceMethod("close", &Socket::Close),
          InstanceMethod("ref", &Socket::Ref),
          InstanceMethod("unref", &Socket::Unref),
          InstanceMethod<&Socket::Bind>("bind"),
          InstanceMethod<&Socket::Connect>("connect"),
          InstanceMethod<&Socket::Address>("address"),
          InstanceMethod<&Socket::RemoteAddress>("remoteAddress"),
          InstanceMethod<&Socket::Send>("send"),
          InstanceMethod<&Socket::SendTo>("sendTo"),
          InstanceMethod<&Socket::SendMany>("sendMany"),
          InstanceMethod<&Socket::QueueMany>("queueMany"),
          InstanceMethod<&Socket::FlushQueued>("flushQueued"),
          InstanceMethod<&Socket::SetSendThreads>("setSendThreads"),
          InstanceMethod<&Socket::TakeSendFailures>("takeSendFailures"),
          InstanceMethod<&Socket::SetOption>("setOption"),
          InstanceMethod<&Socket::GetOption>("getOption"),
          InstanceMethod<&Socket::AttachFilter>("attachFilter"),
          InstanceMethod<&Socket::DetachFilter>("detachFilter"),
          InstanceMethod<&Socket::StartReceiving>("startReceiving"),
          InstanceMethod<&Socket::StopReceiving>("stopReceiving"),
          InstanceMethod<&Socket::SetTimestamping>("setTimestamping"),
          InstanceMethod<&Socket::ReadStampsOf>("readStampsOf"),
          InstanceMethod<&Socket::PeerCredentials>("peerCredentials"),
          InstanceMethod<&Socket::Listen>("listen"),
          InstanceMethod<&Socket::Accept>("accept"),
          InstanceMethod<&Socket::Shutdown>("shutdown"),
          InstanceMethod<&Socket::Recv>("recv"),
          InstanceMethod<&Socket::RecvInto>("recvInto"),
          InstanceMethod<&Socket::RecvMsg>("recvMsg"),
          InstanceMethod<&Socket::SendSome>("sendSome"),
          InstanceMethod<&Socket::SendMsg>("sendMsg"),
          InstanceMethod<&Socket::Watch>("watch"),
          InstanceAccessor("fd", &Socket::GetFd, nullptr),
          InstanceAccessor<&Socket::GetReceiving>("receiving"),
      });
}

// new Socket(family, type, protocol). Everything is checked before the descriptor exists.
// Adopt() passes a fourth argument, an External holding a descriptor the addon just made:
// JavaScript cannot make one, so only the addon hands a Socket an existing descriptor.
Socket::Socket(const Napi::CallbackInfo& info) : PolledWrap<Socket>(info) {
  Napi::Env env = info.Env();
  data_ = env.GetInstanceData<AddonData>();
  const int family = static_cast<int>(IntegerArg(env, info[0], "family", 0, 65535));
  const int type = static_cast<int>(IntegerArg(env, info[1], "type", 0, 65535));
  const int protocol = static_cast<int>(IntegerArg(env, info[2], "protocol", 0, 65535));
  if (!ValidFamily(family)) {
    throw InvalidArgValue(env, "family must be AF_INET, AF_INET6 or AF_UNIX (got " +
                                   std::to_string(family) + ")");
  }
  if (!ValidType(type)) {
    throw InvalidArgValue(env,
                          "type must be SOCK_RAW, SOCK_DGRAM, SOCK_STREAM, SOCK_SEQPACKET or "
                          "SOCK_RDM (got " + std::to_string(type) + ")");
  }
  family_ = family;
  type_ = type;
  protocol_ = protocol;

  if (info.Length() > 3 && info[3].IsExternal()) {
    int* adopted = info[3].As<Napi::External<int>>().Data();
    fd_ = *adopted;
    *adopted = -1;  // ours now: Adopt must not close it
  } else {
    const int fd = socket(family, type | SOCK_NONBLOCK | SOCK_CLOEXEC, protocol);
    if (fd < 0) throw ErrnoError(env, errno, Context("socket"));
    fd_ = fd;
  }
  CloseOnEnvCleanup(env);
}

Napi::Object Socket::Adopt(Napi::Env env, int fd, int family, int type, int protocol) {
  int owned = fd;
  try {
    return env.GetInstanceData<AddonData>()->socketClass.New(
        {Napi::Number::New(env, family), Napi::Number::New(env, type),
         Napi::Number::New(env, protocol), Napi::External<int>::New(env, &owned)});
  } catch (...) {
    if (owned >= 0) ::close(owned);
    throw;
  }
}

Socket::~Socket() { CloseNow(); }

ErrorContext Socket::Context(const char* syscall) const {
  ErrorContext ctx;
  ctx.syscall = syscall;
  ctx.family = family_;
  ctx.type = type_;
  ctx.protocol = protocol_;
  return ctx;
}

void Socket::CheckOpen(Napi::Env env, const char* what) const {
  if (fd_ < 0) {
    throw CodedError(env, "ERR_SOCKET_CLOSED",
                     std::string("cannot ") + what + ": the socket is closed");
  }
}

void Socket::StopReceivingNow() {
  StopPoll();
  callback_.Reset();
  async_.reset();
}

void Socket::CloseNow() {
  StopReceivingNow();
  sendQueue_.reset();  // the send thread stops (what it has not sent is dropped) before the fd goes
  if (fd_ >= 0) {
    ::close(fd_);  // never retried on EINTR: Linux has already released the descriptor
    fd_ = -1;
  }
}

Napi::Value Socket::GetReceiving(const Napi::CallbackInfo& info) {
  return Napi::Boolean::New(info.Env(), poll_.IsOpen() && mode_ == PollMode::kBatches);
}

Napi::Value Socket::Bind(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Sockaddr addr = SockaddrArg(env, info[0], "address");
  CheckOpen(env, "bind");
  if (::bind(fd_, addr.get(), addr.length) < 0) {
    ErrorContext ctx = Context("bind");
    ctx.address = FormatSockaddr(addr.get(), addr.length);
    throw ErrnoError(env, errno, ctx);
  }
  return env.Undefined();
}

// Returns true when connected, false when a stream connect is still in progress.
Napi::Value Socket::Connect(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Sockaddr addr = SockaddrArg(env, info[0], "address");
  CheckOpen(env, "connect");
  int rc;
  do {
    rc = ::connect(fd_, addr.get(), addr.length);
  } while (rc < 0 && errno == EINTR);
  if (rc < 0) {
    if (errno == EINPROGRESS) return Napi::Boolean::New(env, false);
    ErrorContext ctx = Context("connect");
    ctx.address = FormatSockaddr(addr.get(), addr.length);
    throw ErrnoError(env, errno, ctx);
  }
  return Napi::Boolean::New(env, true);
}

Napi::Value Socket::Address(const Napi::CallbackInfo& info) {
  return SocketName(info.Env(), "read the address", "getsockname", &getsockname);
}

Napi::Value Socket::RemoteAddress(const Napi::CallbackInfo& info) {
  return SocketName(info.Env(), "read the remote address", "getpeername", &getpeername);
}

Napi::Value Socket::SocketName(Napi::Env env, const char* what, const char* syscall,
                               NameCall call) {
  CheckOpen(env, what);
  sockaddr_storage ss;
  socklen_t len = sizeof(ss);
  memset(&ss, 0, sizeof(ss));
  if (call(fd_, reinterpret_cast<sockaddr*>(&ss), &len) < 0) {
    throw ErrnoError(env, errno, Context(syscall));
  }
  return AddressObject(env, ss, len);
}

// EINVAL and EMSGSIZE on a send mean something else when we supplied the IP header ourselves
// (IP_HDRINCL; IPV6_HDRINCL, Linux 4.5 and later).
static bool HeaderIncluded(int fd, int family, int type) {
  if ((family != AF_INET && family != AF_INET6) || type != SOCK_RAW) return false;
  int on = 0;
  socklen_t len = sizeof(on);
  if (family == AF_INET6) return getsockopt(fd, IPPROTO_IPV6, IPV6_HDRINCL, &on, &len) == 0 && on != 0;
  return getsockopt(fd, IPPROTO_IP, IP_HDRINCL, &on, &len) == 0 && on != 0;
}

// One datagram to `to` (nullptr: the connected peer), with the time read right before the
// syscall. Returns what send/sendto returned; errno tells why when that is -1.
static ssize_t SendStamped(int fd, const Bytes& bytes, const Sockaddr* to, int flags,
                           timespec* sentAt) {
  ssize_t sent;
  do {
    clock_gettime(CLOCK_REALTIME, sentAt);
    sent = to == nullptr ? ::send(fd, bytes.data, bytes.length, flags | MSG_NOSIGNAL)
                         : ::sendto(fd, bytes.data, bytes.length, flags | MSG_NOSIGNAL,
                                    to->get(), to->length);
  } while (sent < 0 && errno == EINTR);
  return sent;
}

Napi::Error Socket::SendError(Napi::Env env, int err, const char* syscall, const sockaddr* to,
                              socklen_t toLength) const {
  ErrorContext ctx = Context(syscall);
  ctx.hdrincl = HeaderIncluded(fd_, family_, type_);
  if (to != nullptr) ctx.address = FormatSockaddr(to, toLength);
  return ErrnoError(env, err, ctx);
}

// send(buffer, flags?) -> bytes sent. The times before and after the call go to sendInfo[0], [2].
Napi::Value Socket::Send(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Bytes bytes = BytesArg(env, info[0], "buffer");
  const int flags = OptionalFlags(env, info, 1);
  CheckOpen(env, "send");
  timespec ts;
  const ssize_t sent = SendStamped(fd_, bytes, nullptr, flags, &ts);
  if (sent < 0) throw SendError(env, errno, "send", nullptr, 0);
  data_->sendInfoData[0] = SinceBase(ts);
  data_->sendInfoData[2] = NowSinceBase();
  return Napi::Number::New(env, static_cast<double>(sent));
}

// sendTo(buffer, sockaddr, flags?) -> bytes sent. The times before and after the call go to
// sendInfo[0], [2].
Napi::Value Socket::SendTo(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Bytes bytes = BytesArg(env, info[0], "buffer");
  Sockaddr addr = SockaddrArg(env, info[1], "address");
  const int flags = OptionalFlags(env, info, 2);
  CheckOpen(env, "send");
  timespec ts;
  const ssize_t sent = SendStamped(fd_, bytes, &addr, flags, &ts);
  if (sent < 0) throw SendError(env, errno, "sendto", addr.get(), addr.length);
  data_->sendInfoData[0] = SinceBase(ts);
  data_->sendInfoData[2] = NowSinceBase();
  return Napi::Number::New(env, static_cast<double>(sent));
}

namespace {

// Addresses as numbers, one sockaddr each, port 0 and no scope: what a sweep over thousands of
// raw-socket targets sends to, without a sockaddr object or text to parse per destination.
// AF_INET: one number per buffer (a.b.c.d = a << 24 | ...); AF_INET6: four, the address's 16
// bytes as big-endian 32-bit words (2001:db8::1 = 0x20010db8, 0, 0, 1).
std::vector<Sockaddr> NumberedTargets(Napi::Env env, Napi::Uint32Array list, size_t count,
                                      int family) {
  const size_t words = family == AF_INET ? 1 : 4;
  if (list.ElementLength() != words * count) {
    throw InvalidArgValue(env, std::string("addresses must have ") +
                                   (words == 1 ? "one entry" : "four entries") +
                                   " per buffer (" + std::to_string(list.ElementLength()) +
                                   " for " + std::to_string(count) + " buffers)");
  }
  std::vector<Sockaddr> addresses(count);
  for (size_t i = 0; i < count; i++) {
    Sockaddr& a = addresses[i];
    memset(&a.storage, 0, sizeof(sockaddr_in6));
    if (family == AF_INET) {
      sockaddr_in* sin = reinterpret_cast<sockaddr_in*>(&a.storage);
      sin->sin_family = AF_INET;
      sin->sin_addr.s_addr = htonl(list[i]);
      a.length = sizeof(sockaddr_in);
      continue;
    }
    sockaddr_in6* sin6 = reinterpret_cast<sockaddr_in6*>(&a.storage);
    sin6->sin6_family = AF_INET6;
    for (size_t w = 0; w < 4; w++) {
      const uint32_t word = htonl(list[i * 4 + w]);
      memcpy(&sin6->sin6_addr.s6_addr[w * 4], &word, sizeof(word));
    }
    a.length = sizeof(sockaddr_in6);
  }
  return addresses;
}

// One sockaddr Buffer per buffer.
std::vector<Sockaddr> ListedTargets(Napi::Env env, Napi::Array list, size_t count) {
  if (list.Length() != count) {
    throw InvalidArgValue(env, "addresses must have one entry per buffer (" +
                                   std::to_string(list.Length()) + " for " +
                                   std::to_string(count) + " buffers)");
  }
  std::vector<Sockaddr> addresses;
  addresses.reserve(count);
  for (size_t i = 0; i < count; i++) {
    addresses.push_back(SockaddrArg(env, list.Get(static_cast<uint32_t>(i)), "address"));
  }
  return addresses;
}

}  // namespace

// Where each datagram of a sendMany goes: one address per datagram (a Uint32Array of IPv4
// numbers, of IPv6 addresses as four words each, or an array of sockaddrs), one address for all, or none (connected: empty).
std::vector<Sockaddr> Socket::SendTargets(Napi::Env env, Napi::Value target, size_t count) const {
  if (IsUint32Array(target)) {
    Napi::Uint32Array list = target.As<Napi::Uint32Array>();
    if (family_ == AF_INET6 && count > 0 && list.ElementLength() == count) {
      // One number per datagram: IPv4 addresses, which this socket cannot send to.
      throw InvalidArgValue(env, "a Uint32Array of IPv4 addresses needs an AF_INET socket (an "
                                 "AF_INET6 socket takes four words per address)");
    }
    if (family_ != AF_INET && family_ != AF_INET6) {
      throw InvalidArgValue(env, "a Uint32Array of addresses needs an AF_INET or AF_INET6 socket");
    }
    return NumberedTargets(env, list, count, family_);
  }
  if (target.IsArray()) return ListedTargets(env, target.As<Napi::Array>(), count);
  if (target.IsUndefined() || target.IsNull()) return {};
  return {SockaddrArg(env, target, "address")};
}

// Fills send_ for `buffers`; `addresses` holds one entry per datagram, one for all, or none.
void Socket::FillSendHeaders(Napi::Env env, Napi::Array buffers,
                             const std::vector<Sockaddr>& addresses) {
  const size_t count = buffers.Length();
  send_.Resize(count);
  for (size_t i = 0; i < count; i++) {
    Bytes bytes = BytesArg(env, buffers.Get(static_cast<uint32_t>(i)), "buffers[i]");
    // One entry for all datagrams, or one each (SendTargets checked the count).
    const Sockaddr* to = addresses.empty() ? nullptr : &addresses[addresses.size() == 1 ? 0 : i];
    send_.Set(i, bytes.data, bytes.length, to);
  }
}

// sendmmsg over the filled headers, kMaxSendBatch at a time. Throws if the very first
// datagram is refused; a later refusal stops the loop and leaves its errno in sendInfo[1].
size_t Socket::SendFilled(Napi::Env env, size_t count, int flags) {
  size_t sent = 0;
  while (sent < count) {
    const unsigned int chunk = static_cast<unsigned int>(std::min(count - sent, kMaxSendBatch));
    const int rc = sendmmsg(fd_, &send_.headers[sent], chunk, flags | MSG_NOSIGNAL);
    if (rc < 0) {
      const int err = errno;
      if (err == EINTR) continue;
      if (sent == 0) {
        const msghdr& m = send_.headers[0].msg_hdr;
        throw SendError(env, err, "sendmmsg", static_cast<const sockaddr*>(m.msg_name),
                        m.msg_namelen);
      }
      data_->sendInfoData[1] = err;
      break;
    }
    // Fewer than `chunk` means the kernel stopped early: the next call tells us why (without
    // sending anything if it fails).
    sent += static_cast<size_t>(rc);
  }
  return sent;
}

// sendMany(buffers[], sockaddr | sockaddr[] | Uint32Array | null, flags?) -> how many
// datagrams went out. The time is read before the first sendmmsg (sendInfo[0]) and after the
// last (sendInfo[2]): every datagram left between the two. If the kernel refuses the very first
// datagram it throws; if it stops later, the count says how far it got and sendInfo[1] holds
// the errno that stopped it.
Napi::Value Socket::SendMany(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!info[0].IsArray()) throw InvalidArgType(env, "buffers must be an array of Buffers");
  Napi::Array buffers = info[0].As<Napi::Array>();
  const size_t count = buffers.Length();
  Napi::Value target = info.Length() > 1 ? info[1] : env.Undefined();
  const int flags = OptionalFlags(env, info, 2);
  const std::vector<Sockaddr> addresses = SendTargets(env, target, count);
  FillSendHeaders(env, buffers, addresses);
  CheckOpen(env, "send");

  data_->sendInfoData[1] = 0;
  timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  data_->sendInfoData[0] = SinceBase(ts);
  const size_t sent = SendFilled(env, count, flags);
  data_->sendInfoData[2] = NowSinceBase();
  return Napi::Number::New(env, static_cast<double>(sent));
}

}  // namespace rawprobe
