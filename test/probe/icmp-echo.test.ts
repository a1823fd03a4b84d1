// The ICMP echo protocol: what encode() writes is what lib/wire's encoder writes for the same
// fields (into 0xa5-filled buffers, for any sequence: the incremental checksum must hold), and
// match() classifies replies, errors and strangers as the engine needs, reading in place.
import test from 'ava';
import fc from 'fast-check';
import { echoData, IcmpEchoProtocol } from '../../lib/probe/protocols/icmp-echo.js';
import { MATCH, MATCH_FLAG, newMatch, type ProbeSlot } from '../../lib/probe/engine/protocol.js';
import { parseIpv4 } from '../../lib/wire/bytes.js';
import { encodePacket } from '../../lib/wire/packet.js';
import { echoKey } from '../../lib/wire/peek.js';
import { echoReplyFor, icmpErrorFor } from './fakes.js';

const SRC = '203.0.113.1';
const DST = '198.51.100.9';

function slot(n: number, fields: Partial<ProbeSlot> = {}): ProbeSlot {
  return { number: n, target: 0, address: DST, addressValue: parseIpv4(DST), targets6: { words6: new Uint32Array(4) }, ttl: 64, tos: 0, timeoutMs: 1000, key: -1, ...fields };
}

function reference(n: number, o: { identifier: number; size: number; pattern?: Buffer; df: boolean; ttl: number; tos: number; ipIdBase: number }): Buffer {
  return encodePacket({
    ip: { src: SRC, dst: DST, ttl: o.ttl, tos: o.tos, id: (o.ipIdBase + n) & 0xffff || 1, flags: { df: o.df } },
    icmp: { kind: 'echo-request', identifier: o.identifier, sequence: (n + 1) & 0xffff, data: echoData(o.size, o.pattern ?? null) },
  });
}

test('echo data: 0, 1, 2... by default, the pattern repeated with -p (iputils fill())', (t) => {
  t.deepEqual([...echoData(5)], [0, 1, 2, 3, 4]);
  t.is(echoData(300)[257], 1);
  t.deepEqual([...echoData(7, Buffer.from([0xff, 0x00, 0xaa]))], [0xff, 0x00, 0xaa, 0xff, 0x00, 0xaa, 0xff]);
});

test('encode writes the same bytes as lib/wire for any probe, into reused 0xa5-filled buffers', (t) => {
  fc.assert(
    fc.property(
      fc.integer({ min: 0, max: 0xffff }),
      fc.integer({ min: 0, max: 300 }),
      fc.boolean(),
      fc.integer({ min: 0, max: 0xffff }),
      fc.array(fc.tuple(fc.integer({ min: 0, max: 200_000 }), fc.integer({ min: 1, max: 255 }), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 5 }),
      (identifier, size, df, ipIdBase, probes) => {
        const protocol = new IcmpEchoProtocol({ identifier, source: SRC, size, df, ipIdBase });
        const buf = Buffer.alloc(protocol.maxProbeLength, 0xa5);
        for (const [n, ttl, tos] of probes) {
          const s = slot(n, { ttl, tos });
          const length = protocol.encode(s, buf);
          const want = reference(n, { identifier, size, df, ttl, tos, ipIdBase });
          if (length !== want.length || !buf.subarray(0, length).equals(want)) return false;
          if (s.key !== echoKey(identifier, (n + 1) & 0xffff)) return false;
        }
        return true;
      },
    ),
    { numRuns: 300 },
  );
  t.pass();
});

test('a pattern and a zero-byte payload encode as lib/wire does', (t) => {
  const pattern = Buffer.from([0xde, 0xad]);
  const p = new IcmpEchoProtocol({ identifier: 9, source: SRC, size: 11, pattern, df: false });
  const buf = Buffer.alloc(p.maxProbeLength, 0xa5);
  p.encode(slot(41), buf);
  t.deepEqual(buf, reference(41, { identifier: 9, size: 11, pattern, df: false, ttl: 64, tos: 0, ipIdBase: 0 }));
  const empty = new IcmpEchoProtocol({ identifier: 9, source: SRC, size: 0, df: true });
  t.is(empty.maxProbeLength, 28);
});

function probe(protocol: IcmpEchoProtocol, n: number, fields: Partial<ProbeSlot> = {}): Buffer {
  const buf = Buffer.alloc(protocol.maxProbeLength);
  protocol.encode(slot(n, fields), buf);
  return buf;
}

test('match: our echo reply gives its key, source, TTL, TOS and size', (t) => {
  const p = new IcmpEchoProtocol({ identifier: 0x1234, source: SRC, size: 56, df: true });
  const reply = echoReplyFor(probe(p, 4), { ttl: 61, tos: 0x20 });
  // At a non-zero offset inside a larger buffer, as in a receive batch.
  const batch = Buffer.concat([Buffer.alloc(13, 0xa5), reply, Buffer.alloc(7, 0xa5)]);
  const m = newMatch();
  t.is(p.match(batch, 13, reply.length, reply.length, m), MATCH.reply);
  t.is(m.key, echoKey(0x1234, 5));
  t.is(m.target, parseIpv4(DST));
  t.is(m.from, parseIpv4(DST));
  t.is(m.ttl, 61);
  t.is(m.tos, 0x20);
  t.is(m.bytes, 64);
  t.is(m.flags, 0);
});

test('match: bad checksum, cut replies and changed data are flagged', (t) => {
  const p = new IcmpEchoProtocol({ identifier: 0x1234, source: SRC, size: 56, df: true });
  const m = newMatch();
  const bad = echoReplyFor(probe(p, 0), { corrupt: true });
  t.is(p.match(bad, 0, bad.length, bad.length, m), MATCH.reply);
  t.is(m.flags & MATCH_FLAG.badChecksum, MATCH_FLAG.badChecksum);
  t.is(m.flags & MATCH_FLAG.wrongData, MATCH_FLAG.wrongData, 'the corrupted byte is in the data');
  const good = echoReplyFor(probe(p, 0));
  t.is(p.match(good, 0, 40, good.length, m), MATCH.reply, 'the receive slot kept 40 bytes');
  t.is(m.flags, MATCH_FLAG.truncated, 'cut: flagged, and the checksum cannot be judged');
});

test('match: errors quoting our echo give the probe key, the quoted destination and the details', (t) => {
  const p = new IcmpEchoProtocol({ identifier: 0x1234, source: SRC, size: 56, df: true });
  const m = newMatch();
  const sent = probe(p, 9, { tos: 0xb8, ttl: 1 });
  const te = icmpErrorFor(sent, '203.0.113.2', 'time-exceeded');
  t.is(p.match(te, 0, te.length, te.length, m), MATCH.error);
  t.is(m.key, echoKey(0x1234, 10));
  t.is(m.target, parseIpv4(DST));
  t.is(m.from, parseIpv4('203.0.113.2'));
  t.deepEqual([m.type, m.code, m.info, m.quotedTos, m.quotedTtl], [11, 0, -1, 0xb8, 1]);
  const fn = icmpErrorFor(sent, '198.51.100.1', 'destination-unreachable', 4, 1400);
  t.is(p.match(fn, 0, fn.length, fn.length, m), MATCH.error);
  t.deepEqual([m.type, m.code, m.info], [3, 4, 1400]);
  const redirect = icmpErrorFor(sent, '203.0.113.2', 'redirect', 1);
  t.is(p.match(redirect, 0, redirect.length, redirect.length, m), MATCH.notice);
  t.is(m.info, parseIpv4('203.0.113.2'));
});

test('match: strangers are none', (t) => {
  const p = new IcmpEchoProtocol({ identifier: 0x1234, source: SRC, size: 56, df: true });
  const other = new IcmpEchoProtocol({ identifier: 0x4321, source: SRC, size: 56, df: true });
  const m = newMatch();
  const cases: [string, Buffer][] = [
    ['our own echo request, looped back', probe(p, 0)],
    ['another identifier', echoReplyFor(probe(other, 0))],
    ['an error about another ping', icmpErrorFor(probe(other, 0), '203.0.113.2', 'time-exceeded')],
    ['UDP', encodePacket({ ip: { src: DST, dst: SRC }, udp: { srcPort: 1, dstPort: 2 } })],
    ['a non-first fragment', (() => {
      const b = echoReplyFor(probe(p, 0));
      b[7] = 1; // fragment offset 8 bytes
      return b;
    })()],
    ['too short', Buffer.alloc(20)],
  ];
  for (const [what, bytes] of cases) t.is(p.match(bytes, 0, bytes.length, bytes.length, m), MATCH.none, what);
});

test('filter: iputils\' BPF program with our identifier; ICMP types for ICMP_FILTER', (t) => {
  const p = new IcmpEchoProtocol({ identifier: 0xabcd, source: SRC, size: 56, df: true });
  t.is(p.filter()[2]!.k, 0xabcd);
  t.deepEqual([...p.icmpTypes], [0, 3, 4, 5, 11, 12]);
});
