// A packet from the handful of values a person types (`rawprobe send --ttl 7 --proto udp ...`,
// `send -6 --hop-limit 1 --hbh-option ra ...`): CraftSpec in, lib/wire PacketInit out (CraftSpec6,
// Packet6Init for IPv6). Fields left out are computed by the encoder (lengths, checksums, Next
// Header chain) or take the defaults below; fields given are written as given, right or wrong,
// so a bad length or checksum can be sent on purpose.
//
// Defaults: ICMP echo request (type 8 code 0; ICMPv6 128), identifier = process id, sequence 1;
// TTL / hop limit 64; TOS / traffic class 0; flow label 0; id 0 (the kernel then picks one: see
// hdrincl.ts); no flags; no extension headers; no payload.

import { EncodeError } from '../wire/errors.js';
import { kindOf, type IcmpMessageInit } from '../wire/icmpv4.js';
import { kindOf as kindOf6 } from '../wire/icmpv6-codes.js';
import type { Icmpv6MessageInit } from '../wire/icmpv6.js';
import type { Ipv4OptionInit } from '../wire/ipv4-options.js';
import type { Ipv6ExtensionInit } from '../wire/ipv6-ext.js';
import type { Packet6Init } from '../wire/packet6.js';
import type { PacketInit } from '../wire/packet.js';
import { FLAG as TCP_FLAG, type TcpFlags } from '../wire/tcp.js';

export const PROTOCOL_NAMES = { icmp: 1, tcp: 6, udp: 17 } as const;

export interface IcmpSpec {
  type?: number;
  code?: number;
  /** Echo / timestamp identifier; for other types the high half of the rest of the header. */
  identifier?: number;
  /** Echo / timestamp sequence; for other types the low half of the rest of the header. */
  sequence?: number;
  checksum?: number;
}

export interface UdpSpec {
  srcPort: number;
  dstPort: number;
  length?: number;
  checksum?: number;
}

export interface TcpSpec {
  srcPort: number;
  dstPort: number;
  sequence?: number;
  acknowledgment?: number;
  flags?: Partial<TcpFlags>;
  window?: number;
  urgentPointer?: number;
  dataOffset?: number;
  checksum?: number;
  options?: Uint8Array;
}

export interface CraftSpec {
  src: string | number;
  dst: string | number;
  /** 0-255; with a transport spec it must name that transport (or be left out). */
  protocol?: number;
  ttl?: number;
  tos?: number;
  id?: number;
  df?: boolean;
  mf?: boolean;
  /** The reserved ("evil") flag bit. */
  reserved?: boolean;
  /** In 8-byte units, as on the wire. */
  fragmentOffset?: number;
  ihl?: number;
  totalLength?: number;
  checksum?: number;
  options?: Ipv4OptionInit[];
  icmp?: IcmpSpec;
  udp?: UdpSpec;
  tcp?: TcpSpec;
  payload?: Uint8Array;
}

/** The protocol number for a name ("icmp", "udp", "tcp") or number text ("47"). Throws EncodeError. */
export function protocolNumber(text: string | number): number {
  if (typeof text === 'number') {
    if (Number.isInteger(text) && text >= 0 && text <= 255) return text;
  } else {
    const t = text.trim().toLowerCase();
    if (t in PROTOCOL_NAMES) return PROTOCOL_NAMES[t as keyof typeof PROTOCOL_NAMES];
    if (/^\d+$/.test(t) && Number(t) <= 255) return Number(t);
  }
  throw new EncodeError('protocol', text, `${JSON.stringify(text)} is not a protocol: give icmp, udp, tcp or a number 0-255`, 'icmp, udp, tcp, 0-255');
}

/**
 * TCP flags from text: letters as tcpdump prints them (S F R P U E W N, and A or "." for ACK:
 * "S", "SA", "S.", "FPU") or names separated by commas ("syn,ack"). Throws EncodeError.
 */
export function parseTcpFlags(text: string): Partial<TcpFlags> {
  const flags: Partial<TcpFlags> = {};
  const t = text.trim();
  if (t === '' || t.toLowerCase() === 'none') return flags;
  const names = Object.keys(TCP_FLAG).map((n) => n.toLowerCase());
  if (/[,a-z]{2,}/.test(t) && t === t.toLowerCase()) {
    for (const name of t.split(',').map((s) => s.trim())) {
      if (!names.includes(name)) {
        throw new EncodeError('tcp.flags', text, `"${name}" is not a TCP flag (allowed ${names.join(', ')})`, names.join(', '));
      }
      flags[name as keyof TcpFlags] = true;
    }
    return flags;
  }
  const letters: Record<string, keyof TcpFlags> = { S: 'syn', F: 'fin', R: 'rst', P: 'psh', A: 'ack', '.': 'ack', U: 'urg', E: 'ece', W: 'cwr', C: 'cwr', N: 'ns' };
  for (const c of t) {
    const name = letters[c.toUpperCase()];
    if (name === undefined) {
      throw new EncodeError('tcp.flags', text, `"${c}" is not a TCP flag letter (S F R P A/. U E W/C N, or names like syn,ack)`, 'S F R P A U E W N');
    }
    flags[name] = true;
  }
  return flags;
}

/**
 * The fields of `spec` named in `keys` that are given, in that order: a field the user left out
 * stays out of the init, for encode to compute (a checksum, a length) or default.
 */
function givenOf<T extends object, K extends keyof T>(spec: T, keys: readonly K[]): Partial<Pick<T, K>> {
  const out: Partial<Pick<T, K>> = {};
  for (const k of keys) if (spec[k] !== undefined) out[k] = spec[k];
  return out;
}

function icmpInit(spec: IcmpSpec): IcmpMessageInit {
  const type = spec.type ?? 8;
  const kind = kindOf(type);
  const base = givenOf(spec, ['code', 'checksum']);
  switch (kind) {
    case 'echo-request':
    case 'echo-reply':
    case 'timestamp-request':
    case 'timestamp-reply':
      return { kind, ...base, identifier: spec.identifier ?? process.pid & 0xffff, sequence: spec.sequence ?? 1 };
    case 'unknown': {
      const rest = Buffer.alloc(4);
      rest.writeUInt16BE(spec.identifier ?? 0, 0);
      rest.writeUInt16BE(spec.sequence ?? 0, 2);
      return { kind, type, ...base, restOfHeader: rest };
    }
    default:
      // Errors, redirect, source quench: the body (the quoted datagram) comes from the payload.
      if (spec.identifier !== undefined || spec.sequence !== undefined) {
        throw new EncodeError(
          'icmp.identifier',
          spec.identifier ?? spec.sequence,
          `ICMP type ${type} (${kind}) has no identifier or sequence; put its body (the quoted datagram) in the payload`,
          'echo or timestamp types only',
        );
      }
      return { kind, ...base } as IcmpMessageInit;
  }
}

/** The one transport a spec gives (null for none). Throws EncodeError for two. */
function transportOf(spec: { icmp?: unknown; icmpv6?: unknown; udp?: unknown; tcp?: unknown }): 'icmp' | 'icmpv6' | 'udp' | 'tcp' | null {
  const given = (['icmp', 'icmpv6', 'udp', 'tcp'] as const).filter((k) => spec[k] !== undefined);
  if (given.length > 1) throw new EncodeError('protocol', given.join('+'), `give one transport, not ${given.join(' and ')}`, 'icmp, udp or tcp');
  return given[0] ?? null;
}

/** The PacketInit a CraftSpec describes. Throws EncodeError for contradictions. */
export function buildPacket(spec: CraftSpec): PacketInit {
  const transport = transportOf(spec);
  // A protocol number that disagrees with the transport is written as given, on purpose: the
  // header then says one thing and the bytes another.
  const ip: PacketInit['ip'] = {
    src: spec.src,
    dst: spec.dst,
    ...givenOf(spec, ['protocol', 'ttl', 'tos', 'id']),
    flags: { df: spec.df ?? false, mf: spec.mf ?? false, reserved: spec.reserved ?? false },
    ...givenOf(spec, ['fragmentOffset', 'ihl', 'totalLength', 'checksum']),
    ...(spec.options !== undefined && spec.options.length > 0 ? { options: spec.options } : {}),
  };
  const init: PacketInit = { ip };
  if (transport === 'icmp') init.icmp = icmpInit(spec.icmp!);
  else if (transport === 'udp') init.udp = { ...spec.udp! };
  else if (transport === 'tcp') init.tcp = { ...spec.tcp! };
  else if (spec.protocol === undefined) {
    throw new EncodeError('protocol', undefined, 'missing: give a protocol (icmp, udp, tcp or a number)', 'icmp, udp, tcp, 0-255');
  }
  if (spec.payload !== undefined && spec.payload.length > 0) init.payload = spec.payload;
  return init;
}

// ---- IPv6 ---------------------------------------------------------------------------------------

export interface Icmpv6Spec extends IcmpSpec {
  /** Neighbor Solicitation / Advertisement: the target address (required there). */
  target?: string;
  /** Packet Too Big: the MTU (default 1280). */
  mtu?: number;
  /** Parameter Problem: the pointer (default 0). */
  pointer?: number;
  /** Neighbor Advertisement flags. */
  flags?: { router?: boolean; solicited?: boolean; override?: boolean };
  /** ND: our link-layer address, as a source (RS, NS) or target (NA) link-layer address option. */
  linkLayer?: string;
}

export interface CraftSpec6 {
  src: string;
  dst: string;
  /** Written as given even when it names something else than what follows. */
  nextHeader?: number;
  hopLimit?: number;
  trafficClass?: number;
  flowLabel?: number;
  payloadLength?: number;
  /** In the order given (lib/wire chains their Next Header values). */
  extensions?: Ipv6ExtensionInit[];
  icmpv6?: Icmpv6Spec;
  udp?: UdpSpec;
  tcp?: TcpSpec;
  payload?: Uint8Array;
}

/** The ICMPv6 message an Icmpv6Spec describes (body of errors and unknown types: the payload). */
function icmpv6Init(spec: Icmpv6Spec): Icmpv6MessageInit {
  const type = spec.type ?? 128;
  const kind = kindOf6(type);
  const base = givenOf(spec, ['code', 'checksum']);
  const echo = kind === 'echo-request' || kind === 'echo-reply';
  if (!echo && (spec.identifier !== undefined || spec.sequence !== undefined)) {
    throw new EncodeError('icmpv6.identifier', spec.identifier ?? spec.sequence, `ICMPv6 type ${type} (${kind}) has no identifier or sequence`, 'echo types only');
  }
  const needTarget = (): string => {
    if (spec.target === undefined) throw new EncodeError('icmpv6.target', undefined, `missing: ICMPv6 ${kind} needs a target address (--nd-target)`, 'IPv6 address');
    return spec.target;
  };
  const ll = (which: 'source-link-layer-address' | 'target-link-layer-address') => (spec.linkLayer === undefined ? {} : { options: [{ kind: which, address: spec.linkLayer }] });
  switch (kind) {
    case 'echo-request':
    case 'echo-reply':
      return { kind, ...base, identifier: spec.identifier ?? process.pid & 0xffff, sequence: spec.sequence ?? 1 };
    case 'destination-unreachable':
    case 'time-exceeded':
      return { kind, ...base };
    case 'packet-too-big':
      return { kind, ...base, mtu: spec.mtu ?? 1280 };
    case 'parameter-problem':
      return { kind, ...base, pointer: spec.pointer ?? 0 };
    case 'neighbor-solicitation':
      return { kind, ...base, target: needTarget(), ...ll('source-link-layer-address') };
    case 'neighbor-advertisement':
      return { kind, ...base, target: needTarget(), flags: { ...spec.flags }, ...ll('target-link-layer-address') };
    case 'router-solicitation':
      return { kind, ...base, ...ll('source-link-layer-address') };
    case 'router-advertisement':
      return { kind, ...base, ...ll('source-link-layer-address') };
    case 'unknown':
      return { kind, type, ...base };
    default:
      throw new EncodeError('icmpv6.type', type, `ICMPv6 ${kind} (type ${type}) takes more fields than flags give: write it as JSON and send --from-json`, 'echo, errors, RS, RA, NS, NA, or an unassigned type');
  }
}

/** The Packet6Init a CraftSpec6 describes. Throws EncodeError for contradictions. */
export function buildPacket6(spec: CraftSpec6): Packet6Init {
  const transport = transportOf(spec);
  const ip: Packet6Init['ip'] = {
    src: spec.src,
    dst: spec.dst,
    ...givenOf(spec, ['nextHeader']),
    hopLimit: spec.hopLimit ?? 64,
    ...givenOf(spec, ['trafficClass', 'flowLabel', 'payloadLength']),
  };
  const init: Packet6Init = { ip, ...(spec.extensions !== undefined && spec.extensions.length > 0 ? { extensions: spec.extensions } : {}) };
  if (transport === 'icmpv6') init.icmpv6 = icmpv6Init(spec.icmpv6!);
  else if (transport === 'udp') init.udp = { ...spec.udp! };
  else if (transport === 'tcp') init.tcp = { ...spec.tcp! };
  if (spec.payload !== undefined && spec.payload.length > 0) init.payload = spec.payload;
  return init;
}
