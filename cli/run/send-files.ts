// The packets `rawprobe send` reads from a file instead of crafting them: --from-json (what
// `decode --json` prints, IPv4 or IPv6: JSON Lines, one object or an array) and --from-hex (hex,
// a hex file or a capture: anything decode reads). A packet that cannot be sent is named by its
// index, line and byte offset. Errors are CliError (exit 2).
import { readFile } from 'node:fs/promises';
import type { KernelField } from '../../lib/craft/index.js';
import { locateNetwork, NETWORK, newNetworkLocation } from '../../lib/pcap/index.js';
import { EncodeError, ParseError, encodeIpPacket, ipPacketInitFromJson } from '../../lib/wire/index.js';
import { CliError, describeError, EXIT_ERROR } from '../errors.js';
import { otherVersionLine, skippedLine } from '../format/send.js';
import { readAllPackets } from '../input.js';
import type { Built } from './send-craft.js';

/** Every kernel-owned field: what a packet from a file is taken to have set. */
export const ALL_SET: ReadonlySet<KernelField> = new Set<KernelField>(['checksum', 'totalLength', 'src', 'id']);

/** JSON text to objects: one JSON value (an object or an array), or JSON Lines. Positions name line and byte offset. */
function parseJsonPackets(text: string, name: string): { value: unknown; line: number; offset: number }[] {
  const trimmed = text.trim();
  if (trimmed === '') throw new CliError(`${name}: empty: no packet, at packet index 0, byte offset 0`, EXIT_ERROR);
  try {
    const value = JSON.parse(text) as unknown;
    if (Array.isArray(value)) {
      const offsets = arrayElementOffsets(text);
      return value.map((v, i) => ({ value: v, line: 0, offset: offsets[i] ?? -1 }));
    }
    return [{ value, line: 1, offset: text.length - text.trimStart().length }];
  } catch {
    // Not one JSON value: JSON Lines, as decode --json prints.
  }
  const out: { value: unknown; line: number; offset: number }[] = [];
  let offset = 0;
  const lines = text.split('\n');
  for (let n = 0; n < lines.length; n++) {
    const line = lines[n]!;
    if (line.trim() !== '') {
      try {
        out.push({ value: JSON.parse(line), line: n + 1, offset });
      } catch (e) {
        const m = /position (\d+)/.exec((e as Error).message);
        const at = offset + (m ? Number(m[1]) : 0);
        throw new CliError(`${name}: packet index ${out.length} (line ${n + 1}), byte offset ${at}: not JSON: ${(e as Error).message.split('\n')[0]}`, EXIT_ERROR);
      }
    }
    offset += Buffer.byteLength(line, 'utf8') + 1;
  }
  return out;
}

/** Byte offsets of the elements of the top-level JSON array in `text` (already known to parse). */
function arrayElementOffsets(text: string): number[] {
  const offsets: number[] = [];
  let depth = 0;
  let inString = false;
  let escaped = false;
  let expecting = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (inString) {
      if (escaped) escaped = false;
      else if (c === '\\') escaped = true;
      else if (c === '"') inString = false;
      continue;
    }
    if (/\s/.test(c)) continue;
    if (depth === 1 && expecting && c !== ']') {
      offsets.push(Buffer.byteLength(text.slice(0, i), 'utf8'));
      expecting = false;
    }
    if (c === '"') inString = true;
    else if (c === '[' || c === '{') {
      depth++;
      if (depth === 1) expecting = true;
    } else if (c === ']' || c === '}') depth--;
    else if (c === ',' && depth === 1) expecting = true;
  }
  return offsets;
}

const KERNEL_FIELD_KEYS: Record<KernelField, string> = { checksum: 'checksum', totalLength: 'totalLength', src: 'src', id: 'id' };

/** What a --from-* source is called in messages: its path, or stdin. */
export function sourceName(source: string): string {
  return source === '-' || source === '' ? 'stdin' : source;
}

export async function fromJson(file: string, recompute: boolean): Promise<Built[]> {
  let text: string;
  try {
    // yargs hands a lone "-" over as "".
    text = file === '-' || file === '' ? await readStdinText() : await readFile(file, 'utf8');
  } catch (e) {
    throw new CliError(`${file || 'stdin'}: cannot read: ${describeError(e)}`, EXIT_ERROR);
  }
  const name = sourceName(file);
  return parseJsonPackets(text, name).map(({ value, line, offset }, index) => {
    const where = `${name}: packet index ${index}${line > 0 ? ` (line ${line})` : ''}${offset >= 0 ? `, byte offset ${offset}` : ''}`;
    if (value === null || typeof value !== 'object' || Array.isArray(value)) {
      throw new CliError(`${where}: not a packet object {ip, icmp|udp|tcp, payload} (IPv6: {ip, extensions, icmpv6|udp|tcp, payload})`, EXIT_ERROR);
    }
    const obj = { ...(value as Record<string, unknown>) };
    const problem = obj.problem;
    if (problem !== undefined && problem !== null) {
      const p = problem as { kind?: string; reason?: string };
      throw new CliError(`${where}: decode could not read this packet (${p.kind ?? 'problem'}: ${p.reason ?? '?'}): nothing to send`, EXIT_ERROR);
    }
    const timeMs = frameTimeMs(obj.frame);
    delete obj.frame; // where and when decode found it: not part of the packet
    delete obj.problem;
    let bytes: Buffer;
    try {
      const init = ipPacketInitFromJson(obj, { recompute });
      bytes = encodeIpPacket(init);
    } catch (e) {
      if (e instanceof EncodeError || e instanceof ParseError) throw new CliError(`${where}: ${e.message}`, EXIT_ERROR);
      throw e;
    }
    const ip = (obj.ip ?? {}) as Record<string, unknown>;
    const userSet = new Set<KernelField>();
    for (const f of ALL_SET) if (ip[KERNEL_FIELD_KEYS[f]] !== undefined && !(recompute && (f === 'checksum' || f === 'totalLength'))) userSet.add(f);
    return { bytes, userSet, timeMs };
  });
}

/** decode --json's frame.time ("2026-11-25T10:56:54.315386Z", to the ns) as ms since the epoch, or null. */
export function frameTimeMs(frame: unknown): number | null {
  const time = (frame as { time?: unknown } | null | undefined)?.time;
  if (typeof time !== 'string') return null;
  const m = /^(.*T\d\d:\d\d:\d\d)(?:\.(\d{1,9}))?Z$/.exec(time);
  const seconds = m === null ? Number.NaN : Date.parse(`${m[1]}Z`);
  if (Number.isNaN(seconds)) return null;
  return seconds + Number(`0.${m![2] ?? '0'}`) * 1000;
}

async function readStdinText(): Promise<string> {
  if (process.stdin.isTTY === true) throw new Error('stdin is a terminal: pipe the JSON in');
  const parts: Buffer[] = [];
  for await (const chunk of process.stdin) parts.push(typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer));
  return Buffer.concat(parts).toString('utf8');
}

export async function fromHex(source: string): Promise<Built[]> {
  const name = sourceName(source);
  const { packets } = await readAllPackets(source === '' ? '-' : source);
  const loc = newNetworkLocation();
  const built: Built[] = [];
  let skipped = 0;
  for (const p of packets) {
    locateNetwork(p.bytes, 0, p.bytes.length, p.linkType, loc);
    if (loc.reason !== null) {
      skipped++; // ARP, other ethertypes...: a capture may hold them; send sends IP
      continue;
    }
    const header = loc.network === NETWORK.IPV6 ? 40 : 20;
    if (loc.length < header) {
      const version = loc.network === NETWORK.IPV6 ? 6 : 4;
      throw new CliError(`${name}: packet index ${p.index}, byte offset ${loc.offset}: ${loc.length} bytes is shorter than an IPv${version} header`, EXIT_ERROR);
    }
    built.push({ bytes: Buffer.from(p.bytes.subarray(loc.offset, loc.offset + loc.length)), userSet: ALL_SET, timeMs: p.timeMs });
  }
  if (built.length === 0) throw new CliError(`${name}: no IP packet in it (${skipped} other): nothing to send`, EXIT_ERROR);
  if (skipped > 0) process.stderr.write(skippedLine(name, skipped));
  return built;
}

/**
 * A file's packets of one IP version, since one run sends one (a raw socket per family): its IPv4
 * packets, or with -6 its IPv6 ones; a file of IPv6 packets alone needs no -6. The others are
 * skipped, and said so on stderr.
 */
export function oneVersion(built: readonly Built[], ipv6: boolean, name: string): Built[] {
  const isV6 = (b: Built): boolean => b.bytes[0]! >>> 4 === 6;
  const want6 = ipv6 || built.every(isV6);
  const kept = built.filter((b) => isV6(b) === want6);
  if (kept.length === 0) throw new CliError(`${name}: no IPv${want6 ? 6 : 4} packet in it: nothing to send`, EXIT_ERROR);
  if (kept.length < built.length) process.stderr.write(otherVersionLine(name, built.length - kept.length, want6 ? 4 : 6));
  return kept;
}
