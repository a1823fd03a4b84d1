import test from 'ava';
import fc from 'fast-check';
import {
  echoKey,
  ipv4PayloadOffset,
  peekIcmpEcho,
  peekIcmpTypeCode,
  peekIpv4Source,
  peekQuotedDestination,
  peekQuotedEcho,
  peekQuotedTcpPorts,
  peekQuotedUdpPorts,
} from '../../lib/wire/peek.js';
import { encodePacket } from '../../lib/wire/packet.js';
import { parseIpv4 } from '../../lib/wire/bytes.js';
import { embedded, vector, VECTORS } from './vectors.js';

test('echo replies and requests', (t) => {
  const reply = vector('kernel-echo-reply');
  t.is(peekIcmpEcho(reply, 0, reply.length), echoKey(0x17cd, 1));
  t.is(peekIcmpEcho(reply, 0, reply.length) >>> 16, 0x17cd);
  t.is(peekIcmpEcho(reply, 0, reply.length) & 0xffff, 1);
  const req = vector('kernel-echo-request');
  t.is(peekIcmpEcho(req, 0, req.length), -1); // not a reply
  t.is(peekIcmpEcho(req, 0, req.length, 8), echoKey(0x17cd, 1));
  const { buf, offset } = embedded(reply, 13);
  t.is(peekIcmpEcho(buf, offset, reply.length), echoKey(0x17cd, 1));
  t.is(peekIcmpTypeCode(buf, offset, reply.length), 0);
  t.is(peekIpv4Source(buf, offset, reply.length), parseIpv4('127.0.0.1'));
  // Options move the ICMP header: IHL is honoured.
  const rr = vector('kernel-record-route-reply');
  t.is(ipv4PayloadOffset(rr, 0, rr.length), 60);
  t.is(peekIcmpEcho(rr, 0, rr.length), echoKey(0x18b7, 1));
  t.is(echoKey(0xffff, 0xffff), 0xffffffff);
});

test('errors quoting our probes', (t) => {
  const unreach = vector('kernel-port-unreachable');
  t.is(peekQuotedUdpPorts(unreach, 0, unreach.length), ((53361 << 16) | 47001) >>> 0);
  t.is(peekQuotedEcho(unreach, 0, unreach.length), -1);
  t.is(peekQuotedTcpPorts(unreach, 0, unreach.length), -1);
  t.is(peekQuotedDestination(unreach, 0, unreach.length), parseIpv4('127.0.0.1'));
  t.is(peekIcmpTypeCode(unreach, 0, unreach.length), 0x0303);
  const te = encodePacket({
    ip: { src: '203.0.113.1', dst: '198.51.100.1' },
    icmp: { kind: 'time-exceeded', quoted: { ip: { src: '198.51.100.1', dst: '203.0.113.9', protocol: 1, ttl: 1 }, icmp: { type: 8, identifier: 0xbeef, sequence: 0x0102 } } },
  });
  t.is(peekQuotedEcho(te, 0, te.length), echoKey(0xbeef, 0x0102));
  t.is(peekQuotedDestination(te, 0, te.length), parseIpv4('203.0.113.9'));
  const tcpErr = encodePacket({
    ip: { src: '203.0.113.1', dst: '198.51.100.1' },
    icmp: { kind: 'destination-unreachable', code: 13, quoted: { ip: { src: '198.51.100.1', dst: '203.0.113.9', protocol: 6 }, tcp: { srcPort: 40000, dstPort: 443, sequence: 1 } } },
  });
  t.is(peekQuotedTcpPorts(tcpErr, 0, tcpErr.length), ((40000 << 16) | 443) >>> 0);
  // Cut before the quoted 8 bytes: no answer rather than a wrong one.
  t.is(peekQuotedTcpPorts(tcpErr, 0, tcpErr.length - 1), -1);
});

test('not IPv4, cut short, or fragments: -1', (t) => {
  const reply = vector('kernel-echo-reply');
  t.is(peekIcmpEcho(reply, 0, 27), -1);
  t.is(peekIcmpEcho(reply, 0, 19), -1);
  const v6 = Buffer.from(reply);
  v6[0] = 0x60;
  t.is(peekIcmpEcho(v6, 0, v6.length), -1);
  t.is(peekIpv4Source(v6, 0, v6.length), -1);
  const frag = Buffer.from(reply);
  frag[7] = 1;
  t.is(peekIcmpEcho(frag, 0, frag.length), -1);
  t.is(peekIcmpEcho(reply, 10, reply.length), -1); // range past the end
  const udp = vector('scapy-udp');
  t.is(peekIcmpTypeCode(udp, 0, udp.length), -1);
});

test('never throws and never reads outside the range, whatever the bytes', (t) => {
  const peeks = [peekIcmpEcho, peekIcmpTypeCode, peekIpv4Source, peekQuotedDestination, peekQuotedEcho, peekQuotedTcpPorts, peekQuotedUdpPorts, ipv4PayloadOffset];
  const seeds = VECTORS.map((v) => Buffer.from(v.hex, 'hex'));
  fc.assert(
    fc.property(fc.integer({ min: 0, max: seeds.length - 1 }), fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 6 }), fc.nat(), (i, flips, cut) => {
      const src = Buffer.from(seeds[i]!);
      for (const [at, v] of flips) src[at % src.length] = v;
      const len = cut % (src.length + 1);
      // Bytes outside [0, len) are poisoned: reading them would show up as a different answer.
      const a = Buffer.alloc(src.length, 0x00);
      const b = Buffer.alloc(src.length, 0xff);
      src.copy(a, 0, 0, len);
      src.copy(b, 0, 0, len);
      return peeks.every((p) => {
        const x = p(a, 0, len);
        return Number.isInteger(x) && x >= -1 && x === p(b, 0, len);
      });
    }),
    { numRuns: 3000 },
  );
  t.pass();
});
