// Generates a capture with known checksum problems for `rawprobe checksum`: ICMP echo, UDP and
// TCP packets over Ethernet, in which a seeded random choice plants bad IPv4 header checksums,
// bad ICMP/UDP/TCP checksums, UDP datagrams sent without a checksum (0), and packets cut by a
// snaplen (unverifiable transport checksum). With `ipv6` a share of the packets are IPv6 instead
// (ICMPv6 echo, UDP, TCP; some behind a Hop-by-Hop or Destination Options header), with bad
// ICMPv6/UDP/TCP checksums, UDP checksums of 0 (bad over IPv6, RFC 8200 section 8.1) and snaplen
// cuts planted the same way. It returns the counts it planted, per layer, so a test can require
// the checker to find exactly those, and the benchmark can require tshark to.
//
//   npx tsc -p . && node dist/bench/make-checksum-pcap.js out.pcap [--packets 200000] [--seed 1] [--ipv6 0.5]
//
// 200,000 packets make a file of about 37 MB (mean IPv4 packet 160 bytes, plus Ethernet and
// record headers). Addresses are documentation ranges (RFC 5737): this is a file, nothing is sent.

import { pathToFileURL } from 'node:url';
import { LINKTYPE, PcapWriter, ipLinkHeader } from '../lib/pcap/index.js';
import { encodePacket, encodePacket6, type Ipv6ExtensionInit, type Packet6Init, type PacketInit } from '../lib/wire/index.js';

export type PlantedLayer = 'ipv4' | 'icmp' | 'udp' | 'tcp' | 'icmpv6';

export interface PlantedCounts {
  packets: number;
  bytes: number;
  layers: Record<PlantedLayer, { good: number; bad: number; unverifiable: number; absent: number }>;
  /** Every planted bad checksum, in file order. */
  bad: { index: number; layer: PlantedLayer }[];
  /** Packets cut by the snaplen (their transport checksum is unverifiable). */
  truncated: number[];
}

export interface MakeChecksumPcapOptions {
  packets?: number;
  seed?: number;
  /** Probability of each planted problem (defaults below). */
  badIpv4?: number;
  badTransport?: number;
  truncated?: number;
  udpWithoutChecksum?: number;
  /** Share of the packets that are IPv6 (default 0: an IPv4 file, as the benchmark's first half). */
  ipv6?: number;
}

/** Mulberry32: small, fast, seeded; the same file for the same seed on every machine. */
export function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * A checksum value that is wrong for sure: flipping these bits never turns a value into its one's
 * complement twin (0x0000 <-> 0xffff). For UDP it must not become 0 either ("no checksum").
 */
function spoil(value: number, udp: boolean): number {
  const v = value ^ 0x0101;
  return udp && v === 0 ? value ^ 0x0202 : v;
}

function newCounts(): PlantedCounts['layers'] {
  const z = (): { good: number; bad: number; unverifiable: number; absent: number } => ({ good: 0, bad: 0, unverifiable: 0, absent: 0 });
  return { ipv4: z(), icmp: z(), udp: z(), tcp: z(), icmpv6: z() };
}

/** What one generated packet is: its bytes, its layer, where its upper-layer checksum sits. */
interface Made {
  bytes: Buffer;
  layer: PlantedLayer;
  /** Offset of the upper-layer header, and its checksum field from there. */
  upper: number;
  checksumField: number;
  /** Bytes of upper-layer header (the snaplen cut keeps them and 12 more). */
  upperHeader: number;
  /** Its UDP checksum was left 0 (absent over IPv4, bad over IPv6). */
  zeroUdp: boolean;
}

/** Packet i's bytes over `n` bytes, each a function of i and its position: varied, reproducible. */
function filler(n: number, i: number, a: number, b: number): Buffer {
  const data = Buffer.alloc(n);
  for (let j = 0; j < n; j++) data[j] = (i * a + j * b) & 0xff;
  return data;
}

/** An IPv4 packet of kind i % 3 (ICMP echo, UDP, TCP), 120..200 bytes. */
function ipv4Packet(i: number, rng: () => number, noUdpSum: boolean): Made {
  const kind = i % 3;
  const total = 120 + Math.floor(rng() * 81); // 120..200 bytes of IPv4
  const host = 1 + Math.floor(rng() * 250);
  const ip = {
    src: `198.51.100.${host}`,
    dst: `203.0.113.${1 + ((host * 7) % 250)}`,
    id: Math.floor(rng() * 65536),
    ttl: 64 - (i % 8),
    tos: i % 5 === 0 ? 0xb8 : 0,
    flags: { df: kind === 2 },
  };
  let init: PacketInit;
  if (kind === 0) {
    init = { ip, icmp: { kind: i % 6 === 0 ? 'echo-reply' : 'echo-request', identifier: 0x5150, sequence: i & 0xffff, data: filler(total - 28, i, 1, 31) } };
  } else if (kind === 1) {
    init = { ip, udp: { srcPort: 40000 + (i % 2000), dstPort: 33434 + (i % 30), ...(noUdpSum ? { checksum: 0 } : {}) }, payload: filler(total - 28, i, 13, 1) };
  } else {
    init = {
      ip,
      tcp: { srcPort: 50000 + (i % 1000), dstPort: 5001, sequence: (i * 1460) >>> 0, acknowledgment: 1, flags: { ack: true, psh: true }, window: 502 },
      payload: filler(total - 40, i, 7, 3),
    };
  }
  const layer: PlantedLayer = kind === 0 ? 'icmp' : kind === 1 ? 'udp' : 'tcp';
  // No IP options here: the transport header is at byte 20.
  return { bytes: encodePacket(init), layer, upper: 20, checksumField: kind === 0 ? 2 : kind === 1 ? 6 : 16, upperHeader: kind === 2 ? 20 : 8, zeroUdp: noUdpSum };
}

/** An IPv6 packet of kind i % 3 (ICMPv6 echo, UDP, TCP), every fourth behind an options header. */
function ipv6Packet(i: number, rng: () => number, zeroUdp: boolean): Made {
  const kind = i % 3;
  const size = 80 + Math.floor(rng() * 81); // 80..160 bytes of upper layer
  const host = (1 + Math.floor(rng() * 0xfffe)).toString(16);
  const ip = { src: `2001:db8:1::${host}`, dst: `2001:db8:2::${host}`, hopLimit: 64 - (i % 8), trafficClass: i % 5 === 0 ? 0xb8 : 0, flowLabel: (i * 2654435761) & 0xfffff };
  const extensions: Ipv6ExtensionInit[] = [];
  if (i % 4 === 1) extensions.push({ kind: 'hop-by-hop', options: [{ kind: 'router-alert', value: 0 }] });
  if (i % 4 === 3) extensions.push({ kind: 'destination-options', options: [{ kind: 'unknown', type: 0x1e, data: Buffer.from([i & 0xff, 1, 2, 3]) }] });
  let init: Packet6Init;
  if (kind === 0) {
    init = { ip, extensions, icmpv6: { kind: i % 6 === 0 ? 'echo-reply' : 'echo-request', identifier: 0x5151, sequence: i & 0xffff, data: filler(size - 8, i, 1, 29) } };
  } else if (kind === 1) {
    init = { ip, extensions, udp: { srcPort: 41000 + (i % 2000), dstPort: 33434 + (i % 30), ...(zeroUdp ? { checksum: 0 } : {}) }, payload: filler(size - 8, i, 11, 1) };
  } else {
    init = {
      ip,
      extensions,
      tcp: { srcPort: 51000 + (i % 1000), dstPort: 5001, sequence: (i * 1440) >>> 0, acknowledgment: 1, flags: { ack: true, psh: true }, window: 502 },
      payload: filler(size - 20, i, 5, 3),
    };
  }
  const bytes = encodePacket6(init);
  const layer: PlantedLayer = kind === 0 ? 'icmpv6' : kind === 1 ? 'udp' : 'tcp';
  const upper = bytes.length - size;
  return { bytes, layer, upper, checksumField: kind === 0 ? 2 : kind === 1 ? 6 : 16, upperHeader: kind === 2 ? 20 : 8, zeroUdp };
}

/**
 * Writes the capture to `path` and returns what was planted. Every packet is built with
 * lib/wire's encoder (right lengths and checksums), then spoiled where the dice say so.
 */
export async function makeChecksumPcap(path: string, options: MakeChecksumPcapOptions = {}): Promise<PlantedCounts> {
  const packets = options.packets ?? 200_000;
  const rng = random(options.seed ?? 1);
  const p = {
    badIp: options.badIpv4 ?? 0.004,
    badTransport: options.badTransport ?? 0.006,
    truncated: options.truncated ?? 0.003,
    noUdpSum: options.udpWithoutChecksum ?? 0.01,
    ipv6: options.ipv6 ?? 0,
  };
  const writer = new PcapWriter(path, { linkType: LINKTYPE.ETHERNET, byteOrder: 'little' });
  const link = { 4: ipLinkHeader(LINKTYPE.ETHERNET), 6: ipLinkHeader(LINKTYPE.ETHERNET, { network: 6 }) };
  const planted: PlantedCounts = { packets, bytes: 24, layers: newCounts(), bad: [], truncated: [] };
  for (let i = 0; i < packets; i++) {
    // The IPv6 dice are cast only when there is IPv6 to make: an IPv4-only file stays as it was.
    const v6 = p.ipv6 > 0 && rng() < p.ipv6;
    const zeroUdp = i % 3 === 1 && rng() < p.noUdpSum;
    const made = v6 ? ipv6Packet(i, rng, zeroUdp) : ipv4Packet(i, rng, zeroUdp);
    plantOne(made, i, v6, rng, p, planted);
    const ts = { sec: 1_700_000_000 + Math.floor(i / 1000), nsec: (i % 1000) * 1_000_000 };
    const frame = Buffer.concat([link[v6 ? 6 : 4], made.bytes]);
    if (planted.truncated[planted.truncated.length - 1] === i) {
      // A snaplen cut through the payload: headers whole, checksum unverifiable.
      const keep = link[4].length + made.upper + made.upperHeader + 12;
      writer.write(frame.subarray(0, keep), ts, frame.length);
      planted.bytes += 16 + keep;
    } else {
      writer.write(frame, ts);
      planted.bytes += 16 + frame.length;
    }
  }
  await writer.close();
  return planted;
}

/** Spoils `made` where the dice say so, and counts what it holds. */
function plantOne(made: Made, i: number, v6: boolean, rng: () => number, p: { badIp: number; badTransport: number; truncated: number }, planted: PlantedCounts): void {
  const { layers, bad } = planted;
  const b = made.bytes;
  if (!v6) {
    if (rng() < p.badIp) {
      b.writeUInt16BE(spoil(b.readUInt16BE(10), false), 10);
      layers.ipv4.bad++;
      bad.push({ index: i, layer: 'ipv4' });
    } else layers.ipv4.good++;
  }
  // A zero UDP checksum over IPv6 is bad, and its right value is known only from the whole
  // datagram: it is never cut here, so that --fix can correct every bad checksum planted.
  const cut = rng() < p.truncated && !(made.zeroUdp && v6);
  if (cut) planted.truncated.push(i);
  const field = made.upper + made.checksumField;
  if (made.zeroUdp && !v6) layers.udp.absent++;
  else if (made.zeroUdp) {
    layers.udp.bad++; // over IPv6, 0 is never right
    bad.push({ index: i, layer: 'udp' });
  } else if (cut) layers[made.layer].unverifiable++;
  else if (rng() < p.badTransport) {
    b.writeUInt16BE(spoil(b.readUInt16BE(field), made.layer === 'udp'), field);
    layers[made.layer].bad++;
    bad.push({ index: i, layer: made.layer });
  } else layers[made.layer].good++;
}

async function main(argv: string[]): Promise<void> {
  const out = argv.find((a) => !a.startsWith('--')) ?? 'checksum-bench.pcap';
  const get = (name: string): number | undefined => {
    const i = argv.indexOf(`--${name}`);
    return i >= 0 ? Number(argv[i + 1]) : undefined;
  };
  const planted = await makeChecksumPcap(out, {
    ...(get('packets') !== undefined ? { packets: get('packets')! } : {}),
    ...(get('seed') !== undefined ? { seed: get('seed')! } : {}),
    ...(get('ipv6') !== undefined ? { ipv6: get('ipv6')! } : {}),
  });
  process.stdout.write(`${out}: ${planted.packets} packets, ${planted.bytes} bytes\n`);
  process.stdout.write(`${JSON.stringify(planted.layers)}\n`);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await main(process.argv.slice(2));
