// The property machinery both halves of the packet library share (property.test.ts for IPv4,
// property6.test.ts for IPv6): what "bytes in, a packet or a DecodeError out, nothing else" means
// for a codec, and the three properties every codec is held to: mutated and cut real and
// generated packets, and reading only inside the range given. Each test file brings its codec and
// its own generators; fast-check drives them.
//
// WIRE_FUZZ_RUNS=20000 npx ava dist/test/wire/property.test.js (or property6) for a longer hunt.
import type { TestFn } from 'ava';
import fc from 'fast-check';
import { DecodeError } from '../../lib/wire/errors.js';
import { jsonify } from '../../lib/wire/json.js';

export const RUNS = Number(process.env.WIRE_FUZZ_RUNS ?? 600);
export const u8 = fc.integer({ min: 0, max: 0xff });

/** A whole-packet codec as the properties call it. */
export interface FuzzCodec<P extends { bytes: number }> {
  /** Decodes bytes that are all there is of the packet (on the wire too). */
  decodeWhole(b: Uint8Array): P;
  /** Decodes buf[offset, offset + length), knowing nothing more. */
  decode(buf: Uint8Array, offset: number, length: number): P;
  encode(init: unknown): Buffer;
  fromJson(json: unknown): unknown;
}

/** The packet as an init: every layer it has (truncated and bytes are derived). */
export function initOf(p: object): unknown {
  const { truncated: _truncated, bytes: _bytes, ...init } = p as Record<string, unknown>;
  return init;
}

/** A decoded packet as comparable text. */
export function plain(p: unknown): string {
  return JSON.stringify(jsonify(p));
}

/**
 * decode(encode(init)) for every generated init: `kept` says whether the packet holds what the
 * init gave (and what encode computed); then the packet, given back whole, must re-encode to the
 * same bytes and decode the same.
 */
export function assertRoundTrip<P extends { bytes: number }, I>(codec: FuzzCodec<P>, inits: fc.Arbitrary<I>, kept: (init: I, p: P, bytes: Buffer) => boolean): void {
  fc.assert(
    fc.property(inits, (init) => {
      const bytes = codec.encode(init);
      const p = codec.decodeWhole(bytes);
      if (!kept(init, p, bytes)) return false;
      const again = codec.encode(initOf(p));
      return again.equals(bytes) && plain(codec.decodeWhole(again)) === plain(p);
    }),
    { numRuns: RUNS },
  );
}

/**
 * Decoding may only give a packet (that re-encodes exactly, from itself and through JSON) or
 * throw DecodeError with an offset inside the bytes. null when so, else what went wrong.
 */
export function decodeOnly<P extends { bytes: number }>(codec: FuzzCodec<P>, bytes: Uint8Array): string | null {
  let p: P;
  try {
    p = codec.decodeWhole(bytes);
  } catch (e) {
    if (e instanceof DecodeError) {
      if (!Number.isInteger(e.offset) || e.offset < 0 || e.offset > bytes.length) return `bad offset ${e.offset}`;
      return null;
    }
    return `threw ${(e as Error)?.constructor?.name}: ${(e as Error)?.message}`;
  }
  const want = Buffer.from(bytes.buffer, bytes.byteOffset, p.bytes);
  let again: Buffer;
  try {
    again = codec.encode(initOf(p));
  } catch (e) {
    return `re-encode threw ${(e as Error).message}`;
  }
  if (!again.equals(want)) return `re-encode differs: ${again.toString('hex')} vs ${want.toString('hex')}`;
  try {
    const viaJson = codec.encode(codec.fromJson(JSON.parse(plain(p))));
    if (!viaJson.equals(want)) return `JSON round trip differs: ${viaJson.toString('hex')}`;
  } catch (e) {
    return `JSON round trip threw ${(e as Error).message}`;
  }
  return null;
}

/** Mutated (a few bytes flipped) and cut seeds: only ever a packet or a DecodeError. */
export function assertMutationsDecodeOnly<P extends { bytes: number }>(codec: FuzzCodec<P>, seeds: fc.Arbitrary<Buffer>): void {
  fc.assert(
    fc.property(seeds, fc.array(fc.tuple(fc.nat(), u8), { maxLength: 4 }), fc.option(fc.nat(), { nil: undefined }), (seed, flips, cut) => {
      const b = Buffer.from(seed);
      for (const [at, v] of flips) b[at % b.length] = v;
      const n = cut === undefined ? b.length : cut % (b.length + 1);
      const r = decodeOnly(codec, b.subarray(0, n));
      if (r !== null) throw new Error(`${r} for ${b.subarray(0, n).toString('hex')}`);
      return true;
    }),
    { numRuns: RUNS * 3 },
  );
}

/** The outcome of decoding buf[offset, offset + length) as text: the packet or the error. */
function outcome<P extends { bytes: number }>(codec: FuzzCodec<P>, buf: Uint8Array, offset: number, length: number): string {
  try {
    return plain(codec.decode(buf, offset, length));
  } catch (e) {
    return e instanceof DecodeError ? `${e.offset - offset} ${e.reason}` : `other ${(e as Error).message}`;
  }
}

/**
 * The decoders read only inside the range they are given: the same bytes, surrounded once by
 * 0x00 and once by 0xff, decode alike (any read outside the range, or of an undefined index,
 * would make the two answers differ).
 */
export function assertReadsInsideRange<P extends { bytes: number }>(codec: FuzzCodec<P>, seeds: fc.Arbitrary<Buffer>): void {
  fc.assert(
    fc.property(seeds, fc.array(fc.tuple(fc.nat(), u8), { maxLength: 3 }), fc.nat(), fc.integer({ min: 0, max: 9 }), (seed, flips, cut, at) => {
      const b = Buffer.from(seed);
      for (const [i, v] of flips) b[i % b.length] = v;
      const n = cut % (b.length + 1);
      const low = new Uint8Array(at + b.length + 8).fill(0x00);
      const high = new Uint8Array(at + b.length + 8).fill(0xff);
      low.set(b.subarray(0, n), at);
      high.set(b.subarray(0, n), at);
      const a = outcome(codec, low, at, n);
      return a === outcome(codec, high, at, n) && !a.startsWith('other');
    }),
    { numRuns: RUNS * 2 },
  );
}

/**
 * The two robustness properties (assertMutationsDecodeOnly, assertReadsInsideRange) as ava
 * tests, under each file's titles: both halves of the library register them the same way.
 */
export function robustnessTests<P extends { bytes: number }>(
  test: TestFn,
  titles: { mutations: string; range: string },
  codec: FuzzCodec<P>,
  seeds: fc.Arbitrary<Buffer>,
): void {
  test(titles.mutations, (t) => {
    assertMutationsDecodeOnly(codec, seeds);
    t.pass();
  });
  test(titles.range, (t) => {
    assertReadsInsideRange(codec, seeds);
    t.pass();
  });
}

/** An input that once broke a property, kept so it never breaks again. */
export interface Regression {
  hex: string;
  why: string;
}

/** Every regression decodes (and re-encodes) as decodeOnly demands; `why` names a failure. */
export function assertRegressions<P extends { bytes: number }>(t: { is(actual: unknown, expected: unknown, message?: string): unknown }, codec: FuzzCodec<P>, regressions: readonly Regression[]): void {
  for (const r of regressions) t.is(decodeOnly(codec, Buffer.from(r.hex, 'hex')), null, r.why);
}
