// Property tests for the IPv6 half (fast-check): round trips for every layer kind, and "bytes in,
// Packet6 or DecodeError out, nothing else, never a hang" for random and mutated input.
// Crashers found along the way are kept in REGRESSIONS at the bottom and replayed on every run.
//
// WIRE_FUZZ_RUNS=20000 npx ava dist/test/wire/property6.test.js for a longer hunt.

import test from 'ava';
import fc from 'fast-check';
import type { Icmpv6MessageInit } from '../../lib/wire/icmpv6.js';
import type { Ipv6ExtensionInit } from '../../lib/wire/ipv6-ext.js';
import type { Ipv6OptionInit } from '../../lib/wire/ipv6-options.js';
import { packet6InitFromJson } from '../../lib/wire/json6.js';
import type { NdOptionInit } from '../../lib/wire/ndp-options.js';
import { decodePacket6, encodePacket6, type Packet6, type Packet6Init } from '../../lib/wire/packet6.js';
import { datagrams, listFixtures } from '../fixtures/fixtures.js';
import { assertRegressions, assertRoundTrip, decodeOnly, robustnessTests, RUNS, u8, type FuzzCodec, type Regression } from './fuzz.js';


const bytes = (max: number) => fc.uint8Array({ maxLength: max }).map((u) => Buffer.from(u));
const u16 = fc.integer({ min: 0, max: 0xffff });
const u32 = fc.integer({ min: 0, max: 0xffffffff });
const addr = fc.ipV6();
const KNOWN_OPTIONS = new Set([0, 1, 5, 0xc2]);

const option: fc.Arbitrary<Ipv6OptionInit> = fc.oneof(
  fc.constant({ kind: 'pad1' as const }),
  fc.record({ kind: fc.constant('padn' as const), data: bytes(6) }),
  fc.record({ kind: fc.constant('router-alert' as const), value: u16 }),
  fc.record({ kind: fc.constant('jumbo-payload' as const), jumboLength: u32 }),
  fc.record({ kind: fc.constant('unknown' as const), type: u8.filter((x) => !KNOWN_OPTIONS.has(x)), data: bytes(8) }),
);

const extension: fc.Arbitrary<Ipv6ExtensionInit> = fc.oneof(
  fc.record({ kind: fc.constantFrom('hop-by-hop' as const, 'destination-options' as const), options: fc.array(option, { maxLength: 4 }) }),
  fc.record({ kind: fc.constant('routing' as const), routingType: fc.constantFrom(0, 2), segmentsLeft: u8, addresses: fc.array(addr, { minLength: 1, maxLength: 3 }) }),
  fc.record({
    kind: fc.constant('routing' as const),
    routingType: fc.constant(4),
    segmentsLeft: u8,
    addresses: fc.array(addr, { minLength: 1, maxLength: 3 }),
    srh: fc.record({ flags: u8, tag: u16, tlvs: fc.integer({ min: 0, max: 2 }).chain((w) => fc.uint8Array({ minLength: 8 * w, maxLength: 8 * w }).map((u) => Buffer.from(u))) }),
  }),
  fc.record({ kind: fc.constant('routing' as const), routingType: fc.integer({ min: 5, max: 255 }), segmentsLeft: u8, data: fc.integer({ min: 0, max: 3 }).chain((w) => fc.uint8Array({ minLength: 8 * w + 4, maxLength: 8 * w + 4 }).map((u) => Buffer.from(u))) }),
  fc.record({ kind: fc.constant('fragment' as const), reserved: u8, res: fc.integer({ min: 0, max: 3 }), identification: u32 }),
  fc.record({ kind: fc.constant('ah' as const), spi: u32, sequence: u32, icv: fc.integer({ min: 0, max: 3 }).chain((w) => fc.uint8Array({ minLength: 8 * w + 4, maxLength: 8 * w + 4 }).map((u) => Buffer.from(u))) }),
);

const ndOption: fc.Arbitrary<NdOptionInit> = fc.oneof(
  fc.record({ kind: fc.constantFrom('source-link-layer-address' as const, 'target-link-layer-address' as const), address: fc.uint8Array({ minLength: 6, maxLength: 6 }).map((u) => Buffer.from(u)) }),
  fc.record({ kind: fc.constant('prefix-information' as const), prefixLength: u8, onLink: fc.boolean(), autonomous: fc.boolean(), routerAddress: fc.boolean(), validLifetime: u32, preferredLifetime: u32, prefix: addr }),
  fc.record({ kind: fc.constant('mtu' as const), mtu: u32 }),
  fc.record({ kind: fc.constant('rdnss' as const), lifetime: u32, servers: fc.array(addr, { minLength: 1, maxLength: 2 }) }),
  fc.record({ kind: fc.constant('nonce' as const), nonce: fc.uint8Array({ minLength: 6, maxLength: 6 }).map((u) => Buffer.from(u)) }),
  fc.record({ kind: fc.constant('unknown' as const), type: fc.constantFrom(24, 31, 200), data: fc.uint8Array({ minLength: 6, maxLength: 6 }).map((u) => Buffer.from(u)) }),
);

const quoted = fc.record({
  ip: fc.record({ src: addr, dst: addr, hopLimit: u8, nextHeader: fc.constant(17) }),
  payload: bytes(24),
});

const icmp: fc.Arbitrary<Icmpv6MessageInit> = fc.oneof(
  fc.record({ kind: fc.constantFrom('echo-request' as const, 'echo-reply' as const), code: u8, identifier: u16, sequence: u16, data: bytes(32) }),
  fc.record({ kind: fc.constantFrom('destination-unreachable' as const, 'time-exceeded' as const), code: u8, unused: fc.integer({ min: 0, max: 0xffffff }), quoted, extensions: fc.option(bytes(12), { nil: null }) }),
  fc.record({ kind: fc.constant('packet-too-big' as const), code: u8, mtu: u32, quoted }),
  fc.record({ kind: fc.constant('parameter-problem' as const), code: u8, pointer: u32, quoted }),
  fc.record({ kind: fc.constant('router-solicitation' as const), reserved: u32, options: fc.array(ndOption, { maxLength: 3 }) }),
  fc.record({
    kind: fc.constant('router-advertisement' as const),
    curHopLimit: u8,
    flags: fc.record({ managed: fc.boolean(), other: fc.boolean(), homeAgent: fc.boolean(), proxy: fc.boolean() }),
    preference: fc.integer({ min: 0, max: 3 }),
    routerLifetime: u16,
    reachableTime: u32,
    retransTimer: u32,
    options: fc.array(ndOption, { maxLength: 3 }),
  }),
  fc.record({ kind: fc.constant('neighbor-solicitation' as const), target: addr, options: fc.array(ndOption, { maxLength: 2 }) }),
  fc.record({ kind: fc.constant('neighbor-advertisement' as const), flags: fc.record({ router: fc.boolean(), solicited: fc.boolean(), override: fc.boolean() }), target: addr, options: fc.array(ndOption, { maxLength: 2 }) }),
  fc.record({ kind: fc.constant('redirect' as const), target: addr, destination: addr, options: fc.array(ndOption, { maxLength: 2 }) }),
  fc.record({ kind: fc.constant('mld-query' as const), version: fc.constant(2 as const), maxResponseCode: u16, multicastAddress: addr, suppressRouterProcessing: fc.boolean(), qrv: fc.integer({ min: 0, max: 7 }), qqic: u8, sources: fc.array(addr, { maxLength: 2 }) }),
  fc.record({ kind: fc.constantFrom('mld-report' as const, 'mld-done' as const), maxResponseDelay: u16, multicastAddress: addr }),
  fc.record({
    kind: fc.constant('mldv2-report' as const),
    records: fc.array(fc.record({ recordType: u8, multicastAddress: addr, sources: fc.array(addr, { maxLength: 2 }), auxData: fc.constantFrom(Buffer.alloc(0), Buffer.from('01020304', 'hex')) }), { maxLength: 3 }),
  }),
  fc.record({ kind: fc.constant('unknown' as const), type: fc.constantFrom(0, 5, 100, 127, 138, 139, 160, 200, 255), code: u8, data: bytes(16) }),
);

/** A packet init with the computed fields (lengths, checksums, next headers) left out. */
const packetInit: fc.Arbitrary<Packet6Init> = fc
  .record({
    ip: fc.record({ src: addr, dst: addr, trafficClass: u8, flowLabel: fc.integer({ min: 0, max: 0xfffff }), hopLimit: u8 }),
    extensions: fc.array(extension, { maxLength: 3 }),
    upper: fc.oneof(
      fc.record({ t: fc.constant('icmpv6' as const), icmpv6: icmp }),
      fc.record({ t: fc.constant('udp' as const), udp: fc.record({ srcPort: u16, dstPort: u16 }), payload: bytes(40) }),
      fc.record({ t: fc.constant('tcp' as const), tcp: fc.record({ srcPort: u16, dstPort: u16, sequence: u32, window: u16 }), payload: bytes(40) }),
      fc.record({ t: fc.constant('none' as const), payload: bytes(40) }),
    ),
  })
  .map(({ ip, extensions, upper }) => {
    const init: Packet6Init = { ip, extensions };
    if (upper.t === 'icmpv6') init.icmpv6 = upper.icmpv6;
    else if (upper.t === 'udp') Object.assign(init, { udp: upper.udp, payload: upper.payload });
    else if (upper.t === 'tcp') Object.assign(init, { tcp: upper.tcp, payload: upper.payload });
    else init.payload = upper.payload;
    return init;
  });

const CODEC: FuzzCodec<Packet6> = {
  decodeWhole: (b) => decodePacket6(b, 0, b.length, { originalLength: b.length }),
  decode: (buf, offset, length) => decodePacket6(buf, offset, length),
  encode: (init) => encodePacket6(init as Packet6Init),
  fromJson: (json) => packet6InitFromJson(json),
};

test('decode(encode(x)) keeps every field given, checksums hold, and re-encodes to the same bytes', (t) => {
  assertRoundTrip(CODEC, packetInit, (init, p, b) => {
    if (p.ip.src !== decodePacket6(encodePacket6({ ip: { src: init.ip.src, dst: '::' } })).ip.src) return false;
    if (p.ip.hopLimit !== init.ip.hopLimit || p.ip.flowLabel !== init.ip.flowLabel || p.ip.trafficClass !== init.ip.trafficClass) return false;
    if (p.truncated || p.bytes !== b.length || p.ip.payloadLength !== b.length - 40) return false;
    if (p.extensions.length !== init.extensions!.length || p.extensions.some((x, i) => x.kind !== init.extensions![i]!.kind)) return false;
    if (init.icmpv6 && (p.icmpv6?.kind !== init.icmpv6.kind || p.icmpv6.checksumValid !== true)) return false;
    if (init.udp && (p.udp?.dstPort !== init.udp.dstPort || p.udp?.checksumValid !== true)) return false;
    return !(init.tcp && (p.tcp?.sequence !== init.tcp.sequence || p.tcp?.checksumValid !== true));
  });
  t.pass();
});

const SEEDS = listFixtures(6).flatMap((f) => datagrams(f).map((p) => p.bytes));

test('random bytes behind an IPv6 first byte only ever give a Packet6 (re-encoding exactly) or a DecodeError', (t) => {
  const nh = fc.constantFrom(0, 6, 17, 43, 44, 50, 51, 58, 59, 60, 135, 253);
  fc.assert(
    fc.property(fc.integer({ min: 0x60, max: 0x6f }), nh, fc.uint8Array({ minLength: 39, maxLength: 200 }), (first, next, rest) => {
      const b = Buffer.concat([Buffer.from([first]), rest]);
      b[6] = next;
      b.writeUInt16BE(Math.min(b.length - 40, b.readUInt16BE(4) % 240), 4);
      const r = decodeOnly(CODEC, b);
      if (r !== null) throw new Error(`${r} for ${b.toString('hex')}`);
      return true;
    }),
    { numRuns: RUNS * 3 },
  );
  fc.assert(fc.property(fc.uint8Array({ maxLength: 120 }), (b) => decodeOnly(CODEC, b) === null), { numRuns: RUNS });
  t.pass();
});

const SEED_PACKETS = fc.oneof(fc.constantFrom(...SEEDS), packetInit.map((i) => encodePacket6(i)));

robustnessTests(
  test,
  {
    mutations: 'mutated and cut real and generated IPv6 packets: Packet6 or DecodeError, never anything else',
    range: 'the IPv6 decoders read only inside the range they are given',
  },
  CODEC,
  SEED_PACKETS,
);

// Inputs that once broke a property, kept so they never break again.
const REGRESSIONS: Regression[] = [
  {
    // An Authentication Header of 12 bytes (payload length 1, no ICV): whole, but not a multiple
    // of 8. encode padded it to 16 although the length field was given; a given length now wins.
    hex: '60000000000c330000000000000000000000000000000000000000000000000000000000000000000701000000000000000000000000000000',
    why: 'a 12-byte AH re-encodes as 12 bytes',
  },
  {
    // kernel6-traceroute-lab's Time Exceeded with its RFC 4884 length byte set to 11 (88 bytes)
    // in an 80-byte body: read as no extensions (RFC 4884 section 5). encode padded the quote to
    // the 88 bytes the length promised, so the body no longer matched the bytes decoded.
    hex: '600b469600583a4020010db800000000000000000000000220010db80000000000000000000000010300' +
      '0de10b000000' + '60075ace0028110120010db800000000000000000000000120010db8000000010000000000000002982b829a00285baf404142434445464748494a4b4c4d4e4f505152535455565758595a5b5c5d5e5f',
    why: 'an RFC 4884 length past the end of a whole message re-encodes without padding',
  },
];

test('IPv6 regression vectors', (t) => {
  assertRegressions(t, CODEC, REGRESSIONS);
  t.is(decodePacket6(Buffer.from(REGRESSIONS[0]!.hex, 'hex')).extensions[0]!.headerLength, 12);
});
