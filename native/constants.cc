// Every constant here comes from a system header macro, so the values are the ones the
// kernel we were built for uses. The list of names is mirrored (names only) by
// lib/socket/constants.ts; a test checks the two lists agree.
#include "constants.h"

#include <errno.h>
#include <time.h>  // before linux/errqueue.h, whose struct scm_timestamping needs timespec
#include <linux/errqueue.h>
#include <linux/filter.h>
#include <linux/icmp.h>
#include <linux/if.h>
#include <linux/if_arp.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <linux/net_tstamp.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <sys/un.h>

#ifndef ICMPV6_FILTER
#define ICMPV6_FILTER 1  // linux/icmpv6.h; that header clashes with netinet/in.h
#endif
#ifndef SO_BSDCOMPAT
#define SO_BSDCOMPAT 14
#endif
// linux/un.h names sizeof(sun_path) UNIX_PATH_MAX but clashes with sys/un.h: take the size of
// the field itself.
#ifndef UNIX_PATH_MAX
#define UNIX_PATH_MAX (sizeof(((struct sockaddr_un*)nullptr)->sun_path))
#endif

// X(name): one constant per line, grouped as in the headers they come from.
#define RAWPROBE_CONSTANTS(X)                                                            \
  /* address families */                                                                 \
  X(AF_UNSPEC) X(AF_INET) X(AF_INET6) X(AF_UNIX)                                         \
  /* socket types and socket() flags */                                                  \
  X(SOCK_STREAM) X(SOCK_DGRAM) X(SOCK_RAW) X(SOCK_RDM) X(SOCK_SEQPACKET)                 \
  X(SOCK_NONBLOCK) X(SOCK_CLOEXEC)                                                       \
  /* listen(), shutdown(), unix socket paths */                                          \
  X(SOMAXCONN) X(SHUT_RD) X(SHUT_WR) X(SHUT_RDWR) X(UNIX_PATH_MAX)                       \
  /* protocols (also the option levels IPPROTO_IP, IPPROTO_IPV6, IPPROTO_TCP) */         \
  X(IPPROTO_IP) X(IPPROTO_ICMP) X(IPPROTO_TCP) X(IPPROTO_UDP) X(IPPROTO_IPV6)            \
  X(IPPROTO_ICMPV6) X(IPPROTO_RAW)                                                       \
  /* option levels that are not protocols */                                             \
  X(SOL_SOCKET) X(SOL_RAW)                                                               \
  /* SOL_SOCKET options */                                                               \
  X(SO_DEBUG) X(SO_REUSEADDR) X(SO_TYPE) X(SO_ERROR) X(SO_DONTROUTE) X(SO_BROADCAST)     \
  X(SO_SNDBUF) X(SO_RCVBUF) X(SO_KEEPALIVE) X(SO_OOBINLINE) X(SO_LINGER)                 \
  X(SO_BSDCOMPAT) X(SO_REUSEPORT) X(SO_RCVLOWAT) X(SO_SNDLOWAT) X(SO_RCVTIMEO)           \
  X(SO_SNDTIMEO) X(SO_PRIORITY) X(SO_MARK) X(SO_BINDTODEVICE) X(SO_PROTOCOL)             \
  X(SO_DOMAIN) X(SO_TIMESTAMPNS) X(SCM_TIMESTAMPNS) X(SO_ATTACH_FILTER)                  \
  X(SO_DETACH_FILTER) X(SO_LOCK_FILTER) X(SO_RCVBUFFORCE) X(SO_ACCEPTCONN)              \
  X(SO_PEERCRED) X(SCM_RIGHTS)                                                           \
  /* IPPROTO_IP options and values */                                                    \
  X(IP_TOS) X(IP_TTL) X(IP_HDRINCL) X(IP_OPTIONS) X(IP_RECVERR) X(IP_MTU_DISCOVER)       \
  X(IP_MTU) X(IP_RECVTTL) X(IP_RECVTOS) X(IP_PMTUDISC_DONT) X(IP_PMTUDISC_WANT)          \
  X(IP_PMTUDISC_DO) X(IP_PMTUDISC_PROBE) X(IP_PMTUDISC_INTERFACE) X(IP_PMTUDISC_OMIT)    \
  X(IP_MULTICAST_LOOP)                                                                   \
  /* IPPROTO_IPV6 options */                                                             \
  X(IPV6_UNICAST_HOPS) X(IPV6_TCLASS) X(IPV6_V6ONLY) X(IPV6_RECVERR)                     \
  X(IPV6_MTU_DISCOVER) X(IPV6_RECVHOPLIMIT) X(IPV6_HOPLIMIT) X(IPV6_RECVTCLASS)          \
  X(IPV6_CHECKSUM) X(IPV6_HDRINCL) X(IPV6_MTU)                                          \
  /* IPPROTO_TCP options */                                                              \
  X(TCP_NODELAY) X(TCP_MAXSEG)                                                           \
  /* raw ICMP type filters (SOL_RAW / IPPROTO_ICMPV6) */                                 \
  X(ICMP_FILTER) X(ICMPV6_FILTER)                                                        \
  /* interface flags (/sys/class/net/<name>/flags) */                                    \
  X(IFF_UP)                                                                              \
  /* packet capture: AF_PACKET, sockaddr_ll.sll_pkttype, ARPHRD_*, BPF ancillary loads */ \
  X(AF_PACKET) X(ETH_P_ALL) X(PACKET_HOST) X(PACKET_BROADCAST) X(PACKET_MULTICAST)       \
  X(PACKET_OTHERHOST) X(PACKET_OUTGOING) X(ARPHRD_ETHER) X(ARPHRD_LOOPBACK)               \
  X(ARPHRD_NONE)                                                                         \
  X(SKF_AD_OFF) X(SKF_AD_PROTOCOL) X(SKF_AD_PKTTYPE) X(SKF_AD_IFINDEX)                  \
  /* send/recv flags */                                                                  \
  X(MSG_OOB) X(MSG_PEEK) X(MSG_DONTROUTE) X(MSG_CTRUNC) X(MSG_TRUNC) X(MSG_DONTWAIT)     \
  X(MSG_EOR) X(MSG_WAITALL) X(MSG_CONFIRM) X(MSG_ERRQUEUE) X(MSG_NOSIGNAL) X(MSG_MORE)   \
  X(MSG_CMSG_CLOEXEC)                                                                    \
  /* where an error-queue entry came from (struct sock_extended_err.ee_origin) */        \
  X(SO_EE_ORIGIN_NONE) X(SO_EE_ORIGIN_LOCAL) X(SO_EE_ORIGIN_ICMP) X(SO_EE_ORIGIN_ICMP6)  \
  X(SO_EE_ORIGIN_TIMESTAMPING)                                                           \
  /* kernel timestamps (linux/net_tstamp.h, linux/errqueue.h) */                         \
  X(SO_TIMESTAMPING) X(SCM_TIMESTAMPING) X(SOF_TIMESTAMPING_TX_HARDWARE)                 \
  X(SOF_TIMESTAMPING_TX_SOFTWARE) X(SOF_TIMESTAMPING_RX_HARDWARE)                        \
  X(SOF_TIMESTAMPING_RX_SOFTWARE) X(SOF_TIMESTAMPING_SOFTWARE)                           \
  X(SOF_TIMESTAMPING_RAW_HARDWARE) X(SOF_TIMESTAMPING_OPT_ID) X(SOF_TIMESTAMPING_TX_SCHED) \
  X(SOF_TIMESTAMPING_OPT_TSONLY) X(SCM_TSTAMP_SND) X(SCM_TSTAMP_SCHED)                   \
  X(HWTSTAMP_TX_OFF) X(HWTSTAMP_TX_ON) X(HWTSTAMP_FILTER_NONE) X(HWTSTAMP_FILTER_ALL)    \
  /* classic BPF (struct sock_filter.code) */                                            \
  X(BPF_LD) X(BPF_LDX) X(BPF_ST) X(BPF_STX) X(BPF_ALU) X(BPF_JMP) X(BPF_RET) X(BPF_MISC) \
  X(BPF_W) X(BPF_H) X(BPF_B) X(BPF_IMM) X(BPF_ABS) X(BPF_IND) X(BPF_MEM) X(BPF_LEN)      \
  X(BPF_MSH) X(BPF_ADD) X(BPF_SUB) X(BPF_MUL) X(BPF_DIV) X(BPF_OR) X(BPF_AND) X(BPF_LSH) \
  X(BPF_RSH) X(BPF_NEG) X(BPF_MOD) X(BPF_XOR) X(BPF_JA) X(BPF_JEQ) X(BPF_JGT)            \
  X(BPF_JGE) X(BPF_JSET) X(BPF_K) X(BPF_X) X(BPF_A) X(BPF_TAX) X(BPF_TXA)                \
  X(BPF_MAXINSNS)                                                                        \
  /* errno values the socket calls return */                                             \
  X(EPERM) X(ENOENT) X(EINTR) X(EBADF) X(EAGAIN) X(EWOULDBLOCK) X(ENOMEM) X(EACCES)      \
  X(EFAULT) X(EBUSY) X(EEXIST) X(EINVAL) X(ENFILE) X(EMFILE) X(ENOSPC) X(EPIPE)          \
  X(ENOTSOCK) X(EDESTADDRREQ) X(EMSGSIZE) X(EPROTOTYPE) X(ENOPROTOOPT)                   \
  X(EPROTONOSUPPORT) X(ESOCKTNOSUPPORT) X(EOPNOTSUPP) X(EPFNOSUPPORT) X(EAFNOSUPPORT)    \
  X(EADDRINUSE) X(EADDRNOTAVAIL) X(ENETDOWN) X(ENETUNREACH) X(ENETRESET)                 \
  X(ECONNABORTED) X(ECONNRESET) X(ENOBUFS) X(EISCONN) X(ENOTCONN) X(ETIMEDOUT)           \
  X(ECONNREFUSED) X(EHOSTDOWN) X(EHOSTUNREACH) X(EALREADY) X(EINPROGRESS) X(EPROTO)     \
  X(ETOOMANYREFS) X(ENONET) X(ENODEV)

namespace rawprobe {

Napi::Object MakeConstants(Napi::Env env) {
  Napi::Object out = Napi::Object::New(env);
#define RAWPROBE_SET(name) out.Set(#name, Napi::Number::New(env, static_cast<double>(name)));
  RAWPROBE_CONSTANTS(RAWPROBE_SET)
#undef RAWPROBE_SET
  out.Freeze();
  return out;
}

}  // namespace rawprobe
