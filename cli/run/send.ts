// `rawprobe send`, the work behind cli/commands/send.ts: the packets from the options, from
// JSON or from hex (lib/craft, lib/wire), the kernel warning, the sending paced as asked, and
// what was sent and answered, printed.
import { readFile } from 'node:fs/promises';
import {
  buildPacket,
  kernelChanges,
  parseIpOption,
  parseTcpFlags,
  protocolNumber,
  routeSource,
  sendPackets,
  type CraftSpec,
  type KernelChange,
  type KernelField,
  type Reply,
  type SendStats,
} from '../../lib/craft/index.js';
import { locateIpv4, newIpv4Location } from '../../lib/pcap/index.js';
import { EncodeError, ParseError, WireError, encodePacket, packetInitFromJson, parseHex, parseTos } from '../../lib/wire/index.js';
import type { Ipv4OptionInit } from '../../lib/wire/index.js';
import { CliError, describeError, EXIT_ERROR, EXIT_NEGATIVE, EXIT_OK } from '../errors.js';
import { printJsonLine } from '../format/json.js';
import { decodeBytes, fieldRows, frameJson, summaryLine } from '../format/packet.js';
import { formatHexLine } from '../format/send.js';
import { readAllPackets } from '../input.js';
import { optionalInteger, parseInteger } from '../numbers.js';
import type { SendArgs } from '../commands/send.js';

/** A packet ready to send, and which header fields the user set (for the kernel warning). */
interface Built {
  bytes: Buffer;
  userSet: ReadonlySet<KernelField>;
}

const ALL_SET: ReadonlySet<KernelField> = new Set<KernelField>(['checksum', 'totalLength', 'src', 'id']);

// ---- building -----------------------------------------------------------------------------------

function address(text: string, option: string): string {
  if (!/^\d{1,3}(\.\d{1,3}){3}$/.test(text) || text.split('.').some((p) => Number(p) > 255)) {
    throw new CliError(`--${option} ${text}: not an IPv4 address (a.b.c.d); rawprobe send takes addresses, not names`, EXIT_ERROR);
  }
  return text;
}

function hexOption(text: string, option: string): Buffer {
  try {
    return parseHex(text);
  } catch (e) {
    throw new CliError(`--${option}: ${describeError(e)}`, EXIT_ERROR);
  }
}

function fromFlags(a: SendArgs): Built {
  if (a.dst === undefined) throw new CliError('send: give --dst ADDR (or --from-json / --from-hex); see rawprobe send --help', EXIT_ERROR);
  const dst = address(a.dst, 'dst');
  let src: string;
  if (a.src !== undefined) src = address(a.src, 'src');
  else {
    try {
      src = routeSource(dst);
    } catch (e) {
      throw new CliError(`send: no route to ${dst}: ${describeError(e)}`, EXIT_ERROR);
    }
  }
  const protocol = a.proto === undefined ? 1 : wrap(() => protocolNumber(a.proto!), 'proto');
  const udpTcpGiven = ['sport', 'dport', 'udp-length', 'udp-checksum'].some((k) => a[k as keyof SendArgs] !== undefined);
  const tcpGiven = ['flags', 'tcp-seq', 'ack', 'window', 'urg', 'data-offset', 'tcp-option', 'tcp-checksum'].some((k) => a[k as keyof SendArgs] !== undefined);
  const icmpGiven = ['type', 'code', 'icmp-id', 'seq', 'icmp-checksum'].some((k) => a[k as keyof SendArgs] !== undefined);
  if (protocol !== 6 && tcpGiven) throw new CliError('send: TCP options (--flags, --tcp-seq, ...) need --proto tcp', EXIT_ERROR);
  if (protocol !== 6 && protocol !== 17 && udpTcpGiven) throw new CliError('send: --sport/--dport need --proto udp or tcp', EXIT_ERROR);
  if (protocol !== 1 && icmpGiven) throw new CliError('send: ICMP options (--type, --code, --icmp-id, --seq) need --proto icmp (the default)', EXIT_ERROR);

  let tos: number | undefined;
  if (a.tos !== undefined) {
    try {
      tos = parseTos(a.tos);
    } catch (e) {
      throw new CliError(`--tos: ${describeError(e)}`, EXIT_ERROR);
    }
  }
  const options: Ipv4OptionInit[] = (a['ip-option'] ?? []).map((text) => wrap(() => parseIpOption(String(text)), 'ip-option'));
  let payload: Buffer | undefined;
  if (a.payload !== undefined) payload = Buffer.from(a.payload, 'utf8');
  else if (a['payload-hex'] !== undefined) payload = hexOption(a['payload-hex'], 'payload-hex');
  else if (a['payload-size'] !== undefined) {
    const n = parseInteger(a['payload-size'], 'payload-size', 65507);
    payload = Buffer.alloc(n);
    for (let i = 0; i < n; i++) payload[i] = i & 0xff;
  }
  const spec: CraftSpec = {
    src,
    dst,
    protocol,
    ...(a.ttl !== undefined ? { ttl: parseInteger(a.ttl, 'ttl', 255) } : {}),
    ...(tos !== undefined ? { tos } : {}),
    ...(a.id !== undefined ? { id: parseInteger(a.id, 'id', 0xffff) } : {}),
    df: a.df,
    mf: a.mf,
    reserved: a['reserved-bit'],
    ...(a['frag-offset'] !== undefined ? { fragmentOffset: parseInteger(a['frag-offset'], 'frag-offset', 0x1fff) } : {}),
    ...(a.ihl !== undefined ? { ihl: parseInteger(a.ihl, 'ihl', 15) } : {}),
    ...(a['total-length'] !== undefined ? { totalLength: parseInteger(a['total-length'], 'total-length', 0xffff) } : {}),
    ...(a['ip-checksum'] !== undefined ? { checksum: parseInteger(a['ip-checksum'], 'ip-checksum', 0xffff) } : {}),
    options,
    ...(payload !== undefined ? { payload } : {}),
  };
  const u16 = (key: keyof SendArgs): number | undefined => optionalInteger(a[key], key, 0xffff);
  if (protocol === 1) {
    spec.icmp = {
      ...(a.type !== undefined ? { type: parseInteger(a.type, 'type', 255) } : {}),
      ...(a.code !== undefined ? { code: parseInteger(a.code, 'code', 255) } : {}),
      ...(a['icmp-id'] !== undefined ? { identifier: u16('icmp-id')! } : {}),
      ...(a.seq !== undefined ? { sequence: u16('seq')! } : {}),
      ...(a['icmp-checksum'] !== undefined ? { checksum: u16('icmp-checksum')! } : {}),
    };
  } else if (protocol === 17 || protocol === 6) {
    if (a.dport === undefined) throw new CliError(`send: --proto ${protocol === 17 ? 'udp' : 'tcp'} needs --dport PORT`, EXIT_ERROR);
    const ports = { srcPort: u16('sport') ?? 32768 + Math.floor(Math.random() * 28000), dstPort: u16('dport')! };
    if (protocol === 17) {
      spec.udp = { ...ports, ...(a['udp-length'] !== undefined ? { length: u16('udp-length')! } : {}), ...(a['udp-checksum'] !== undefined ? { checksum: u16('udp-checksum')! } : {}) };
    } else {
      spec.tcp = {
        ...ports,
        flags: a.flags === undefined ? { syn: true } : wrap(() => parseTcpFlags(a.flags!), 'flags'),
        sequence: optionalInteger(a['tcp-seq'], 'tcp-seq', 0xffffffff) ?? 0,
        acknowledgment: optionalInteger(a.ack, 'ack', 0xffffffff) ?? 0,
        window: u16('window') ?? 65535,
        urgentPointer: u16('urg') ?? 0,
        ...(a['data-offset'] !== undefined ? { dataOffset: parseInteger(a['data-offset'], 'data-offset', 15) } : {}),
        ...(a['tcp-option'] !== undefined ? { options: hexOption(a['tcp-option'], 'tcp-option') } : {}),
        ...(a['tcp-checksum'] !== undefined ? { checksum: u16('tcp-checksum')! } : {}),
      };
    }
  }
  const bytes = wrap(() => encodePacket(buildPacket(spec)), 'send');
  const userSet = new Set<KernelField>();
  if (a['ip-checksum'] !== undefined) userSet.add('checksum');
  if (a['total-length'] !== undefined) userSet.add('totalLength');
  if (a.src !== undefined) userSet.add('src');
  if (a.id !== undefined) userSet.add('id');
  return { bytes, userSet };
}

/** Runs a lib/ call whose errors (EncodeError, ParseError) are the user's: one line, exit 2. */
function wrap<T>(fn: () => T, option: string): T {
  try {
    return fn();
  } catch (e) {
    if (e instanceof WireError) throw new CliError(option === 'send' ? `send: ${e.message}` : `--${option}: ${e.message}`, EXIT_ERROR);
    throw e;
  }
}

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

async function fromJson(file: string, recompute: boolean): Promise<Built[]> {
  let text: string;
  try {
    // yargs hands a lone "-" over as "".
    text = file === '-' || file === '' ? await readStdinText() : await readFile(file, 'utf8');
  } catch (e) {
    throw new CliError(`${file || 'stdin'}: cannot read: ${describeError(e)}`, EXIT_ERROR);
  }
  const name = file === '-' || file === '' ? 'stdin' : file;
  return parseJsonPackets(text, name).map(({ value, line, offset }, index) => {
    const where = `${name}: packet index ${index}${line > 0 ? ` (line ${line})` : ''}${offset >= 0 ? `, byte offset ${offset}` : ''}`;
    if (value === null || typeof value !== 'object' || Array.isArray(value)) {
      throw new CliError(`${where}: not a packet object {ip, icmp|udp|tcp, payload}`, EXIT_ERROR);
    }
    const obj = { ...(value as Record<string, unknown>) };
    const problem = obj.problem;
    if (problem !== undefined && problem !== null) {
      const p = problem as { kind?: string; reason?: string };
      throw new CliError(`${where}: decode could not read this packet (${p.kind ?? 'problem'}: ${p.reason ?? '?'}): nothing to send`, EXIT_ERROR);
    }
    delete obj.frame; // where decode found it: not part of the packet
    delete obj.problem;
    let bytes: Buffer;
    try {
      const init = packetInitFromJson(obj, { recompute });
      bytes = encodePacket(init);
    } catch (e) {
      if (e instanceof EncodeError || e instanceof ParseError) throw new CliError(`${where}: ${e.message}`, EXIT_ERROR);
      throw e;
    }
    const ip = (obj.ip ?? {}) as Record<string, unknown>;
    const userSet = new Set<KernelField>();
    for (const f of ALL_SET) if (ip[KERNEL_FIELD_KEYS[f]] !== undefined && !(recompute && (f === 'checksum' || f === 'totalLength'))) userSet.add(f);
    return { bytes, userSet };
  });
}

async function readStdinText(): Promise<string> {
  if (process.stdin.isTTY === true) throw new Error('stdin is a terminal: pipe the JSON in');
  const parts: Buffer[] = [];
  for await (const chunk of process.stdin) parts.push(typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer));
  return Buffer.concat(parts).toString('utf8');
}

async function fromHex(source: string): Promise<Built[]> {
  const name = source === '' || source === '-' ? 'stdin' : source;
  const { packets } = await readAllPackets(source === '' ? '-' : source);
  const loc = newIpv4Location();
  const built: Built[] = [];
  let skipped = 0;
  for (const p of packets) {
    locateIpv4(p.bytes, 0, p.bytes.length, p.linkType, loc);
    if (loc.reason !== null) {
      skipped++; // IPv6, ARP...: a capture may hold them; send sends IPv4
      continue;
    }
    if (loc.length < 20) throw new CliError(`${name}: packet index ${p.index}, byte offset ${loc.offset}: ${loc.length} bytes is shorter than an IPv4 header`, EXIT_ERROR);
    built.push({ bytes: Buffer.from(p.bytes.subarray(loc.offset, loc.offset + loc.length)), userSet: ALL_SET });
  }
  if (built.length === 0) throw new CliError(`${name}: no IPv4 packet in it (${skipped} other): nothing to send`, EXIT_ERROR);
  if (skipped > 0) process.stderr.write(`rawprobe: ${name}: skipped ${skipped === 1 ? '1 packet that is' : `${skipped} packets that are`} not IPv4\n`);
  return built;
}

// ---- output -----------------------------------------------------------------------------------

function showChange(c: KernelChange): string {
  const v = (x: number | string | null): string => (x === null ? (c.field === 'checksum' ? 'computed by the kernel' : 'chosen by the kernel') : typeof x === 'number' && (c.field === 'checksum' || c.field === 'id') ? `0x${x.toString(16).padStart(4, '0')}` : String(x));
  return `ip.${c.field} ${v(c.given)} -> ${v(c.sent)}`;
}

/** The one warning line: fields the user set that the kernel will change. */
function kernelWarning(built: Built[]): string | null {
  const seen = new Map<string, number>();
  for (const b of built) {
    for (const c of kernelChanges(b.bytes)) {
      if (!b.userSet.has(c.field)) continue;
      const text = showChange(c);
      seen.set(text, (seen.get(text) ?? 0) + 1);
    }
  }
  if (seen.size === 0) return null;
  const list = [...seen].map(([text, n]) => (built.length > 1 && n > 1 ? `${text} (${n} packets)` : text));
  return `warning: the kernel overwrites with IP_HDRINCL (raw(7)): ${list.join(', ')}`;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

function pacing(count: number, rate: number | 'max' | null, interval: number): string {
  if (count <= 1) return '';
  if (rate === 'max') return ', as fast as the socket takes them';
  if (rate !== null) return `, ${rate} per second`;
  return `, one every ${interval} ms`;
}

/** What `rawprobe send` does once yargs has parsed its options (cli/commands/send.ts). */
export async function run(a: SendArgs): Promise<void> {
  // yargs renders and caches this command's help text (tens of ms of text wrapping) right after
  // the handler (cli/commands/send.ts) returns its promise; let it, before any pacing clock starts.
  await new Promise((resolve) => setImmediate(resolve));
  // yargs reads "--from-json -" as an empty value followed by a positional "-" (handed over as "").
  if (a.target === '' || a.target === '-') {
    if (a['from-json'] === '' || a['from-hex'] === '') a.target = undefined;
    else throw new CliError('send: "-" (stdin) goes after --from-json or --from-hex', EXIT_ERROR);
  }
  if (a.target !== undefined) {
    if (a.dst !== undefined) throw new CliError(`send: give the destination once (${a.target} and --dst ${a.dst})`, EXIT_ERROR);
    a.dst = a.target;
  }
  const fromFile = a['from-json'] !== undefined || a['from-hex'] !== undefined;
  if (fromFile) {
    const crafted = ['src', 'dst', 'ttl', 'tos', 'id', 'proto', 'type', 'sport', 'dport', 'payload', 'payload-hex', 'flags'].filter((k) => a[k as keyof SendArgs] !== undefined);
    if (crafted.length > 0) throw new CliError(`send: --${crafted[0]} crafts a packet; with --from-json/--from-hex the packets come from the file (edit them there)`, EXIT_ERROR);
  }
  if (a.recompute && a['from-json'] === undefined) throw new CliError('send: --recompute applies to --from-json', EXIT_ERROR);
  const built = a['from-json'] !== undefined ? await fromJson(a['from-json'], a.recompute) : a['from-hex'] !== undefined ? await fromHex(a['from-hex']) : [fromFlags(a)];

  const count = a.count === undefined ? built.length : parseInteger(a.count, 'count', 1e9, 1);
  const interval = a.interval === undefined ? 1000 : parseInteger(a.interval, 'interval', 3_600_000);
  let rate: number | 'max' | null = null;
  if (a.rate !== undefined) {
    rate = a.rate.trim().toLowerCase() === 'max' ? 'max' : Number(a.rate);
    if (rate !== 'max' && !(Number.isFinite(rate) && rate > 0 && rate <= 10_000_000)) throw new CliError(`--rate ${a.rate}: give packets per second (e.g. 1000) or max`, EXIT_ERROR);
  }
  const waitMs = a.wait === undefined ? 0 : parseInteger(a.wait, 'wait', 3_600_000);

  const warning = kernelWarning(built);
  if (warning !== null) process.stderr.write(`rawprobe: ${warning}\n`);

  // The packets as built. (The `table` package takes about 20 ms to load: only --verbose draws tables.)
  const table = a.verbose && !a.json ? await import('../format/table.js') : null;
  built.forEach((b, i) => {
    const d = decodeBytes(b.bytes, i);
    if (a.json) {
      printJsonLine({ event: 'packet', hex: b.bytes.toString('hex'), kernelChanges: kernelChanges(b.bytes), packet: frameJson(d) });
      return;
    }
    process.stdout.write(`${a['dry-run'] ? 'packet' : 'send'} ${summaryLine(d)}\n`);
    if (a.verbose || a['dry-run']) process.stdout.write(formatHexLine(b.bytes));
    if (table !== null) {
      process.stdout.write(table.renderTable(['LAYER', 'FIELD', 'VALUE', 'MEANING'], fieldRows(d), { columns: [{}, {}, { width: 40, wrapWord: false }, { width: 44, wrapWord: true }] }));
      for (const c of kernelChanges(b.bytes)) process.stdout.write(`kernel: ${showChange(c)} (${c.rule})\n`);
    }
  });
  if (a['dry-run']) {
    process.exitCode = EXIT_OK;
    return;
  }
  if (!a.json) {
    const to = [...new Set(built.map((b) => `${b.bytes[16]}.${b.bytes[17]}.${b.bytes[18]}.${b.bytes[19]}`))].join(', ');
    const listen = waitMs > 0 ? `; replies for up to ${waitMs} ms after the last` : '';
    process.stdout.write(`sending ${plural(count, 'packet')} to ${to}${pacing(count, rate, interval)}${listen}\n`);
  }

  const controller = new AbortController();
  const onSigint = (): void => controller.abort();
  process.once('SIGINT', onSigint);
  let stats: SendStats;
  try {
    stats = await sendPackets(
      built.map((b) => b.bytes),
      {
        count,
        intervalMs: interval,
        rate,
        waitMs,
        signal: controller.signal,
        onSent: a.verbose && !a.json ? (e) => process.stdout.write(`sent ${summaryLine(decodeBytes(e.packet, e.index))}\n`) : undefined,
        onReply: (r: Reply) => printReply(r, a.json),
      },
    );
  } catch (e) {
    // The addon's messages start "syscall ECODE: "; say the code once, at the end.
    const code = (e as { code?: unknown }).code;
    const why = describeError(e).replace(/^[a-z]+ E[A-Z]+: /, '');
    throw new CliError(`send: ${why}${typeof code === 'string' && code.startsWith('E') ? ` (${code})` : ''}`, EXIT_ERROR);
  } finally {
    process.off('SIGINT', onSigint);
  }
  const error = stats.firstError === null ? null : describeError(stats.firstError);
  if (a.json) {
    printJsonLine({ event: 'summary', sent: stats.sent, bytes: stats.bytes, sendMs: stats.sendMs, replies: stats.replies, errors: stats.errors, firstError: error, aborted: stats.aborted });
  } else {
    const pps = stats.sendMs > 0 && stats.sent > 1 ? `, ${Math.round(((stats.sent - 1) * 1000) / stats.sendMs)} packets/s` : '';
    let line = `--- sent ${plural(stats.sent, 'packet')} (${stats.bytes} bytes) in ${stats.sendMs.toFixed(3)} ms${pps}`;
    if (waitMs > 0) line += `, ${plural(stats.replies, 'reply').replace('replys', 'replies')}`;
    if (stats.errors > 0) line += `, ${stats.errors} refused (first: ${error})`;
    if (stats.aborted) line += ' (interrupted)';
    process.stdout.write(`${line}\n`);
  }
  process.exitCode = waitMs > 0 && stats.replies === 0 ? EXIT_NEGATIVE : stats.errors > 0 && stats.sent === 0 ? EXIT_ERROR : EXIT_OK;
}

function printReply(r: Reply, json: boolean): void {
  const d = decodeBytes(r.bytes, r.probe);
  if (json) {
    printJsonLine({ event: 'reply', kind: r.kind, probe: r.probe, from: r.info.address, rttMs: r.rttMs, packet: frameJson(d) });
    return;
  }
  const rtt = r.rttMs === null ? '' : `, rtt ${r.rttMs.toFixed(3)} ms`;
  process.stdout.write(`reply ${summaryLine(d)}${rtt}\n`);
}
