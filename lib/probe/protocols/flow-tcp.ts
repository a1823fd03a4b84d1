// TCP SYN probes that keep their flow (Paris traceroute; see flow-udp.ts for why): every probe of
// flow f goes from source port base + f to port p, so a per-flow load balancer sends them all one
// way. The probe is told by its sequence number (base + n), which every quote holds (RFC 792's 8
// bytes reach it) and which the destination acknowledges: a SYN-ACK acks sequence + 1, a closed
// port's RST also counts the data a packet length above 60 put in the SYN (tcp-syn.ts).
//
//   TCP from port p to one of our flows' ports, SYN-ACK or RST -> reply, key = the acked sequence
//   ICMP error (3 11 12) quoting a SYN of ours to port p        -> error, key = the quoted sequence
import { u16, u32 } from '../../wire/bytes.js';
import { FIELD as IP } from '../../wire/ipv4.js';
import { FIELD as TCP, FLAG, MIN_HEADER_LENGTH, PROTOCOL_NUMBER as PROTOCOL } from '../../wire/tcp.js';
import { MATCH, type Match, type MatchKind, type ProbeSlot } from '../engine/protocol.js';
import { fillAnswer, quotedAnswer } from './answer.js';
import type { FlowProbeOptions } from './flow-udp.js';
import type { Flows } from './probe-plan.js';
import { TcpSynProbe, type TcpSynOptions } from './tcp-syn.js';

const { SYN, RST, ACK } = FLAG;

export class FlowTcpProbe extends TcpSynProbe {
  readonly flows: Flows;

  constructor(options: TcpSynOptions & FlowProbeOptions) {
    super(options);
    this.flows = options.flows;
  }

  /** Probe n's source port: its flow's. */
  override portOf(n: number): number {
    return this.portBase + this.flows.of(n);
  }

  override encode(probe: ProbeSlot, buf: Buffer): number {
    const length = super.encode(probe, buf);
    probe.key = this.sequenceOf(probe.number);
    return length;
  }

  override match(b: Uint8Array, offset: number, length: number, wireLength: number, m: Match): MatchKind {
    m.kind = MATCH.none;
    const hl = this.headerLength(b, offset, length);
    if (hl < 0) return MATCH.none;
    const p = offset + hl;
    if (b[offset + IP.PROTOCOL] === PROTOCOL) {
      if (hl + MIN_HEADER_LENGTH > length || !this.#ours(u16(b, p + TCP.DST_PORT)) || u16(b, p + TCP.SRC_PORT) !== this.dstPort) return MATCH.none;
      const flags = b[p + TCP.FLAGS]!;
      if ((flags & ACK) === 0 || ((flags & RST) === 0 && (flags & SYN) === 0)) return MATCH.none;
      // See the file comment: which sequence the acknowledgment counts from.
      const acked = u32(b, p + TCP.ACKNOWLEDGMENT);
      const counted = (flags & RST) !== 0 ? 1 + this.dataBytes : 1;
      fillAnswer(b, offset, hl, length, wireLength, m);
      m.type = flags;
      m.code = 0;
      m.key = (acked - counted) >>> 0;
      m.target = m.from;
      m.kind = MATCH.reply;
      return MATCH.reply;
    }
    const q = this.quotedProbe(b, offset, length, hl);
    if (q < 0 || u16(b, q + TCP.DST_PORT) !== this.dstPort) return MATCH.none;
    m.key = u32(b, q + TCP.SEQUENCE);
    return quotedAnswer(b, offset, hl, length, wireLength, m);
  }

  #ours(port: number): boolean {
    return port >= this.portBase && port < this.portBase + this.flows.count;
  }
}
