import test from 'ava';
import { internetChecksum } from '../../lib/wire/checksum.js';
import { decodeExtensions, encodeExtensions } from '../../lib/wire/icmp-extensions.js';
import { parseIpv6 } from '../../lib/wire/ipv6-address.js';

/** A version 2 structure around `objects`, its checksum right. */
function structure(objects: Buffer): Buffer {
  const b = Buffer.concat([Buffer.from('20000000', 'hex'), objects]);
  b.writeUInt16BE(internetChecksum(b), 2);
  return b;
}

test('RFC 5837 interface information: role, ifIndex, IPv6 address, name, MTU, as the c-type says', (t) => {
  // c-type 0x0f: role 0 (incoming), ifIndex, IP address, name, MTU all present.
  const payload = Buffer.concat([
    Buffer.from('00000007', 'hex'),
    Buffer.from('00020000', 'hex'),
    parseIpv6('2001:db8::2'),
    Buffer.from([8, 0x65, 0x74, 0x68, 0x30, 0, 0, 0]),
    Buffer.from('000005dc', 'hex'),
  ]);
  const object = Buffer.concat([Buffer.from([0, 4 + payload.length, 2, 0x0f]), payload]);
  const s = decodeExtensions(structure(object), 0, 4 + object.length);
  t.like(s, { version: 2, checksumValid: true });
  t.deepEqual(s!.objects, [{ kind: 'interface-information', classNum: 2, cType: 0x0f, length: 40, role: 0, ifIndex: 7, address: '2001:db8::2', name: 'eth0', mtu: 1500 }]);
  // Role 2 (outgoing) with an IPv4 address only.
  const v4 = Buffer.from('000c0284' + '00010000' + 'c0000201', 'hex');
  t.like(decodeExtensions(structure(v4), 0, 16)!.objects[0], { kind: 'interface-information', role: 2, ifIndex: null, address: '192.0.2.1', name: null, mtu: null });
  // Fields that do not fill the object exactly: kept raw.
  const short = Buffer.from('000c020f' + '00000001' + '00000002', 'hex');
  t.like(decodeExtensions(structure(short), 0, 16)!.objects[0], { kind: 'unknown', classNum: 2, cType: 0x0f });
});

test('not a structure: wrong version, an object of length < 4 or past the end; checksum 0 is "none"', (t) => {
  t.is(decodeExtensions(Buffer.from('10000000', 'hex'), 0, 4), null);
  t.is(decodeExtensions(structure(Buffer.from('00020101', 'hex')), 0, 8), null);
  t.is(decodeExtensions(structure(Buffer.from('00100101', 'hex')), 0, 8), null);
  const none = Buffer.from('20000000' + '000401ff', 'hex');
  t.like(decodeExtensions(none, 0, 8), { checksum: 0, checksumValid: null });
  const bad = structure(Buffer.from('000401ff', 'hex'));
  bad[3] = bad[3]! ^ 1;
  t.like(decodeExtensions(bad, 0, 8), { checksumValid: false });
});

test('encodeExtensions: MPLS stacks by their entries, other objects raw, checksum over everything', (t) => {
  const b = encodeExtensions([
    { kind: 'mpls-label-stack', entries: [{ label: 16, tc: 5, ttl: 255 }, { label: 0xfffff, s: true, ttl: 1 }] },
    { kind: 'unknown', classNum: 4, cType: 9, data: Buffer.from('abcd', 'hex') },
  ]);
  const s = decodeExtensions(b, 0, b.length)!;
  t.true(s.checksumValid as boolean);
  t.deepEqual(s.objects[0], { kind: 'mpls-label-stack', classNum: 1, cType: 1, length: 12, entries: [{ label: 16, tc: 5, s: false, ttl: 255 }, { label: 0xfffff, tc: 0, s: true, ttl: 1 }] });
  t.like(s.objects[1], { kind: 'unknown', classNum: 4, cType: 9, length: 6 });
  t.is(encodeExtensions([], false).toString('hex'), '20000000');
});
