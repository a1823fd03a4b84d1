// One helper for every error the addon reports (see errors.h for the shape).
//
// The words matter more than the code: a student who sees "socket EPERM" learns nothing,
// one who sees "opening a raw socket needs CAP_NET_RAW: ..." can fix it. So each errno we
// know to come up in practice gets advice for the call it came from; anything else falls
// back to the C library's description.
#include "errors.h"

#include <errno.h>
#include <linux/filter.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <string.h>
#include <sys/socket.h>

#include "args.h"

namespace rawprobe {

std::string ErrnoName(int err) {
  const char* name = strerrorname_np(err);  // glibc >= 2.32
  if (name != nullptr) return name;
  return "E" + std::to_string(err);
}

const char* FamilyName(int family) {
  switch (family) {
    case AF_INET: return "AF_INET";
    case AF_INET6: return "AF_INET6";
    case AF_UNIX: return "AF_UNIX";
    default: return "this family";
  }
}

const char* TypeName(int type) {
  switch (type) {
    case SOCK_RAW: return "SOCK_RAW";
    case SOCK_DGRAM: return "SOCK_DGRAM";
    case SOCK_STREAM: return "SOCK_STREAM";
    case SOCK_SEQPACKET: return "SOCK_SEQPACKET";
    case SOCK_RDM: return "SOCK_RDM";
    default: return "this type";
  }
}

namespace {

bool IsSend(const std::string& s) {
  return s == "send" || s == "sendto" || s == "sendmmsg" || s == "sendmsg";
}

bool IsReceive(const std::string& s) {
  return s == "recv" || s == "recvfrom" || s == "recvmsg" || s == "recvmmsg";
}

bool IsOption(const std::string& s) { return s == "setsockopt" || s == "getsockopt"; }

bool IsInet(const ErrorContext& ctx) { return ctx.family == AF_INET || ctx.family == AF_INET6; }

// Why an option does not exist on this socket (ENOPROTOOPT or EOPNOTSUPP from the kernel).
std::string OptionScope(const ErrorContext& ctx) {
  const std::string here = std::string("a ") + TypeName(ctx.type) + " socket on " +
                           FamilyName(ctx.family);
  if (ctx.family == AF_UNIX) {
    return "unix sockets only have SOL_SOCKET options: IP, IPv6 and TCP options do not exist "
           "here";
  }
  if (ctx.level == IPPROTO_TCP) return "TCP options exist only on TCP (SOCK_STREAM) sockets";
  if (ctx.level == IPPROTO_IPV6 && ctx.family == AF_INET) {
    return "IPv6 options need an AF_INET6 socket";
  }
  if (ctx.level == IPPROTO_IP && ctx.family == AF_INET6) {
    return "IPv4 options do not exist on raw IPv6 sockets (AF_INET6 datagram and stream "
           "sockets have them, for IPv4-mapped traffic)";
  }
  if (ctx.level == IPPROTO_IP && ctx.option == IP_HDRINCL) {
    return "IP_HDRINCL exists only on raw sockets";
  }
  if (ctx.level == SOL_RAW) return "ICMP_FILTER exists only on raw IPv4 sockets for ICMP";
  if (ctx.level == IPPROTO_ICMPV6) {
    return "ICMPV6_FILTER exists only on raw IPv6 sockets for ICMPv6";
  }
  return here + " does not have this option at this level";
}

// socket(): a type the family lacks, a protocol the type lacks, a missing capability.
std::string SocketTypeAdvice(int err, const ErrorContext& ctx) {
  if (err == ESOCKTNOSUPPORT) {
    if (ctx.type == SOCK_RDM) {
      return std::string("Linux does not offer SOCK_RDM on ") + FamilyName(ctx.family) +
             ": that socket type exists only on other families (AF_TIPC, AF_RDS)";
    }
    if (ctx.type == SOCK_SEQPACKET) {
      return std::string("Linux does not offer SOCK_SEQPACKET on ") + FamilyName(ctx.family) +
             " with this protocol: use AF_UNIX, or IPPROTO_SCTP where the sctp module "
             "is available";
    }
    return std::string("Linux does not offer ") + TypeName(ctx.type) + " on " +
           FamilyName(ctx.family) + ": that socket type exists only on other families";
  }
  // EPROTONOSUPPORT
  if (ctx.family == AF_UNIX) return "unix sockets take protocol 0";
  if (ctx.type == SOCK_RAW && ctx.protocol == 0) {
    return "a raw socket needs the number of the IP protocol it carries (icmp 1, "
           "icmpv6 58, udp 17, raw 255 for whole IPv4 packets); 0 is not allowed";
  }
  return std::string("Linux has no ") + TypeName(ctx.type) + " socket for protocol " +
         std::to_string(ctx.protocol) + " on " + FamilyName(ctx.family) +
         " (SOCK_STREAM takes tcp, SOCK_DGRAM takes udp or icmp, SOCK_RAW takes any "
         "IP protocol number; 0 picks the default)";
}

std::string SocketAdvice(int err, const ErrorContext& ctx) {
  switch (err) {
    case EPERM:
    case EACCES:
      if (ctx.type == SOCK_RAW) {
        return "opening a raw socket needs CAP_NET_RAW: run as root, or let one group use it "
               "through rawprobe with `sudo rawprobe setup-privileges --group GROUP`";
      }
      if (ctx.type == SOCK_DGRAM &&
          (ctx.protocol == IPPROTO_ICMP || ctx.protocol == IPPROTO_ICMPV6)) {
        return "unprivileged ICMP (ping) sockets are allowed only for the groups in the "
               "sysctl net.ipv4.ping_group_range: widen it (`sudo sysctl -w "
               "net.ipv4.ping_group_range='0 2147483647'`) or use a raw socket with "
               "CAP_NET_RAW";
      }
      return "the kernel does not allow this process to open that socket";
    case ESOCKTNOSUPPORT:
    case EPROTONOSUPPORT:
      return SocketTypeAdvice(err, ctx);
    case EAFNOSUPPORT:
      return std::string("this kernel does not support ") + FamilyName(ctx.family) +
             " (is IPv6 disabled?)";
    case EOPNOTSUPP:
      if (std::string(ctx.syscall) == "socketpair") {
        return "Linux makes socket pairs only in AF_UNIX (for two connected TCP or UDP "
               "sockets, listen on 127.0.0.1 and connect to it)";
      }
      return "";
    case EMFILE:
    case ENFILE:
      return "too many open files: close sockets you no longer need or raise `ulimit -n`";
    default:
      return "";
  }
}

std::string AttachFilterAdvice(int err) {
  switch (err) {
    case EINVAL:
      return "the kernel rejected the BPF program: an invalid instruction, a jump out of "
             "range, or a program that does not end with a return";
    case ENOMEM:
      return "the filter is larger than net.core.optmem_max allows";
    case EPERM:
      return "a filter is already locked onto this socket (SO_LOCK_FILTER)";
    default:
      return "";
  }
}

std::string OptionAdvice(int err, const ErrorContext& ctx, const std::string& call) {
  if (ctx.level == SOL_SOCKET && ctx.option == SO_ATTACH_FILTER) return AttachFilterAdvice(err);
  if (ctx.level == SOL_SOCKET && ctx.option == SO_DETACH_FILTER && err == ENOENT) {
    return "no filter is attached";
  }
  switch (err) {
    case ENOPROTOOPT:
      if (ctx.level == SOL_SOCKET && ctx.option == SO_SNDLOWAT && call == "setsockopt") {
        return "Linux does not let you change SO_SNDLOWAT (socket(7)); it always reads 1";
      }
      if (ctx.level == SOL_SOCKET && call == "setsockopt" &&
          (ctx.option == SO_TYPE || ctx.option == SO_ERROR || ctx.option == SO_PROTOCOL ||
           ctx.option == SO_DOMAIN)) {
        return "this option is read-only: the kernel reports it, nobody sets it";
      }
      return OptionScope(ctx);
    case EOPNOTSUPP:
      return OptionScope(ctx);
    case EINVAL:
      return "the kernel rejected the value: out of range for this option, or the socket "
             "is in a state where it cannot be changed";
    case EPERM:
    case EACCES:
      return "changing this option needs a capability (CAP_NET_ADMIN for SO_DEBUG, "
             "CAP_NET_RAW for some raw options): run as root";
    default:
      return "";
  }
}

// connect(): what each refusal says about the other end.
std::string ConnectAdvice(int err, const ErrorContext& ctx) {
  switch (err) {
    case ECONNREFUSED:
      if (ctx.family == AF_UNIX) return "nobody is listening on that socket path";
      if (ctx.type == SOCK_STREAM) {
        return "nobody is listening on that port: the peer answered the SYN with a reset";
      }
      return "";
    case ETIMEDOUT:
      return "the peer did not answer: no SYN-ACK came back after the kernel's retries "
             "(net.ipv4.tcp_syn_retries)";
    case EAGAIN:
      if (ctx.family == AF_UNIX) {
        return "the listener's backlog is full: try again when it has accepted some";
      }
      return "no local port is free for the connection (net.ipv4.ip_local_port_range)";
    case EISCONN:
      return "the socket is already connected";
    case EALREADY:
      return "a connect is already in progress on this socket";
    case EADDRNOTAVAIL:
      return "no local address can reach that destination, or no local port is free";
    case EPROTOTYPE:
      return "the socket at that path has another type (stream, dgram, seqpacket) than "
             "this one";
    default:
      return "";
  }
}

// recv/send on a connection: what the peer (or our own shutdown) did to it.
std::string ConnectionStateAdvice(int err) {
  switch (err) {
    case ECONNRESET:
      return "the peer reset the connection (it closed with data unread, or with SO_LINGER "
             "set to 0)";
    case EPIPE:
      return "the connection is closed for writing: the peer closed it, or this side "
             "called shutdown('write')";
    case ENOTCONN:
      return "the socket is not connected: connect() first, or use the socket accept() "
             "returned";
    case ETOOMANYREFS:
      return "too many descriptors are in flight over unix sockets (RLIMIT_NOFILE): close "
             "some, or receive the ones already sent";
    default:
      return "";
  }
}

std::string TransferAdvice(int err, const ErrorContext& ctx, const std::string& call) {
  if (call == "connect") {
    std::string advice = ConnectAdvice(err, ctx);
    if (!advice.empty()) return advice;
  }
  std::string state = ConnectionStateAdvice(err);
  if (!state.empty() && !(err == ENOTCONN && IsSend(call))) return state;
  switch (err) {
    case EMSGSIZE:
      if (ctx.hdrincl && ctx.family == AF_INET6) {
        return "with IPV6_HDRINCL the kernel never fragments: the whole packet must fit "
               "the outgoing interface's MTU (put in a Fragment header and cut it yourself)";
      }
      if (ctx.hdrincl) {
        return "with IP_HDRINCL the kernel never fragments: the whole packet must fit "
               "the outgoing interface's MTU";
      }
      return "the datagram is larger than the path MTU (with Don't Fragment on) or than "
             "the 65535-byte maximum: send less, or allow fragmentation with "
             "IP_MTU_DISCOVER = IP_PMTUDISC_DONT";
    case ENETUNREACH:
      return "there is no route to that network: check the address and `ip route`";
    case EHOSTUNREACH:
      return "the host is unreachable: no route to it, or its neighbour (ARP/NDP) did "
             "not answer";
    case EINVAL:
      if (ctx.hdrincl && ctx.family == AF_INET6) {
        return "with IPV6_HDRINCL the buffer must hold a whole IPv6 header: at least 40 "
               "bytes";
      }
      if (ctx.hdrincl) {
        return "with IP_HDRINCL the buffer must hold a whole IPv4 header: at least 20 "
               "bytes and at least IHL*4 bytes (Linux fills in total length and "
               "checksum itself)";
      }
      if (call == "sendmsg") {
        return "the kernel rejected the message: more descriptors than one message may "
               "carry (SCM_MAX_FD, 253), or an address that does not fit the socket";
      }
      return "the kernel rejected the arguments (does the address family match the "
             "socket? is the buffer empty where it must not be?)";
    case EACCES:
      // The kernel says EACCES for both: a broadcast address without SO_BROADCAST, and a
      // route of type prohibit (RTN_PROHIBIT), where nothing about the socket would help.
      if (IsInet(ctx)) {
        return "not allowed: sending to a broadcast address needs SO_BROADCAST "
               "(setOption('SO_BROADCAST', true)); otherwise a prohibit route refuses "
               "this address (see `ip route get`)";
      }
      return "no permission to write to that socket path";
    case EPERM:
      return "the kernel refused to send: a firewall rule (nftables/iptables) probably "
             "rejects this packet";
    case EDESTADDRREQ:
    case ENOTCONN:
      return "the socket is not connected: call connect() first, or use sendTo() with "
             "an address";
    case EISCONN:
      return "the socket is connected: use send(), or sendTo() the connected address";
    case EAGAIN:
      return "the socket's send buffer is full: wait and retry, or raise SO_SNDBUF";
    case ENOBUFS:
      return "the kernel's queue for outgoing packets is full: send more slowly";
    case ECONNREFUSED:
      if (ctx.family == AF_UNIX) return "nobody is listening on that socket path";
      return "the destination answered an earlier datagram with ICMP port unreachable";
    case ENOENT:
      return "no socket file at that path: is the receiver bound there?";
    case EAFNOSUPPORT:
      return "the address family does not match the socket's family";
    case ETIMEDOUT:
      return "the peer did not answer in time";
    case EBADF:
      if (call == "sendmsg") return "a descriptor to pass (SCM_RIGHTS) is not open";
      return "";
    default:
      return "";
  }
}

std::string BindAdvice(int err, const ErrorContext& ctx) {
  switch (err) {
    case EADDRINUSE:
      if (ctx.family == AF_UNIX) {
        return "that socket path already exists: remove the file first (or use an "
               "abstract name starting with \\0)";
      }
      return "another socket already uses that address and port";
    case EADDRNOTAVAIL:
      return "that address is not assigned to any local interface";
    case EACCES:
      if (ctx.family == AF_UNIX) return "no permission to create the socket file in that directory";
      return "binding to a port below 1024 needs CAP_NET_BIND_SERVICE: run as root";
    case EINVAL:
      return "the socket is already bound (or the address does not fit the socket)";
    case ENOENT:
      return "the directory for that socket path does not exist";
    default:
      return "";
  }
}

// listen, accept4, shutdown: the calls only connection sockets have.
std::string ServerAdvice(int err, const ErrorContext& ctx, const std::string& call) {
  const bool message = ctx.type == SOCK_DGRAM || ctx.type == SOCK_RAW;
  switch (err) {
    case EOPNOTSUPP:
      if (message) {
        return std::string(call == "listen" ? "listen" : "accept") +
               " works only on connection sockets (SOCK_STREAM, SOCK_SEQPACKET); a " +
               TypeName(ctx.type) + " socket has no connections";
      }
      return "";
    case EADDRINUSE:
      return "another socket already listens on that address and port";
    case EINVAL:
      if (call == "accept4") return "the socket is not listening: call listen() first";
      if (call == "listen") return "the socket cannot listen in its state (is it connected?)";
      return "";
    case ENOTCONN:
      return "the socket is not connected: there is nothing to shut down";
    case EMFILE:
    case ENFILE:
      return "too many open files: close sockets you no longer need or raise `ulimit -n`";
    default:
      return "";
  }
}

// Advice for `err` in `ctx`, or "" when the C library's description is all we can say.
std::string Advice(int err, const ErrorContext& ctx) {
  const std::string call = ctx.syscall != nullptr ? ctx.syscall : "";
  if (call == "socket" || call == "socketpair") return SocketAdvice(err, ctx);
  if (IsOption(call)) return OptionAdvice(err, ctx, call);
  if (IsSend(call) || IsReceive(call) || call == "connect") {
    return TransferAdvice(err, ctx, call);
  }
  if (call == "bind") return BindAdvice(err, ctx);
  if (call == "listen" || call == "accept4" || call == "shutdown") {
    return ServerAdvice(err, ctx, call);
  }
  return "";
}

void SetKeys(Napi::Error& error, Napi::Env env, const std::string& code, Napi::Value errnum,
             Napi::Value syscall) {
  Napi::Object obj = error.Value();
  obj.Set("code", Napi::String::New(env, code));
  obj.Set("errno", errnum);
  obj.Set("syscall", syscall);
}

}  // namespace

Napi::Error ErrnoError(Napi::Env env, int err, const ErrorContext& ctx) {
  const std::string code = ErrnoName(err);
  const std::string call = ctx.syscall != nullptr ? ctx.syscall : "socket call";
  std::string advice = Advice(err, ctx);
  if (advice.empty()) advice = strerror(err);
  std::string message = call + " " + code;
  if (!ctx.address.empty()) message += " " + ctx.address;
  message += ": " + advice;

  Napi::Error error = Napi::Error::New(env, message);
  SetKeys(error, env, code, Napi::Number::New(env, -err),
          ctx.syscall != nullptr ? Napi::String::New(env, ctx.syscall).As<Napi::Value>()
                                 : env.Null());
  return error;
}

Napi::Error CodedError(Napi::Env env, const char* code, const std::string& message,
                       ErrorType type) {
  Napi::Error error;
  switch (type) {
    case ErrorType::kTypeError: error = Napi::TypeError::New(env, message); break;
    case ErrorType::kRangeError: error = Napi::RangeError::New(env, message); break;
    default: error = Napi::Error::New(env, message); break;
  }
  SetKeys(error, env, code, env.Null(), env.Null());
  return error;
}

Napi::Error InvalidArgType(Napi::Env env, const std::string& message) {
  return CodedError(env, "ERR_INVALID_ARG_TYPE", message, ErrorType::kTypeError);
}

Napi::Error InvalidArgValue(Napi::Env env, const std::string& message) {
  return CodedError(env, "ERR_INVALID_ARG_VALUE", message, ErrorType::kRangeError);
}

// errnoError(errno, syscall, context?) for JavaScript: what sendMany's stopping errno and a
// finished connect's SO_ERROR become. context {family, type, address} picks the same words
// the addon would have used had the call itself failed.
Napi::Value MakeErrnoError(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const int err = static_cast<int>(IntegerArg(env, info[0], "errno", 1, 4095));
  if (!info[1].IsString()) throw InvalidArgType(env, "syscall must be a string");
  const std::string syscall = info[1].As<Napi::String>().Utf8Value();
  ErrorContext ctx;
  ctx.syscall = syscall.c_str();
  if (info.Length() > 2 && info[2].IsObject()) {
    Napi::Object context = info[2].As<Napi::Object>();
    if (context.Get("family").IsNumber()) ctx.family = context.Get("family").As<Napi::Number>();
    if (context.Get("type").IsNumber()) ctx.type = context.Get("type").As<Napi::Number>();
    if (context.Get("address").IsString()) {
      ctx.address = context.Get("address").As<Napi::String>().Utf8Value();
    }
  }
  return ErrnoError(env, err, ctx).Value();
}

}  // namespace rawprobe
