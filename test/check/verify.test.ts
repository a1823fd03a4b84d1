// verifyIpv4 and applyFixes against packets built by lib/wire's encoder: each verdict, the
// expected values (they must be the encoder's own checksums), the edge cases tshark decides the
// same way (UDP 0, TCP 0xffff, offload), and the fix-up restoring the encoder's bytes.
import test from 'ava';
import fc from 'fast-check';
import {
  ChecksumTally,
  LAYER,
  STATUS,
  UNVERIFIABLE,
  applyFixes,
  newPacketChecksums,
  verifyIpv4,
  type PacketChecksums,
} from '../../lib/check/index.js';
import { encodePacket, type PacketInit } from '../../lib/wire/index.js';
import { incrementalUpdate, pseudoHeaderSum, sum16 } from '../../lib/wire/checksum.js';

const ip = { src: '198.51.100.7', dst: '203.0.113.9', id: 0x4242, ttl: 9 };
const ICMP: PacketInit = { ip, icmp: { kind: 'echo-request', identifier: 0x1234, sequence: 7, data: Buffer.from('abcdefghij') } };
const UDP: PacketInit = { ip, udp: { srcPort: 40000, dstPort: 33434 }, payload: Buffer.from('hello, udp!') };
const TCP: PacketInit = { ip, tcp: { srcPort: 50000, dstPort: 5001, sequence: 1, flags: { syn: true }, window: 1024 }, payload: Buffer.from('tcp data') };

/** Byte offset of each layer's checksum in these 20-byte-header packets. */
const SUM_AT = { ipv4: 10, icmp: 22, udp: 26, tcp: 36 } as const;

function check(bytes: Uint8Array, offset = 0, length = bytes.length - offset): PacketChecksums {
  return { ...verifyIpv4(bytes, offset, length, newPacketChecksums()) };
}

function spoil(b: Buffer, at: number): number {
  const right = b.readUInt16BE(at);
  b.writeUInt16BE(right ^ 0x0101, at);
  return right;
}

for (const [name, init, layer] of [['ICMP', ICMP, LAYER.ICMP], ['UDP', UDP, LAYER.UDP], ['TCP', TCP, LAYER.TCP]] as const) {
  test(`${name}: a packet from the encoder is good at both layers`, (t) => {
    const b = encodePacket(init);
    const r = check(b);
    t.is(r.malformed, null);
    t.is(r.ipv4, STATUS.GOOD);
    t.is(r.ipv4Expected, b.readUInt16BE(10));
    t.is(r.transport, layer);
    t.is(r.transportStatus, STATUS.GOOD);
    t.is(r.transportOffset, 20);
  });

  test(`${name}: a bad transport checksum is bad, and expected is the encoder's value`, (t) => {
    const b = encodePacket(init);
    const key = name.toLowerCase() as 'icmp' | 'udp' | 'tcp';
    const right = spoil(b, SUM_AT[key]);
    const r = check(b);
    t.is(r.ipv4, STATUS.GOOD);
    t.is(r.transportStatus, STATUS.BAD);
    t.is(r.transportFound, right ^ 0x0101);
    t.is(r.transportExpected, right);
    t.false(r.offloaded);
  });

  test(`${name}: a bad IPv4 header checksum is bad, the transport still good`, (t) => {
    const b = encodePacket(init);
    const right = spoil(b, SUM_AT.ipv4);
    const r = check(b);
    t.is(r.ipv4, STATUS.BAD);
    t.is(r.ipv4Expected, right);
    t.is(r.transportStatus, STATUS.GOOD);
  });

  test(`${name}: cut by a snaplen, the transport is unverifiable and the header still checked`, (t) => {
    const b = encodePacket(init);
    const r = check(b.subarray(0, b.length - 3));
    t.is(r.ipv4, STATUS.GOOD);
    t.is(r.transportStatus, STATUS.UNVERIFIABLE);
    t.is(r.unverifiable, UNVERIFIABLE.TRUNCATED);
    t.is(r.transportExpected, -1);
  });

  test(`${name}: applyFixes writes the encoder's bytes back`, (t) => {
    const original = encodePacket(init);
    const b = Buffer.from(original);
    spoil(b, SUM_AT.ipv4);
    spoil(b, SUM_AT[name.toLowerCase() as 'icmp' | 'udp' | 'tcp']);
    t.is(applyFixes(b, 0, check(b)), 2);
    t.deepEqual(b, original);
    t.is(applyFixes(b, 0, check(b)), 0, 'nothing left to fix');
  });
}

test('at a non-zero offset with Ethernet padding after the packet', (t) => {
  const p = encodePacket(UDP);
  const frame = Buffer.alloc(14 + p.length + 10, 0xa5);
  p.copy(frame, 14);
  const r = check(frame, 14, frame.length - 14);
  t.is(r.ipv4, STATUS.GOOD);
  t.is(r.transportStatus, STATUS.GOOD, 'the padding past the total length is not summed');
});

test('UDP checksum 0 is absent (none sent), not bad', (t) => {
  const b = encodePacket({ ...UDP, udp: { srcPort: 1, dstPort: 2, checksum: 0 } });
  const r = check(b);
  t.is(r.transportStatus, STATUS.ABSENT);
  t.is(r.transportExpected, 0);
});

test('a UDP/TCP checksum holding only the pseudo-header sum is bad and marked offloaded', (t) => {
  const b = encodePacket(UDP);
  const udpLength = b.length - 20;
  b.writeUInt16BE(pseudoHeaderSum(b.readUInt32BE(12), b.readUInt32BE(16), 17, udpLength), 26);
  const r = check(b);
  t.is(r.transportStatus, STATUS.BAD);
  t.true(r.offloaded);
  const tcp = encodePacket(TCP);
  tcp.writeUInt16BE(pseudoHeaderSum(tcp.readUInt32BE(12), tcp.readUInt32BE(16), 6, tcp.length - 20), 36);
  t.true(check(tcp).offloaded);
});

test('TCP checksum 0xffff where 0x0000 is right counts as bad (as tshark does), expected 0', (t) => {
  // Find a payload word that makes the right checksum 0x0000.
  const b = encodePacket(TCP);
  const word = b.readUInt16BE(40);
  const sum = b.readUInt16BE(36);
  let w = 0;
  while (incrementalUpdate(sum, word, w) !== 0) w++;
  const zero = encodePacket({ ...TCP, payload: Buffer.concat([Buffer.from([w >>> 8, w & 0xff]), TCP.payload!.subarray(2)]) });
  t.is(zero.readUInt16BE(36), 0, 'the encoder computes 0x0000');
  t.is(check(zero).transportStatus, STATUS.GOOD);
  zero.writeUInt16BE(0xffff, 36);
  const r = check(zero);
  t.is(r.transportStatus, STATUS.BAD);
  t.is(r.transportExpected, 0);
});

test('fragments: the first is unverifiable, later ones carry no transport header', (t) => {
  const first = encodePacket({ ...UDP, ip: { ...ip, flags: { mf: true } } });
  const r1 = check(first);
  t.is(r1.transportStatus, STATUS.UNVERIFIABLE);
  t.is(r1.unverifiable, UNVERIFIABLE.FRAGMENT);
  const later = encodePacket({ ip: { ...ip, protocol: 17, fragmentOffset: 3 }, payload: Buffer.alloc(16, 7) });
  const r2 = check(later);
  t.is(r2.ipv4, STATUS.GOOD);
  t.is(r2.transport, -1);
  t.is(r2.transportStatus, STATUS.NONE);
});

test('other protocols: only the header is checked', (t) => {
  const r = check(encodePacket({ ip: { ...ip, protocol: 47 }, payload: Buffer.alloc(8) }));
  t.is(r.ipv4, STATUS.GOOD);
  t.is(r.transport, -1);
});

test('malformed packets are named, with the offset of the broken field', (t) => {
  const good = encodePacket(TCP);
  const cases: [string, (b: Buffer) => void, RegExp, number][] = [
    ['version 6', (b) => (b[0] = 0x65), /version is not 4/, 0],
    ['IHL 4', (b) => (b[0] = 0x44), /IHL is below 5/, 0],
    ['total length below the header', (b) => b.writeUInt16BE(12, 2), /total length is less than the header/, 2],
    ['TCP data offset 4', (b) => (b[32] = 0x40), /data offset/, 32],
  ];
  for (const [what, edit, reason, offset] of cases) {
    const b = Buffer.from(good);
    edit(b);
    const r = check(b);
    t.regex(r.malformed ?? '', reason, what);
    t.is(r.malformedOffset, offset, what);
    t.is(r.ipv4, STATUS.NONE, `${what}: no layer counted`);
  }
  t.regex(check(Buffer.alloc(0)).malformed ?? '', /empty/);
  const shortUdp = encodePacket({ ip: { ...ip, protocol: 17 }, payload: Buffer.alloc(4) });
  t.regex(check(shortUdp).malformed ?? '', /UDP datagram shorter/);
});

test('a header cut by the capture is unverifiable, not malformed', (t) => {
  const r = check(encodePacket(ICMP).subarray(0, 14));
  t.is(r.malformed, null);
  t.is(r.ipv4, STATUS.UNVERIFIABLE);
});

test('ChecksumTally counts per layer and keeps each bad checksum with its file offset', (t) => {
  const tally = new ChecksumTally({ keepBad: 2 });
  const r = newPacketChecksums();
  const good = encodePacket(UDP);
  const bad = Buffer.from(good);
  spoil(bad, 26);
  spoil(bad, 10);
  tally.add(0, verifyIpv4(good, 0, good.length, r), 100);
  tally.add(1, verifyIpv4(bad, 0, bad.length, r), 200);
  tally.add(2, verifyIpv4(bad, 0, bad.length, r), 300);
  tally.addNotIpv4();
  const s = tally.summary();
  t.is(s.packets, 4);
  t.is(s.notIpv4, 1);
  t.deepEqual(s.layers.ipv4, { good: 1, bad: 2, unverifiable: 0, absent: 0 });
  t.deepEqual(s.layers.udp, { good: 1, bad: 2, unverifiable: 0, absent: 0 });
  t.is(s.badPacketCount, 2);
  t.is(s.bad.length, 2, 'keepBad caps the list');
  t.true(s.badListTruncated);
  t.deepEqual(s.bad[0], { index: 1, layer: 'ipv4', found: bad.readUInt16BE(10), expected: good.readUInt16BE(10), offloaded: false, fileOffset: 210 });
  t.deepEqual(s.bad[1], { index: 1, layer: 'udp', found: bad.readUInt16BE(26), expected: good.readUInt16BE(26), offloaded: false, fileOffset: 226 });
});

test('property: every encoded packet is good; any spoiled checksum is found, and its fix is the original', (t) => {
  fc.assert(
    fc.property(
      fc.constantFrom('icmp', 'udp', 'tcp'),
      fc.uint8Array({ maxLength: 300 }),
      fc.integer({ min: 0, max: 0xffff }),
      fc.integer({ min: 1, max: 0xffff }),
      fc.constantFrom('ipv4', 'transport'),
      (kind, payload, id, xor, which) => {
        const data = Buffer.from(payload);
        const base = { ip: { ...ip, id } };
        const init: PacketInit =
          kind === 'icmp'
            ? { ...base, icmp: { kind: 'echo-reply', identifier: id, sequence: 1, data } }
            : kind === 'udp'
              ? { ...base, udp: { srcPort: id, dstPort: 53 }, payload: data }
              : { ...base, tcp: { srcPort: id, dstPort: 80, flags: { ack: true } }, payload: data };
        const original = encodePacket(init);
        const r = check(original);
        if (r.ipv4 !== STATUS.GOOD || r.transportStatus !== STATUS.GOOD) return false;
        const b = Buffer.from(original);
        const at = which === 'ipv4' ? 10 : SUM_AT[kind];
        const right = b.readUInt16BE(at);
        const wrong = right ^ xor;
        // 0x0000 and 0xffff are the same number in one's complement: not a spoiled value
        // (except TCP, where tshark and we call 0xffff bad); UDP 0 means "no checksum".
        if ((right === 0 && wrong === 0xffff) || (right === 0xffff && wrong === 0) || (kind === 'udp' && which === 'transport' && wrong === 0)) return true;
        b.writeUInt16BE(wrong, at);
        const s = check(b);
        const status = which === 'ipv4' ? s.ipv4 : s.transportStatus;
        if (status !== STATUS.BAD) return false;
        applyFixes(b, 0, s);
        return b.equals(original);
      },
    ),
    { numRuns: 500 },
  );
  t.pass();
});

// ---- TSO, and packets read from a raw socket (issue 20) ------------------------------------------

/** A TCP segment as a sending host's capture shows it under TSO: total length 0, offloaded TCP sum. */
function tsoSegment(headerChecksum: boolean): Buffer {
  const b = encodePacket({ ...TCP, payload: Buffer.alloc(3000, 7) });
  b.writeUInt16BE(0, 2);
  b.writeUInt16BE(0, 10);
  if (headerChecksum) b.writeUInt16BE(~sum16(b, 0, 20) & 0xffff, 10);
  b.writeUInt16BE(pseudoHeaderSum(b.readUInt32BE(12), b.readUInt32BE(16), 6, b.length - 20), SUM_AT.tcp);
  return b;
}

test('TSO (total length 0): length from the capture, header checksum unverifiable whatever it holds, TCP offloaded', (t) => {
  for (const summed of [true, false]) {
    const r = check(tsoSegment(summed));
    t.is(r.malformed, null);
    t.true(r.lengthFromCapture);
    t.is(r.ipv4, STATUS.UNVERIFIABLE, `header checksum ${summed ? 'summed' : '0'}`);
    t.is(r.ipv4Unverifiable, UNVERIFIABLE.TSO);
    t.is(r.transportStatus, STATUS.BAD);
    t.true(r.offloaded, 'the pseudo-header sum over the length from the capture');
  }
  // Cut by a snaplen: the original length says the segment is incomplete.
  const b = tsoSegment(true);
  const cut = { ...verifyIpv4(b, 0, 200, newPacketChecksums(), { originalLength: b.length }) };
  t.is(cut.transportStatus, STATUS.UNVERIFIABLE);
  t.is(cut.unverifiable, UNVERIFIABLE.TRUNCATED);
  const tally = new ChecksumTally();
  tally.add(0, verifyIpv4(b, 0, b.length, newPacketChecksums()));
  t.deepEqual(tally.summary().layers.ipv4, { good: 0, bad: 0, unverifiable: 1, absent: 0 });
});

test('received (raw socket): a header the kernel filled in after checking it is unverifiable, never bad', (t) => {
  // An echo reply with record route, its slots filled after the header checksum was computed.
  const reply = encodePacket({ ip: { ...ip, options: [{ kind: 'record-route', pointer: 4, addresses: ['0.0.0.0', '0.0.0.0'] }] }, icmp: { kind: 'echo-reply', identifier: 1, sequence: 1 } });
  reply.writeUInt32BE(0x7f000001, 23); // first slot: 127.0.0.1
  reply[22] = 8; // pointer past it
  t.is(check(reply).ipv4, STATUS.BAD, 'read from a capture: bad, as tshark says');
  const r = { ...verifyIpv4(reply, 0, reply.length, newPacketChecksums(), { received: true }) };
  t.is(r.ipv4, STATUS.UNVERIFIABLE);
  t.is(r.ipv4Unverifiable, UNVERIFIABLE.RECEIVED_OPTIONS);
  t.is(r.transportStatus, STATUS.GOOD, 'the ICMP checksum is still checked');
  const good = { ...verifyIpv4(encodePacket(ICMP), 0, encodePacket(ICMP).length, newPacketChecksums(), { received: true }) };
  t.is(good.ipv4, STATUS.GOOD, 'a header whose sum holds is good');
});

test('received (raw socket): an offloaded UDP/TCP checksum is unverifiable; any other bad one stays bad', (t) => {
  for (const [init, at] of [[UDP, SUM_AT.udp], [TCP, SUM_AT.tcp]] as const) {
    const b = encodePacket(init);
    b.writeUInt16BE(pseudoHeaderSum(b.readUInt32BE(12), b.readUInt32BE(16), b[9]!, b.length - 20), at);
    const r = { ...verifyIpv4(b, 0, b.length, newPacketChecksums(), { received: true }) };
    t.is(r.transportStatus, STATUS.UNVERIFIABLE);
    t.is(r.unverifiable, UNVERIFIABLE.RECEIVED_OFFLOAD);
    spoil(b, at);
    const bad = { ...verifyIpv4(b, 0, b.length, newPacketChecksums(), { received: true }) };
    t.is(bad.transportStatus, STATUS.BAD, 'a raw socket sees segments before the transport checks them');
  }
});
