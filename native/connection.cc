// The calls that make and end connections: listen, accept (accept4), shutdown, socketpair.
//
// accept4 and socketpair make descriptors non-blocking and close-on-exec in the same call
// (no window in which a fork+exec elsewhere could inherit them) and hand each to a new Socket
// object (Socket::Adopt). Nothing else passes from the listening socket to the accepted one.
#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "args.h"
#include "socket.h"

namespace rawprobe {

// listen(backlog)
Napi::Value Socket::Listen(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const int backlog = static_cast<int>(IntegerArg(env, info[0], "backlog", 0, INT32_MAX));
  CheckOpen(env, "listen");
  if (::listen(fd_, backlog) < 0) throw ErrnoError(env, errno, Context("listen"));
  return env.Undefined();
}

// accept() -> {socket, address} for the next connection, or null when none is waiting
// (EAGAIN). The kernel's other answers are thrown; TypeScript decides which to wait out.
Napi::Value Socket::Accept(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  CheckOpen(env, "accept");
  sockaddr_storage peer;
  memset(&peer, 0, sizeof(peer));
  socklen_t length = sizeof(peer);
  int fd;
  do {
    fd = accept4(fd_, reinterpret_cast<sockaddr*>(&peer), &length, SOCK_NONBLOCK | SOCK_CLOEXEC);
  } while (fd < 0 && errno == EINTR);
  if (fd < 0) {
    if (errno == EAGAIN || errno == EWOULDBLOCK) return env.Null();
    throw ErrnoError(env, errno, Context("accept4"));
  }
  Napi::Object socket = Adopt(env, fd, family_, type_, protocol_);
  Napi::Object out = Napi::Object::New(env);
  out.Set("socket", socket);
  out.Set("address", AddressObject(env, peer, length));
  return out;
}

// shutdown(how): SHUT_RD, SHUT_WR or SHUT_RDWR.
Napi::Value Socket::Shutdown(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const int how = static_cast<int>(IntegerArg(env, info[0], "how", 0, INT32_MAX));
  if (how != SHUT_RD && how != SHUT_WR && how != SHUT_RDWR) {
    throw InvalidArgValue(env, "how must be SHUT_RD, SHUT_WR or SHUT_RDWR (got " +
                                   std::to_string(how) + ")");
  }
  CheckOpen(env, "shut down");
  if (::shutdown(fd_, how) < 0) throw ErrnoError(env, errno, Context("shutdown"));
  return env.Undefined();
}

// socketpair(family, type, protocol) -> [Socket, Socket], connected to each other.
Napi::Value MakeSocketpair(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const int family = static_cast<int>(IntegerArg(env, info[0], "family", 0, 65535));
  const int type = static_cast<int>(IntegerArg(env, info[1], "type", 0, 65535));
  const int protocol = static_cast<int>(IntegerArg(env, info[2], "protocol", 0, 65535));
  if (!ValidFamily(family) || !ValidType(type)) {
    throw InvalidArgValue(env, "family must be AF_INET, AF_INET6 or AF_UNIX and type one of "
                               "SOCK_RAW, SOCK_DGRAM, SOCK_STREAM, SOCK_SEQPACKET, SOCK_RDM");
  }
  int fds[2];
  if (socketpair(family, type | SOCK_NONBLOCK | SOCK_CLOEXEC, protocol, fds) < 0) {
    ErrorContext ctx;
    ctx.syscall = "socketpair";
    ctx.family = family;
    ctx.type = type;
    ctx.protocol = protocol;
    throw ErrnoError(env, errno, ctx);
  }
  Napi::Object first;
  try {
    first = Socket::Adopt(env, fds[0], family, type, protocol);
  } catch (...) {
    ::close(fds[1]);  // Adopt closed fds[0]
    throw;
  }
  // If the second cannot be made, the first is an ordinary Socket: closed when collected.
  Napi::Object second = Socket::Adopt(env, fds[1], family, type, protocol);
  Napi::Array out = Napi::Array::New(env, 2);
  out.Set(0u, first);
  out.Set(1u, second);
  return out;
}

}  // namespace rawprobe
