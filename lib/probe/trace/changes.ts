// What the path did to our header, hop by hop: lib/wire/quote-diff.ts compares each router's
// quote with what we sent, field by field; the ChangeTracker here reports each change at the
// first hop whose quotes show it (tracebox's rule), and keeps, for the summary after the hops,
// where each middlebox is: between the last hop whose quote still had our value (and reached
// that far) and the first that had another.
//
// The quoted TTL: a probe sent with TTL h that expires at hop h arrives there with TTL 1, and
// Linux (like most routers) quotes it before decrementing. A router that quotes 0 decrements
// first; anything else means a hop before it did not decrement (or reset) the TTL. The
// destination's answer to a probe of the first TTL that reaches it quotes 1 as well.
import { CHANGE_FIELDS, type ChangeField, type HeaderChange } from '../../wire/quote-diff.js';

export { CHANGE_FIELDS, compareQuoted, type ChangeField, type CompareOptions, type HeaderChange } from '../../wire/quote-diff.js';

/**
 * Fields whose sent value differs from probe to probe (an IP id per probe, a port per probe):
 * a hop reports "this field is rewritten from here on", not a value. Sequence and
 * acknowledgment numbers are told by their shift when every probe of the hop agrees on it.
 */
const PER_PROBE: ReadonlySet<ChangeField> = new Set<ChangeField>(['id', 'srcPort', 'dstPort', 'checksum', 'seq', 'ack']);
const SHIFTED: ReadonlySet<ChangeField> = new Set<ChangeField>(['seq', 'ack']);

/** A hop as the tracker sees it: its TTL, the first address that answered, and the shortest quote of our datagram (bytes), null when none quoted it. */
export interface HopPlace {
  ttl: number;
  from: string | null;
  quoteBytes: number | null;
}

/** A middlebox: a change first seen at `at`, made after `after` (the last hop whose quote had our value and reached the field; null: none did, from us on). */
export interface Middlebox {
  change: HeaderChange;
  after: { ttl: number; from: string } | null;
  at: { ttl: number; from: string | null };
}

/** The shift from sent to quoted on 32 bits, as a signed number (-2^31 .. 2^31 - 1). */
export function shiftOf(c: HeaderChange): number {
  return ((Number(c.quoted) - Number(c.sent)) | 0);
}

function keyOf(c: HeaderChange): string {
  return c.field === 'tcpOption' ? `tcpOption:${c.option ?? ''}` : c.field;
}

/**
 * Reports each change at the first hop whose quotes show it: a TOS re-marked by the router
 * before hop 3 shows in the quotes of hops 3, 4, 5..., and is reported at hop 3 only. Feed it
 * the hops in TTL order. A field changed to another value further on is reported again there; a
 * per-probe field (id, ports, checksum, seq) is reported once, where it starts being rewritten.
 * The quoted TTL is a fact about each answering router, so it is reported at every hop where it
 * is unusual (and is no middlebox).
 */
export class ChangeTracker {
  readonly #seen = new Map<string, string>();
  readonly #places: HopPlace[] = [];
  readonly #middleboxes: Middlebox[] = [];
  /** Bytes a quote must hold to show a change's field (quote-diff.ts fieldEnd for our probe). */
  readonly #fieldEnd: (c: HeaderChange) => number;

  constructor(fieldEnd: (c: HeaderChange) => number = () => 0) {
    this.#fieldEnd = fieldEnd;
  }

  /**
   * `quotes`: the changes of each answer of this hop that quoted our header (an empty list for
   * an answer whose quote matched exactly); `place`: where the hop is, for middleboxes().
   * Returns the changes new at this hop, in field order.
   */
  hop(quotes: readonly (readonly HeaderChange[])[], place?: HopPlace): HeaderChange[] {
    const out: HeaderChange[] = [];
    for (const first of firstOfEach(quotes)) {
      if (first.field === 'ttl') {
        out.push(first);
        continue;
      }
      const key = keyOf(first);
      const change = SHIFTED.has(first.field) ? withShift(first, quotes) : first;
      const signature = change.delta !== undefined ? `shift ${change.delta}` : PER_PROBE.has(first.field) ? 'rewritten' : String(first.quoted);
      if (this.#seen.get(key) === signature) continue;
      this.#seen.set(key, signature);
      out.push(change);
      if (place !== undefined) this.#middleboxes.push({ change, after: this.#lastShowing(change), at: { ttl: place.ttl, from: place.from } });
    }
    if (place !== undefined && place.quoteBytes !== null) this.#places.push(place);
    return out;
  }

  /** The last hop so far whose quote reached the change's field (so it had our value). */
  #lastShowing(c: HeaderChange): Middlebox['after'] {
    const end = this.#fieldEnd(c);
    for (let i = this.#places.length - 1; i >= 0; i--) {
      const p = this.#places[i]!;
      if (p.quoteBytes !== null && p.quoteBytes >= end && p.from !== null) return { ttl: p.ttl, from: p.from };
    }
    return null;
  }

  /** Every change found so far (the quoted TTL aside), with the hops it lies between. */
  middleboxes(): Middlebox[] {
    return this.#middleboxes;
  }
}

/** The first change of each field (each TCP option), in CHANGE_FIELDS order, across the hop's quotes. */
function firstOfEach(quotes: readonly (readonly HeaderChange[])[]): HeaderChange[] {
  if (quotes.every((q) => q.length === 0)) return [];
  const byKey = new Map<string, HeaderChange>();
  for (const list of quotes) for (const c of list) if (!byKey.has(keyOf(c))) byKey.set(keyOf(c), c);
  const order = (c: HeaderChange): number => CHANGE_FIELDS.indexOf(c.field);
  return [...byKey.values()].sort((a, b) => order(a) - order(b));
}

/** A seq or ack change with its shift (`delta`) when every quote of the hop that changed it agrees. */
function withShift(first: HeaderChange, quotes: readonly (readonly HeaderChange[])[]): HeaderChange {
  const shifts = new Set<number>();
  for (const list of quotes) for (const c of list) if (c.field === first.field) shifts.add(shiftOf(c));
  return shifts.size === 1 ? { ...first, delta: shiftOf(first) } : first;
}
