// sendMany's IPv6 destinations in binary (issue 13): a Uint32Array of four big-endian words per
// datagram on an inet6 socket, as a sweep -6 hands its targets to sendmmsg. Each datagram goes
// to its own address and is answered from there; a list of the wrong length, or of IPv4 numbers,
// is refused before anything is sent. Only ::1 is sent to.
import { rawIcmpSocket, type MessageInfo, type SocketError } from '../../lib/socket/index.js';
import { ipv6WordsOf } from '../../lib/wire/ipv6-address.js';
import { rootTest } from '../helpers/privilege.js';
import { icmpEcho, random16, waitFor } from './helpers.js';

rootTest()('sendMany to IPv6 addresses as words: every datagram to its own, answered, and a list of the wrong length refused', async (t) => {
  const s = rawIcmpSocket({ family: 'inet6', passTypes: [129] });
  t.teardown(() => s.close());
  const identifier = random16();
  const echo = (sequence: number): Buffer => {
    const b = icmpEcho(identifier, sequence, Buffer.from(`words ${sequence}`), 128);
    b.writeUInt16BE(0, 2); // the kernel fills an ICMPv6 checksum on raw ICMPv6 sockets
    return b;
  };
  const words = new Uint32Array(12);
  for (let i = 0; i < 3; i++) ipv6WordsOf('::1', words, i * 4);
  const replies = [1, 2, 3].map((seq) => waitFor<[Buffer, MessageInfo]>(s, 'message', (msg) => msg[0] === 129 && msg.readUInt16BE(4) === identifier && msg.readUInt16BE(6) === seq));
  const r = s.sendMany([echo(1), echo(2), echo(3)], words);
  t.is(r.sent, 3);
  t.is(r.error, null);
  const answered = await Promise.all(replies);
  t.deepEqual(answered.map(([msg, info]) => [info.address, msg.subarray(8).toString()]), [['::1', 'words 1'], ['::1', 'words 2'], ['::1', 'words 3']]);

  const short = t.throws<SocketError>(() => s.sendMany([echo(4), echo(5)], words));
  t.is(short?.code, 'ERR_INVALID_ARG_VALUE');
  t.regex(short?.message ?? '', /four entries per buffer \(12 for 2 buffers\)/);
  const ipv4 = t.throws<SocketError>(() => s.sendMany([echo(6), echo(7)], Uint32Array.of(0x7f000001, 0x7f000001)));
  t.regex(ipv4?.message ?? '', /needs an AF_INET socket/);
});
