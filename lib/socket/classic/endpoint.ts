// Where a classic socket binds, connects or sends to: checked and turned into a struct
// sockaddr before any syscall, so a bad address is one clear error and never a half-made call.
//
//   inet / inet6   ('127.0.0.1', 8080), ('::1', 53), ('', 0) for any address, as Python's ''
//   unix           './lesson.sock' (a path), '\0lesson' (a Linux abstract name: no file)
//
// A unix path must fit sockaddr_un's sun_path (UNIX_PATH_MAX bytes, 108 on Linux) with its
// terminating NUL: 107 bytes of UTF-8 at most (an abstract name may use all 108). The kernel would answer a longer one with a
// bare EINVAL; we say what is wrong first (ERR_UNIX_PATH_TOO_LONG).
import { addon } from '../addon.js';
import { constants } from '../constants.js';
import { ErrorCode, callError, socketError } from '../errors.js';
import { familyNumber, type Family } from '../kinds.js';
import type { SocketAddress } from '../values.js';

/** An address alone (a unix path, or an IP address with the port given apart), or both. */
export type Endpoint = string | { readonly address: string; readonly port?: number | null };

/** A checked endpoint: the struct sockaddr for the addon, and the address for the call log. */
export interface ResolvedEndpoint {
  readonly sockaddr: Buffer;
  readonly address: SocketAddress;
}

function typeError(message: string): Error {
  return socketError(ErrorCode.invalidArgType, message, 'TypeError');
}

function checkPort(port: unknown): number {
  if (typeof port !== 'number' || !Number.isInteger(port) || port < 0 || port > 65535) {
    throw socketError(ErrorCode.invalidArgValue, `port must be an integer from 0 to 65535 (got ${String(port)})`, 'RangeError');
  }
  return port;
}

/** Throws ERR_UNIX_PATH_TOO_LONG (or ERR_INVALID_ARG_VALUE for an empty path) before `syscall`. */
export function checkUnixPath(path: string, syscall: string): void {
  if (path === '') {
    throw callError(ErrorCode.invalidArgValue, syscall, `${syscall}: a unix socket path cannot be empty`, 'RangeError');
  }
  // A path needs its terminating NUL inside sun_path; an abstract name (leading NUL) does not.
  const abstract = path.startsWith('\0');
  const room = abstract ? constants.UNIX_PATH_MAX : constants.UNIX_PATH_MAX - 1;
  const bytes = Buffer.byteLength(path, 'utf8');
  if (bytes <= room) return;
  const what = abstract ? 'abstract name (with its leading NUL)' : 'path';
  const why = abstract
    ? `sun_path holds ${constants.UNIX_PATH_MAX} bytes`
    : `sun_path holds ${constants.UNIX_PATH_MAX} bytes, the terminating NUL included`;
  throw callError(
    ErrorCode.unixPathTooLong,
    syscall,
    `${syscall}: the unix socket ${what} is ${bytes} bytes, at most ${room} fit (${why}): ` +
      (abstract ? 'use a shorter name' : 'use a shorter path, a relative one, or an abstract name ("\\0name")'),
    'RangeError',
  );
}

/**
 * The sockaddr for `target` (with `port` when target is an address string) on a `family`
 * socket, checked for `syscall` ('bind', 'connect', 'sendto').
 */
export function resolveEndpoint(family: Family, target: Endpoint, port: number | undefined, syscall: string): ResolvedEndpoint {
  let address: string;
  let portNumber: number;
  if (typeof target === 'string') {
    address = target;
    portNumber = checkPort(port ?? 0);
  } else if (typeof target === 'object' && target !== null && typeof target.address === 'string') {
    address = target.address;
    portNumber = checkPort(target.port ?? port ?? 0);
  } else {
    throw typeError(`${syscall}: the address must be a string or {address, port}`);
  }
  if (family === 'unix') {
    checkUnixPath(address, syscall);
    const sockaddr = addon().sockaddr(familyNumber(family), address, 0);
    return { sockaddr, address: { family, address, port: null, scopeId: null } };
  }
  // '' is "any address", as in Python's ('', port).
  if (address === '') address = family === 'inet' ? '0.0.0.0' : '::';
  const sockaddr = addon().sockaddr(familyNumber(family), address, portNumber);
  return { sockaddr, address: { family, address, port: portNumber, scopeId: null } };
}

/** An address as the addon's messages write it: "127.0.0.1:80", "[::1]:53", a path, "\\0name". */
export function describeAddress(address: SocketAddress): string {
  if (address.family === 'unix') return address.address.startsWith('\0') ? `\\0${address.address.slice(1)}` : address.address;
  if (address.port === null || address.port === 0) return address.address;
  return address.family === 'inet6' ? `[${address.address}]:${address.port}` : `${address.address}:${address.port}`;
}
