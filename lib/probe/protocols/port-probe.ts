// What trace's UDP and TCP SYN probes share: a template datagram built once with lib/wire, one
// port per probe counted up from a base (UDP: the destination port, 33434 + n; TCP: the source
// port), the transport checksum summed again for each probe's header (template.ts), and answers
// that are ICMP errors quoting the probe (the protocol number says which quotes are ours). Each
// subclass writes its own per-probe fields and reads its own answers. The IP version's
// differences are its family table's (lib/probe/family).
import { put16 } from '../../wire/bytes.js';
import { quotedTransportAt } from '../../wire/quoted.js';
import { answerHeaderLength, icmpErrorAt } from './answer.js';
import type { BpfInstruction } from '../../socket/bpf.js';
import { FAMILY4 } from '../family/family4.js';
import type { ProbeFamily, UpperInit } from '../family/family.js';
import { MATCH, type Match, type MatchKind, type ProbeSlot } from '../engine/protocol.js';
import { UpperTemplate } from './template.js';
import type { ProbeHeaderOptions, ProbeKind, TraceProtocol } from './trace-protocol.js';

/** Where the per-probe port goes, and how a computed checksum is written. */
export interface PortLayout {
  /** Offset of the port that changes per probe, and of the checksum, in the transport header. */
  portField: number;
  checksumField: number;
  /** UDP sends a computed 0 as 0xffff (0 means "no checksum", RFC 768); TCP writes it as is. */
  zeroChecksumAs: number;
}

export abstract class PortProbe implements TraceProtocol {
  abstract readonly kind: ProbeKind;
  /** The first port; probe n uses base + n. */
  readonly portBase: number;
  /** Distinct ports from the base up to 65535: probes beyond reuse them. */
  readonly span: number;
  readonly packetLength: number;
  readonly maxProbeLength: number;
  /** The ICMP answers are errors quoting the probe. */
  readonly icmpTypes: readonly number[];
  readonly family: ProbeFamily;
  readonly template: Buffer;
  protected readonly t: UpperTemplate;
  readonly #protocol: number;
  readonly #layout: PortLayout;

  /** `upper(dataBytes)`: the template's upper layer with that much data; `bare`: without data or options. */
  constructor(options: ProbeHeaderOptions, bare: UpperInit, upper: (room: number) => UpperInit, portBase: number, protocol: number, layout: PortLayout) {
    const family = options.family ?? FAMILY4;
    this.family = family;
    const room = options.length - family.template(options, bare).bytes.length;
    const header = family.template(options, upper(room), options.ipIdBase);
    this.template = header.bytes;
    this.t = new UpperTemplate(header, protocol);
    this.icmpTypes = family.errorTypes;
    this.packetLength = this.template.length;
    this.maxProbeLength = this.template.length;
    this.portBase = portBase & 0xffff;
    this.span = 0x10000 - this.portBase;
    this.#protocol = protocol;
    this.#layout = layout;
  }

  /** The port of probe n: its key. */
  portOf(n: number): number {
    return this.portBase + (n % this.span);
  }

  encode(probe: ProbeSlot, buf: Buffer): number {
    const b = buf;
    this.t.write(b, probe);
    const at = this.t.hl;
    const port = this.portOf(probe.number);
    const { portField, checksumField, zeroChecksumAs } = this.#layout;
    put16(b, at + portField, port);
    this.writeFields(b, at, probe.number);
    put16(b, at + checksumField, 0);
    const sum = this.t.checksum(b);
    put16(b, at + checksumField, sum === 0 ? zeroChecksumAs : sum);
    probe.key = port;
    return this.packetLength;
  }

  /** Writes what else changes per probe into the transport header at b[at] (before the checksum). */
  protected writeFields(_b: Uint8Array, _at: number, _n: number): void {}

  /**
   * When the answer whose message starts at p (family.open's) is an ICMP error quoting a
   * datagram of our protocol: the offset of the quote's first 8 transport bytes, else -1.
   */
  protected quotedProbeAt(b: Uint8Array, offset: number, length: number, p: number, m: Match): number {
    return p < 0 ? -1 : this.family.quoted(b, offset, p, offset + length, this.#protocol, m);
  }

  /** IPv4 only (the flow-keeping probes): quotedProbeAt with the IPv4 header length hl. */
  protected quotedProbe(b: Uint8Array, offset: number, length: number, hl: number): number {
    const p = hl < 0 ? -1 : icmpErrorAt(b, offset, hl);
    return p < 0 ? -1 : quotedTransportAt(b, p, offset + length, this.#protocol);
  }

  /** IPv4 only: the header length when the datagram can be an answer, else -1 (answer.ts). */
  protected headerLength(b: Uint8Array, offset: number, length: number): number {
    return answerHeaderLength(b, offset, length);
  }

  abstract match(b: Uint8Array, offset: number, length: number, wireLength: number, m: Match): MatchKind;

  /** Passes ICMP messages that quote our protocol (the socket's ICMP_FILTER keeps errors only). */
  filter(): BpfInstruction[] {
    return this.family.quotedFilter(this.#protocol);
  }
}

/**
 * What trace's two UDP probes share (udp.ts: a destination port per probe; udp-fixed.ts: a source
 * port per probe): every answer is an ICMP error quoting the probe. The subclass says which probe a
 * quote is; port unreachable from the probe's destination itself is a reply (the probe arrived).
 */
export abstract class UdpPortProbe extends PortProbe {
  /**
   * The key of the probe whose quoted UDP header starts at q (p: the ICMP message, family.open's),
   * or -1 when the quote is not one of ours.
   */
  protected abstract quotedKey(b: Uint8Array, p: number, q: number): number;

  match(b: Uint8Array, offset: number, length: number, wireLength: number, m: Match): MatchKind {
    m.kind = MATCH.none;
    const family = this.family;
    const p = family.open(b, offset, length, wireLength, m);
    const q = this.quotedProbeAt(b, offset, length, p, m);
    const key = q < 0 ? -1 : this.quotedKey(b, p, q);
    if (key < 0) return MATCH.none;
    m.key = key;
    const kind = family.error(b, offset, p, length, wireLength, m);
    const [unreachable, port] = family.portUnreachable;
    if (kind !== MATCH.error || m.type !== unreachable || m.code !== port || m.from !== m.target) return kind;
    m.kind = MATCH.reply;
    return MATCH.reply;
  }
}
