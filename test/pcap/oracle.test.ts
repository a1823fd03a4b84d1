// pcap-parser 0.2.1 as an oracle for microsecond classic pcap: on the same file both readers
// must report the same records (count, timestamps, lengths, bytes). Only valid microsecond
// files: pcap-parser knows no nanosecond magic and drops a truncated tail silently.
// (Real tcpdump captures are cross-checked the same way in tcpdump.test.ts.)

import test from 'ava';
import fc from 'fast-check';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { LINKTYPE, encodePcap, readPcapFile, type RecordView } from '../../lib/pcap/index.js';
import { collect, icmpEchoPacket, pcapParserRead, snapshot } from './helpers.js';
import { tempDir } from '../helpers/tmp.js';

function ours(views: RecordView[]): unknown[] {
  return views.map((v) => [v.tsSec, v.tsNsec, v.capturedLength, v.originalLength, Buffer.from(v.buffer.subarray(v.offset, v.offset + v.capturedLength)).toString('hex')]);
}

async function theirs(input: string | Uint8Array): Promise<{ linkType: number; records: unknown[] }> {
  const o = await pcapParserRead(input);
  return { linkType: o.linkType, records: o.records.map((r) => [r.tsSec, r.tsUsec * 1000, r.capturedLength, r.originalLength, r.data.toString('hex')]) };
}

test('random microsecond files, both byte orders: same records as pcap-parser', async (t) => {
  const recordArb = fc.record({
    data: fc.uint8Array({ maxLength: 1600 }),
    sec: fc.nat({ max: 0xffffffff }),
    usec: fc.nat({ max: 999_999 }),
    extra: fc.nat({ max: 100 }), // original length above the captured one
  });
  await fc.assert(
    fc.asyncProperty(
      fc.array(recordArb, { maxLength: 30 }),
      fc.constantFrom('little' as const, 'big' as const),
      fc.constantFrom(LINKTYPE.RAW, LINKTYPE.ETHERNET, LINKTYPE.LINUX_SLL2, LINKTYPE.NULL),
      async (records, byteOrder, linkType) => {
        const file = encodePcap(
          records.map((r) => ({ data: r.data, timestamp: { sec: r.sec, nsec: r.usec * 1000 }, originalLength: r.data.length + r.extra })),
          { byteOrder, linkType },
        );
        const mine = collect(file);
        t.is(mine.error, null);
        const oracle = await theirs(file);
        t.is(oracle.linkType, linkType);
        t.deepEqual(ours(mine.views), oracle.records);
      },
    ),
    { numRuns: 60 },
  );
});

test('a 20,000-packet file read from disk in chunks: same records as pcap-parser', async (t) => {
  const dir = tempDir(t, 'pcap-oracle');
  const path = join(dir, 'big.pcap');
  const records = Array.from({ length: 20_000 }, (_, i) => ({
    data: icmpEchoPacket({ seq: i & 0xffff, payload: (i * 37) % 200 }),
    timestamp: { sec: 1_700_000_000 + (i >> 10), nsec: (i % 1_000_000) * 1000 },
  }));
  writeFileSync(path, encodePcap(records, { byteOrder: 'big' }));
  const views: RecordView[] = [];
  await readPcapFile(path, (v) => void views.push(snapshot(v)), { chunkSize: 65536 });
  t.is(views.length, 20_000);
  t.deepEqual(ours(views), (await theirs(path)).records);
});
