// Fuzzing the reader: random bytes, random cuts and random byte flips of valid files (classic
// and pcapng) only ever give records and/or a PcapError: no other exception, no RangeError, no
// record outside the input, no hang. Cuts give exactly the records before the cut. The stream
// reader, fed in random chunk sizes, agrees with the buffer reader on all of it.
// A failing case prints its seed; keep it as a fixed case below.

import test from 'ava';
import fc from 'fast-check';
import { LINKTYPE, PcapError, encodePcap, readPcapFile, type RecordView } from '../../lib/pcap/index.js';
import { PcapngBuilder } from './pcapng-builder.js';
import { chunkedStream, collect, snapshot } from './helpers.js';

const packetArb = fc.uint8Array({ minLength: 0, maxLength: 300 });

const classicArb = fc.record({
  packets: fc.array(packetArb, { maxLength: 8 }),
  byteOrder: fc.constantFrom('little' as const, 'big' as const),
  nanosecond: fc.boolean(),
  linkType: fc.constantFrom(0, 1, 101, 108, 113, 228, 276, 147),
});

function classicFile(c: { packets: Uint8Array[]; byteOrder: 'little' | 'big'; nanosecond: boolean; linkType: number }): Buffer {
  return encodePcap(
    c.packets.map((data, i) => ({ data, timestamp: { sec: i, nsec: i * 1000 } })),
    { byteOrder: c.byteOrder, nanosecond: c.nanosecond, linkType: c.linkType },
  );
}

const pcapngArb = fc.record({
  packets: fc.array(fc.tuple(fc.constantFrom('epb', 'spb', 'pb', 'isb'), packetArb), { maxLength: 6 }),
  littleEndian: fc.boolean(),
  tsresol: fc.constantFrom(undefined, 6, 9, 0x80 | 20),
});

function pcapngFile(c: { packets: [string, Uint8Array][]; littleEndian: boolean; tsresol: number | undefined }): Buffer {
  const b = new PcapngBuilder(c.littleEndian).shb().idb(LINKTYPE.RAW, 0, { tsresol: c.tsresol });
  c.packets.forEach(([kind, data], i) => {
    const d = Buffer.from(data);
    if (kind === 'epb') b.epb(0, BigInt(i) * 1_000_123n, d);
    else if (kind === 'spb') b.spb(d);
    else if (kind === 'pb') b.pb(0, BigInt(i), d);
    else b.isb(0);
  });
  return b.build();
}

/** Records lie inside the input, in order, and the only error is a PcapError. */
function checkOutcome(buf: Uint8Array): ReturnType<typeof collect> {
  const c = collect(buf);
  if (c.error !== null && !(c.error instanceof PcapError)) throw c.error;
  c.views.forEach((v, i) => {
    if (v.index !== i) throw new Error(`index ${v.index} at position ${i}`);
    if (v.fileOffset < 0 || v.fileOffset + v.capturedLength > buf.length) {
      throw new Error(`record ${i} [${v.fileOffset}, +${v.capturedLength}) outside ${buf.length} bytes`);
    }
  });
  return c;
}

const flat = (views: RecordView[]): object[] => views.map((v) => ({ ...v, buffer: Buffer.from(v.buffer).toString('hex') }));

test('random bytes, with or without a valid magic number in front', (t) => {
  const prefix = fc.constantFrom('', 'd4c3b2a1', 'a1b2c3d4', '4d3cb2a1', 'a1b23c4d', '0a0d0d0a', '0a0d0d0a000000204d3c2b1a');
  fc.assert(
    fc.property(prefix, fc.uint8Array({ maxLength: 400 }), (p, rest) => {
      checkOutcome(Buffer.concat([Buffer.from(p, 'hex'), rest]));
    }),
    { numRuns: 2000 },
  );
  t.pass();
});

test('a classic file cut anywhere gives exactly the records before the cut, then the break', (t) => {
  fc.assert(
    fc.property(classicArb, fc.nat(), (c, n) => {
      const file = classicFile(c);
      const full = checkOutcome(file);
      if (full.error !== null || full.views.length !== c.packets.length) throw new Error('valid file did not read');
      const cut = n % (file.length + 1);
      const got = checkOutcome(file.subarray(0, cut));
      // Record ends: a cut exactly there is a shorter valid file.
      const ends = [24];
      for (const p of c.packets) ends.push(ends[ends.length - 1]! + 16 + p.length);
      const before = ends.filter((e) => e <= cut).length - 1;
      t.deepEqual(flat(got.views), flat(full.views.slice(0, Math.max(0, before))));
      if (ends.includes(cut)) {
        t.is(got.error, null);
      } else {
        const e = got.error as PcapError;
        t.true(e instanceof PcapError);
        t.is(e.packetIndex, Math.max(0, before));
        t.is(e.offset, cut < 24 ? 0 : ends[before]!);
      }
    }),
    { numRuns: 400 },
  );
});

test('a pcapng file cut anywhere gives a prefix of its records, then a PcapError', (t) => {
  fc.assert(
    fc.property(pcapngArb, fc.nat(), (c, n) => {
      const file = pcapngFile(c);
      const full = checkOutcome(file);
      if (full.error !== null) throw full.error;
      const cut = n % (file.length + 1);
      const got = checkOutcome(file.subarray(0, cut));
      t.deepEqual(flat(got.views), flat(full.views.slice(0, got.views.length)));
      if (got.error !== null) t.is((got.error as PcapError).packetIndex, got.views.length);
      else if (cut < file.length) t.true(cut >= 24); // only at a block boundary
    }),
    { numRuns: 400 },
  );
});

test('random byte flips in valid classic and pcapng files: records or a PcapError, nothing else', (t) => {
  const fileArb = fc.oneof(classicArb.map(classicFile), pcapngArb.map(pcapngFile));
  fc.assert(
    fc.property(fileArb, fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 6 }), (file, flips) => {
      const b = Buffer.from(file);
      for (const [at, value] of flips) b[at % b.length] = value;
      checkOutcome(b);
    }),
    { numRuns: 2000 },
  );
  t.pass();
});

test('the stream reader in random chunk sizes agrees with the buffer reader, errors included', async (t) => {
  const inputArb = fc.oneof(
    classicArb.map(classicFile),
    pcapngArb.map(pcapngFile),
    fc.tuple(classicArb, fc.nat()).map(([c, n]) => {
      const f = classicFile(c);
      return f.subarray(0, n % (f.length + 1));
    }),
    fc.tuple(pcapngArb, fc.nat(), fc.integer({ min: 0, max: 255 })).map(([c, at, v]) => {
      const f = Buffer.from(pcapngFile(c));
      f[at % f.length] = v;
      return f;
    }),
  );
  await fc.assert(
    fc.asyncProperty(inputArb, fc.array(fc.integer({ min: 1, max: 700 }), { minLength: 1, maxLength: 5 }), fc.integer({ min: 64, max: 2048 }), async (input, sizes, chunkSize) => {
      const expected = collect(input);
      const views: RecordView[] = [];
      let error: unknown = null;
      try {
        await readPcapFile(chunkedStream(input, sizes), (v) => void views.push(snapshot(v)), { chunkSize });
      } catch (e) {
        error = e;
      }
      t.deepEqual(flat(views), flat(expected.views));
      if (expected.error === null) t.is(error, null);
      else {
        t.true(error instanceof PcapError, String(error));
        const a = error as PcapError;
        const b = expected.error as PcapError;
        t.deepEqual([a.reason, a.packetIndex, a.offset, a.message], [b.reason, b.packetIndex, b.offset, b.message]);
      }
    }),
    { numRuns: 300 },
  );
});
