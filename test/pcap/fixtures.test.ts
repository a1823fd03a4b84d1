// Real captures from the kernel, kept in test/pcap/fixtures (made by make-fixtures.sh: ping to
// 127.0.0.1 and ::1 under tcpdump and dumpcap). Each has tshark's reading beside it (.tsv), taken
// when it was made; our reader must agree on every record. Needs no root, unlike tcpdump.test.ts.

import test from 'ava';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { LINKTYPE, NOT_IPV4, locateIpv4InRecord, readPcapFile, type PcapInfo, type RecordView } from '../../lib/pcap/index.js';
import { dottedQuad, epochString, pcapParserRead, snapshot } from './helpers.js';

// Tests run from dist/test/pcap; the fixtures stay in the source tree.
const FIXTURES = fileURLToPath(new URL('../../../test/pcap/fixtures/', import.meta.url));

const CASES = [
  { file: 'lo-usec.pcap', format: 'pcap', linkType: LINKTYPE.ETHERNET, nanosecond: false },
  { file: 'lo-nsec.pcap', format: 'pcap', linkType: LINKTYPE.ETHERNET, nanosecond: true },
  { file: 'any-sll2.pcap', format: 'pcap', linkType: LINKTYPE.LINUX_SLL2, nanosecond: false },
  { file: 'any-sll.pcap', format: 'pcap', linkType: LINKTYPE.LINUX_SLL, nanosecond: false },
  { file: 'lo-dumpcap.pcapng', format: 'pcapng', linkType: LINKTYPE.ETHERNET, nanosecond: true },
] as const;

for (const c of CASES) {
  test(`fixture ${c.file}: the records tshark saw, IPv4 located, IPv6 named`, async (t) => {
    const path = FIXTURES + c.file;
    const expected = readFileSync(`${path}.tsv`, 'utf8').trim().split('\n').map((l) => l.split('\t'));
    let info: PcapInfo | null = null;
    const views: RecordView[] = [];
    await readPcapFile(path, (v) => void views.push(snapshot(v)), { onInfo: (i) => (info = i) });
    t.like(info!, { format: c.format, linkType: c.linkType, nanosecond: c.nanosecond });
    t.is(views.length, expected.length);
    for (const [i, v] of views.entries()) {
      const [frameLen = '', epoch = '', ipSrc = '', ipv6Src = ''] = expected[i]!;
      t.is(v.capturedLength, Number(frameLen));
      t.is(epochString(v.tsSec, v.tsNsec), epoch);
      const loc = locateIpv4InRecord(v);
      if (ipSrc !== '') {
        t.is(loc.reason, null);
        t.is(dottedQuad(v.buffer, loc.offset + 12), ipSrc);
      } else {
        t.is(ipv6Src, '::1');
        t.is(loc.reason, NOT_IPV4.IPV6);
      }
    }
    if (c.format === 'pcap' && !c.nanosecond) {
      const oracle = await pcapParserRead(path);
      t.deepEqual(
        oracle.records.map((o) => [o.tsSec, o.tsUsec * 1000, o.data.toString('hex')]),
        views.map((v) => [v.tsSec, v.tsNsec, v.buffer.toString('hex')]),
      );
    }
  });
}
