import test from 'ava';
import { DecodeError, EncodeError } from '../../lib/wire/errors.js';
import { parseIpv6 } from '../../lib/wire/ipv6-address.js';
import { chainEncodingLength, decodeChain, encodeChain, MAX_EXTENSION_HEADERS } from '../../lib/wire/ipv6-chain.js';
import * as ext from '../../lib/wire/ipv6-ext.js';
import type { Ipv6ExtensionInit, OptionsHeader, RoutingHeader } from '../../lib/wire/ipv6-ext.js';
import { finalDestination } from '../../lib/wire/ipv6-routing.js';
import { filled } from './vectors.js';
import { readHexFixture } from '../fixtures/fixtures.js';
import { fileURLToPath } from 'node:url';

const fixture = (name: string): Buffer => readHexFixture(fileURLToPath(new URL(`../../../fixtures/packets6/${name}.hex`, import.meta.url)));

/** Encodes `init` into 0xa5 buffers at offsets 0 and 11; both must hold `hex`, nothing else touched. */
function encodesTo(t: import('ava').ExecutionContext, init: Ipv6ExtensionInit, hex: string, opts: ext.ExtensionEncodeOptions = {}): void {
  const want = Buffer.from(hex, 'hex');
  t.is(ext.encodingLength(init, opts), want.length);
  for (const at of [0, 11]) {
    const buf = filled(at + want.length + 3);
    const out = ext.encode(init, buf, at, opts);
    t.is(out.toString('hex'), hex, `offset ${at}`);
    t.true(buf.subarray(0, at).every((x) => x === 0xa5) && buf.subarray(at + want.length).every((x) => x === 0xa5));
  }
}

test('Hop-by-Hop as the kernel sends it with MLD: router alert 0 and PadN 0', (t) => {
  // fixtures/packets6/kernel6-mldv2-report.pcap: 3a 00 05 02 00 00 01 00.
  const b = Buffer.from('3a00050200000100', 'hex');
  const h = ext.decode(b, 0, 8, 0) as OptionsHeader;
  t.deepEqual(JSON.parse(JSON.stringify(h)), {
    kind: 'hop-by-hop',
    nextHeader: 58,
    headerExtLength: 0,
    headerLength: 8,
    options: [
      { kind: 'router-alert', type: 5, length: 2, value: 0 },
      { kind: 'padn', type: 1, length: 0, data: { type: 'Buffer', data: [] } },
    ],
  });
  // Built from the router alert alone: the padding comes back the same.
  encodesTo(t, { kind: 'hop-by-hop', options: [{ kind: 'router-alert', value: 0 }] }, '3a00050200000100', { nextHeader: 58 });
});

test('padding to 8 bytes: Pad1 for one byte, PadN for more, none when aligned or when fixLengths is off', (t) => {
  // 2 + 5 (unknown, 3 data bytes) = 7: one Pad1.
  encodesTo(t, { kind: 'destination-options', nextHeader: 59, options: [{ kind: 'unknown', type: 0x3e, data: Buffer.from('aabbcc', 'hex') }] }, '3b003e03aabbcc00');
  // 2 + 4 = 6: PadN with no data.
  encodesTo(t, { kind: 'destination-options', nextHeader: 59, options: [{ kind: 'router-alert', value: 2 }] }, '3b00050200020100');
  // 2 + 6 (jumbo) = 8: aligned.
  encodesTo(t, { kind: 'hop-by-hop', nextHeader: 59, options: [{ kind: 'jumbo-payload', jumboLength: 70000 }] }, '3b00c20400011170');
  // fixLengths off: the bytes given, length 0, nothing added.
  encodesTo(t, { kind: 'destination-options', nextHeader: 59, options: [{ kind: 'router-alert', value: 2 }] }, '3b0005020002', { fixLengths: false });
  // A given header ext length longer than the options: padded up to it (PadN of 10).
  encodesTo(t, { kind: 'destination-options', nextHeader: 59, headerExtLength: 1, options: [{ kind: 'pad1' }, { kind: 'pad1' }] }, '3b010000010a00000000000000000000');
  // A given length shorter than the options is written as given (a broken header, on purpose).
  const lie = ext.encode({ kind: 'hop-by-hop', nextHeader: 59, headerExtLength: 0, options: [{ kind: 'padn', length: 12 }] });
  t.is(lie.length, 16);
  t.is(lie[1], 0);
});

test('unknown options keep type, data and the action bits; known options with a wrong length stay raw', (t) => {
  const b = Buffer.from('3b00c70301020300', 'hex');
  const h = ext.decode(b, 0, 8, 60) as OptionsHeader;
  t.is(h.options[0]!.kind, 'unknown');
  t.like(h.options[0], { type: 0xc7, length: 3, action: 3, mayChange: false });
  t.is(h.options[1]!.kind, 'pad1');
  const odd = ext.decode(Buffer.from('3b00050100010000', 'hex'), 0, 8, 0) as OptionsHeader;
  t.like(odd.options[0], { kind: 'unknown', type: 5, length: 1, action: 0, mayChange: false });
  t.is(ext.encode(odd).toString('hex'), '3b00050100010000');
  t.throws(() => ext.encode({ kind: 'hop-by-hop', nextHeader: 59, options: [{ kind: 'unknown', type: 0xc7, action: 1 }] }), {
    instanceOf: EncodeError,
    message: /^extension\.options\[0\]\.action: 1 disagrees with type 0xc7/,
  });
});

test('an option running past its header is a DecodeError at its length byte; the options before it ride along', (t) => {
  const b = Buffer.from('3b00050200000109', 'hex');
  const e = t.throws(() => ext.decode(b, 0, 8, 0), { instanceOf: DecodeError });
  t.is(e?.offset, 7);
  t.regex(e!.reason, /IPv6 option type 0x1 length 9 runs 9 bytes past the end of its header/);
  t.like(e?.partial, { kind: 'hop-by-hop', headerLength: 8 });
  t.is((e?.partial as OptionsHeader).options.length, 1);
});

test('routing type 0 and 2: addresses; type 4: the segment list and TLVs; type 3: RPL fields and raw addresses', (t) => {
  const srhPacket = fixture('ext-routing-srh');
  const srh = ext.decode(srhPacket, 40, undefined, 43) as RoutingHeader;
  t.like(srh, { routingType: 4, segmentsLeft: 2, headerExtLength: 6, headerLength: 56, reserved: null, rpl: null, data: null });
  t.deepEqual(srh.addresses, ['2001:db8:0:1::2', '2001:db8:0:2::1', '2001:db8::2']);
  t.like(srh.srh, { lastEntry: 2, flags: 0, tag: 0x1234 });
  t.is(srh.srh!.tlvs.length, 0);
  // Final destination: Segment List[0].
  t.is(Buffer.from(finalDestination(srhPacket, 40, 56, srhPacket, 24)!).toString('hex'), parseIpv6('2001:db8:0:1::2').toString('hex'));

  const rpl = fixture('ext-routing-rpl');
  const r3 = ext.decode(rpl, 40, undefined, 43) as RoutingHeader;
  t.like(r3, { routingType: 3, segmentsLeft: 2, rpl: { cmprI: 8, cmprE: 8, pad: 0 }, reserved: 0, addresses: null, srh: null });
  t.is(r3.data!.toString('hex'), '00000000000000110000000000000022');
  // The last address: the IPv6 destination's first 8 bytes, then its own 8 (tshark: 2001:db8::22).
  t.is(Buffer.from(finalDestination(rpl, 40, 24, rpl, 24)!).toString('hex'), parseIpv6('2001:db8::22').toString('hex'));

  const t2 = fixture('ext-routing-type2');
  const r2 = ext.decode(t2, 40, undefined, 43) as RoutingHeader;
  t.deepEqual(r2.addresses, ['2001:db8:99::9']);
  t.is(r2.reserved, 0);

  // Segments left 0: the IPv6 destination is final.
  const done = Buffer.from(srhPacket);
  done[43] = 0;
  t.is(finalDestination(done, 40, 56, done, 24), null);
});

test('a routing header whose length does not fit its type is kept raw and re-encodes to the same bytes', (t) => {
  // Type 0 with 16 bytes: 8 after the fixed part is not a whole address.
  const b = Buffer.from('3b02000100000000' + '11'.repeat(8) + '22'.repeat(8), 'hex');
  b[1] = 2; // 24 bytes: 16 after the reserved word, still fine
  const ok = ext.decode(b, 0, 24, 43) as RoutingHeader;
  t.is(ok.addresses!.length, 1);
  b[1] = 1; // 16 bytes: 8 left, not an address
  const raw = ext.decode(b, 0, 16, 43) as RoutingHeader;
  t.like(raw, { addresses: null, reserved: null });
  t.is(raw.data!.length, 12);
  t.is(ext.encode(raw).toString('hex'), b.subarray(0, 16).toString('hex'));
  t.is(finalDestination(b, 0, 16, b, 0), null);
});

test('every extension kind encodes into 0xa5 buffers and decodes back, with computed lengths', (t) => {
  encodesTo(t, { kind: 'routing', nextHeader: 17, routingType: 0, addresses: ['2001:db8::9'] }, '11020001000000002001' + '0db8000000000000000000000009');
  encodesTo(t, { kind: 'routing', nextHeader: 6, routingType: 2, addresses: ['2001:db8:99::9'] }, '0602020100000000' + parseIpv6('2001:db8:99::9').toString('hex'));
  encodesTo(
    t,
    { kind: 'routing', nextHeader: 17, routingType: 4, addresses: ['2001:db8::1', '2001:db8::2'], srh: { tag: 7, tlvs: Buffer.from('0100', 'hex') } },
    '1105040101000007' + parseIpv6('2001:db8::1').toString('hex') + parseIpv6('2001:db8::2').toString('hex') + '010000000000' + '0000',
  );
  encodesTo(t, { kind: 'routing', nextHeader: 59, routingType: 253, segmentsLeft: 3, data: Buffer.from('abcd', 'hex') }, '3b00fd03abcd0000');
  encodesTo(t, { kind: 'fragment', nextHeader: 17, fragmentOffset: 154, mf: true, identification: 0x01020304 }, '110004d101020304');
  encodesTo(t, { kind: 'ah', nextHeader: 58, spi: 0x1001, sequence: 7, icv: Buffer.from('000102030405060708090a0b', 'hex') }, '3a04000000001001' + '00000007' + '000102030405060708090a0b');
  // AH content 12 + 8 = 20: padded to 24 (IPv6 AH is a multiple of 8 bytes), length (24 / 4) - 2 = 4.
  encodesTo(t, { kind: 'ah', nextHeader: 58, spi: 1, icv: Buffer.from('aabbccddeeff0011', 'hex') }, '3a04000000000001' + '00000000' + 'aabbccddeeff0011' + '00000000');
  encodesTo(t, { kind: 'esp', spi: 0x2002, sequence: 9 }, '0000200200000009');
  for (const init of [
    { kind: 'fragment', nextHeader: 17, reserved: 3, fragmentOffset: 0x1fff, res: 2, mf: false, identification: 0xffffffff },
    { kind: 'routing', nextHeader: 59, routingType: 3, segmentsLeft: 1, rpl: { cmprI: 15, cmprE: 14, pad: 3 }, reserved: 0xabcde, data: Buffer.alloc(8) },
  ] as Ipv6ExtensionInit[]) {
    const bytes = ext.encode(init);
    const back = ext.decode(bytes, 0, bytes.length, ext.EXTENSION_TYPE[init.kind]);
    t.like(back, init as object);
    t.true(ext.encode(back).equals(bytes));
  }
  const f = ext.decode(Buffer.from('110004d101020304', 'hex'), 0, 8, 44);
  t.like(f, { kind: 'fragment', fragmentOffset: 154, fragmentOffsetBytes: 1232, mf: true, res: 0, identification: 0x01020304 });
});

test('cut and malformed headers are DecodeErrors at their first byte, or at AH payload length', (t) => {
  t.throws(() => ext.decode(Buffer.alloc(7), 0, 7, 0), { instanceOf: DecodeError, message: 'IPv6 Hop-by-Hop Options header needs 8 bytes, 7 present (at byte 0)' });
  t.throws(() => ext.decode(Buffer.from('3b01000000000000', 'hex'), 0, 8, 60), {
    instanceOf: DecodeError,
    message: 'IPv6 Destination Options header needs 16 bytes (header ext length 1), 8 present (at byte 0)',
  });
  t.throws(() => ext.decode(Buffer.from('3a00000000000000000000000000', 'hex'), 0, 12, 51), { instanceOf: DecodeError, message: /payload length 0 \(8 bytes\) is less than the 12-byte minimum \(at byte 1\)/ });
  t.throws(() => ext.decode(Buffer.alloc(8), 0, 8, 6), { instanceOf: DecodeError, message: /Next Header 6 is not an IPv6 extension header/ });
});

test('the chain: next headers linked on encode, walked on decode, stopping at upper layers, ESP and fragment data', (t) => {
  const inits: Ipv6ExtensionInit[] = [
    { kind: 'hop-by-hop', options: [{ kind: 'router-alert', value: 0 }] },
    { kind: 'destination-options', options: [] },
    { kind: 'routing', routingType: 0, addresses: ['2001:db8::9'] },
    { kind: 'fragment', identification: 1 },
  ];
  const n = chainEncodingLength(inits);
  t.is(n, 8 + 8 + 24 + 8);
  const buf = filled(n + 6);
  const r = encodeChain(inits, buf, 3, 17);
  t.deepEqual(r, { length: n, routingOffset: 3 + 16, routingLength: 24 });
  t.deepEqual([buf[3], buf[11], buf[19], buf[43]], [60, 43, 44, 17]);
  const c = decodeChain(buf, 3, 3 + n, 0);
  t.deepEqual(c.extensions.map((x) => x.kind), ['hop-by-hop', 'destination-options', 'routing', 'fragment']);
  t.like(c, { upperLayer: 17, end: 3 + n, routingOffset: 19, fragmentAt: 43, complete: true });
  // A non-first fragment: the walk stops after its Fragment header.
  buf[46] = 0x08;
  const later = decodeChain(buf, 3, 3 + n, 0);
  t.is(later.fragment!.fragmentOffset, 1);
  t.is(later.end, 3 + n);
  // ESP ends the chain; nothing may follow it.
  const esp = ext.encode({ kind: 'esp', spi: 1 });
  t.like(decodeChain(Buffer.concat([esp, Buffer.alloc(16)]), 0, 24, 50), { upperLayer: null, end: 8 });
  t.throws(() => chainEncodingLength([{ kind: 'esp' }, { kind: 'fragment' }]), { instanceOf: EncodeError, message: /^extensions\[1\]: nothing can follow ESP/ });
});

test('a chain running past the bytes is a DecodeError at the cut header (lenient: stops there); past the limit too', (t) => {
  const bytes = encodeChainBytes([{ kind: 'hop-by-hop', options: [] }, { kind: 'destination-options', options: [{ kind: 'padn', length: 12 }] }], 17);
  const e = t.throws(() => decodeChain(bytes, 0, 20, 0), { instanceOf: DecodeError });
  t.is(e?.offset, 8);
  t.is(e?.reason, 'IPv6 Destination Options header needs 16 bytes (header ext length 1), 12 present');
  t.deepEqual((e?.partial as { kind: string }[]).map((x) => x.kind), ['hop-by-hop', 'destination-options']);
  t.like(decodeChain(bytes, 0, 20, 0, true), { complete: false, end: 8, upperLayer: 60 });
  t.like(decodeChain(bytes, 0, 12, 0, true), { complete: false, end: 8, upperLayer: 60 });
  // MAX_EXTENSION_HEADERS + 1 Destination Options headers.
  const many = encodeChainBytes(Array.from({ length: MAX_EXTENSION_HEADERS + 1 }, () => ({ kind: 'destination-options' as const, options: [] })), 59);
  const limit = t.throws(() => decodeChain(many, 0, many.length, 60), { instanceOf: DecodeError });
  t.is(limit?.offset, MAX_EXTENSION_HEADERS * 8);
  t.is(limit?.reason, `more than ${MAX_EXTENSION_HEADERS} IPv6 extension headers`);
  t.is((limit?.partial as unknown[]).length, MAX_EXTENSION_HEADERS);
});

function encodeChainBytes(inits: Ipv6ExtensionInit[], upper: number): Buffer {
  const b = Buffer.alloc(chainEncodingLength(inits));
  encodeChain(inits, b, 0, upper);
  return b;
}
