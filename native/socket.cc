// The Socket object: open, address, send, receive, close. Options live in sockopt.cc.
//
// Receiving, in short (see socket.h for the batch layout):
//   uv_poll says "readable" -> recvmmsg into per-slot scratch until the kernel has nothing
//   more (or the per-wake-up bound is hit, so one busy socket cannot starve the loop) ->
//   copy each datagram's bytes into one fresh Buffer and its facts into one Float64Array ->
//   ONE MakeCallback into JavaScript. A datagram's bytes are never overwritten later: the
//   Buffer is new for every batch.
//
// POLLERR (a pending socket error, or entries in the IP_RECVERR error queue) reaches us from
// libuv as status UV_EBADF with the handle stopped; HandleWake reads what is pending,
// delivers it as named errors / error-queue entries, and polls again.
#include "socket.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/errqueue.h>
#include <net/if.h>
#include <netinet/in.h>
#include <stddef.h>
#include <string.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>

#include "args.h"
#include "clock.h"

namespace rawprobe {

namespace {

constexpr size_t kMaxSendBatch = 1024;  // UIO_MAXIOV: the most one sendmmsg call takes

int OptionalFlags(Napi::Env env, const Napi::CallbackInfo& info, size_t index) {
  if (info.Length() <= index || info[index].IsUndefined()) return 0;
  return static_cast<int>(IntegerArg(env, info[index], "flags", 0, INT32_MAX));
}

struct Bytes {
  const uint8_t* data;
  size_t length;
};

// One N-API call on the hot path: napi_get_buffer_info accepts any ArrayBufferView (a
// Buffer, a Uint8Array or a subarray of either) and gives its bytes at the right offset.
Bytes BytesArg(Napi::Env env, Napi::Value value, const char* name) {
  void* data = nullptr;
  size_t length = 0;
  if (value.IsEmpty() || napi_get_buffer_info(env, value, &data, &length) != napi_ok) {
    throw InvalidArgType(env, std::string(name) + " must be a Buffer or Uint8Array");
  }
  return Bytes{static_cast<const uint8_t*>(data), length};
}

// A struct sockaddr made by MakeSockaddr, copied out of its Buffer (which may sit at any
// alignment inside a pooled ArrayBuffer).
struct Sockaddr {
  sockaddr_storage storage;
  socklen_t length;
  const sockaddr* get() const { return reinterpret_cast<const sockaddr*>(&storage); }
};

Sockaddr SockaddrArg(Napi::Env env, Napi::Value value, const char* name) {
  Bytes bytes = BytesArg(env, value, name);
  if (bytes.length < sizeof(sa_family_t) || bytes.length > sizeof(sockaddr_storage)) {
    throw InvalidArgValue(env, std::string(name) + " is not a socket address made by sockaddr()");
  }
  Sockaddr out;
  memset(&out.storage, 0, sizeof(out.storage));
  memcpy(&out.storage, bytes.data, bytes.length);
  out.length = static_cast<socklen_t>(bytes.length);
  return out;
}

bool IsUint32Array(Napi::Value value) {
  return value.IsTypedArray() && value.As<Napi::TypedArray>().TypedArrayType() == napi_uint32_array;
}

bool ValidFamily(int family) {
  return family == AF_INET || family == AF_INET6 || family == AF_UNIX;
}

bool ValidType(int type) {
  return type == SOCK_RAW || type == SOCK_DGRAM || type == SOCK_STREAM ||
         type == SOCK_SEQPACKET || type == SOCK_RDM;
}

// A unix socket address as text: "" when unnamed, "\0name" for the abstract namespace.
std::string UnixPath(const sockaddr_un* un, socklen_t len) {
  const socklen_t base = offsetof(sockaddr_un, sun_path);
  if (len <= base) return "";
  const size_t n = std::min<size_t>(len - base, sizeof(un->sun_path));
  if (un->sun_path[0] == '\0') return std::string(un->sun_path, n);
  return std::string(un->sun_path, strnlen(un->sun_path, n));
}

// The address alone as text: dotted IPv4, IPv6 ("::1"), otherwise a unix path (UnixPath).
std::string HostText(const sockaddr* addr, socklen_t len) {
  char text[INET6_ADDRSTRLEN];
  if (addr->sa_family == AF_INET) {
    inet_ntop(AF_INET, &reinterpret_cast<const sockaddr_in*>(addr)->sin_addr, text, sizeof(text));
    return text;
  }
  if (addr->sa_family == AF_INET6) {
    inet_ntop(AF_INET6, &reinterpret_cast<const sockaddr_in6*>(addr)->sin6_addr, text,
              sizeof(text));
    return text;
  }
  return UnixPath(reinterpret_cast<const sockaddr_un*>(addr), len);
}

// {family, address, port, scopeId} for getsockname/getpeername and error-queue entries.
Napi::Object AddressObject(Napi::Env env, const sockaddr_storage& ss, socklen_t len) {
  const auto* addr = reinterpret_cast<const sockaddr*>(&ss);
  Napi::Object out = Napi::Object::New(env);
  out.Set("family", Napi::Number::New(env, ss.ss_family));
  Napi::Value address = env.Null();
  Napi::Value port = env.Null();
  Napi::Value scope = env.Null();
  if (ss.ss_family == AF_INET || ss.ss_family == AF_INET6 || ss.ss_family == AF_UNIX) {
    address = Napi::String::New(env, HostText(addr, len));
  }
  if (ss.ss_family == AF_INET) {
    port = Napi::Number::New(env, ntohs(reinterpret_cast<const sockaddr_in*>(addr)->sin_port));
  } else if (ss.ss_family == AF_INET6) {
    const auto* in6 = reinterpret_cast<const sockaddr_in6*>(addr);
    port = Napi::Number::New(env, ntohs(in6->sin6_port));
    scope = Napi::Number::New(env, in6->sin6_scope_id);
  }
  out.Set("address", address);
  out.Set("port", port);
  out.Set("scopeId", scope);
  return out;
}

}  // namespace

std::string FormatSockaddr(const sockaddr* addr, socklen_t len) {
  if (addr->sa_family == AF_INET && len >= sizeof(sockaddr_in)) {
    const uint16_t port = reinterpret_cast<const sockaddr_in*>(addr)->sin_port;
    if (port == 0) return HostText(addr, len);
    return HostText(addr, len) + ":" + std::to_string(ntohs(port));
  }
  if (addr->sa_family == AF_INET6 && len >= sizeof(sockaddr_in6)) {
    const uint16_t port = reinterpret_cast<const sockaddr_in6*>(addr)->sin6_port;
    if (port == 0) return HostText(addr, len);
    return "[" + HostText(addr, len) + "]:" + std::to_string(ntohs(port));
  }
  if (addr->sa_family == AF_UNIX) {
    std::string path = UnixPath(reinterpret_cast<const sockaddr_un*>(addr), len);
    if (!path.empty() && path[0] == '\0') path = "\\0" + path.substr(1);
    return path;
  }
  return "";
}

// sockaddr(family, address, port, scopeId): parse once, send many times.
Napi::Value MakeSockaddr(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const int family = static_cast<int>(IntegerArg(env, info[0], "family", 0, 65535));
  sockaddr_storage ss;
  memset(&ss, 0, sizeof(ss));
  socklen_t len = 0;
  if (family == AF_UNSPEC) {
    // connect(AF_UNSPEC) dissolves a datagram socket's association.
    ss.ss_family = AF_UNSPEC;
    len = sizeof(sa_family_t);
  } else if (family == AF_INET || family == AF_INET6) {
    if (!info[1].IsString()) throw InvalidArgType(env, "address must be a string");
    std::string text = info[1].As<Napi::String>().Utf8Value();
    const int port = static_cast<int>(IntegerArg(env, info[2], "port", 0, 65535));
    if (family == AF_INET) {
      auto* in = reinterpret_cast<sockaddr_in*>(&ss);
      in->sin_family = AF_INET;
      in->sin_port = htons(static_cast<uint16_t>(port));
      if (inet_pton(AF_INET, text.c_str(), &in->sin_addr) != 1) {
        throw InvalidArgValue(env, "not an IPv4 address in dotted form: '" + text + "'");
      }
      len = sizeof(sockaddr_in);
    } else {
      auto* in6 = reinterpret_cast<sockaddr_in6*>(&ss);
      in6->sin6_family = AF_INET6;
      in6->sin6_port = htons(static_cast<uint16_t>(port));
      uint32_t scope = 0;
      if (info.Length() > 3 && !info[3].IsUndefined() && !info[3].IsNull()) {
        scope = static_cast<uint32_t>(IntegerArg(env, info[3], "scopeId", 0, UINT32_MAX));
      }
      // "fe80::1%eth0" names the zone inline, as ping and ssh accept.
      const size_t percent = text.find('%');
      if (percent != std::string::npos) {
        const std::string zone = text.substr(percent + 1);
        text.resize(percent);
        char* end = nullptr;
        const unsigned long numeric = strtoul(zone.c_str(), &end, 10);
        scope = (!zone.empty() && *end == '\0') ? static_cast<uint32_t>(numeric)
                                                : if_nametoindex(zone.c_str());
        if (scope == 0) {
          throw InvalidArgValue(env, "unknown interface '" + zone + "' in IPv6 zone");
        }
      }
      if (inet_pton(AF_INET6, text.c_str(), &in6->sin6_addr) != 1) {
        throw InvalidArgValue(env, "not an IPv6 address: '" + text + "'");
      }
      in6->sin6_scope_id = scope;
      len = sizeof(sockaddr_in6);
    }
  } else if (family == AF_UNIX) {
    if (!info[1].IsString()) throw InvalidArgType(env, "address must be a socket path string");
    const std::string path = info[1].As<Napi::String>().Utf8Value();
    auto* un = reinterpret_cast<sockaddr_un*>(&ss);
    un->sun_family = AF_UNIX;
    const bool abstract = !path.empty() && path[0] == '\0';
    // A filesystem path needs its terminating NUL inside sun_path; an abstract name does not.
    const size_t room = abstract ? sizeof(un->sun_path) : sizeof(un->sun_path) - 1;
    if (path.empty() || path.size() > room) {
      throw InvalidArgValue(env, "a unix socket path must be 1 to " + std::to_string(room) +
                                     " bytes (got " + std::to_string(path.size()) + ")");
    }
    if (!abstract && path.find('\0') != std::string::npos) {
      throw InvalidArgValue(env, "a unix socket path cannot contain NUL bytes");
    }
    memcpy(un->sun_path, path.data(), path.size());
    len = static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + path.size() +
                                 (abstract ? 0 : 1));
  } else {
    throw InvalidArgValue(env, "family must be AF_INET, AF_INET6, AF_UNIX or AF_UNSPEC (got " +
                                   std::to_string(family) + ")");
  }
  return Napi::Buffer<uint8_t>::Copy(env, reinterpret_cast<const uint8_t*>(&ss), len);
}

Napi::Value MakeErrnoError(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const int err = static_cast<int>(IntegerArg(env, info[0], "errno", 1, 4095));
  if (!info[1].IsString()) throw InvalidArgType(env, "syscall must be a string");
  const std::string syscall = info[1].As<Napi::String>().Utf8Value();
  ErrorContext ctx;
  ctx.syscall = syscall.c_str();
  return ErrnoError(env, err, ctx).Value();
}

RecvScratch::RecvScratch(size_t slot_count, size_t slot_size)
    : slotCount(slot_count),
      slotSize(slot_size),
      data(new uint8_t[slot_count * slot_size]),  // not zeroed: untouched pages stay free
      headers(slot_count),
      iov(slot_count),
      names(slot_count),
      control(slot_count) {}

Napi::Function Socket::Define(Napi::Env env) {
  return DefineClass(
      env, "Socket",
      {
          InstanceMethod<&Socket::Close>("close"),
          InstanceMethod<&Socket::Ref>("ref"),
          InstanceMethod<&Socket::Unref>("unref"),
          InstanceMethod<&Socket::Bind>("bind"),
          InstanceMethod<&Socket::Connect>("connect"),
          InstanceMethod<&Socket::Address>("address"),
          InstanceMethod<&Socket::RemoteAddress>("remoteAddress"),
          InstanceMethod<&Socket::Send>("send"),
          InstanceMethod<&Socket::SendTo>("sendTo"),
          InstanceMethod<&Socket::SendMany>("sendMany"),
          InstanceMethod<&Socket::SetOption>("setOption"),
          InstanceMethod<&Socket::GetOption>("getOption"),
          InstanceMethod<&Socket::AttachFilter>("attachFilter"),
          InstanceMethod<&Socket::DetachFilter>("detachFilter"),
          InstanceMethod<&Socket::StartReceiving>("startReceiving"),
          InstanceMethod<&Socket::StopReceiving>("stopReceiving"),
          InstanceAccessor<&Socket::GetFd>("fd"),
          InstanceAccessor<&Socket::GetReceiving>("receiving"),
      });
}

// new Socket(family, type, protocol). Everything is checked before the descriptor exists.
Socket::Socket(const Napi::CallbackInfo& info) : Napi::ObjectWrap<Socket>(info) {
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

  const int fd = socket(family, type | SOCK_NONBLOCK | SOCK_CLOEXEC, protocol);
  if (fd < 0) throw ErrnoError(env, errno, Context("socket"));
  fd_ = fd;
  // If the environment goes away (worker exit) before close(), still release the fd.
  cleanupHook_ = env.AddCleanupHook(&Socket::OnEnvCleanup, this);
  cleanupRegistered_ = true;
}

Socket::~Socket() {
  CloseNow();
  if (cleanupRegistered_) {
    cleanupRegistered_ = false;
    cleanupHook_.Remove(Env());
  }
}

void Socket::OnEnvCleanup(Socket* self) {
  self->cleanupRegistered_ = false;
  self->CloseNow();
}

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

void Socket::StopPoll() {
  if (poll_ != nullptr) {
    uv_poll_stop(poll_);
    poll_->data = nullptr;  // a callback already queued must not reach a dead Socket
    uv_close(reinterpret_cast<uv_handle_t*>(poll_), &Socket::OnPollClosed);
    poll_ = nullptr;
  }
  scratch_.reset();
  if (pinned_) {
    pinned_ = false;
    // Let the wrapper be collected again. Never during destruction: the count is gone.
    ObjectWrap::Unref();
  }
}

void Socket::OnPollClosed(uv_handle_t* handle) { delete reinterpret_cast<uv_poll_t*>(handle); }

void Socket::StopReceivingNow() {
  StopPoll();
  callback_.Reset();
  async_.reset();
}

void Socket::CloseNow() {
  StopReceivingNow();
  if (fd_ >= 0) {
    ::close(fd_);  // never retried on EINTR: Linux has already released the descriptor
    fd_ = -1;
  }
}

Napi::Value Socket::Close(const Napi::CallbackInfo& info) {
  const bool wasOpen = fd_ >= 0;
  CloseNow();
  return Napi::Boolean::New(info.Env(), wasOpen);
}

Napi::Value Socket::Ref(const Napi::CallbackInfo& info) {
  refed_ = true;
  if (poll_ != nullptr) uv_ref(reinterpret_cast<uv_handle_t*>(poll_));
  return info.Env().Undefined();
}

Napi::Value Socket::Unref(const Napi::CallbackInfo& info) {
  refed_ = false;
  if (poll_ != nullptr) uv_unref(reinterpret_cast<uv_handle_t*>(poll_));
  return info.Env().Undefined();
}

Napi::Value Socket::GetFd(const Napi::CallbackInfo& info) {
  return Napi::Number::New(info.Env(), fd_);
}

Napi::Value Socket::GetReceiving(const Napi::CallbackInfo& info) {
  return Napi::Boolean::New(info.Env(), poll_ != nullptr);
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

// EINVAL on a send means something else when we supplied the IPv4 header ourselves.
static bool HeaderIncluded(int fd, int family, int type) {
  if (family != AF_INET || type != SOCK_RAW) return false;
  int on = 0;
  socklen_t len = sizeof(on);
  return getsockopt(fd, IPPROTO_IP, IP_HDRINCL, &on, &len) == 0 && on != 0;
}

// One datagram to `to` (nullptr: the connected peer), with the send time taken right before
// the syscall. Returns what send/sendto returned; errno tells why when that is -1.
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

// send(buffer, flags?) -> bytes sent. The send time goes to sendInfo[0].
Napi::Value Socket::Send(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Bytes bytes = BytesArg(env, info[0], "buffer");
  const int flags = OptionalFlags(env, info, 1);
  CheckOpen(env, "send");
  timespec ts;
  const ssize_t sent = SendStamped(fd_, bytes, nullptr, flags, &ts);
  if (sent < 0) throw SendError(env, errno, "send", nullptr, 0);
  data_->sendInfoData[0] = SinceBase(ts);
  return Napi::Number::New(env, static_cast<double>(sent));
}

// sendTo(buffer, sockaddr, flags?) -> bytes sent. The send time goes to sendInfo[0].
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
  return Napi::Number::New(env, static_cast<double>(sent));
}

// sendMany(buffers[], sockaddr | sockaddr[] | null, flags?) -> how many datagrams went out.
// One timestamp (sendInfo[0]) is taken before the first sendmmsg. If the kernel refuses
// the very first datagram it throws; if it stops later, the count says how far it got and
// sendInfo[1] holds the errno that stopped it.
Napi::Value Socket::SendMany(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!info[0].IsArray()) throw InvalidArgType(env, "buffers must be an array of Buffers");
  Napi::Array buffers = info[0].As<Napi::Array>();
  const size_t count = buffers.Length();
  Napi::Value target = info.Length() > 1 ? info[1] : env.Undefined();
  const bool ipv4List = IsUint32Array(target);
  const bool perMessage = ipv4List || target.IsArray();
  const bool connected = target.IsUndefined() || target.IsNull();
  const int flags = OptionalFlags(env, info, 2);

  std::vector<Sockaddr> addresses;
  if (ipv4List) {
    // One IPv4 address per buffer as a number (a.b.c.d = a << 24 | ...), port 0: what a
    // sweep over thousands of raw-socket targets sends to, without a sockaddr object each.
    if (family_ != AF_INET) {
      throw InvalidArgValue(env, "a Uint32Array of IPv4 addresses needs an AF_INET socket");
    }
    Napi::Uint32Array list = target.As<Napi::Uint32Array>();
    if (list.ElementLength() != count) {
      throw InvalidArgValue(env, "addresses must have one entry per buffer (" +
                                     std::to_string(list.ElementLength()) + " for " +
                                     std::to_string(count) + " buffers)");
    }
    addresses.resize(count);
    for (size_t i = 0; i < count; i++) {
      Sockaddr& a = addresses[i];
      memset(&a.storage, 0, sizeof(sockaddr_in));
      sockaddr_in* sin = reinterpret_cast<sockaddr_in*>(&a.storage);
      sin->sin_family = AF_INET;
      sin->sin_addr.s_addr = htonl(list[i]);
      a.length = sizeof(sockaddr_in);
    }
  } else if (target.IsArray()) {
    Napi::Array list = target.As<Napi::Array>();
    if (list.Length() != count) {
      throw InvalidArgValue(env, "addresses must have one entry per buffer (" +
                                     std::to_string(list.Length()) + " for " +
                                     std::to_string(count) + " buffers)");
    }
    addresses.reserve(count);
    for (size_t i = 0; i < count; i++) {
      addresses.push_back(SockaddrArg(env, list.Get(static_cast<uint32_t>(i)), "address"));
    }
  } else if (!connected) {
    addresses.push_back(SockaddrArg(env, target, "address"));
  }

  sendHeaders_.resize(count);
  sendIov_.resize(count);
  for (size_t i = 0; i < count; i++) {
    Bytes bytes = BytesArg(env, buffers.Get(static_cast<uint32_t>(i)), "buffers[i]");
    sendIov_[i].iov_base = const_cast<uint8_t*>(bytes.data);
    sendIov_[i].iov_len = bytes.length;
    msghdr& m = sendHeaders_[i].msg_hdr;
    memset(&m, 0, sizeof(m));
    m.msg_iov = &sendIov_[i];
    m.msg_iovlen = 1;
    if (!addresses.empty()) {
      const Sockaddr& a = addresses[perMessage ? i : 0];
      m.msg_name = const_cast<sockaddr*>(a.get());
      m.msg_namelen = a.length;
    }
    sendHeaders_[i].msg_len = 0;
  }
  CheckOpen(env, "send");

  data_->sendInfoData[1] = 0;
  timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  size_t sent = 0;
  while (sent < count) {
    const unsigned int chunk = static_cast<unsigned int>(std::min(count - sent, kMaxSendBatch));
    const int rc = sendmmsg(fd_, &sendHeaders_[sent], chunk, flags | MSG_NOSIGNAL);
    if (rc < 0) {
      const int err = errno;
      if (err == EINTR) continue;
      if (sent == 0) {
        const msghdr& m = sendHeaders_[0].msg_hdr;
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
  data_->sendInfoData[0] = SinceBase(ts);
  return Napi::Number::New(env, static_cast<double>(sent));
}

// startReceiving(callback, slotCount, slotSize, maxPerWake)
Napi::Value Socket::StartReceiving(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!info[0].IsFunction()) throw InvalidArgType(env, "callback must be a function");
  const size_t slots = static_cast<size_t>(IntegerArg(env, info[1], "slotCount", 1, 1024));
  const size_t slotSize =
      static_cast<size_t>(IntegerArg(env, info[2], "slotSize", 1, 16 * 1024 * 1024));
  const size_t maxPerWake =
      static_cast<size_t>(IntegerArg(env, info[3], "maxPerWake", 1, 1 << 20));
  CheckOpen(env, "receive");
  if (poll_ != nullptr) {
    throw CodedError(env, "ERR_SOCKET_RECEIVING", "the socket is already receiving");
  }

  // The kernel's own receive time rides along as a control message.
  const int on = 1;
  if (setsockopt(fd_, SOL_SOCKET, SO_TIMESTAMPNS, &on, sizeof(on)) < 0) {
    throw ErrnoError(env, errno, Context("setsockopt"));
  }

  uv_loop_t* loop = nullptr;
  if (napi_get_uv_event_loop(env, &loop) != napi_ok || loop == nullptr) {
    throw CodedError(env, "ERR_SOCKET_POLL", "could not reach the libuv event loop");
  }
  // Everything that can throw is made before the poll handle exists, so a failure leaves
  // nothing half-started: these are freed on the way out, the handle is never created.
  auto scratch = std::make_unique<RecvScratch>(slots, slotSize);
  auto async = std::make_unique<Napi::AsyncContext>(env, "rawprobe:socket", Value());
  Napi::FunctionReference callback = Napi::Persistent(info[0].As<Napi::Function>());

  auto* handle = new uv_poll_t;
  int rc = uv_poll_init_socket(loop, handle, fd_);
  if (rc != 0) {
    delete handle;  // never initialised: no uv_close needed
    throw CodedError(env, "ERR_SOCKET_POLL",
                     std::string("uv_poll_init_socket failed: ") + uv_strerror(rc));
  }
  handle->data = this;
  rc = uv_poll_start(handle, UV_READABLE, &Socket::OnPoll);
  if (rc != 0) {
    handle->data = nullptr;
    uv_close(reinterpret_cast<uv_handle_t*>(handle), &Socket::OnPollClosed);  // frees it
    throw CodedError(env, "ERR_SOCKET_POLL",
                     std::string("uv_poll_start failed: ") + uv_strerror(rc));
  }
  if (!refed_) uv_unref(reinterpret_cast<uv_handle_t*>(handle));
  poll_ = handle;
  scratch_ = std::move(scratch);
  async_ = std::move(async);
  callback_ = std::move(callback);
  maxPerWake_ = maxPerWake;
  unexplainedErrors_ = 0;
  // While receiving, the socket must outlive every JavaScript reference to it, as a
  // listening dgram socket does.
  ObjectWrap::Ref();
  pinned_ = true;
  return env.Undefined();
}

Napi::Value Socket::StopReceiving(const Napi::CallbackInfo& info) {
  StopReceivingNow();
  return info.Env().Undefined();
}

void Socket::OnPoll(uv_poll_t* handle, int status, int /*events*/) {
  auto* self = static_cast<Socket*>(handle->data);
  if (self == nullptr) return;
  Napi::Env env = self->Env();
  Napi::HandleScope scope(env);
  Napi::Object keepAlive = self->Value();  // the wrapper cannot be collected mid-wake
  (void)keepAlive;
  self->HandleWake(status);
}

void Socket::Emit(const std::vector<napi_value>& args) {
  if (callback_.IsEmpty() || !async_) return;
  Napi::Env env = Env();
  try {
    callback_.MakeCallback(Value(), args, *async_);
  } catch (const Napi::Error& e) {
    // A listener threw: that is the application's uncaught exception, not ours.
    napi_fatal_exception(env, e.Value());
  }
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
  if (!Receiving()) return;
  if (found == 0 && ++unexplainedErrors_ > 8) {
    FailPoll("the socket keeps reporting an error it cannot explain");
    return;
  }
  if (found != 0) unexplainedErrors_ = 0;
  const int rc = uv_poll_start(poll_, UV_READABLE, &Socket::OnPoll);
  if (rc != 0) FailPoll(std::string("uv_poll_start failed: ") + uv_strerror(rc));
}

namespace {

// The facts a control message carries, for one datagram.
struct Ancillary {
  double timestamp = -1;
  bool kernelTimestamp = false;
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

}  // namespace

// Drains until the kernel has nothing more or the per-wake-up bound is reached. Each pass
// delivers one batch; a second pass only happens when the first one's callback left new
// datagrams behind (a flood's replies arrive while JavaScript sends the next probes), which
// saves a trip through epoll per batch at the cost of one empty recvmmsg.
size_t Socket::DrainData() {
  size_t total = 0;
  while (Receiving() && total < maxPerWake_) {
    bool ended = false;
    const size_t got = DrainBatch(maxPerWake_ - total, &ended);
    total += got;
    if (got == 0 || ended) break;
  }
  return total;
}

size_t Socket::DrainBatch(size_t budget, bool* endedOut) {
  Napi::Env env = Env();
  RecvScratch& s = *scratch_;
  s.out.clear();
  s.meta.clear();
  s.addresses.clear();
  const bool wantAddresses = family_ != AF_INET;
  const bool isStream = type_ == SOCK_STREAM;
  const bool connectionOriented = type_ == SOCK_STREAM || type_ == SOCK_SEQPACKET;
  // MSG_TRUNC makes msg_len the datagram's real length; on TCP it would discard data.
  const int recvFlags = MSG_DONTWAIT | (isStream ? 0 : MSG_TRUNC);
  size_t total = 0;
  int recvError = 0;
  bool ended = false;

  while (total < budget && !ended) {
    const size_t want = std::min(s.slotCount, budget - total);
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
    const int got = recvmmsg(fd_, s.headers.data(), static_cast<unsigned int>(want), recvFlags,
                             nullptr);
    if (got < 0) {
      if (errno == EINTR) continue;
      if (errno != EAGAIN && errno != EWOULDBLOCK) recvError = errno;
      break;
    }
    for (int i = 0; i < got; i++) {
      msghdr& m = s.headers[i].msg_hdr;
      const size_t wire = s.headers[i].msg_len;
      if (connectionOriented && wire == 0) {
        ended = true;  // orderly shutdown by the peer
        break;
      }
      const size_t copied = std::min(wire, s.slotSize);
      Ancillary a = ReadControl(&m);
      const double offset = static_cast<double>(s.out.size());
      const uint8_t* bytes = s.data.get() + static_cast<size_t>(i) * s.slotSize;
      s.out.insert(s.out.end(), bytes, bytes + copied);

      double sourceV4 = -1, port = -1, scope = -1, family = 0;
      const bool named = m.msg_namelen >= sizeof(sa_family_t);
      const sockaddr_storage& ss = s.names[i];
      if (named) {
        family = ss.ss_family;
        if (ss.ss_family == AF_INET) {
          const auto* in = reinterpret_cast<const sockaddr_in*>(&ss);
          sourceV4 = ntohl(in->sin_addr.s_addr);
          port = ntohs(in->sin_port);
        } else if (ss.ss_family == AF_INET6) {
          const auto* in6 = reinterpret_cast<const sockaddr_in6*>(&ss);
          port = ntohs(in6->sin6_port);
          scope = in6->sin6_scope_id;
        }
      }
      // AF_INET sources travel as numbers in meta; other families need their text.
      if (wantAddresses) {
        const auto* source = reinterpret_cast<const sockaddr*>(&ss);
        s.addresses.push_back(named ? HostText(source, m.msg_namelen) : std::string());
      }
      const double rec[batch::kStride] = {
          offset,
          static_cast<double>(copied),
          static_cast<double>(wire),
          a.kernelTimestamp ? a.timestamp : NowSinceBase(),
          family,
          sourceV4,
          port,
          scope,
          static_cast<double>(m.msg_flags),
          static_cast<double>(a.hopLimit),
          static_cast<double>(a.tos),
          static_cast<double>(a.kernelTimestamp ? batch::kFlagKernelTimestamp : 0),
      };
      s.meta.insert(s.meta.end(), rec, rec + batch::kStride);
      total++;
    }
    // Fewer than asked means the kernel hit EAGAIN inside recvmmsg: the queue is empty.
    if (static_cast<size_t>(got) < want) break;
  }

  const size_t count = s.meta.size() / batch::kStride;
  if (count > 0) {
    Napi::Buffer<uint8_t> data = Napi::Buffer<uint8_t>::Copy(env, s.out.data(), s.out.size());
    Napi::Float64Array meta = Napi::Float64Array::New(env, s.meta.size());
    memcpy(meta.Data(), s.meta.data(), s.meta.size() * sizeof(double));
    Napi::Value addresses = env.Null();
    if (wantAddresses) {
      Napi::Array list = Napi::Array::New(env, count);
      for (size_t i = 0; i < count; i++) {
        list.Set(static_cast<uint32_t>(i), Napi::String::New(env, s.addresses[i]));
      }
      addresses = list;
    }
    Emit({Napi::Number::New(env, batch::kEventBatch), data, meta,
          Napi::Number::New(env, static_cast<double>(count)), addresses});
  }
  if (recvError != 0 && Receiving()) {
    const bool fatal = recvError == EBADF || recvError == ENOTSOCK;
    // A receive fails with the socket's pending error (sk_err). With IP_RECVERR the same
    // error also sits in the error queue with its details: deliver those instead.
    const size_t queued = fatal ? 0 : DrainErrorQueue();
    if (queued == 0 && Receiving()) {
      Napi::Error error = ErrnoError(env, recvError, Context("recvmmsg"));
      if (fatal) StopPoll();
      EmitError(error);
    }
  }
  if (ended && Receiving()) {
    StopPoll();
    Emit({Napi::Number::New(env, batch::kEventEnd)});
  }
  *endedOut = ended;
  return count + (ended ? 1 : 0);
}

// Entries of the socket error queue (IP_RECVERR / IPV6_RECVERR): ICMP errors and local
// errors about datagrams we sent, each with the datagram (or its start) and who said so.
size_t Socket::DrainErrorQueue() {
  Napi::Env env = Env();
  RecvScratch& s = *scratch_;
  Napi::Array entries;  // made with the first entry: most calls find the queue empty
  uint32_t count = 0;
  for (int round = 0; round < 256; round++) {
    iovec iov{s.data.get(), s.slotSize};
    sockaddr_storage name;
    memset(&name, 0, sizeof(name));
    std::array<uint64_t, 64> control;
    msghdr m;
    memset(&m, 0, sizeof(m));
    m.msg_name = &name;
    m.msg_namelen = sizeof(name);
    m.msg_iov = &iov;
    m.msg_iovlen = 1;
    m.msg_control = control.data();
    m.msg_controllen = sizeof(control);
    const ssize_t got = recvmsg(fd_, &m, MSG_ERRQUEUE | MSG_DONTWAIT | MSG_TRUNC);
    if (got < 0) {
      if (errno == EINTR) continue;
      break;  // EAGAIN: the queue is empty
    }
    Ancillary a = ReadControl(&m);
    Napi::Object entry = Napi::Object::New(env);
    const size_t copied = std::min(static_cast<size_t>(got), s.slotSize);
    entry.Set("payload", Napi::Buffer<uint8_t>::Copy(env, s.data.get(), copied));
    entry.Set("wireLength", Napi::Number::New(env, static_cast<double>(got)));
    entry.Set("timestamp", Napi::Number::New(env, a.kernelTimestamp ? a.timestamp
                                                                     : NowSinceBase()));
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
      entry.Set("errno", env.Null());
      entry.Set("code", env.Null());
      entry.Set("origin", env.Null());
      entry.Set("icmpType", env.Null());
      entry.Set("icmpCode", env.Null());
      entry.Set("info", env.Null());
      entry.Set("data", env.Null());
      entry.Set("offender", env.Null());
    }
    if (count == 0) entries = Napi::Array::New(env);
    entries.Set(count++, entry);
  }
  if (count > 0) Emit({Napi::Number::New(env, batch::kEventErrQueue), entries});
  return count;
}

}  // namespace rawprobe
