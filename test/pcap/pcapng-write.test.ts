// PcapngWriter: what it writes reads back, by lib/pcap and by tshark, with the same bytes, the same
// original lengths (a snaplen cut keeps the wire length) and timestamps to the nanosecond, even
// where seconds x 1e9 no longer fits a double exactly; in both byte orders, from write() and
// writeRecord(). Files only.
import test from 'ava';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { LINKTYPE, PcapngWriter, readPcapBuffer, type RecordView } from '../../lib/pcap/index.js';
import { newRecordView } from '../../lib/pcap/view.js';
import { tempDir } from '../helpers/tmp.js';
import { toolTest } from '../helpers/tools.js';
import { tsharkFrames } from '../capture/helpers.js';
import { icmpEchoPacket } from './helpers.js';

const PACKETS = [
  { data: icmpEchoPacket({ seq: 1, payload: 0 }), ts: { sec: 1_700_000_000, nsec: 1 } },
  { data: icmpEchoPacket({ seq: 2, payload: 33 }), ts: { sec: 4_294_967_295, nsec: 999_999_999 } }, // the last second pcapng's 64 bits reach from 1970 with 32-bit seconds
  { data: icmpEchoPacket({ seq: 3, payload: 1400 }), ts: { sec: 1_796_434_188, nsec: 669_778_297 } },
];

function readBack(file: string): { views: Array<Pick<RecordView, 'linkType' | 'capturedLength' | 'originalLength' | 'tsSec' | 'tsNsec'> & { bytes: Buffer }>; nanosecond: boolean } {
  const views: Array<Pick<RecordView, 'linkType' | 'capturedLength' | 'originalLength' | 'tsSec' | 'tsNsec'> & { bytes: Buffer }> = [];
  const summary = readPcapBuffer(readFileSync(file), (v) => {
    views.push({ linkType: v.linkType, capturedLength: v.capturedLength, originalLength: v.originalLength, tsSec: v.tsSec, tsNsec: v.tsNsec, bytes: Buffer.from(v.buffer.subarray(v.offset, v.offset + v.capturedLength)) });
  });
  return { views, nanosecond: summary.info.nanosecond };
}

for (const byteOrder of ['little', 'big'] as const) {
  test(`what PcapngWriter writes (${byteOrder}-endian) reads back with every byte, length and nanosecond`, async (t) => {
    const file = join(tempDir(t, 'pcapng-write'), 'out.pcapng');
    const w = new PcapngWriter(file, { linkType: LINKTYPE.RAW, snaplen: 1000, interfaceName: 'eth0', byteOrder, bufferSize: 4096 });
    for (const p of PACKETS.slice(0, 2)) w.write(p.data, p.ts);
    // writeRecord, from a view into a larger buffer at an odd offset
    const host = Buffer.alloc(PACKETS[2]!.data.length + 7, 0xa5);
    PACKETS[2]!.data.copy(host, 3);
    const view = newRecordView(host);
    Object.assign(view, { offset: 3, capturedLength: PACKETS[2]!.data.length, originalLength: PACKETS[2]!.data.length, tsSec: PACKETS[2]!.ts.sec, tsNsec: PACKETS[2]!.ts.nsec });
    w.writeRecord(view);
    t.is(w.records, 3);
    await w.close();
    await w.close();
    const { views, nanosecond } = readBack(file);
    t.true(nanosecond);
    t.is(views.length, 3);
    PACKETS.forEach((p, i) => {
      const v = views[i]!;
      t.is(v.linkType, LINKTYPE.RAW);
      t.deepEqual([v.tsSec, v.tsNsec], [p.ts.sec, p.ts.nsec], `timestamp ${i}`);
      t.is(v.originalLength, p.data.length);
      t.deepEqual(v.bytes, p.data.subarray(0, 1000), `bytes ${i} (cut at the snaplen)`);
    });
    t.is(views[2]!.capturedLength, 1000);
  });
}

const tsharkTest = toolTest(['tshark']);

tsharkTest('tshark reads the pcapng: same frames, times to the nanosecond, interface name', async (t) => {
  const file = join(tempDir(t, 'pcapng-tshark'), 'out.pcapng');
  const w = new PcapngWriter(file, { linkType: LINKTYPE.RAW, interfaceName: 'eth7' });
  for (const p of PACKETS) w.write(p.data, p.ts);
  await w.close();
  t.deepEqual(tsharkFrames(file), PACKETS.map((p) => p.data));
  const r = spawnSync('tshark', ['-r', file, '-T', 'fields', '-e', 'frame.time_epoch', '-e', 'frame.interface_name'], { encoding: 'utf8' });
  t.deepEqual(
    r.stdout.trim().split('\n'),
    PACKETS.map((p) => `${p.ts.sec}.${String(p.ts.nsec).padStart(9, '0')}\teth7`),
  );
});
