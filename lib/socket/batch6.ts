// The batch of an AF_INET6 socket (batch.ts): the sources come from the addon as 16 bytes each,
// and their text is made only when something reads `addresses`. Apart from batch.ts, which the
// addon's loader reads, because it needs lib/wire's IPv6 text.
import { formatIpv6, IPV6_ADDRESS_LENGTH } from '../wire/ipv6-address.js';
import { BATCH, type ReceiveBatch } from './batch.js';
import { constants } from './constants.js';

/**
 * A batch from an AF_INET6 socket: the sources come as bytes (sources6), and `addresses`, their
 * text, is made only when something reads it (printing, a capture, the 'message' event), never
 * per datagram on a flood's hot path.
 */
export class Inet6Batch implements ReceiveBatch {
  readonly data: Buffer;
  readonly meta: Float64Array;
  readonly count: number;
  readonly sources6: Buffer;
  readonly protocol: number;
  #addresses: string[] | null = null;

  constructor(data: Buffer, meta: Float64Array, count: number, sources6: Buffer, protocol: number) {
    this.data = data;
    this.meta = meta;
    this.count = count;
    this.sources6 = sources6;
    this.protocol = protocol;
  }

  get addresses(): readonly string[] {
    if (this.#addresses === null) {
      const text: string[] = [];
      for (let i = 0; i < this.count; i++) text.push(this.meta[i * BATCH.stride + BATCH.family] === constants.AF_INET6 ? formatIpv6(this.sources6, i * IPV6_ADDRESS_LENGTH) : '');
      this.#addresses = text;
    }
    return this.#addresses;
  }
}
