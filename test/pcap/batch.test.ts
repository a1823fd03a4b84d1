// RecordBatch: a consumer that takes runs of classic pcap records itself (lib/check's checksum
// lane). The parser offers it the records ahead of each one it delivers; what it takes never
// reaches onRecord, and what it leaves arrives with the index, offsets and fields it always had,
// from a buffer and from a file read in chunks of any size. pcapng files ignore it.
import test from 'ava';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { LINKTYPE, encodePcap, readPcapBuffer, readPcapFile, type RecordBatch, type RecordView } from '../../lib/pcap/index.js';
import { tempDir } from '../helpers/tmp.js';
import { snapshot } from './helpers.js';

/** Takes the records whose first byte is even, reading record headers as the parser does. */
class EvenFirstByte implements RecordBatch {
  next = 0;
  taken: number[] = [];
  calls = 0;
  private index = 0;

  take(buf: Buffer, pos: number, end: number, littleEndian: boolean, linkType: number, fcsLength: number): number {
    this.calls++;
    if (linkType !== LINKTYPE.RAW || fcsLength !== 0) return 0;
    let n = 0;
    while (end - pos >= 16) {
      const captured = littleEndian ? buf.readUInt32LE(pos + 8) : buf.readUInt32BE(pos + 8);
      if (pos + 16 + captured > end || captured === 0 || buf[pos + 16]! % 2 !== 0) break;
      pos += 16 + captured;
      n++;
    }
    this.next = pos;
    return n;
  }
}

function file(byteOrder: 'little' | 'big'): Buffer {
  const records = [];
  for (let i = 0; i < 300; i++) {
    const data = Buffer.alloc(1 + ((i * 37) % 120), i);
    data[0] = i % 7 === 0 || i % 5 === 0 ? 1 : 2; // odd: left to onRecord
    records.push({ data, timestamp: { sec: 1000 + i, nsec: i * 1000 } });
  }
  return encodePcap(records, { linkType: LINKTYPE.RAW, byteOrder });
}

for (const byteOrder of ['little', 'big'] as const) {
  test(`${byteOrder}-endian: onRecord gets exactly the records the batch left, as it would without one`, async (t) => {
    const bytes = file(byteOrder);
    const all: RecordView[] = [];
    readPcapBuffer(bytes, (v: RecordView) => void all.push(snapshot(v)));
    const left = all.filter((r) => r.buffer[0]! % 2 !== 0);
    t.true(left.length > 50 && left.length < 200);

    const batch = new EvenFirstByte();
    const got: RecordView[] = [];
    const s = readPcapBuffer(bytes, (v) => void got.push(snapshot(v)), { batch });
    t.deepEqual(got, left);
    t.is(s.records, 300, 'every record counted, taken or delivered');

    const path = join(tempDir(t, 'pcap-batch'), 'f.pcap');
    writeFileSync(path, bytes);
    for (const chunkSize of [64, 333, 4096]) {
      const chunked: RecordView[] = [];
      const f = await readPcapFile(path, (v) => void chunked.push(snapshot(v)), { batch: new EvenFirstByte(), chunkSize });
      t.deepEqual(chunked, left, `chunks of ${chunkSize}`);
      t.is(f.records, 300);
    }
  });
}

test('a batch that takes nothing changes nothing; the parser still asks before each record', (t) => {
  const bytes = encodePcap([{ data: Buffer.from([1, 2]) }, { data: Buffer.from([3]) }], { linkType: LINKTYPE.ETHERNET });
  const batch = new EvenFirstByte();
  const got: number[] = [];
  readPcapBuffer(bytes, (v) => void got.push(v.index), { batch });
  t.deepEqual(got, [0, 1]);
  t.is(batch.calls, 2);
});
