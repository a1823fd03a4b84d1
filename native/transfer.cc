// One call at a time, for the classic socket API: recv (into a new Buffer or into yours),
// recvmsg, send/sendto, sendmsg.
//
// Each is one non-blocking syscall. "Would block" (EAGAIN) is an answer, not an error:
// recv/recvMsg return null, recvInto/sendSome/sendMsg return -1, and TypeScript waits for readiness
// (readiness.cc) before it tries again. Every other refusal is thrown as the kernel gave it.
//
// Descriptors travel over unix sockets as SCM_RIGHTS control messages. Received ones are made
// close-on-exec by the kernel as they arrive (MSG_CMSG_CLOEXEC) and belong to the caller.
#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <vector>

#include "args.h"
#include "socket.h"

namespace rawprobe {

namespace {

// Bounds on what one call may ask for: sanity limits on arguments, not kernel constants.
constexpr int64_t kMaxRecvBytes = 256 * 1024 * 1024;
constexpr int64_t kMaxFds = 4096;

bool WouldBlock(int err) { return err == EAGAIN || err == EWOULDBLOCK; }

// A sockaddr argument that may be null/undefined (send on a connected socket).
bool OptionalSockaddr(Napi::Env env, Napi::Value value, Sockaddr* out) {
  if (value.IsUndefined() || value.IsNull()) return false;
  *out = SockaddrArg(env, value, "address");
  return true;
}

// The descriptors of SCM_RIGHTS control messages, in order.
std::vector<int> ReceivedFds(msghdr* m) {
  std::vector<int> fds;
  for (cmsghdr* c = CMSG_FIRSTHDR(m); c != nullptr; c = CMSG_NXTHDR(m, c)) {
    if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS) continue;
    const size_t n = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
    for (size_t i = 0; i < n; i++) {
      int fd;
      memcpy(&fd, CMSG_DATA(c) + i * sizeof(int), sizeof(fd));
      fds.push_back(fd);
    }
  }
  return fds;
}

// The fds argument of sendMsg: an array of descriptor numbers.
std::vector<int> FdsArg(Napi::Env env, Napi::Value value) {
  if (!value.IsArray()) throw InvalidArgType(env, "fds must be an array of descriptor numbers");
  Napi::Array list = value.As<Napi::Array>();
  if (list.Length() > kMaxFds) {
    throw InvalidArgValue(env, "fds: at most " + std::to_string(kMaxFds) + " descriptors");
  }
  std::vector<int> fds(list.Length());
  for (uint32_t i = 0; i < list.Length(); i++) {
    fds[i] = static_cast<int>(IntegerArg(env, list.Get(i), "fds[i]", 0, INT32_MAX));
  }
  return fds;
}

}  // namespace

// recv(size, flags?) -> Buffer with what came (empty at the end of a stream), or null when
// nothing is waiting.
Napi::Value Socket::Recv(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const size_t size = static_cast<size_t>(IntegerArg(env, info[0], "size", 1, kMaxRecvBytes));
  const int flags = OptionalFlags(env, info, 1);
  CheckOpen(env, "recv");
  std::vector<uint8_t>& buffer = data_->recvScratch;
  if (buffer.size() < size) buffer.resize(size);
  ssize_t got;
  do {
    got = ::recv(fd_, buffer.data(), size, flags | MSG_DONTWAIT);
  } while (got < 0 && errno == EINTR);
  if (got < 0) {
    if (WouldBlock(errno)) return env.Null();
    throw ErrnoError(env, errno, Context("recv"));
  }
  return Napi::Buffer<uint8_t>::Copy(env, buffer.data(), static_cast<size_t>(got));
}

// recvInto(buffer, flags?) -> the bytes read into buffer (0: the end of a stream), or -1 when
// nothing is waiting. Nothing is allocated or copied twice: Python's recv_into, for bulk reads.
Napi::Value Socket::RecvInto(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Bytes bytes = BytesArg(env, info[0], "buffer");
  if (bytes.length == 0) throw InvalidArgValue(env, "buffer must hold at least one byte");
  const int flags = OptionalFlags(env, info, 1);
  CheckOpen(env, "recv");
  ssize_t got;
  do {
    got = ::recv(fd_, const_cast<uint8_t*>(bytes.data), bytes.length, flags | MSG_DONTWAIT);
  } while (got < 0 && errno == EINTR);
  if (got < 0) {
    if (WouldBlock(errno)) return Napi::Number::New(env, -1);
    throw ErrnoError(env, errno, Context("recv"));
  }
  return Napi::Number::New(env, static_cast<double>(got));
}

// recvMsg(size, flags, maxFds) -> {data, size, flags, address, fds}, or null when nothing is
// waiting. size is the message's real length (more than data.length when it was cut: for
// datagrams the kernel reports it), flags recvmsg's msg_flags, address the sender (null on a
// connected stream), fds the descriptors that came with it.
Napi::Value Socket::RecvMsg(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const size_t size = static_cast<size_t>(IntegerArg(env, info[0], "size", 1, kMaxRecvBytes));
  const int flags = OptionalFlags(env, info, 1);
  const size_t maxFds = static_cast<size_t>(IntegerArg(env, info[2], "maxFds", 0, kMaxFds));
  CheckOpen(env, "recvmsg");
  std::vector<uint8_t>& buffer = data_->recvScratch;
  if (buffer.size() < size) buffer.resize(size);
  // uint64_t elements keep the control buffer aligned for cmsghdr.
  std::vector<uint64_t> control((CMSG_SPACE(maxFds * sizeof(int)) + 7) / 8 + 1);
  sockaddr_storage name;
  memset(&name, 0, sizeof(name));
  iovec iov{buffer.data(), size};
  msghdr m;
  memset(&m, 0, sizeof(m));
  m.msg_name = &name;
  m.msg_namelen = sizeof(name);
  m.msg_iov = &iov;
  m.msg_iovlen = 1;
  m.msg_control = maxFds > 0 ? control.data() : nullptr;
  m.msg_controllen = maxFds > 0 ? CMSG_SPACE(maxFds * sizeof(int)) : 0;
  // MSG_TRUNC makes a datagram's real length the answer; on a stream it would discard bytes.
  const int trunc = type_ == SOCK_STREAM ? 0 : MSG_TRUNC;
  ssize_t got;
  do {
    got = recvmsg(fd_, &m, flags | trunc | MSG_DONTWAIT | MSG_CMSG_CLOEXEC);
  } while (got < 0 && errno == EINTR);
  if (got < 0) {
    if (WouldBlock(errno)) return env.Null();
    throw ErrnoError(env, errno, Context("recvmsg"));
  }
  const std::vector<int> fds = ReceivedFds(&m);
  Napi::Array fdList = Napi::Array::New(env, fds.size());
  for (size_t i = 0; i < fds.size(); i++) fdList.Set(static_cast<uint32_t>(i), fds[i]);
  Napi::Object out = Napi::Object::New(env);
  out.Set("data", Napi::Buffer<uint8_t>::Copy(env, buffer.data(),
                                              std::min(static_cast<size_t>(got), size)));
  out.Set("size", Napi::Number::New(env, static_cast<double>(got)));
  out.Set("flags", Napi::Number::New(env, m.msg_flags));
  out.Set("address", m.msg_namelen >= sizeof(sa_family_t)
                         ? AddressObject(env, name, m.msg_namelen).As<Napi::Value>()
                         : env.Null().As<Napi::Value>());
  out.Set("fds", fdList);
  return out;
}

// sendSome(buffer, sockaddr | null, flags?) -> the bytes the kernel took now (possibly fewer
// than offered on a stream), or -1 when it would take none (EAGAIN).
Napi::Value Socket::SendSome(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Bytes bytes = BytesArg(env, info[0], "buffer");
  Sockaddr addr;
  const bool to = OptionalSockaddr(env, info[1], &addr);
  const int flags = OptionalFlags(env, info, 2) | MSG_NOSIGNAL | MSG_DONTWAIT;
  CheckOpen(env, "send");
  ssize_t sent;
  do {
    sent = to ? ::sendto(fd_, bytes.data, bytes.length, flags, addr.get(), addr.length)
              : ::send(fd_, bytes.data, bytes.length, flags);
  } while (sent < 0 && errno == EINTR);
  if (sent < 0) {
    if (WouldBlock(errno)) return Napi::Number::New(env, -1);
    throw SendError(env, errno, to ? "sendto" : "send", to ? addr.get() : nullptr,
                    to ? addr.length : 0);
  }
  return Napi::Number::New(env, static_cast<double>(sent));
}

// sendMsg(buffer, fds, sockaddr | null, flags?) -> bytes taken, or -1 (EAGAIN). The
// descriptors in fds go along as one SCM_RIGHTS control message (none when fds is empty).
Napi::Value Socket::SendMsg(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Bytes bytes = BytesArg(env, info[0], "buffer");
  const std::vector<int> fds = FdsArg(env, info[1]);
  Sockaddr addr;
  const bool to = OptionalSockaddr(env, info[2], &addr);
  const int flags = OptionalFlags(env, info, 3) | MSG_NOSIGNAL | MSG_DONTWAIT;
  CheckOpen(env, "sendmsg");
  const size_t fdBytes = fds.size() * sizeof(int);
  std::vector<uint64_t> control((CMSG_SPACE(fdBytes) + 7) / 8 + 1);
  iovec iov{const_cast<uint8_t*>(bytes.data), bytes.length};
  msghdr m;
  memset(&m, 0, sizeof(m));
  m.msg_name = to ? const_cast<sockaddr*>(addr.get()) : nullptr;
  m.msg_namelen = to ? addr.length : 0;
  m.msg_iov = &iov;
  m.msg_iovlen = 1;
  if (!fds.empty()) {
    m.msg_control = control.data();
    m.msg_controllen = CMSG_SPACE(fdBytes);
    cmsghdr* c = CMSG_FIRSTHDR(&m);
    c->cmsg_level = SOL_SOCKET;
    c->cmsg_type = SCM_RIGHTS;
    c->cmsg_len = CMSG_LEN(fdBytes);
    memcpy(CMSG_DATA(c), fds.data(), fdBytes);
  }
  ssize_t sent;
  do {
    sent = sendmsg(fd_, &m, flags);
  } while (sent < 0 && errno == EINTR);
  if (sent < 0) {
    if (WouldBlock(errno)) return Napi::Number::New(env, -1);
    throw SendError(env, errno, "sendmsg", to ? addr.get() : nullptr, to ? addr.length : 0);
  }
  return Napi::Number::New(env, static_cast<double>(sent));
}

}  // namespace rawprobe
