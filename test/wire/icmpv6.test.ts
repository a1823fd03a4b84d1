import test from 'ava';
import { DecodeError, EncodeError } from '../../lib/wire/errors.js';
import { encodeExtensions } from '../../lib/wire/icmp-extensions.js';
import * as icmpv6 from '../../lib/wire/icmpv6.js';
import type { Icmpv6MessageInit } from '../../lib/wire/icmpv6.js';
import { addressSum6 } from '../../lib/wire/ipv6-checksum.js';
import { datagrams, listFixtures } from '../fixtures/fixtures.js';
import { filled, OPTION_COMBOS } from './vectors.js';

/** Packet `index` of fixture `name` (fixtures/packets6). */
function packet(name: string, index = 0): Buffer {
  return datagrams(listFixtures(6).find((f) => f.name === name)!)[index]!.bytes;
}

/** The ICMPv6 message of a packet without extension headers (or after `skip` bytes of them). */
function message(b: Buffer, skip = 0): Buffer {
  return b.subarray(40 + skip);
}

const sumOf = (b: Buffer): number => addressSum6(b, 8, b, 24);

test('echo request from the kernel: every field; checksum checked with addresses, sum, or not at all', (t) => {
  const b = packet('kernel6-echo-loopback');
  const m = icmpv6.decode(b, 40, undefined, { src: '::1', dst: '::1' });
  if (m.kind !== 'echo-request') return t.fail(m.kind);
  t.like(m, { type: 128, code: 0, checksumValid: true, headerLength: 8, sequence: 1 });
  t.is(m.identifier, b.readUInt16BE(44));
  t.is(m.data.length, 56);
  t.is(m.data.byteOffset, b.byteOffset + 48);
  t.true(icmpv6.decode(b, 40, undefined, { addressSum: sumOf(b) }).checksumValid as boolean);
  t.is(icmpv6.decode(b, 40).checksumValid, null);
  t.is(icmpv6.decode(b, 40, undefined, { addressSum: sumOf(b), truncated: true }).checksumValid, null);
  t.false(icmpv6.decode(b, 40, undefined, { src: '::1', dst: '::2' }).checksumValid as boolean);
});

test('every kernel-made message re-encodes from its fields alone to the kernel bytes, at any offset, in 0xa5', (t) => {
  const cases: [string, number, number][] = [
    ['kernel6-echo-loopback', 1, 0],
    ['kernel6-dad-ns', 0, 0],
    ['kernel6-router-solicitation', 0, 0],
    ['kernel6-neighbor-discovery', 0, 0],
    ['kernel6-neighbor-discovery', 1, 0],
    ['kernel6-mldv2-report', 0, 8],
    ['kernel6-mld-report-done', 0, 8],
    ['kernel6-mld-report-done', 1, 8],
    ['kernel6-mld-query', 0, 8],
    ['kernel6-port-unreachable-loopback', 1, 0],
    ['kernel6-time-exceeded-lab', 1, 0],
    ['kernel6-packet-too-big-lab', 1, 0],
  ];
  for (const [name, index, skip] of cases) {
    const b = packet(name, index);
    const want = message(b, skip);
    const m = icmpv6.decode(want, 0, undefined, { addressSum: sumOf(b) });
    t.true(m.checksumValid as boolean, name);
    // Drop what encode computes: the checksum (and for errors nothing else is computed here).
    const { checksum: _c, ...init } = m as unknown as Icmpv6MessageInit & { checksum: number };
    for (const at of [0, 7]) {
      const buf = filled(at + want.length + 4);
      const out = icmpv6.encode(init as Icmpv6MessageInit, buf, at, { addressSum: sumOf(b) });
      t.true(out.equals(want), `${name}[${index}] at ${at}: ${out.toString('hex')}`);
      t.true(buf.subarray(0, at).every((x) => x === 0xa5) && buf.subarray(at + want.length).every((x) => x === 0xa5), name);
    }
    t.is(icmpv6.encodingLength(init as Icmpv6MessageInit), want.length, name);
  }
});

test('Neighbor Discovery from the kernel: NS with source link-layer address, NA flags, DAD nonce, RS', (t) => {
  const ns = icmpv6.decode(message(packet('kernel6-neighbor-discovery', 0)));
  if (ns.kind !== 'neighbor-solicitation') return t.fail();
  t.is(ns.target, '2001:db8:6::b');
  t.deepEqual(ns.options, [{ kind: 'source-link-layer-address', type: 1, length: 1, address: '02:00:00:00:00:0a' }]);
  const na = icmpv6.decode(message(packet('kernel6-neighbor-discovery', 1)));
  if (na.kind !== 'neighbor-advertisement') return t.fail();
  t.deepEqual(na.flags, { router: false, solicited: true, override: true });
  t.is(na.reserved, 0);
  const dad = icmpv6.decode(message(packet('kernel6-dad-ns')));
  if (dad.kind !== 'neighbor-solicitation') return t.fail();
  t.is(dad.options[0]!.kind, 'nonce');
  t.is((dad.options[0] as { nonce: Buffer }).nonce.length, 6);
  const rs = icmpv6.decode(message(packet('kernel6-router-solicitation')));
  t.like(rs, { kind: 'router-solicitation', reserved: 0 });
});

test('scapy Router Advertisement: flags, preference, every option; unknown options keep their bytes', (t) => {
  const m = icmpv6.decode(message(packet('nd-router-advertisement')));
  if (m.kind !== 'router-advertisement') return t.fail();
  t.like(m, { curHopLimit: 64, flags: { managed: true, other: true, homeAgent: false, proxy: false }, preference: 1, reserved: 0, routerLifetime: 1800, reachableTime: 30000, retransTimer: 1000 });
  t.deepEqual(m.options.map((o) => o.kind), ['source-link-layer-address', 'mtu', 'prefix-information', 'rdnss', 'unknown', 'unknown']);
  t.like(m.options[2], { prefix: '2001:db8:1::', prefixLength: 64, onLink: true, autonomous: true, routerAddress: false, validLifetime: 86400, preferredLifetime: 14400 });
  t.like(m.options[3], { lifetime: 600, servers: ['2001:db8::53', '2001:db8::5353'] });
  t.like(m.options[4], { type: 24, length: 3 });
  t.like(m.options[5], { type: 31, length: 3 });
});

test('Redirect: target, destination, the redirected header read as a quoted datagram', (t) => {
  const m = icmpv6.decode(message(packet('nd-redirect')));
  if (m.kind !== 'redirect') return t.fail();
  t.like(m, { target: 'fe80::3', destination: '2001:db8:0:1::2' });
  const rh = m.options[1];
  if (rh?.kind !== 'redirected-header') return t.fail();
  t.is(rh.reserved.toString('hex'), '000000000000');
  t.like(rh.quoted!.ip, { src: '2001:db8::1', dst: '2001:db8:0:1::2', nextHeader: 58 });
  t.like(rh.quoted!.icmpv6, { type: 128, identifier: 0x1234, sequence: 7 });
});

test('MLD: kernel v2 report with one record, v1 report and done, bridge query; scapy v2 query with sources', (t) => {
  const r = icmpv6.decode(message(packet('kernel6-mldv2-report'), 8));
  if (r.kind !== 'mldv2-report') return t.fail();
  t.is(r.numberOfRecords, 1);
  t.like(r.records[0], { recordType: 4, auxDataLength: 0, numberOfSources: 0, multicastAddress: 'ff02::1:ff00:a', sources: [] });
  t.like(icmpv6.decode(message(packet('kernel6-mld-report-done', 0), 8)), { kind: 'mld-report', multicastAddress: 'ff02::db8:77', maxResponseDelay: 0 });
  t.like(icmpv6.decode(message(packet('kernel6-mld-report-done', 1), 8)), { kind: 'mld-done', multicastAddress: 'ff02::db8:77' });
  t.like(icmpv6.decode(message(packet('kernel6-mld-query'), 8)), {
    kind: 'mld-query', version: 2, maxResponseCode: 10000, maxResponseDelay: 10000, multicastAddress: '::', qrv: 2, qqic: 125, queryInterval: 125, numberOfSources: 0,
  });
  t.like(icmpv6.decode(message(packet('mld-query-v1'), 8)), { kind: 'mld-query', version: 1, maxResponseCode: 10000, qrv: null, sources: null });
  const q = icmpv6.decode(message(packet('mld-query-v2-sources'), 8));
  // 40000 = 0x9c40: exponent 1, mantissa 0xc40: (0x1c40) << 4 = 115712 ms (RFC 3810 5.1.3); QQIC 200: 3072 s.
  t.like(q, { kind: 'mld-query', version: 2, maxResponseCode: 40000, maxResponseDelay: 115712, suppressRouterProcessing: true, qrv: 3, qqic: 200, queryInterval: 3072, sources: ['2001:db8::1', '2001:db8:0:1::2'] });
});

test('errors quote the invoking packet: UDP, ICMPv6 echo, TCP behind Destination Options, a cut chain', (t) => {
  const pu = icmpv6.decode(message(packet('kernel6-port-unreachable-loopback', 1)));
  if (pu.kind !== 'destination-unreachable') return t.fail();
  t.like(pu, { code: icmpv6.UNREACHABLE_CODE.PORT, extensionLength: 0, extensionLengthValid: true, unused: 0, extensions: null, extensionStructure: null });
  t.like(pu.quoted, { upperLayer: 17, chainComplete: true, tcp: null, icmpv6: null, udp: { srcPort: 47000, dstPort: 47001, length: 41 } });
  const ptb = icmpv6.decode(message(packet('kernel6-packet-too-big-lab', 1)));
  if (ptb.kind !== 'packet-too-big') return t.fail();
  t.is(ptb.mtu, 1280);
  t.is(40 + 8 + 40 + ptb.quoted.payload.length, 1280, 'quoted as much as fits in 1280 bytes');
  t.like(ptb.quoted.icmpv6, { type: 128, sequence: 1 });
  const admin = icmpv6.decode(message(packet('icmpv6-unreachable-admin')));
  if (admin.kind !== 'destination-unreachable') return t.fail();
  t.deepEqual(admin.quoted.extensions.map((x) => x.kind), ['destination-options']);
  t.like(admin.quoted.tcp, { srcPort: 40016, dstPort: 443, sequence: 0xdeadbeef });
  const cut = icmpv6.decode(message(packet('icmpv6-too-big-cut-quote')));
  if (cut.kind !== 'packet-too-big') return t.fail();
  t.like(cut.quoted, { chainComplete: false, upperLayer: 0, extensions: [], udp: null });
  t.is(cut.quoted.payload.length, 12);
  const pp = icmpv6.decode(message(packet('icmpv6-parameter-problem')));
  t.like(pp, { kind: 'parameter-problem', code: 1, pointer: 6 });
});

test('RFC 4884: the length in 64-bit words splits the body; the MPLS extension is read and its checksum checked', (t) => {
  const m = icmpv6.decode(message(packet('icmpv6-time-exceeded-rfc4884')));
  if (m.kind !== 'time-exceeded') return t.fail();
  t.like(m, { extensionLength: 16, extensionLengthValid: true });
  t.is(m.quoted.ip.headerLength + m.quoted.payload.length, 128);
  t.like(m.quoted.udp, { srcPort: 40015, dstPort: 33434 });
  t.like(m.extensionStructure, { version: 2, checksumValid: true });
  t.like(m.extensionStructure!.objects[0], { kind: 'mpls-label-stack', classNum: 1, cType: 1, length: 8, entries: [{ label: 16005, tc: 0, s: true, ttl: 1 }] });
  // A length past the end of a whole message: read as no extensions, the byte flagged and kept.
  const b = Buffer.from(message(packet('kernel6-time-exceeded-lab', 1)));
  b[4] = 40;
  const past = icmpv6.decode(b);
  t.like(past, { extensionLength: 40, extensionLengthValid: false, extensions: null });
  t.true(icmpv6.encode(past).equals(b), 'and it re-encodes as it was: no padding to the promised length');
  t.like(icmpv6.decode(b, 0, undefined, { truncated: true }), { extensionLengthValid: true });
});

test('encoding an error with extensions pads the quote to 8 bytes and at least 128, and sets the length', (t) => {
  const extensions = encodeExtensions([{ kind: 'mpls-label-stack', entries: [{ label: 16005, s: true, ttl: 1 }] }]);
  t.is(extensions.toString('hex'), '20008a0d00080101' + '03e85101');
  const init: Icmpv6MessageInit = {
    kind: 'time-exceeded',
    quoted: { ip: { src: '2001:db8::1', dst: '2001:db8:0:1::2', hopLimit: 1 }, udp: { srcPort: 40015, dstPort: 33434 } },
    extensions,
  };
  for (const opts of OPTION_COMBOS) {
    const out = icmpv6.encode(init, undefined, 0, { ...opts, src: '2001:db8::2', dst: '2001:db8::1' });
    const m = icmpv6.decode(out, 0, undefined, { src: '2001:db8::2', dst: '2001:db8::1' });
    if (m.kind !== 'time-exceeded') return t.fail();
    t.is(m.checksumValid, opts.computeChecksums, JSON.stringify(opts));
    if (opts.fixLengths) {
      t.is(out.length, 8 + 128 + 12);
      t.is(m.extensionLength, 16);
      t.like(m.extensionStructure!.objects[0], { kind: 'mpls-label-stack' });
    } else {
      t.is(out.length, 8 + 48 + 12, 'no padding, no length: the extension is read as quoted bytes');
      t.is(m.extensionLength, 0);
    }
  }
});

test('a message too short for its type is a DecodeError at its first byte naming the type', (t) => {
  const cases: [number, number, string][] = [
    [128, 7, 'ICMPv6 Echo Request (type 128) needs 8 bytes, 7 present'],
    [1, 47, 'ICMPv6 Destination Unreachable (type 1) needs 48 bytes, 47 present'],
    [2, 20, 'ICMPv6 Packet Too Big (type 2) needs 48 bytes, 20 present'],
    [134, 15, 'ICMPv6 Router Advertisement (type 134) needs 16 bytes, 15 present'],
    [135, 20, 'ICMPv6 Neighbor Solicitation (type 135) needs 24 bytes, 20 present'],
    [137, 39, 'ICMPv6 Redirect Message (type 137) needs 40 bytes, 39 present'],
    [130, 23, 'ICMPv6 Multicast Listener Query (type 130) needs 24 bytes, 23 present'],
    [143, 7, 'ICMPv6 Version 2 Multicast Listener Report (type 143) needs 8 bytes, 7 present'],
    [200, 3, 'ICMPv6 header needs 4 bytes, 3 present'],
  ];
  for (const [type, length, reason] of cases) {
    const b = filled(length + 5);
    b[3] = type;
    const e = t.throws(() => icmpv6.decode(b, 3, length), { instanceOf: DecodeError }, reason);
    t.is(e?.reason, reason);
    t.is(e?.offset, 3);
  }
  // A cut quoted IPv6 header and an MLDv2 record past the end are DecodeErrors too, partial kept.
  const ptb = message(packet('kernel6-packet-too-big-lab', 1)).subarray(0, 30);
  const e = t.throws(() => icmpv6.decode(ptb), { instanceOf: DecodeError });
  t.regex(e!.reason, /^ICMPv6 Packet Too Big \(type 2\) needs 48 bytes/);
  const rec = Buffer.from(message(packet('kernel6-mldv2-report'), 8));
  rec[7] = 2;
  const e2 = t.throws(() => icmpv6.decode(rec), { instanceOf: DecodeError });
  t.is(e2?.offset, 28);
  t.like(e2?.partial, { kind: 'mldv2-report', numberOfRecords: 2 });
});

test('encode: type and kind must agree, a body override must agree with the fields, the checksum needs a pseudo-header', (t) => {
  t.throws(() => icmpv6.encode({ kind: 'echo-request', type: 129 }, undefined, 0, { computeChecksums: false }), { instanceOf: EncodeError, message: /^type: 129 does not match kind echo-request/ });
  t.throws(() => icmpv6.encode({ kind: 'echo-request' }), { instanceOf: EncodeError, message: /^checksum: cannot compute an ICMPv6 checksum without src and dst/ });
  const body = Buffer.from('0102', 'hex');
  t.is(icmpv6.encode({ kind: 'echo-reply', identifier: 1 }, undefined, 0, { body, computeChecksums: false }).toString('hex'), '810000000001000' + '00102');
  t.throws(() => icmpv6.encode({ kind: 'echo-reply', data: Buffer.from('03', 'hex') }, undefined, 0, { body, computeChecksums: false }), { instanceOf: EncodeError, message: /^payload: 2 payload bytes disagree/ });
  t.is(icmpv6.encode({ kind: 'unknown', type: 160, checksum: 0x1234, data: Buffer.from('abcd', 'hex') }).toString('hex'), 'a0001234abcd');
  t.throws(() => icmpv6.encode({ kind: 'neighbor-solicitation', target: '2001:db8::1', options: [{ kind: 'mtu', mtu: 1500, type: 6 }] }, undefined, 0, { computeChecksums: false }), {
    instanceOf: EncodeError,
    message: /^options\[0\]\.type: 6 does not match kind mtu/,
  });
});
