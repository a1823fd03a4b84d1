// The sweep's memory of its probes: one record per echo sequence number, so that an answer is
// known for as long as fping's sequence map knows it (65,536 probes), however small the engine's
// own table stays. The engine's table holds what is in flight and grows only for that (a sweep
// in the sweep lab keeps a few thousand probes in flight, a dead /16 at full rate all of them);
// an answer to a probe it has forgotten comes here (SweepHandler.forgotten), and is told from
// these records: late, duplicate, or an ICMP message about a probe already settled.
//
// 19 bytes a probe (IPv6: 39, its address also in words), no object: the target it went to (its
// serial number and lane, since lanes are reused), its index among that target's probes, its
// address, when it was sent (µs since the run began, on 32 bits: the round trip of a duplicate
// within 71 minutes), and its state.
import { NS_PER_MS } from '../../socket/clock.js';
import { newTypedColumns, type TypedColumns } from '../engine/columns.js';

/** A probe's standing. */
export const PROBE = {
  /** Sent, not settled: a reply, a timeout or an ICMP error will settle it. */
  open: 0,
  /** Settled without a reply (timed out, errored, or its send failed). */
  settled: 1,
  /** Replied: another copy is a duplicate. */
  replied: 2,
  /** A reply came after it was settled without one: another copy is a duplicate. */
  late: 3,
} as const;

/** Records kept: one per echo sequence number (IcmpEchoProtocol.sequenceOf: (n + 1) & 0xffff). */
export const PROBE_MEMORY = 65536;
const MASK = PROBE_MEMORY - 1;
const NS_PER_US = NS_PER_MS / 1000;

/** Per probe, by slot (n & MASK). */
const PROBE_COLUMNS = {
  /** Serial number of the target it went to (Lanes' serial). */
  serial: Uint32Array,
  /** The lane that target was probed through: fewer than PROBE_MEMORY lanes ever (SweepHandler's cap). */
  lane: Uint16Array,
  /** Its index among that target's probes. */
  index: Int32Array,
  /** When it went, µs after `startedAt`, modulo 2^32. */
  sentUs: Uint32Array,
  /** PROBE state. */
  state: Uint8Array,
} as const;

export class SweepProbes {
  readonly cols: TypedColumns<typeof PROBE_COLUMNS>;
  /**
   * IPv6: each probe's address as four words, so that an answer after its target finished is
   * reported by address (IPv4 has it in `address`). Numbers, not text: a string per probe
   * would live as long as the record, into V8's old space.
   */
  readonly words: Uint32Array | null;
  /**
   * The address each probe went to: IPv4 its u32, IPv6 its address6Key (53 bits). Not a column:
   * IPv4 takes half the bytes (256 kB less touched by a /16).
   */
  readonly address: Uint32Array | Float64Array;
  /** Clock time the send times count from (clock.ts ns). */
  startedAt = 0;

  constructor(ipv6: boolean) {
    this.cols = newTypedColumns(PROBE_COLUMNS, PROBE_MEMORY);
    this.words = ipv6 ? new Uint32Array(PROBE_MEMORY * 4) : null;
    this.address = ipv6 ? new Float64Array(PROBE_MEMORY) : new Uint32Array(PROBE_MEMORY);
  }

  /** Probe n's record. */
  slot(n: number): number {
    return n & MASK;
  }

  /** The record of the probe an echo answer's key (identifier << 16 | sequence) names. */
  slotOfKey(key: number): number {
    return ((key & 0xffff) - 1) & MASK;
  }

  /** Probe s goes to the lane's target; `words` at `at`: its IPv6 address. */
  open(s: number, lane: number, serial: number, index: number, address: number, words: Uint32Array | null, at: number): void {
    const c = this.cols;
    c.serial[s] = serial;
    c.lane[s] = lane;
    c.index[s] = index;
    this.address[s] = address;
    c.state[s] = PROBE.open;
    const w = this.words;
    if (w !== null && words !== null) for (let i = 0; i < 4; i++) w[s * 4 + i] = words[at + i]!;
  }

  /** Probe s went at clock time `at`. */
  sent(s: number, at: number): void {
    this.cols.sentUs[s] = Math.floor((at - this.startedAt) / NS_PER_US) >>> 0;
  }

  /** Nanoseconds from probe s's send to `at` (µs resolution). */
  since(s: number, at: number): number {
    const nowUs = Math.floor((at - this.startedAt) / NS_PER_US) >>> 0;
    return ((nowUs - (this.cols.sentUs[s] as number)) >>> 0) * NS_PER_US;
  }
}
