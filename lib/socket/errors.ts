// The one shape of every error lib/socket throws or emits, Node-style:
//
//   code     'EPERM', 'ESOCKTNOSUPPORT', ... when the kernel said no (name of the errno),
//            'ERR_*' for rawprobe's own refusals (codes below)
//   errno    the kernel's errno NEGATED, as in Node's own errors (EPERM -> -1), else null
//   syscall  the system call that failed ('socket', 'setsockopt', 'sendto', ...); for our own
//            errors about one call (a timeout, a close while it waited) the call it was, else null
//   message  what happened and, where we know, what to do about it
//
// Kernel errors are made by the addon (native/errors.cc), ours by socketError() below; both
// always carry all three keys.

export interface SocketError extends Error {
  code: string;
  errno: number | null;
  syscall: string | null;
}

/** rawprobe's own error codes (the kernel's are errno names and need no table). */
export const ErrorCode = {
  /** A method was called after close(), or close() ended a call that was waiting. */
  socketClosed: 'ERR_SOCKET_CLOSED',
  /** The kernel accepts the option but ignores it (SO_BSDCOMPAT): setting it would lie. */
  optionIgnored: 'ERR_OPTION_IGNORED',
  /** setOption/getOption with a name not in the option table. */
  unknownOption: 'ERR_UNKNOWN_OPTION',
  /** An argument has the wrong type. */
  invalidArgType: 'ERR_INVALID_ARG_TYPE',
  /** An argument has the right type but an impossible value. */
  invalidArgValue: 'ERR_INVALID_ARG_VALUE',
  /** startReceiving() while already receiving. */
  socketReceiving: 'ERR_SOCKET_RECEIVING',
  /** libuv could not poll the descriptor, or it keeps reporting errors nobody can read. */
  socketPoll: 'ERR_SOCKET_POLL',
  /** A classic call (recv, accept, connect, sendAll...) did not finish within its timeout. */
  socketTimeout: 'ERR_SOCKET_TIMEOUT',
  /** A unix socket path longer than sockaddr_un can hold (checked before any syscall). */
  unixPathTooLong: 'ERR_UNIX_PATH_TOO_LONG',
  /** build/Release/rawprobe.node is missing. */
  addonNotBuilt: 'ERR_ADDON_NOT_BUILT',
  /** build/Release/rawprobe.node exists but did not load. */
  addonLoad: 'ERR_ADDON_LOAD',
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

type ErrorClass = 'Error' | 'TypeError' | 'RangeError';

/** One of rawprobe's own errors: errno and syscall are null. */
export function socketError(code: ErrorCode, message: string, kind: ErrorClass = 'Error'): SocketError {
  const error =
    kind === 'TypeError' ? new TypeError(message) : kind === 'RangeError' ? new RangeError(message) : new Error(message);
  return Object.assign(error, { code, errno: null, syscall: null });
}

/** True for errors made by lib/socket or the addon (and any Node error with a string code). */
export function isSocketError(value: unknown): value is SocketError {
  return value instanceof Error && typeof (value as { code?: unknown }).code === 'string';
}

/** One of our own errors about a particular call: as socketError(), with `syscall` set. */
export function callError(code: ErrorCode, syscall: string, message: string, kind: ErrorClass = 'Error'): SocketError {
  const error = socketError(code, message, kind);
  error.syscall = syscall;
  return error;
}

/** Throws the first error now (to the addon: uncaughtException) and the others on later ticks. */
export function rethrow(failures: unknown[]): never {
  for (const later of failures.slice(1)) {
    process.nextTick(() => {
      throw later;
    });
  }
  throw failures[0];
}
