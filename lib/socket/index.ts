// lib/socket: raw, datagram, stream and unix sockets for rawprobe, on the native addon.
// Import as `import * as socket from './socket/index.js'`.
//
// Two faces over one addon: RawSocket (probes: batches of datagrams per wake-up, sendmmsg,
// kernel timestamps) and Socket (the classic API: createSocket, bind, listen, accept,
// connect, recv, sendAll, ..., in classic/).
export { rawIcmpSocket, type RawIcmpOptions } from './icmp-socket.js';
export { RawSocket, openSocket, MAX_SEND_THREADS } from './socket.js';
export type {
  OpenOptions,
  ReceiveOptions,
  SocketAddress,
  MessageInfo,
  ReceivedMessage,
  SendResult,
  SendManyResult,
  QueueResult,
  QueuedSendFailure,
  Destination,
  QueuedError,
  ErrorOrigin,
  RawSocketEvents,
  MessagesOptions,
} from './values.js';
export {
  OPTIONS,
  OPTION_NAMES,
  optionTable,
  isOptionName,
  icmpFilterMask,
  icmpv6FilterBytes,
  type OptionName,
  type OptionSpec,
  type OptionRow,
  type OptionKind,
  type OptionLevel,
  type OptionAccess,
  type OptionValue,
  type OptionInput,
  type Linger,
  type Timeval,
} from './options.js';
export { constants, CONSTANT_NAMES, type Constants, type ConstantName } from './constants.js';
export { BATCH, TX, FLAG_KERNEL_TIMESTAMP, FLAG_HARDWARE_TIMESTAMP, datagramAt, type ReceiveBatch, type SendStamps } from './batch.js';
export { receiveStampsLive, interfaceStamps, enableHardwareStamps, type InterfaceStamps } from './timestamping.js';
export { messageInfoAt } from './values.js';
// meta[sourceV4] and dotted text, both ways (the parser is lib/wire's: -1 where it would throw).
export { formatIpv4 as ipv4ToString, ipv4OrMinusOne as ipv4ToNumber } from '../wire/bytes.js';
export { stmt, jump, encodeProgram, echoReplyFilterV4, type BpfInstruction } from './bpf.js';
export { now, clockBase, toEpochMs, toEpochNs, NS_PER_MS } from './clock.js';
export { ErrorCode, socketError, isSocketError, type SocketError } from './errors.js';
export { routeSource, routeMtu, checkLocalAddress } from './route.js';
export { smallestInterfaceMtu, rawSocketDrops } from './system.js';
export { FAMILIES, SOCKET_TYPES, PROTOCOLS, type Family, type SocketType, type ProtocolName, type SocketKind } from './kinds.js';
export {
  Socket,
  createSocket,
  socketpair,
  checkUnixPath,
  type CreateOptions,
  type PairOptions,
  type Accepted,
  type CallOptions,
  type RecvOptions,
  type SendOptions,
  type ShutdownHow,
  type SocketEvents,
  type Message,
  type Endpoint,
  type SocketCall,
  type CallHook,
  type CallArg,
  type CallName,
  type ByteCount,
  type StreamOptions,
} from './classic/index.js';
export type { PeerCredentials } from './addon.js';
export type { OptionRef, RawOptionValue } from './option-calls.js';
