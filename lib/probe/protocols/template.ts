// The write side every probe kind shares (ping's echo, trace's ICMP, UDP and TCP probes): the
// whole datagram is built once with lib/wire (the template), copied once into each buffer the
// engine hands us, and then per probe only the IP fields that change are written again (IPv4:
// TOS, identification, TTL, destination, then the header checksum, RFC 791 section 3.1; IPv6:
// template6.ts). The protocol writes its own fields after that (sequence, port) and the checksum
// of its header (UpperTemplate), which covers the pseudo-header for all but ICMPv4.
import { put16, put32, u32 } from '../../wire/bytes.js';
import { fold, internetChecksum, pseudoHeaderSum, sum16 } from '../../wire/checksum.js';
import { FIELD as IP, headerLengthOf, PROTOCOL } from '../../wire/ipv4.js';
import { timestampNow } from '../../wire/ipv4-options.js';
import type { PacketInit } from '../../wire/packet.js';
import { FIELD as TCP_FIELD, PROTOCOL_NUMBER as TCP } from '../../wire/tcp.js';
import { HEADER_LENGTH as UDP_HEADER_LENGTH } from '../../wire/udp.js';
import { HEADER_LENGTH as ICMP_HEADER_LENGTH } from '../../wire/icmpv4-codes.js';
import type { ProbeSlot } from '../engine/protocol.js';
import type { HeaderTemplate, TemplateHeader } from '../family/family.js';

export type { TemplateHeader } from '../family/family.js';

/** The IPv4 header a template starts from: destination 0.0.0.0, TTL 64, TOS 0, id 0 (all patched per probe). */
export function templateIp(h: TemplateHeader): PacketInit['ip'] {
  return { src: h.source, dst: 0, ttl: 64, tos: 0, id: 0, flags: { df: h.df }, options: h.ipOptions ?? [] };
}

/** Buffers that already hold a template: only the changing fields are written again. */
export class Primed {
  readonly #primed = new WeakSet<Uint8Array>();
  readonly #bytes: Buffer;

  constructor(bytes: Buffer) {
    this.#bytes = bytes;
  }

  /** Copies the template into b unless it is there already. */
  prime(b: Uint8Array): void {
    if (this.#primed.has(b)) return;
    b.set(this.#bytes, 0);
    this.#primed.add(b);
  }
}

/** An IPv4 template: TOS, identification, TTL and destination written per probe. */
export class ProbeTemplate implements HeaderTemplate {
  /** The datagram every probe starts from. */
  readonly bytes: Buffer;
  /** Its IPv4 header length in bytes (options included): where the protocol's header starts. */
  readonly hl: number;
  readonly #ipIdBase: number;
  readonly #stampAt: number;
  readonly #primed: Primed;
  readonly #protocol: number;
  readonly #src: number;

  /**
   * `ipIdBase`: the IP identification of probe 0; probe n gets base + n (see ipIdOf). `stampAt`:
   * where each probe's send time goes (TemplateHeader.stampAt), -1 for none.
   */
  constructor(bytes: Buffer, ipIdBase = 0, stampAt = -1) {
    this.bytes = bytes;
    this.hl = headerLengthOf(bytes, 0);
    this.#ipIdBase = ipIdBase & 0xffff;
    this.#stampAt = stampAt;
    this.#primed = new Primed(bytes);
    this.#protocol = bytes[IP.PROTOCOL]!;
    this.#src = u32(bytes, IP.SRC);
  }

  /** Probe n's IP identification: base + n on 16 bits, never 0 (0 would let the kernel choose one). */
  ipIdOf(n: number): number {
    return (this.#ipIdBase + n) & 0xffff || 1;
  }

  /** Puts the template into b (once per buffer), then the IPv4 fields that change per probe. */
  write(b: Uint8Array, probe: ProbeSlot): void {
    this.#primed.prime(b);
    b[IP.TOS] = probe.tos;
    put16(b, IP.ID, this.ipIdOf(probe.number));
    b[IP.TTL] = probe.ttl;
    put32(b, IP.DST, probe.addressValue);
    if (this.#stampAt >= 0) put32(b, this.#stampAt, timestampNow());
    put16(b, IP.CHECKSUM, 0);
    put16(b, IP.CHECKSUM, internetChecksum(b, 0, this.hl));
  }

  /** UDP and TCP: the pseudo-header of RFC 768 / 793; ICMP has none. */
  pseudoSum(b: Uint8Array): number {
    if (this.#protocol === PROTOCOL.ICMP) return 0;
    return pseudoHeaderSum(this.#src, u32(b, IP.DST), this.#protocol, this.bytes.length - this.hl);
  }
}

/**
 * The checksum of a template's upper layer (ICMP, ICMPv6, UDP, TCP). It covers the
 * pseudo-header, the upper header (sequence, ports change per probe) and the data after it,
 * which never changes: the data's sum is taken once here, so a probe's checksum sums only its
 * header.
 */
export class UpperTemplate {
  readonly header: HeaderTemplate;
  /** Bytes of the upper header (ICMP 8, UDP 8, TCP its data offset). */
  readonly headerLength: number;
  readonly #dataSum: number;

  constructor(header: HeaderTemplate, protocol: number) {
    this.header = header;
    const bytes = header.bytes;
    // TCP: the data offset, in words, is the high nibble of its byte (RFC 793).
    this.headerLength = protocol === TCP ? (bytes[header.hl + TCP_FIELD.DATA_OFFSET]! >>> 4) << 2 : protocol === 17 ? UDP_HEADER_LENGTH : ICMP_HEADER_LENGTH;
    const data = header.hl + this.headerLength;
    this.#dataSum = sum16(bytes, data, bytes.length - data);
  }

  get hl(): number {
    return this.header.hl;
  }

  ipIdOf(n: number): number {
    return this.header.ipIdOf(n);
  }

  write(b: Uint8Array, probe: ProbeSlot): void {
    this.header.write(b, probe);
  }

  /** The upper-layer checksum of the probe in b, its checksum field zeroed (RFC 768, RFC 793, RFC 4443 2.3). */
  checksum(b: Uint8Array): number {
    const hl = this.header.hl;
    return ~fold(this.header.pseudoSum(b) + sum16(b, hl, this.headerLength) + this.#dataSum) & 0xffff;
  }
}
