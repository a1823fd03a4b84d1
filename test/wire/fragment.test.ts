// IPv4 fragmentation (lib/wire/fragment.ts), RFC 791 section 3.2: offsets in 8-byte units, MF
// on all but the last piece, copied options only after the first, every header checksum
// right, and the pieces put back together give the datagram's data again.
import test from 'ava';
import { verifyChecksum } from '../../lib/wire/checksum.js';
import { EncodeError } from '../../lib/wire/errors.js';
import { fragmentIpv4, MIN_IPV4_MTU } from '../../lib/wire/fragment.js';
import { decodePacket, encodePacket, type PacketInit } from '../../lib/wire/packet.js';

function echo(dataBytes: number, ip: Record<string, unknown> = {}): Buffer {
  const payload = Buffer.alloc(dataBytes);
  for (let i = 0; i < dataBytes; i++) payload[i] = (i * 7 + 3) & 0xff;
  return encodePacket({ ip: { src: '203.0.113.1', dst: '203.0.113.6', id: 0x4242, ttl: 64, ...ip }, icmp: { kind: 'echo-request', identifier: 7, sequence: 1, data: payload } } as PacketInit);
}

interface Piece {
  ihl: number;
  total: number;
  id: number;
  df: boolean;
  mf: boolean;
  offset: number;
  options: Buffer;
  data: Buffer;
}

function piece(b: Uint8Array): Piece {
  const buf = Buffer.from(b);
  const ihl = (buf[0]! & 0x0f) * 4;
  const flags = buf.readUInt16BE(6);
  return {
    ihl,
    total: buf.readUInt16BE(2),
    id: buf.readUInt16BE(4),
    df: (flags & 0x4000) !== 0,
    mf: (flags & 0x2000) !== 0,
    offset: (flags & 0x1fff) * 8,
    options: buf.subarray(20, ihl),
    data: buf.subarray(ihl),
  };
}

/** The data of the pieces laid out at their offsets, checking they tile it without holes. */
function reassemble(pieces: Piece[]): Buffer {
  const sorted = [...pieces].sort((a, b) => a.offset - b.offset);
  let at = sorted[0]!.offset;
  for (const p of sorted) {
    if (p.offset !== at) throw new Error(`hole or overlap at ${at}: next piece at ${p.offset}`);
    at += p.data.length;
  }
  return Buffer.concat(sorted.map((p) => p.data));
}

test('a 2028-byte echo request for MTU 1500: 1500 + 548 bytes, offsets 0 and 185 units, MF then not, same id, checksums right', (t) => {
  const datagram = echo(2000);
  t.is(datagram.length, 2028);
  const out = fragmentIpv4(datagram, 1500);
  t.deepEqual(out.map((f) => f.byteLength), [1500, 548]);
  const [a, b] = out.map(piece) as [Piece, Piece];
  t.like(a, { total: 1500, id: 0x4242, mf: true, offset: 0, df: false });
  t.like(b, { total: 548, id: 0x4242, mf: false, offset: 1480, df: false });
  for (const f of out) t.true(verifyChecksum(f, 0, 20), 'header checksum');
  t.deepEqual(reassemble([a, b]), datagram.subarray(20));
  // The first piece still decodes as the ICMP echo it starts (the ICMP checksum covers all of it).
  t.like(decodePacket(out[0]!).ip, { id: 0x4242, flags: { mf: true, df: false }, fragmentOffset: 0 });
});

test('every data length but the last is a multiple of 8, and no piece exceeds the MTU', (t) => {
  for (const mtu of [MIN_IPV4_MTU, 69, 100, 576, 1006, 1280, 1499]) {
    for (const bytes of [mtu - 27, mtu, 3 * mtu + 5, 9000]) {
      const datagram = echo(bytes);
      const out = fragmentIpv4(datagram, mtu);
      const pieces = out.map(piece);
      if (datagram.length <= mtu) {
        t.is(out[0], datagram, 'a datagram that fits comes back as it is');
        continue;
      }
      t.true(out.every((f) => f.byteLength <= mtu), `mtu ${mtu}, ${bytes} bytes`);
      t.true(pieces.slice(0, -1).every((p) => p.data.length % 8 === 0 && p.mf));
      t.false(pieces.at(-1)!.mf);
      t.true(out.every((f) => verifyChecksum(f, 0, 20)));
      t.deepEqual(reassemble(pieces), datagram.subarray(20), `mtu ${mtu}, ${bytes} bytes`);
    }
  }
});

test('options: record route (not copied) stays in the first piece, router alert (copied) is in all', (t) => {
  const datagram = echo(1200, { options: [{ kind: 'record-route', addresses: [0, 0] }, { kind: 'router-alert', value: 0 }] });
  const ihl = (datagram[0]! & 0x0f) * 4;
  t.is(ihl, 36, '20 + 11 (RR) + 4 (RA) + 1 padding');
  const pieces = fragmentIpv4(datagram, 576).map(piece);
  t.true(pieces.length >= 3);
  t.is(pieces[0]!.ihl, 36);
  t.deepEqual(pieces[0]!.options, datagram.subarray(20, 36));
  for (const p of pieces.slice(1)) {
    t.is(p.ihl, 24);
    t.deepEqual([...p.options], [148, 4, 0, 0], 'only the router alert');
  }
  t.deepEqual(reassemble(pieces), datagram.subarray(ihl));
});

test('a fragment cut again keeps its offset and its MF on the last piece', (t) => {
  const [first, second] = fragmentIpv4(echo(2000), 1500).map((f) => Buffer.from(f)) as [Buffer, Buffer];
  const again = fragmentIpv4(first, 576).map(piece);
  t.deepEqual(again.map((p) => p.offset), [0, 552, 1104]);
  t.true(again.every((p) => p.mf), 'the last piece of a first fragment still says more follow');
  const secondAgain = fragmentIpv4(second, 576).map(piece);
  t.is(secondAgain[0]!.offset, 1480);
  t.false(secondAgain.at(-1)!.mf);
  const all = [...again, ...secondAgain];
  t.deepEqual(reassemble(all), echo(2000).subarray(20));
});

test('refusals: Don\'t Fragment set, an MTU below 68, not an IPv4 header', (t) => {
  const df = echo(2000, { flags: { df: true } });
  t.throws(() => fragmentIpv4(df, 1500), { instanceOf: EncodeError, message: /Don't Fragment/ });
  t.is(fragmentIpv4(echo(100, { flags: { df: true } }), 1500).length, 1, 'DF is no matter when it fits');
  t.throws(() => fragmentIpv4(echo(100), 67), { instanceOf: EncodeError, message: /out of range 68-65535/ });
  t.throws(() => fragmentIpv4(Buffer.from('6000000000000000', 'hex'), 1500), { instanceOf: EncodeError, message: /not an IPv4 datagram/ });
});
