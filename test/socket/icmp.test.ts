// Raw ICMP over 127.0.0.1 (needs root): a whole IPv4 packet of our own (IP_HDRINCL), the
// kernel's echo reply, the kernel receive timestamp, and the two kernel-side filters
// (ICMP_FILTER and a classic BPF program) that keep other traffic from waking us.
import { readFileSync } from 'node:fs';

import test from 'ava';

import {
  echoReplyFilterV4,
  icmpFilterMask,
  rawIcmpSocket,
  type MessageInfo,
  type RawSocket,
  type SocketError,
} from '../../lib/socket/index.js';
import { fragmentIpv4 } from '../../lib/wire/fragment.js';
import { rootTest } from '../helpers/privilege.js';
import { icmpEcho, ipv4Echo, random16, readIcmpPacket, waitFor } from './helpers.js';

type Packet = ReturnType<typeof readIcmpPacket>;

/** Resolves with the first ICMP packet on `socket` of `type` with our identifier and sequence. */
function nextIcmp(socket: RawSocket, type: number, identifier: number, sequence: number): Promise<[Packet, MessageInfo]> {
  return waitFor<[Buffer, MessageInfo]>(socket, 'message', (msg) => {
    const p = readIcmpPacket(msg);
    return p.type === type && p.identifier === identifier && p.sequence === sequence;
  }).then(([msg, info]) => [readIcmpPacket(msg), info]);
}

rootTest()('IP_HDRINCL: our own IPv4 header goes out as written, and the kernel answers the echo', async (t) => {
  const s = rawIcmpSocket({ hdrincl: true });
  t.teardown(() => s.close());
  t.true(s.getOption('IP_HDRINCL'));
  const identifier = random16();
  const id = random16() || 1;
  const payload = Buffer.from('rawprobe hdrincl test payload');
  const packet = ipv4Echo({ tos: 0x28, ttl: 33, id, identifier, sequence: 7, payload });

  // A raw ICMP socket sees both our request coming back in over lo and the kernel's reply.
  const request = nextIcmp(s, 8, identifier, 7);
  const reply = nextIcmp(s, 0, identifier, 7);
  const { bytes, sentAt } = s.sendTo(packet, '127.0.0.1');
  t.is(bytes, packet.length);

  const [req] = await request;
  t.is(req.ttl, 33, 'our TTL');
  t.is(req.tos, 0x28, 'our TOS');
  t.is(req.id, id, 'our IP identification');
  t.true(req.headerChecksumOk);

  const [rep, info] = await reply;
  const defaultTtl = Number(readFileSync('/proc/sys/net/ipv4/ip_default_ttl', 'utf8').trim());
  t.is(rep.type, 0, 'echo reply');
  t.is(rep.code, 0);
  t.is(rep.identifier, identifier);
  t.is(rep.sequence, 7);
  t.deepEqual(rep.payload, payload, 'payload echoed');
  t.is(rep.source, '127.0.0.1');
  t.is(rep.destination, '127.0.0.1');
  t.is(rep.ttl, defaultTtl, 'the kernel answers with its default TTL');
  t.is(rep.tos, 0x28, 'the kernel answers with the TOS of the request');
  t.true(rep.headerChecksumOk && rep.icmpChecksumOk);
  t.is(info.address, '127.0.0.1');
  t.is(info.port, 0, 'raw IP sockets have no port');
  t.true(info.kernelTimestamp);
  t.true(info.timestamp > sentAt, 'received after it was sent');
  t.true(info.timestamp - sentAt < 1e9, `round trip ${(info.timestamp - sentAt) / 1e6} ms, under a second`);
});

rootTest()('IP_HDRINCL: a zero IP id and a zero checksum are filled in by the kernel (raw(7))', async (t) => {
  const s = rawIcmpSocket({ hdrincl: true });
  t.teardown(() => s.close());
  const identifier = random16();
  const packet = ipv4Echo({ tos: 0, ttl: 64, id: 0, identifier, sequence: 1, payload: Buffer.from('zero') });
  packet.writeUInt16BE(0, 10); // no header checksum
  packet.writeUInt16BE(0, 2); // no total length either
  const request = nextIcmp(s, 8, identifier, 1);
  s.sendTo(packet, '127.0.0.1');
  const [req] = await request;
  t.true(req.headerChecksumOk, 'the kernel computed the header checksum');
  t.not(req.id, 0, 'the kernel chose an identification');
});

rootTest()('IP_HDRINCL: a buffer shorter than its IHL fails with EINVAL and says why', (t) => {
  const s = rawIcmpSocket({ hdrincl: true });
  t.teardown(() => s.close());
  const error = t.throws<SocketError>(() => s.sendTo(Buffer.from([0x4f, 0, 0, 0]), '127.0.0.1'));
  t.is(error?.code, 'EINVAL');
  t.is(error?.syscall, 'sendto');
  t.regex(error?.message ?? '', /with IP_HDRINCL the buffer must hold a whole IPv4 header/);
});

rootTest()('without IP_HDRINCL the kernel writes the header: sendTo takes just the ICMP message', async (t) => {
  const s = rawIcmpSocket();
  t.teardown(() => s.close());
  s.setOption('IP_TTL', 21);
  const identifier = random16();
  const request = nextIcmp(s, 8, identifier, 2);
  const reply = nextIcmp(s, 0, identifier, 2);
  s.sendTo(icmpEcho(identifier, 2, Buffer.from('no header')), '127.0.0.1');
  t.is((await request)[0].ttl, 21, 'IP_TTL applies to the header the kernel writes');
  t.deepEqual((await reply)[0].payload, Buffer.from('no header'));
});

rootTest()('ICMP_FILTER: with only echo replies passed, our own request never reaches the socket', async (t) => {
  const s = rawIcmpSocket({ passTypes: [0] });
  t.teardown(() => s.close());
  t.is(s.getOption('ICMP_FILTER'), icmpFilterMask([0]));
  const identifier = random16();
  // The request reaches raw sockets before the kernel even builds the reply, so had it
  // passed the filter it would be the first of ours to arrive.
  const first = waitFor<[Buffer, MessageInfo]>(s, 'message', (msg) => readIcmpPacket(msg).identifier === identifier);
  s.sendTo(icmpEcho(identifier, 3, Buffer.from('filtered')), '127.0.0.1');
  const [msg] = await first;
  t.is(readIcmpPacket(msg).type, 0);
});

rootTest()('BPF filter (iputils style): echo replies for another identifier are dropped in the kernel', async (t) => {
  const s = rawIcmpSocket();
  t.teardown(() => s.close());
  const ours = random16();
  const theirs = (ours + 1) & 0xffff;
  s.attachFilter(echoReplyFilterV4(ours));
  const seen: Packet[] = [];
  s.on('message', (msg) => seen.push(readIcmpPacket(msg)));

  s.sendTo(icmpEcho(theirs, 1, Buffer.from('theirs')), '127.0.0.1');
  s.sendTo(icmpEcho(ours, 1, Buffer.from('ours')), '127.0.0.1');
  await nextIcmp(s, 0, ours, 1);
  // One more full round trip of ours: by then their reply has long been through the stack.
  s.sendTo(icmpEcho(ours, 2, Buffer.from('ours')), '127.0.0.1');
  await nextIcmp(s, 0, ours, 2);

  t.false(seen.some((p) => p.type === 0 && p.identifier === theirs), "their echo reply was dropped");
  t.true(seen.some((p) => p.type === 8 && p.identifier === theirs), 'non-replies pass (their request)');
  t.true(seen.some((p) => p.type === 0 && p.identifier === ours));

  // Detached, their replies come through again.
  s.detachFilter();
  const theirReply = nextIcmp(s, 0, theirs, 3);
  s.sendTo(icmpEcho(theirs, 3, Buffer.from('theirs')), '127.0.0.1');
  t.is((await theirReply)[0].identifier, theirs);
  const again = t.throws<SocketError>(() => s.detachFilter());
  t.is(again?.code, 'ENOENT');
  t.regex(again?.message ?? '', /no filter is attached/);
});

rootTest()('a BPF program the kernel rejects fails with EINVAL, explained', (t) => {
  const s = rawIcmpSocket();
  t.teardown(() => s.close());
  // A jump past the end of the program.
  const error = t.throws<SocketError>(() => s.attachFilter([{ code: 0x15, jt: 5, jf: 5, k: 0 }]));
  t.is(error?.code, 'EINVAL');
  t.regex(error?.message ?? '', /rejected the BPF program/);
  t.is(t.throws<SocketError>(() => s.attachFilter(Buffer.alloc(7)))?.code, 'ERR_INVALID_ARG_VALUE');
});

rootTest()('IPv6 raw ICMPv6: an echo request to ::1 and the kernel reply', async (t) => {
  const s = rawIcmpSocket({ family: 'inet6', passTypes: [129] });
  t.teardown(() => s.close());
  const identifier = random16();
  // ICMPv6 echo request (RFC 4443): the kernel fills the checksum on raw ICMPv6 sockets.
  const echo = icmpEcho(identifier, 5, Buffer.from('six'), 128);
  echo.writeUInt16BE(0, 2);
  const got = waitFor<[Buffer, MessageInfo]>(s, 'message', (msg) => msg.readUInt16BE(4) === identifier);
  const { sentAt } = s.sendTo(echo, '::1');
  const [msg, info] = await got;
  t.is(msg[0], 129, 'echo reply (an IPv6 raw socket gets no IP header)');
  t.is(msg.readUInt16BE(6), 5);
  t.is(msg.subarray(8).toString(), 'six');
  t.is(info.address, '::1');
  t.true(info.timestamp > sentAt);
});

test('ICMP helpers in this test build a valid echo (checksum over the whole message is zero)', (t) => {
  const packet = ipv4Echo({ tos: 0, ttl: 64, id: 1, identifier: 0x1234, sequence: 1, payload: Buffer.from('abc') });
  const p = readIcmpPacket(packet);
  t.true(p.headerChecksumOk);
  t.true(p.icmpChecksumOk);
  t.is(p.identifier, 0x1234);
  t.is(packet.readUInt16BE(2), packet.length);
});

rootTest()('sendMany to a Uint32Array of IPv4 addresses: each datagram to its own, answered from there', async (t) => {
  const s = rawIcmpSocket();
  t.teardown(() => s.close());
  const identifier = random16();
  const payload = Buffer.from('rawprobe u32 destinations');
  const destinations = ['127.0.0.2', '127.0.0.3', '127.0.0.4'];
  const replies = destinations.map((_, i) => nextIcmp(s, 0, identifier, i + 1));
  const numbers = Uint32Array.from(destinations, (d) => d.split('.').reduce((n, part) => n * 256 + Number(part), 0));
  const r = s.sendMany(destinations.map((_, i) => icmpEcho(identifier, i + 1, payload)), numbers);
  t.is(r.sent, 3);
  t.is(r.error, null);
  const answered = await Promise.all(replies);
  t.deepEqual(answered.map(([p]) => p.source), destinations, 'reply i comes from destination i');
  t.deepEqual(answered.map(([p]) => p.sequence), [1, 2, 3]);

  const short = t.throws<SocketError>(() => s.sendMany([icmpEcho(identifier, 9, payload)], numbers));
  t.is(short?.code, 'ERR_INVALID_ARG_VALUE');
  t.regex(short?.message ?? '', /one entry per buffer \(3 for 1 buffers\)/);
  const v6 = rawIcmpSocket({ family: 'inet6' });
  t.teardown(() => v6.close());
  const wrongFamily = t.throws<SocketError>(() => v6.sendMany([icmpEcho(identifier, 9, payload, 128)], Uint32Array.of(0x7f000001)));
  t.regex(wrongFamily?.message ?? '', /needs an AF_INET socket/);
});

rootTest()('our own fragments (lib/wire fragmentIpv4) are put back together by the kernel, which answers the whole echo', async (t) => {
  const s = rawIcmpSocket({ hdrincl: true });
  t.teardown(() => s.close());
  const identifier = random16();
  const payload = Buffer.alloc(3000, 0x5a);
  payload.write('rawprobe fragments');
  const datagram = ipv4Echo({ tos: 0, ttl: 64, id: random16() || 1, identifier, sequence: 3, payload });
  const fragments = fragmentIpv4(datagram, 1500);
  t.is(fragments.length, 3, '3028 bytes in pieces of at most 1500');
  const reply = nextIcmp(s, 0, identifier, 3);
  // The last piece first: the kernel reassembles whatever the order.
  t.is(s.sendMany([...fragments].reverse(), '127.0.0.1').sent, 3);
  const [rep] = await reply;
  t.deepEqual(rep.payload, payload, 'the reply carries all 3000 bytes');
});
