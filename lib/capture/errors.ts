// The errors a capture reports, each with a code a program can test and a message a person can act
// on. Kernel refusals keep their errno name in `cause`'s code.

export const CAPTURE_ERROR = {
  /** An option is out of range (snaplen, ring sizes, retire time). */
  badOption: 'ERR_CAPTURE_OPTION',
  /** No interface by that name in this network namespace. */
  noInterface: 'ERR_CAPTURE_NO_INTERFACE',
  /** The interface is down (at open), or went down or away while capturing. */
  interfaceDown: 'ERR_CAPTURE_INTERFACE_DOWN',
  /** libpcap did not compile the filter expression. */
  filter: 'ERR_CAPTURE_FILTER',
  /** The filter reads a part of the cooked header the kernel cannot give a socket filter. */
  filterNotInKernel: 'ERR_CAPTURE_FILTER_KERNEL',
  /** libpcap (libpcap.so.0.8) is not installed; filters need it. */
  libpcapMissing: 'ERR_CAPTURE_LIBPCAP',
  /** The process lacks CAP_NET_RAW. */
  permission: 'ERR_CAPTURE_PERMISSION',
  /** The kernel refused the socket, the ring or the binding for another reason. */
  system: 'ERR_CAPTURE_SYSTEM',
} as const;
export type CaptureErrorCode = (typeof CAPTURE_ERROR)[keyof typeof CAPTURE_ERROR];

export class CaptureError extends Error {
  readonly code: CaptureErrorCode;
  constructor(code: CaptureErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'CaptureError';
    this.code = code;
  }
}

/** The addon's error code ('EPERM', ...) or null. */
export function errnoCode(e: unknown): string | null {
  const code = (e as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : null;
}
