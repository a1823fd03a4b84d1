// The IPv6 side of template.ts: a probe's IPv6 header (RFC 8200 section 3) written per probe.
// IPV6_HDRINCL sends it as we wrote it, so the traffic class, flow label, hop limit and
// destination are ours; there is no header checksum, but ICMPv6, UDP and TCP all cover the
// pseudo-header (source, destination, upper-layer length, next header: RFC 8200 section 8.1),
// which pseudoSum gives for the destination just written. Unlike IPv4's IP_HDRINCL, Linux fills
// in no source either: a template whose source is :: (sweep -6, many destinations) is given one
// per destination by `sourceFor`, the address the route to it leaves from.
import { put32 } from '../../wire/bytes.js';
import { IPV6_ADDRESS_LENGTH, writeIpv6Words } from '../../wire/ipv6-address.js';
import { addressSum6, withLengthAndProtocol } from '../../wire/ipv6-checksum.js';
import { FIELD as IP6, HEADER_LENGTH } from '../../wire/ipv6.js';
import type { ProbeSlot } from '../engine/protocol.js';
import type { HeaderTemplate } from '../family/family.js';
import { Primed } from './template.js';

export class Probe6Template implements HeaderTemplate {
  readonly bytes: Buffer;
  readonly hl = HEADER_LENGTH;
  readonly #primed: Primed;
  readonly #flowLabel: number;
  readonly #nextHeader: number;
  /** The last destination written (its four words, and its bytes): a ping or a trace has one, a sweep's change per target. */
  readonly #lastWords = new Uint32Array(4);
  #haveLast = false;
  readonly #lastBytes: Buffer = Buffer.alloc(IPV6_ADDRESS_LENGTH);
  readonly #sourceFor: ((destination: Uint8Array) => Uint8Array | null) | null;
  /** The source for the last destination (sourceFor's answer, or the template's). */
  #lastSource: Uint8Array;

  /**
   * `bytes`: the template datagram, its upper layer right after the 40-byte header; `sourceFor`:
   * the source address for a destination, when the template's is :: (null: keep it).
   */
  constructor(bytes: Buffer, sourceFor: ((destination: Uint8Array) => Uint8Array | null) | null = null) {
    this.bytes = bytes;
    this.#sourceFor = sourceFor;
    this.#lastSource = bytes.subarray(IP6.SRC, IP6.SRC + IPV6_ADDRESS_LENGTH);
    this.#primed = new Primed(bytes);
    this.#flowLabel = bytes.readUInt32BE(0) & 0xfffff;
    this.#nextHeader = bytes[IP6.NEXT_HEADER]!;
  }

  /** IPv6 has no identification. */
  ipIdOf(_n: number): number {
    return 0;
  }

  /** Puts the template into b (once per buffer), then traffic class, hop limit and destination. */
  write(b: Uint8Array, probe: ProbeSlot): void {
    this.#primed.prime(b);
    put32(b, IP6.VERSION_CLASS_FLOW, ((6 << 28) | ((probe.tos & 0xff) << 20) | this.#flowLabel) >>> 0);
    b[IP6.HOP_LIMIT] = probe.ttl;
    // The destination from the engine's words (ProbeSlot.targets6): no text parsed per probe.
    const words = probe.targets6.words6;
    const at = probe.target * 4;
    const last = this.#lastWords;
    if (!this.#haveLast || words[at] !== last[0] || words[at + 1] !== last[1] || words[at + 2] !== last[2] || words[at + 3] !== last[3]) {
      for (let w = 0; w < 4; w++) last[w] = words[at + w]!;
      this.#haveLast = true;
      writeIpv6Words(last, 0, this.#lastBytes, 0);
      if (this.#sourceFor !== null) this.#lastSource = this.#sourceFor(this.#lastBytes) ?? this.bytes.subarray(IP6.SRC, IP6.SRC + IPV6_ADDRESS_LENGTH);
    }
    b.set(this.#lastBytes, IP6.DST);
    if (this.#sourceFor !== null) b.set(this.#lastSource, IP6.SRC);
  }

  pseudoSum(b: Uint8Array): number {
    return withLengthAndProtocol(addressSum6(b, IP6.SRC, b, IP6.DST), this.#nextHeader, this.bytes.length - HEADER_LENGTH);
  }
}
