// Every way a classic pcap can be cut or corrupt gives one PcapError with the right reason,
// packet index and byte offset, through every entry point alike, after delivering the records
// before the break. Never a hang, never a RangeError.

import test from 'ava';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { PCAP_ERROR, PcapError, encodePcap, pcapRecords, readPcapBuffer, readPcapFile, type PcapErrorReason } from '../../lib/pcap/index.js';
import { chunkedStream, icmpEchoPacket } from './helpers.js';
import { tempDir } from '../helpers/tmp.js';

// Records of 16 + 36, 16 + 50 and 16 + 28 bytes: they start at 24, 76 and 142; the file is 186.
const PACKETS = [icmpEchoPacket({ payload: 8 }), icmpEchoPacket({ payload: 22 }), icmpEchoPacket({ payload: 0 })];
const STARTS = [24, 76, 142];
const FILE_LENGTH = 186;

function valid(options: { snaplen?: number; byteOrder?: 'little' | 'big' } = {}): Buffer {
  return encodePcap(
    PACKETS.map((data, i) => ({ data, timestamp: { sec: 1000 + i, nsec: 0 } })),
    { byteOrder: 'little', ...options },
  );
}

interface Outcome {
  delivered: number;
  error: unknown;
}

/** The same bytes through readPcapBuffer, readPcapFile (path, small chunks), a stream, pcapRecords. */
async function allReaders(t: import('ava').ExecutionContext, bytes: Buffer): Promise<Map<string, Outcome>> {
  const dir = tempDir(t, 'pcap-err');
  const path = join(dir, 'broken.pcap');
  writeFileSync(path, bytes);
  const out = new Map<string, Outcome>();
  const cb = async (name: string, f: (count: () => void) => Promise<unknown> | unknown): Promise<void> => {
    let delivered = 0;
    try {
      await f(() => delivered++);
      out.set(name, { delivered, error: null });
    } catch (error) {
      out.set(name, { delivered, error });
    }
  };
  await cb('readPcapBuffer', (count) => readPcapBuffer(bytes, count));
  await cb('readPcapFile', (count) => readPcapFile(path, count));
  await cb('readPcapFile/64', (count) => readPcapFile(path, count, { chunkSize: 64 }));
  await cb('stream', (count) => readPcapFile(chunkedStream(bytes, [5, 17]), count, { name: 'stdin' }));
  await cb('pcapRecords', async (count) => {
    for await (const _ of pcapRecords(path)) count();
  });
  return out;
}

interface Expected {
  reason: PcapErrorReason;
  packetIndex: number;
  offset: number;
  message: RegExp;
}

async function expectError(t: import('ava').ExecutionContext, bytes: Buffer, e: Expected): Promise<void> {
  for (const [name, o] of await allReaders(t, bytes)) {
    t.true(o.error instanceof PcapError, `${name}: ${String(o.error)}`);
    const err = o.error as PcapError;
    t.is(err.reason, e.reason, name);
    t.is(err.packetIndex, e.packetIndex, name);
    t.is(err.offset, e.offset, name);
    t.regex(err.message, e.message, name);
    t.false(err.message.includes('\n'), `${name}: one line`);
    t.is(err.name, 'PcapError');
    // Records before the break were delivered (the break's index is the count before it).
    t.is(o.delivered, e.packetIndex, `${name}: records delivered before the break`);
  }
}

test('the valid file reads completely everywhere (the baseline for the cuts below)', async (t) => {
  const bytes = valid();
  t.is(bytes.length, FILE_LENGTH);
  for (const [name, o] of await allReaders(t, bytes)) t.deepEqual(o, { delivered: 3, error: null }, name);
});

test('zero-length file', async (t) => {
  await expectError(t, Buffer.alloc(0), {
    reason: PCAP_ERROR.EMPTY_FILE,
    packetIndex: 0,
    offset: 0,
    message: /empty file \(0 bytes\)/,
  });
});

for (const cut of [1, 3, 4, 10, 23]) {
  test(`cut mid-global-header (${cut} of 24 bytes)`, async (t) => {
    await expectError(t, valid().subarray(0, cut), {
      reason: PCAP_ERROR.TRUNCATED_GLOBAL_HEADER,
      packetIndex: 0,
      offset: 0,
      message: new RegExp(`truncated global header at byte offset 0: ${cut} of 24 bytes$`),
    });
  });
}

for (const [index, inHeader] of [[0, 1], [1, 7], [2, 15]] as const) {
  test(`cut mid-record-header of packet ${index} (${inHeader} of 16 bytes)`, async (t) => {
    await expectError(t, valid().subarray(0, STARTS[index]! + inHeader), {
      reason: PCAP_ERROR.TRUNCATED_RECORD_HEADER,
      packetIndex: index,
      offset: STARTS[index]!,
      message: new RegExp(
        `truncated record header at packet index ${index}, byte offset ${STARTS[index]}: ${inHeader} of 16 bytes$`,
      ),
    });
  });
}

for (const [index, inData] of [[0, 0], [1, 10], [2, 27]] as const) {
  test(`cut mid-packet ${index} (${inData} of ${PACKETS[index]!.length} bytes)`, async (t) => {
    await expectError(t, valid().subarray(0, STARTS[index]! + 16 + inData), {
      reason: PCAP_ERROR.TRUNCATED_PACKET,
      packetIndex: index,
      offset: STARTS[index]!,
      message: new RegExp(
        `truncated packet at packet index ${index}, byte offset ${STARTS[index]}: captured length ` +
          `${PACKETS[index]!.length} but only ${inData} bytes left in the file$`,
      ),
    });
  });
}

test('incl_len larger than the file (but within snaplen)', async (t) => {
  const bytes = valid();
  bytes.writeUInt32LE(5000, STARTS[2]! + 8);
  await expectError(t, bytes, {
    reason: PCAP_ERROR.TRUNCATED_PACKET,
    packetIndex: 2,
    offset: STARTS[2]!,
    message: /packet index 2, byte offset 142: captured length 5000 but only 28 bytes left in the file$/,
  });
});

test('incl_len larger than the snaplen: read whole, as libpcap and Wireshark read it (issue 20)', async (t) => {
  // The header says 40, yet every record is longer (36 fits, 50 does not): old writers left such
  // files, and tcpdump and tshark read them. Every reader delivers all three records, whole.
  const bytes = valid({ byteOrder: 'big' });
  bytes.writeUInt32BE(40, 16); // the global header's snaplen
  for (const [name, o] of await allReaders(t, bytes)) {
    t.is(o.error, null, name);
    t.is(o.delivered, 3, name);
  }
  const lengths: number[] = [];
  readPcapBuffer(bytes, (v) => void lengths.push(v.capturedLength));
  t.deepEqual(lengths, PACKETS.map((p) => p.length));
});

for (const snaplen of [0, 0xffffffff]) {
  test(`incl_len above the 256 KiB cap (snaplen ${snaplen})`, async (t) => {
    const bytes = valid();
    bytes.writeUInt32LE(snaplen, 16);
    bytes.writeUInt32LE(262145, STARTS[1]! + 8);
    await expectError(t, bytes, {
      reason: PCAP_ERROR.BAD_CAPTURED_LENGTH,
      packetIndex: 1,
      offset: STARTS[1]!,
      message: /corrupt record header at packet index 1, byte offset 76: captured length 262145 exceeds the 262144-byte limit of libpcap and Wireshark$/,
    });
  });
}

test('a huge incl_len fails at once on a stream that never ends: no waiting for 4 GB', async (t) => {
  const bytes = valid();
  bytes.writeUInt32LE(0xffffffff, STARTS[1]! + 8);
  const open = new PassThrough();
  open.write(bytes.subarray(0, STARTS[1]! + 16)); // never ended
  let delivered = 0;
  const err = await t.throwsAsync(readPcapFile(open, () => void delivered++), { instanceOf: PcapError });
  t.is(err?.reason, PCAP_ERROR.BAD_CAPTURED_LENGTH);
  t.is(delivered, 1);
});

// A global header that is not one we read: the error is at packet index 0, byte offset 0.
const HEADER_PROBLEMS: [title: string, corrupt: (b: Buffer) => void, reason: PcapErrorReason, message: RegExp][] = [
  ['wrong magic', (b) => b.write('GET / HTTP/1.1\r\n', 0, 'latin1'), PCAP_ERROR.BAD_MAGIC, /not a pcap or pcapng file: unknown magic number 0x47455420 at byte offset 0$/],
  ['unsupported major version', (b) => b.writeUInt16LE(3, 4), PCAP_ERROR.UNSUPPORTED_VERSION, /unsupported pcap version 3\.4 at byte offset 0/],
  [
    'Kuznetzov "modified" pcap is named, with the conversion command',
    (b) => b.writeUInt32LE(0xa1b2cd34, 0),
    PCAP_ERROR.UNSUPPORTED_FORMAT,
    /"modified" \(Kuznetzov\) pcap is not supported: convert with `editcap -F pcap/,
  ],
];

for (const [title, corrupt, reason, message] of HEADER_PROBLEMS) {
  test(title, async (t) => {
    const bytes = valid();
    corrupt(bytes);
    await expectError(t, bytes, { reason, packetIndex: 0, offset: 0, message });
  });
}

test('messages name the file: the path for files, the given name for streams', async (t) => {
  const bytes = valid().subarray(0, 100);
  const outcomes = await allReaders(t, bytes);
  t.regex((outcomes.get('readPcapFile')!.error as Error).message, /^\/.*broken\.pcap: truncated packet/);
  t.regex((outcomes.get('stream')!.error as Error).message, /^stdin: truncated packet/);
  t.regex((outcomes.get('readPcapBuffer')!.error as Error).message, /^pcap: truncated packet/);
});

test('a missing file is the system error (ENOENT), not a PcapError', async (t) => {
  await t.throwsAsync(readPcapFile('/nonexistent/rawprobe/x.pcap', () => {}), { code: 'ENOENT' });
});
