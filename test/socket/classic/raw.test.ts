// SOCK_RAW through the classic calls: where the kernel allows it (AF_INET with CAP_NET_RAW;
// AF_UNIX, which quietly makes it a datagram socket), and its refusal otherwise.
import test from 'ava';

import { constants, createSocket, socketpair, type SocketError } from '../../../lib/socket/index.js';
import { isRoot, rootTest } from '../../helpers/privilege.js';
import { icmpEcho, random16 } from '../helpers.js';

rootTest()('inet raw ICMP: sendTo an echo request to 127.0.0.1, recvFrom the kernel’s reply (with its IPv4 header)', async (t) => {
  const s = createSocket({ family: 'inet', type: 'raw' });
  t.teardown(() => s.close());
  t.is(s.protocol, constants.IPPROTO_ICMP);
  const id = random16();
  t.is(await s.sendTo(icmpEcho(id, 1, Buffer.from('classic raw')), '127.0.0.1'), 8 + 11);
  for (;;) {
    const { data, from } = await s.recvFrom(65536, { timeout: 10_000 });
    const ihl = ((data[0] as number) & 0x0f) * 4;
    if (data[ihl] !== 0 || data.readUInt16BE(ihl + 4) !== id) continue; // our own request, or another ping
    t.is(from?.address, '127.0.0.1');
    t.is(data.subarray(ihl + 8).toString(), 'classic raw');
    return;
  }
});

test('unix raw: Linux accepts it and makes a datagram socket (SO_TYPE says SOCK_DGRAM)', async (t) => {
  const [a, b] = socketpair('unix', 'raw');
  t.teardown(() => {
    a.close();
    b.close();
  });
  t.is(a.getOption('SO_TYPE'), constants.SOCK_DGRAM);
  await a.send('one');
  await a.send('two');
  t.is((await b.recv()).toString(), 'one');
  t.is((await b.recv()).toString(), 'two');
});

test('inet raw without CAP_NET_RAW: EPERM with what to do (as root: allowed)', (t) => {
  if (isRoot) {
    const s = createSocket({ family: 'inet6', type: 'raw' });
    t.is(s.protocol, constants.IPPROTO_ICMPV6);
    s.close();
    return;
  }
  const error = t.throws<SocketError>(() => createSocket({ family: 'inet', type: 'raw' }));
  t.is(error?.code, 'EPERM');
  t.regex(error?.message ?? '', /needs CAP_NET_RAW/);
});
