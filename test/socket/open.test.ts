// Opening and closing sockets: which family/type pairs Linux offers, the errors when it does
// not, argument checks, and what happens after close().
import { readdirSync, readFileSync } from 'node:fs';

import test from 'ava';

import { addon } from '../../lib/socket/addon.js';
import { constants, openSocket, type SocketError } from '../../lib/socket/index.js';
import { rootTest } from '../helpers/privilege.js';

test('unprivileged families and types open, non-blocking and close-on-exec, with the SO_TYPE asked for', (t) => {
  const cases = [
    ['inet', 'dgram', constants.SOCK_DGRAM],
    ['inet', 'stream', constants.SOCK_STREAM],
    ['inet6', 'dgram', constants.SOCK_DGRAM],
    ['inet6', 'stream', constants.SOCK_STREAM],
    ['unix', 'dgram', constants.SOCK_DGRAM],
    ['unix', 'stream', constants.SOCK_STREAM],
    ['unix', 'seqpacket', constants.SOCK_SEQPACKET],
  ] as const;
  for (const [family, type, expected] of cases) {
    const s = openSocket({ family, type });
    t.true(s.fd >= 0, `${family} ${type} has a descriptor`);
    t.is(s.getOption('SO_TYPE'), expected, `${family} ${type} SO_TYPE`);
    t.is(s.getOption('SO_DOMAIN'), constants[family === 'inet' ? 'AF_INET' : family === 'inet6' ? 'AF_INET6' : 'AF_UNIX']);
    // O_NONBLOCK and FD_CLOEXEC, read from /proc (flags are octal; O_NONBLOCK is 04000, O_CLOEXEC 02000000).
    const flags = parseInt(/flags:\s+(\d+)/.exec(readFdInfo(s.fd))?.[1] ?? '0', 8);
    t.truthy(flags & 0o4000, `${family} ${type} is non-blocking`);
    t.truthy(flags & 0o2000000, `${family} ${type} is close-on-exec`);
    s.close();
  }
});

rootTest()('raw sockets open for IPv4 and IPv6 and default to ICMP / ICMPv6', (t) => {
  const v4 = openSocket({ family: 'inet', type: 'raw' });
  t.is(v4.protocol, constants.IPPROTO_ICMP);
  t.is(v4.getOption('SO_TYPE'), constants.SOCK_RAW);
  t.is(v4.getOption('SO_PROTOCOL'), constants.IPPROTO_ICMP);
  v4.close();
  const v6 = openSocket({ family: 'inet6', type: 'raw' });
  t.is(v6.getOption('SO_PROTOCOL'), constants.IPPROTO_ICMPV6);
  v6.close();
  const rawIp = openSocket({ family: 'inet', type: 'raw', protocol: 'raw' });
  t.true(rawIp.getOption('IP_HDRINCL'), 'IPPROTO_RAW implies IP_HDRINCL');
  rawIp.close();
});

test('a unix SOCK_RAW socket is silently a datagram socket', (t) => {
  const s = openSocket({ family: 'unix', type: 'raw' });
  t.is(s.getOption('SO_TYPE'), constants.SOCK_DGRAM);
  s.close();
});

test('SOCK_RDM on AF_INET fails with ESOCKTNOSUPPORT and says where Linux has it', (t) => {
  const error = t.throws<SocketError>(() => openSocket({ family: 'inet', type: 'rdm' }));
  t.is(error?.code, 'ESOCKTNOSUPPORT');
  t.is(error?.errno, -constants.ESOCKTNOSUPPORT);
  t.is(error?.syscall, 'socket');
  t.regex(error?.message ?? '', /Linux does not offer SOCK_RDM on AF_INET/);
  t.regex(error?.message ?? '', /AF_TIPC/);
});

test('SOCK_RDM on AF_UNIX and SOCK_SEQPACKET on AF_INET fail with ESOCKTNOSUPPORT', (t) => {
  const rdm = t.throws<SocketError>(() => openSocket({ family: 'unix', type: 'rdm' }));
  t.is(rdm?.code, 'ESOCKTNOSUPPORT');
  t.regex(rdm?.message ?? '', /SOCK_RDM on AF_UNIX/);
  const seq = t.throws<SocketError>(() => openSocket({ family: 'inet', type: 'seqpacket' }));
  t.is(seq?.code, 'ESOCKTNOSUPPORT');
  t.regex(seq?.message ?? '', /use AF_UNIX/);
});

test('a protocol the type cannot carry fails with EPROTONOSUPPORT', (t) => {
  const error = t.throws<SocketError>(() => openSocket({ family: 'inet', type: 'stream', protocol: 'udp' }));
  t.is(error?.code, 'EPROTONOSUPPORT');
  t.is(error?.errno, -constants.EPROTONOSUPPORT);
});

test('bad arguments are refused before any descriptor is made', (t) => {
  const bad = [
    () => openSocket({ family: 'ipx' as never, type: 'dgram' }),
    () => openSocket({ family: 'inet', type: 'packet' as never }),
    () => openSocket({ family: 'inet', type: 'dgram', protocol: 'sctp' as never }),
    () => openSocket({ family: 'inet', type: 'dgram', protocol: -1 }),
    () => openSocket({ family: 'inet', type: 'dgram', protocol: 1.5 }),
  ];
  const before = countFds();
  for (const open of bad) {
    const error = t.throws<SocketError>(open);
    t.is(error?.code, 'ERR_INVALID_ARG_VALUE');
    t.is(error?.errno, null);
    t.is(error?.syscall, null);
  }
  // The native constructor checks too, for callers that skip the TypeScript face.
  const { Socket } = addon();
  const nativeBad = t.throws<SocketError>(() => new Socket(99, constants.SOCK_DGRAM, 0));
  t.is(nativeBad?.code, 'ERR_INVALID_ARG_VALUE');
  t.is(countFds(), before);
});

test('close is idempotent and every later call throws ERR_SOCKET_CLOSED', async (t) => {
  const s = openSocket({ family: 'inet', type: 'dgram' }).bind('127.0.0.1', 0);
  const closed = new Promise<void>((resolve) => s.once('close', resolve));
  s.close();
  t.notThrows(() => s.close());
  t.true(s.closed);
  t.is(s.fd, -1);
  const calls: Array<[string, () => unknown]> = [
    ['bind', () => s.bind('127.0.0.1', 0)],
    ['connect', () => s.connect('127.0.0.1', 9)],
    ['send', () => s.send(Buffer.from('x'))],
    ['sendTo', () => s.sendTo(Buffer.from('x'), '127.0.0.1', 9)],
    ['sendMany', () => s.sendMany([Buffer.from('x')], '127.0.0.1')],
    ['setOption', () => s.setOption('SO_BROADCAST', true)],
    ['getOption', () => s.getOption('SO_TYPE')],
    ['attachFilter', () => s.attachFilter(Buffer.alloc(8))],
    ['detachFilter', () => s.detachFilter()],
    ['address', () => s.address()],
    ['startReceiving', () => s.startReceiving()],
    ['ref', () => s.ref()],
    ['unref', () => s.unref()],
  ];
  for (const [name, call] of calls) {
    const error = t.throws<SocketError>(call, undefined, name);
    t.is(error?.code, 'ERR_SOCKET_CLOSED', name);
    t.regex(error?.message ?? '', /the socket is closed/, name);
  }
  // The native object says the same to callers that skip the TypeScript face.
  const native = new (addon().Socket)(constants.AF_INET, constants.SOCK_DGRAM, 0);
  t.true(native.close());
  t.false(native.close());
  t.is(t.throws<SocketError>(() => native.getOption(constants.SOL_SOCKET, constants.SO_TYPE, 'int'))?.code, 'ERR_SOCKET_CLOSED');
  await closed;
  t.pass('close event emitted');
});

test('closing releases the descriptor', (t) => {
  const before = countFds();
  const sockets = Array.from({ length: 20 }, () => openSocket({ family: 'inet', type: 'dgram' }));
  t.is(countFds(), before + 20);
  for (const s of sockets) s.close();
  t.is(countFds(), before);
});

function readFdInfo(fd: number): string {
  return readFileSync(`/proc/self/fdinfo/${fd}`, 'utf8');
}

function countFds(): number {
  return readdirSync('/proc/self/fd').length;
}
