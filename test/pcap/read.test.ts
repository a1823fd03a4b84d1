// Classic pcap reading: the four magic/byte-order variants from hand-written bytes, the view
// fields, and the same records from every entry point (buffer, file in small or large chunks,
// a chunked stream like stdin, the async iterable).

import test from 'ava';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { LINKTYPE, encodePcap, pcapRecords, readPcapBuffer, readPcapFile, type PcapInfo, type RecordView } from '../../lib/pcap/index.js';
import { chunkedStream, collect, icmpEchoPacket, snapshot } from './helpers.js';
import { tempDir } from '../helpers/tmp.js';

// One record holding 4 bytes "45 00 00 04"-ish data, written by hand for each variant:
// ts 0x5f5e1000 s, fraction 0x0001e240 (123456), incl 4, orig 60, snaplen 65535, link 1.
const DATA = 'deadbeef';
/** The global header and the record, each field written in `order` by Buffer itself (not lib/pcap). */
function handWritten(magic: number, order: 'little' | 'big'): string {
  const field = (value: number, bytes: 2 | 4): string => {
    const b = Buffer.alloc(bytes);
    if (order === 'little') b.writeUIntLE(value, 0, bytes);
    else b.writeUIntBE(value, 0, bytes);
    return b.toString('hex');
  };
  const header = field(magic, 4) + field(2, 2) + field(4, 2) + field(0, 4) + field(0, 4) + field(0xffff, 4) + field(1, 4);
  return header + field(0x5f5e1000, 4) + field(0x0001e240, 4) + field(4, 4) + field(60, 4) + DATA;
}

const VARIANTS = [
  { name: 'little-endian microsecond (d4c3b2a1)', hex: handWritten(0xa1b2c3d4, 'little'), byteOrder: 'little', nanosecond: false, nsec: 123456000 },
  { name: 'big-endian microsecond (a1b2c3d4)', hex: handWritten(0xa1b2c3d4, 'big'), byteOrder: 'big', nanosecond: false, nsec: 123456000 },
  { name: 'little-endian nanosecond (4d3cb2a1)', hex: handWritten(0xa1b23c4d, 'little'), byteOrder: 'little', nanosecond: true, nsec: 123456 },
  { name: 'big-endian nanosecond (a1b23c4d)', hex: handWritten(0xa1b23c4d, 'big'), byteOrder: 'big', nanosecond: true, nsec: 123456 },
] as const;

for (const v of VARIANTS) {
  test(`reads ${v.name} from hand-written bytes`, (t) => {
    const buf = Buffer.from(v.hex, 'hex');
    const infos: PcapInfo[] = [];
    const views: RecordView[] = [];
    const summary = readPcapBuffer(buf, (view) => void views.push({ ...view }), { onInfo: (i) => infos.push(i) });
    t.is(infos.length, 1);
    t.deepEqual(summary.info, {
      format: 'pcap',
      byteOrder: v.byteOrder,
      versionMajor: 2,
      versionMinor: 4,
      linkType: LINKTYPE.ETHERNET,
      snaplen: 65535,
      nanosecond: v.nanosecond,
      interfaces: [{ linkType: 1, snaplen: 65535, fcsLength: 0, unitsPerSecond: v.nanosecond ? 1e9 : 1e6 }],
    });
    t.is(summary.records, 1);
    t.false(summary.stopped);
    t.is(views.length, 1);
    const r = views[0]!;
    t.is(r.buffer, buf);
    t.like(r, { index: 0, offset: 40, fileOffset: 40, capturedLength: 4, originalLength: 60, tsSec: 0x5f5e1000, tsNsec: v.nsec });
    t.like(r, { hasTimestamp: true, linkType: 1, fcsLength: 0 });
    t.is(r.interfaceId, 0);
    t.is(buf.subarray(r.offset, r.offset + r.capturedLength).toString('hex'), DATA);
  });
}

test('the RecordView is one object reused for every record', (t) => {
  const file = encodePcap([1, 2, 3].map((seq) => ({ data: icmpEchoPacket({ seq }) })));
  const seen = new Set<RecordView>();
  readPcapBuffer(file, (v) => void seen.add(v));
  t.is(seen.size, 1);
});

test('a Uint8Array at a non-zero byteOffset: offsets index the same memory', (t) => {
  const file = encodePcap([{ data: icmpEchoPacket({ seq: 7 }), timestamp: { sec: 9, nsec: 5000 } }]);
  const backing = new Uint8Array(file.length + 100).fill(0xa5);
  backing.set(file, 37);
  const u8 = backing.subarray(37, 37 + file.length);
  const got: string[] = [];
  readPcapBuffer(u8, (v) => {
    t.is(v.buffer.buffer, backing.buffer);
    got.push(v.buffer.subarray(v.offset, v.offset + v.capturedLength).toString('hex'));
  });
  t.deepEqual(got, [icmpEchoPacket({ seq: 7 }).toString('hex')]);
});

test('a callback returning false stops the read and the summary says so', async (t) => {
  const file = encodePcap([1, 2, 3, 4].map((seq) => ({ data: icmpEchoPacket({ seq }) })));
  const dir = tempDir(t, 'pcap-stop');
  writeFileSync(join(dir, 'a.pcap'), file);
  let n = 0;
  const s1 = readPcapBuffer(file, () => ++n < 2);
  t.is(n, 2);
  t.deepEqual([s1.records, s1.stopped], [2, true]);
  n = 0;
  const s2 = await readPcapFile(join(dir, 'a.pcap'), () => ++n < 3);
  t.deepEqual([n, s2.records, s2.stopped], [3, 3, true]);
  // A stopped read does not look at the rest, even if it is broken.
  n = 0;
  const s3 = readPcapBuffer(file.subarray(0, file.length - 1), () => ++n < 1);
  t.deepEqual([n, s3.stopped], [1, true]);
});

test('a file with a header and no records: zero records, header known', async (t) => {
  const file = encodePcap([], { linkType: LINKTYPE.LINUX_SLL2, nanosecond: true });
  t.is(file.length, 24);
  const s = readPcapBuffer(file, () => t.fail());
  t.deepEqual([s.records, s.info.linkType, s.info.nanosecond], [0, 276, true]);
  const dir = tempDir(t, 'pcap-empty');
  writeFileSync(join(dir, 'e.pcap'), file);
  const s2 = await readPcapFile(join(dir, 'e.pcap'), () => t.fail());
  t.is(s2.records, 0);
  let count = 0;
  for await (const _ of pcapRecords(join(dir, 'e.pcap'))) count++;
  t.is(count, 0);
});

test('FCS bits in the link type field: the link type is the low 16 bits, FCS length in bytes', (t) => {
  // LT_FCS_DATALINK_EXT(2) | 1: a 4-byte FCS on Ethernet.
  const file = encodePcap([{ data: Buffer.alloc(64, 1) }], { linkType: 1, byteOrder: 'little' });
  file.writeUInt32LE((2 << 28) | 0x04000000 | 1, 20);
  const { views } = collect(file);
  t.is(views[0]!.linkType, 1);
  t.is(views[0]!.fcsLength, 4);
});

test('snaplen 0 in the header means no snaplen limit', (t) => {
  const file = encodePcap([{ data: Buffer.alloc(1000, 7) }], { byteOrder: 'big' });
  file.writeUInt32BE(0, 16);
  const c = collect(file);
  t.is(c.error, null);
  t.is(c.views[0]!.capturedLength, 1000);
});

/** Three packets of different sizes, one larger than the smallest chunk sizes used below. */
function sampleFile(nanosecond: boolean, byteOrder: 'little' | 'big'): { file: Buffer; expected: RecordView[] } {
  const file = encodePcap(
    [
      { data: icmpEchoPacket({ seq: 1, payload: 8 }), timestamp: { sec: 1_700_000_000, nsec: 1_000 } },
      { data: icmpEchoPacket({ seq: 2, payload: 3000 }), timestamp: { sec: 1_700_000_001, nsec: 999_999_000 } },
      { data: icmpEchoPacket({ seq: 3, payload: 0 }), timestamp: 1_700_000_002_500 },
      { data: icmpEchoPacket({ seq: 4, payload: 61 }), timestamp: { sec: 0, nsec: 0 } },
    ],
    { nanosecond, byteOrder },
  );
  return { file, expected: collect(file).views };
}

function comparable(v: RecordView): object {
  const { buffer, offset, ...rest } = v;
  return { ...rest, bytes: buffer.subarray(offset, offset + v.capturedLength).toString('hex') };
}

for (const chunkSize of [64, 100, 1000, 4 * 1024 * 1024]) {
  test(`readPcapFile in ${chunkSize}-byte chunks delivers what readPcapBuffer does`, async (t) => {
    const dir = tempDir(t, `pcap-chunk${chunkSize}`);
    for (const [nano, order] of [[false, 'little'], [true, 'big']] as const) {
      const { file, expected } = sampleFile(nano, order);
      const path = join(dir, `f-${nano}-${order}.pcap`);
      writeFileSync(path, file);
      const got: RecordView[] = [];
      const s = await readPcapFile(path, (v) => void got.push(snapshot(v)), { chunkSize });
      t.is(s.records, 4);
      t.deepEqual(got.map(comparable), expected.map(comparable));
    }
  });
}

for (const sizes of [[1], [3, 7, 11], [5000], [24, 16]]) {
  test(`a stream in chunks of ${sizes.join('/')} bytes (as stdin) delivers what readPcapBuffer does`, async (t) => {
    const { file, expected } = sampleFile(true, 'little');
    const got: RecordView[] = [];
    const s = await readPcapFile(chunkedStream(file, sizes), (v) => void got.push(snapshot(v)), { chunkSize: 128 });
    t.is(s.records, 4);
    t.is(s.info.byteOrder, 'little');
    t.deepEqual(got.map(comparable), expected.map(comparable));
  });
}

test('pcapRecords yields records with their own bytes, from a path, a stream or a buffer', async (t) => {
  const { file, expected } = sampleFile(false, 'big');
  const dir = tempDir(t, 'pcap-iter');
  const path = join(dir, 'x.pcap');
  writeFileSync(path, file);
  for (const source of [path, chunkedStream(file, [13]), file]) {
    const recs = [];
    // A small chunk size makes the reader reuse its buffer: the records must not change.
    for await (const r of pcapRecords(source, { chunkSize: 64 })) recs.push(r);
    t.is(recs.length, 4);
    for (const [i, r] of recs.entries()) {
      const e = expected[i]!;
      t.is(r.index, i);
      t.deepEqual(r.timestamp, { sec: e.tsSec, nsec: e.tsNsec });
      t.is(r.capturedLength, e.capturedLength);
      t.is(r.originalLength, e.originalLength);
      t.is(r.linkType, LINKTYPE.RAW);
      t.is(r.fileOffset, e.fileOffset);
      t.is(r.data.toString('hex'), e.buffer.toString('hex'));
    }
  }
});

test('pcapRecords: microsecond files give nsec = usec * 1000; ms timestamps round to the µs below', async (t) => {
  const { file } = sampleFile(false, 'little');
  const ts = [];
  for await (const r of pcapRecords(file)) ts.push(r.timestamp);
  t.deepEqual(ts, [
    { sec: 1_700_000_000, nsec: 1_000 },
    { sec: 1_700_000_001, nsec: 999_999_000 },
    { sec: 1_700_000_002, nsec: 500_000_000 },
    { sec: 0, nsec: 0 },
  ]);
});

test('breaking out of pcapRecords early destroys a stream source', async (t) => {
  const { file } = sampleFile(false, 'little');
  const stream = chunkedStream(file, [10]);
  for await (const r of pcapRecords(stream)) {
    t.is(r.index, 0);
    break;
  }
  t.true(stream.destroyed);
});

test('an already aborted signal rejects before reading', async (t) => {
  const ac = new AbortController();
  ac.abort();
  const { file } = sampleFile(false, 'little');
  await t.throwsAsync(readPcapFile(chunkedStream(file, [10]), () => t.fail(), { signal: ac.signal }), {
    name: 'AbortError',
  });
});

test('abort ends a read that waits on an idle stream (stdin that never ends)', async (t) => {
  const { file } = sampleFile(false, 'little');
  const idle = new PassThrough();
  idle.write(file.subarray(0, 24 + 16 + 36)); // header + first record, then nothing more
  const ac = new AbortController();
  let seen = 0;
  const done = readPcapFile(idle, () => void seen++, { signal: ac.signal });
  setTimeout(() => ac.abort(), 50);
  await t.throwsAsync(done, { name: 'AbortError' });
  t.is(seen, 1);
});

test('a stream yielding strings is refused with a TypeError that says why', async (t) => {
  const s = new PassThrough();
  s.setEncoding('latin1');
  s.end(Buffer.from('d4c3b2a1', 'hex'));
  await t.throwsAsync(readPcapFile(s, () => {}), { instanceOf: TypeError, message: /setEncoding/ });
});

test('the pcapRecords iterator exposes the header and the count once read', async (t) => {
  const { file } = sampleFile(true, 'big');
  const it = pcapRecords(file);
  t.is(it.info, null, 'nothing read yet');
  let n = 0;
  for await (const _ of it) n++;
  t.is(n, 4);
  t.is(it.records, 4);
  t.like(it.info!, { format: 'pcap', byteOrder: 'big', nanosecond: true, linkType: LINKTYPE.RAW });
  t.deepEqual(await it.next(), { value: undefined, done: true });
});

test('pcapRecords opens nothing until iterated: a bad path fails on the first next()', async (t) => {
  const it = pcapRecords('/nonexistent/rawprobe/y.pcap');
  await new Promise((r) => setTimeout(r, 10)); // no unhandled rejection meanwhile
  await t.throwsAsync(it.next(), { code: 'ENOENT' });
  t.deepEqual(await it.next(), { value: undefined, done: true });
});
