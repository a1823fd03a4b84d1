// The sweep's per-target state, by lane (an engine target index, reused as targets finish): one
// typed array per field, all declared once in LANE_COLUMNS, grown together by doubling up to the
// number of targets probed at once. No object per target: a /16 would make 65,534 of them.
import { newTypedColumns, type TypedColumns } from '../engine/columns.js';
import type { SweepResult } from './events.js';

/** Every per-target field, and the array type that holds it. */
export const LANE_COLUMNS = {
  /** Serial number of the target in the lane (its position in the list), -1 when free. */
  serial: Float64Array,
  /** Its address as a u32. */
  address: Float64Array,
  /** Probes sent, settled (answered, timed out, refused), and what came back. */
  sent: Int32Array,
  settled: Int32Array,
  received: Int32Array,
  duplicates: Int32Array,
  late: Int32Array,
  errors: Int32Array,
  /** Probes sent and not settled. */
  open: Int32Array,
  /** The next probe's wait (alive mode: longer after each retry, fping -B), ms. */
  timeoutMs: Float64Array,
  /** When its last probe was due (count mode's period counts from there), clock ns. */
  due: Float64Array,
  /** Round trips of its replies, ns. */
  minNs: Float64Array,
  maxNs: Float64Array,
  sumNs: Float64Array,
  lastNs: Float64Array,
} as const;

export type LaneColumns = TypedColumns<typeof LANE_COLUMNS>;

const COLUMN_KEYS = Object.keys(LANE_COLUMNS) as (keyof LaneColumns)[];

export class Lanes {
  size: number;
  /** The columns; grown (replaced) by reserve(), so read them again after it. */
  cols: LaneColumns;
  /** The address as text (what a result line says), made once per target. */
  readonly text: string[] = [];
  /** IPv6: each lane's address as four words (readIpv6Words), for the probes sent to it; grown with the columns. */
  words: Uint32Array;
  /** The name the target was given as, or null. */
  readonly name: (string | null)[] = [];
  /** The same columns as a list, for clearing a lane (once per target: no key lookups there). */
  #all: (Float64Array | Int32Array)[];

  constructor(size: number) {
    this.size = size;
    this.cols = newTypedColumns(LANE_COLUMNS, size);
    this.cols.serial.fill(-1);
    this.#all = COLUMN_KEYS.map((key) => this.cols[key]);
    this.words = new Uint32Array(size * 4);
  }

  /** Makes room for lane index `i`. */
  reserve(i: number): void {
    if (i < this.size) return;
    let size = this.size;
    while (size <= i) size *= 2;
    const grown = newTypedColumns(LANE_COLUMNS, size);
    for (const key of COLUMN_KEYS) grown[key].set(this.cols[key]);
    grown.serial.fill(-1, this.size);
    this.cols = grown;
    this.#all = COLUMN_KEYS.map((key) => grown[key]);
    const words = new Uint32Array(size * 4);
    words.set(this.words);
    this.words = words;
    this.size = size;
  }

  /** Every field of lane i back to 0 (serial too: the caller sets it). */
  clear(i: number): void {
    for (const column of this.#all) column[i] = 0;
  }

  /** Lane i's target as a result: its counts and round trips (fping's per-target line); `unfinished`: stopped unanswered before its tries were spent. */
  result(i: number, unfinished: boolean): SweepResult {
    const c = this.cols;
    const received = c.received[i]!;
    const settled = c.settled[i]!;
    const address = this.text[i]!;
    const timed = received > 0;
    return {
      type: 'result',
      host: this.name[i] ?? address,
      address,
      order: c.serial[i]!,
      alive: timed,
      unfinished: unfinished && !timed,
      sent: c.sent[i]!,
      resolved: settled,
      received,
      duplicates: c.duplicates[i]!,
      late: c.late[i]!,
      errors: c.errors[i]!,
      loss: lossOf(settled, received),
      rttNs: timed ? c.lastNs[i]! : null,
      minNs: timed ? c.minNs[i]! : null,
      avgNs: timed ? Math.trunc(c.sumNs[i]! / received) : null,
      maxNs: timed ? c.maxNs[i]! : null,
    };
  }
}

/** fping's whole percent lost, over settled probes. */
export function lossOf(settled: number, received: number): number {
  if (settled <= 0) return 0;
  return Math.max(0, Math.trunc(((settled - received) * 100) / settled));
}
