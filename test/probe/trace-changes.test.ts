// The header comparison (lib/probe/changes.ts) on hand-built quotes: what we sent, and what a
// router quotes back after the path changed one field (DF cleared, IP id, total length, options
// stripped, TOS re-marked, an unusual quoted TTL, NAT on addresses, ports and checksums), then
// the first-hop rule of ChangeTracker.
import test from 'ava';
import { ChangeTracker, compareQuoted, type HeaderChange } from '../../lib/probe/trace/changes.js';
import { quotedHeaderOffset } from '../../lib/wire/peek.js';
import { encodePacket, type PacketInit } from '../../lib/wire/packet.js';

const SRC = '203.0.113.1';
const DST = '203.0.113.6';
const ROUTER = '198.51.100.2';

type Edit = (b: Buffer) => void;

/** Sets the IPv4 header checksum right after an edit (a router's quote carries a valid one). */
function fixIpChecksum(b: Buffer, offset = 0): void {
  const hl = (b[offset]! & 0x0f) * 4;
  b.writeUInt16BE(0, offset + 10);
  let sum = 0;
  for (let i = 0; i < hl; i += 2) sum += b.readUInt16BE(offset + i);
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  b.writeUInt16BE(~sum & 0xffff, offset + 10);
}

/** What the router received: the probe with TTL 1 left, then the path's edits. */
function arrived(sent: Buffer, edits: Edit[] = []): Buffer {
  const b = Buffer.from(sent);
  b[8] = 1;
  for (const e of edits) e(b);
  fixIpChecksum(b);
  return b;
}

/** A Time Exceeded from ROUTER quoting `quote` whole (as Linux does for small probes), with 0xa5 bytes in front. */
function timeExceeded(quote: Buffer, lead = 3): { bytes: Buffer; offset: number; length: number } {
  const error = encodePacket({ ip: { src: ROUTER, dst: SRC, ttl: 64 }, icmp: { kind: 'time-exceeded', code: 0 }, payload: quote });
  const bytes = Buffer.alloc(lead + error.length, 0xa5);
  error.copy(bytes, lead);
  return { bytes, offset: lead, length: error.length };
}

function probe(init: Partial<PacketInit> & { ipExtra?: Record<string, unknown> }): Buffer {
  const ip = { src: SRC, dst: DST, ttl: 5, tos: 0xb8, id: 0x1234, flags: { df: true }, ...(init.ipExtra ?? {}) };
  return encodePacket({ ...init, ip } as PacketInit);
}

const udpProbe = (): Buffer => probe({ udp: { srcPort: 40000, dstPort: 33440 }, payload: Buffer.alloc(32, 0x40) });
const tcpProbe = (): Buffer =>
  probe({ tcp: { srcPort: 40001, dstPort: 80, sequence: 0x01020304, flags: { syn: true }, window: 64240 } });
const icmpProbe = (): Buffer => probe({ icmp: { kind: 'echo-request', identifier: 7, sequence: 1, data: Buffer.alloc(32, 0x40) } });

function compare(sent: Buffer, quote: Buffer, expectedTtl: number | null = 1): HeaderChange[] {
  const e = timeExceeded(quote);
  const inner = quotedHeaderOffset(e.bytes, e.offset, e.length);
  return compareQuoted(sent, 0, sent.length, e.bytes, inner, e.offset + e.length - inner, { expectedTtl });
}

test('quotedHeaderOffset finds the quoted header inside an ICMP error, at any offset; -1 for anything else', (t) => {
  const sent = udpProbe();
  const e = timeExceeded(arrived(sent), 5);
  t.is(quotedHeaderOffset(e.bytes, e.offset, e.length), 5 + 20 + 8);
  t.is(quotedHeaderOffset(sent, 0, sent.length), -1, 'a UDP datagram is no ICMP error');
  const reply = encodePacket({ ip: { src: DST, dst: SRC }, icmp: { kind: 'echo-reply', identifier: 1, sequence: 1, data: Buffer.alloc(40) } });
  t.is(quotedHeaderOffset(reply, 0, reply.length), -1, 'an echo reply quotes nothing');
  t.is(quotedHeaderOffset(e.bytes, e.offset, 20 + 8 + 19), -1, 'a quote shorter than an IPv4 header');
});

test('a quote of exactly what we sent (TTL 1 left) shows no change, for ICMP, UDP and TCP probes', (t) => {
  for (const sent of [icmpProbe(), udpProbe(), tcpProbe()]) t.deepEqual(compare(sent, arrived(sent)), []);
});

test('TOS re-marked: tos sent 0xb8, quoted 0x20', (t) => {
  const sent = udpProbe();
  t.deepEqual(compare(sent, arrived(sent, [(b) => (b[1] = 0x20)])), [{ field: 'tos', sent: 0xb8, quoted: 0x20 }]);
});

test('DF cleared, IP id changed, total length changed: one change each', (t) => {
  const sent = udpProbe();
  t.deepEqual(compare(sent, arrived(sent, [(b) => (b[6] = b[6]! & ~0x40)])), [{ field: 'df', sent: 1, quoted: 0 }]);
  t.deepEqual(compare(sent, arrived(sent, [(b) => b.writeUInt16BE(0xbeef, 4)])), [{ field: 'id', sent: 0x1234, quoted: 0xbeef }]);
  t.deepEqual(compare(sent, arrived(sent, [(b) => b.writeUInt16BE(sent.length + 4, 2)])), [{ field: 'length', sent: 60, quoted: 64 }]);
});

test('options stripped: the options (hex) and the total length both change; options rewritten in place too', (t) => {
  const sent = probe({ ipExtra: { options: [{ kind: 'router-alert', value: 0 }] }, udp: { srcPort: 40000, dstPort: 33440 }, payload: Buffer.alloc(8) });
  t.is((sent[0]! & 0x0f) * 4, 24);
  // A middlebox drops the 4 option bytes: IHL 5, 4 bytes shorter.
  const stripped = Buffer.concat([sent.subarray(0, 20), sent.subarray(24)]);
  stripped[0] = 0x45;
  stripped.writeUInt16BE(sent.length - 4, 2);
  const changes = compare(sent, arrived(stripped));
  t.deepEqual(changes, [
    { field: 'length', sent: sent.length, quoted: sent.length - 4 },
    { field: 'options', sent: '94040000', quoted: '' },
  ]);
  const rewritten = compare(sent, arrived(sent, [(b) => (b[22] = 0x00), (b) => (b[23] = 0x01)]));
  t.deepEqual(rewritten, [{ field: 'options', sent: '94040000', quoted: '94040001' }]);
});

test('the quoted TTL is reported when it is not 1 (a router that decrements first quotes 0), and never when not asked', (t) => {
  const sent = icmpProbe();
  t.deepEqual(compare(sent, arrived(sent, [(b) => (b[8] = 0)])), [{ field: 'ttl', sent: 5, quoted: 0 }]);
  t.deepEqual(compare(sent, arrived(sent, [(b) => (b[8] = 3)])), [{ field: 'ttl', sent: 5, quoted: 3 }]);
  t.deepEqual(compare(sent, arrived(sent, [(b) => (b[8] = 3)]), null), [], 'expectedTtl null: no TTL comparison');
});

test('NAT: source address, UDP ports and checksum', (t) => {
  const sent = udpProbe();
  const natted = arrived(sent, [
    (b) => b.set([198, 51, 100, 9], 12),
    (b) => b.writeUInt16BE(1025, 20),
    (b) => b.writeUInt16BE(0xabcd, 26),
  ]);
  t.deepEqual(compare(sent, natted), [
    { field: 'src', sent: SRC, quoted: '198.51.100.9' },
    { field: 'srcPort', sent: 40000, quoted: 1025 },
    { field: 'checksum', sent: sent.readUInt16BE(26), quoted: 0xabcd },
  ]);
  const redirected = compare(sent, arrived(sent, [(b) => b.writeUInt16BE(53, 22)]));
  t.deepEqual(redirected, [{ field: 'dstPort', sent: 33440, quoted: 53 }]);
});

test('TCP: ports, sequence number and checksum (the checksum only when the quote reaches it)', (t) => {
  const sent = tcpProbe();
  const changed = arrived(sent, [(b) => b.writeUInt16BE(2000, 20), (b) => b.writeUInt32BE(0xdeadbeef, 24), (b) => b.writeUInt16BE(0x1111, 36)]);
  t.deepEqual(compare(sent, changed), [
    { field: 'srcPort', sent: 40001, quoted: 2000 },
    { field: 'seq', sent: 0x01020304, quoted: 0xdeadbeef },
    { field: 'checksum', sent: sent.readUInt16BE(36), quoted: 0x1111 },
  ]);
  // RFC 792's minimum quote: the IPv4 header and 8 bytes. Ports and sequence are there, the checksum is not.
  const short = changed.subarray(0, 28);
  t.deepEqual(
    compare(sent, Buffer.from(short)).map((c) => c.field),
    ['srcPort', 'seq'],
  );
});

test('different protocols in the quote: IP fields only', (t) => {
  const sent = udpProbe();
  const other = arrived(sent, [(b) => (b[9] = 6)]);
  t.deepEqual(compare(sent, other), []);
});

test('ChangeTracker: a change is reported at the first hop that shows it, not again; a new value is', (t) => {
  const tracker = new ChangeTracker();
  const tos = (quoted: number): HeaderChange => ({ field: 'tos', sent: 0xb8, quoted });
  t.deepEqual(tracker.hop([[], [], []]), [], 'hop 1 quotes what we sent');
  t.deepEqual(tracker.hop([]), [], 'hop 2: no quote at all (silent, or an echo reply)');
  t.deepEqual(tracker.hop([[tos(0x20)], [tos(0x20)]]), [tos(0x20)], 'hop 3: first seen');
  t.deepEqual(tracker.hop([[tos(0x20)]]), [], 'hop 4: the same rewrite, already reported');
  t.deepEqual(tracker.hop([[tos(0x00)]]), [tos(0x00)], 'hop 5: re-marked again');
});

test('ChangeTracker: per-probe fields once (they differ every probe); the quoted TTL at every hop; field order kept', (t) => {
  const tracker = new ChangeTracker();
  const id = (sent: number, quoted: number): HeaderChange => ({ field: 'id', sent, quoted });
  const ttl: HeaderChange = { field: 'ttl', sent: 3, quoted: 0 };
  const df: HeaderChange = { field: 'df', sent: 1, quoted: 0 };
  t.deepEqual(tracker.hop([[id(1, 9000)], [id(2, 9123)]]), [id(1, 9000)]);
  t.deepEqual(tracker.hop([[ttl, id(4, 77)]]), [ttl]);
  t.deepEqual(tracker.hop([[ttl, df]]), [df, ttl]);
});
