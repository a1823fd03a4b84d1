// UDP and UDP-Lite probes to one destination port (traceroute -U and -UL): every probe goes to
// the same port (53 unless -p), from source port base + n, so a firewall that lets one service
// through (DNS) lets the whole trace through. traceroute opens a socket per probe and lets the
// kernel pick its port; we count up from a random base instead, and the source port in the quote
// says which probe it was (as TCP SYN probes do, tcp-syn.ts).
//
//   port unreachable (3/3) from the quoted destination  -> reply (the destination answered)
//   any other error (3 11 12) quoting our probe          -> error; 4 and 5 -> notice
//
// UDP-Lite (RFC 3828, protocol 136) keeps UDP's layout with the length field turned into the
// checksum coverage: traceroute -UL covers the header only (8), and so do we. A destination
// whose kernel has no UDP-Lite answers protocol unreachable (!P), which ends the trace there.
//
// A quote is ours when its destination port is ours and its source port one of ours, or, when a
// NAT rewrote the source port, when its IP identification is the one a probe of ours carried.
//
// With flows (--paris, --multipath, or --sport: traceroute -U keeps that source port for every
// probe), flow f's probes come from source port base + f, and the IP identification tells the
// probes apart (as flow-udp.ts does for UDP to 33434 and up).
import { put16, u16, u32 } from '../../wire/bytes.js';
import { fold, pseudoHeaderSum, sum16 } from '../../wire/checksum.js';
import { FIELD as IP } from '../../wire/ipv4.js';
import { FIELD as UDP, PROTOCOL_NUMBER as UDP_PROTOCOL } from '../../wire/udp.js';
import { coveredBytes, FIELD as UDPLITE, PROTOCOL_NUMBER as UDPLITE_PROTOCOL } from '../../wire/udplite.js';
import type { ProbeSlot } from '../engine/protocol.js';
import type { Flows } from './probe-plan.js';
import { UdpPortProbe } from './port-probe.js';
import { probeData, type ProbeHeaderOptions } from './trace-protocol.js';

/** traceroute's port for -U and -UL (DEF_UDP_PORT: DNS, which firewalls tend to let through). */
export const FIXED_UDP_PORT = 53;

export interface FixedUdpOptions extends ProbeHeaderOptions {
  /** The destination port of every probe. */
  dstPort: number;
  /** Source port of probe 0; probe n uses base + n. */
  srcPortBase: number;
  /** UDP-Lite with this checksum coverage (lib/wire/udplite.ts); absent: UDP. */
  coverage?: number;
  /** Source port base + flow per probe, probes told by IP identification; absent: a source port per probe. */
  flows?: Flows;
}

/** A computed checksum of 0 is sent as 0xffff: UDP's 0 means "no checksum", and UDP-Lite never sends 0. */
const ZERO_CHECKSUM_STAND_IN = 0xffff;

export class FixedPortUdpProbe extends UdpPortProbe {
  readonly kind: 'udp' | 'udplite';
  readonly dstPort: number;
  readonly #ipIdBase: number;
  readonly flows: Flows | null;
  /** UDP-Lite's checksum coverage, or null for UDP. */
  readonly #coverage: number | null;

  constructor(options: FixedUdpOptions) {
    const lite = options.coverage !== undefined;
    const protocol = lite ? UDPLITE_PROTOCOL : UDP_PROTOCOL;
    const dstPort = options.dstPort & 0xffff;
    const srcPortBase = options.srcPortBase & 0xffff;
    const udp = { srcPort: srcPortBase, dstPort };
    const layout = { portField: UDP.SRC_PORT, checksumField: UDP.CHECKSUM, zeroChecksumAs: ZERO_CHECKSUM_STAND_IN };
    super(options, { udp }, (room) => ({ udp, payload: probeData(room) }), srcPortBase, protocol, layout);
    this.kind = lite ? 'udplite' : 'udp';
    this.dstPort = dstPort;
    this.#ipIdBase = (options.ipIdBase ?? 0) & 0xffff;
    this.flows = options.flows ?? null;
    this.#coverage = lite ? options.coverage! & 0xffff : null;
    if (lite) {
      // UDP's layout, turned into UDP-Lite's (IPv4: configureTrace refuses it over IPv6): the
      // protocol number, and the coverage where UDP has its length. The IPv4 header checksum is
      // written per probe; the UDP-Lite checksum too (encode).
      this.template[IP.PROTOCOL] = UDPLITE_PROTOCOL;
      put16(this.template, this.t.hl + UDPLITE.CHECKSUM_COVERAGE, this.#coverage!);
    }
  }

  /** Probe n's source port: its own, or its flow's. */
  override portOf(n: number): number {
    return this.flows === null ? super.portOf(n) : this.portBase + this.flows.of(n);
  }

  override encode(probe: ProbeSlot, buf: Buffer): number {
    const length = super.encode(probe, buf);
    if (this.flows !== null) probe.key = this.t.ipIdOf(probe.number);
    if (this.#coverage !== null) this.#liteChecksum(buf, length);
    return length;
  }

  /**
   * UDP-Lite's checksum (RFC 3828 section 3.1): the pseudo-header with protocol 136 and the
   * datagram's whole length, then the bytes the coverage names.
   */
  #liteChecksum(b: Buffer, length: number): void {
    const hl = this.t.hl;
    const udpLength = length - hl;
    put16(b, hl + UDPLITE.CHECKSUM, 0);
    const pseudo = pseudoHeaderSum(u32(b, IP.SRC), u32(b, IP.DST), UDPLITE_PROTOCOL, udpLength);
    const sum = ~fold(pseudo + sum16(b, hl, coveredBytes(this.#coverage!, udpLength))) & 0xffff;
    put16(b, hl + UDPLITE.CHECKSUM, sum === 0 ? ZERO_CHECKSUM_STAND_IN : sum);
  }

  /** Source port of probe 0. */
  get srcPortBase(): number {
    return this.portBase;
  }

  protected quotedKey(b: Uint8Array, p: number, q: number): number {
    if (u16(b, q + UDP.DST_PORT) !== this.dstPort) return -1;
    // IPv6 has no identification: -1, which no probe carries.
    const quotedId = this.family.version === 6 ? -1 : this.family.quotedIpId(b, p);
    if (this.flows !== null) return quotedId;
    const port = u16(b, q + UDP.SRC_PORT);
    if (port >= this.portBase) return port;
    if (quotedId < 0) return -1;
    // A NAT moved the source port: the quoted IP identification still says which probe it was.
    const n = (quotedId - this.#ipIdBase) & 0xffff;
    return n < this.span ? this.portOf(n) : -1;
  }
}
