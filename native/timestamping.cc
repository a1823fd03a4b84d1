// Kernel timestamps at both ends of a datagram (SO_TIMESTAMPING, Documentation/networking/
// timestamping.rst), as mechanism: which flags to ask for, and what to do when the kernel
// refuses them, is lib/socket's and lib/probe's business.
//
//   setTimestamping(flags)       SO_TIMESTAMPING on the socket. With a send stamp asked for
//                                (SOF_TIMESTAMPING_TX_*), each datagram sent leaves its send
//                                time in the error queue, keyed (SOF_TIMESTAMPING_OPT_ID) by its
//                                position among the datagrams sent since: receive.cc reads them
//                                with every drain and hands them over with the batch. With a
//                                receive stamp asked for, SO_TIMESTAMPNS is turned off: a
//                                datagram that came before the kernel switched receive stamps on
//                                then carries none, instead of the time it was read at.
//   timestampsLive()             whether the kernel stamps received datagrams right now: the
//                                first socket that asks switches it on from a work queue
//                                (net_enable_timestamp), so for a moment it does not.
//   interfaceTimestamping(name)  what an interface can stamp (ETHTOOL_GET_TS_INFO)
//   enableHardwareTimestamps(name)  turns the interface's hardware stamping on (SIOCSHWTSTAMP)
#include <errno.h>
#include <time.h>  // before linux/errqueue.h, whose struct scm_timestamping needs timespec
#include <linux/errqueue.h>
#include <linux/ethtool.h>
#include <linux/net_tstamp.h>
#include <linux/sockios.h>
#include <net/if.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "args.h"
#include "clock.h"
#include "objects.h"
#include "socket.h"
#include "timestamping.h"

namespace rawprobe {

const int Socket::kTxTimestampFlags =
    SOF_TIMESTAMPING_TX_SOFTWARE | SOF_TIMESTAMPING_TX_HARDWARE | SOF_TIMESTAMPING_TX_SCHED |
    SOF_TIMESTAMPING_TX_ACK;
const int Socket::kRxTimestampFlags = SOF_TIMESTAMPING_RX_SOFTWARE | SOF_TIMESTAMPING_RX_HARDWARE;

namespace {

bool Stamped(const timespec& ts) { return ts.tv_sec != 0 || ts.tv_nsec != 0; }

// A socket closed on every path out.
class Descriptor {
 public:
  explicit Descriptor(int fd) : fd_(fd) {}
  ~Descriptor() {
    if (fd_ >= 0) ::close(fd_);
  }
  Descriptor(const Descriptor&) = delete;
  Descriptor& operator=(const Descriptor&) = delete;
  int get() const { return fd_; }

 private:
  int fd_;
};

// The interface name argument, checked to fit struct ifreq.
std::string InterfaceArg(Napi::Env env, Napi::Value value) {
  if (!value.IsString()) throw InvalidArgType(env, "interface must be a string");
  std::string name = value.As<Napi::String>().Utf8Value();
  if (name.empty() || name.size() >= IFNAMSIZ) {
    throw InvalidArgValue(env, "interface must be 1 to " + std::to_string(IFNAMSIZ - 1) +
                                   " bytes (got \"" + name + "\")");
  }
  return name;
}

ErrorContext Syscall(const char* syscall, const std::string& interface) {
  ErrorContext ctx;
  ctx.syscall = syscall;
  ctx.address = interface;
  return ctx;
}

// An interface ioctl whose ifreq points at `data` (SIOCETHTOOL, SIOCSHWTSTAMP), on a socket of
// its own; a refusal throws the errno error naming the interface.
void InterfaceIoctl(Napi::Env env, const std::string& name, unsigned long request, void* data) {
  Descriptor s(socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0));
  if (s.get() < 0) throw ErrnoError(env, errno, Syscall("socket", ""));
  ifreq req;
  memset(&req, 0, sizeof(req));
  memcpy(req.ifr_name, name.data(), name.size());
  req.ifr_data = static_cast<char*>(data);
  if (ioctl(s.get(), request, &req) < 0) throw ErrnoError(env, errno, Syscall("ioctl", name));
}

}  // namespace

// setTimestamping(flags): SO_TIMESTAMPING = flags (0 turns it off and SO_TIMESTAMPNS back on).
Napi::Value Socket::SetTimestamping(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const int flags = static_cast<int>(IntegerArg(env, info[0], "flags", 0, INT32_MAX));
  CheckOpen(env, "set SO_TIMESTAMPING");
  SetSocketOption(env, SOL_SOCKET, SO_TIMESTAMPING, "SO_TIMESTAMPING", &flags, sizeof(flags));
  timestamping_ = flags;
  if (mode_ == PollMode::kBatches) ApplyReceiveTimestamps(env);
  return env.Undefined();
}

// readStampsOf(sender | null): each drain of this socket also reads `sender`'s send timestamps
// (after the datagrams, as its own), for a socket that sends and is never polled: IPv6's
// IPPROTO_RAW sender, whose probes' answers come in on a raw ICMPv6 socket. A closed sender is
// skipped; null stops it.
Napi::Value Socket::ReadStampsOf(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  CheckOpen(env, "read send timestamps");
  if (info[0].IsNull() || info[0].IsUndefined()) {
    stampSource_ = nullptr;
    stampSourceRef_.Reset();
    return env.Undefined();
  }
  if (!info[0].IsObject() || !info[0].As<Napi::Object>().InstanceOf(data_->socketClass.Value())) {
    throw InvalidArgType(env, "the sender must be a Socket");
  }
  Napi::Object sender = info[0].As<Napi::Object>();
  stampSource_ = Socket::Unwrap(sender);
  stampSourceRef_ = Napi::Persistent(sender);  // the sender lives as long as we read it
  return env.Undefined();
}

// SO_TIMESTAMPNS on unless SO_TIMESTAMPING gives the receive times itself.
void Socket::ApplyReceiveTimestamps(Napi::Env env) {
  const int on = (timestamping_ & kRxTimestampFlags) == 0 ? 1 : 0;
  if (setsockopt(fd_, SOL_SOCKET, SO_TIMESTAMPNS, &on, sizeof(on)) < 0) {
    throw ErrnoError(env, errno, Context("setsockopt"));
  }
}

// A send timestamp (ee_origin SO_EE_ORIGIN_TIMESTAMPING) goes to scratch_->tx.
bool Socket::CollectTxTimestamp(msghdr* m) {
  const sock_extended_err* ee = nullptr;
  const scm_timestamping* ts = nullptr;
  for (cmsghdr* c = CMSG_FIRSTHDR(m); c != nullptr; c = CMSG_NXTHDR(m, c)) {
    if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_TIMESTAMPING) {
      ts = reinterpret_cast<const scm_timestamping*>(CMSG_DATA(c));
    } else if ((c->cmsg_level == IPPROTO_IP && c->cmsg_type == IP_RECVERR) ||
               (c->cmsg_level == IPPROTO_IPV6 && c->cmsg_type == IPV6_RECVERR)) {
      ee = reinterpret_cast<const sock_extended_err*>(CMSG_DATA(c));
    }
  }
  if (ee == nullptr || ee->ee_origin != SO_EE_ORIGIN_TIMESTAMPING) return false;
  timespec sw{}, hw{};
  if (ts != nullptr) {
    memcpy(&sw, &ts->ts[0], sizeof(sw));
    memcpy(&hw, &ts->ts[2], sizeof(hw));
  }
  const double rec[batch::kTxStride] = {
      static_cast<double>(ee->ee_data),
      static_cast<double>(ee->ee_info),
      Stamped(sw) ? SinceBase(sw) : -1,
      Stamped(hw) ? SinceBase(hw) : -1,
  };
  scratch_->tx.insert(scratch_->tx.end(), rec, rec + batch::kTxStride);
  return true;
}

// timestampsLive() -> 1 when a datagram received now gets a software receive stamp, 0 when not
// yet, -1 when it cannot tell (no loopback). One UDP datagram to ourselves on 127.0.0.1.
Napi::Value TimestampsLive(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  auto answer = [&](int v) { return Napi::Number::New(env, v); };
  Descriptor s(socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
  if (s.get() < 0) return answer(-1);
  sockaddr_in self{};
  self.sin_family = AF_INET;
  self.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t length = sizeof(self);
  const int flags = SOF_TIMESTAMPING_RX_SOFTWARE | SOF_TIMESTAMPING_SOFTWARE;
  if (bind(s.get(), reinterpret_cast<sockaddr*>(&self), length) < 0 ||
      getsockname(s.get(), reinterpret_cast<sockaddr*>(&self), &length) < 0 ||
      setsockopt(s.get(), SOL_SOCKET, SO_TIMESTAMPING, &flags, sizeof(flags)) < 0 ||
      sendto(s.get(), "t", 1, 0, reinterpret_cast<sockaddr*>(&self), length) != 1) {
    return answer(-1);
  }
  char byte;
  iovec iov{&byte, 1};
  std::array<uint64_t, 16> control;
  msghdr m{};
  m.msg_iov = &iov;
  m.msg_iovlen = 1;
  m.msg_control = control.data();
  m.msg_controllen = sizeof(control);
  // Loopback delivers inside sendto: the datagram is there, or something else is wrong.
  if (recvmsg(s.get(), &m, MSG_DONTWAIT) != 1) return answer(-1);
  for (cmsghdr* c = CMSG_FIRSTHDR(&m); c != nullptr; c = CMSG_NXTHDR(&m, c)) {
    if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_TIMESTAMPING) {
      scm_timestamping ts;
      memcpy(&ts, CMSG_DATA(c), sizeof(ts));
      return answer(Stamped(ts.ts[0]) ? 1 : 0);
    }
  }
  return answer(0);
}

// interfaceTimestamping(name) -> {timestamping, phcIndex, txTypes, rxFilters}: the
// SOF_TIMESTAMPING_* flags the interface supports, its PTP clock (-1: none), and the
// HWTSTAMP_TX_* / HWTSTAMP_FILTER_* bits it accepts (ETHTOOL_GET_TS_INFO).
Napi::Value InterfaceTimestamping(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  ethtool_ts_info ts{};
  ts.cmd = ETHTOOL_GET_TS_INFO;
  InterfaceIoctl(env, InterfaceArg(env, info[0]), SIOCETHTOOL, &ts);
  return NumberObject(env, {{"timestamping", ts.so_timestamping}, {"phcIndex", ts.phc_index},
                            {"txTypes", ts.tx_types}, {"rxFilters", ts.rx_filters}});
}

// enableHardwareTimestamps(name) -> {txType, rxFilter}: asks the driver to stamp every datagram
// sent and received (SIOCSHWTSTAMP; needs CAP_NET_ADMIN) and returns what it agreed to.
Napi::Value EnableHardwareTimestamps(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  hwtstamp_config config{};
  config.tx_type = HWTSTAMP_TX_ON;
  config.rx_filter = HWTSTAMP_FILTER_ALL;
  InterfaceIoctl(env, InterfaceArg(env, info[0]), SIOCSHWTSTAMP, &config);
  return NumberObject(env, {{"txType", config.tx_type}, {"rxFilter", config.rx_filter}});
}

}  // namespace rawprobe
