// Shared by the pcap tests: packets built by hand (lib/wire is written in parallel and not used
// here), and the two outside readers we compare with: tshark and the npm
// package pcap-parser (microsecond classic pcap only).

import { createRequire } from 'node:module';
import { Readable } from 'node:stream';
import type { EventEmitter } from 'node:events';
import { runCommand } from '../helpers/cli.js';
import { readPcapBuffer, type RecordView } from '../../lib/pcap/index.js';

function ipChecksum(b: Uint8Array, start: number, end: number): number {
  let sum = 0;
  for (let o = start; o < end; o += 2) sum += (b[o]! << 8) | (o + 1 < end ? b[o + 1]! : 0);
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  return ~sum & 0xffff;
}

export interface Ipv4Spec {
  src?: string;
  dst?: string;
  id?: number;
  /** ICMP echo request payload length (default 32). */
  payload?: number;
  seq?: number;
}

function addr(s: string): number[] {
  return s.split('.').map(Number);
}

/** IPv4 + ICMP echo request with correct checksums. */
export function icmpEchoPacket(spec: Ipv4Spec = {}): Buffer {
  const payload = spec.payload ?? 32;
  const total = 20 + 8 + payload;
  const p = Buffer.alloc(total);
  p[0] = 0x45;
  p.writeUInt16BE(total, 2);
  p.writeUInt16BE(spec.id ?? 0x1234, 4);
  p[6] = 0x40; // DF
  p[8] = 64;
  p[9] = 1;
  p.set(addr(spec.src ?? '127.0.0.1'), 12);
  p.set(addr(spec.dst ?? '127.0.0.1'), 16);
  p.writeUInt16BE(ipChecksum(p, 0, 20), 10);
  p[20] = 8;
  p.writeUInt16BE(0x4242, 24);
  p.writeUInt16BE(spec.seq ?? 1, 26);
  for (let i = 0; i < payload; i++) p[28 + i] = (i * 7 + (spec.seq ?? 1)) & 0xff;
  p.writeUInt16BE(ipChecksum(p, 20, total), 22);
  return p;
}

/** A copy of every record, read with readPcapBuffer; the error (if any) after them. */
export interface Collected {
  views: RecordView[];
  error: unknown;
}

export function snapshot(v: RecordView): RecordView {
  const data = Buffer.from(v.buffer.subarray(v.offset, v.offset + v.capturedLength));
  return { ...v, buffer: data, offset: 0 };
}

export function collect(buf: Uint8Array): Collected {
  const views: RecordView[] = [];
  try {
    readPcapBuffer(buf, (v) => {
      views.push(snapshot(v));
    });
    return { views, error: null };
  } catch (error) {
    return { views, error };
  }
}

/** A Readable delivering `buf` in chunks of the given sizes (cycled), like a pipe on stdin. */
export function chunkedStream(buf: Uint8Array, sizes: number[]): Readable {
  const chunks: Buffer[] = [];
  let o = 0;
  let i = 0;
  while (o < buf.length) {
    const n = Math.max(1, sizes[i++ % sizes.length]!);
    chunks.push(Buffer.from(buf.subarray(o, o + n)));
    o += n;
  }
  return Readable.from(chunks, { objectMode: false });
}

export interface TsharkRow {
  frameLen: number;
  ipSrc: string;
  ipDst: string;
  timeEpoch: string;
}

/** tshark's view of a capture: frame length, IPv4 addresses and the epoch timestamp, per frame. */
export async function tsharkRows(file: string): Promise<TsharkRow[]> {
  const r = await runCommand([
    'tshark', '-r', file, '-T', 'fields', '-E', 'separator=,',
    '-e', 'frame.len', '-e', 'ip.src', '-e', 'ip.dst', '-e', 'frame.time_epoch',
  ]);
  if (r.code !== 0) throw new Error(`tshark failed (${r.code}): ${r.stderr.trim()}`);
  return r.stdout
    .split('\n')
    .filter((l) => l.length > 0)
    .map((l) => {
      const [frameLen, ipSrc, ipDst, timeEpoch] = l.split(',');
      return { frameLen: Number(frameLen), ipSrc: ipSrc ?? '', ipDst: ipDst ?? '', timeEpoch: timeEpoch ?? '' };
    });
}

/** "1700000000.123456000": how tshark 4.0 prints frame.time_epoch. */
export function epochString(sec: number, nsec: number): string {
  return `${sec}.${String(nsec).padStart(9, '0')}`;
}

export function dottedQuad(b: Uint8Array, o: number): string {
  return `${b[o]}.${b[o + 1]}.${b[o + 2]}.${b[o + 3]}`;
}

export interface OracleRecord {
  tsSec: number;
  tsUsec: number;
  capturedLength: number;
  originalLength: number;
  data: Buffer;
}

interface PcapParserModule {
  parse(input: string | Readable): EventEmitter;
}

/**
 * Everything pcap-parser 0.2.1 reports for a file: the oracle for microsecond classic pcap. It
 * drops a truncated tail silently and knows no nanosecond magic, so only feed it valid files.
 */
export function pcapParserRead(input: string | Uint8Array): Promise<{ linkType: number; records: OracleRecord[] }> {
  const require = createRequire(import.meta.url);
  const parser = require('pcap-parser') as PcapParserModule;
  return new Promise((resolve, reject) => {
    const records: OracleRecord[] = [];
    let linkType = -1;
    const p = parser.parse(typeof input === 'string' ? input : Readable.from([Buffer.from(input)]));
    p.on('globalHeader', (h: { linkLayerType: number }) => {
      linkType = h.linkLayerType;
    });
    p.on('packet', (pkt: { header: Record<string, number>; data: Buffer }) => {
      records.push({
        tsSec: pkt.header['timestampSeconds']!,
        tsUsec: pkt.header['timestampMicroseconds']!,
        capturedLength: pkt.header['capturedLength']!,
        originalLength: pkt.header['originalLength']!,
        data: Buffer.from(pkt.data),
      });
    });
    p.on('error', reject);
    p.on('end', () => resolve({ linkType, records }));
  });
}
