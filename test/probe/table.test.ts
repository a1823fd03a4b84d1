// The engine's probe memory (lib/probe/table.ts): its key index (a hash table in a typed array)
// answers exactly as a Map from key to the newest remembered probe would, through ring wraps,
// forgotten slots, keys shared by several probes, keys above 2^32, and the ring doubling.
import test from 'ava';
import fc from 'fast-check';
import { ProbeTable } from '../../lib/probe/engine/table.js';

/** The reference: a Map, kept as the table's comments describe. */
class Model {
  readonly byKey = new Map<number, number>();
  number: number[];
  key: number[];
  constructor(public capacity: number) {
    this.number = new Array<number>(capacity).fill(-1);
    this.key = new Array<number>(capacity).fill(0);
  }
  /** More slots: each remembered probe moves to n % capacity, nothing is forgotten. */
  grow(to: number): void {
    const { number, key } = this;
    this.capacity = to;
    this.number = new Array<number>(this.capacity).fill(-1);
    this.key = new Array<number>(this.capacity).fill(0);
    number.forEach((n, s) => {
      if (n < 0) return;
      this.number[n % this.capacity] = n;
      this.key[n % this.capacity] = key[s]!;
    });
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

test('a ring that grows keeps every remembered probe and answers lookup() as before, at its new size', (t) => {
  const growOp = fc.oneof(op, op, fc.record({ kind: fc.constant('grow' as const) }));
  fc.assert(
    fc.property(fc.array(growOp, { maxLength: 600 }), (ops) => {
      const table = new ProbeTable(16, 128);
      const model = new Model(16);
      let n = 0;
      const keys = new Set<number>();
      for (const o of ops) {
        if (o.kind === 'grow') {
          const grew = table.grow(n);
          if (grew !== model.capacity < 128) return false;
          if (grew) model.grow(128);
        } else if (o.kind === 'add') {
          table.add(n, o.key, 0, 64, 0, 1000);
          model.add(n, o.key);
          keys.add(o.key);
          n++;
        } else if (o.kind === 'forget') {
          table.forget(o.slot % table.capacity);
          model.forget(o.slot % model.capacity);
        } else if (table.lookup(o.key) !== model.lookup(o.key)) {
          return false;
        }
        if (table.capacity !== model.capacity || table.indexed !== model.byKey.size) return false;
      }
      for (const key of keys) if (table.lookup(key) !== model.lookup(key)) return false;
      for (let m = Math.max(0, n - table.capacity); m < n; m++) if (table.has(m) !== (model.number[m % model.capacity] === m)) return false;
      return true;
    }),
    { numRuns: 500 },
  );
  t.pass();
});

test('grow() moves every field of a probe with it', (t) => {
  const table = new ProbeTable(16, 64);
  for (let n = 0; n < 20; n++) {
    table.add(n, 1000 + n, n % 7, 60 + n, n, 500 + n);
    table.sentAt[table.slot(n)] = 1e9 + n;
  }
  t.true(table.grow(20));
  t.is(table.capacity, 64, 'straight to its largest');
  for (let n = 0; n < 4; n++) t.false(table.has(n), `probe ${n} was forgotten before the ring grew`);
  for (let n = 4; n < 20; n++) {
    const s = table.slot(n);
    t.is(s, n, 'slot n & 63');
    t.is(table.lookup(1000 + n), n);
    t.deepEqual([table.target[s], table.ttl[s], table.tos[s], table.timeout[s], table.sentAt[s]], [n % 7, 60 + n, n, 500 + n, 1e9 + n]);
  }
  t.false(table.grow(20), 'not past maxCapacity');
  t.is(table.capacity, 64);
});
