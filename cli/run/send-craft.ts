// The packet `rawprobe send` crafts from its options (--dst, --ttl, --proto udp --dport 53 ...):
// each option read as text (numbers by cli/numbers.ts), checked against the protocol chosen, and
// built by lib/craft. Errors are CliError (exit 2), naming the option. An IPv6 --dst (or -6)
// crafts IPv6 instead (send-ipv6.ts), with the same transport options read here.
import { buildPacket, parseIpOption, parseTcpFlags, protocolNumber, routeSource, type CraftSpec, type KernelField } from '../../lib/craft/index.js';
import { WireError, encodePacket, parseHex, parseTos, type Ipv4OptionInit } from '../../lib/wire/index.js';
import { CliError, describeError, EXIT_ERROR } from '../errors.js';
import { wholeIn } from '../numbers.js';
import type { SendArgs } from '../options/send.js';
import { readFileSync } from 'node:fs';

/** The most payload --payload-size and --payload-file give: an IPv4 datagram's 65535 less its 28 bytes of headers. */
const MAX_PAYLOAD = 65507;

/** A packet ready to send, and which header fields the user set (for the kernel warning). */
export interface Built {
  bytes: Buffer;
  userSet: ReadonlySet<KernelField>;
  /** When a packet read from a file was captured, ms since the epoch; null when it says not (or was crafted). */
  timeMs: number | null;
}

export const PROTOCOL = { icmp: 1, tcp: 6, udp: 17 } as const;

/** The options each transport owns: giving one with another --proto is a usage error. */
const ICMP_OPTIONS = ['type', 'code', 'icmp-id', 'seq', 'icmp-checksum'] as const;
const PORT_OPTIONS = ['sport', 'dport', 'udp-length', 'udp-checksum'] as const;
const TCP_OPTIONS = ['flags', 'tcp-seq', 'ack', 'window', 'urg', 'data-offset', 'tcp-option', 'tcp-checksum'] as const;

/** The options only an IPv4 header has, and only an IPv6 one: giving one to the other version is a usage error. */
export const IPV4_ONLY = ['ttl', 'tos', 'id', 'df', 'mf', 'reserved-bit', 'frag-offset', 'ip-option', 'ihl', 'total-length', 'ip-checksum'] as const;
export const IPV6_ONLY = ['hop-limit', 'tclass', 'flow-label', 'next-header', 'payload-length', 'hbh-option', 'dst-option', 'routing', 'nd-target', 'mtu', 'pointer', 'nd-flags', 'link-address'] as const;

/** The first of `keys` given (a flag given as true counts, one left false does not), or null. */
export function firstGiven(a: SendArgs, keys: readonly (keyof SendArgs)[]): string | null {
  return keys.find((k) => a[k] !== undefined && a[k] !== false) ?? null;
}

/** Runs a lib/ call whose errors (EncodeError, ParseError) are the user's: one line, exit 2. */
export function userError<T>(fn: () => T, option: string): T {
  try {
    return fn();
  } catch (e) {
    if (e instanceof WireError) throw new CliError(option === 'send' ? `send: ${e.message}` : `--${option}: ${e.message}`, EXIT_ERROR);
    throw e;
  }
}

function address(text: string, option: string): string {
  if (!/^\d{1,3}(\.\d{1,3}){3}$/.test(text) || text.split('.').some((p) => Number(p) > 255)) {
    throw new CliError(`--${option} ${text}: not an IPv4 address (a.b.c.d)${option === 'dst' ? ' or a host name' : ''}`, EXIT_ERROR);
  }
  return text;
}

export function hexOption(text: string, option: string): Buffer {
  try {
    return parseHex(text);
  } catch (e) {
    throw new CliError(`--${option}: ${describeError(e)}`, EXIT_ERROR);
  }
}

/** An option's number in [0, max] (or absent): `--ttl 0x40` is 64 here as in every command. */
export function numberOf(a: SendArgs, key: keyof SendArgs & string, max: number): number | undefined {
  const text = a[key];
  return typeof text === 'string' ? wholeIn(`--${key}`, key, text, 0, max) : undefined;
}

/** --proto: a name, or a number as every command reads numbers. */
export function protocolOf(text: string | undefined): number {
  if (text === undefined) return PROTOCOL.icmp;
  if (/^\+?\d+$|^0x[0-9a-f]+$/i.test(text.trim())) return wholeIn('--proto', 'protocol', text, 0, 255);
  return userError(() => protocolNumber(text), 'proto');
}

export function checkTransportOptions(a: SendArgs, protocol: number, icmp: number = PROTOCOL.icmp): void {
  const given = (keys: readonly (keyof SendArgs)[]): boolean => keys.some((k) => a[k] !== undefined);
  if (protocol !== PROTOCOL.tcp && given(TCP_OPTIONS)) throw new CliError('send: TCP options (--flags, --tcp-seq, ...) need --proto tcp', EXIT_ERROR);
  if (protocol !== PROTOCOL.tcp && protocol !== PROTOCOL.udp && given(PORT_OPTIONS)) throw new CliError('send: --sport/--dport need --proto udp or tcp', EXIT_ERROR);
  if (protocol !== icmp && given(ICMP_OPTIONS)) throw new CliError('send: ICMP options (--type, --code, --icmp-id, --seq) need --proto icmp (the default)', EXIT_ERROR);
}

/** --payload TEXT, --payload-hex HEX, --payload-file FILE or --payload-size N (bytes 0x00, 0x01, ... as ping fills them). */
export function payloadOf(a: SendArgs): Buffer | undefined {
  if (a.payload !== undefined) return Buffer.from(a.payload, 'utf8');
  if (a['payload-file'] !== undefined) return payloadFile(a['payload-file']);
  if (a['payload-hex'] !== undefined) return hexOption(a['payload-hex'], 'payload-hex');
  if (a['payload-size'] === undefined) return undefined;
  const n = wholeIn('--payload-size', 'payload size', a['payload-size'], 0, MAX_PAYLOAD);
  const payload = Buffer.alloc(n);
  for (let i = 0; i < n; i++) payload[i] = i & 0xff;
  return payload;
}

/** The bytes of --payload-file (hping3 -E), at most what an IPv4 datagram carries after its headers. */
function payloadFile(path: string): Buffer {
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (e) {
    throw new CliError(`--payload-file ${path}: ${describeError(e)}`, EXIT_ERROR);
  }
  if (bytes.length > MAX_PAYLOAD) throw new CliError(`--payload-file ${path}: ${bytes.length} bytes do not fit in a packet (at most ${MAX_PAYLOAD})`, EXIT_ERROR);
  return bytes;
}

/** The IPv4 header's fields; one left undefined is lib/craft's to fill in (buildPacket). */
function ipFields(a: SendArgs, tos: number | undefined): Partial<CraftSpec> {
  return {
    ttl: numberOf(a, 'ttl', 255),
    tos,
    id: numberOf(a, 'id', 0xffff),
    df: a.df,
    mf: a.mf,
    reserved: a['reserved-bit'],
    fragmentOffset: numberOf(a, 'frag-offset', 0x1fff),
    ihl: numberOf(a, 'ihl', 15),
    totalLength: numberOf(a, 'total-length', 0xffff),
    checksum: numberOf(a, 'ip-checksum', 0xffff),
  };
}

/** The ICMP header's fields; one left undefined is lib/craft's to fill in. */
function icmpFields(a: SendArgs): CraftSpec['icmp'] {
  return {
    type: numberOf(a, 'type', 255),
    code: numberOf(a, 'code', 255),
    identifier: numberOf(a, 'icmp-id', 0xffff),
    sequence: numberOf(a, 'seq', 0xffff),
    checksum: numberOf(a, 'icmp-checksum', 0xffff),
  };
}

/** --sport (default: a random port from 32768) and --dport (required). */
export function portsOf(a: SendArgs, protocol: number): { srcPort: number; dstPort: number } {
  if (a.dport === undefined) throw new CliError(`send: --proto ${protocol === PROTOCOL.udp ? 'udp' : 'tcp'} needs --dport PORT`, EXIT_ERROR);
  const srcPort = numberOf(a, 'sport', 0xffff) ?? 32768 + Math.floor(Math.random() * 28000);
  return { srcPort, dstPort: numberOf(a, 'dport', 0xffff)! };
}

export function udpFields(a: SendArgs): CraftSpec['udp'] {
  const length = numberOf(a, 'udp-length', 0xffff);
  const checksum = numberOf(a, 'udp-checksum', 0xffff);
  return { ...portsOf(a, PROTOCOL.udp), ...(length === undefined ? {} : { length }), ...(checksum === undefined ? {} : { checksum }) };
}

export function tcpFields(a: SendArgs): CraftSpec['tcp'] {
  const ports = portsOf(a, PROTOCOL.tcp);
  const flags = a.flags === undefined ? { syn: true } : userError(() => parseTcpFlags(a.flags!), 'flags');
  const tcp: NonNullable<CraftSpec['tcp']> = {
    ...ports,
    flags,
    sequence: numberOf(a, 'tcp-seq', 0xffffffff) ?? 0,
    acknowledgment: numberOf(a, 'ack', 0xffffffff) ?? 0,
    window: numberOf(a, 'window', 0xffff) ?? 65535,
    urgentPointer: numberOf(a, 'urg', 0xffff) ?? 0,
  };
  const dataOffset = numberOf(a, 'data-offset', 15);
  if (dataOffset !== undefined) tcp.dataOffset = dataOffset;
  if (a['tcp-option'] !== undefined) tcp.options = hexOption(a['tcp-option'], 'tcp-option');
  const checksum = numberOf(a, 'tcp-checksum', 0xffff);
  if (checksum !== undefined) tcp.checksum = checksum;
  return tcp;
}

/** The whole CraftSpec from the options; --src defaults to the route's source for --dst. */
export function craftSpec(a: SendArgs): CraftSpec {
  if (a.dst === undefined) throw new CliError('send: give --dst ADDR (or --from-json / --from-hex); see rawprobe send --help', EXIT_ERROR);
  const ipv6Only = firstGiven(a, IPV6_ONLY);
  if (ipv6Only !== null) throw new CliError(`send: --${ipv6Only} is for IPv6 packets: give -6 and an IPv6 --dst`, EXIT_ERROR);
  const dst = address(a.dst, 'dst');
  const src = a.src !== undefined ? address(a.src, 'src') : sourceFor(dst);
  const protocol = protocolOf(a.proto);
  checkTransportOptions(a, protocol);
  const tos = a.tos === undefined ? undefined : userError(() => parseTos(a.tos!), 'tos');
  const options: Ipv4OptionInit[] = (a['ip-option'] ?? []).map((text) => userError(() => parseIpOption(String(text)), 'ip-option'));
  const payload = payloadOf(a);
  const spec: CraftSpec = { src, dst, protocol, ...ipFields(a, tos), options, ...(payload !== undefined ? { payload } : {}) };
  if (protocol === PROTOCOL.icmp) spec.icmp = icmpFields(a);
  else if (protocol === PROTOCOL.udp) spec.udp = udpFields(a);
  else if (protocol === PROTOCOL.tcp) spec.tcp = tcpFields(a);
  return spec;
}

export function sourceFor(dst: string): string {
  try {
    return routeSource(dst);
  } catch (e) {
    throw new CliError(`send: no route to ${dst}: ${describeError(e)}`, EXIT_ERROR);
  }
}

/** The packet is IPv6: -6, or an IPv6 destination (it has a colon). */
export function wantsIpv6(a: SendArgs): boolean {
  return a.ipv6 === true || (a.dst?.includes(':') ?? false);
}

/** The packet the options describe, and the kernel-owned fields among those given. */
export function fromFlags(a: SendArgs): Built {
  const spec = craftSpec(a);
  const bytes = userError(() => encodePacket(buildPacket(spec)), 'send');
  const userSet = new Set<KernelField>();
  if (a['ip-checksum'] !== undefined) userSet.add('checksum');
  if (a['total-length'] !== undefined) userSet.add('totalLength');
  if (a.src !== undefined) userSet.add('src');
  if (a.id !== undefined) userSet.add('id');
  return { bytes, userSet, timeMs: null };
}
