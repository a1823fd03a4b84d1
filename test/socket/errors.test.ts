// Send errors with advice, provoked for real inside a network namespace of our own (nothing
// can leave it), and the error shape everywhere: code, negative errno, syscall, message.
import { execFileSync } from 'node:child_process';

import test from 'ava';

import { addon } from '../../lib/socket/addon.js';
import { constants, isSocketError, openSocket, socketError, type SocketError } from '../../lib/socket/index.js';
import { rootTest } from '../helpers/privilege.js';
import { childScript, random16, runChild } from './helpers.js';

interface Outcome {
  label: string;
  sent?: boolean;
  code?: string;
  errno?: number;
  syscall?: string;
  message?: string;
}

rootTest()('ENETUNREACH, EHOSTUNREACH, EACCES (a prohibit route) and EMSGSIZE from sendto, each with what to do', async (t) => {
  const ns = `rpsock-${process.pid}-${random16().toString(16)}`;
  execFileSync('ip', ['netns', 'add', ns]);
  t.teardown(() => execFileSync('ip', ['netns', 'del', ns]));
  execFileSync('ip', ['-n', ns, 'link', 'set', 'lo', 'up']);
  execFileSync('ip', ['-n', ns, 'route', 'add', 'unreachable', '203.0.113.0/24']);
  execFileSync('ip', ['-n', ns, 'route', 'add', 'prohibit', '198.18.6.0/24']);

  const child = runChild('ip', ['netns', 'exec', ns, process.execPath, childScript('unreachable')]);
  const { code } = await child.exited();
  t.is(code, 0, child.stderr());
  const results = new Map(child.lines.map((l) => JSON.parse(l) as Outcome).map((o) => [o.label, o]));

  const noRoute = results.get('no route');
  t.is(noRoute?.code, 'ENETUNREACH');
  t.is(noRoute?.errno, -constants.ENETUNREACH);
  t.is(noRoute?.syscall, 'sendto');
  t.is(noRoute?.message, 'sendto ENETUNREACH 198.51.100.1:9: there is no route to that network: check the address and `ip route`');

  const unreachable = results.get('unreachable route');
  t.is(unreachable?.code, 'EHOSTUNREACH');
  t.regex(unreachable?.message ?? '', /^sendto EHOSTUNREACH 203\.0\.113\.1:9: the host is unreachable/);

  // A prohibit route says EACCES, as a broadcast without SO_BROADCAST does: the advice names both.
  const prohibited = results.get('prohibit route');
  t.is(prohibited?.code, 'EACCES');
  t.regex(prohibited?.message ?? '', /^sendto EACCES 198\.18\.6\.1:9: .*needs SO_BROADCAST.*a prohibit route refuses this address/);

  const tooBig = results.get('too big');
  t.is(tooBig?.code, 'EMSGSIZE');
  t.regex(tooBig?.message ?? '', /larger than the path MTU .* or than the 65535-byte maximum/);

  t.is(results.get('no route v6')?.code, 'ENETUNREACH');
});

test('every error has code, errno and syscall: the kernel’s and rawprobe’s own', (t) => {
  const kernel = t.throws<SocketError>(() => openSocket({ family: 'inet', type: 'rdm' }));
  t.true(isSocketError(kernel));
  t.deepEqual(Object.keys(kernel ?? {}).filter((k) => ['code', 'errno', 'syscall'].includes(k)).sort(), ['code', 'errno', 'syscall']);
  const ours = socketError('ERR_SOCKET_CLOSED', 'cannot send: the socket is closed');
  t.deepEqual([ours.code, ours.errno, ours.syscall], ['ERR_SOCKET_CLOSED', null, null]);
  const made = addon().errnoError(constants.EHOSTUNREACH, 'sendto') as SocketError;
  t.deepEqual([made.code, made.errno, made.syscall], ['EHOSTUNREACH', -constants.EHOSTUNREACH, 'sendto']);
  t.true(made instanceof Error);
});

test('EACCES on a send to a broadcast address names SO_BROADCAST', (t) => {
  const s = openSocket({ family: 'inet', type: 'dgram' });
  t.teardown(() => s.close());
  // The loopback network's broadcast address (inside 127/8), without SO_BROADCAST: the kernel
  // refuses at the route lookup, before anything is sent.
  const error = t.throws<SocketError>(() => s.sendTo(Buffer.from('x'), '127.255.255.255', 9));
  t.is(error?.code, 'EACCES');
  t.regex(error?.message ?? '', /needs SO_BROADCAST/);
});

test('invalid addresses are refused before the kernel sees them', (t) => {
  const v4 = openSocket({ family: 'inet', type: 'dgram' });
  const v6 = openSocket({ family: 'inet6', type: 'dgram' });
  const unix = openSocket({ family: 'unix', type: 'dgram' });
  t.teardown(() => (v4.close(), v6.close(), unix.close()));
  for (const [s, address] of [[v4, '::1'], [v4, 'localhost'], [v6, '127.0.0.1'], [v6, '::1%no-such-if0']] as const) {
    const error = t.throws<SocketError>(() => s.sendTo(Buffer.from('x'), address, 9), undefined, address);
    t.is(error?.code, 'ERR_INVALID_ARG_VALUE', address);
  }
  t.is(t.throws<SocketError>(() => v4.sendTo(Buffer.from('x'), '127.0.0.1', 70000))?.code, 'ERR_INVALID_ARG_VALUE');
  t.is(t.throws<SocketError>(() => unix.sendTo(Buffer.from('x'), 'x'.repeat(200)))?.code, 'ERR_INVALID_ARG_VALUE');
  t.is(t.throws<SocketError>(() => v4.sendTo('text' as never, '127.0.0.1', 9))?.code, 'ERR_INVALID_ARG_TYPE');
});
