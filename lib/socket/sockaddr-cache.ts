// Parsed destinations for RawSocket.sendMany()/queueMany(): a few peers sent to again and again
// (trace, tos, several ping targets) parse once.

import { ErrorCode, socketError } from './errors.js';
import type { Destination } from './values.js';

// Kept small on purpose: a sweep sends to tens of thousands of addresses once or twice each, and a
// large cache only lets those entries live long enough to reach V8's old space (measured: +28 MB
// of peak memory on a /16). Cleared when full; a miss only costs one parse.
const SOCKADDR_CACHE_LIMIT = 256;

export class SockaddrCache {
  readonly #parse: (address: string, port: number) => Buffer;
  readonly #cache = new Map<string, Buffer>();

  /** `parse` makes a socket address from text (and refuses what is not an address). */
  constructor(parse: (address: string, port: number) => Buffer) {
    this.#parse = parse;
  }

  /** The socket address of `address` and `port`, parsed once while it stays in the cache. */
  get(address: string, port: number): Buffer {
    const key = `${port}|${address}`;
    let sockaddr = this.#cache.get(key);
    if (sockaddr === undefined) {
      sockaddr = this.#parse(address, port);
      if (this.#cache.size >= SOCKADDR_CACHE_LIMIT) this.#cache.clear();
      this.#cache.set(key, sockaddr);
    }
    return sockaddr;
  }

  /** Forgets every address (the socket closed). */
  clear(): void {
    this.#cache.clear();
  }

  /** A destination given as text or as {address, port}. */
  destination(target: Destination): Buffer {
    if (typeof target === 'string') return this.get(target, 0);
    if (typeof target === 'object' && target !== null) return this.get(target.address, target.port ?? 0);
    throw socketError(ErrorCode.invalidArgType, 'a destination must be an address string or {address, port}', 'TypeError');
  }
}
