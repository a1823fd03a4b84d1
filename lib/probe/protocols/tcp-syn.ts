// TCP SYN probes for trace and tos (traceroute -T, tcptraceroute): a SYN to port p (80) from
// source port base + n. An open port answers SYN-ACK, a closed one RST (RFC 793 section 3.4),
// both acknowledging our sequence + 1; routers answer with Time Exceeded quoting our header
// (ports and sequence are in the 8 quoted bytes every router must send).
//
//   TCP from the target's port p to one of our ports, SYN-ACK or RST -> reply (the destination)
//   ICMP error (3 11 12) quoting our SYN                              -> error; 4 and 5 -> notice
//
// Answers from the destination are TCP, so they arrive on a raw TCP socket (every TCP segment
// the host receives is copied to it), not the ICMP one; both feed the same match(). We hold no
// TCP socket on our source ports, so our kernel answers a SYN-ACK with a RST of its own: that
// RST goes out (raw sockets never see outgoing packets, except through loopback, and there it
// travels from our port to port p: the wrong direction to match), and the half-open
// connection never exists on our side. A retransmitted SYN-ACK is a duplicate, ignored.
//
// A quote is ours when its destination port is p and its source port is one of ours, or, when a
// NAT rewrote the source port, when its sequence number is the one a probe of ours carried.
import { put32, u16, u32 } from '../../wire/bytes.js';
import { FIELD as TCP, FLAG, MIN_HEADER_LENGTH, PROTOCOL_NUMBER as PROTOCOL } from '../../wire/tcp.js';
import { DEFAULT_SYN_OPTIONS, encodeSynOptions, type SynOptions } from '../../wire/tcp-options.js';
import { constants } from '../../socket/constants.js';
import { jump, stmt, type BpfInstruction } from '../../socket/bpf.js';
import { PortProbe } from './port-probe.js';
import { MATCH, type Match, type MatchKind } from '../engine/protocol.js';
import { probeData, type ProbeHeaderOptions } from './trace-protocol.js';
import type { UpperInit } from '../family/family.js';

export interface TcpSynOptions extends ProbeHeaderOptions {
  /** The destination port (traceroute -T -p; default 80). */
  dstPort: number;
  /** Source port of probe 0; probe n uses base + n. */
  srcPortBase: number;
  /** Sequence number of probe 0; probe n sends base + n (mod 2^32). */
  sequenceBase: number;
  /**
   * The SYN's options (--tcp-options); the packet grows to hold them. Absent: Linux's four when
   * the packet length leaves room for them (60 bytes does), else MSS alone, else none.
   */
  synOptions?: SynOptions;
  /** ECN setup (RFC 3168 section 6.1.1): ECE and CWR on the SYN. */
  ecnSetup?: boolean;
}

const { SYN, RST, ACK } = FLAG;

/** MSS 1460 (RFC 793: kind, length 4, the 16-bit size). */
const MSS_OPTION = encodeSynOptions({ mss: DEFAULT_SYN_OPTIONS.mss, sackOK: false, timestamps: false, wscale: null });
/**
 * The options Linux puts on a SYN (MSS 1460, SACK permitted, timestamps, window scale 7), so
 * the probe looks like a connection attempt to middleboxes that inspect them: 20 bytes.
 */
const SYN_OPTIONS = encodeSynOptions(DEFAULT_SYN_OPTIONS);

export class TcpSynProbe extends PortProbe {
  readonly kind = 'tcp' as const;
  readonly dstPort: number;
  readonly sequenceBase: number;
  /** Bytes of data after the SYN's options (packet lengths above 60). */
  protected readonly dataBytes: number;

  constructor(options: TcpSynOptions) {
    const dstPort = options.dstPort & 0xffff;
    const srcPortBase = options.srcPortBase & 0xffff;
    const sequenceBase = options.sequenceBase >>> 0;
    let dataBytes = 0;
    const chosen = options.synOptions === undefined ? null : encodeSynOptions(options.synOptions);
    const flags = options.ecnSetup === true ? { syn: true, ece: true, cwr: true } : { syn: true };
    const upper = (room: number): UpperInit => {
      const tcpOptions = chosen ?? (room >= SYN_OPTIONS.length ? SYN_OPTIONS : room >= MSS_OPTION.length ? MSS_OPTION : Buffer.alloc(0));
      dataBytes = Math.max(0, room - tcpOptions.length);
      return { tcp: { srcPort: srcPortBase, dstPort, sequence: sequenceBase, flags, window: 64240, options: tcpOptions }, payload: probeData(dataBytes) };
    };
    super(options, { tcp: { srcPort: srcPortBase, dstPort } }, upper, srcPortBase, PROTOCOL, { portField: TCP.SRC_PORT, checksumField: TCP.CHECKSUM, zeroChecksumAs: 0 });
    this.dstPort = dstPort;
    this.sequenceBase = sequenceBase;
    this.dataBytes = dataBytes;
  }

  /** Source port of probe 0. */
  get srcPortBase(): number {
    return this.portBase;
  }

  /** Sequence number of probe n. */
  sequenceOf(n: number): number {
    return (this.sequenceBase + n) >>> 0;
  }

  protected override writeFields(b: Uint8Array, at: number, n: number): void {
    put32(b, at + TCP.SEQUENCE, this.sequenceOf(n));
  }

  match(b: Uint8Array, offset: number, length: number, wireLength: number, m: Match): MatchKind {
    m.kind = MATCH.none;
    const family = this.family;
    const p = family.open(b, offset, length, wireLength, m);
    if (p < 0) return MATCH.none;
    if (family.protocolOf(b, offset, m) === PROTOCOL) {
      // The destination's answer: from port p to one of our ports, acknowledging that probe's SYN.
      if (p + MIN_HEADER_LENGTH > offset + length) return MATCH.none;
      const dstPort = u16(b, p + TCP.DST_PORT);
      if (u16(b, p + TCP.SRC_PORT) !== this.dstPort || dstPort < this.srcPortBase) return MATCH.none;
      const flags = b[p + TCP.FLAGS]!; // the low 8 bits of FLAG's word
      if ((flags & RST) === 0 && (flags & (SYN | ACK)) !== (SYN | ACK)) return MATCH.none;
      if ((flags & ACK) !== 0) {
        // A SYN-ACK acknowledges the SYN (sequence + 1); a closed port's RST also counts the data
        // a packet length above 60 put in our SYN (Linux's tcp_v4_send_reset).
        const acked = u32(b, p + TCP.ACKNOWLEDGMENT);
        const synAcked = (this.sequenceOf(dstPort - this.srcPortBase) + 1) >>> 0;
        if (acked !== synAcked && acked !== ((synAcked + this.dataBytes) >>> 0)) return MATCH.none;
      }
      // The checksum is not checked: a SYN-ACK from a local stack (a namespace, a VM on a veth
      // or tap) reaches a raw socket with checksum offload pending (CHECKSUM_PARTIAL: only the
      // pseudo-header sum is in place), so a good answer would look corrupted. The ports and
      // the acknowledgment above already tie it to our probe. family.open left flags at
      // truncated when it was cut, else 0.
      m.type = flags; // for a TCP answer: its flags byte (code 0)
      m.code = 0;
      m.key = dstPort;
      m.target = m.from;
      m.kind = MATCH.reply;
      return MATCH.reply;
    }
    const q = this.quotedProbeAt(b, offset, length, p, m);
    if (q < 0 || u16(b, q + TCP.DST_PORT) !== this.dstPort) return MATCH.none;
    let key = u16(b, q + TCP.SRC_PORT);
    if (key < this.srcPortBase) {
      // A NAT moved the source port: the sequence number still says which probe it was.
      const n = (u32(b, q + TCP.SEQUENCE) - this.sequenceBase) >>> 0;
      if (n >= this.span) return MATCH.none;
      key = this.portOf(n);
    }
    m.key = key;
    return family.error(b, offset, p, length, wireLength, m);
  }

  /**
   * For the raw TCP socket: segments from the target port to one of our source ports. An IPv4
   * raw socket's program sees the IPv4 header first, an IPv6 one's the TCP header.
   */
  tcpFilter(): BpfInstruction[] {
    const c = constants;
    const last = this.srcPortBase + this.span - 1;
    return [
      this.family.version === 4 ? stmt(c.BPF_LDX | c.BPF_B | c.BPF_MSH, 0) : stmt(c.BPF_LDX | c.BPF_IMM, 0), // X = IP header length
      stmt(c.BPF_LD | c.BPF_H | c.BPF_IND, TCP.SRC_PORT),
      jump(c.BPF_JMP | c.BPF_JEQ | c.BPF_K, this.dstPort, 0, 4),
      stmt(c.BPF_LD | c.BPF_H | c.BPF_IND, TCP.DST_PORT),
      jump(c.BPF_JMP | c.BPF_JGE | c.BPF_K, this.srcPortBase, 0, 2),
      jump(c.BPF_JMP | c.BPF_JGT | c.BPF_K, last, 1, 0),
      stmt(c.BPF_RET | c.BPF_K, 0xffffffff),
      stmt(c.BPF_RET | c.BPF_K, 0),
    ];
  }
}
