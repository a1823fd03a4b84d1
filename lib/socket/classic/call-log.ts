// The call log: one record per system call a classic Socket makes, handed to the socket's
// `onCall` hook as the call returns, so a program can show the socket API at work as strace
// does:
//
//   socket(AF_UNIX, SOCK_SEQPACKET, 0) = 3
//   bind(3, "./lesson.sock") = 0
//   listen(3, 128) = 0
//   accept(3) = 4  peer: (unnamed)
//   recv(4, 65536) = 5 bytes "hello"
//   send(4, 5 bytes) = 5
//
// Each line is `${call}(${[fd, ...args]}) = ${result}` plus what the record carries besides
// (peer, data, error). Nothing here formats: the record holds values, a printer decides.
//
// Every call is recorded, the ones that would block too: a non-blocking recv with nothing to
// read is `recv(4, 65536) = -1 EAGAIN`, then the socket waits for readiness and calls again.
// A connect on a stream socket is `connect(3, 127.0.0.1:80) = -1 EINPROGRESS` and, once the
// socket is writable, a second record for the same call whose result is the connection's
// outcome (read with getsockopt(SO_ERROR): `syscall` says so).
import type { SocketError } from '../errors.js';
import type { SocketAddress } from '../values.js';
import { now } from '../clock.js';

/** A buffer in an argument list, shown by its size ("5 bytes"). */
export interface ByteCount {
  readonly bytes: number;
}

/**
 * One argument after the descriptor:
 *   number         a count or size (backlog, buffer size, a numeric option value)
 *   boolean        an on/off option value
 *   string         a constant's name: 'AF_UNIX', 'SOCK_STREAM', 'SHUT_WR', 'SO_REUSEADDR',
 *                  flags joined with '|' ('MSG_PEEK|MSG_WAITALL')
 *   SocketAddress  an address (bind, connect, sendto)
 *   ByteCount      a buffer offered to the kernel
 *   object         a structured option value ({enabled, seconds} for SO_LINGER)
 */
export type CallArg = number | boolean | string | SocketAddress | ByteCount | Readonly<Record<string, number | boolean>>;

/** The classic socket API's name for the call (what a student calls, and sees). */
export type CallName =
  | 'socket'
  | 'socketpair'
  | 'bind'
  | 'listen'
  | 'accept'
  | 'connect'
  | 'recv'
  | 'recvfrom'
  | 'recvmsg'
  | 'send'
  | 'sendto'
  | 'sendmsg'
  | 'shutdown'
  | 'close'
  | 'getsockname'
  | 'getpeername'
  | 'getsockopt'
  | 'setsockopt';

export interface SocketCall {
  /** The classic call: 'accept', 'recv', 'send', ... */
  readonly call: CallName;
  /** The system call that ran: 'accept4' for accept, 'getsockopt' for a finished connect, else `call`. */
  readonly syscall: string;
  /** The descriptor the call was made on; null for socket() and socketpair(), which make one. */
  readonly fd: number | null;
  /** The call's arguments after the descriptor, as the classic API takes them. */
  readonly args: readonly CallArg[];
  /** What it returned: the new descriptor, a byte count, 0; -1 when it failed. */
  readonly result: number;
  /** Why it failed (code 'EAGAIN' when it would have blocked); null on success. */
  readonly error: SocketError | null;
  /** recv*: the bytes that came; send*: the bytes the kernel took. null otherwise. */
  readonly data: Buffer | null;
  /** accept: the new connection's peer; recvfrom/recvmsg: the sender (when the kernel names one). */
  readonly peer: SocketAddress | null;
  /** socketpair: both new descriptors; sendmsg/recvmsg: the descriptors passed (SCM_RIGHTS). */
  readonly fds: readonly number[] | null;
  /** getsockopt: the value read. */
  readonly value: unknown;
  /** When the call returned, in clock.ts units (ns since the clock base). */
  readonly time: number;
}

export type CallHook = (call: SocketCall) => void;

/** What a call site fills in; the rest defaults to null / [] and the time is taken here. */
export interface CallInit {
  call: CallName;
  syscall?: string;
  fd: number | null;
  args?: readonly CallArg[];
  result: number;
  error?: SocketError | null;
  data?: Buffer | null;
  peer?: SocketAddress | null;
  fds?: readonly number[] | null;
  value?: unknown;
}

/**
 * Hands one record to `hook`. A hook that throws does not break the socket that called it:
 * its error is rethrown on the next tick (the application's uncaught exception).
 */
export function report(hook: CallHook, init: CallInit): void {
  const record: SocketCall = {
    call: init.call,
    syscall: init.syscall ?? init.call,
    fd: init.fd,
    args: init.args ?? [],
    result: init.result,
    error: init.error ?? null,
    data: init.data ?? null,
    peer: init.peer ?? null,
    fds: init.fds ?? null,
    value: init.value ?? null,
    time: now(),
  };
  try {
    hook(record);
  } catch (error) {
    process.nextTick(() => {
      throw error;
    });
  }
}
