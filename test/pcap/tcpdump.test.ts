// We read what tcpdump writes: real captures from the kernel, on `lo` (Ethernet, microsecond and
// nanosecond) and on `any` (Linux cooked v2, and v1 with -y LINUX_SLL), while ping sends echo
// requests to 127.0.0.1 and nowhere else. Each capture filters on its own IPv4 total length, so
// captures running side by side (and other tests pinging localhost) do not mix. Every command is
// bounded in time. Each capture is checked against tshark (lengths, addresses, timestamps to
// the nanosecond) and, for microsecond files, against pcap-parser.

import type { ExecutionContext } from 'ava';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  LINKTYPE,
  MAGIC,
  locateIpv4InRecord,
  pcapRecords,
  readPcapFile,
  type PcapInfo,
  type RecordView,
} from '../../lib/pcap/index.js';
import { rootTest } from '../helpers/privilege.js';
import { runCommand } from '../helpers/cli.js';
import { startTcpdump } from '../helpers/tcpdump.js';
import { tempDir } from '../helpers/tmp.js';
import { toolTest } from '../helpers/tools.js';
import { dottedQuad, epochString, pcapParserRead, snapshot, tsharkRows } from './helpers.js';

const test = toolTest(['tcpdump', 'ping', 'tshark'], rootTest());
const PINGS = 3;
// A payload size for this run; each variant adds its own step so no two captures share a size.
const BASE_SIZE = 300 + Math.floor(Math.random() * 600);

interface Variant {
  name: string;
  args: string[];
  linkType: number;
  nanosecond: boolean;
  step: number;
}

const VARIANTS: Variant[] = [
  { name: 'lo, microsecond', args: ['-i', 'lo'], linkType: LINKTYPE.ETHERNET, nanosecond: false, step: 0 },
  { name: 'lo, --time-stamp-precision=nano', args: ['-i', 'lo', '--time-stamp-precision=nano'], linkType: LINKTYPE.ETHERNET, nanosecond: true, step: 7 },
  { name: 'any (Linux cooked v2)', args: ['-i', 'any'], linkType: LINKTYPE.LINUX_SLL2, nanosecond: false, step: 14 },
  { name: 'any -y LINUX_SLL (cooked v1)', args: ['-i', 'any', '-y', 'LINUX_SLL'], linkType: LINKTYPE.LINUX_SLL, nanosecond: false, step: 21 },
];

/** Start tcpdump, wait until it listens, ping 127.0.0.1, wait for tcpdump to exit. */
async function capture(t: ExecutionContext, file: string, v: Variant, payload: number): Promise<void> {
  const total = 20 + 8 + payload;
  const dump = await startTcpdump(t, [...v.args, '-w', file, '-c', String(2 * PINGS), `icmp and ip[2:2] = ${total}`]);
  const ping = await runCommand(['ping', '-n', '-c', String(PINGS), '-i', '0.2', '-W', '2', '-s', String(payload), '127.0.0.1'], { timeoutMs: 15_000 });
  if (ping.code !== 0) throw new Error(`ping 127.0.0.1 failed (${ping.code}): ${ping.stdout}${ping.stderr}`);
  const code = await dump.exited;
  if (code !== 0) throw new Error(`tcpdump exited with ${code}`);
}

for (const v of VARIANTS) {
  test(`we read what tcpdump writes: ${v.name}`, async (t) => {
    const dir = tempDir(t, 'pcap-tcpdump');
    const file = join(dir, 'capture.pcap');
    const payload = BASE_SIZE + v.step;
    await capture(t, file, v, payload);

    const bytes = readFileSync(file);
    const magic = bytes.readUInt32LE(0);
    t.is(magic, v.nanosecond ? MAGIC.NANOSECOND : MAGIC.MICROSECOND, 'tcpdump wrote host (little-endian) order');

    let info: PcapInfo | null = null;
    const views: RecordView[] = [];
    const summary = await readPcapFile(file, (r) => void views.push(snapshot(r)), { onInfo: (i) => (info = i) });
    t.like(info!, { format: 'pcap', linkType: v.linkType, nanosecond: v.nanosecond, snaplen: 262144 });
    t.is(summary.records, 2 * PINGS);

    const types: number[] = [];
    for (const r of views) {
      t.is(r.linkType, v.linkType);
      t.is(r.capturedLength, r.originalLength);
      const loc = locateIpv4InRecord(r);
      t.is(loc.reason, null);
      const ip = r.buffer.subarray(loc.offset, loc.offset + loc.length);
      t.is(ip.readUInt16BE(2), 28 + payload, 'IPv4 total length');
      t.is(dottedQuad(ip, 12), '127.0.0.1');
      t.is(dottedQuad(ip, 16), '127.0.0.1');
      types.push(ip[(ip[0]! & 0x0f) * 4]!);
      if (!v.nanosecond) t.is(r.tsNsec % 1000, 0);
    }
    t.deepEqual([...types].sort(), [0, 0, 0, 8, 8, 8], 'three echo requests and three replies');

    // tshark agrees on every record, timestamps to the last digit.
    const rows = await tsharkRows(file);
    t.deepEqual(
      rows.map((r) => [r.frameLen, r.ipSrc, r.timeEpoch]),
      views.map((r) => [r.capturedLength, '127.0.0.1', epochString(r.tsSec, r.tsNsec)]),
    );

    // The convenient reader agrees with the fast one.
    const recs = [];
    for await (const r of pcapRecords(file)) recs.push(r);
    t.deepEqual(
      recs.map((r) => [r.timestamp!.sec, r.timestamp!.nsec, r.data.toString('hex')]),
      views.map((r) => [r.tsSec, r.tsNsec, r.buffer.toString('hex')]),
    );

    // pcap-parser as oracle, on the microsecond captures it understands.
    if (!v.nanosecond) {
      const oracle = await pcapParserRead(file);
      t.is(oracle.linkType, v.linkType);
      t.deepEqual(
        oracle.records.map((o) => [o.tsSec, o.tsUsec * 1000, o.capturedLength, o.originalLength, o.data.toString('hex')]),
        views.map((r) => [r.tsSec, r.tsNsec, r.capturedLength, r.originalLength, r.buffer.toString('hex')]),
      );
    }
  });
}
