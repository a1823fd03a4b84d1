import test from 'ava';
import { DecodeError, EncodeError } from '../../lib/wire/errors.js';
import { fold, sum16 } from '../../lib/wire/checksum.js';
import { decodePacket, encodePacket, encodePacketInto, lengthFromCapture, packetEncodingLength, type Packet, type PacketInit } from '../../lib/wire/packet.js';
import { embedded, filled, OPTION_COMBOS, vector, VECTORS } from './vectors.js';

/** A decoded packet as an init that writes every field as decoded. */
function initOf(p: Packet): PacketInit {
  return { ip: p.ip, icmp: p.icmp, udp: p.udp, tcp: p.tcp, payload: p.payload };
}

/** deepEqual-friendly copy: Buffers become hex so views at different offsets compare equal. */
function plain(v: unknown): unknown {
  return JSON.parse(JSON.stringify(v, (_k, x) => (x && x.type === 'Buffer' && Array.isArray(x.data) ? Buffer.from(x.data).toString('hex') : x)));
}

test('every captured packet decodes the same at offset 0, at offset 7 and from a Uint8Array view', (t) => {
  for (const v of VECTORS) {
    const b = Buffer.from(v.hex, 'hex');
    const p = decodePacket(b);
    t.is(p.bytes, b.length, v.name);
    const { buf, offset } = embedded(b);
    const copy = Buffer.from(buf);
    t.deepEqual(plain(decodePacket(buf, offset, b.length)), plain(p), v.name);
    t.true(buf.equals(copy), `${v.name}: input untouched`);
    const ab = new ArrayBuffer(b.length + 21);
    const u = new Uint8Array(ab, 21, b.length);
    u.set(b);
    const pu = decodePacket(u);
    t.deepEqual(plain(pu), plain(p), v.name);
    t.is(pu.payload.buffer, ab, `${v.name}: payload is a view, not a copy`);
  }
});

test('what each captured packet decodes to', (t) => {
  const echo = decodePacket(vector('kernel-echo-request'));
  t.is(echo.icmp!.kind, 'echo-request');
  t.is(echo.udp, null);
  t.is(echo.tcp, null);
  t.is(echo.payload.length, 56);
  t.false(echo.truncated);

  const u = decodePacket(vector('scapy-udp'));
  t.is(u.udp!.dstPort, 47003);
  t.true(u.udp!.checksumValid);
  t.is(u.payload.toString(), 'scapy udp fixture!');

  const k = decodePacket(vector('kernel-udp-partial-checksum'));
  t.false(k.udp!.checksumValid); // tshark: incorrect, should be 0xc562

  const syn = decodePacket(vector('scapy-tcp-syn-options'));
  t.true(syn.tcp!.flags.syn);
  t.true(syn.tcp!.checksumValid);
  t.is(syn.payload.length, 0);
  const data = decodePacket(vector('kernel-tcp-data'));
  t.is(data.payload.toString(), 'rawprobe tcp fixture');
  t.true(decodePacket(vector('scapy-tcp-all-flags')).tcp!.checksumValid);

  // First fragment: UDP header present, checksum covers bytes we do not have.
  const f1 = decodePacket(vector('scapy-fragment-1'));
  t.is(f1.udp!.length, 520);
  t.is(f1.udp!.checksumValid, null);
  t.false(f1.truncated);
  // Later fragments: no transport header at all; the payload is the IP payload.
  const f2 = decodePacket(vector('scapy-fragment-2'));
  t.is(f2.udp, null);
  t.is(f2.payload.length, 208);
  t.is(f2.payload[0], 0xc8);
  t.is(decodePacket(vector('scapy-fragment-3')).payload.length, 104);

  const n = decodePacket(vector('kernel-udp-no-checksum'));
  t.true(n.udp!.checksumValid);
  t.false(n.udp!.checksumPresent);
});

test('an unknown protocol leaves every transport null and the IP payload as payload', (t) => {
  const b = encodePacket({ ip: { src: '192.0.2.1', dst: '192.0.2.2', protocol: 47 }, payload: Buffer.from('gre?') });
  const p = decodePacket(b);
  t.is(p.ip.protocol, 47);
  t.deepEqual([p.icmp, p.udp, p.tcp], [null, null, null]);
  t.is(p.payload.toString(), 'gre?');
});

test('bytes past the total length (link padding) are ignored; fewer bytes flag truncated', (t) => {
  const b = vector('kernel-dscp-ef'); // 31 bytes, as short frames get padded to 46
  const padded = Buffer.concat([b, Buffer.alloc(15)]);
  const p = decodePacket(padded);
  t.is(p.bytes, 31);
  t.is(p.payload.length, 3);
  t.false(p.truncated);
  t.true(p.icmp!.checksumValid);
  const cut = decodePacket(vector('kernel-echo-request').subarray(0, 50));
  t.true(cut.truncated);
  t.is(cut.bytes, 50);
  t.is(cut.icmp!.checksumValid, null);
  t.is(cut.payload.length, 22);
});

test('encode(decode(bytes)) gives the bytes back, under every option combination, at offset 0 and 7', (t) => {
  for (const v of VECTORS) {
    const b = Buffer.from(v.hex, 'hex');
    const init = initOf(decodePacket(b));
    const before = JSON.stringify(plain(init));
    for (const opts of OPTION_COMBOS) {
      t.true(encodePacket(init, opts).equals(b), `${v.name} ${JSON.stringify(opts)}`);
      const buf = filled(b.length + 10);
      t.is(encodePacketInto(init, buf, 7, opts), b.length);
      t.true(buf.subarray(7, 7 + b.length).equals(b), v.name);
      t.true(buf.subarray(0, 7).every((x) => x === 0xa5) && buf.subarray(7 + b.length).every((x) => x === 0xa5));
    }
    t.is(JSON.stringify(plain(init)), before, `${v.name}: init untouched`);
    t.is(packetEncodingLength(init), b.length);
  }
});

test('the kernel echo request, built from the fields a user would give', (t) => {
  const want = vector('kernel-echo-request');
  const init: PacketInit = {
    ip: { id: 0x8d25, flags: { df: true }, src: '127.0.0.1', dst: '127.0.0.1' },
    icmp: { kind: 'echo-request', identifier: 0x17cd, sequence: 1, data: want.subarray(28) },
  };
  t.true(encodePacket(init).equals(want));
  // The same data given as the packet payload instead of icmp.data.
  t.true(encodePacket({ ip: init.ip, icmp: { kind: 'echo-request', identifier: 0x17cd, sequence: 1 }, payload: want.subarray(28) }).equals(want));
  // Both, agreeing, is fine; disagreeing is an error naming the payload.
  t.true(encodePacket({ ...init, payload: want.subarray(28) }).equals(want));
  const e = t.throws(() => encodePacket({ ...init, payload: Buffer.from('x') }), { instanceOf: EncodeError });
  t.is(e!.field, 'payload');
});

test('scapy UDP, TCP and IP-options packets, built from their fields', (t) => {
  const udpWant = vector('scapy-udp');
  t.true(
    encodePacket({
      ip: { id: 0x1234, ttl: 61, tos: 0x28, src: '127.0.0.1', dst: '127.0.0.1' },
      udp: { srcPort: 40000, dstPort: 47003 },
      payload: Buffer.from('scapy udp fixture!'),
    }).equals(udpWant),
  );
  const tcpWant = vector('scapy-tcp-syn-options');
  t.true(
    encodePacket({
      ip: { id: 0x2345, flags: { df: true }, src: '127.0.0.1', dst: '127.0.0.1' },
      tcp: { srcPort: 40001, dstPort: 47004, sequence: 0x01020304, flags: { syn: true }, window: 29200, options: tcpWant.subarray(40) },
    }).equals(tcpWant),
  );
  const optsWant = vector('scapy-router-alert-security');
  t.true(
    encodePacket({
      ip: {
        id: 0x3456,
        src: '127.0.0.1',
        dst: '127.0.0.1',
        options: [
          { kind: 'router-alert', value: 0 },
          { kind: 'security', classification: 0x13, protection: Buffer.from('5700000000000000', 'hex') },
        ],
      },
      icmp: { kind: 'echo-request', identifier: 7, sequence: 9, data: Buffer.from('opts') },
    }).equals(optsWant),
  );
  const rrWant = vector('kernel-record-route-request');
  t.true(
    encodePacket({
      ip: { id: 0xa357, flags: { df: true }, src: '127.0.0.1', dst: '127.0.0.1', options: [{ kind: 'nop' }, { kind: 'record-route', addresses: ['127.0.0.1', ...Array(8).fill('0.0.0.0')] }] },
      icmp: { kind: 'echo-request', identifier: 0x18b7, sequence: 1, data: rrWant.subarray(68) },
    }).equals(rrWant),
  );
  const unreachWant = vector('kernel-port-unreachable');
  const quotedBytes = vector('kernel-udp-partial-checksum');
  const q = decodePacket(quotedBytes);
  t.true(
    encodePacket({
      ip: { tos: 0xc0, id: 0x9476, src: '127.0.0.1', dst: '127.0.0.1' },
      icmp: { kind: 'destination-unreachable', code: 3, quoted: { ip: q.ip, payload: quotedBytes.subarray(20) } },
    }).equals(unreachWant),
  );
});

test('fixLengths / computeChecksums: absent values computed or 0, given values untouched; 0xa5 shows nothing is skipped', (t) => {
  const init: PacketInit = {
    ip: { src: '198.51.100.1', dst: '203.0.113.9', id: 1 },
    udp: { srcPort: 33434, dstPort: 33435 },
    payload: Buffer.from('abcd'),
  };
  for (const opts of OPTION_COMBOS) {
    for (const at of [0, 7]) {
      const buf = filled(at + 32 + 3);
      t.is(encodePacketInto(init, buf, at, opts), 32);
      const b = buf.subarray(at, at + 32);
      t.is(b[0], opts.fixLengths ? 0x45 : 0x40, 'IHL');
      t.is(b.readUInt16BE(2), opts.fixLengths ? 32 : 0, 'total length');
      t.is(b[9], 17, 'protocol derived from the transport');
      t.is(b.readUInt16BE(24), opts.fixLengths ? 12 : 0, 'UDP length');
      t.is(b.readUInt16BE(10) !== 0, opts.computeChecksums, 'IP checksum');
      t.is(b.readUInt16BE(26) !== 0, opts.computeChecksums, 'UDP checksum');
      t.is(b.subarray(28).toString(), 'abcd');
      t.true(buf.subarray(0, at).every((x) => x === 0xa5) && buf.subarray(at + 32).every((x) => x === 0xa5));
      if (opts.fixLengths && opts.computeChecksums) {
        const p = decodePacket(b);
        t.true(p.ip.checksumValid);
        t.true(p.udp!.checksumValid);
      }
    }
  }
  // Given values are written as given under every combination: a broken packet on purpose.
  for (const opts of OPTION_COMBOS) {
    const b = encodePacket({ ...init, ip: { ...init.ip, ihl: 6, totalLength: 1000, checksum: 1 }, udp: { srcPort: 1, dstPort: 2, length: 3, checksum: 4 } }, opts);
    t.deepEqual([b[0]! & 15, b.readUInt16BE(2), b.readUInt16BE(10), b.readUInt16BE(24), b.readUInt16BE(26)], [6, 1000, 1, 3, 4]);
  }
});

test('truncation at every byte position: DecodeError at the cut layer, or truncated when only payload is missing', (t) => {
  for (const v of VECTORS) {
    const full = Buffer.from(v.hex, 'hex');
    const p = decodePacket(full);
    const hl = p.ip.headerLength;
    for (let n = 0; n < full.length; n++) {
      for (const at of [0, 3]) {
        const { buf } = embedded(full.subarray(0, n), at, 2);
        let expected: { offset: number; reason: RegExp } | null = null;
        if (n < 20) expected = { offset: 0, reason: new RegExp(`^IPv4 header needs 20 bytes, ${n} present$`) };
        else if (n < hl) expected = { offset: 0, reason: new RegExp(`^IPv4 header needs ${hl} bytes \\(IHL ${p.ip.ihl}\\), ${n} present$`) };
        else if (p.ip.fragmentOffset === 0) {
          const rest = n - hl;
          if (p.icmp) {
            if (rest < 8) expected = { offset: hl, reason: /^ICMP header needs 8 bytes/ };
            else if (p.icmp.kind.startsWith('timestamp') && rest < 20) expected = { offset: hl, reason: /^ICMP timestamp message needs 20 bytes/ };
            else if ('quoted' in p.icmp && rest < 8 + p.icmp.quoted.ip.headerLength) expected = { offset: hl + 8, reason: /^quoted IPv4 header needs/ };
          } else if (p.udp && rest < 8) expected = { offset: hl, reason: /^UDP header needs 8 bytes/ };
          else if (p.tcp && rest < p.tcp.headerLength) expected = { offset: hl, reason: /^TCP header needs/ };
        }
        if (expected) {
          const e = t.throws(() => decodePacket(buf, at, n), { instanceOf: DecodeError }, `${v.name} cut at ${n}`);
          t.is(e!.offset, at + expected.offset, `${v.name} cut at ${n}: ${e!.message}`);
          t.regex(e!.reason, expected.reason, `${v.name} cut at ${n}`);
          if (n >= hl) t.is((e!.partial as { ip: { src: string } }).ip.src, p.ip.src, 'partial keeps the IP header');
        } else {
          const cut = decodePacket(buf, at, n);
          t.true(cut.truncated, `${v.name} cut at ${n}`);
          t.is(cut.bytes, n);
          // What was decoded is the same as from the whole packet, except what the cut hides.
          t.is(cut.ip.id, p.ip.id);
          t.is(cut.udp?.srcPort, p.udp?.srcPort);
          t.is(cut.tcp?.sequence, p.tcp?.sequence);
          t.is(cut.icmp?.type, p.icmp?.type);
          if (cut.udp && cut.udp.checksum !== 0) t.is(cut.udp.checksumValid, null);
          if (cut.tcp) t.is(cut.tcp.checksumValid, null);
          if (cut.icmp) t.is(cut.icmp.checksumValid, null);
        }
      }
    }
  }
});

test('packet-level decode errors', (t) => {
  const b = Buffer.from(vector('scapy-udp'));
  b.writeUInt16BE(12, 2);
  const e = t.throws(() => decodePacket(b), { instanceOf: DecodeError });
  t.is(e!.message, 'IPv4 total length 12 is less than the header length 20 (at byte 2)');
  t.is((e!.partial as { ip: { ttl: number } }).ip.ttl, 61);
  const junk = t.throws(() => decodePacket(Buffer.from('60000000', 'hex')), { instanceOf: DecodeError });
  t.is(junk!.reason, 'IPv4 header needs 20 bytes, 4 present');
});

test('packet-level encode errors name the layer and field', (t) => {
  const ip = { src: '192.0.2.1', dst: '192.0.2.2' };
  const cases: [unknown, string, RegExp][] = [
    [{ ip: { ...ip, ttl: 300 }, udp: { srcPort: 1, dstPort: 2 } }, 'ip.ttl', /^ip\.ttl: 300 is out of range 0-255$/],
    [{ ip: { ...ip, src: '1.2.3' }, udp: { srcPort: 1, dstPort: 2 } }, 'ip.src', /^ip\.src: "1\.2\.3" is not an IPv4 address/],
    [{ ip, udp: { srcPort: 1, dstPort: 70000 } }, 'udp.dstPort', /^udp\.dstPort: 70000 is out of range 0-65535$/],
    [{ ip, icmp: { kind: 'echo-request', identifier: 1.5 } }, 'icmp.identifier', /not an integer/],
    [{ ip, tcp: { srcPort: 1, dstPort: 2, window: 65536 } }, 'tcp.window', /0-65535/],
    [{ ip, udp: { srcPort: 1, dstPort: 2 }, tcp: { srcPort: 1, dstPort: 2 } }, 'tcp', /at most one transport/],
    [{ ip }, 'ip.protocol', /missing/],
    [{ udp: { srcPort: 1, dstPort: 2 } }, 'ip', /required/],
    [{ ip, payload: 'abc' }, 'payload', /not bytes/],
    [{ ip: { ...ip, protocol: 6 }, payload: Buffer.alloc(70000) }, 'payload', /more than the 65535/],
  ];
  for (const [init, field, pattern] of cases) {
    const e = t.throws(() => encodePacket(init as PacketInit), { instanceOf: EncodeError }, field);
    t.is(e!.field, field);
    t.regex(e!.message, pattern);
    t.false(e!.message.includes('\n'));
  }
  const big = t.throws(() => encodePacketInto({ ip: { ...ip, protocol: 6 }, payload: Buffer.alloc(100) }, Buffer.alloc(50), 10), { instanceOf: EncodeError });
  t.is(big!.message, 'buffer: needs 120 bytes at offset 10, only 40 available');
  const huge = t.throws(() => encodePacket({ ip: { ...ip, protocol: 6 }, payload: Buffer.alloc(65516) }), { instanceOf: EncodeError });
  t.is(huge!.field, 'ip.totalLength');
});

test('total length 0 (TSO, BIG TCP): the datagram spans the bytes present, or the original length when a capture cut it', (t) => {
  const payload = Buffer.alloc(3000, 0x5a);
  const whole = encodePacket({ ip: { src: '203.0.113.1', dst: '203.0.113.6', id: 7 }, tcp: { srcPort: 40000, dstPort: 47003, sequence: 1000, flags: { ack: true, psh: true }, window: 502 }, payload });
  const b = Buffer.from(whole);
  b.writeUInt16BE(0, 2);
  const p = decodePacket(b);
  t.true(lengthFromCapture(p.ip));
  t.is(p.ip.totalLength, 0, 'the field is kept as it is');
  t.is(p.bytes, b.length);
  t.false(p.truncated);
  t.is(p.payload.length, 3000);
  t.true(p.tcp!.checksumValid, 'the TCP checksum spans the length taken from the capture');
  // Cut by a snaplen: the record's original length says how long the segment was.
  const cut = decodePacket(b.subarray(0, 200), 0, 200, { originalLength: b.length });
  t.true(cut.truncated);
  t.is(cut.bytes, 200);
  t.is(cut.tcp!.checksumValid, null);
  // Any other total length below the header stays malformed.
  b.writeUInt16BE(19, 2);
  t.throws(() => decodePacket(b), { instanceOf: DecodeError, message: /total length 19 is less than the header length 20/ });
});

test('BIG TCP: a TCP checksum over more than 65535 bytes sums its 32-bit length in the pseudo-header', (t) => {
  const payload = Buffer.alloc(70000, 0x33);
  const tcp = { srcPort: 1, dstPort: 2, sequence: 3, flags: { ack: true }, window: 4 };
  // Built at 70000 bytes: the encoder refuses a total length over 65535, so the header is written
  // for a short payload and the rest appended, the way a BIG TCP sender leaves it (length 0).
  const head = encodePacket({ ip: { src: '127.0.0.1', dst: '127.0.0.1', id: 1 }, tcp: { ...tcp, checksum: 0 } }, { computeChecksums: false });
  const b = Buffer.concat([head, payload]);
  b.writeUInt16BE(0, 2);
  const segment = b.length - 20;
  const sum = fold(0x7f00 + 0x0001 + 0x7f00 + 0x0001 + 6 + (segment >>> 16) + (segment & 0xffff));
  b.writeUInt16BE(~sum16(b, 20, segment, sum) & 0xffff, 36);
  t.true(decodePacket(b).tcp!.checksumValid);
});
