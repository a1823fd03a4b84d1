// Property tests (fast-check): round trips for every type, and "bytes in, Packet or DecodeError
// out, nothing else" for random and mutated input. Crashers found along the way are kept in
// REGRESSIONS at the bottom and replayed on every run.

import test from 'ava';
import fc from 'fast-check';
import * as icmpv4 from '../../lib/wire/icmpv4.js';
import type { IcmpMessageInit } from '../../lib/wire/icmpv4.js';
import * as ipv4 from '../../lib/wire/ipv4.js';
import type { Ipv4HeaderInit } from '../../lib/wire/ipv4.js';
import type { Ipv4Option, Ipv4OptionInit } from '../../lib/wire/ipv4-options.js';
import { jsonify, packetInitFromJson } from '../../lib/wire/json.js';
import { decodePacket, encodePacket, type Packet, type PacketInit } from '../../lib/wire/packet.js';
import { VECTORS } from './vectors.js';
import { assertRegressions, assertRoundTrip, decodeOnly, robustnessTests, RUNS, u8, type FuzzCodec, type Regression } from './fuzz.js';


const bytes = (max: number) => fc.uint8Array({ maxLength: max }).map((u) => Buffer.from(u));
const u16 = fc.integer({ min: 0, max: 0xffff });
const u32 = fc.integer({ min: 0, max: 0xffffffff });
const KNOWN_OPTION_TYPES = new Set([0, 1, 7, 68, 130, 131, 137, 148]);

const option: fc.Arbitrary<Ipv4OptionInit> = fc.oneof(
  fc.constant({ kind: 'nop' as const }),
  fc.record({
    kind: fc.constantFrom('record-route' as const, 'loose-source-route' as const, 'strict-source-route' as const),
    pointer: u8,
    addresses: fc.array(fc.ipV4(), { maxLength: 4 }),
  }),
  fc.integer({ min: 0, max: 15 }).chain((flag) =>
    fc.record({
      kind: fc.constant('timestamp' as const),
      pointer: u8,
      overflow: fc.integer({ min: 0, max: 15 }),
      flag: fc.constant(flag),
      entries: fc.array(
        fc.record({ address: flag === 1 || flag === 3 ? fc.ipV4() : fc.constant(null), timestamp: u32 }),
        { maxLength: 3 },
      ),
    }),
  ),
  fc.record({ kind: fc.constant('router-alert' as const), value: u16 }),
  fc.record({ kind: fc.constant('security' as const), classification: u8, protection: bytes(6) }),
  fc.record({
    kind: fc.constant('unknown' as const),
    type: fc.integer({ min: 2, max: 255 }).filter((x) => !KNOWN_OPTION_TYPES.has(x)),
    data: bytes(6),
  }),
);

function optionSize(o: Ipv4OptionInit): number {
  switch (o.kind) {
    case 'nop':
      return 1;
    case 'end':
      return 1 + (o.padding?.length ?? 0);
    case 'record-route':
    case 'loose-source-route':
    case 'strict-source-route':
      return 3 + 4 * (o.addresses?.length ?? 0);
    case 'timestamp':
      return 4 + (o.flag === 1 || o.flag === 3 ? 8 : 4) * (o.entries?.length ?? 0);
    case 'router-alert':
      return 4;
    case 'security':
      return 3 + (o.protection?.length ?? 0);
    case 'unknown':
      return 2 + (o.data?.length ?? 0);
  }
}

/** Options that fit in 40 bytes, closed with an end-of-list option when padding is needed. */
const options = fc
  .array(option, { maxLength: 5 })
  .chain((list) => {
    const kept: Ipv4OptionInit[] = [];
    let n = 0;
    for (const o of list) {
      if (n + optionSize(o) > 39) break;
      kept.push(o);
      n += optionSize(o);
    }
    const pad = (4 - (n % 4)) % 4;
    if (pad === 0) return fc.constant(kept);
    return fc.uint8Array({ minLength: pad - 1, maxLength: pad - 1 }).map((p) => [...kept, { kind: 'end' as const, padding: Buffer.from(p) }]);
  });

const ipHeader = (protocol: fc.Arbitrary<number>): fc.Arbitrary<Ipv4HeaderInit> =>
  fc.record(
    {
      tos: u8,
      id: u16,
      flags: fc.record({ reserved: fc.boolean(), df: fc.boolean(), mf: fc.boolean() }),
      fragmentOffset: fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 0x1fff })),
      ttl: u8,
      protocol,
      src: fc.ipV4(),
      dst: fc.ipV4(),
      options,
      totalLength: u16,
      checksum: u16,
    },
    { requiredKeys: ['src', 'dst', 'protocol', 'tos', 'id', 'ttl', 'flags', 'fragmentOffset'] },
  );

const quoted = fc.record(
  {
    ip: ipHeader(fc.constantFrom(1, 6, 17, 47)),
    payload: bytes(24),
  },
  { requiredKeys: ['ip', 'payload'] },
);

const errorFields = {
  code: u8,
  quoted,
  extensions: fc.option(bytes(12), { nil: null }),
};

const icmp: fc.Arbitrary<IcmpMessageInit> = fc.oneof(
  fc.record({ kind: fc.constantFrom('echo-request' as const, 'echo-reply' as const), code: u8, identifier: u16, sequence: u16, data: bytes(32) }),
  fc.record(errorFields).chain((e) =>
    fc.record({
      kind: fc.constant('destination-unreachable' as const),
      code: fc.constant(e.code),
      quoted: fc.constant(e.quoted),
      extensions: fc.constant(e.extensions),
      nextHopMtu: e.code === 4 ? u16 : fc.constant(null),
      unused: e.code === 4 ? u8.map((x) => x * 0x1000000) : u32.map((x) => (x & 0xff00ffff) >>> 0),
    }),
  ),
  fc.record({ kind: fc.constant('time-exceeded' as const), ...errorFields, unused: u32.map((x) => (x & 0xff00ffff) >>> 0) }),
  fc.record({ kind: fc.constant('parameter-problem' as const), ...errorFields, pointer: u8, unused: u16 }),
  fc.record({ kind: fc.constant('redirect' as const), code: u8, gateway: fc.ipV4(), quoted }),
  fc.record({ kind: fc.constant('source-quench' as const), code: u8, unused: u32, quoted }),
  fc.record({
    kind: fc.constantFrom('timestamp-request' as const, 'timestamp-reply' as const),
    code: u8,
    identifier: u16,
    sequence: u16,
    originate: u32,
    receive: u32,
    transmit: u32,
    data: bytes(4),
  }),
  fc.record({
    kind: fc.constant('unknown' as const),
    type: u8.filter((x) => ![0, 3, 4, 5, 8, 11, 12, 13, 14].includes(x)),
    code: u8,
    restOfHeader: fc.uint8Array({ minLength: 4, maxLength: 4 }).map((u) => Buffer.from(u)),
    data: bytes(16),
  }),
);

const udp = fc.record({ srcPort: u16, dstPort: u16 });
const tcp = fc.record({
  srcPort: u16,
  dstPort: u16,
  sequence: u32,
  acknowledgment: u32,
  reserved: fc.integer({ min: 0, max: 7 }),
  flags: fc.record({
    ns: fc.boolean(),
    cwr: fc.boolean(),
    ece: fc.boolean(),
    urg: fc.boolean(),
    ack: fc.boolean(),
    psh: fc.boolean(),
    rst: fc.boolean(),
    syn: fc.boolean(),
    fin: fc.boolean(),
  }),
  window: u16,
  urgentPointer: u16,
  options: fc.integer({ min: 0, max: 10 }).chain((w) => fc.uint8Array({ minLength: w * 4, maxLength: w * 4 }).map((u) => Buffer.from(u))),
});

/** A packet init with the computed fields (lengths, checksums) left out. */
const packetInit: fc.Arbitrary<PacketInit> = fc
  .oneof(
    fc.record({ t: fc.constant('icmp' as const), icmp }),
    fc.record({ t: fc.constant('udp' as const), udp, payload: bytes(40) }),
    fc.record({ t: fc.constant('tcp' as const), tcp, payload: bytes(40) }),
    fc.record({ t: fc.constant('raw' as const), protocol: fc.constantFrom(0, 2, 47, 50, 132, 253), payload: bytes(40) }),
  )
  .chain((tr) =>
    ipHeader(fc.constant(0)).map((ip) => {
      const { totalLength: _l, checksum: _c, protocol: _p, ...rest } = ip;
      // Transport headers are decoded only from whole first fragments.
      const header = { ...rest, fragmentOffset: 0, flags: { ...ip.flags, mf: false } };
      switch (tr.t) {
        case 'icmp':
          return { ip: header, icmp: tr.icmp };
        case 'udp':
          return { ip: header, udp: tr.udp, payload: tr.payload };
        case 'tcp':
          return { ip: header, tcp: tr.tcp, payload: tr.payload };
        default:
          return { ip: { ...rest, protocol: tr.protocol }, payload: tr.payload };
      }
    }),
  );

/** Every field given in the option inits came back in the decoded options. */
function sameOptions(given: readonly Ipv4OptionInit[], got: readonly Ipv4Option[]): boolean {
  if (given.length !== got.length) return false;
  return given.every((g, i) => {
    const d = got[i]!;
    if (g.kind !== d.kind) return false;
    const want = JSON.parse(JSON.stringify(jsonify(g)));
    const have = JSON.parse(JSON.stringify(jsonify(d)));
    return Object.keys(want).every((k) => JSON.stringify(want[k]) === JSON.stringify(have[k]));
  });
}

const CODEC: FuzzCodec<Packet> = {
  decodeWhole: (b) => decodePacket(b),
  decode: (buf, offset, length) => decodePacket(buf, offset, length),
  encode: (init) => encodePacket(init as PacketInit),
  fromJson: (json) => packetInitFromJson(json),
};

test('decode(encode(x)) keeps every field given; the result re-encodes to the same bytes', (t) => {
  assertRoundTrip(CODEC, packetInit, (init, p, bytes) => {
    // Fields the caller gave come back as given.
    if (p.ip.src !== init.ip.src || p.ip.dst !== init.ip.dst || p.ip.ttl !== init.ip.ttl || p.ip.tos !== init.ip.tos) return false;
    if (p.ip.id !== init.ip.id || p.ip.flags.df !== init.ip.flags!.df || p.ip.flags.reserved !== init.ip.flags!.reserved) return false;
    if (!sameOptions(init.ip.options ?? [], p.ip.options)) return false;
    // Computed fields hold.
    if (!p.ip.checksumValid || p.truncated || p.bytes !== bytes.length || p.ip.totalLength !== bytes.length) return false;
    if (init.udp && (p.udp?.srcPort !== init.udp.srcPort || p.udp.dstPort !== init.udp.dstPort || !p.udp.checksumValid)) return false;
    if (init.tcp && (!p.tcp || p.tcp.sequence !== init.tcp.sequence || p.tcp.window !== init.tcp.window || !p.tcp.checksumValid)) return false;
    if (init.tcp && !p.tcp!.options.equals(init.tcp.options!)) return false;
    if (init.icmp && (p.icmp?.kind !== init.icmp.kind || p.icmp.code !== init.icmp.code || !p.icmp.checksumValid)) return false;
    return !(init.payload && !init.icmp && !p.payload.equals(init.payload));
  });
  t.pass();
});

test('ICMP fields survive: quoted datagram, RFC 4884 extensions, rest-of-header fields', (t) => {
  fc.assert(
    fc.property(ipHeader(fc.constant(1)), icmp, (ip, message) => {
      const init: PacketInit = { ip: { src: ip.src, dst: ip.dst }, icmp: message };
      const m = decodePacket(encodePacket(init)).icmp!;
      const sent = message as unknown as Record<string, unknown>;
      const got = m as unknown as Record<string, unknown>;
      for (const key of ['identifier', 'sequence', 'pointer', 'gateway', 'nextHopMtu', 'unused', 'originate', 'receive', 'transmit']) {
        if (key in sent && sent[key] !== got[key]) return false;
      }
      for (const key of ['data', 'restOfHeader']) {
        if (key in sent && !(got[key] as Buffer).equals(sent[key] as Buffer)) return false;
      }
      if ('quoted' in message && message.quoted && 'quoted' in m) {
        const q = message.quoted;
        if (m.quoted.ip.src !== q.ip.src || m.quoted.ip.id !== q.ip.id) return false;
        if (q.ip.totalLength !== undefined && m.quoted.ip.totalLength !== q.ip.totalLength) return false;
        if (q.ip.checksum !== undefined && m.quoted.ip.checksum !== q.ip.checksum) return false;
        if (!sameOptions(q.ip.options ?? [], m.quoted.ip.options)) return false;
        // The quoted bytes are all there (plus 32-bit padding when extensions follow).
        if (!m.quoted.payload.subarray(0, q.payload!.length).equals(q.payload!)) return false;
      }
      if ('extensions' in message && 'extensions' in m) {
        if (message.extensions === null) return m.extensions === null && m.extensionLength === 0;
        return m.extensions !== null && m.extensions.equals(message.extensions!);
      }
      return true;
    }),
    { numRuns: RUNS },
  );
  t.pass();
});

test('any RFC 4884 length byte: it splits the body when it fits, else the body is all quoted and the length flagged; same bytes back', (t) => {
  const kinds = ['destination-unreachable', 'time-exceeded', 'parameter-problem'] as const;
  fc.assert(
    fc.property(
      fc.constantFrom(...kinds),
      quoted,
      bytes(40),
      fc.nat(),
      fc.nat(),
      (kind, q, tail, pickLength, at) => {
        // An error message without extensions, more body bytes after the quoted datagram, then
        // its length byte set to 0 or to anything from the quoted header's length up (a shorter
        // one cuts the quoted header: a DecodeError, tested elsewhere).
        const message = Buffer.concat([icmpv4.encode({ kind, quoted: q }), tail]);
        const headerWords = Math.ceil(ipv4.encodingLength(q.ip) / 4);
        const length = pickLength % 3 === 0 ? 0 : headerWords + (pickLength % (256 - headerWords));
        message[icmpv4.FIELD.LENGTH] = length;
        const body = message.length - icmpv4.HEADER_LENGTH;
        const offset = at % 9;
        const buf = Buffer.alloc(offset + message.length + 3, 0xa5);
        message.copy(buf, offset);
        const m = icmpv4.decode(buf, offset, message.length);
        if (m.kind !== kind) return false;
        const quotedBytes = m.quoted.ip.headerLength + m.quoted.payload.length;
        if (m.extensionLength !== length) return false;
        if (length === 0 || length * 4 > body) {
          // RFC 4884 section 5: as if there were no extension structure.
          if (m.extensionLengthValid !== (length === 0) || m.extensions !== null || quotedBytes !== body) return false;
        } else if (!m.extensionLengthValid || quotedBytes !== length * 4 || !m.extensions!.equals(message.subarray(8 + length * 4))) {
          return false;
        }
        return icmpv4.encode(m).equals(message);
      },
    ),
    { numRuns: RUNS },
  );
  t.pass();
});

test('random bytes only ever give a Packet (that re-encodes exactly) or a DecodeError', (t) => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 120 }), (b) => decodeOnly(CODEC, b) === null),
    { numRuns: RUNS * 2 },
  );
  // Random bytes behind a plausible first byte get further into the decoders.
  fc.assert(
    fc.property(fc.integer({ min: 0x45, max: 0x4f }), fc.constantFrom(1, 6, 17, 0x44), fc.uint8Array({ minLength: 19, maxLength: 140 }), (vihl, proto, rest) => {
      const b = Buffer.concat([Buffer.from([vihl]), rest]);
      b[9] = proto;
      b.writeUInt16BE(Math.min(b.length, b.readUInt16BE(2) % 200), 2);
      return decodeOnly(CODEC, b) === null;
    }),
    { numRuns: RUNS * 2 },
  );
  t.pass();
});

const SEEDS = fc.oneof(fc.constantFrom(...VECTORS.map((v) => Buffer.from(v.hex, 'hex'))), packetInit.map((i) => encodePacket(i)));

robustnessTests(
  test,
  {
    mutations: 'mutated and truncated real and generated packets: Packet or DecodeError, never anything else',
    range: 'decoders read only inside the range they are given',
  },
  CODEC,
  SEEDS,
);

// Inputs that once broke a property, kept so they never break again.
// (The fuzzers have not found a crasher yet; these came from reviewing the RFC 4884 path.)
const REGRESSIONS: Regression[] = [
  {
    // Time exceeded with RFC 4884 length 32, cut by snaplen at 100 bytes. The encoder once padded
    // the quoted field up to the promised 128 bytes, so re-encoding grew the packet and the
    // body/payload agreement check threw.
    hex: '450000a8000000004001141fcb007101c63364010b005b9c0020000045000080111100000111421ec6336401cb0071099c40829a006cbb3d4141414141414141414141414141414141414141414141414141414141414141414141414141414141414141',
    why: 'cut RFC 4884 message must re-encode to the same bytes',
  },
  {
    // Same message with its length byte claiming 5 words (20 bytes: the quoted header alone),
    // so everything after it is extension data.
    hex: '450000a8000000004001141fcb007101c63364010b005b9c0005000045000080111100000111421ec6336401cb0071099c40829a006cbb3d414141414141414141414141414141414141414141414141414141414141414141414141414141414141414141414141414141414141414141414141414141414141414141414141414141414141414141414141414141414141414141414141414141412000ddf40008010100010101',
    why: 'RFC 4884 length equal to the quoted header length: empty quoted payload, long extensions',
  },
  {
    // fixtures/packets/icmp-rfc4884-length-past-end.hex: port unreachable whose length byte says
    // 40 words in a 33-byte body. Was a DecodeError; RFC 4884 section 5 reads it as no extensions.
    hex: '45c0003d200500004001e1f2cb007106cb007101030374fc0028000045000021100d00004011f2b6cb007101cb0071069c47829d000d241170726f6265',
    why: 'RFC 4884 length past the end of a whole message: a Packet, the length flagged, same bytes back',
  },
];

test('regression vectors', (t) => {
  assertRegressions(t, CODEC, REGRESSIONS);
  const p = decodePacket(Buffer.from(REGRESSIONS[1]!.hex, 'hex'));
  t.is(p.icmp?.kind === 'time-exceeded' ? p.icmp.quoted.payload.length : -1, 0);
  const past = decodePacket(Buffer.from(REGRESSIONS[2]!.hex, 'hex')).icmp;
  if (past?.kind !== 'destination-unreachable') return t.fail(past?.kind);
  t.false(past.extensionLengthValid);
  t.is(past.extensionLength, 40);
  t.is(past.extensions, null);
  t.is(past.quoted.ip.headerLength + past.quoted.payload.length, 33);
});
