// IPv6 packets as JSON, both ways, in the style of json.ts for IPv4: packet6ToJson prints every
// decoded field (Buffers as lowercase hex, null kept); packet6InitFromJson reads that shape, or
// any hand-written subset of it, back into a Packet6Init for encodePacket6. The shape is declared
// once below (json-shape.ts reads it): errors name the JSON path, unknown keys are errors,
// derived keys are dropped, computed keys are written as given unless `recompute` drops them.
// The packet quoted by an ICMPv6 error describes another packet: it is never recomputed.

import { jsonify, type FromJsonOptions, type Jsonified } from './json.js';
import {
  ADDR6,
  BOOL,
  computed,
  DERIVED,
  DERIVED_BOOL,
  DERIVED_UINT,
  DERIVED_VALID,
  HEX,
  join,
  nullable,
  readField,
  readShape,
  required,
  uint,
  U16,
  U32,
  U8,
  type Field,
  type Shape,
} from './json-shape.js';
import { EncodeError } from './errors.js';
import { kindOf } from './icmpv6-codes.js';
import { FLAG_NAMES } from './tcp.js';
import type { Packet6, Packet6Init } from './packet6.js';

export type Packet6Json = Jsonified<Packet6>;

export function packet6ToJson(p: Packet6): Packet6Json {
  return jsonify(p);
}

// ---- the shape ------------------------------------------------------------------------------------

const IP: Shape = {
  version: uint(15),
  trafficClass: U8,
  dscp: uint(63),
  ecn: uint(3),
  flowLabel: uint(0xfffff),
  payloadLength: computed(U16),
  nextHeader: computed(U8),
  hopLimit: U8,
  src: required(ADDR6),
  dst: required(ADDR6),
  headerLength: DERIVED_UINT,
};

const OPTION_COMMON: Shape = { kind: DERIVED, type: U8, length: computed(U8) };
const OPTION: Field = {
  t: 'kinds',
  what: 'an IPv6 option',
  kinds: {
    pad1: { kind: DERIVED, type: U8 },
    padn: { ...OPTION_COMMON, data: HEX },
    'router-alert': { ...OPTION_COMMON, value: U16 },
    'jumbo-payload': { ...OPTION_COMMON, jumboLength: U32 },
    unknown: { ...OPTION_COMMON, type: required(U8), data: HEX, action: DERIVED_UINT, mayChange: DERIVED_BOOL },
  },
};

const EXT_COMMON: Shape = { kind: DERIVED, nextHeader: computed(U8), headerLength: DERIVED_UINT };
const OPTIONS_HEADER: Shape = { ...EXT_COMMON, headerExtLength: computed(U8), options: { t: 'array', of: OPTION } };
const EXTENSION: Field = {
  t: 'kinds',
  what: 'an IPv6 extension header',
  kinds: {
    'hop-by-hop': OPTIONS_HEADER,
    'destination-options': OPTIONS_HEADER,
    routing: {
      ...EXT_COMMON,
      headerExtLength: computed(U8),
      routingType: required(U8),
      segmentsLeft: U8,
      reserved: nullable(U32),
      addresses: nullable({ t: 'array', of: ADDR6 }),
      srh: nullable({ t: 'object', shape: { lastEntry: computed(U8), flags: U8, tag: U16, tlvs: HEX } }),
      rpl: nullable({ t: 'object', shape: { cmprI: uint(15), cmprE: uint(15), pad: uint(15) } }),
      data: nullable(HEX),
    },
    fragment: { ...EXT_COMMON, reserved: U8, fragmentOffset: uint(0x1fff), fragmentOffsetBytes: DERIVED_UINT, res: uint(3), mf: BOOL, identification: U32 },
    ah: { ...EXT_COMMON, payloadLength: computed(U8), reserved: U16, spi: U32, sequence: U32, icv: HEX },
    esp: { kind: DERIVED, nextHeader: DERIVED, headerLength: DERIVED_UINT, spi: U32, sequence: U32 },
  },
};
const EXTENSIONS: Field = { t: 'array', of: EXTENSION };

const LINK_LAYER: Field = { t: 'text', pattern: /^[0-9a-fA-F]{2}([:-][0-9a-fA-F]{2})*$/, help: 'a link-layer address like 52:54:00:12:34:56', req: true };
const ND_COMMON: Shape = { kind: DERIVED, type: U8, length: computed(U8) };
const ND_OPTION: Field = {
  t: 'kinds',
  what: 'an ND option',
  kinds: {
    'source-link-layer-address': { ...ND_COMMON, address: LINK_LAYER },
    'target-link-layer-address': { ...ND_COMMON, address: LINK_LAYER },
    'prefix-information': {
      ...ND_COMMON,
      prefixLength: U8,
      onLink: BOOL,
      autonomous: BOOL,
      routerAddress: BOOL,
      reserved1: uint(31),
      validLifetime: U32,
      preferredLifetime: U32,
      reserved2: U32,
      prefix: required(ADDR6),
    },
    'redirected-header': { ...ND_COMMON, reserved: HEX, data: HEX, quoted: DERIVED },
    mtu: { ...ND_COMMON, reserved: U16, mtu: required(U32) },
    nonce: { ...ND_COMMON, nonce: required(HEX) },
    rdnss: { ...ND_COMMON, reserved: U16, lifetime: U32, servers: required({ t: 'array', of: ADDR6 }) },
    unknown: { ...ND_COMMON, type: required(U8), data: HEX },
  },
};
const ND_OPTIONS: Field = { t: 'array', of: ND_OPTION };

const QUOTED: Field = {
  t: 'object',
  recompute: false,
  shape: {
    ip: required({ t: 'object', shape: IP }),
    extensions: EXTENSIONS,
    upperLayer: DERIVED,
    chainComplete: DERIVED_BOOL,
    payload: HEX,
    udp: nullable({ t: 'object', shape: { srcPort: required(U16), dstPort: required(U16), length: U16, checksum: U16 } }),
    tcp: nullable({ t: 'object', shape: { srcPort: required(U16), dstPort: required(U16), sequence: U32 } }),
    icmpv6: nullable({ t: 'object', shape: { type: required(U8), code: U8, checksum: U16, identifier: U16, sequence: U16 } }),
  },
};

const ICMP_COMMON: Shape = { kind: DERIVED, type: U8, code: U8, checksum: computed(U16), checksumValid: DERIVED_VALID, headerLength: DERIVED_UINT };
const RFC4884: Shape = {
  ...ICMP_COMMON,
  extensionLength: computed(U8),
  extensionLengthValid: DERIVED_BOOL,
  unused: uint(0xffffff),
  extensions: nullable(HEX),
  extensionStructure: DERIVED,
  quoted: QUOTED,
};
const ECHO: Shape = { ...ICMP_COMMON, identifier: U16, sequence: U16, data: HEX };
const MLD_V1: Shape = { ...ICMP_COMMON, maxResponseDelay: U16, reserved: U16, multicastAddress: required(ADDR6), data: HEX };
const RECORD: Field = {
  t: 'object',
  shape: {
    recordType: required(U8),
    auxDataLength: computed(U8),
    numberOfSources: computed(U16),
    multicastAddress: required(ADDR6),
    sources: { t: 'array', of: ADDR6 },
    auxData: HEX,
  },
};
const ICMPV6: Field = {
  t: 'kinds',
  what: 'an ICMPv6 message',
  kindOfType: kindOf,
  kinds: {
    'echo-request': ECHO,
    'echo-reply': ECHO,
    'destination-unreachable': RFC4884,
    'time-exceeded': RFC4884,
    'packet-too-big': { ...ICMP_COMMON, mtu: U32, quoted: QUOTED },
    'parameter-problem': { ...ICMP_COMMON, pointer: U32, quoted: QUOTED },
    'router-solicitation': { ...ICMP_COMMON, reserved: U32, options: ND_OPTIONS },
    'router-advertisement': {
      ...ICMP_COMMON,
      curHopLimit: U8,
      flags: { t: 'object', shape: { managed: BOOL, other: BOOL, homeAgent: BOOL, proxy: BOOL } },
      preference: uint(3),
      reserved: uint(3),
      routerLifetime: U16,
      reachableTime: U32,
      retransTimer: U32,
      options: ND_OPTIONS,
    },
    'neighbor-solicitation': { ...ICMP_COMMON, reserved: U32, target: required(ADDR6), options: ND_OPTIONS },
    'neighbor-advertisement': {
      ...ICMP_COMMON,
      flags: { t: 'object', shape: { router: BOOL, solicited: BOOL, override: BOOL } },
      reserved: uint(0x1fffffff),
      target: required(ADDR6),
      options: ND_OPTIONS,
    },
    redirect: { ...ICMP_COMMON, reserved: U32, target: required(ADDR6), destination: required(ADDR6), options: ND_OPTIONS },
    'mld-query': {
      ...ICMP_COMMON,
      version: { t: 'oneOf', values: [1, 2] },
      maxResponseCode: U16,
      maxResponseDelay: DERIVED_UINT,
      reserved: U16,
      multicastAddress: ADDR6,
      flagsReserved: nullable(uint(15)),
      suppressRouterProcessing: nullable(BOOL),
      qrv: nullable(uint(7)),
      qqic: nullable(U8),
      queryInterval: DERIVED,
      numberOfSources: nullable(computed(U16)),
      sources: nullable({ t: 'array', of: ADDR6 }),
      data: HEX,
    },
    'mld-report': MLD_V1,
    'mld-done': MLD_V1,
    'mldv2-report': { ...ICMP_COMMON, reserved: U16, numberOfRecords: computed(U16), records: { t: 'array', of: RECORD }, data: HEX },
    unknown: { ...ICMP_COMMON, type: required(U8), data: HEX },
  },
};

const UDP: Shape = {
  srcPort: required(U16),
  dstPort: required(U16),
  length: computed(U16),
  checksum: computed(U16),
  checksumValid: DERIVED_VALID,
  checksumPresent: DERIVED_BOOL,
  headerLength: DERIVED_UINT,
};
const TCP_FLAGS: Shape = Object.fromEntries(FLAG_NAMES.map((k) => [k, BOOL]));
const TCP: Shape = {
  srcPort: required(U16),
  dstPort: required(U16),
  sequence: U32,
  acknowledgment: U32,
  dataOffset: computed(uint(15)),
  headerLength: DERIVED_UINT,
  reserved: uint(7),
  flags: { t: 'object', shape: TCP_FLAGS },
  window: U16,
  checksum: computed(U16),
  checksumValid: DERIVED_VALID,
  urgentPointer: U16,
  options: { t: 'hex', maxBytes: 40 },
};

const PACKET: Shape = {
  ip: required({ t: 'object', shape: IP }),
  extensions: EXTENSIONS,
  icmpv6: nullable(ICMPV6),
  udp: nullable({ t: 'object', shape: UDP }),
  tcp: nullable({ t: 'object', shape: TCP }),
  payload: HEX,
  truncated: DERIVED_BOOL,
  bytes: DERIVED_UINT,
};

/**
 * A Packet6Init from parsed JSON (what packet6ToJson printed, or a subset). Throws EncodeError
 * naming the JSON path of the first bad field. The result can go straight to encodePacket6.
 */
export function packet6InitFromJson(obj: unknown, options: FromJsonOptions = {}): Packet6Init {
  const path = options.path ?? '';
  const o = readShape(obj, PACKET, path, options.recompute === true);
  const uppers = (['icmpv6', 'udp', 'tcp'] as const).filter((k) => o[k] !== undefined && o[k] !== null);
  if (uppers.length > 1) {
    throw new EncodeError(join(path, uppers[1]!), o[uppers[1]!], `give at most one of icmpv6, udp, tcp (got ${uppers.join(' and ')})`, 'one of icmpv6, udp, tcp');
  }
  for (const k of ['icmpv6', 'udp', 'tcp'] as const) if (o[k] === null) delete o[k];
  return o as unknown as Packet6Init;
}

/** One IPv6 header from JSON (e.g. for `send` flags merged with a JSON header). */
export function ipv6HeaderInitFromJson(obj: unknown, options: FromJsonOptions = {}): Packet6Init['ip'] {
  return readField(obj, required({ t: 'object', shape: IP }), options.path ?? 'ip', options.recompute === true) as Packet6Init['ip'];
}
