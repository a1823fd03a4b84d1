// lib/socket: raw, datagram, stream and unix sockets for rawprobe, on the native addon.
// Import as `import * as socket from './socket/index.js'`.
export { RawSocket, openSocket, rawIcmpSocket, type RawIcmpOptions } from './socket.js';
export type {
  OpenOptions,
  ReceiveOptions,
  SocketAddress,
  MessageInfo,
  ReceivedMessage,
  SendResult,
  SendManyResult,
  Destination,
  QueuedError,
  ErrorOrigin,
  RawSocketEvents,
  MessagesOptions,
} from './types.js';
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
export { BATCH, FLAG_KERNEL_TIMESTAMP, datagramAt, type ReceiveBatch } from './batch.js';
export { messageInfoAt } from './convert.js';
// meta[sourceV4] and dotted text, both ways (the parser is lib/wire's: -1 where it would throw).
export { formatIpv4 as ipv4ToString, ipv4OrMinusOne as ipv4ToNumber } from '../wire/bytes.js';
export { stmt, jump, encodeProgram, echoReplyFilterV4, type BpfInstruction } from './bpf.js';
export { now, clockBase, toEpochMs, toEpochNs, NS_PER_MS } from './clock.js';
export { ErrorCode, socketError, isSocketError, type SocketError } from './errors.js';
export { routeSource, routeMtu, checkLocalAddress } from './route.js';
export { smallestInterfaceMtu, rawSocketDrops } from './system.js';
export { FAMILIES, SOCKET_TYPES, PROTOCOLS, type Family, type SocketType, type ProtocolName, type SocketKind } from './kinds.js';
