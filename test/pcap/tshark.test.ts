// Interoperability with Wireshark's tools: tshark decodes what we write for every link type we
// write (frame length, IPv4 addresses, timestamp to the nanosecond), and we read the pcapng
// that tshark and mergecap write, agreeing with tshark record by record.
// Files only: nothing is sent anywhere (the documentation addresses are just bytes).

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  LINKTYPE,
  PcapWriter,
  ipv4LinkHeader,
  linkTypeName,
  locateIpv4InRecord,
  readPcapFile,
  type LinkHeaderOptions,
  type RecordView,
} from '../../lib/pcap/index.js';
import { runCommand } from '../helpers/cli.js';
import { tempDir } from '../helpers/tmp.js';
import { toolTest } from '../helpers/tools.js';
import { collect, dottedQuad, epochString, icmpEchoPacket, snapshot, tsharkRows } from './helpers.js';

const test = toolTest(['tshark']);

const PACKETS = [
  { data: icmpEchoPacket({ src: '198.51.100.1', dst: '203.0.113.9', seq: 1, payload: 0 }), ts: { sec: 1_700_000_000, nsec: 1_000 } },
  { data: icmpEchoPacket({ src: '203.0.113.9', dst: '198.51.100.1', seq: 2, payload: 1400 }), ts: { sec: 1_700_000_000, nsec: 999_999_999 } },
  { data: icmpEchoPacket({ src: '198.51.100.77', dst: '198.51.100.1', seq: 3, payload: 31 }), ts: { sec: 1_700_000_123, nsec: 456_789_000 } },
];

interface Variant {
  name: string;
  linkType: number;
  header?: LinkHeaderOptions;
  byteOrder: 'little' | 'big';
  nanosecond: boolean;
}

const VARIANTS: Variant[] = [
  { name: 'RAW 101', linkType: LINKTYPE.RAW, byteOrder: 'little', nanosecond: false },
  { name: 'RAW 101, big-endian, ns', linkType: LINKTYPE.RAW, byteOrder: 'big', nanosecond: true },
  { name: 'IPV4 228', linkType: LINKTYPE.IPV4, byteOrder: 'little', nanosecond: true },
  { name: 'ETHERNET', linkType: LINKTYPE.ETHERNET, byteOrder: 'little', nanosecond: false },
  { name: 'ETHERNET + 802.1Q', linkType: LINKTYPE.ETHERNET, header: { vlanId: 7 }, byteOrder: 'big', nanosecond: false },
  { name: 'LINUX_SLL', linkType: LINKTYPE.LINUX_SLL, byteOrder: 'little', nanosecond: true },
  { name: 'LINUX_SLL2', linkType: LINKTYPE.LINUX_SLL2, byteOrder: 'big', nanosecond: false },
  { name: 'NULL, little-endian', linkType: LINKTYPE.NULL, header: { byteOrder: 'little' }, byteOrder: 'little', nanosecond: false },
  { name: 'NULL, big-endian', linkType: LINKTYPE.NULL, header: { byteOrder: 'big' }, byteOrder: 'big', nanosecond: true },
  { name: 'LOOP', linkType: LINKTYPE.LOOP, byteOrder: 'little', nanosecond: false },
];

async function writeVariant(dir: string, v: Variant, file: string): Promise<number> {
  const header = ipv4LinkHeader(v.linkType, v.header);
  const w = new PcapWriter(join(dir, file), {
    linkType: v.linkType,
    linkHeader: header,
    byteOrder: v.byteOrder,
    nanosecond: v.nanosecond,
  });
  for (const p of PACKETS) w.write(p.data, p.ts);
  await w.close();
  return header.length;
}

for (const v of VARIANTS) {
  test(`tshark reads what we write: ${v.name} (${linkTypeName(v.linkType)})`, async (t) => {
    const dir = tempDir(t, 'tshark');
    const headerLength = await writeVariant(dir, v, 'w.pcap');
    const rows = await tsharkRows(join(dir, 'w.pcap'));
    t.deepEqual(
      rows,
      PACKETS.map((p) => ({
        frameLen: headerLength + p.data.length,
        ipSrc: dottedQuad(p.data, 12),
        ipDst: dottedQuad(p.data, 16),
        timeEpoch: epochString(p.ts.sec, v.nanosecond ? p.ts.nsec : Math.floor(p.ts.nsec / 1000) * 1000),
      })),
    );
  });
}

test('tshark: ETHERNET + 802.1Q is decoded as VLAN 7 carrying IPv4', async (t) => {
  const dir = tempDir(t, 'vlan');
  await writeVariant(dir, VARIANTS[4]!, 'v.pcap');
  const r = await runCommand(['tshark', '-r', join(dir, 'v.pcap'), '-T', 'fields', '-e', 'vlan.id', '-e', 'frame.protocols']);
  t.is(r.code, 0);
  const lines = r.stdout.trim().split('\n').map((l) => l.split('\t'));
  t.is(lines.length, 3);
  for (const [vlan, protocols] of lines) {
    t.is(vlan, '7');
    t.regex(protocols ?? '', /^eth:ethertype:vlan:ethertype:ip:icmp(:data)?$/);
  }
});

test('we read the pcapng tshark writes (if_tsresol 9) and agree with the original pcap', async (t) => {
  const dir = tempDir(t, 'ng');
  const v = VARIANTS[1]!; // RAW, big-endian, nanosecond
  await writeVariant(dir, v, 'in.pcap');
  const conv = await runCommand(['tshark', '-r', join(dir, 'in.pcap'), '-F', 'pcapng', '-w', join(dir, 'out.pcapng')]);
  t.is(conv.code, 0, conv.stderr);
  const original = collect(readFileSync(join(dir, 'in.pcap')));
  const views: RecordView[] = [];
  const s = await readPcapFile(join(dir, 'out.pcapng'), (r) => void views.push(snapshot(r)), { chunkSize: 100 });
  t.is(s.info.format, 'pcapng');
  t.true(s.info.nanosecond);
  const strip = (r: RecordView) => [r.linkType, r.tsSec, r.tsNsec, r.capturedLength, r.originalLength, r.buffer.toString('hex')];
  t.deepEqual(views.map(strip), original.views.map(strip));
});

toolTest(['tshark', 'mergecap'])('mergecap pcapng with two interfaces of different link types: we agree with tshark per record', async (t) => {
  const dir = tempDir(t, 'merge');
  await writeVariant(dir, VARIANTS[3]!, 'eth.pcap'); // Ethernet, µs
  await writeVariant(dir, { ...VARIANTS[6]!, nanosecond: true }, 'sll2.pcap'); // SLL2, ns
  const m = await runCommand(['mergecap', '-F', 'pcapng', '-w', join(dir, 'm.pcapng'), join(dir, 'eth.pcap'), join(dir, 'sll2.pcap')]);
  t.is(m.code, 0, m.stderr);
  const r = await runCommand([
    'tshark', '-r', join(dir, 'm.pcapng'), '-T', 'fields', '-E', 'separator=,',
    '-e', 'frame.interface_id', '-e', 'frame.len', '-e', 'ip.src', '-e', 'frame.time_epoch',
  ]);
  t.is(r.code, 0, r.stderr);
  const ours: string[] = [];
  const s = await readPcapFile(join(dir, 'm.pcapng'), (v) => {
    const loc = locateIpv4InRecord(v);
    t.is(loc.reason, null);
    ours.push([v.interfaceId, v.capturedLength, dottedQuad(v.buffer, loc.offset + 12), epochString(v.tsSec, v.tsNsec)].join(','));
  });
  t.deepEqual(ours, r.stdout.trim().split('\n'));
  t.is(ours.length, 6);
  t.deepEqual(s.info.interfaces.map((i) => i.linkType), [LINKTYPE.ETHERNET, LINKTYPE.LINUX_SLL2]);
});
