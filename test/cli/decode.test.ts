// `rawprobe decode` on the fixture captures (every link type and byte order) against tshark's
// reading of them (fixtures/pcap/*.tsv), the summary line format, --verbose, --json, the input
// forms (pcap, pcapng, hex argument, hex file, stdin), and broken input.
import test from 'ava';
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { readPcapBuffer } from '../../lib/pcap/index.js';
import { encodePacket } from '../../lib/wire/index.js';
import { ROOT, pcapFixture as fixture, rawprobe } from '../helpers/cli.js';
import { sharedTempDir } from '../helpers/tmp.js';

const PCAP_FIXTURES = join(ROOT, 'fixtures/pcap');
const dir = sharedTempDir('decode-cli');

/** One row of a fixture's .tsv (columns as make-fixtures.sh writes them). */
interface TsharkRow {
  number: number;
  epoch: string;
  src: string;
  dst: string;
  proto: number | null;
  ttl: number;
  dsfield: number;
  len: number;
  id: number;
  df: boolean;
  icmpType: number | null;
  icmpCode: number | null;
  icmpIdent: number | null;
  icmpSeq: number | null;
  udp: [number, number] | null;
  tcp: [number, number] | null;
  status: { ip: string; icmp: string; udp: string; tcp: string };
  /** The IPv6 columns (fixtures/pcap/make-fixtures.sh), null for an IPv4 row. */
  ipv6: { src: string; dst: string; nextHeader: number; hopLimit: number; trafficClass: number; flowLabel: number; payloadLength: number; icmpv6: [number, number]; echo: [number, number] | null; status: string } | null;
}

function tsv(name: string): TsharkRow[] {
  return readFileSync(`${fixture(name)}.tsv`, 'utf8')
    .split('\n')
    .filter((l) => l !== '')
    .map((line) => {
      const f = line.split('\t');
      const n = (i: number): number | null => (f[i] === '' || f[i] === undefined ? null : Number(f[i]));
      return {
        number: Number(f[0]),
        epoch: f[1]!,
        src: f[3]!,
        dst: f[4]!,
        proto: n(5),
        ttl: Number(f[6]),
        dsfield: Number(f[7]),
        len: Number(f[8]),
        id: Number(f[9]),
        df: f[10] === '1' || f[10] === 'True',
        icmpType: n(11),
        icmpCode: n(12),
        icmpIdent: n(13),
        icmpSeq: n(14),
        udp: f[15] ? [Number(f[15]), Number(f[16])] : null,
        tcp: f[17] ? [Number(f[17]), Number(f[18])] : null,
        status: { ip: f[19] ?? '', icmp: f[20] ?? '', udp: f[21] ?? '', tcp: f[22] ?? '' },
        ipv6: f[23]
          ? {
              src: f[23],
              dst: f[24]!,
              nextHeader: Number(f[25]),
              hopLimit: Number(f[26]),
              trafficClass: Number(f[27]),
              flowLabel: Number(f[28]),
              payloadLength: Number(f[29]),
              icmpv6: [Number(f[30]), Number(f[31])],
              echo: f[32] ? [Number(f[32]), Number(f[33])] : null,
              status: f[34] ?? '',
            }
          : null,
      };
    });
}

interface JsonLine {
  frame: { index: number; time: string | null; capturedLength: number; linkType: number };
  icmpv6?: { type: number; code: number; identifier?: number; sequence?: number; checksumValid: boolean | null } | null;
  extensions?: unknown[];
  ip: { src: string; dst: string; protocol: number; ttl: number; tos: number; totalLength: number; id: number; flags: { df: boolean }; checksumValid: boolean | null; options: unknown[] } | null;
  icmp: { type: number; code: number; identifier?: number; sequence?: number; checksumValid: boolean | null } | null;
  udp: { srcPort: number; dstPort: number; checksumValid: boolean | null } | null;
  tcp: { srcPort: number; dstPort: number; checksumValid: boolean | null } | null;
  problem: { kind: string; reason: string } | null;
}

/** Wireshark checksum status (0 bad, 1 good, 2 unverified) as our checksumValid. */
function validity(status: string): boolean | null {
  return status === '1' ? true : status === '0' ? false : null;
}

/** Local time of day as decode prints it, for TZ=UTC: from tshark's epoch text. */
function timeOfDay(epoch: string, nanosecond: boolean): string {
  const [sec, frac] = epoch.split('.');
  const d = new Date(Number(sec) * 1000);
  const hh = String(d.getUTCHours()).padStart(2, '0');
  const mm = String(d.getUTCMinutes()).padStart(2, '0');
  const ss = String(d.getUTCSeconds()).padStart(2, '0');
  return `${hh}:${mm}:${ss}.${(frac ?? '').padEnd(9, '0').slice(0, nanosecond ? 9 : 6)}`;
}

const captures = readdirSync(PCAP_FIXTURES).filter((f) => f.endsWith('.pcap'));

test('there is a fixture for every link type the issue names, in both byte orders', (t) => {
  const kinds = new Set<string>();
  for (const name of captures) {
    const bytes = readFileSync(fixture(name));
    readPcapBuffer(bytes, () => false, { onInfo: (info) => void kinds.add(`${info.linkType}/${info.byteOrder}/${info.nanosecond ? 'ns' : 'us'}`) });
  }
  for (const linkType of [0, 1, 101, 113, 228, 276]) t.true([...kinds].some((k) => k.startsWith(`${linkType}/`)), `link type ${linkType}`);
  t.true([...kinds].some((k) => k.includes('/big/')), 'big-endian');
  t.true([...kinds].some((k) => k.includes('/little/')), 'little-endian');
  t.true([...kinds].some((k) => k.endsWith('/ns')), 'nanosecond');
});

for (const name of captures) {
  test(`${name}: decode --json agrees with tshark on every packet`, async (t) => {
    const r = await rawprobe(['decode', fixture(name), '--json']);
    t.is(r.code, 0, r.stderr);
    const lines = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as JsonLine);
    const rows = tsv(name);
    t.is(lines.length, rows.length);
    rows.forEach((row, i) => {
      const d = lines[i]!;
      t.is(d.frame.index, row.number - 1);
      const [sec, frac] = row.epoch.split('.');
      t.true(d.frame.time?.startsWith(new Date(Number(sec) * 1000).toISOString().slice(0, 19)), `#${i} time`);
      t.is(d.frame.time?.slice(20, 26), frac!.slice(0, 6), `#${i} fraction`);
      if (row.ipv6 !== null) {
        // IPv6 (ping -6 ::1), behind every link type's own header: field by field as tshark read it.
        const v6 = row.ipv6;
        t.like(d.ip as unknown as object, { version: 6, src: v6.src, dst: v6.dst, nextHeader: v6.nextHeader, hopLimit: v6.hopLimit, trafficClass: v6.trafficClass, flowLabel: v6.flowLabel, payloadLength: v6.payloadLength }, `#${i} ipv6`);
        t.deepEqual(d.extensions, [], `#${i} no extension headers`);
        t.like(d.icmpv6, { type: v6.icmpv6[0], code: v6.icmpv6[1], identifier: v6.echo![0], sequence: v6.echo![1] }, `#${i} icmpv6`);
        t.is(d.icmpv6!.checksumValid, validity(v6.status), `#${i} icmpv6 checksum`);
        t.is(d.problem, null);
        return;
      }
      const ip = d.ip!;
      t.like(ip, { src: row.src, dst: row.dst, protocol: row.proto, ttl: row.ttl, tos: row.dsfield, totalLength: row.len, id: row.id }, `#${i} ip`);
      t.is(ip.flags.df, row.df, `#${i} df`);
      t.is(ip.checksumValid, validity(row.status.ip), `#${i} ip checksum`);
      if (row.proto === 1) {
        t.like(d.icmp, { type: row.icmpType!, code: row.icmpCode! }, `#${i} icmp`);
        if (row.icmpIdent !== null) t.like(d.icmp, { identifier: row.icmpIdent, sequence: row.icmpSeq! });
        t.is(d.icmp!.checksumValid, validity(row.status.icmp), `#${i} icmp checksum`);
      }
      if (row.proto === 17) {
        t.deepEqual([d.udp!.srcPort, d.udp!.dstPort], row.udp);
        t.is(d.udp!.checksumValid, validity(row.status.udp), `#${i} udp checksum`);
      }
      if (row.proto === 6) {
        t.deepEqual([d.tcp!.srcPort, d.tcp!.dstPort], row.tcp);
        t.is(d.tcp!.checksumValid, validity(row.status.tcp), `#${i} tcp checksum`);
      }
      t.is(d.problem, null);
    });
  });

  test(`${name}: one summary line per packet with time, addresses, protocol, TTL, TOS, length, checksums`, async (t) => {
    const r = await rawprobe(['decode', fixture(name)]);
    t.is(r.code, 0, r.stderr);
    const lines = r.stdout.trimEnd().split('\n');
    const rows = tsv(name);
    t.is(lines.length, rows.length);
    const nanosecond = name.includes('nsec');
    rows.forEach((row, i) => {
      const line = lines[i]!;
      t.true(line.startsWith(`#${i} ${timeOfDay(row.epoch, nanosecond)} `), `${line} starts with #${i} and the time`);
      if (row.ipv6 !== null) {
        const v6 = row.ipv6;
        const flow = v6.flowLabel.toString(16).padStart(5, '0');
        t.true(line.includes(` ${v6.src} > ${v6.dst} ICMPv6 Echo request (128/0) id 0x${v6.echo![0].toString(16).padStart(4, '0')} seq ${v6.echo![1]}, hlim ${v6.hopLimit}, class 0x00, flowlabel 0x${flow}, payload length ${v6.payloadLength}, checksums ok`), line);
        return;
      }
      t.true(line.includes(` ${row.src} > ${row.dst} `), line);
      t.true(line.includes(`, ttl ${row.ttl}, id ${row.id}, tos 0x${row.dsfield.toString(16).padStart(2, '0')}`), line);
      t.true(line.includes(`length ${row.len}`), line);
      if (row.proto === 1) t.true(line.includes(`(${row.icmpType}/${row.icmpCode})`), line);
      if (row.icmpIdent !== null) t.true(line.includes(`id 0x${row.icmpIdent.toString(16).padStart(4, '0')} seq ${row.icmpSeq}`), line);
      if (row.proto === 17) t.true(line.includes(`UDP ${row.udp![0]} > ${row.udp![1]}`), line);
      if (row.proto === 6) t.true(line.includes(`TCP ${row.tcp![0]} > ${row.tcp![1]}`), line);
      const bad = [row.status.ip, row.proto === 1 ? row.status.icmp : row.proto === 17 ? row.status.udp : row.status.tcp].includes('0');
      t.is(line.endsWith('checksums ok'), !bad, line);
    });
  });
}

test('the summary line, whole, for known packets', async (t) => {
  const r = await rawprobe(['decode', fixture('lo-eth-usec.pcap')]);
  const lines = r.stdout.split('\n');
  const rows = tsv('lo-eth-usec.pcap');
  const at = (i: number): string => timeOfDay(rows[i]!.epoch, false);
  const icmpId = `0x${rows[4]!.icmpIdent!.toString(16).padStart(4, '0')}`;
  t.is(lines[4], `#4 ${at(4)} 127.0.0.1 > 127.0.0.1 ICMP Echo Request (8/0) id ${icmpId} seq 1, ttl 7, id ${rows[4]!.id}, tos 0xb8 (EF), DF, length 44, checksums ok`);
  t.regex(lines[6]!, /ICMP Echo Request \(8\/0\) id 0x[0-9a-f]{4} seq 1, ttl 64, id \d+, tos 0x00, DF, options \[NOP, RR 127\.0\.0\.1 0\.0\.0\.0 .*\(ptr 8\)\], length 76, checksums ok$/);
  t.regex(lines[8]!, new RegExp(`^#8 ${at(8)} 127\\.0\\.0\\.1 > 127\\.0\\.0\\.1 UDP \\d+ > 39001 length 13, ttl 64, id \\d+, tos 0x00, DF, length 33, bad udp checksum 0xfe20 \\(expected 0x[0-9a-f]{4}; offloaded: captured before the NIC filled it in\\)$`));
  t.regex(lines[9]!, /ICMP Destination Port Unreachable \(3\/3\) quoting \[127\.0\.0\.1 > 127\.0\.0\.1 UDP \d+ > 39001, ttl 64, id \d+\], ttl 64, id \d+, tos 0xc0 \(CS6\), length 61, checksums ok$/);
  t.regex(lines[10]!, /TCP \d+ > 39002 \[S\] seq \d+ win 65495, .* bad tcp checksum 0xfe30 /);
  t.regex(lines[11]!, /TCP 39002 > \d+ \[R\.\] seq 0 ack \d+ win 0, ttl 64, id 0, tos 0x00, DF, length 40, checksums ok$/);
});

test('--verbose: a table of every field of every layer after each line', async (t) => {
  const r = await rawprobe(['decode', fixture('lo-eth-usec.pcap'), '--verbose', '--count', '10']);
  t.is(r.code, 0);
  const blocks = r.stdout.split(/\n(?=#\d+ )/);
  t.is(blocks.length, 10);
  const rr = blocks[6]!;
  for (const needle of [
    /│ frame\s+│ linkType\s+│ 1\s+│ ETHERNET \(1\)/,
    /│ ip\s+│ ttl\s+│ 64\s+│ hops left/,
    /│ ip\s+│ tos\s+│ 0x00\s+│ DSCP 0 \(CS0\), ECN Not-ECT/,
    /│ ip\s+│ checksum\s+│ 0x[0-9a-f]{4}\s+│ correct/,
    /│ ip\s+│ options\[1\]\s+│ record-route\s+│ RR 127\.0\.0\.1/,
    /│ ip\s+│ options\[1\]\.pointer\s+│ 8/,
    /│ icmp\s+│ type\s+│ 8\s+│ Echo Request/,
    /│ icmp\s+│ identifier\s+│ \d+ \(0x[0-9a-f]{4}\)/,
    /│ icmp\s+│ data\s+│ [0-9a-f]+\s+│ 8 bytes/,
  ]) {
    t.regex(rr, needle);
  }
  t.regex(blocks[8]!, /│ udp\s+│ checksum\s+│ 0xfe20\s+│ WRONG: should be 0x[0-9a-f]{4} \(checksum offload/);
  t.regex(blocks[9]!, /│ icmp\s+│ quoted\.ip\.dst\s+│ 127\.0\.0\.1/);
  t.regex(blocks[9]!, /│ icmp\s+│ quoted\.udp\.dstPort\s+│ 39001/);
});

test('an RFC 4884 length past the end of the message: decoded, exit 0, one note on the line and in --verbose', async (t) => {
  const hex = join(ROOT, 'fixtures/packets/icmp-rfc4884-length-past-end.hex');
  const note = 'RFC 4884 length 40 words (160 bytes) overruns the 33 bytes there: read as no extensions';
  const r = await rawprobe(['decode', hex]);
  t.is(r.code, 0, r.stderr);
  t.is(r.stderr, '');
  t.regex(r.stdout, /^#0 203\.0\.113\.6 > 203\.0\.113\.1 ICMP Destination Port Unreachable \(3\/3\) quoting \[203\.0\.113\.1 > 203\.0\.113\.6 UDP 40007 > 33437, ttl 64, id 4109\], .*, checksums ok, (.*)\n$/);
  t.true(r.stdout.endsWith(`, checksums ok, ${note}\n`));
  const v = await rawprobe(['decode', hex, '--verbose']);
  t.is(v.code, 0);
  t.regex(v.stdout, /│ icmp\s+│ extensionLength\s+│ 40\s+│/);
  // The note sits in the MEANING column of the flag's row, wrapped over a few lines.
  const row = /│ icmp\s+│ extensionLengthValid\s+│ false\s+│([^\n]*\n(?:│\s+│\s+│\s+│[^\n]*\n)*)/.exec(v.stdout);
  t.truthy(row);
  const meaning = [...row![1]!.matchAll(/([^│]+)│\s*$/gm)].map((m) => m[1]!.trim()).join(' ');
  t.is(meaning, note);
  // A well-formed RFC 4884 message gets no note.
  const ok = await rawprobe(['decode', join(ROOT, 'fixtures/packets/icmp-time-exceeded-rfc4884.hex')]);
  t.false(ok.stdout.includes('RFC 4884'));
});

test('--count stops early; --json and --verbose together is a usage error', async (t) => {
  const r = await rawprobe(['decode', fixture('any-sll2.pcap'), '-c', '2']);
  t.is(r.stdout.trim().split('\n').length, 2);
  const both = await rawprobe(['decode', fixture('any-sll2.pcap'), '--json', '--verbose']);
  t.is(both.code, 2);
  t.regex(both.stderr, /^rawprobe: --json and --verbose: choose one/);
});

test('pcapng is read (lib/pcap supports it)', async (t) => {
  const r = await rawprobe(['decode', join(ROOT, 'test/pcap/fixtures/lo-dumpcap.pcapng')]);
  t.is(r.code, 0, r.stderr);
  t.regex(r.stdout, /^#0 \d\d:\d\d:\d\d\.\d{9} 127\.0\.0\.1 > 127\.0\.0\.1 ICMP Echo Request/);
});

const PACKET = encodePacket({ ip: { src: '192.0.2.1', dst: '198.51.100.2', ttl: 3, id: 7, tos: 0x10 }, udp: { srcPort: 1234, dstPort: 53 }, payload: Buffer.from('q') });

test('hex as an argument, with spaces, colons or 0x; from a file; on stdin', async (t) => {
  const hex = PACKET.toString('hex');
  const spaced = hex.replace(/(..)/g, '$1 ').trim();
  const coloned = hex.replace(/(..)(?!$)/g, '$1:');
  const want = '#0 192.0.2.1 > 198.51.100.2 UDP 1234 > 53 length 9, ttl 3, id 7, tos 0x10 (DSCP 4), length 29, checksums ok\n';
  for (const form of [hex, `0x${hex}`, spaced, coloned]) {
    const r = await rawprobe(['decode', form]);
    t.is(r.code, 0, r.stderr);
    t.is(r.stdout, want, form);
  }
  const file = join(dir, 'packets.hex');
  writeFileSync(file, `# two packets\n${hex}\n\n${spaced}\n`);
  const f = await rawprobe(['decode', file]);
  t.is(f.stdout, want + want.replace('#0', '#1'));
  const s = await rawprobe(['decode'], { input: `${hex}\n` });
  t.is(s.stdout, want);
  const p = await rawprobe(['decode', '-'], { input: readFileSync(fixture('null-be-usec.pcap')) });
  t.is(p.stdout.trim().split('\n').length, 13);
});

test('--json for hex: frame without time, every layer key present', async (t) => {
  const r = await rawprobe(['decode', PACKET.toString('hex'), '--json']);
  const j = JSON.parse(r.stdout) as Record<string, unknown>;
  t.deepEqual(Object.keys(j), ['frame', 'ip', 'icmp', 'udp', 'tcp', 'payload', 'truncated', 'bytes', 'problem']);
  t.like(j, { icmp: null, tcp: null, payload: '71', truncated: false, bytes: 29, problem: null });
  t.like(j.frame as object, { index: 0, time: null, linkType: 101, linkHeaderLength: 0 });
});

// ---- broken input -------------------------------------------------------------------------------

test('a capture cut mid-packet: the packets before it are printed, then one error line, exit 2', async (t) => {
  const bytes = readFileSync(fixture('lo-eth-usec.pcap'));
  const starts: number[] = [];
  readPcapBuffer(bytes, (v) => void starts.push(v.fileOffset - 16));
  const file = join(dir, 'cut.pcap');
  writeFileSync(file, bytes.subarray(0, starts[7]! + 40));
  const r = await rawprobe(['decode', file]);
  t.is(r.code, 2);
  t.is(r.stdout.trim().split('\n').length, 7);
  t.is(r.stderr, `rawprobe: ${file}: truncated packet at packet index 7, byte offset ${starts[7]}: captured length 90 but only 24 bytes left in the file\n`);
  const j = await rawprobe(['decode', file, '--json']);
  t.is(j.stdout.trim().split('\n').length, 7);
});

test('zero-length file, wrong magic, cut global header: exit 2, one line', async (t) => {
  const cases: [Buffer, RegExp][] = [
    [Buffer.alloc(0), /empty file \(0 bytes\).*packet index 0, byte offset 0/],
    [Buffer.from('0102030405060708', 'hex'), /unknown magic number 0x01020304 at byte offset 0 \(packet index 0, byte offset 0\)/],
    [readFileSync(fixture('lo-eth-usec.pcap')).subarray(0, 20), /truncated global header at byte offset 0: 20 of 24 bytes/],
  ];
  for (const [bytes, message] of cases) {
    const file = join(dir, `bad-${bytes.length}.pcap`);
    writeFileSync(file, bytes);
    const r = await rawprobe(['decode', file]);
    t.is(r.code, 2);
    t.is(r.stdout, '');
    t.regex(r.stderr, message);
    t.is(r.stderr.split('\n').length, 2, 'one line');
  }
});

test('hex: odd length, a non-hex character: index and offset named, exit 2; a malformed packet: marked, counted, exit 1', async (t) => {
  const odd = await rawprobe(['decode', 'abc']);
  t.is(odd.code, 2);
  t.is(odd.stderr, 'rawprobe: hex argument: packet index 0, byte offset 1: bad hex: odd number of hex digits (the digit at position 2 has no pair)\n');
  const stdin = await rawprobe(['decode'], { input: `${PACKET.toString('hex')}\n45 00 0g\n` });
  t.is(stdin.code, 2);
  t.is(stdin.stdout.split('\n').length, 2, 'the good packet before is printed');
  t.is(stdin.stderr, 'rawprobe: stdin: packet index 1 (line 2), byte offset 2: bad hex at position 7: "g" is not a hex digit\n');
  // A malformed packet is data (issue 20): marked on its line, counted at the end, exit 1; hex
  // input has no file, so its byte offset counts from the packet's first byte.
  const short = await rawprobe(['decode', PACKET.subarray(0, 24).toString('hex')]);
  t.is(short.code, 1);
  t.regex(short.stdout, /^#0 192\.0\.2\.1 > 198\.51\.100\.2 UDP \[malformed\] UDP header needs 8 bytes, 4 present \(byte offset 20\)\n$/);
  t.is(short.stderr, 'rawprobe: 1 packet, 1 malformed (the first at packet index 0, byte offset 20: UDP header needs 8 bytes, 4 present)\n');
  const missing = await rawprobe(['decode', 'no/such/file.pcap']);
  t.is(missing.code, 2);
  t.is(missing.stderr, 'rawprobe: no/such/file.pcap: no such file\n');
});
