// What a trace tells: its start (traceroute's first line), each hop as soon as all its probes
// are settled (in TTL order, per lane), and the end of each lane. A lane is one TOS value (tos
// --path runs several side by side); a plain trace has one.
import type { IcmpExtensionObject } from '../../wire/icmp-extensions.js';
import type { HeaderChange, Middlebox } from './changes.js';
import type { ProbeKind } from '../protocols/trace-protocol.js';

export interface TraceStart {
  type: 'start';
  host: string;
  address: string;
  source: string;
  kind: ProbeKind;
  port: number | null;
  firstTtl: number;
  maxTtl: number;
  probesPerHop: number;
  /** Bytes per probe, headers included (traceroute's "60 byte packets"). */
  packetLength: number;
  tos: number[];
  df: boolean;
}

/** One probe's outcome. */
export interface TraceProbe {
  /** Who answered; null: no answer (`*`). */
  from: string | null;
  /** Round trip in ms (microsecond resolution), and in whole microseconds. */
  rttMs: number | null;
  rttUs: number | null;
  /** The ICMP message that answered; null for no answer and for a TCP answer. */
  icmp: { type: number; code: number } | null;
  /** traceroute's mark after the time: '!H', '!N', '!F-1400'...; null for none. */
  mark: string | null;
  /** The destination itself answered (echo reply, port unreachable, SYN-ACK or RST). */
  reply: boolean;
  /** Flags byte of a TCP answer (0x12 SYN-ACK, 0x14 RST-ACK), else null. */
  tcpFlags: number | null;
  /** TTL and TOS of the answer datagram itself. */
  ttl: number | null;
  tos: number | null;
  /** TOS and TTL our header had when the answering node got it (from the quote), else null. */
  quotedTos: number | null;
  quotedTtl: number | null;
  /** Every difference between the quote and what this probe carried. */
  changes: HeaderChange[];
  /** Bytes of our datagram the answer quoted (from its IPv4 header on); absent when it quoted none. */
  quoteBytes?: number;
  /** ICMP extension objects the answer carried (MPLS label stacks, interface information), else null. */
  extensions: IcmpExtensionObject[] | null;
  /** The kernel refused to send it (errno name), else null. */
  sendError: string | null;
}

export interface TraceHop {
  type: 'hop';
  /** Index of the lane (TOS value) and that value. */
  lane: number;
  tos: number;
  ttl: number;
  probes: TraceProbe[];
  /** Changes to our header seen first at this hop (see ChangeTracker). */
  changes: HeaderChange[];
  /**
   * The shortest quote of our datagram among the hop's answers (bytes), and what it leaves
   * unknown ("tcp options", null when it holds all of it); absent when no answer quoted it.
   */
  quote?: { bytes: number; unknown: string | null };
  /**
   * The last hop: a probe of it reached the destination or got an unreachable, or a later
   * answer's quote showed the destination is here (see TraceHandler.answer).
   */
  final: boolean;
}

export interface TraceDone {
  type: 'done';
  lane: number;
  tos: number;
  /** The destination answered. */
  reached: boolean;
  /** TTL of the last hop reported (0 when none was). */
  hops: number;
  /** Every change to our header the quotes showed, where it was made (the summary after the hops). */
  middleboxes: Middlebox[];
}

export interface TraceLaneResult {
  tos: number;
  reached: boolean;
  hops: TraceHop[];
  middleboxes: Middlebox[];
}

export interface TraceHooks {
  onHop?: (hop: TraceHop) => void;
  onDone?: (done: TraceDone) => void;
}

/** A probe without an answer (`*`): every field null, no changes. */
export function noAnswer(): TraceProbe {
  return {
    from: null,
    rttMs: null,
    rttUs: null,
    icmp: null,
    mark: null,
    reply: false,
    tcpFlags: null,
    ttl: null,
    tos: null,
    quotedTos: null,
    quotedTtl: null,
    changes: [],
    extensions: null,
    sendError: null,
  };
}
