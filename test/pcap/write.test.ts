// Writing: exact header and record bytes, round trips for every byte order x resolution x link
// type, the writer's targets (path, fd, stream), buffering, snaplen, timestamps and refusals.

import test from 'ava';
import { closeSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import {
  LINKTYPE,
  PcapWriter,
  encodePcap,
  encodePcapHeader,
  encodingLength,
  ipv4LinkHeader,
  locateIpv4InRecord,
  readPcapBuffer,
  readPcapFile,
  type PcapInfo,
  type RecordView,
} from '../../lib/pcap/index.js';
import { collect, icmpEchoPacket, snapshot } from './helpers.js';
import { tempDir } from '../helpers/tmp.js';

const HEADER_HEX = {
  'little/micro': 'd4c3b2a1' + '0200' + '0400' + '00000000' + '00000000' + '00000400' + '65000000',
  'big/micro': 'a1b2c3d4' + '0002' + '0004' + '00000000' + '00000000' + '00040000' + '00000065',
  'little/nano': '4d3cb2a1' + '0200' + '0400' + '00000000' + '00000000' + '00000400' + '65000000',
  'big/nano': 'a1b23c4d' + '0002' + '0004' + '00000000' + '00000000' + '00040000' + '00000065',
} as const;

for (const [key, hex] of Object.entries(HEADER_HEX)) {
  test(`encodePcapHeader ${key}: exact bytes, at offset 5 of a 0xa5-filled buffer`, (t) => {
    const [order, res] = key.split('/') as ['little' | 'big', string];
    const options = { byteOrder: order, nanosecond: res === 'nano' };
    t.is(encodePcapHeader(options).toString('hex'), hex);
    const buf = Buffer.alloc(40, 0xa5);
    const written = encodePcapHeader(options, buf, 5);
    t.is(written.length, 24);
    t.is(buf.toString('hex'), 'a5'.repeat(5) + hex + 'a5'.repeat(11));
  });
}

test('encodePcap record bytes: header fields, link header, data; encodingLength agrees', (t) => {
  const records = [{ data: Buffer.from('45000014', 'hex'), timestamp: { sec: 0x01020304, nsec: 5_006_007 }, originalLength: 60 }];
  const options = { byteOrder: 'big', nanosecond: false, linkType: 0, linkHeader: ipv4LinkHeader(0, { byteOrder: 'big' }) } as const;
  const file = encodePcap(records, options);
  t.is(
    file.subarray(24).toString('hex'),
    '01020304' + '0000138e' /* 5006 µs */ + '00000008' + '00000040' /* 4 + 60 */ + '00000002' + '45000014',
  );
  t.is(file.length, encodingLength(records, options));
  t.is(encodePcap(records, { ...options, nanosecond: true }).subarray(28, 32).toString('hex'), '004c62b7');
});

interface Variant {
  name: string;
  linkType: number;
  header: Buffer;
}

function variants(order: 'little' | 'big'): Variant[] {
  return [
    { name: 'RAW', linkType: LINKTYPE.RAW, header: ipv4LinkHeader(LINKTYPE.RAW) },
    { name: 'IPV4', linkType: LINKTYPE.IPV4, header: ipv4LinkHeader(LINKTYPE.IPV4) },
    { name: 'ETHERNET', linkType: LINKTYPE.ETHERNET, header: ipv4LinkHeader(LINKTYPE.ETHERNET) },
    { name: 'ETHERNET+VLAN', linkType: LINKTYPE.ETHERNET, header: ipv4LinkHeader(LINKTYPE.ETHERNET, { vlanId: 42 }) },
    { name: 'LINUX_SLL', linkType: LINKTYPE.LINUX_SLL, header: ipv4LinkHeader(LINKTYPE.LINUX_SLL) },
    { name: 'LINUX_SLL2', linkType: LINKTYPE.LINUX_SLL2, header: ipv4LinkHeader(LINKTYPE.LINUX_SLL2) },
    { name: 'NULL', linkType: LINKTYPE.NULL, header: ipv4LinkHeader(LINKTYPE.NULL, { byteOrder: order }) },
    { name: 'LOOP', linkType: LINKTYPE.LOOP, header: ipv4LinkHeader(LINKTYPE.LOOP) },
  ];
}

const PACKETS = [
  { data: icmpEchoPacket({ seq: 1, payload: 0 }), timestamp: { sec: 1_700_000_000, nsec: 123_456_789 } },
  { data: icmpEchoPacket({ seq: 2, payload: 1472 }), timestamp: { sec: 1_700_000_001, nsec: 0 } },
  { data: icmpEchoPacket({ seq: 3, payload: 55 }), timestamp: { sec: 4_294_967_295, nsec: 999_999_999 } },
];

for (const order of ['little', 'big'] as const) {
  for (const nanosecond of [false, true]) {
    for (const v of variants(order)) {
      test(`round trip ${order}-endian, ${nanosecond ? 'ns' : 'µs'}, ${v.name}: writer = encodePcap, and read back`, async (t) => {
        const dir = tempDir(t, 'pcap-rt');
        const path = join(dir, 'rt.pcap');
        const options = { byteOrder: order, nanosecond, linkType: v.linkType, linkHeader: v.header };
        const w = new PcapWriter(path, options);
        for (const p of PACKETS) w.write(p.data, p.timestamp);
        t.is(w.records, 3);
        await w.close();
        const bytes = readFileSync(path);
        t.deepEqual(bytes, encodePcap(PACKETS, options));

        const views: RecordView[] = [];
        let info: PcapInfo | null = null;
        await readPcapFile(path, (r) => void views.push(snapshot(r)), { onInfo: (i) => (info = i), chunkSize: 1000 });
        t.like(info!, { format: 'pcap', byteOrder: order, nanosecond, linkType: v.linkType, snaplen: 262144 });
        t.is(views.length, PACKETS.length);
        for (const [i, r] of views.entries()) {
          const p = PACKETS[i]!;
          t.is(r.linkType, v.linkType);
          t.is(r.tsSec, p.timestamp.sec);
          t.is(r.tsNsec, nanosecond ? p.timestamp.nsec : Math.floor(p.timestamp.nsec / 1000) * 1000);
          t.is(r.capturedLength, v.header.length + p.data.length);
          t.is(r.originalLength, v.header.length + p.data.length);
          const loc = locateIpv4InRecord(r);
          t.is(loc.reason, null);
          t.deepEqual(r.buffer.subarray(loc.offset, loc.offset + loc.length), p.data);
        }
      });
    }
  }
}

test('timestamps as epoch milliseconds (Date.now(), with fractions)', (t) => {
  const file = encodePcap(
    [{ data: Buffer.from('45', 'hex'), timestamp: 1_700_000_000_123.456 }, { data: Buffer.from('45', 'hex'), timestamp: 999.9999999 }],
    { nanosecond: true },
  );
  const { views } = collect(file);
  t.is(views[0]!.tsSec, 1_700_000_000);
  // A double holds 1700000000123.456 to about 0.2 µs.
  t.true(Math.abs(views[0]!.tsNsec - 123_456_000) < 1000, String(views[0]!.tsNsec));
  // 999.9999999 ms rounds to 1 s exactly, not to 0 s + 1e9 ns.
  t.deepEqual([views[1]!.tsSec, views[1]!.tsNsec], [1, 0]);
});

test('snaplen cuts packets and keeps the original length; the link header counts', (t) => {
  const data = icmpEchoPacket({ payload: 72 }); // 100 bytes
  const file = encodePcap([{ data }], { snaplen: 60 });
  const r = collect(file).views[0]!;
  t.deepEqual([r.capturedLength, r.originalLength], [60, 100]);
  t.deepEqual(r.buffer, data.subarray(0, 60));
  const eth = ipv4LinkHeader(LINKTYPE.ETHERNET);
  const cut = collect(encodePcap([{ data, originalLength: 1500 }], { snaplen: 10, linkType: 1, linkHeader: eth })).views[0]!;
  t.deepEqual([cut.capturedLength, cut.originalLength], [10, 1514]);
  t.deepEqual(cut.buffer, eth.subarray(0, 10));
});

test('writeRecord copies records from a reader: the same file comes out', async (t) => {
  const dir = tempDir(t, 'pcap-copy');
  const options = { byteOrder: 'big', nanosecond: true, linkType: 1, snaplen: 9000 } as const;
  const original = encodePcap(
    PACKETS.map((p) => ({ ...p, data: Buffer.concat([ipv4LinkHeader(1), p.data]), originalLength: p.data.length + 20 })),
    options,
  );
  writeFileSync(join(dir, 'in.pcap'), original);
  const w = new PcapWriter(join(dir, 'out.pcap'), options);
  await readPcapFile(join(dir, 'in.pcap'), (v) => void w.writeRecord(v), { chunkSize: 64 });
  await w.close();
  t.deepEqual(readFileSync(join(dir, 'out.pcap')), original);
});

test('buffered: 200,000 packets reach a stream in a few dozen writes, not 200,000', async (t) => {
  let writes = 0;
  let bytes = 0;
  const sink = new Writable({
    write(chunk: Buffer, _enc, cb) {
      writes++;
      bytes += chunk.length;
      cb();
    },
  });
  const w = new PcapWriter(sink);
  const p = icmpEchoPacket({ payload: 142 }); // 170 bytes
  for (let i = 0; i < 200_000; i++) {
    if (!w.write(p, i)) await w.drained();
  }
  await w.close();
  t.is(bytes, 24 + 200_000 * (16 + 170));
  t.true(writes <= 40, `${writes} writes`);
  t.true(sink.writableFinished, 'the stream was ended');
});

test('backpressure: write() returns false when the stream is full, drained() waits for it', async (t) => {
  const chunks: Buffer[] = [];
  const slow = new Writable({
    highWaterMark: 1,
    write(chunk: Buffer, _enc, cb) {
      chunks.push(chunk);
      setTimeout(cb, 5);
    },
  });
  const w = new PcapWriter(slow, { bufferSize: 64, end: false });
  const results = [1, 2, 3].map((seq) => w.write(icmpEchoPacket({ seq, payload: 40 }), seq * 1000));
  t.true(results.includes(false));
  await w.drained();
  t.false(slow.writableNeedDrain);
  await w.close();
  t.false(slow.writableEnded, 'end: false leaves the stream open');
  const { views, error } = collect(Buffer.concat(chunks));
  t.is(error, null);
  t.deepEqual(views.map((v) => v.tsSec), [1, 2, 3]);
});

test('a file descriptor target is written but not closed', async (t) => {
  const dir = tempDir(t, 'pcap-fd');
  const path = join(dir, 'fd.pcap');
  const fd = openSync(path, 'w');
  const w = new PcapWriter(fd, { nanosecond: true });
  w.write(icmpEchoPacket(), { sec: 1, nsec: 2 });
  await w.close();
  writeFileSync(fd, Buffer.alloc(0)); // still open: this would throw EBADF otherwise
  closeSync(fd);
  const { views } = collect(readFileSync(path));
  t.deepEqual([views.length, views[0]!.tsNsec], [1, 2]);
});

test('flush() makes what was written readable before close (live captures)', async (t) => {
  const dir = tempDir(t, 'pcap-flush');
  const path = join(dir, 'live.pcap');
  const w = new PcapWriter(path);
  w.write(icmpEchoPacket({ seq: 1 }), 1000);
  t.is(readFileSync(path).length, 0, 'buffered until flushed');
  w.flush();
  t.is(readPcapBuffer(readFileSync(path), () => {}).records, 1);
  await w.close();
});

test('close is safe twice; writing after close throws', async (t) => {
  const dir = tempDir(t, 'pcap-close');
  const w = new PcapWriter(join(dir, 'c.pcap'));
  await Promise.all([w.close(), w.close()]);
  await w.close();
  t.throws(() => w.write(icmpEchoPacket(), 0), { message: 'PcapWriter is closed' });
  t.is(readFileSync(join(dir, 'c.pcap')).length, 24, 'an empty capture is a valid header');
});

test('refusals: bad options and timestamps throw RangeError with the value; a bad path fails at once', (t) => {
  t.throws(() => encodePcapHeader({ snaplen: 0 }), { instanceOf: RangeError, message: /snaplen 0/ });
  t.throws(() => encodePcapHeader({ snaplen: 262145 }), { instanceOf: RangeError, message: /snaplen 262145/ });
  t.throws(() => encodePcapHeader({ linkType: 70000 }), { instanceOf: RangeError, message: /link type 70000/ });
  const data = Buffer.alloc(1);
  t.throws(() => encodePcap([{ data, timestamp: -1 }]), { instanceOf: RangeError, message: /-1 ms/ });
  t.throws(() => encodePcap([{ data, timestamp: Number.NaN }]), { instanceOf: RangeError });
  t.throws(() => encodePcap([{ data, timestamp: { sec: 1, nsec: 1e9 } }]), { instanceOf: RangeError, message: /nsec 1000000000/ });
  t.throws(() => encodePcap([{ data, timestamp: { sec: 2 ** 32, nsec: 0 } }]), { instanceOf: RangeError, message: /32 bits/ });
  t.throws(() => encodePcap([{ data, originalLength: -5 }]), { instanceOf: RangeError, message: /original length -5/ });
  t.throws(() => new PcapWriter('/nonexistent/rawprobe/out.pcap'), { code: 'ENOENT' });
});

test('a stream error reaches the writer: close() rejects with it', async (t) => {
  const broken = new Writable({
    write(_chunk, _enc, cb) {
      cb(new Error('disk full'));
    },
  });
  const w = new PcapWriter(broken, { bufferSize: 64 });
  w.write(icmpEchoPacket({ payload: 100 }), 0);
  await t.throwsAsync(w.close(), { message: 'disk full' });
});
