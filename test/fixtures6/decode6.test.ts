// Every fixture in fixtures/packets6/ against its expected JSON: decode gives exactly that JSON
// (at offset 0 and inside a larger buffer), and every packet we accept encodes back to the very
// same bytes, from the decoded object and from the JSON, under every encode option.
import test from 'ava';
import { DecodeError } from '../../lib/wire/errors.js';
import { packet6InitFromJson, packet6ToJson, type Packet6Json } from '../../lib/wire/json6.js';
import { decodePacket6, encodePacket6, encodePacket6Into, type Packet6, type Packet6Init } from '../../lib/wire/packet6.js';
import {
  expectedOf6,
  isError6,
  listFixtures6,
  packets6,
  readExpected6,
  type Expected6,
  type Fixture6,
  type Packet6Bytes,
} from './fixtures6.js';

const FIXTURES = listFixtures6();

const OPTION_COMBOS = [
  { fixLengths: true, computeChecksums: true },
  { fixLengths: true, computeChecksums: false },
  { fixLengths: false, computeChecksums: true },
  { fixLengths: false, computeChecksums: false },
] as const;

function* cases(): Generator<[Fixture6, Packet6Bytes, Expected6]> {
  for (const f of FIXTURES) {
    const expected = readExpected6(f);
    const list = Array.isArray(expected) ? expected : [expected];
    for (const p of packets6(f)) yield [f, p, list[p.index]!];
  }
}

function label(f: Fixture6, p: Packet6Bytes): string {
  return f.format === 'pcap' ? `${f.name}[${p.index}]` : f.name;
}

function initOf(p: Packet6): Packet6Init {
  return { ip: p.ip, extensions: p.extensions, icmpv6: p.icmpv6, udp: p.udp, tcp: p.tcp, payload: p.payload };
}

function plain(v: unknown): unknown {
  return JSON.parse(JSON.stringify(v));
}

test('the IPv6 fixture set is not empty, has both kinds, and every kind of layer', (t) => {
  t.true(FIXTURES.filter((f) => f.format === 'hex').length >= 25);
  t.true(FIXTURES.filter((f) => f.format === 'pcap').length >= 12);
  const seen = new Set<string>();
  for (const [, , e] of cases()) {
    if (isError6(e)) continue;
    for (const x of e.extensions) seen.add(x.kind);
    if (e.icmpv6) seen.add(e.icmpv6.kind);
    if (e.udp) seen.add('udp');
    if (e.tcp) seen.add('tcp');
  }
  for (const k of [
    'hop-by-hop', 'destination-options', 'routing', 'fragment', 'ah', 'esp', 'udp', 'tcp', 'echo-request', 'echo-reply',
    'destination-unreachable', 'packet-too-big', 'time-exceeded', 'parameter-problem', 'router-solicitation',
    'router-advertisement', 'neighbor-solicitation', 'neighbor-advertisement', 'redirect', 'mld-query', 'mld-report',
    'mld-done', 'mldv2-report', 'unknown',
  ]) {
    t.true(seen.has(k), k);
  }
});

test('every IPv6 fixture decodes to exactly its expected JSON', (t) => {
  for (const f of FIXTURES) {
    const expected = readExpected6(f);
    t.is(Array.isArray(expected), f.format === 'pcap', f.name);
    if (f.format === 'pcap') t.is((expected as Expected6[]).length, packets6(f).length, `${f.name}: one entry per record`);
  }
  for (const [f, p, expected] of cases()) t.deepEqual(plain(expectedOf6(p)), expected, label(f, p));
});

test('an IPv6 fixture decodes the same inside a larger buffer; error offsets move with it', (t) => {
  for (const [f, p, expected] of cases()) {
    const at = 13;
    const buf = Buffer.alloc(at + p.bytes.length + 9, 0xa5);
    p.bytes.copy(buf, at);
    const copy = Buffer.from(buf);
    const opts = { wireLength: p.wireLength };
    if (isError6(expected)) {
      const e = t.throws(() => decodePacket6(buf, at, p.bytes.length, opts), { instanceOf: DecodeError }, label(f, p));
      t.is(e?.reason, expected.error.reason, label(f, p));
      t.is(e?.offset, expected.error.offset + at, label(f, p));
    } else {
      t.deepEqual(plain(packet6ToJson(decodePacket6(buf, at, p.bytes.length, opts))), expected, label(f, p));
    }
    t.true(buf.equals(copy), `${label(f, p)}: input untouched`);
  }
});

test('a refused IPv6 fixture raises one DecodeError with a reason and an offset inside the bytes', (t) => {
  let refused = 0;
  for (const [f, p, expected] of cases()) {
    if (!isError6(expected)) continue;
    refused += 1;
    const e = t.throws(() => decodePacket6(p.bytes, 0, p.bytes.length, { wireLength: p.wireLength }), { instanceOf: DecodeError }, label(f, p));
    t.true(e!.reason.length > 10, label(f, p));
    t.true(e!.offset >= 0 && e!.offset < p.bytes.length, `${label(f, p)}: offset ${e!.offset}`);
    t.true(e!.message.includes(`(at byte ${e!.offset})`), label(f, p));
    t.not(e!.partial, null, `${label(f, p)}: the layers read before the problem ride on the error`);
  }
  t.true(refused >= 6, `${refused} refused fixtures`);
});

test('encode(decode(bytes)) gives the bytes back, for every accepted IPv6 fixture and encode option', (t) => {
  let n = 0;
  for (const [f, p, expected] of cases()) {
    if (isError6(expected)) continue;
    const packet = decodePacket6(p.bytes, 0, p.bytes.length, { wireLength: p.wireLength });
    const want = p.bytes.subarray(0, packet.bytes);
    const init = initOf(packet);
    const before = JSON.stringify(init);
    for (const opts of OPTION_COMBOS) {
      const got = encodePacket6(init, opts);
      t.true(got.equals(want), `${label(f, p)} ${JSON.stringify(opts)}: ${got.toString('hex')}`);
      const buf = Buffer.alloc(want.length + 12, 0xa5);
      t.is(encodePacket6Into(init, buf, 5, opts), want.length, label(f, p));
      t.true(buf.subarray(5, 5 + want.length).equals(want), `${label(f, p)} at offset 5`);
      t.true(buf.subarray(0, 5).every((x) => x === 0xa5) && buf.subarray(5 + want.length).every((x) => x === 0xa5), label(f, p));
    }
    t.is(JSON.stringify(init), before, `${label(f, p)}: the decoded packet is not modified by encoding`);
    n += 1;
  }
  t.true(n >= 45, `${n} packets round-tripped`);
});

test('the expected JSON alone rebuilds the bytes (packet6InitFromJson, then encodePacket6)', (t) => {
  for (const [f, p, expected] of cases()) {
    if (isError6(expected)) continue;
    const json = expected as Packet6Json;
    t.true(encodePacket6(packet6InitFromJson(json)).equals(p.bytes.subarray(0, json.bytes)), label(f, p));
  }
});

test('recompute: every whole packet, its computed fields dropped, is built again to the same bytes', (t) => {
  let n = 0;
  for (const [f, p, expected] of cases()) {
    if (isError6(expected)) continue;
    const json = expected as Packet6Json;
    // Cut packets and fragments other than whole datagrams keep lengths that describe bytes not here.
    if (json.truncated || json.extensions.some((x) => x.kind === 'fragment')) continue;
    const checksumsRight = [json.icmpv6?.checksumValid, json.udp?.checksumValid, json.tcp?.checksumValid].every((v) => v !== false);
    if (!checksumsRight) continue;
    t.true(encodePacket6(packet6InitFromJson(json, { recompute: true })).equals(p.bytes.subarray(0, json.bytes)), label(f, p));
    n += 1;
  }
  t.true(n >= 25, `${n} packets recomputed`);
});
