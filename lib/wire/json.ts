// Packets as JSON, both ways. `decode --json` prints packetToJson; `send` reads JSON back with
// packetInitFromJson, so whatever we print can be edited and sent.
//
// Out: every decoded field, Buffers as lowercase hex, null kept.
// In:  exactly that shape, or any hand-written subset of it. Every field is checked and an error
//      names its JSON path and what is allowed ("ip.ttl: 300 is out of range 0-255"). Unknown
//      keys are errors too (a typo must not be silently ignored). Derived fields (headerLength,
//      checksumValid, checksumPresent, extensionLengthValid, truncated, bytes) are checked for
//      type and ignored.
//      Computed fields present in the JSON (ihl, totalLength, lengths, checksums) are written as
//      given, so an edited packet keeps its old values unless `recompute: true` drops them.

import { formatHex, ipv4OrMinusOne, parseHex } from './bytes.js';
import { checkBool, checkUint, EncodeError, parseField, showValue } from './errors.js';
import { kindOf, type IcmpMessageInit, type QuotedDatagramInit } from './icmpv4.js';
import type { Ipv4HeaderInit } from './ipv4.js';
import type { Ipv4OptionInit } from './ipv4-options.js';
import type { Packet, PacketInit } from './packet.js';
import { FLAG_NAMES as TCP_FLAGS, type TcpHeaderInit } from './tcp.js';
import type { UdpHeaderInit } from './udp.js';

/** T with every Buffer turned into a hex string, recursively. */
export type Jsonified<T> = T extends Uint8Array
  ? string
  : T extends readonly (infer U)[]
    ? Jsonified<U>[]
    : T extends object
      ? { [K in keyof T]: Jsonified<T[K]> }
      : T;

export type PacketJson = Jsonified<Packet>;

/** Any decoded value (a Packet, a header, a DecodeError's partial) as plain JSON-safe data. */
export function jsonify<T>(value: T): Jsonified<T> {
  return convert(value) as Jsonified<T>;
}

function convert(v: unknown): unknown {
  if (v instanceof Uint8Array) return formatHex(v);
  if (Array.isArray(v)) return v.map(convert);
  if (v !== null && typeof v === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) out[k] = convert(x);
    return out;
  }
  return v;
}

export function packetToJson(p: Packet): PacketJson {
  return jsonify(p);
}

export interface FromJsonOptions {
  /** Prefix for error paths, e.g. "packets[2]". Default "". */
  path?: string;
  /**
   * Drop computed fields so they are computed again: ip ihl/totalLength/checksum, option
   * lengths, ICMP checksum and RFC 4884 length, UDP length/checksum, TCP dataOffset/checksum.
   * The datagram quoted in an ICMP error is left as it is: it describes another packet.
   */
  recompute?: boolean;
}

// ---- field readers: each names the JSON path in its error ----------------------------------------

type Obj = Record<string, unknown>;

function join(path: string, key: string | number): string {
  if (typeof key === 'number') return `${path}[${key}]`;
  return path === '' ? key : `${path}.${key}`;
}

function object(v: unknown, path: string, allowed: readonly string[]): Obj {
  if (v === null || typeof v !== 'object' || Array.isArray(v) || v instanceof Uint8Array) {
    throw new EncodeError(path || 'packet', v, `${showValue(v)} is not an object`, 'an object');
  }
  for (const key of Object.keys(v)) {
    if (!allowed.includes(key)) {
      throw new EncodeError(join(path, key), (v as Obj)[key], `unknown field (allowed: ${allowed.join(', ')})`, allowed.join(', '));
    }
  }
  return v as Obj;
}

function uint(v: unknown, max: number, path: string): number | undefined {
  if (v === undefined) return undefined;
  return checkUint(v, max, path);
}

/**
 * The unsigned fields `maxima` names, read from o in its order, each up to its maximum (absent:
 * undefined). A null maximum is a computed field being recomputed: left out.
 */
function uints<K extends string>(o: Obj, path: string, maxima: Record<K, number | null>): Record<K, number | undefined> {
  const out = {} as Record<K, number | undefined>;
  for (const key in maxima) {
    const max = maxima[key];
    out[key] = max === null ? undefined : uint(o[key], max, join(path, key));
  }
  return out;
}

/** A computed field's maximum, or null when recomputing (for uints). */
function computedMax(recompute: boolean, max: number): number | null {
  return recompute ? null : max;
}

function bool(v: unknown, path: string): boolean | undefined {
  if (v === undefined) return undefined;
  return checkBool(v, path);
}

function hex(v: unknown, path: string): Buffer | undefined {
  if (v === undefined) return undefined;
  if (typeof v !== 'string') {
    throw new EncodeError(path, v, `${showValue(v)} is not a hex string (e.g. "45000054")`, 'hex string');
  }
  return parseField(path, v, 'hex string', parseHex);
}

function address(v: unknown, path: string): string | undefined {
  if (v === undefined) return undefined;
  if (typeof v !== 'string') {
    throw new EncodeError(path, v, `${showValue(v)} is not an IPv4 address string (e.g. "192.0.2.1")`, 'dotted quad');
  }
  // Validated now so the error carries the JSON path; encode parses it again.
  if (ipv4OrMinusOne(v) < 0) {
    throw new EncodeError(path, v, `${JSON.stringify(v)} is not a dotted-quad IPv4 address (a.b.c.d, each 0-255)`, 'dotted quad');
  }
  return v;
}

/** A field that must be present: `value` as uint() read it, or the "missing" error for `path`. */
function need(value: number | undefined, max: number, path: string): number {
  if (value === undefined) throw new EncodeError(path, undefined, `missing (allowed 0-${max})`, `0-${max}`);
  return value;
}

function array(v: unknown, path: string): unknown[] | undefined {
  if (v === undefined) return undefined;
  if (!Array.isArray(v)) throw new EncodeError(path, v, `${showValue(v)} is not an array`, 'an array');
  return v;
}

/** Checks a derived field's type; its value is not used. */
function derived(v: unknown, path: string, kind: 'uint' | 'bool' | 'bool-or-null'): void {
  if (v === undefined) return;
  if (kind === 'uint') checkUint(v, 0xffffffff, path);
  else if (kind === 'bool') checkBool(v, path);
  else if (v !== null) checkBool(v, path);
}

/** Removes undefined values so the init looks hand-written (and `in` checks stay honest). */
function clean<T extends object>(o: T): T {
  for (const k of Object.keys(o) as (keyof T)[]) if (o[k] === undefined) delete o[k];
  return o;
}

// ---- ip ---------------------------------------------------------------------------------------------

const IP_KEYS = [
  'version', 'ihl', 'headerLength', 'tos', 'dscp', 'ecn', 'totalLength', 'id', 'flags', 'fragmentOffset',
  'ttl', 'protocol', 'checksum', 'checksumValid', 'src', 'dst', 'options',
] as const;

function ipFromJson(v: unknown, path: string, recompute: boolean, protocolRequired: boolean): Ipv4HeaderInit {
  const o = object(v, path, IP_KEYS);
  derived(o.headerLength, join(path, 'headerLength'), 'uint');
  derived(o.checksumValid, join(path, 'checksumValid'), 'bool-or-null');
  if (o.src === undefined) throw new EncodeError(join(path, 'src'), undefined, 'missing (an IPv4 address like "192.0.2.1")', 'dotted quad');
  if (o.dst === undefined) throw new EncodeError(join(path, 'dst'), undefined, 'missing (an IPv4 address like "192.0.2.1")', 'dotted quad');
  const protocol = uint(o.protocol, 255, join(path, 'protocol'));
  if (protocolRequired) need(protocol, 255, join(path, 'protocol'));
  let flags: Ipv4HeaderInit['flags'];
  if (o.flags !== undefined) {
    const f = object(o.flags, join(path, 'flags'), ['reserved', 'df', 'mf']);
    flags = clean({
      reserved: bool(f.reserved, join(path, 'flags.reserved')),
      df: bool(f.df, join(path, 'flags.df')),
      mf: bool(f.mf, join(path, 'flags.mf')),
    });
  }
  const options = array(o.options, join(path, 'options'))?.map((x, i) =>
    optionFromJson(x, join(join(path, 'options'), i), recompute),
  );
  const computed = (max: number): number | null => computedMax(recompute, max);
  return clean({
    ...uints(o, path, { version: 15, ihl: computed(15), tos: 255, dscp: 63, ecn: 3, totalLength: computed(0xffff), id: 0xffff, fragmentOffset: 0x1fff, ttl: 255, checksum: computed(0xffff) }),
    flags,
    protocol: protocol as number,
    src: address(o.src, join(path, 'src'))!,
    dst: address(o.dst, join(path, 'dst'))!,
    options,
  });
}

const OPTION_KEYS: Record<string, readonly string[]> = {
  end: ['kind', 'type', 'padding'],
  nop: ['kind', 'type'],
  'record-route': ['kind', 'type', 'length', 'pointer', 'addresses'],
  'loose-source-route': ['kind', 'type', 'length', 'pointer', 'addresses'],
  'strict-source-route': ['kind', 'type', 'length', 'pointer', 'addresses'],
  timestamp: ['kind', 'type', 'length', 'pointer', 'overflow', 'flag', 'entries'],
  'router-alert': ['kind', 'type', 'length', 'value'],
  security: ['kind', 'type', 'length', 'classification', 'protection'],
  unknown: ['kind', 'type', 'length', 'data'],
};

function optionFromJson(v: unknown, path: string, recompute: boolean): Ipv4OptionInit {
  const kind = v !== null && typeof v === 'object' ? (v as Obj).kind : undefined;
  if (typeof kind !== 'string' || !(kind in OPTION_KEYS)) {
    throw new EncodeError(join(path, 'kind'), kind, `${showValue(kind)} is not an option kind (allowed ${Object.keys(OPTION_KEYS).join(', ')})`, 'option kind');
  }
  const o = object(v, path, OPTION_KEYS[kind]!);
  const type = uint(o.type, 255, join(path, 'type'));
  const length = recompute ? undefined : uint(o.length, 255, join(path, 'length'));
  const pointer = uint(o.pointer, 255, join(path, 'pointer'));
  switch (kind) {
    case 'end':
      return clean({ kind, type: type as 0 | undefined, padding: hex(o.padding, join(path, 'padding')) });
    case 'nop':
      return clean({ kind, type: type as 1 | undefined });
    case 'record-route':
    case 'loose-source-route':
    case 'strict-source-route': {
      const addresses = array(o.addresses, join(path, 'addresses'))?.map((a, i) => address(a, join(join(path, 'addresses'), i))!);
      return clean({ kind, type, length, pointer, addresses });
    }
    case 'timestamp': {
      const entries = array(o.entries, join(path, 'entries'))?.map((e, i) => {
        const ep = join(join(path, 'entries'), i);
        const eo = object(e, ep, ['address', 'timestamp']);
        return clean({
          address: eo.address === null ? null : address(eo.address, join(ep, 'address')),
          timestamp: uint(eo.timestamp, 0xffffffff, join(ep, 'timestamp')),
        });
      });
      return clean({
        kind,
        type,
        length,
        pointer,
        overflow: uint(o.overflow, 15, join(path, 'overflow')),
        flag: uint(o.flag, 15, join(path, 'flag')),
        entries,
      });
    }
    case 'router-alert':
      return clean({ kind, type, length, value: uint(o.value, 0xffff, join(path, 'value')) });
    case 'security': {
      const classification = uint(o.classification, 255, join(path, 'classification'));
      if (classification === undefined) {
        throw new EncodeError(join(path, 'classification'), undefined, 'missing (allowed 0-255, e.g. 171 = 0xab unclassified)', '0-255');
      }
      return clean({ kind, type, length, classification, protection: hex(o.protection, join(path, 'protection')) });
    }
    default:
      return clean({ kind: 'unknown' as const, type: need(type, 255, join(path, 'type')), length, data: hex(o.data, join(path, 'data')) });
  }
}

// ---- icmp -------------------------------------------------------------------------------------------

const ICMP_COMMON = ['kind', 'type', 'code', 'checksum', 'checksumValid', 'headerLength'];
const ICMP_ERROR_RFC4884 = ['extensionLength', 'extensionLengthValid', 'extensions', 'unused', 'quoted'];
const ICMP_KEYS: Record<string, readonly string[]> = {
  'echo-request': [...ICMP_COMMON, 'identifier', 'sequence', 'data'],
  'echo-reply': [...ICMP_COMMON, 'identifier', 'sequence', 'data'],
  'destination-unreachable': [...ICMP_COMMON, 'nextHopMtu', ...ICMP_ERROR_RFC4884],
  'time-exceeded': [...ICMP_COMMON, ...ICMP_ERROR_RFC4884],
  'parameter-problem': [...ICMP_COMMON, 'pointer', ...ICMP_ERROR_RFC4884],
  redirect: [...ICMP_COMMON, 'gateway', 'quoted'],
  'source-quench': [...ICMP_COMMON, 'unused', 'quoted'],
  'timestamp-request': [...ICMP_COMMON, 'identifier', 'sequence', 'originate', 'receive', 'transmit', 'data'],
  'timestamp-reply': [...ICMP_COMMON, 'identifier', 'sequence', 'originate', 'receive', 'transmit', 'data'],
  unknown: [...ICMP_COMMON, 'restOfHeader', 'data'],
};

/** The kind and type an ICMP object names (kind, or the type's kind when only the type is given). */
function icmpKindOf(v: unknown, path: string): { kind: string; type: number | undefined } {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) {
    throw new EncodeError(path, v, `${showValue(v)} is not an ICMP message object`, 'an object');
  }
  const raw = v as Obj;
  const type = uint(raw.type, 255, join(path, 'type'));
  let kind = raw.kind;
  if (kind === undefined) {
    if (type === undefined) {
      throw new EncodeError(join(path, 'kind'), undefined, 'missing: give kind (e.g. "echo-request") or type', 'ICMP kind');
    }
    kind = kindOf(type);
  }
  if (typeof kind !== 'string' || !(kind in ICMP_KEYS)) {
    throw new EncodeError(join(path, 'kind'), kind, `${showValue(kind)} is not an ICMP kind (allowed ${Object.keys(ICMP_KEYS).join(', ')})`, 'ICMP kind');
  }
  return { kind, type };
}

function icmpFromJson(v: unknown, path: string, recompute: boolean): IcmpMessageInit {
  const { kind, type } = icmpKindOf(v, path);
  const o = object(v, path, ICMP_KEYS[kind]!);
  derived(o.checksumValid, join(path, 'checksumValid'), 'bool-or-null');
  derived(o.headerLength, join(path, 'headerLength'), 'uint');
  derived(o.extensionLengthValid, join(path, 'extensionLengthValid'), 'bool');
  const base = {
    type,
    code: uint(o.code, 255, join(path, 'code')),
    checksum: recompute ? undefined : uint(o.checksum, 0xffff, join(path, 'checksum')),
  };
  const u16 = (key: string): number | undefined => uint(o[key], 0xffff, join(path, key));
  const u32 = (key: string): number | undefined => uint(o[key], 0xffffffff, join(path, key));
  const quoted = (): QuotedDatagramInit | undefined =>
    o.quoted === undefined ? undefined : quotedFromJson(o.quoted, join(path, 'quoted'));
  const extensions = (): Buffer | null | undefined =>
    o.extensions === null ? null : hex(o.extensions, join(path, 'extensions'));
  const extensionLength = (): number | undefined => (recompute ? undefined : uint(o.extensionLength, 255, join(path, 'extensionLength')));
  switch (kind) {
    case 'echo-request':
    case 'echo-reply':
      return clean({ kind, ...base, identifier: u16('identifier'), sequence: u16('sequence'), data: hex(o.data, join(path, 'data')) });
    case 'destination-unreachable':
      return clean({
        kind,
        ...base,
        nextHopMtu: o.nextHopMtu === null ? null : u16('nextHopMtu'),
        extensionLength: extensionLength(),
        extensions: extensions(),
        unused: u32('unused'),
        quoted: quoted(),
      });
    case 'time-exceeded':
      return clean({ kind, ...base, extensionLength: extensionLength(), extensions: extensions(), unused: u32('unused'), quoted: quoted() });
    case 'parameter-problem':
      return clean({
        kind,
        ...base,
        pointer: uint(o.pointer, 255, join(path, 'pointer')),
        extensionLength: extensionLength(),
        extensions: extensions(),
        unused: u32('unused'),
        quoted: quoted(),
      });
    case 'redirect':
      return clean({ kind, ...base, gateway: address(o.gateway, join(path, 'gateway')), quoted: quoted() });
    case 'source-quench':
      return clean({ kind, ...base, unused: u32('unused'), quoted: quoted() });
    case 'timestamp-request':
    case 'timestamp-reply':
      return clean({
        kind,
        ...base,
        identifier: u16('identifier'),
        sequence: u16('sequence'),
        originate: u32('originate'),
        receive: u32('receive'),
        transmit: u32('transmit'),
        data: hex(o.data, join(path, 'data')),
      });
    default: {
      if (type === undefined) throw new EncodeError(join(path, 'type'), undefined, 'missing: kind "unknown" needs a type (0-255)', '0-255');
      const restOfHeader = hex(o.restOfHeader, join(path, 'restOfHeader'));
      if (restOfHeader !== undefined && restOfHeader.length !== 4) {
        throw new EncodeError(join(path, 'restOfHeader'), o.restOfHeader, `${restOfHeader.length} bytes; the rest of the header is exactly 4`, '4 bytes');
      }
      return clean({ kind: 'unknown' as const, ...base, type, restOfHeader, data: hex(o.data, join(path, 'data')) });
    }
  }
}

function quotedFromJson(v: unknown, path: string): QuotedDatagramInit {
  const o = object(v, path, ['ip', 'payload', 'udp', 'tcp', 'icmp']);
  if (o.ip === undefined) throw new EncodeError(join(path, 'ip'), undefined, 'missing: the quoted IPv4 header {src, dst, protocol, ...}', 'an object');
  const ip = ipFromJson(o.ip, join(path, 'ip'), false, true);
  const udpPath = join(path, 'udp');
  const tcpPath = join(path, 'tcp');
  const icmpPath = join(path, 'icmp');
  let udp: QuotedDatagramInit['udp'] = o.udp === null ? null : undefined;
  if (o.udp !== undefined && o.udp !== null) {
    const u = object(o.udp, udpPath, ['srcPort', 'dstPort', 'length', 'checksum']);
    udp = clean({
      srcPort: need(uint(u.srcPort, 0xffff, join(udpPath, 'srcPort')), 0xffff, join(udpPath, 'srcPort')),
      dstPort: need(uint(u.dstPort, 0xffff, join(udpPath, 'dstPort')), 0xffff, join(udpPath, 'dstPort')),
      length: uint(u.length, 0xffff, join(udpPath, 'length')),
      checksum: uint(u.checksum, 0xffff, join(udpPath, 'checksum')),
    });
  }
  let tcp: QuotedDatagramInit['tcp'] = o.tcp === null ? null : undefined;
  if (o.tcp !== undefined && o.tcp !== null) {
    const t = object(o.tcp, tcpPath, ['srcPort', 'dstPort', 'sequence']);
    tcp = clean({
      srcPort: need(uint(t.srcPort, 0xffff, join(tcpPath, 'srcPort')), 0xffff, join(tcpPath, 'srcPort')),
      dstPort: need(uint(t.dstPort, 0xffff, join(tcpPath, 'dstPort')), 0xffff, join(tcpPath, 'dstPort')),
      sequence: uint(t.sequence, 0xffffffff, join(tcpPath, 'sequence')),
    });
  }
  let icmp: QuotedDatagramInit['icmp'] = o.icmp === null ? null : undefined;
  if (o.icmp !== undefined && o.icmp !== null) {
    const c = object(o.icmp, icmpPath, ['type', 'code', 'checksum', 'identifier', 'sequence']);
    icmp = clean({
      type: need(uint(c.type, 255, join(icmpPath, 'type')), 255, join(icmpPath, 'type')),
      code: uint(c.code, 255, join(icmpPath, 'code')),
      checksum: uint(c.checksum, 0xffff, join(icmpPath, 'checksum')),
      identifier: uint(c.identifier, 0xffff, join(icmpPath, 'identifier')),
      sequence: uint(c.sequence, 0xffff, join(icmpPath, 'sequence')),
    });
  }
  return clean({ ip, payload: hex(o.payload, join(path, 'payload')), udp, tcp, icmp });
}

// ---- udp / tcp --------------------------------------------------------------------------------------

/** srcPort and dstPort, both required; both are type-checked before either is reported missing. */
function requiredPorts(o: Obj, path: string): { srcPort: number; dstPort: number } {
  const srcPort = uint(o.srcPort, 0xffff, join(path, 'srcPort'));
  const dstPort = uint(o.dstPort, 0xffff, join(path, 'dstPort'));
  return { srcPort: need(srcPort, 0xffff, join(path, 'srcPort')), dstPort: need(dstPort, 0xffff, join(path, 'dstPort')) };
}

function udpFromJson(v: unknown, path: string, recompute: boolean): UdpHeaderInit {
  const o = object(v, path, ['srcPort', 'dstPort', 'length', 'checksum', 'checksumValid', 'checksumPresent', 'headerLength']);
  derived(o.checksumValid, join(path, 'checksumValid'), 'bool-or-null');
  derived(o.checksumPresent, join(path, 'checksumPresent'), 'bool');
  derived(o.headerLength, join(path, 'headerLength'), 'uint');
  const { srcPort, dstPort } = requiredPorts(o, path);
  return clean({
    srcPort,
    dstPort,
    ...uints(o, path, { length: computedMax(recompute, 0xffff), checksum: computedMax(recompute, 0xffff) }),
  });
}

function tcpFromJson(v: unknown, path: string, recompute: boolean): TcpHeaderInit {
  const o = object(v, path, [
    'srcPort', 'dstPort', 'sequence', 'acknowledgment', 'dataOffset', 'headerLength', 'reserved', 'flags',
    'window', 'checksum', 'checksumValid', 'urgentPointer', 'options',
  ]);
  derived(o.checksumValid, join(path, 'checksumValid'), 'bool-or-null');
  derived(o.headerLength, join(path, 'headerLength'), 'uint');
  const { srcPort, dstPort } = requiredPorts(o, path);
  let flags: TcpHeaderInit['flags'];
  if (o.flags !== undefined) {
    const f = object(o.flags, join(path, 'flags'), TCP_FLAGS);
    flags = {};
    for (const name of TCP_FLAGS) {
      const b = bool(f[name], join(path, `flags.${name}`));
      if (b !== undefined) flags[name] = b;
    }
  }
  const options = hex(o.options, join(path, 'options'));
  if (options !== undefined && options.length > 40) {
    throw new EncodeError(join(path, 'options'), o.options, `${options.length} bytes of options do not fit the 40 a TCP header can hold`, '0-40 bytes');
  }
  const computed = (max: number): number | null => computedMax(recompute, max);
  return clean({
    srcPort,
    dstPort,
    ...uints(o, path, { sequence: 0xffffffff, acknowledgment: 0xffffffff, dataOffset: computed(15), reserved: 7, window: 0xffff, checksum: computed(0xffff), urgentPointer: 0xffff }),
    flags,
    options,
  });
}

// ---- packet -----------------------------------------------------------------------------------------

/**
 * A PacketInit from parsed JSON (what packetToJson printed, or a subset). Throws EncodeError
 * naming the JSON path of the first bad field. The result can go straight to encodePacket.
 */
export function packetInitFromJson(obj: unknown, options: FromJsonOptions = {}): PacketInit {
  const path = options.path ?? '';
  const recompute = options.recompute === true;
  const o = object(obj, path, ['ip', 'icmp', 'udp', 'tcp', 'payload', 'truncated', 'bytes']);
  derived(o.truncated, join(path, 'truncated'), 'bool');
  derived(o.bytes, join(path, 'bytes'), 'uint');
  if (o.ip === undefined) throw new EncodeError(join(path, 'ip'), undefined, 'missing: an IPv4 header {src, dst, ...} is required', 'an object');
  const transports = (['icmp', 'udp', 'tcp'] as const).filter((k) => o[k] !== undefined && o[k] !== null);
  if (transports.length > 1) {
    throw new EncodeError(join(path, transports[1]!), o[transports[1]!], `give at most one of icmp, udp, tcp (got ${transports.join(' and ')})`, 'one of icmp, udp, tcp');
  }
  const ip = ipFromJson(o.ip, join(path, 'ip'), recompute, transports.length === 0);
  const init: PacketInit = { ip };
  if (o.icmp !== undefined && o.icmp !== null) init.icmp = icmpFromJson(o.icmp, join(path, 'icmp'), recompute);
  if (o.udp !== undefined && o.udp !== null) init.udp = udpFromJson(o.udp, join(path, 'udp'), recompute);
  if (o.tcp !== undefined && o.tcp !== null) init.tcp = tcpFromJson(o.tcp, join(path, 'tcp'), recompute);
  const payload = hex(o.payload, join(path, 'payload'));
  if (payload !== undefined) init.payload = payload;
  return init;
}
