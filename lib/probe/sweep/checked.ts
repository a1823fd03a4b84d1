// What the check of a target file (checkTargetFile, before anything is sent) found, kept so that
// the sweep need not read and parse the file a second time: for a list of 65,534 IPv6 addresses
// the second pass cost as much as the first (about 30 ms each, a tenth of sweep -6's run).
//
// Kept only while it is small and plain: at most MAX_KEPT targets, all addresses, blocks or
// ranges, as three typed arrays (12 bytes a line, no object or string per line). A name needs
// its line number and text for the lookup and its error, so a file with a name, or a longer one,
// is kept as nothing (dropped) and read again as it always was. The sweep then also probes the
// file as it was checked, not as it may have been rewritten between the two reads.
import type { TargetSpec } from './targets.js';

/** Most targets kept per file: 3 MB of arrays; a longer file is read a second time instead. */
export const MAX_KEPT = 1 << 18;

export class CheckedList {
  #count = 0;
  #first = new Uint32Array(1024);
  #last = new Uint32Array(1024);
  /** Index into #highs of each target's upper 96 bits (IPv6), -1: none (IPv4). */
  #high = new Int32Array(1024);
  readonly #highs: Uint8Array[] = [];
  #dropped = false;

  /** False once a name or the MAX_KEPT + 1st target came: the file must be read again. */
  get kept(): boolean {
    return !this.#dropped;
  }

  get length(): number {
    return this.#count;
  }

  /** Adds the next spec of the file, or drops the whole list when it cannot be kept. */
  add(spec: TargetSpec): void {
    if (spec.name !== null) return this.#drop();
    this.addRange(spec.first, spec.last, spec.high ?? null);
  }

  /** Adds addresses first..last (u32), IPv6's with their upper bits `high` (shared: read only). */
  addRange(first: number, last: number, high: Uint8Array | null): void {
    if (this.#dropped) return;
    if (this.#count === MAX_KEPT) return this.#drop();
    const i = this.#count++;
    if (i === this.#first.length) this.#grow();
    this.#first[i] = first;
    this.#last[i] = last;
    this.#high[i] = high === null ? -1 : this.#highIndex(high);
  }

  /**
   * Adds `count` addresses, low[i] each (IPv4 whole, IPv6 its last 32 bits), IPv6's all with the
   * first 12 bytes `high` (the address lane's run: address-lane.ts). Copied a run at a time.
   */
  addPlain(low: Uint32Array, high: Uint8Array | null, count: number): void {
    if (this.#dropped || count === 0) return;
    if (this.#count + count > MAX_KEPT) return this.#drop();
    while (this.#count + count > this.#first.length) this.#grow();
    const index = high === null ? -1 : this.#highIndex(high);
    const run = low.subarray(0, count);
    this.#first.set(run, this.#count);
    this.#last.set(run, this.#count);
    this.#high.fill(index, this.#count, this.#count + count);
    this.#count += count;
  }

  /** Target i's first and last address (u32) and upper 96 bits (IPv6, shared: read only; IPv4 null). */
  first(i: number): number {
    return this.#first[i]!;
  }

  last(i: number): number {
    return this.#last[i]!;
  }

  high(i: number): Uint8Array | null {
    const h = this.#high[i]!;
    return h < 0 ? null : this.#highs[h]!;
  }

  /**
   * Where `high` is in #highs: consecutive lines and runs mostly share their upper bits, so they
   * share the last one kept when its bytes are the same; else a copy of it (the address lane
   * reuses its array) is kept.
   */
  #highIndex(high: Uint8Array): number {
    const n = this.#highs.length;
    const last = n > 0 ? this.#highs[n - 1]! : null;
    let same = last !== null;
    for (let b = 0; b < 12 && same && last !== high; b++) same = last![b] === high[b];
    if (same) return n - 1;
    this.#highs.push(high.slice(0, 12));
    return n;
  }

  #grow(): void {
    const size = this.#first.length * 2;
    const grown = <T extends Uint32Array | Int32Array>(a: T, b: T): T => (b.set(a), b);
    this.#first = grown(this.#first, new Uint32Array(size));
    this.#last = grown(this.#last, new Uint32Array(size));
    this.#high = grown(this.#high, new Int32Array(size));
  }

  #drop(): void {
    this.#dropped = true;
    this.#count = 0;
    this.#first = this.#last = new Uint32Array(0);
    this.#high = new Int32Array(0);
    this.#highs.length = 0;
  }
}

/** The lists kept by the check, by file name as given. */
export type CheckedFiles = ReadonlyMap<string, CheckedList>;
