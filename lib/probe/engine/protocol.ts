// The contract between the shared probe engine and what it probes with (iputils' ping_func_set:
// send a probe, parse a reply, install a filter). The engine knows nothing of ICMP, UDP or TCP:
// a protocol turns a probe description into bytes, and a received datagram into "this answers
// the probe with key K, sent to address A", and the engine does the rest (pacing, timeouts,
// matching keys to probes, duplicates, late replies, statistics).
//
// Both directions are hot paths in a flood or a sweep, so nothing here allocates per packet:
// encode writes into a buffer the engine reuses, match fills a Match the engine owns.
import type { ReceiveBatch } from '../../socket/batch.js';
import type { BpfInstruction } from '../../socket/bpf.js';

/**
 * What a received datagram is, as match() classifies it:
 *
 *   none    not about any probe of ours (someone else's traffic, our own request looped back)
 *   reply   the answer a probe asks for (echo reply, TCP SYN-ACK/RST, port unreachable for UDP)
 *   error   an ICMP error quoting one of our probes: the probe is answered, negatively
 *   notice  an ICMP message quoting a probe that is not an answer (redirect, source quench)
 */
export const MATCH = { none: 0, reply: 1, error: 2, notice: 3 } as const;
export type MatchKind = (typeof MATCH)[keyof typeof MATCH];

/**
 * Bits of Match.flags: things wrong with an answer that still belongs to us.
 *
 *   badChecksum  the checksum of the message does not hold: never counted as a good reply
 *   truncated    shorter than the probe, or cut by the receive slot: the checksum could not be checked
 *   wrongData    the echoed data differs from what we sent
 */
export const MATCH_FLAG = { badChecksum: 1, truncated: 2, wrongData: 4 } as const;

/**
 * One classified datagram. The engine owns one and match() overwrites it for every datagram:
 * read it inside the callback, copy what you keep. Numbers, -1 where a field does not apply, and
 * where the datagram sits.
 */
export interface Match {
  kind: MatchKind;
  /** The probe key (see ProbeSlot.key) the datagram answers. */
  key: number;
  /**
   * The address the answered probe was sent to, as the datagram tells it (u32): an echo reply's
   * source, an error's quoted destination. The engine credits a probe only when it agrees.
   */
  target: number;
  /** Source address of the datagram itself (u32): the target, or the router that answered. */
  from: number;
  /** TTL and TOS of the datagram's own IPv4 header. */
  ttl: number;
  tos: number;
  /** The protocol's message type and code (ICMP type and code for ICMP answers). */
  type: number;
  code: number;
  /**
   * Extra value of an error: the next-hop MTU of "fragmentation needed", the pointer of a
   * parameter problem, a redirect's gateway (u32); -1 otherwise.
   */
  info: number;
  /** TOS and TTL of the header an error quotes (what the router received), else -1. */
  quotedTos: number;
  quotedTtl: number;
  /** Bytes of the answer after its IPv4 header (what ping prints as "64 bytes"). */
  bytes: number;
  /** MATCH_FLAG bits. */
  flags: number;
  /**
   * The datagram itself: data[offset, offset + length) (the receive batch's bytes, so valid
   * during the call only). Set for every answer; trace compares the quote in it with what it sent.
   */
  data: Uint8Array;
  offset: number;
  length: number;
  /** The receive batch it came in and its index there (for its metadata: socket/convert.ts's messageInfoAt); set by the engine. */
  batch: ReceiveBatch | null;
  index: number;
}

const NO_BYTES = new Uint8Array(0);

export function newMatch(): Match {
  return {
    kind: MATCH.none,
    key: -1,
    target: -1,
    from: -1,
    ttl: -1,
    tos: -1,
    type: -1,
    code: -1,
    info: -1,
    quotedTos: -1,
    quotedTtl: -1,
    bytes: 0,
    flags: 0,
    data: NO_BYTES,
    offset: 0,
    length: 0,
    batch: null,
    index: -1,
  };
}

/**
 * One probe about to be sent, as the engine hands it to the application (to choose it) and
 * then to the protocol (to encode it). The engine reuses one object: never keep it.
 */
export interface ProbeSlot {
  /** The engine's running number of this probe: 0, 1, 2... in sending order. */
  number: number;
  /** Index of the target in the engine's target list (the application sets it). */
  target: number;
  /** The target's address as text and as u32 (the engine fills them from `target`). */
  address: string;
  addressValue: number;
  /**
   * IPv6: the engine's targets (its TargetList), whose words6 hold this probe's destination at
   * target * 4 .. target * 4 + 3 (lib/wire readIpv6Words): written without parsing its text.
   */
  readonly targets6: { readonly words6: Uint32Array };
  /** IPv4 TTL and TOS for this probe (the engine presets the defaults, the application may change them). */
  ttl: number;
  tos: number;
  /** How long to wait for an answer, ms (preset to the engine's timeout). */
  timeoutMs: number;
  /**
   * Set by the protocol's encode(): the number match() will return for answers to this probe.
   * Any non-negative integer below 2^53; unique among the probes the engine remembers. -1: nothing
   * will answer it (send without listening): the engine does not look it up.
   */
  key: number;
}

/** The protocol-specific parts (iputils' ping_func_set): encode, match, and kernel-side filtering. */
export interface ProbeProtocol {
  /**
   * Writes the whole datagram for `probe` (IPv4 header included: the socket uses IP_HDRINCL)
   * into `buf` from offset 0, sets probe.key, and returns the number of bytes. The engine
   * passes the same few buffers again and again: only what changed needs writing.
   */
  encode(probe: ProbeSlot, buf: Buffer): number;
  /** Largest datagram encode() writes (the engine sizes its buffers with it). */
  readonly maxProbeLength: number;
  /**
   * Classifies the IPv4 datagram at b[offset, offset + length); `wireLength` is its real length
   * (more when the receive slot cut it). Fills `m` and returns m.kind. Allocates nothing.
   */
  match(b: Uint8Array, offset: number, length: number, wireLength: number, m: Match): MatchKind;
  /** A BPF program so the kernel drops datagrams that cannot be ours, or null. */
  filter(): BpfInstruction[] | null;
  /** ICMP types the socket needs to see at all (ICMP_FILTER), or null for every type. */
  readonly icmpTypes: readonly number[] | null;
}
