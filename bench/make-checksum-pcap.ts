// Generates a capture with known checksum problems for `rawprobe checksum`: ICMP echo, UDP and
// TCP packets over Ethernet, in which a seeded random choice plants bad IPv4 header checksums,
// bad ICMP/UDP/TCP checksums, UDP datagrams sent without a checksum (0), and packets cut by a
// snaplen (unverifiable transport checksum). It returns the counts it planted, per layer, so a
// test can require the checker to find exactly those, and the benchmark can require tshark to.
//
//   npx tsc -p . && node dist/bench/make-checksum-pcap.js out.pcap [--packets 200000] [--seed 1]
//
// 200,000 packets make a file of about 37 MB (mean IPv4 packet 160 bytes, plus Ethernet and
// record headers). Addresses are documentation ranges (RFC 5737): this is a file, nothing is sent.

import { pathToFileURL } from 'node:url';
import { LINKTYPE, PcapWriter, ipv4LinkHeader } from '../lib/pcap/index.js';
import { encodePacket, type PacketInit } from '../lib/wire/index.js';

export type PlantedLayer = 'ipv4' | 'icmp' | 'udp' | 'tcp';

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
}

/** Mulberry32: small, fast, seeded; the same file for the same seed on every machine. */
function random(seed: number): () => number {
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
  return { ipv4: z(), icmp: z(), udp: z(), tcp: z() };
}

/**
 * Writes the capture to `path` and returns what was planted. Every packet is built with
 * lib/wire's encoder (right lengths and checksums), then spoiled where the dice say so.
 */
export async function makeChecksumPcap(path: string, options: MakeChecksumPcapOptions = {}): Promise<PlantedCounts> {
  const packets = options.packets ?? 200_000;
  const rng = random(options.seed ?? 1);
  const pBadIp = options.badIpv4 ?? 0.004;
  const pBadTransport = options.badTransport ?? 0.006;
  const pTruncated = options.truncated ?? 0.003;
  const pNoUdpSum = options.udpWithoutChecksum ?? 0.01;
  const writer = new PcapWriter(path, { linkType: LINKTYPE.ETHERNET, linkHeader: ipv4LinkHeader(LINKTYPE.ETHERNET), byteOrder: 'little' });
  const layers = newCounts();
  const bad: PlantedCounts['bad'] = [];
  const truncated: number[] = [];
  let bytes = 24;
  for (let i = 0; i < packets; i++) {
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
    let transportHeader: number;
    const noUdpSum = kind === 1 && rng() < pNoUdpSum;
    if (kind === 0) {
      transportHeader = 8;
      const data = Buffer.alloc(total - 20 - 8);
      for (let j = 0; j < data.length; j++) data[j] = (i + j * 31) & 0xff;
      init = { ip, icmp: { kind: i % 6 === 0 ? 'echo-reply' : 'echo-request', identifier: 0x5150, sequence: i & 0xffff, data } };
    } else if (kind === 1) {
      transportHeader = 8;
      const payload = Buffer.alloc(total - 20 - 8);
      for (let j = 0; j < payload.length; j++) payload[j] = (i * 13 + j) & 0xff;
      init = { ip, udp: { srcPort: 40000 + (i % 2000), dstPort: 33434 + (i % 30), ...(noUdpSum ? { checksum: 0 } : {}) }, payload };
    } else {
      transportHeader = 20;
      const payload = Buffer.alloc(total - 20 - 20);
      for (let j = 0; j < payload.length; j++) payload[j] = (i * 7 + j * 3) & 0xff;
      init = {
        ip,
        tcp: { srcPort: 50000 + (i % 1000), dstPort: 5001, sequence: (i * 1460) >>> 0, acknowledgment: 1, flags: { ack: true, psh: true }, window: 502 },
        payload,
      };
    }
    const p = encodePacket(init);
    const layer: PlantedLayer = kind === 0 ? 'icmp' : kind === 1 ? 'udp' : 'tcp';
    const t = 20; // transport header offset: no IP options here
    const transportSum = t + (kind === 0 ? 2 : kind === 1 ? 6 : 16);

    if (rng() < pBadIp) {
      p.writeUInt16BE(spoil(p.readUInt16BE(10), false), 10);
      layers.ipv4.bad++;
      bad.push({ index: i, layer: 'ipv4' });
    } else layers.ipv4.good++;

    const cut = rng() < pTruncated;
    if (noUdpSum) layers.udp.absent++;
    else if (cut) layers[layer].unverifiable++;
    else if (rng() < pBadTransport) {
      p.writeUInt16BE(spoil(p.readUInt16BE(transportSum), layer === 'udp'), transportSum);
      layers[layer].bad++;
      bad.push({ index: i, layer });
    } else layers[layer].good++;

    const ts = { sec: 1_700_000_000 + Math.floor(i / 1000), nsec: (i % 1000) * 1_000_000 };
    if (cut) {
      // A snaplen cut through the payload: headers whole, checksum unverifiable.
      const keep = t + transportHeader + 12;
      writer.write(p.subarray(0, keep), ts, p.length);
      truncated.push(i);
      bytes += 16 + 14 + keep;
    } else {
      writer.write(p, ts);
      bytes += 16 + 14 + p.length;
    }
  }
  await writer.close();
  return { packets, bytes, layers, bad, truncated };
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
  });
  process.stdout.write(`${out}: ${planted.packets} packets, ${planted.bytes} bytes\n`);
  process.stdout.write(`${JSON.stringify(planted.layers)}\n`);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await main(process.argv.slice(2));
