// The classic calls as operations a PendingQueue can try, and try again: accept, connect,
// recv, recvmsg, send (one call, or all the bytes). Each attempt is one non-blocking syscall
// through the addon, recorded in the call log; "would block" leaves the operation waiting,
// anything else settles it.
import { addon, type NativeSocket } from '../addon.js';
import { constants } from '../constants.js';
import type { SocketError } from '../errors.js';
import { familyNumber, typeNumber, type Family, type SocketType } from '../kinds.js';
import { toAddress, type SocketAddress } from '../values.js';
import type { CallArg, CallInit, CallName } from './call-log.js';
import { describeAddress, type ResolvedEndpoint } from './endpoint.js';
import type { Operation } from './pending.js';

/** What an operation needs of its socket. */
export interface Channel {
  readonly native: NativeSocket;
  readonly fd: number;
  readonly family: Family;
  readonly type: SocketType;
  /** Records a call in the log; null when nobody listens (then no record is built). */
  readonly trace: ((init: CallInit) => void) | null;
}

export interface Settle<T> {
  resolve(value: T): void;
  reject(error: unknown): void;
}

/** One message as recvFrom/recvFds return it. */
export interface Message {
  /** The bytes (at most the size asked for). */
  data: Buffer;
  /** The sender, when the kernel names one (datagram sockets); null on a connected stream. */
  from: SocketAddress | null;
  /** The message's real length: more than data.length when it was cut to fit. */
  size: number;
  truncated: boolean;
  /** Descriptors that came with it (SCM_RIGHTS), close-on-exec and yours to close. */
  fds: number[];
  /** recvmsg's msg_flags (constants.MSG_TRUNC, MSG_CTRUNC: descriptors were dropped, ...). */
  flags: number;
}

const SEND_RECV_FLAGS = ['MSG_OOB', 'MSG_PEEK', 'MSG_DONTROUTE', 'MSG_WAITALL', 'MSG_EOR', 'MSG_CONFIRM', 'MSG_MORE'] as const;

/** Flags as the call log shows them: 'MSG_PEEK|MSG_WAITALL', or the number for unknown bits. */
export function flagNames(flags: number): string {
  const names: string[] = [];
  let rest = flags;
  for (const name of SEND_RECV_FLAGS) {
    if ((rest & constants[name]) !== 0) {
      names.push(name);
      rest &= ~constants[name];
    }
  }
  if (rest !== 0) names.push(`0x${rest.toString(16)}`);
  return names.join('|');
}

function withFlags(args: CallArg[], flags: number): CallArg[] {
  if (flags !== 0) args.push(flagNames(flags));
  return args;
}

/** EAGAIN as the kernel would report it for `syscall`, for the call log. */
function wouldBlock(syscall: string): SocketError {
  return addon().errnoError(constants.EAGAIN, syscall) as SocketError;
}

/**
 * A receive as an operation: each attempt one non-blocking `read` (null: it would block). A
 * failure or a "would block" goes to the call log the same way for every receive; `settle` says
 * what the promise gets for what was read, and what the log adds (result, data, ...).
 */
function receiveOperation<R, T>(
  ch: Channel,
  call: CallName,
  syscall: string,
  args: () => CallArg[],
  read: () => R | null,
  settle: (got: R) => { value: T; log: Omit<CallInit, 'call' | 'fd'> },
  done: Settle<T>,
): Operation {
  return {
    call,
    waitsForReadiness: true,
    attempt(): boolean {
      let got: R | null;
      try {
        got = read();
      } catch (error) {
        ch.trace?.({ call, syscall, fd: ch.fd, args: args(), result: -1, error: error as SocketError });
        done.reject(error);
        return true;
      }
      if (got === null) {
        ch.trace?.({ call, syscall, fd: ch.fd, args: args(), result: -1, error: wouldBlock(syscall) });
        return false;
      }
      const { value, log } = settle(got);
      ch.trace?.({ call, syscall, fd: ch.fd, args: args(), ...log });
      done.resolve(value);
      return true;
    },
    abandon: (error) => done.reject(error),
  };
}

export function recvOperation(ch: Channel, size: number, flags: number, done: Settle<Buffer>): Operation {
  return receiveOperation(
    ch,
    'recv',
    'recv',
    () => withFlags([size], flags),
    () => ch.native.recv(size, flags),
    (data) => ({ value: data, log: { result: data.length, data } }),
    done,
  );
}

/** recv_into: into the caller's buffer; the promise gets the byte count (0 at a stream's end). */
export function recvIntoOperation(ch: Channel, buffer: Uint8Array, flags: number, done: Settle<number>): Operation {
  return receiveOperation(
    ch,
    'recv',
    'recv',
    () => withFlags([buffer.length], flags),
    () => {
      const n = ch.native.recvInto(buffer, flags);
      return n < 0 ? null : n;
    },
    (n) => ({ value: n, log: { result: n, data: Buffer.from(buffer.buffer, buffer.byteOffset, n) } }),
    done,
  );
}

/** recvmsg for recvFrom (call 'recvfrom', no descriptors) and recvFds (call 'recvmsg'). */
export function recvMsgOperation(ch: Channel, size: number, flags: number, maxFds: number, done: Settle<Message>): Operation {
  return receiveOperation(
    ch,
    maxFds > 0 ? 'recvmsg' : 'recvfrom',
    'recvmsg',
    () => withFlags([size], flags),
    () => ch.native.recvMsg(size, flags, maxFds),
    (got) => {
      const msgFlags = got.flags & ~constants.MSG_CMSG_CLOEXEC;
      const message: Message = {
        data: got.data,
        from: toAddress(got.address),
        size: got.size,
        truncated: (msgFlags & constants.MSG_TRUNC) !== 0 || got.size > got.data.length,
        fds: got.fds,
        flags: msgFlags,
      };
      return { value: message, log: { result: got.size, data: got.data, peer: message.from, fds: got.fds.length > 0 ? got.fds : null } };
    },
    done,
  );
}

export interface SendPlan {
  readonly data: Uint8Array;
  readonly to: ResolvedEndpoint | null;
  readonly flags: number;
  /** Descriptors to pass (SCM_RIGHTS) with the first bytes; null for none. */
  readonly fds: readonly number[] | null;
  /** sendAll: follow partial writes until every byte is taken. send: one call. */
  readonly whole: boolean;
}

/**
 * send / sendto / sendmsg. The promise gets the bytes taken (all of them for sendAll). A
 * failure part-way through a sendAll carries `bytesSent`: how much the kernel had taken.
 */
export function sendOperation(ch: Channel, plan: SendPlan, done: Settle<number>): Operation {
  const call = plan.fds !== null ? 'sendmsg' : plan.to !== null ? 'sendto' : 'send';
  let fds = plan.fds;
  let offset = 0;
  const once = (): number => {
    const chunk = offset === 0 ? plan.data : plan.data.subarray(offset);
    const sockaddr = plan.to?.sockaddr ?? null;
    const args: CallArg[] = [{ bytes: chunk.length }];
    if (plan.to !== null) args.push(plan.to.address);
    try {
      const n = fds !== null ? ch.native.sendMsg(chunk, fds, sockaddr, plan.flags) : ch.native.sendSome(chunk, sockaddr, plan.flags);
      const taken = n > 0 ? Buffer.from(chunk.buffer, chunk.byteOffset, n) : null;
      ch.trace?.({ call, fd: ch.fd, args: withFlags(args, plan.flags), result: n, error: n < 0 ? wouldBlock(call) : null, data: taken, fds });
      return n;
    } catch (error) {
      ch.trace?.({ call, fd: ch.fd, args: withFlags(args, plan.flags), result: -1, error: error as SocketError, fds });
      throw Object.assign(error as SocketError, { bytesSent: offset });
    }
  };
  return {
    call,
    waitsForReadiness: true,
    attempt(): boolean {
      do {
        let n: number;
        try {
          n = once();
        } catch (error) {
          done.reject(error);
          return true;
        }
        // 0 of a non-empty buffer is as good as EAGAIN: wait for room.
        if (n < 0 || (n === 0 && offset < plan.data.length)) return false;
        offset += n;
        fds = null; // they went with the first bytes the kernel took
        if (!plan.whole) {
          done.resolve(n);
          return true;
        }
      } while (offset < plan.data.length);
      done.resolve(offset);
      return true;
    },
    abandon: (error) => done.reject(Object.assign(error, { bytesSent: offset })),
  };
}

/** Context for the words of an error the addon makes after the fact (connect's SO_ERROR). */
export function errorContext(ch: Channel, address: SocketAddress): { family: number; type: number; address: string } {
  return { family: familyNumber(ch.family), type: typeNumber(ch.type), address: describeAddress(address) };
}

// accept4 errors that belong to the connection being accepted, not to the listening socket:
// accept(2) says to treat them like EAGAIN. ECONNABORTED: the peer gave up while it queued.
const PASSING_ACCEPT_ERRORS = new Set([
  'ECONNABORTED', 'ENETDOWN', 'EPROTO', 'ENOPROTOOPT', 'EHOSTDOWN', 'ENONET', 'EHOSTUNREACH', 'ENETUNREACH',
]);

/** accept: `adopt` makes the socket object for the new descriptor. */
export function acceptOperation<A extends { socket: { fd: number } }>(
  ch: Channel,
  adopt: (native: NativeSocket, peer: SocketAddress) => A,
  done: Settle<A>,
): Operation {
  return {
    call: 'accept',
    waitsForReadiness: true,
    attempt(): boolean {
      let got;
      try {
        got = ch.native.accept();
      } catch (error) {
        ch.trace?.({ call: 'accept', syscall: 'accept4', fd: ch.fd, result: -1, error: error as SocketError });
        if (PASSING_ACCEPT_ERRORS.has((error as SocketError).code)) return false;
        done.reject(error);
        return true;
      }
      if (got === null) {
        ch.trace?.({ call: 'accept', syscall: 'accept4', fd: ch.fd, result: -1, error: wouldBlock('accept4') });
        return false;
      }
      const peer = toAddress(got.address) as SocketAddress;
      const accepted = adopt(got.socket, peer);
      ch.trace?.({ call: 'accept', syscall: 'accept4', fd: ch.fd, result: accepted.socket.fd, peer });
      done.resolve(accepted);
      return true;
    },
    abandon: (error) => done.reject(error),
  };
}

/**
 * connect. A stream connect answers EINPROGRESS and finishes when the socket turns writable:
 * then SO_ERROR holds its outcome (0, ECONNREFUSED, ETIMEDOUT, ...). A unix connect whose
 * listener's backlog is full answers EAGAIN and has no completion to wait for: it is tried
 * again after a pause (1 ms, doubling to 64 ms), on `retry()`.
 */
export function connectOperation(ch: Channel, to: ResolvedEndpoint, retry: () => void, done: Settle<void>): Operation {
  let inProgress = false;
  let pause = 1;
  let timer: NodeJS.Timeout | null = null;
  const args = [to.address];
  const op = {
    call: 'connect',
    waitsForReadiness: true,
    attempt(): boolean {
      return inProgress ? finish() : start();
    },
    abandon(error: SocketError): void {
      if (timer !== null) clearTimeout(timer);
      done.reject(error);
    },
  };
  const start = (): boolean => {
    op.waitsForReadiness = true;
    let connected: boolean;
    try {
      connected = ch.native.connect(to.sockaddr);
    } catch (error) {
      ch.trace?.({ call: 'connect', fd: ch.fd, args, result: -1, error: error as SocketError });
      if ((error as SocketError).code === 'EAGAIN' && ch.family === 'unix') {
        op.waitsForReadiness = false;
        timer = setTimeout(() => {
          timer = null;
          retry();
        }, pause);
        pause = Math.min(pause * 2, 64);
        return false;
      }
      done.reject(error);
      return true;
    }
    if (!connected) {
      inProgress = true;
      ch.trace?.({ call: 'connect', fd: ch.fd, args, result: -1, error: addon().errnoError(constants.EINPROGRESS, 'connect') as SocketError });
      return false;
    }
    ch.trace?.({ call: 'connect', fd: ch.fd, args, result: 0 });
    done.resolve();
    return true;
  };
  const finish = (): boolean => {
    let errno: number;
    try {
      errno = ch.native.getOption(constants.SOL_SOCKET, constants.SO_ERROR, 'int') as number;
    } catch (error) {
      done.reject(error);
      return true;
    }
    const error = errno === 0 ? null : (addon().errnoError(errno, 'connect', errorContext(ch, to.address)) as SocketError);
    ch.trace?.({ call: 'connect', syscall: 'getsockopt', fd: ch.fd, args, result: error === null ? 0 : -1, error });
    if (error === null) done.resolve();
    else done.reject(error);
    return true;
  };
  return op;
}
