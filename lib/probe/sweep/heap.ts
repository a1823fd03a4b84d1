// The sweep's delayed probes (a retry after an ICMP error, count mode's next probe one period
// later) in a binary min-heap by due time, ties in the order they were added, so one timer for
// the earliest serves them all.

/** A probe waiting for its time: lane and serial say which target (a stale serial: it finished meanwhile). */
export interface Due {
  at: number;
  lane: number;
  serial: number;
  order: number;
}

export class DueHeap {
  readonly #items: Due[] = [];
  #order = 0;

  get size(): number {
    return this.#items.length;
  }

  /** The earliest due time, Infinity when empty. */
  get earliest(): number {
    return this.#items[0]?.at ?? Number.POSITIVE_INFINITY;
  }

  push(at: number, lane: number, serial: number): void {
    const heap = this.#items;
    heap.push({ at, lane, serial, order: this.#order++ });
    let i = heap.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!before(heap[i]!, heap[parent]!)) break;
      [heap[i], heap[parent]] = [heap[parent]!, heap[i]!];
      i = parent;
    }
  }

  /** Takes the earliest; call only when size > 0. */
  pop(): Due {
    const heap = this.#items;
    const top = heap[0]!;
    const last = heap.pop()!;
    if (heap.length > 0) {
      heap[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < heap.length && before(heap[l]!, heap[m]!)) m = l;
        if (r < heap.length && before(heap[r]!, heap[m]!)) m = r;
        if (m === i) break;
        [heap[i], heap[m]] = [heap[m]!, heap[i]!];
        i = m;
      }
    }
    return top;
  }
}

function before(a: Due, b: Due): boolean {
  return a.at < b.at || (a.at === b.at && a.order < b.order);
}
