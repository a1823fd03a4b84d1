// The one error type lib/probe throws for things the caller can fix: an option out of range,
// a name that does not resolve, a destination with no route. `field` names the option (as
// the PingOptions key) when one is at fault. Socket errors (no CAP_NET_RAW...) pass through
// unchanged: lib/socket already words them.

export const PROBE_ERROR = {
  /** An option has an impossible value. */
  option: 'ERR_PROBE_OPTION',
  /** The host name did not resolve to an IPv4 address. */
  resolve: 'ERR_PROBE_RESOLVE',
  /** No route to the destination, or the source address is not ours. */
  route: 'ERR_PROBE_ROUTE',
} as const;
export type ProbeErrorCode = (typeof PROBE_ERROR)[keyof typeof PROBE_ERROR];

export class ProbeError extends Error {
  readonly code: ProbeErrorCode;
  readonly field: string | null;
  constructor(code: ProbeErrorCode, message: string, field: string | null = null) {
    super(message);
    this.name = 'ProbeError';
    this.code = code;
    this.field = field;
  }
}

/** The ProbeError for an option with an impossible value. */
export function optionError(field: string, message: string): ProbeError {
  return new ProbeError(PROBE_ERROR.option, message, field);
}

/** Checks that option `field` (called `what` in the message) is a whole number in [low, high]. */
export function wholeIn(field: string, what: string, value: number, low: number, high: number): number {
  if (!Number.isInteger(value) || value < low || value > high) {
    throw optionError(field, `${what} ${String(value)} is out of range: give a whole number from ${low} to ${high}`);
  }
  return value;
}

/** The errno name a system error carries (`code`: 'EMSGSIZE'...), or null. */
export function errnoName(error: unknown): string | null {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : null;
}

/** Send errors that mean "not now" (a full socket buffer, a signal): the probe goes out later. */
const TRANSIENT_SEND_ERRORS: ReadonlySet<string> = new Set(['EAGAIN', 'EWOULDBLOCK', 'ENOBUFS', 'EINTR']);

/** True for a send error that means "try again shortly", not "this probe cannot go". */
export function isTransientSendError(error: unknown): boolean {
  const code = errnoName(error);
  return code !== null && TRANSIENT_SEND_ERRORS.has(code);
}

/** The first line of an error's message (events and CLI errors are one line). */
export function firstLine(message: string): string {
  return message.split('\n')[0] ?? '';
}
