// pcapng reading: both byte orders, per-interface link types and timestamp resolutions, the
// block kinds we read and those we skip, several sections, and every way a block can be broken.
// Files come from an independent test-side builder (pcapng-builder.ts); tshark-written pcapng
// is checked in tshark.test.ts.

import test from 'ava';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { LINKTYPE, PCAP_ERROR, PcapError, pcapRecords, readPcapBuffer, readPcapFile, type PcapInfo, type RecordView } from '../../lib/pcap/index.js';
import { PcapngBuilder } from './pcapng-builder.js';
import { chunkedStream, collect, icmpEchoPacket, snapshot } from './helpers.js';
import { tempDir } from '../helpers/tmp.js';

const IP = icmpEchoPacket({ payload: 5 }); // 33 bytes: exercises padding
const ETH = Buffer.concat([Buffer.from('020000000002020000000001' + '0800', 'hex'), IP]);

/** sec/nsec of a timestamp of `units` per second, computed with BigInt (independently). */
function expectedTs(ts: bigint, resolution: { base: 10n | 2n; exponent: bigint }, offset = 0n): [number, number] {
  const unitsPerSecond = resolution.base ** resolution.exponent;
  const sec = ts / unitsPerSecond + offset;
  const nsec = ((ts % unitsPerSecond) * 1_000_000_000n) / unitsPerSecond;
  return [Number(sec), Number(nsec)];
}

for (const littleEndian of [true, false]) {
  const order = littleEndian ? 'little' : 'big';
  test(`${order}-endian: two interfaces, EPB / SPB / obsolete PB, skipped NRB / ISB / custom blocks`, (t) => {
    const tsUs = 1_700_000_000_123_456n;
    const tsNs = 1_700_000_000_123_456_789n; // above 2^53: needs exact 64-bit division
    const file = new PcapngBuilder(littleEndian)
      .shb()
      .idb(LINKTYPE.ETHERNET, 65535) // default resolution: microseconds
      .nrb()
      .idb(LINKTYPE.RAW, 262144, { tsresol: 9 })
      .epb(0, tsUs, ETH)
      .epb(1, tsNs, IP, 1500)
      .block(0x00000bad, Buffer.from('custom block')) // custom/unknown: skipped by length
      .spb(ETH)
      .isb(0)
      .pb(1, tsNs + 1n, IP)
      .build();
    const infos: PcapInfo[] = [];
    const views: RecordView[] = [];
    const s = readPcapBuffer(file, (v) => void views.push(snapshot(v)), { onInfo: (i) => infos.push(i) });
    t.is(s.records, 4);
    t.is(infos.length, 1);
    t.deepEqual(s.info, {
      format: 'pcapng',
      byteOrder: order,
      versionMajor: 1,
      versionMinor: 0,
      linkType: LINKTYPE.ETHERNET,
      snaplen: 65535,
      nanosecond: false,
      interfaces: [
        { linkType: 1, snaplen: 65535, fcsLength: 0, unitsPerSecond: 1e6 },
        { linkType: 101, snaplen: 262144, fcsLength: 0, unitsPerSecond: 1e9 },
      ],
    });
    const summary = views.map((v) => [v.index, v.interfaceId, v.linkType, v.tsSec, v.tsNsec, v.hasTimestamp, v.capturedLength, v.originalLength]);
    t.deepEqual(summary, [
      [0, 0, 1, 1_700_000_000, 123_456_000, true, ETH.length, ETH.length],
      [1, 1, 101, 1_700_000_000, 123_456_789, true, IP.length, 1500],
      [2, 0, 1, 0, 0, false, ETH.length, ETH.length],
      [3, 1, 101, 1_700_000_000, 123_456_790, true, IP.length, IP.length],
    ]);
    t.deepEqual(views.map((v) => v.buffer), [ETH, IP, ETH, IP]);
  });
}

const RESOLUTIONS: { tsresol: number | undefined; base: 10n | 2n; exponent: bigint; ts: bigint; offset?: number }[] = [
  { tsresol: undefined, base: 10n, exponent: 6n, ts: 1_700_000_000_999_999n },
  { tsresol: 0, base: 10n, exponent: 0n, ts: 1_700_000_000n },
  { tsresol: 3, base: 10n, exponent: 3n, ts: 1_700_000_000_250n },
  { tsresol: 9, base: 10n, exponent: 9n, ts: 1_700_000_000_000_000_001n },
  { tsresol: 9, base: 10n, exponent: 9n, ts: 0xffff_ffff_ffff_ffffn }, // year 2554
  { tsresol: 12, base: 10n, exponent: 12n, ts: 1_700_000_000_123_456_789_012n & 0xffff_ffff_ffff_ffffn },
  { tsresol: 0x80 | 20, base: 2n, exponent: 20n, ts: (1_700_000_000n << 20n) | 0x80000n }, // + 0.5 s
  { tsresol: 0x80 | 32, base: 2n, exponent: 32n, ts: (1_700_000_000n << 32n) | 0x40000000n }, // + 0.25 s
  { tsresol: 0x80 | 10, base: 2n, exponent: 10n, ts: 12345n << 10n, offset: 1_700_000_000 },
  { tsresol: 6, base: 10n, exponent: 6n, ts: 5_000_000n, offset: -3 },
];

for (const r of RESOLUTIONS) {
  const label = r.tsresol === undefined ? 'absent' : `0x${r.tsresol.toString(16)}`;
  test(`if_tsresol ${label}${r.offset ? `, if_tsoffset ${r.offset}` : ''}: ts ${r.ts}`, (t) => {
    for (const le of [true, false]) {
      const file = new PcapngBuilder(le)
        .shb()
        .idb(LINKTYPE.RAW, 0, { tsresol: r.tsresol, tsoffset: r.offset })
        .epb(0, r.ts, IP)
        .build();
      const v = collect(file).views[0]!;
      const [sec, nsec] = expectedTs(r.ts, r) as [number, number];
      t.is(v.tsSec, sec + (r.offset ?? 0));
      t.true(Math.abs(v.tsNsec - nsec) <= (r.base === 2n && r.exponent > 30n ? 1 : 0), `${v.tsNsec} vs ${nsec}`);
    }
  });
}

test('several sections: each resets the byte order and the interfaces', (t) => {
  const file = new PcapngBuilder(true)
    .shb(true)
    .idb(LINKTYPE.ETHERNET)
    .epb(0, 1_000_000n, ETH)
    .shb(false)
    .idb(LINKTYPE.LINUX_SLL2, 0, { tsresol: 9 })
    .epb(0, 2_000_000_000n, Buffer.alloc(20))
    .build();
  const c = collect(file);
  t.is(c.error, null);
  t.deepEqual(c.views.map((v) => [v.linkType, v.tsSec]), [[1, 1], [276, 2]]);
  // The first section's info stays.
  const s = readPcapBuffer(file, () => {});
  t.deepEqual([s.info.byteOrder, s.info.interfaces.length], ['little', 1]);
});

test('FCS length from if_fcslen travels with each record', (t) => {
  const file = new PcapngBuilder().shb().idb(LINKTYPE.ETHERNET, 0, { fcslen: 4 }).epb(0, 0n, Buffer.concat([ETH, Buffer.alloc(4)])).build();
  t.is(collect(file).views[0]!.fcsLength, 4);
});

test('SPB: captured length is the original cut by the snaplen and by the block', (t) => {
  const file = new PcapngBuilder().shb().idb(LINKTYPE.RAW, 20).spb(IP.subarray(0, 20), 1000).build();
  const v = collect(file).views[0]!;
  t.deepEqual([v.capturedLength, v.originalLength], [20, 1000]);
});

test('EPB captured length above the interface snaplen: read whole, as Wireshark reads it (issue 20)', (t) => {
  const file = new PcapngBuilder().shb().idb(LINKTYPE.RAW, 10).epb(0, 1n, IP).build();
  const c = collect(file);
  t.is(c.error, null);
  t.deepEqual(c.views.map((v) => v.capturedLength), [IP.length]);
});

test('streaming in small chunks and as a stream gives the same records', async (t) => {
  const file = new PcapngBuilder(false)
    .shb()
    .idb(LINKTYPE.RAW, 0, { tsresol: 9 })
    .epb(0, 1n, IP)
    .epb(0, 2n, icmpEchoPacket({ payload: 3000 }))
    .spb(IP)
    .build();
  const expected = collect(file).views.map((v) => ({ ...v, buffer: v.buffer.toString('hex') }));
  const dir = tempDir(t, 'pcap-ng');
  writeFileSync(join(dir, 'a.pcapng'), file);
  for (const read of [
    (cb: (v: RecordView) => void) => readPcapFile(join(dir, 'a.pcapng'), cb, { chunkSize: 64 }),
    (cb: (v: RecordView) => void) => readPcapFile(chunkedStream(file, [1, 2, 3]), cb, { chunkSize: 100 }),
  ]) {
    const got: object[] = [];
    await read((v) => {
      const s = snapshot(v);
      got.push({ ...s, buffer: s.buffer.toString('hex') });
    });
    t.deepEqual(got, expected);
  }
  const recs = [];
  for await (const r of pcapRecords(join(dir, 'a.pcapng'), { chunkSize: 64 })) recs.push(r);
  t.deepEqual(recs.map((r) => r.timestamp), [{ sec: 0, nsec: 1 }, { sec: 0, nsec: 2 }, null]);
});

interface Broken {
  name: string;
  build: () => Buffer;
  reason: string;
  delivered: number;
  message: RegExp;
}

const good = (): PcapngBuilder => new PcapngBuilder().shb().idb(LINKTYPE.RAW).epb(0, 1n, IP);
const GOOD_LENGTH = good().build().length;

const BROKEN: Broken[] = [
  {
    name: 'bad byte-order magic',
    build: () => {
      const b = good().build();
      b.writeUInt32BE(0x12345678, 8);
      return b;
    },
    reason: PCAP_ERROR.CORRUPT_BLOCK,
    delivered: 0,
    message: /corrupt section header block at packet index 0, byte offset 0: byte-order magic 0x12345678/,
  },
  {
    name: 'unsupported section version 2.0',
    build: () => new PcapngBuilder().shb(true, [2, 0]).build(),
    reason: PCAP_ERROR.UNSUPPORTED_VERSION,
    delivered: 0,
    message: /unsupported pcapng section at packet index 0, byte offset 0: version 2\.0/,
  },
  {
    name: 'trailing length differs',
    build: () => good().block(6, Buffer.alloc(24), { trailer: 40 }).build(),
    reason: PCAP_ERROR.CORRUPT_BLOCK,
    delivered: 1,
    message: new RegExp(`corrupt enhanced packet block at packet index 1, byte offset ${GOOD_LENGTH}: block length 36 but trailing length 40`),
  },
  {
    name: 'length not a multiple of 4',
    build: () => good().block(6, Buffer.alloc(24), { length: 38 }).build(),
    reason: PCAP_ERROR.CORRUPT_BLOCK,
    delivered: 1,
    message: /block length 38 is not a multiple of 4$/,
  },
  {
    name: 'length below the block minimum',
    build: () => good().block(6, Buffer.alloc(4)).build(),
    reason: PCAP_ERROR.CORRUPT_BLOCK,
    delivered: 1,
    message: /block length 16 is below the minimum 32$/,
  },
  {
    name: 'length above 16 MiB',
    build: () => good().block(5, Buffer.alloc(4), { length: 0x7ffffff0 }).build(),
    reason: PCAP_ERROR.CORRUPT_BLOCK,
    delivered: 1,
    message: /corrupt interface statistics block .* exceeds the 16777216-byte limit$/,
  },
  {
    name: 'EPB names an undefined interface',
    build: () => good().epb(3, 1n, IP).build(),
    reason: PCAP_ERROR.CORRUPT_BLOCK,
    delivered: 1,
    message: /interface 3 is not defined \(the section has 1\)$/,
  },
  {
    name: 'EPB captured length runs past its block',
    build: () => good().epb(0, 1n, IP, IP.length, 400).build(),
    reason: PCAP_ERROR.CORRUPT_BLOCK,
    delivered: 1,
    message: /captured length 400 runs past the 88-byte block$/,
  },
  {
    name: 'EPB captured length above 262144 (libpcap and Wireshark refuse it too)',
    build: () => good().epb(0, 1n, IP, 262145, 262145).build(),
    reason: PCAP_ERROR.BAD_CAPTURED_LENGTH,
    delivered: 1,
    message: /corrupt enhanced packet block at packet index 1, byte offset \d+: captured length 262145 exceeds the 262144-byte limit of libpcap and Wireshark$/,
  },
  {
    name: 'SPB before any interface',
    build: () => new PcapngBuilder().shb().spb(IP).build(),
    reason: PCAP_ERROR.CORRUPT_BLOCK,
    delivered: 0,
    message: /corrupt simple packet block .*: it comes before any interface description block$/,
  },
  {
    name: 'IDB option running past the block',
    build: () => {
      const b = new PcapngBuilder().shb().idb(LINKTYPE.RAW).build();
      b.writeUInt16LE(200, 52 + 16 + 2); // if_name length (the SHB is 52 bytes)
      return b;
    },
    reason: PCAP_ERROR.CORRUPT_BLOCK,
    delivered: 0,
    message: /corrupt interface description block .*: option 2 \(200 bytes\) runs past the block$/,
  },
  {
    name: 'if_tsresol 10^-30',
    build: () => new PcapngBuilder().shb().idb(LINKTYPE.RAW, 0, { tsresol: 30 }).build(),
    reason: PCAP_ERROR.CORRUPT_BLOCK,
    delivered: 0,
    message: /if_tsresol 0x1e is out of range$/,
  },
  {
    name: 'cut inside a packet block',
    build: () => good().epb(0, 2n, IP).build().subarray(0, GOOD_LENGTH + 30),
    reason: PCAP_ERROR.TRUNCATED_BLOCK,
    delivered: 1,
    message: new RegExp(`truncated enhanced packet block at packet index 1, byte offset ${GOOD_LENGTH}: 30 of 88 bytes$`),
  },
  {
    name: 'cut inside a block header',
    build: () => good().epb(0, 2n, IP).build().subarray(0, GOOD_LENGTH + 5),
    reason: PCAP_ERROR.TRUNCATED_BLOCK,
    delivered: 1,
    message: /truncated block header at packet index 1, byte offset \d+: 5 of 8 bytes$/,
  },
  {
    name: 'cut inside the section header',
    build: () => good().build().subarray(0, 20),
    reason: PCAP_ERROR.TRUNCATED_BLOCK,
    delivered: 0,
    message: /truncated section header block at packet index 0, byte offset 0: 20 of 52 bytes$/,
  },
];

for (const b of BROKEN) {
  test(`pcapng broken: ${b.name}`, async (t) => {
    const bytes = b.build();
    const c = collect(bytes);
    t.true(c.error instanceof PcapError, String(c.error));
    const e = c.error as PcapError;
    t.is(e.reason, b.reason as PcapError['reason']);
    t.regex(e.message, b.message);
    t.is(e.packetIndex, b.delivered);
    t.is(c.views.length, b.delivered);
    // The stream reader agrees.
    let n = 0;
    const err = await t.throwsAsync(readPcapFile(chunkedStream(bytes, [7]), () => void n++), { instanceOf: PcapError });
    t.deepEqual([err?.reason, err?.offset, n], [e.reason, e.offset, b.delivered]);
  });
}
