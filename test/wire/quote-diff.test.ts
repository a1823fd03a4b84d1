// The whole-quote comparison (lib/wire/quote-diff.ts) on hand-built quotes of a realistic SYN
// (Linux's options), UDP and ICMP probes: each field a middlebox changes named by field, each TCP
// option by kind, ECN apart from DSCP, the data compared byte by byte; a short quote reports
// nothing it does not reach, and says what it left unknown. (The IPv4 fields: trace-changes.test.ts.)
import test from 'ava';
import { compareQuoted, fieldEnd, unknownPart, type HeaderChange } from '../../lib/wire/quote-diff.js';
import { encodePacket } from '../../lib/wire/packet.js';
import { encodePacket6 } from '../../lib/wire/packet6.js';
import { DEFAULT_SYN_OPTIONS, encodeSynOptions } from '../../lib/wire/tcp-options.js';

const SRC = '203.0.113.1';
const DST = '203.0.113.6';

function syn(flags: Record<string, boolean> = { syn: true }, tos = 0): Buffer {
  return encodePacket({
    ip: { src: SRC, dst: DST, ttl: 1, tos, id: 7 },
    tcp: { srcPort: 40001, dstPort: 80, sequence: 5000, flags, window: 64240, options: encodeSynOptions(DEFAULT_SYN_OPTIONS) },
  });
}

const udp = (): Buffer => encodePacket({ ip: { src: SRC, dst: DST, ttl: 1, tos: 2 }, udp: { srcPort: 40000, dstPort: 33434 }, payload: Buffer.from('@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_') });

/** The comparison of `sent` with itself after `edit`, quoted `bytes` long. */
function diff(sent: Buffer, edit: (b: Buffer) => void, bytes = sent.length): HeaderChange[] {
  const q = Buffer.from(sent);
  edit(q);
  return compareQuoted(sent, 0, sent.length, q, 0, bytes);
}

test('a quote of what we sent: nothing, even the IP checksum rewritten for the TTL', (t) => {
  for (const p of [syn(), udp()]) t.deepEqual(diff(p, (b) => b.writeUInt16BE(0x1234, 10)), []);
});

test('MSS clamped, an option reset to NOPs, an option added, a value changed: each by name', (t) => {
  const s = syn();
  const options = 40; // IP 20 + TCP fixed 20
  t.deepEqual(diff(s, (b) => b.writeUInt16BE(1300, options + 2)), [{ field: 'tcpOption', option: 'mss', sent: 1460, quoted: 1300 }]);
  t.deepEqual(diff(s, (b) => b.fill(1, options + 4, options + 6)), [{ field: 'tcpOption', option: 'sackOK', sent: '', quoted: null }]);
  t.deepEqual(diff(s, (b) => b.fill(1, options + 17, options + 20)), [{ field: 'tcpOption', option: 'wscale', sent: 7, quoted: null }]);
  t.deepEqual(diff(s, (b) => (b[options + 19] = 2)), [{ field: 'tcpOption', option: 'wscale', sent: 7, quoted: 2 }]);
  t.deepEqual(diff(s, (b) => b.writeUInt32BE(99, options + 8)), [{ field: 'tcpOption', option: 'timestamps', sent: '0,0', quoted: '99,0' }]);
  // Another kind written over sackOK: one removed, one added.
  t.deepEqual(diff(s, (b) => b.set([30, 2], options + 4)), [
    { field: 'tcpOption', option: 'sackOK', sent: '', quoted: null },
    { field: 'tcpOption', option: 'kind 30', sent: null, quoted: '' },
  ]);
});

test('TCP fields: seq, ack, data offset, flags (ECE and CWR cleared), window, checksum, urgent', (t) => {
  const s = syn({ syn: true, ece: true, cwr: true }, 2);
  const t0 = 20;
  t.deepEqual(diff(s, (b) => b.writeUInt32BE(6000, t0 + 4)), [{ field: 'seq', sent: 5000, quoted: 6000 }]);
  t.deepEqual(diff(s, (b) => b.writeUInt32BE(1, t0 + 8)), [{ field: 'ack', sent: 0, quoted: 1 }]);
  t.deepEqual(diff(s, (b) => (b[t0 + 13] = 0x02)), [{ field: 'tcpFlags', sent: 0xc2, quoted: 0x02 }]);
  t.deepEqual(diff(s, (b) => b.writeUInt16BE(1000, t0 + 14)), [{ field: 'window', sent: 64240, quoted: 1000 }]);
  t.deepEqual(diff(s, (b) => b.writeUInt16BE(5, t0 + 18)), [{ field: 'urgent', sent: 0, quoted: 5 }]);
  t.deepEqual(diff(s, (b) => (b[1] = 0)), [{ field: 'ecn', sent: 2, quoted: 0 }], 'ECN bleached: ecn only, not tos');
  t.deepEqual(diff(s, (b) => (b[1] = 0x22)), [{ field: 'tos', sent: 2, quoted: 0x22 }], 'DSCP re-marked, ECN kept: tos only');
  // The MSS option stripped for real: the header is a word shorter, and the MSS is gone.
  const stripped = Buffer.concat([s.subarray(0, 40), s.subarray(44)]);
  stripped[t0 + 12] = 0x90 | (stripped[t0 + 12]! & 0x0f); // data offset 9
  stripped.writeUInt16BE(stripped.length, 2);
  t.deepEqual(compareQuoted(s, 0, s.length, stripped, 0, stripped.length), [
    { field: 'length', sent: 60, quoted: 56 },
    { field: 'dataOffset', sent: 10, quoted: 9 },
    { field: 'tcpOption', option: 'mss', sent: 1460, quoted: null },
  ]);
});

test('NAT on the destination address; UDP length and data bytes changed', (t) => {
  const u = udp();
  t.deepEqual(diff(u, (b) => b.set([198, 51, 100, 77], 16)), [{ field: 'dst', sent: DST, quoted: '198.51.100.77' }]);
  t.deepEqual(diff(u, (b) => b.writeUInt16BE(20, 24)), [{ field: 'udpLength', sent: 40, quoted: 20 }]);
  t.deepEqual(diff(u, (b) => b.fill(0, 28 + 4, 28 + 6)), [{ field: 'payload', at: 4, sent: '4445', quoted: '0000' }]);
});

test('a quote of 28 bytes: nothing past it is reported (the MSS clamp is unknown there), and unknownPart names it', (t) => {
  const s = syn();
  const clamp = (b: Buffer): void => void b.writeUInt16BE(1300, 42);
  t.deepEqual(diff(s, clamp, 28), []);
  t.deepEqual(diff(s, clamp, 43), [], 'the quote ends inside the MSS option: unknown, not removed');
  t.deepEqual(diff(s, (b) => b.fill(1, 44, 46), 50), [], 'cut inside timestamps: sackOK not called removed');
  t.is(unknownPart(s, 0, s.length, 28), 'tcp header from byte 8');
  t.is(unknownPart(s, 0, s.length, 48), 'tcp options');
  t.is(unknownPart(s, 0, s.length, 60), null);
  t.is(unknownPart(udp(), 0, 60, 40), 'data from byte 12');
  t.is(unknownPart(s, 0, s.length, 20), 'tcp header from byte 0');
  t.is(fieldEnd(s, 0, { field: 'tcpOption', option: 'mss', sent: 1460, quoted: 1300 }), 60);
  t.is(fieldEnd(s, 0, { field: 'seq', sent: 1, quoted: 2 }), 28);
  t.is(fieldEnd(s, 0, { field: 'ecn', sent: 2, quoted: 0 }), 20);
});

test('IPv6 quotes: ECN apart from the traffic class, flow label, destination, and the same TCP options by kind', (t) => {
  const s = encodePacket6({
    ip: { src: '2001:db8::1', dst: '2001:db8::6', hopLimit: 1, trafficClass: 0xba, flowLabel: 0x12345 },
    tcp: { srcPort: 40001, dstPort: 80, sequence: 5000, flags: { syn: true }, window: 64240, options: encodeSynOptions(DEFAULT_SYN_OPTIONS) },
  });
  t.deepEqual(diff(s, () => undefined), []);
  // Traffic class 0xba: DSCP EF, ECT(0). Its 8 bits straddle bytes 0 and 1.
  t.deepEqual(diff(s, (b) => (b[1] = b[1]! & 0xcf)), [{ field: 'ecn', sent: 2, quoted: 0 }]);
  t.deepEqual(diff(s, (b) => { b[0] = 0x60; b[1] = 0x21 | (b[1]! & 0x0f); }), [{ field: 'tclass', sent: 0xba, quoted: 0x02 }]);
  t.deepEqual(diff(s, (b) => b.writeUInt16BE(0x1111, 2)), [{ field: 'flow', sent: 0x12345, quoted: 0x11111 }]);
  t.deepEqual(diff(s, (b) => (b[39] = 9)), [{ field: 'dst', sent: '2001:db8::6', quoted: '2001:db8::9' }]);
  t.deepEqual(diff(s, (b) => b.writeUInt16BE(1220, 40 + 22)), [{ field: 'tcpOption', option: 'mss', sent: 1460, quoted: 1220 }]);
  t.is(unknownPart(s, 0, s.length, 48), 'tcp header from byte 8');
  t.is(fieldEnd(s, 0, { field: 'tcpOption', option: 'mss', sent: 1460, quoted: 1220 }), 80);
});
