// Probes of many sizes through one engine (trace --mtu shrinks its probes): one probe protocol per
// size, made when first needed with the same random bases (IPv4 id, TCP sequence), so that probe
// n's key and fields are the same whatever its size; the size of each probe is the handler's
// choice in the probe plan (protocols/probe-plan.ts). An answer is matched by the first protocol
// that recognises it (a TCP RST acknowledges the SYN's data too, which differs with the size).
import type { BpfInstruction } from '../../socket/bpf.js';
import type { Match, MatchKind, ProbeSlot } from '../engine/protocol.js';
import { MATCH } from '../engine/protocol.js';
import type { ProbePlan } from '../protocols/probe-plan.js';
import type { TcpSynProbe } from '../protocols/tcp-syn.js';
import type { ProbeKind, TraceProtocol } from '../protocols/trace-protocol.js';

export class SizedProtocol implements TraceProtocol {
  readonly kind: ProbeKind;
  /** The first size: what the trace starts with (its header line's). */
  readonly packetLength: number;
  readonly maxProbeLength: number;
  readonly icmpTypes: readonly number[] | null;
  readonly #make: (length: number) => TraceProtocol;
  readonly #plan: ProbePlan;
  readonly #bySize = new Map<number, TraceProtocol>();
  readonly #first: TraceProtocol;

  /** `make(length)`: the protocol for probes of `length` bytes; `maxLength` bounds every size asked for. */
  constructor(make: (length: number) => TraceProtocol, plan: ProbePlan, startLength: number, maxLength: number) {
    this.#make = make;
    this.#plan = plan;
    this.#first = this.protocolFor(startLength);
    this.kind = this.#first.kind;
    this.packetLength = this.#first.packetLength;
    this.icmpTypes = this.#first.icmpTypes;
    this.maxProbeLength = Math.max(maxLength, this.#first.maxProbeLength);
  }

  /** The protocol for probes of `length` bytes (raised to the smallest the headers allow). */
  protocolFor(length: number): TraceProtocol {
    let p = this.#bySize.get(length);
    if (p === undefined) {
      p = this.#make(length);
      this.#bySize.set(length, p);
    }
    return p;
  }

  /** The size probes of `length` really have: the headers may need more. */
  sizeFor(length: number): number {
    return this.protocolFor(length).packetLength;
  }

  encode(probe: ProbeSlot, buf: Buffer): number {
    const length = this.#plan.lengthOf(probe.number);
    return (length === 0 ? this.#first : this.protocolFor(length)).encode(probe, buf);
  }

  match(b: Uint8Array, offset: number, length: number, wireLength: number, m: Match): MatchKind {
    for (const p of this.#bySize.values()) {
      const kind = p.match(b, offset, length, wireLength, m);
      if (kind !== MATCH.none) return kind;
    }
    return MATCH.none;
  }

  filter(): BpfInstruction[] | null {
    return this.#first.filter();
  }

  /** TCP probes: the raw TCP socket's filter (trace/socket.ts asks for it). */
  tcpFilter(): BpfInstruction[] {
    return (this.#first as TcpSynProbe).tcpFilter();
  }
}
