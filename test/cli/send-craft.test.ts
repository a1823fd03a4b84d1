// lib/craft, the library under `rawprobe send`: IP options from text, TCP flags, the packet a
// CraftSpec builds, the kernel's IP_HDRINCL changes predicted, and reply matching. No privilege.
import test from 'ava';
import {
  HDRINCL_RULES,
  ReplyMatcher,
  asSent,
  buildPacket,
  kernelChanges,
  parseIpOption,
  parseTcpFlags,
  protocolNumber,
} from '../../lib/craft/index.js';
import { ParseError, EncodeError, decodePacket, encodePacket } from '../../lib/wire/index.js';
import { internetChecksum } from '../../lib/wire/checksum.js';

test('parseIpOption: each text form encodes to the RFC 791 bytes', (t) => {
  const bytes = (text: string): string =>
    encodePacket({ ip: { src: '127.0.0.1', dst: '127.0.0.1', protocol: 253, options: [parseIpOption(text)] } }).subarray(20).toString('hex');
  t.is(bytes('nop'), '01000000');
  t.is(bytes('eol'), '00000000');
  t.is(bytes('rr:2'), '070b04' + '00'.repeat(8) + '00');
  t.is(bytes('rr').length, 80, 'rr defaults to 9 slots: 39 bytes + 1 padding');
  t.is(bytes('ts:1'), '44080500' + '00000000');
  t.is(bytes('tsaddr:1'), '440c0501' + '00'.repeat(8));
  t.is(bytes('lsrr:192.0.2.1,198.51.100.2'), '830b04c0000201c6336402' + '00');
  t.is(bytes('ssrr:192.0.2.1'), '890704c0000201' + '00');
  t.is(bytes('ra'), '94040000');
  t.is(bytes('ra:1'), '94040001');
  t.is(bytes('raw:8204abcd'), '8204abcd');
  t.is(bytes('raw:44ff01'), '44ff0100', 'a wrong length is written as given');
});

test('parseIpOption: bad text says what is allowed', (t) => {
  t.throws(() => parseIpOption('xyz'), { instanceOf: ParseError, message: /unknown option \(allowed nop, eol, rr\[:N\]/ });
  t.throws(() => parseIpOption('rr:10'), { instanceOf: ParseError, message: /slot count 0-9/ });
  t.throws(() => parseIpOption('lsrr'), { instanceOf: ParseError, message: /give the route/ });
  t.throws(() => parseIpOption('lsrr:1.2.3'), { instanceOf: ParseError, message: /not an IPv4 address/ });
  t.throws(() => parseIpOption('raw:zz'), { instanceOf: ParseError });
});

test('parseTcpFlags: tcpdump letters and names', (t) => {
  t.deepEqual(parseTcpFlags('S'), { syn: true });
  t.deepEqual(parseTcpFlags('S.'), { syn: true, ack: true });
  t.deepEqual(parseTcpFlags('SA'), { syn: true, ack: true });
  t.deepEqual(parseTcpFlags('FPU'), { fin: true, psh: true, urg: true });
  t.deepEqual(parseTcpFlags('syn,ack'), { syn: true, ack: true });
  t.deepEqual(parseTcpFlags('none'), {});
  t.throws(() => parseTcpFlags('SX'), { instanceOf: EncodeError, message: /"X" is not a TCP flag letter/ });
  t.throws(() => parseTcpFlags('syn,foo'), { instanceOf: EncodeError, message: /"foo" is not a TCP flag/ });
});

test('protocolNumber: names and numbers', (t) => {
  t.is(protocolNumber('icmp'), 1);
  t.is(protocolNumber('UDP'), 17);
  t.is(protocolNumber('47'), 47);
  t.throws(() => protocolNumber('256'), { instanceOf: EncodeError });
  t.throws(() => protocolNumber('gre'), { instanceOf: EncodeError });
});

test('buildPacket: every field given lands where RFC 791 puts it; computed ones are right', (t) => {
  const b = encodePacket(
    buildPacket({
      src: '192.0.2.1', dst: '198.51.100.2', ttl: 7, tos: 0xb8, id: 0x1234, df: true, reserved: true,
      icmp: { identifier: 0x4242, sequence: 9 }, payload: Buffer.from('hi'),
    }),
  );
  t.is(b.toString('hex', 0, 20), '45b8001e' + '1234' + 'c000' + '07' + '01' + b.toString('hex', 10, 12) + 'c0000201c6336402');
  t.is(internetChecksum(b, 0, 20), 0, 'header checksum right');
  const p = decodePacket(b);
  t.like(p.icmp, { kind: 'echo-request', identifier: 0x4242, sequence: 9, checksumValid: true });
  const frag = decodePacket(encodePacket(buildPacket({ src: '192.0.2.1', dst: '192.0.2.2', protocol: 17, mf: true, fragmentOffset: 185, udp: { srcPort: 1, dstPort: 2 } })));
  t.like(frag.ip, { fragmentOffset: 185, flags: { mf: true, df: false, reserved: false } });
});

test('buildPacket: wrong values on purpose are written as given', (t) => {
  const b = encodePacket(
    buildPacket({ src: '192.0.2.1', dst: '192.0.2.2', ihl: 6, totalLength: 999, checksum: 0xdead, udp: { srcPort: 1, dstPort: 2, length: 3, checksum: 0xbeef } }),
  );
  t.is(b[0], 0x46);
  t.is(b.readUInt16BE(2), 999);
  t.is(b.readUInt16BE(10), 0xdead);
  t.is(b.readUInt16BE(24), 3);
  t.is(b.readUInt16BE(26), 0xbeef);
});

test('buildPacket: ICMP of other types; the default echo identifier is the process id', (t) => {
  const unreach = decodePacket(encodePacket(buildPacket({ src: '192.0.2.1', dst: '192.0.2.2', icmp: { type: 3, code: 3 }, payload: encodePacket({ ip: { src: '192.0.2.2', dst: '192.0.2.1' }, udp: { srcPort: 5, dstPort: 6 } }) })));
  t.like(unreach.icmp, { kind: 'destination-unreachable', code: 3 });
  t.like((unreach.icmp as { quoted: { udp: unknown } }).quoted.udp, { srcPort: 5, dstPort: 6 });
  const unknown = encodePacket(buildPacket({ src: '192.0.2.1', dst: '192.0.2.2', icmp: { type: 42, identifier: 1, sequence: 2 } }));
  t.is(unknown.toString('hex', 20), '2a00' + unknown.toString('hex', 22, 24) + '00010002');
  t.like(decodePacket(encodePacket(buildPacket({ src: '192.0.2.1', dst: '192.0.2.2', icmp: {} }))).icmp, { identifier: process.pid & 0xffff, sequence: 1 });
  t.throws(() => buildPacket({ src: '192.0.2.1', dst: '192.0.2.2', icmp: { type: 11, identifier: 1 } }), { instanceOf: EncodeError, message: /has no identifier/ });
});

test('raw(7) rules as data: the four fields, in its order', (t) => {
  t.deepEqual(HDRINCL_RULES.map((r) => [r.field, r.when]), [['checksum', 'always'], ['src', 'zero'], ['id', 'zero'], ['totalLength', 'always']]);
});

test('kernelChanges: nothing for a right packet with src and id; each rule when it applies', (t) => {
  const base = { src: '127.0.0.1', dst: '127.0.0.1', id: 5 };
  const ok = encodePacket({ ip: base, icmp: { kind: 'echo-request' } });
  t.deepEqual(kernelChanges(ok), []);
  const lying = encodePacket({ ip: { ...base, totalLength: 200, checksum: 0xdead }, icmp: { kind: 'echo-request' } });
  t.deepEqual(
    kernelChanges(lying).map((c) => [c.field, c.given, c.sent]),
    [['totalLength', 200, 28], ['checksum', 0xdead, internetChecksum(asSent(lying).subarray(0, 20).fill(0, 10, 12), 0, 20)]],
  );
  const zeros = encodePacket({ ip: { ...base, src: '0.0.0.0', id: 0 }, icmp: { kind: 'echo-request' } });
  t.deepEqual(kernelChanges(zeros).map((c) => [c.field, c.sent]), [['src', null], ['id', null], ['checksum', null]]);
  const df = encodePacket({ ip: { ...base, id: 0, flags: { df: true } }, icmp: { kind: 'echo-request' } });
  t.deepEqual(kernelChanges(df), [], 'with DF the kernel leaves id 0 alone');
});

test('asSent: what leaves, given the values the kernel chose', (t) => {
  const built = encodePacket({ ip: { src: '0.0.0.0', dst: '127.0.0.1', id: 0, totalLength: 3, checksum: 1 }, icmp: { kind: 'echo-request' } });
  const out = asSent(built, { src: 0x7f000001, id: 0x7777 });
  t.is(out.readUInt32BE(12), 0x7f000001);
  t.is(out.readUInt16BE(4), 0x7777);
  t.is(out.readUInt16BE(2), 28);
  t.is(internetChecksum(out, 0, 20), 0);
  t.deepEqual(out.subarray(20), built.subarray(20), 'nothing after the header changes');
  t.is(built.readUInt16BE(2), 3, 'the input is not modified');
});

test('ReplyMatcher: echo replies by id/seq and source; errors by the quoted packet; TCP/UDP by reversed ports', (t) => {
  const m = new ReplyMatcher();
  const echo = encodePacket({ ip: { src: '127.0.0.1', dst: '127.0.0.2' }, icmp: { kind: 'echo-request', identifier: 0x1111, sequence: 1 } });
  const udp = encodePacket({ ip: { src: '127.0.0.1', dst: '127.0.0.2' }, udp: { srcPort: 40000, dstPort: 33434 } });
  const tcp = encodePacket({ ip: { src: '127.0.0.1', dst: '127.0.0.2' }, tcp: { srcPort: 40001, dstPort: 80, flags: { syn: true } } });
  m.noteSent(echo, 1000);
  m.noteSent(udp, 2000);
  m.noteSent(tcp, 3000);
  t.false(m.allAnswered);
  t.is(m.match(echo), null, 'our own request seen on loopback is not a reply');
  t.is(m.match(encodePacket({ ip: { src: '127.0.0.9', dst: '127.0.0.1' }, icmp: { kind: 'echo-reply', identifier: 0x1111, sequence: 1 } })), null, 'from someone else');
  t.is(m.match(encodePacket({ ip: { src: '127.0.0.2', dst: '127.0.0.1' }, icmp: { kind: 'echo-reply', identifier: 0x1111, sequence: 2 } })), null, 'another sequence');
  t.deepEqual(m.match(encodePacket({ ip: { src: '127.0.0.2', dst: '127.0.0.1' }, icmp: { kind: 'echo-reply', identifier: 0x1111, sequence: 1 } })), { kind: 'echo-reply', probe: 0, sentAt: 1000 });
  const unreachable = encodePacket({ ip: { src: '127.0.0.2', dst: '127.0.0.1' }, icmp: { kind: 'destination-unreachable', code: 3 }, payload: udp.subarray(0, 28) });
  t.deepEqual(m.match(unreachable), { kind: 'icmp-error', probe: 1, sentAt: 2000 });
  t.is(m.match(tcp), null, 'our own SYN, seen coming in');
  const rst = encodePacket({ ip: { src: '127.0.0.2', dst: '127.0.0.1' }, tcp: { srcPort: 80, dstPort: 40001, flags: { rst: true, ack: true } } });
  t.deepEqual(m.match(rst), { kind: 'tcp', probe: 2, sentAt: 3000 });
  t.true(m.allAnswered);
});
