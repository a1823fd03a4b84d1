// What a handler chooses per probe beyond TTL and TOS, for the protocol to encode: the flow a
// probe belongs to (Paris and Dublin traceroute: trace --paris, --multipath) and its length
// (trace --mtu shrinks its probes). The handler sets them in next(), before the engine encodes
// the probe; the protocol reads them whenever it encodes probe n: when it goes out, when a full
// socket buffer makes the engine encode it again, and when the header comparison encodes it
// once more to compare with a quote (trace/answer.ts). So the plan remembers as many probes as
// the engine does: a ring indexed by probe number.
//
// A probe nobody planned is flow 0 at the protocol's own length.

import { ringSize } from '../engine/ring-size.js';

/** Flow 0 and the protocol's own length: what a probe gets unless the handler says otherwise. */
const DEFAULT_FLOW = 0;
const DEFAULT_LENGTH = 0;

export class ProbePlan {
  readonly #flow: Int32Array;
  readonly #length: Int32Array;
  /** Which probe each slot holds, -1 for none. */
  readonly #number: Float64Array;
  readonly #mask: number;

  /** `memory`: probes remembered (the engine's), rounded up to a power of two. */
  constructor(memory: number) {
    const size = ringSize(memory);
    this.#flow = new Int32Array(size);
    this.#length = new Int32Array(size);
    this.#number = new Float64Array(size).fill(-1);
    this.#mask = size - 1;
  }

  /** Probe n belongs to `flow` and is `length` bytes long (0: the protocol's own length). */
  set(n: number, flow: number, length = DEFAULT_LENGTH): void {
    const s = n & this.#mask;
    this.#number[s] = n;
    this.#flow[s] = flow;
    this.#length[s] = length;
  }

  /** The flow of probe n (0 unless planned). */
  flowOf(n: number): number {
    const s = n & this.#mask;
    return this.#number[s] === n ? (this.#flow[s] as number) : DEFAULT_FLOW;
  }

  /** The length of probe n in bytes, 0 for the protocol's own. */
  lengthOf(n: number): number {
    const s = n & this.#mask;
    return this.#number[s] === n ? (this.#length[s] as number) : DEFAULT_LENGTH;
  }
}

/** The flows probes are spread over (trace --paris: 1, --multipath: K), and which one probe n is in. */
export class Flows {
  readonly plan: ProbePlan;
  readonly count: number;

  constructor(plan: ProbePlan, count: number) {
    this.plan = plan;
    this.count = count;
  }

  /** Probe n's flow, 0 to count - 1. */
  of(n: number): number {
    return this.plan.flowOf(n) % this.count;
  }
}
