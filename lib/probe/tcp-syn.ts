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
import { fold, pseudoHeaderSum, sum16 } from '../wire/checksum.js';
import { encodePacket } from '../wire/packet.js';
import { constants } from '../socket/constants.js';
import { jump, stmt, type BpfInstruction } from '../socket/bpf.js';
import { MATCH, MATCH_FLAG, type Match, type MatchKind, type ProbeSlot } from './protocol.js';
import { fill, setInfo } from './trace-icmp.js';
import { patchIpv4, probeData, probeIpId, quotedTransport, readU32, type DatagramRef, type ProbeHeaderOptions, type TraceProtocol } from './trace-protocol.js';
import { quotedProtocolFilter } from './udp-probe.js';

export interface TcpSynOptions extends ProbeHeaderOptions {
  /** The destination port (traceroute -T -p; default 80). */
  dstPort: number;
  /** Source port of probe 0; probe n uses base + n. */
  srcPortBase: number;
  /** Sequence number of probe 0; probe n sends base + n (mod 2^32). */
  sequenceBase: number;
}

const TCP = { SRC_PORT: 0, DST_PORT: 2, SEQUENCE: 4, ACKNOWLEDGMENT: 8, FLAGS: 13, CHECKSUM: 16 } as const;
const PROTOCOL = 6;
const SYN = 0x02;
const RST = 0x04;
const ACK = 0x10;

/**
 * The options Linux puts on a SYN (MSS 1460, SACK permitted, timestamps, window scale 7), so
 * the probe looks like a connection attempt to middleboxes that inspect them: 20 bytes.
 */
const SYN_OPTIONS = Buffer.from([2, 4, 0x05, 0xb4, 4, 2, 8, 10, 0, 0, 0, 0, 0, 0, 0, 0, 1, 3, 3, 7]);
/** Just MSS, when the packet length leaves no room for the rest. */
const MSS_OPTION = Buffer.from([2, 4, 0x05, 0xb4]);

export class TcpSynProbe implements TraceProtocol {
  readonly kind = 'tcp' as const;
  readonly dstPort: number;
  readonly srcPortBase: number;
  readonly sequenceBase: number;
  /** Distinct source ports from the base up to 65535. */
  readonly span: number;
  readonly packetLength: number;
  readonly maxProbeLength: number;
  readonly icmpTypes: readonly number[] = [3, 4, 5, 11, 12];
  readonly last: DatagramRef = { bytes: new Uint8Array(0), offset: 0, length: 0 };
  readonly template: Buffer;
  readonly #hl: number;
  readonly #tcpHl: number;
  readonly #ipIdBase: number;
  readonly #src: number;
  readonly #dataSum: number;
  readonly #primed = new WeakSet<Uint8Array>();

  constructor(options: TcpSynOptions) {
    this.dstPort = options.dstPort & 0xffff;
    this.srcPortBase = options.srcPortBase & 0xffff;
    this.sequenceBase = options.sequenceBase >>> 0;
    this.span = 0x10000 - this.srcPortBase;
    this.#ipIdBase = (options.ipIdBase ?? 0) & 0xffff;
    const ip = { src: options.source, dst: 0, ttl: 64, tos: 0, id: 0, flags: { df: options.df }, options: options.ipOptions ?? [] };
    const bare = encodePacket({ ip, tcp: { srcPort: this.srcPortBase, dstPort: this.dstPort } }).length;
    const room = options.length - bare;
    const tcpOptions = room >= SYN_OPTIONS.length ? SYN_OPTIONS : room >= MSS_OPTION.length ? MSS_OPTION : Buffer.alloc(0);
    const tcp = { srcPort: this.srcPortBase, dstPort: this.dstPort, sequence: this.sequenceBase, flags: { syn: true }, window: 64240, options: tcpOptions };
    this.template = encodePacket({ ip, tcp, payload: probeData(room - tcpOptions.length) });
    this.#hl = (this.template[0]! & 0x0f) << 2;
    this.#tcpHl = (this.template[this.#hl + 12]! >>> 4) << 2;
    this.packetLength = this.template.length;
    this.maxProbeLength = this.template.length;
    this.#src = readU32(this.template, 12);
    const data = this.#hl + this.#tcpHl;
    this.#dataSum = sum16(this.template, data, this.template.length - data);
  }

  /** Source port of probe n. */
  portOf(n: number): number {
    return this.srcPortBase + (n % this.span);
  }

  /** Sequence number of probe n. */
  sequenceOf(n: number): number {
    return (this.sequenceBase + n) >>> 0;
  }

  encode(probe: ProbeSlot, buf: Buffer): number {
    const b = buf;
    if (!this.#primed.has(b)) {
      b.set(this.template, 0);
      this.#primed.add(b);
    }
    patchIpv4(b, this.#hl, probe, probeIpId(this.#ipIdBase, probe.number));
    const t = this.#hl;
    const port = this.portOf(probe.number);
    const seq = this.sequenceOf(probe.number);
    b[t + TCP.SRC_PORT] = port >>> 8;
    b[t + TCP.SRC_PORT + 1] = port & 0xff;
    b[t + TCP.SEQUENCE] = seq >>> 24;
    b[t + TCP.SEQUENCE + 1] = (seq >>> 16) & 0xff;
    b[t + TCP.SEQUENCE + 2] = (seq >>> 8) & 0xff;
    b[t + TCP.SEQUENCE + 3] = seq & 0xff;
    b[t + TCP.CHECKSUM] = 0;
    b[t + TCP.CHECKSUM + 1] = 0;
    const pseudo = pseudoHeaderSum(this.#src, probe.addressValue, PROTOCOL, this.packetLength - t);
    const sum = ~fold(pseudo + sum16(b, t, this.#tcpHl) + this.#dataSum) & 0xffff;
    b[t + TCP.CHECKSUM] = sum >>> 8;
    b[t + TCP.CHECKSUM + 1] = sum & 0xff;
    probe.key = port;
    return this.packetLength;
  }

  match(b: Uint8Array, offset: number, length: number, wireLength: number, m: Match): MatchKind {
    m.kind = MATCH.none;
    const last = this.last;
    last.bytes = b;
    last.offset = offset;
    last.length = length;
    const end = offset + length;
    if (length < 28 || end > b.length) return MATCH.none;
    const vihl = b[offset]!;
    const hl = (vihl & 0x0f) << 2;
    if (vihl >>> 4 !== 4 || hl < 20 || hl + 8 > length) return MATCH.none;
    if (((b[offset + 6]! & 0x1f) | b[offset + 7]!) !== 0) return MATCH.none;
    const p = offset + hl;
    const protocol = b[offset + 9];
    const totalLength = (b[offset + 2]! << 8) | b[offset + 3]!;
    const bytes = Math.min(totalLength, wireLength) - hl;
    const cut = wireLength > length || totalLength > wireLength;

    if (protocol === PROTOCOL) {
      // The destination's answer: from port p to one of our ports, acknowledging that probe's SYN.
      if (hl + 20 > length) return MATCH.none;
      const srcPort = (b[p + TCP.SRC_PORT]! << 8) | b[p + TCP.SRC_PORT + 1]!;
      const dstPort = (b[p + TCP.DST_PORT]! << 8) | b[p + TCP.DST_PORT + 1]!;
      if (srcPort !== this.dstPort || dstPort < this.srcPortBase) return MATCH.none;
      const flags = b[p + TCP.FLAGS]!;
      if ((flags & RST) === 0 && (flags & (SYN | ACK)) !== (SYN | ACK)) return MATCH.none;
      if ((flags & ACK) !== 0 && readU32(b, p + TCP.ACKNOWLEDGMENT) !== ((this.sequenceOf(dstPort - this.srcPortBase) + 1) >>> 0)) return MATCH.none;
      fill(b, offset, p, bytes, m);
      m.type = flags; // for a TCP answer: its flags byte (code 0)
      m.code = 0;
      m.key = dstPort;
      m.target = m.from;
      // The checksum is not checked: a SYN-ACK from a local stack (a namespace, a VM on a veth
      // or tap) reaches a raw socket with checksum offload pending (CHECKSUM_PARTIAL: only the
      // pseudo-header sum is in place), so a good answer would look corrupted. The ports and
      // the acknowledgment above already tie it to our probe.
      m.flags = cut ? MATCH_FLAG.truncated : 0;
      m.kind = MATCH.reply;
      return MATCH.reply;
    }
    if (protocol !== 1) return MATCH.none;
    const type = b[p]!;
    if (type !== 3 && type !== 4 && type !== 5 && type !== 11 && type !== 12) return MATCH.none;
    const q = quotedTransport(b, p, end, PROTOCOL);
    if (q < 0) return MATCH.none;
    const inner = p + 8;
    const srcPort = (b[q + TCP.SRC_PORT]! << 8) | b[q + TCP.SRC_PORT + 1]!;
    const dstPort = (b[q + TCP.DST_PORT]! << 8) | b[q + TCP.DST_PORT + 1]!;
    if (dstPort !== this.dstPort) return MATCH.none;
    let key = srcPort;
    if (srcPort < this.srcPortBase) {
      // A NAT moved the source port: the sequence number still says which probe it was.
      const n = (readU32(b, q + TCP.SEQUENCE) - this.sequenceBase) >>> 0;
      if (n >= this.span) return MATCH.none;
      key = this.portOf(n);
    }
    fill(b, offset, p, bytes, m);
    m.key = key;
    m.target = readU32(b, inner + 16);
    m.quotedTos = b[inner + 1]!;
    m.quotedTtl = b[inner + 8]!;
    setInfo(b, p, type, m);
    m.flags = cut ? MATCH_FLAG.truncated : sum16(b, p, bytes) !== 0xffff ? MATCH_FLAG.badChecksum : 0;
    m.kind = type === 4 || type === 5 ? MATCH.notice : MATCH.error;
    return m.kind;
  }

  /** For the raw ICMP socket: errors quoting TCP. */
  filter(): BpfInstruction[] {
    return quotedProtocolFilter(PROTOCOL);
  }

  /** For the raw TCP socket: segments from the target port to one of our source ports. */
  tcpFilter(): BpfInstruction[] {
    const c = constants;
    const last = this.srcPortBase + this.span - 1;
    return [
      stmt(c.BPF_LDX | c.BPF_B | c.BPF_MSH, 0), // X = IP header length
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
