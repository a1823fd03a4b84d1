import test from 'ava';
import fc from 'fast-check';
import { DecodeError, EncodeError } from '../../lib/wire/errors.js';
import { fragmentIpv6, MIN_IPV6_MTU, reassembleIpv6 } from '../../lib/wire/fragment6.js';
import { decodePacket6, encodePacket6 } from '../../lib/wire/packet6.js';
import { datagrams, listFixtures } from '../fixtures/fixtures.js';

const H1 = '2001:db8::1';
const H2 = '2001:db8:0:1::2';

test('the kernel fragments ping -s 3000 on a 1280-byte link exactly as fragmentIpv6 does', (t) => {
  const capture = datagrams(listFixtures(6).find((f) => f.name === 'kernel6-fragments-loopback')!).map((p) => p.bytes);
  for (const kernel of [capture.slice(0, 3), capture.slice(3, 6)]) {
    const whole = reassembleIpv6(kernel);
    t.is(whole.length, 40 + 3008);
    t.true(decodePacket6(whole).icmpv6!.checksumValid as boolean, 'the reassembled echo checks out');
    const identification = kernel[0]!.readUInt32BE(44);
    const ours = fragmentIpv6(whole, 1280, { identification });
    t.is(ours.length, 3);
    ours.forEach((f, i) => t.is(Buffer.from(f).toString('hex'), kernel[i]!.toString('hex'), `fragment ${i}`));
  }
});

test('the unfragmentable part (Hop-by-Hop, Routing) is repeated; Destination Options after Routing travel once', (t) => {
  const packet = encodePacket6({
    ip: { src: H1, dst: '2001:db8::9', flowLabel: 5 },
    extensions: [
      { kind: 'hop-by-hop', options: [{ kind: 'router-alert', value: 1 }] },
      { kind: 'routing', routingType: 0, addresses: [H2] },
      { kind: 'destination-options', options: [{ kind: 'padn', length: 4 }] },
    ],
    udp: { srcPort: 1, dstPort: 2 },
    payload: Buffer.alloc(2500, 0x5a),
  });
  const frags = fragmentIpv6(packet, 1280, { identification: 0xabcdef01 });
  t.is(frags.length, 3);
  let offset = 0;
  frags.forEach((f, i) => {
    const p = decodePacket6(f);
    t.true(f.length <= 1280);
    t.deepEqual(p.extensions.map((x) => x.kind), ['hop-by-hop', 'routing', 'fragment'].concat(i === 0 ? ['destination-options'] : []));
    const frag = p.extensions[2]!;
    if (frag.kind !== 'fragment') return t.fail();
    t.like(frag, { nextHeader: 60, identification: 0xabcdef01, mf: i < 2, fragmentOffsetBytes: offset });
    t.is(p.extensions[1]!.nextHeader, 44);
    t.is(p.ip.payloadLength, f.length - 40);
    offset += f.length - 40 - 8 - 24 - 8;
  });
  t.true(reassembleIpv6([frags[2]!, frags[0]!, frags[1]!]).equals(packet), 'reassembled in any order');
});

test('fragmentIpv6 refusals: MTU below 1280, a fragment, a malformed chain; a packet that fits is returned as is', (t) => {
  const packet = encodePacket6({ ip: { src: H1, dst: H2 }, udp: { srcPort: 1, dstPort: 2 }, payload: Buffer.alloc(2000) });
  t.throws(() => fragmentIpv6(packet, MIN_IPV6_MTU - 1), { instanceOf: EncodeError, message: /^mtu: 1279 is below the IPv6 minimum of 1280/ });
  const [first] = fragmentIpv6(packet, 1280, { identification: 1 });
  t.throws(() => fragmentIpv6(first!, 1280), { instanceOf: EncodeError, message: /is a fragment already/ });
  const broken = Buffer.from(packet);
  broken[6] = 0;
  t.throws(() => fragmentIpv6(broken, 1280), { instanceOf: EncodeError, message: /malformed/ });
  const small = encodePacket6({ ip: { src: H1, dst: H2 }, payload: Buffer.alloc(10) });
  t.is(fragmentIpv6(small, 1280)[0], small);
  t.throws(() => reassembleIpv6([first!]), { instanceOf: DecodeError, message: /the last fragment has M set/ });
});

test('property: any packet at any MTU fragments into valid packets that reassemble to it', (t) => {
  fc.assert(
    fc.property(fc.integer({ min: 1281, max: 9000 }), fc.integer({ min: 1280, max: 4000 }), fc.boolean(), fc.nat(), (size, mtu, withRouting, id) => {
      const packet = encodePacket6({
        ip: { src: H1, dst: H2 },
        extensions: withRouting ? [{ kind: 'routing', routingType: 4, addresses: [H2, H1] }] : [],
        udp: { srcPort: 3, dstPort: 4 },
        payload: Buffer.alloc(size, size & 0xff),
      });
      const frags = fragmentIpv6(packet, mtu, { identification: id });
      if (packet.length <= mtu) return frags.length === 1 && frags[0] === packet;
      for (const f of frags) {
        const p = decodePacket6(f);
        const frag = p.extensions.find((x) => x.kind === 'fragment');
        if (f.length > mtu || frag?.kind !== 'fragment' || frag.fragmentOffsetBytes % 8 !== 0 || frag.identification !== id) return false;
      }
      return reassembleIpv6(frags).equals(packet);
    }),
    { numRuns: 300 },
  );
  t.pass();
});
