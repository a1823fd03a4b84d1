// The write side every probe kind shares (ping's echo, trace's ICMP, UDP and TCP probes): the
// whole datagram is built once with lib/wire (the template), copied once into each buffer the
// engine hands us, and then per probe only the IPv4 fields that change are written again (TOS,
// identification, TTL, destination, then the header checksum, RFC 791 section 3.1). The protocol
// writes its own fields after that (sequence, port, transport checksum).
import { put16, put32, u16, u32 } from '../../wire/bytes.js';
import { fold, internetChecksum, pseudoHeaderSum, sum16 } from '../../wire/checksum.js';
import { FIELD as IP, headerLengthOf } from '../../wire/ipv4.js';
import type { Ipv4OptionInit } from '../../wire/ipv4-options.js';
import type { PacketInit } from '../../wire/packet.js';
import { FIELD as TCP_FIELD, PROTOCOL_NUMBER as TCP } from '../../wire/tcp.js';
import { HEADER_LENGTH as UDP_HEADER_LENGTH } from '../../wire/udp.js';
import { coveredBytes, FIELD as UDPLITE_FIELD, PROTOCOL_NUMBER as UDPLITE } from '../../wire/udplite.js';
import type { ProbeSlot } from '../engine/protocol.js';

/** What every template's IPv4 header takes. */
export interface TemplateHeader {
  /** Our source address, written into every header. */
  source: string;
  /** Don't Fragment. */
  df: boolean;
  /** IPv4 options carried by every probe. */
  ipOptions?: readonly Ipv4OptionInit[];
}

/** The IPv4 header a template starts from: destination 0.0.0.0, TTL 64, TOS 0, id 0 (all patched per probe). */
export function templateIp(h: TemplateHeader): PacketInit['ip'] {
  return { src: h.source, dst: 0, ttl: 64, tos: 0, id: 0, flags: { df: h.df }, options: h.ipOptions ?? [] };
}

export class ProbeTemplate {
  /** The datagram every probe starts from. */
  readonly bytes: Buffer;
  /** Its IPv4 header length in bytes (options included): where the protocol's header starts. */
  readonly hl: number;
  readonly #ipIdBase: number;
  /** Buffers that already hold the template: only the changing fields are written again. */
  readonly #primed = new WeakSet<Uint8Array>();

  /** `ipIdBase`: the IP identification of probe 0; probe n gets base + n (see ipIdOf). */
  constructor(bytes: Buffer, ipIdBase = 0) {
    this.bytes = bytes;
    this.hl = headerLengthOf(bytes, 0);
    this.#ipIdBase = ipIdBase & 0xffff;
  }

  /** Probe n's IP identification: base + n on 16 bits, never 0 (0 would let the kernel choose one). */
  ipIdOf(n: number): number {
    return (this.#ipIdBase + n) & 0xffff || 1;
  }

  /** Puts the template into b (once per buffer), then the IPv4 fields that change per probe. */
  write(b: Uint8Array, probe: ProbeSlot): void {
    if (!this.#primed.has(b)) {
      b.set(this.bytes, 0);
      this.#primed.add(b);
    }
    b[IP.TOS] = probe.tos;
    put16(b, IP.ID, this.ipIdOf(probe.number));
    b[IP.TTL] = probe.ttl;
    put32(b, IP.DST, probe.addressValue);
    put16(b, IP.CHECKSUM, 0);
    put16(b, IP.CHECKSUM, internetChecksum(b, 0, this.hl));
  }
}

/**
 * A UDP, UDP-Lite or TCP template. Its transport checksum covers the pseudo-header, the transport
 * header (ports and sequence change per probe) and the data after it, which never changes: the
 * data's sum is taken once here, so a probe's checksum sums only its header. (UDP-Lite: only the
 * data its Checksum Coverage field covers, RFC 3828.)
 */
export class TransportTemplate extends ProbeTemplate {
  /** Bytes of the transport header (UDP 8, TCP its data offset). */
  readonly headerLength: number;
  readonly #protocol: number;
  readonly #src: number;
  readonly #dataSum: number;

  constructor(bytes: Buffer, ipIdBase = 0) {
    super(bytes, ipIdBase);
    this.#protocol = bytes[IP.PROTOCOL]!;
    this.#src = u32(bytes, IP.SRC);
    // TCP: the data offset, in words, is the high nibble of its byte (RFC 793).
    this.headerLength = this.#protocol === TCP ? (bytes[this.hl + TCP_FIELD.DATA_OFFSET]! >>> 4) << 2 : UDP_HEADER_LENGTH;
    const data = this.hl + this.headerLength;
    const length = bytes.length - this.hl;
    const covered = this.#protocol === UDPLITE ? coveredBytes(u16(bytes, this.hl + UDPLITE_FIELD.CHECKSUM_COVERAGE), length) : length;
    this.#dataSum = sum16(bytes, data, Math.max(0, covered - this.headerLength));
  }

  /** The transport checksum of the probe in b going to `dst`, its checksum field zeroed (RFC 768, RFC 793, RFC 3828). */
  checksum(b: Uint8Array, dst: number): number {
    const pseudo = pseudoHeaderSum(this.#src, dst, this.#protocol, this.bytes.length - this.hl);
    return ~fold(pseudo + sum16(b, this.hl, this.headerLength) + this.#dataSum) & 0xffff;
  }
}
