// The engine's probe memory (lib/probe/table.ts): its key index (a hash table in a typed array)
// answers exactly as a Map from key to the newest remembered probe would, through ring wraps,
// forgotten slots, keys shared by several probes, and keys above 2^32.
import test from 'ava';
import fc from 'fast-check';
import { ProbeTable } from '../../lib/probe/engine/table.js';

/** The reference: a Map, kept as the table's comments describe. */
class Model {
  readonly byKey = new Map<number, number>();
  readonly number: number[];
  readonly key: number[];
  constructor(readonly capacity: number) {
    this.number = new Array<number>(capacity).fill(-1);
    this.key = new Array<number>(capacity).fill(0);
  }
  add(n: number, key: number): void {
    const s = n % this.capacity;
    this.forget(s);
    this.number[s] = n;
    this.key[s] = key;
    this.byKey.set(key, n);
  }
  forget(s: number): void {
    const old = this.number[s]!;
    if (old < 0) return;
    if (this.byKey.get(this.key[s]!) === old) this.byKey.delete(this.key[s]!);
    this.number[s] = -1;
  }
  lookup(key: number): number {
    return this.byKey.get(key) ?? -1;
  }
}

const op = fc.oneof(
  fc.record({ kind: fc.constant('add' as const), key: fc.nat(40) }),
  fc.record({ kind: fc.constant('add' as const), key: fc.nat() }),
  fc.record({ kind: fc.constant('add' as const), key: fc.integer({ min: 2 ** 32, max: 2 ** 53 - 1 }) }),
  fc.record({ kind: fc.constant('forget' as const), slot: fc.nat(63) }),
  fc.record({ kind: fc.constant('lookup' as const), key: fc.nat(40) }),
);

test('lookup() is the newest remembered probe with the key, as a Map would say, through wraps and forgets', (t) => {
  fc.assert(
    fc.property(fc.constantFrom(16, 32, 64), fc.array(op, { maxLength: 600 }), (capacity, ops) => {
      const table = new ProbeTable(capacity);
      const model = new Model(capacity);
      let n = 0;
      const keys = new Set<number>();
      for (const o of ops) {
        if (o.kind === 'add') {
          table.add(n, o.key, 0, 64, 0, 1000);
          model.add(n, o.key);
          keys.add(o.key);
          n++;
        } else if (o.kind === 'forget') {
          table.forget(o.slot % capacity);
          model.forget(o.slot % capacity);
        } else if (table.lookup(o.key) !== model.lookup(o.key)) {
          return false;
        }
        if (table.indexed !== model.byKey.size) return false;
      }
      for (const key of keys) if (table.lookup(key) !== model.lookup(key)) return false;
      return true;
    }),
    { numRuns: 500 },
  );
  t.pass();
});

test('consecutive keys (sequences, ports) of a full ring are all found, and a key that came round again finds the newer probe', (t) => {
  const table = new ProbeTable(65536);
  const identifier = 0xbeef; // echo keys: identifier << 16 | sequence, above 2^31
  const key = (n: number): number => ((identifier << 16) | ((n + 1) & 0xffff)) >>> 0;
  for (let n = 0; n < 65536 + 100; n++) table.add(n, key(n), 0, 64, 0, 1000);
  t.is(table.indexed, 65536);
  t.is(table.lookup(key(65536 + 99)), 65536 + 99);
  t.is(table.lookup(key(99)), 65536 + 99, 'the same sequence 65536 probes later');
  t.is(table.lookup(key(100)), 100);
  t.is(table.lookup(key(0) + 0x10000), -1, 'another identifier');
});
