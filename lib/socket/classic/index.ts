// The classic socket API: socket/socketpair, bind, listen, accept, connect, recv, send,
// sendall, shutdown, close, on the libuv loop. See socket.ts.
export { createSocket, socketpair, type CreateOptions, type PairOptions } from './open.js';
export {
  Socket,
  type Accepted,
  type CallOptions,
  type RecvOptions,
  type SendOptions,
  type SocketEvents,
} from './socket.js';
export type { ShutdownHow } from './arguments.js';
export type { Message } from './operations.js';
export { type Endpoint, checkUnixPath } from './endpoint.js';
export type { SocketCall, CallHook, CallArg, CallName, ByteCount } from './call-log.js';
export type { StreamOptions } from './stream.js';
