// The system constants rawprobe uses, exactly as the C headers define them on the machine
// the addon was built for (native/constants.cc reads the macros). TypeScript never types
// these numbers: this file only lists the names, so the object gets a precise type.
//
// The object is usable at import time but loads the addon only when a value is first read.
import { addon } from './addon.js';

export const CONSTANT_NAMES = [
  // address families
  'AF_UNSPEC', 'AF_INET', 'AF_INET6', 'AF_UNIX',
  // socket types and socket() flags
  'SOCK_STREAM', 'SOCK_DGRAM', 'SOCK_RAW', 'SOCK_RDM', 'SOCK_SEQPACKET', 'SOCK_NONBLOCK', 'SOCK_CLOEXEC',
  // listen(), shutdown(), unix socket paths (UNIX_PATH_MAX: the size of sun_path)
  'SOMAXCONN', 'SHUT_RD', 'SHUT_WR', 'SHUT_RDWR', 'UNIX_PATH_MAX',
  // protocols (IPPROTO_IP, IPPROTO_IPV6, IPPROTO_TCP are also option levels)
  'IPPROTO_IP', 'IPPROTO_ICMP', 'IPPROTO_TCP', 'IPPROTO_UDP', 'IPPROTO_IPV6', 'IPPROTO_ICMPV6', 'IPPROTO_RAW',
  // option levels that are not protocols
  'SOL_SOCKET', 'SOL_RAW',
  // SOL_SOCKET options
  'SO_DEBUG', 'SO_REUSEADDR', 'SO_TYPE', 'SO_ERROR', 'SO_DONTROUTE', 'SO_BROADCAST', 'SO_SNDBUF', 'SO_RCVBUF',
  'SO_KEEPALIVE', 'SO_OOBINLINE', 'SO_LINGER', 'SO_BSDCOMPAT', 'SO_REUSEPORT', 'SO_RCVLOWAT', 'SO_SNDLOWAT',
  'SO_RCVTIMEO', 'SO_SNDTIMEO', 'SO_PRIORITY', 'SO_MARK', 'SO_BINDTODEVICE', 'SO_PROTOCOL', 'SO_DOMAIN',
  'SO_TIMESTAMPNS', 'SCM_TIMESTAMPNS', 'SO_ATTACH_FILTER', 'SO_DETACH_FILTER', 'SO_LOCK_FILTER', 'SO_RCVBUFFORCE',
  'SO_ACCEPTCONN', 'SO_PEERCRED', 'SCM_RIGHTS',
  // IPPROTO_IP options and values
  'IP_TOS', 'IP_TTL', 'IP_HDRINCL', 'IP_OPTIONS', 'IP_RECVERR', 'IP_MTU_DISCOVER', 'IP_MTU', 'IP_RECVTTL',
  'IP_RECVTOS', 'IP_PMTUDISC_DONT', 'IP_PMTUDISC_WANT', 'IP_PMTUDISC_DO', 'IP_PMTUDISC_PROBE',
  'IP_PMTUDISC_INTERFACE', 'IP_PMTUDISC_OMIT', 'IP_MULTICAST_LOOP',
  // IPPROTO_IPV6 options
  'IPV6_UNICAST_HOPS', 'IPV6_TCLASS', 'IPV6_V6ONLY', 'IPV6_RECVERR', 'IPV6_MTU_DISCOVER', 'IPV6_RECVHOPLIMIT',
  'IPV6_HOPLIMIT', 'IPV6_RECVTCLASS', 'IPV6_CHECKSUM', 'IPV6_HDRINCL', 'IPV6_MTU',
  // IPPROTO_TCP options
  'TCP_NODELAY', 'TCP_MAXSEG',
  // raw ICMP type filters
  'ICMP_FILTER', 'ICMPV6_FILTER',
  // interface flags
  'IFF_UP',
  // packet capture: AF_PACKET, sockaddr_ll.sll_pkttype, ARPHRD_*, BPF ancillary loads
  'AF_PACKET', 'ETH_P_ALL', 'PACKET_HOST', 'PACKET_BROADCAST', 'PACKET_MULTICAST', 'PACKET_OTHERHOST', 'PACKET_OUTGOING',
  'ARPHRD_ETHER', 'ARPHRD_LOOPBACK', 'ARPHRD_NONE', 'SKF_AD_OFF', 'SKF_AD_PROTOCOL', 'SKF_AD_PKTTYPE', 'SKF_AD_IFINDEX',
  // send/recv flags
  'MSG_OOB', 'MSG_PEEK', 'MSG_DONTROUTE', 'MSG_CTRUNC', 'MSG_TRUNC', 'MSG_DONTWAIT', 'MSG_EOR', 'MSG_WAITALL',
  'MSG_CONFIRM', 'MSG_ERRQUEUE', 'MSG_NOSIGNAL', 'MSG_MORE', 'MSG_CMSG_CLOEXEC',
  // where an error-queue entry came from
  'SO_EE_ORIGIN_NONE', 'SO_EE_ORIGIN_LOCAL', 'SO_EE_ORIGIN_ICMP', 'SO_EE_ORIGIN_ICMP6', 'SO_EE_ORIGIN_TIMESTAMPING',
  // kernel timestamps
  'SO_TIMESTAMPING', 'SCM_TIMESTAMPING', 'SOF_TIMESTAMPING_TX_HARDWARE', 'SOF_TIMESTAMPING_TX_SOFTWARE',
  'SOF_TIMESTAMPING_RX_HARDWARE', 'SOF_TIMESTAMPING_RX_SOFTWARE', 'SOF_TIMESTAMPING_SOFTWARE',
  'SOF_TIMESTAMPING_RAW_HARDWARE', 'SOF_TIMESTAMPING_OPT_ID', 'SOF_TIMESTAMPING_TX_SCHED',
  'SOF_TIMESTAMPING_OPT_TSONLY', 'SCM_TSTAMP_SND', 'SCM_TSTAMP_SCHED', 'HWTSTAMP_TX_OFF', 'HWTSTAMP_TX_ON',
  'HWTSTAMP_FILTER_NONE', 'HWTSTAMP_FILTER_ALL',
  // classic BPF
  'BPF_LD', 'BPF_LDX', 'BPF_ST', 'BPF_STX', 'BPF_ALU', 'BPF_JMP', 'BPF_RET', 'BPF_MISC', 'BPF_W', 'BPF_H',
  'BPF_B', 'BPF_IMM', 'BPF_ABS', 'BPF_IND', 'BPF_MEM', 'BPF_LEN', 'BPF_MSH', 'BPF_ADD', 'BPF_SUB', 'BPF_MUL',
  'BPF_DIV', 'BPF_OR', 'BPF_AND', 'BPF_LSH', 'BPF_RSH', 'BPF_NEG', 'BPF_MOD', 'BPF_XOR', 'BPF_JA', 'BPF_JEQ',
  'BPF_JGT', 'BPF_JGE', 'BPF_JSET', 'BPF_K', 'BPF_X', 'BPF_A', 'BPF_TAX', 'BPF_TXA', 'BPF_MAXINSNS',
  // errno values
  'EPERM', 'ENOENT', 'EINTR', 'EBADF', 'EAGAIN', 'EWOULDBLOCK', 'ENOMEM', 'EACCES', 'EFAULT', 'EBUSY',
  'EEXIST', 'EINVAL', 'ENFILE', 'EMFILE', 'ENOSPC', 'EPIPE', 'ENOTSOCK', 'EDESTADDRREQ', 'EMSGSIZE',
  'EPROTOTYPE', 'ENOPROTOOPT', 'EPROTONOSUPPORT', 'ESOCKTNOSUPPORT', 'EOPNOTSUPP', 'EPFNOSUPPORT',
  'EAFNOSUPPORT', 'EADDRINUSE', 'EADDRNOTAVAIL', 'ENETDOWN', 'ENETUNREACH', 'ENETRESET', 'ECONNABORTED',
  'ECONNRESET', 'ENOBUFS', 'EISCONN', 'ENOTCONN', 'ETIMEDOUT', 'ECONNREFUSED', 'EHOSTDOWN', 'EHOSTUNREACH',
  'EALREADY', 'EINPROGRESS', 'EPROTO', 'ETOOMANYREFS', 'ENONET', 'ENODEV',
] as const;

export type ConstantName = (typeof CONSTANT_NAMES)[number];
export type Constants = { readonly [K in ConstantName]: number };

/**
 * The constants by name: `constants.IPPROTO_ICMP`, `constants.SO_RCVBUF`. Until the first read
 * the object is empty, with a Proxy behind it as its prototype: a read of any name falls through
 * to it, which loads the addon, copies its values onto the object, steps away and freezes it.
 * From then on each is a plain value of the object's own. (Defining 170-odd getters instead, one
 * per name, cost every ping and send 0.5 ms before any socket opened.)
 */
export const constants: Constants = (() => {
  const target = {} as Record<ConstantName, number>;
  const materialize = (): void => {
    const native = addon().constants;
    for (const name of CONSTANT_NAMES) {
      if (typeof native[name] !== 'number') {
        throw new Error(`the rawprobe addon does not export ${name}: rebuild it with npm run build`);
      }
    }
    Object.setPrototypeOf(target, Object.prototype);
    for (const name of CONSTANT_NAMES) target[name] = native[name]!;
    Object.freeze(target);
  };
  const loader = new Proxy(
    {},
    {
      get: (_, name) => {
        materialize();
        return (target as Record<PropertyKey, unknown>)[name];
      },
      has: (_, name) => {
        materialize();
        return name in target;
      },
    },
  );
  Object.setPrototypeOf(target, loader);
  return target;
})();
