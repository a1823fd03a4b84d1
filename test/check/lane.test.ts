// The checksum lane (lib/check/lane.ts, native/checksum-lane.cc) against the JavaScript path
// alone: over random captures of every kind of trouble (bad checksums, snaplen cuts, odd lengths,
// fragments, TSO headers, IPv4 options, IPv6 extension headers of every type, lengths that lie,
// UDP without a checksum, TCP's 0xffff, VLAN tags, ARP, raw IP, either byte order), checkCapture
// must give the same summary, to the last bad packet and malformed reason, with the lane and
// without it. And the lane must really take records and really leave some: a lane that took
// nothing would pass the comparison too.
import test from 'ava';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { random } from '../../bench/make-checksum-pcap.js';
import { ChecksumTally, checkCapture, type ChecksumSummary } from '../../lib/check/index.js';
import { ChecksumLane } from '../../lib/check/lane.js';
import { CaptureChecker } from '../../lib/check/capture.js';
import { LINKTYPE, encodePcap, ipLinkHeader, readPcapBuffer, type PcapWriteRecord } from '../../lib/pcap/index.js';
import { fold, internetChecksum, sum16 } from '../../lib/wire/checksum.js';
import { encodePacket, encodePacket6, type Ipv6ExtensionInit } from '../../lib/wire/index.js';
import { tempDir } from '../helpers/tmp.js';

const built = ChecksumLane.open(new ChecksumTally()) !== null;
const laneTest = built ? test : test.skip;
if (!built) test('the checksum lane (skipped: the addon is not built: npm run build)', (t) => t.pass());

type Rng = () => number;
const pick = <T>(rng: Rng, list: readonly T[]): T => list[Math.floor(rng() * list.length)]!;
const int = (rng: Rng, n: number): number => Math.floor(rng() * n);

/** A payload of n bytes, n odd or even. */
function bytes(rng: Rng, n: number): Buffer {
  const b = Buffer.alloc(n);
  for (let i = 0; i < n; i++) b[i] = int(rng, 256);
  return b;
}

const EXTENSIONS: Ipv6ExtensionInit[][] = [
  [],
  [{ kind: 'hop-by-hop', options: [{ kind: 'router-alert', value: 0 }] }],
  [{ kind: 'destination-options', options: [{ kind: 'unknown', type: 0x1e, data: Buffer.from([1, 2, 3, 4]) }] }],
  [{ kind: 'hop-by-hop' }, { kind: 'destination-options' }],
  [{ kind: 'routing', routingType: 0, segmentsLeft: 1, addresses: ['2001:db8:9::1'] }],
  [{ kind: 'fragment', mf: true, identification: 7 }],
  [{ kind: 'fragment', fragmentOffset: 64, identification: 7 }],
];

/** One IP packet: IPv4 (maybe with options) or IPv6 (maybe behind extension headers), ICMP(v6), UDP, TCP or another protocol. */
function ipPacket(rng: Rng, v6: boolean): Buffer {
  const kind = int(rng, 4);
  const payload = bytes(rng, int(rng, 90));
  if (v6) {
    const ip = { src: `2001:db8:1::${1 + int(rng, 999)}`, dst: `2001:db8:2::${1 + int(rng, 999)}` };
    const extensions = pick(rng, EXTENSIONS);
    if (kind === 0) return encodePacket6({ ip, extensions, icmpv6: { kind: 'echo-request', identifier: 1, sequence: int(rng, 65536), data: payload } });
    if (kind === 1) return encodePacket6({ ip, extensions, udp: { srcPort: 1000 + int(rng, 9000), dstPort: 53 }, payload });
    if (kind === 2) return encodePacket6({ ip, extensions, tcp: { srcPort: 40000, dstPort: 80, sequence: int(rng, 1e9), flags: { ack: true } }, payload });
    return encodePacket6({ ip: { ...ip, nextHeader: 59 }, extensions, payload });
  }
  const ip = {
    src: `198.51.100.${1 + int(rng, 250)}`,
    dst: `203.0.113.${1 + int(rng, 250)}`,
    id: int(rng, 65536),
    ...(rng() < 0.15 ? { options: [{ kind: 'record-route' as const, addresses: ['192.0.2.1'] }] } : {}),
  };
  if (kind === 0) return encodePacket({ ip, icmp: { kind: 'echo-request', identifier: 1, sequence: int(rng, 65536), data: payload } });
  if (kind === 1) return encodePacket({ ip, udp: { srcPort: 1000 + int(rng, 9000), dstPort: 53 }, payload });
  if (kind === 2) return encodePacket({ ip, tcp: { srcPort: 40000, dstPort: 80, sequence: int(rng, 1e9), flags: { ack: true } }, payload });
  return encodePacket({ ip: { ...ip, protocol: 47 }, payload });
}

/** Where the upper layer starts in an IP packet the generator made (IPv6: after its extension headers). */
function upperOffset(p: Buffer): { at: number; protocol: number } {
  if (p[0]! >>> 4 === 4) return { at: (p[0]! & 15) * 4, protocol: p[9]! };
  let at = 40;
  let next = p[6]!;
  while ((next === 0 || next === 60 || next === 43) && at + 8 <= p.length) {
    const size = (p[at + 1]! + 1) * 8;
    next = p[at]!;
    at += size;
  }
  return { at, protocol: next };
}

/** A TCP checksum of 0xffff whose sum holds (computed it would be 0x0000): one payload word pays for it. */
function tcpAllOnes(p: Buffer): void {
  const { at, protocol } = upperOffset(p);
  if (protocol !== 6 || p.length < at + 22) return;
  p.writeUInt16BE(0xffff, at + 16);
  const v4 = p[0]! >>> 4 === 4;
  const segment = p.length - at;
  const addresses = v4 ? sum16(p, 12, 8) : sum16(p, 8, 32);
  const pseudo = fold(addresses + 6 + segment);
  const s = sum16(p, at, segment, pseudo);
  p.writeUInt16BE(fold(p.readUInt16BE(at + 20) + (~s & 0xffff)), at + 20);
}

/** Changes an IP header field the way a sender would: an IPv4 header checksum that still holds. */
function resum(p: Buffer, change: () => void): void {
  change();
  if (p[0]! >>> 4 !== 4) return;
  p.writeUInt16BE(0, 10);
  p.writeUInt16BE(internetChecksum(p, 0, (p[0]! & 15) * 4), 10);
}

function flip(p: Buffer, at: number, bits: number): void {
  p[at] = p[at]! ^ bits;
}

/** Spoils the packet one way or another, or leaves it good; returns the original length when it cuts. */
function spoil(rng: Rng, p: Buffer): { data: Buffer; originalLength?: number } {
  const v4 = p[0]! >>> 4 === 4;
  const r = rng();
  if (r < 0.4) return { data: p };
  if (r < 0.5) flip(p, int(rng, Math.min(p.length, 64)), 1 << int(rng, 8)); // a header bit
  else if (r < 0.58) flip(p, p.length - 1 - int(rng, Math.min(p.length, 20)), 0x40); // a payload byte
  else if (r < 0.64) return { data: p.subarray(0, int(rng, p.length)), originalLength: p.length }; // a snaplen cut
  else if (r < 0.68 && v4) resum(p, () => p.writeUInt16BE(0, 2)); // TSO: total length 0
  else if (r < 0.72 && v4) resum(p, () => p.writeUInt16BE(p.readUInt16BE(6) | (rng() < 0.5 ? 0x2000 : 0x0010), 6)); // a fragment
  else if (r < 0.76) resum(p, () => p.writeUInt16BE(int(rng, p.length + 8), v4 ? 2 : 4)); // a length that lies
  else if (r < 0.82) tcpAllOnes(p);
  else if (r < 0.88) {
    const { at, protocol } = upperOffset(p);
    if (protocol === 17 && at + 8 <= p.length) p.writeUInt16BE(rng() < 0.5 ? 0 : int(rng, 300), at + (rng() < 0.5 ? 6 : 4)); // UDP: no checksum, or a length
  } else if (r < 0.92) return { data: p, originalLength: p.length - 1 - int(rng, 4) }; // the wire shorter than the capture
  else if (r < 0.96) return { data: Buffer.concat([p, bytes(rng, 1 + int(rng, 20))]) }; // padding after the packet
  return { data: p };
}

/** A whole random capture: Ethernet (some VLAN-tagged, some ARP) or raw IP, either byte order. */
function capture(seed: number, packets: number): Buffer {
  const rng = random(seed);
  const linkType = seed % 3 === 2 ? LINKTYPE.RAW : LINKTYPE.ETHERNET;
  const records: PcapWriteRecord[] = [];
  for (let i = 0; i < packets; i++) {
    const v6 = rng() < 0.4;
    const { data, originalLength } = spoil(rng, ipPacket(rng, v6));
    let frame: Buffer = data;
    let link = 0;
    if (linkType === LINKTYPE.ETHERNET) {
      const header = ipLinkHeader(LINKTYPE.ETHERNET, { network: v6 ? 6 : 4 });
      const odd = rng();
      if (odd < 0.03) header.writeUInt16BE(0x0806, 12); // ARP
      if (odd > 0.97) {
        const tagged = Buffer.concat([header.subarray(0, 12), Buffer.from([0x81, 0x00, 0x00, 0x05]), header.subarray(12)]);
        frame = Buffer.concat([tagged, data]);
        link = 18;
      } else {
        frame = Buffer.concat([header, data]);
        link = 14;
      }
    }
    records.push({ data: frame, timestamp: { sec: i, nsec: 0 }, ...(originalLength !== undefined ? { originalLength: originalLength + link } : {}) });
  }
  return encodePcap(records, { linkType, byteOrder: seed % 2 === 0 ? 'little' : 'big' });
}

const same = (a: ChecksumSummary, b: ChecksumSummary): boolean => JSON.stringify(a) === JSON.stringify(b);

for (const seed of [1, 2, 3, 4, 5, 6]) {
  laneTest(`random capture ${seed}: the lane and JavaScript alone give the same summary, from a buffer and from a file`, async (t) => {
    const pcap = capture(seed, 4000);
    const alone = (await checkCapture(pcap, { native: false })).tally.summary();
    const lane = (await checkCapture(pcap)).tally.summary();
    t.true(same(lane, alone), 'buffer');
    const path = join(tempDir(t, 'lane'), 'random.pcap');
    writeFileSync(path, pcap);
    t.true(same((await checkCapture(path)).tally.summary(), alone), 'file');
    // Trouble of every kind was made.
    t.true(alone.badPacketCount > 100 && alone.malformed > 20 && alone.unverifiablePackets > 50 && alone.notIpv4 > 0, JSON.stringify(alone).slice(0, 200));
    // Asked before every record, the lane took the good ones and left the troubled ones to onRecord.
    const tally = new ChecksumTally();
    const checker = new CaptureChecker({ tally });
    let delivered = 0;
    readPcapBuffer(pcap, (v) => {
      delivered++;
      return checker.onRecord(v);
    }, { batch: ChecksumLane.open(tally, { backoff: false }) });
    t.true(same(tally.summary(), alone), 'readPcapBuffer with the lane asked before every record');
    t.true(delivered < 4000 * 0.7 && delivered >= alone.badPacketCount + alone.malformed, `${delivered} of 4000 records went to onRecord`);
  });
}

laneTest('the benchmark-like capture: bad checksums found at the same packet numbers, with the lane taking most records', async (t) => {
  const { makeChecksumPcap } = await import('../../bench/make-checksum-pcap.js');
  const path = join(tempDir(t, 'lane-bench'), 'bench.pcap');
  const planted = await makeChecksumPcap(path, { packets: 20_000, ipv6: 0.5 });
  const alone = (await checkCapture(path, { native: false })).tally.summary();
  const lane = (await checkCapture(path)).tally.summary();
  t.true(same(lane, alone));
  t.deepEqual(lane.bad.map((b) => `${b.index}/${b.layer}`), planted.bad.map((b) => `${b.index}/${b.layer}`));
});
