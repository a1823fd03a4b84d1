// Errors as values: what the kernel refuses comes back as a typed error (code, negative
// errno, syscall, a message that says what to do) or, from connectEx, as the errno's name;
// what we refuse before any syscall has code ERR_* and leaves no syscall in the call log.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

import test from 'ava';

import {
  ErrorCode,
  constants,
  createSocket,
  socketpair,
  type SocketCall,
  type SocketError,
  type SocketType,
} from '../../../lib/socket/index.js';
import { rootTest } from '../../helpers/privilege.js';
import { childScript, random16, runChild } from '../helpers.js';
import { hasPython, pythonTest, tempDir } from './helpers.js';

const ptest = pythonTest(test);

/** A TCP port on 127.0.0.1 that nothing listens on: bound by the kernel's choice, then released. */
function closedPort(): number {
  const s = createSocket({ family: 'inet', type: 'stream' }).bind('127.0.0.1', 0);
  const port = s.address().port as number;
  s.close();
  return port;
}

function python(code: string): string {
  return execFileSync('python3', ['-c', code], { encoding: 'utf8' }).trim();
}

test('connect to a closed port: connect rejects ECONNREFUSED, connectEx resolves it', async (t) => {
  const port = closedPort();
  const s = createSocket({ family: 'inet', type: 'stream' });
  t.teardown(() => s.close());
  const error = await t.throwsAsync<SocketError>(s.connect('127.0.0.1', port));
  t.is(error?.code, 'ECONNREFUSED');
  t.is(error?.errno, -constants.ECONNREFUSED);
  t.is(error?.syscall, 'connect');
  t.is(error?.message, `connect ECONNREFUSED 127.0.0.1:${port}: nobody is listening on that port: the peer answered the SYN with a reset`);
  const again = createSocket({ family: 'inet', type: 'stream' });
  t.teardown(() => again.close());
  t.is(await again.connectEx('127.0.0.1', port), 'ECONNREFUSED');
  if (hasPython()) {
    // Python's connect_ex, on the same port, says the same.
    t.is(python(`import socket, errno\ns = socket.socket()\nprint(errno.errorcode[s.connect_ex(('127.0.0.1', ${port}))])`), 'ECONNREFUSED');
  }
});

test('connect to a unix path: ENOENT when there is no file, ECONNREFUSED when nobody listens, 0 when someone does', async (t) => {
  const dir = tempDir(t);
  const client = (): ReturnType<typeof createSocket> => {
    const c = createSocket({ family: 'unix', type: 'stream' });
    t.teardown(() => c.close());
    return c;
  };
  t.is(await client().connectEx(join(dir, 'nobody.sock')), 'ENOENT');
  const bound = createSocket({ family: 'unix', type: 'stream' }).bind(join(dir, 'bound.sock'));
  t.teardown(() => bound.close());
  t.is(await client().connectEx(join(dir, 'bound.sock')), 'ECONNREFUSED');
  bound.listen();
  t.is(await client().connectEx(join(dir, 'bound.sock')), 0);
  const wrongType = client();
  const dgram = createSocket({ family: 'unix', type: 'dgram' }).bind(join(dir, 'dgram.sock'));
  t.teardown(() => dgram.close());
  const error = await t.throwsAsync<SocketError>(wrongType.connect(join(dir, 'dgram.sock')));
  t.is(error?.code, 'EPROTOTYPE');
  t.regex(error?.message ?? '', /has another type/);
});

test('bind to an address in use: EADDRINUSE, for a TCP port and for a unix path', (t) => {
  const first = createSocket({ family: 'inet', type: 'stream' }).bind('127.0.0.1', 0).listen();
  t.teardown(() => first.close());
  const port = first.address().port as number;
  const second = createSocket({ family: 'inet', type: 'stream' });
  t.teardown(() => second.close());
  const error = t.throws<SocketError>(() => second.bind('127.0.0.1', port));
  t.deepEqual([error?.code, error?.errno, error?.syscall], ['EADDRINUSE', -constants.EADDRINUSE, 'bind']);
  t.is(error?.message, `bind EADDRINUSE 127.0.0.1:${port}: another socket already uses that address and port`);

  const path = join(tempDir(t), 'taken.sock');
  const owner = createSocket({ family: 'unix', type: 'seqpacket' }).bind(path);
  t.teardown(() => owner.close());
  const late = createSocket({ family: 'unix', type: 'seqpacket' });
  t.teardown(() => late.close());
  const unixError = t.throws<SocketError>(() => late.bind(path));
  t.is(unixError?.code, 'EADDRINUSE');
  t.regex(unixError?.message ?? '', /that socket path already exists: remove the file first/);
});

test('a unix path longer than 107 bytes is refused before any syscall, with a typed error', async (t) => {
  const dir = tempDir(t);
  const calls: SocketCall[] = [];
  const s = createSocket({ family: 'unix', type: 'stream', onCall: (c) => calls.push(c) });
  t.teardown(() => s.close());
  const long = join(dir, 'x'.repeat(constants.UNIX_PATH_MAX - dir.length - 1)); // 108 bytes
  t.is(Buffer.byteLength(long), 108);
  const error = t.throws<SocketError>(() => s.bind(long));
  t.true(error instanceof RangeError);
  t.deepEqual([error?.code, error?.errno, error?.syscall], [ErrorCode.unixPathTooLong, null, 'bind']);
  t.is(error?.message, 'bind: the unix socket path is 108 bytes, at most 107 fit (sun_path holds 108 bytes, the terminating NUL included): use a shorter path, a relative one, or an abstract name ("\\0name")');
  const connectError = await t.throwsAsync<SocketError>(s.connect(long));
  t.deepEqual([connectError?.code, connectError?.syscall], [ErrorCode.unixPathTooLong, 'connect']);
  t.deepEqual(calls.map((c) => c.call), ['socket'], 'no bind or connect reached the kernel');
  t.false(existsSync(long));
  // One byte less fits, and binds for real.
  const fits = long.slice(0, -1);
  s.bind(fits);
  t.true(existsSync(fits));
  t.is(s.address().address, fits);
  // An abstract name may use every byte of sun_path: 108 with its leading NUL.
  const abstract = createSocket({ family: 'unix', type: 'dgram' });
  t.teardown(() => abstract.close());
  const name = `\0${random16()}`.padEnd(constants.UNIX_PATH_MAX, 'a');
  abstract.bind(name);
  t.is(abstract.address().address, name);
  t.is(t.throws<SocketError>(() => abstract.bind(`${name}b`))?.code, ErrorCode.unixPathTooLong);
});

test('accept after close rejects ERR_SOCKET_CLOSED; so does an accept that was waiting when close came', async (t) => {
  const server = createSocket({ family: 'inet', type: 'stream' }).bind('127.0.0.1', 0).listen();
  const waiting = server.accept();
  server.close();
  const during = await t.throwsAsync<SocketError>(waiting);
  t.deepEqual([during?.code, during?.errno, during?.syscall], [ErrorCode.socketClosed, null, 'accept']);
  t.is(during?.message, 'accept: the socket was closed while the call waited');
  const after = await t.throwsAsync<SocketError>(server.accept());
  t.deepEqual([after?.code, after?.syscall, after?.message], [ErrorCode.socketClosed, 'accept', 'cannot accept: the socket is closed']);
  t.is(t.throws<SocketError>(() => server.listen())?.code, ErrorCode.socketClosed);
  server.close(); // twice is fine
});

test('the calls a socket type does not have: listen and accept on dgram, accept before listen', async (t) => {
  const dgram = createSocket({ family: 'inet', type: 'dgram' }).bind('127.0.0.1', 0);
  t.teardown(() => dgram.close());
  const listen = t.throws<SocketError>(() => dgram.listen());
  t.deepEqual([listen?.code, listen?.syscall], ['EOPNOTSUPP', 'listen']);
  t.regex(listen?.message ?? '', /listen works only on connection sockets/);
  const accept = await t.throwsAsync<SocketError>(dgram.accept());
  t.deepEqual([accept?.code, accept?.syscall], ['EOPNOTSUPP', 'accept4']);
  const stream = createSocket({ family: 'inet', type: 'stream' }).bind('127.0.0.1', 0);
  t.teardown(() => stream.close());
  const early = await t.throwsAsync<SocketError>(stream.accept());
  t.deepEqual([early?.code, early?.message], ['EINVAL', 'accept4 EINVAL: the socket is not listening: call listen() first']);
  t.is(t.throws<SocketError>(() => stream.shutdown('write'))?.code, 'ENOTCONN');
  t.is(t.throws<SocketError>(() => socketpair('inet', 'stream'))?.code, 'EOPNOTSUPP');
});

ptest('socket types the kernel does not offer: the same errno Python gets, as a typed error', (t) => {
  const kinds: Array<[family: 'inet' | 'inet6' | 'unix', type: SocketType, python: string]> = [
    ['inet', 'seqpacket', 'AF_INET, socket.SOCK_SEQPACKET'],
    ['inet6', 'seqpacket', 'AF_INET6, socket.SOCK_SEQPACKET'],
    ['inet', 'rdm', 'AF_INET, socket.SOCK_RDM'],
    ['unix', 'rdm', 'AF_UNIX, socket.SOCK_RDM'],
  ];
  for (const [family, type, args] of kinds) {
    const theirs = python(`import socket, errno\ntry:\n  socket.socket(socket.${args}).close(); print('ok')\nexcept OSError as e:\n  print(errno.errorcode[e.errno])`);
    const error = t.throws<SocketError>(() => createSocket({ family, type }), undefined, `${family} ${type}`);
    t.is(error?.code, theirs, `${family} ${type}`);
    t.is(error?.syscall, 'socket');
    t.is(error?.errno, -(constants as Record<string, number>)[theirs]!);
  }
});

test('a connect the listener cannot take (its backlog is full) times out: ERR_SOCKET_TIMEOUT, connectEx gives ETIMEDOUT', async (t) => {
  // listen(0): one finished connection fills the accept queue; Linux then drops further SYNs
  // and the client retransmits until our timeout ends the wait.
  const server = createSocket({ family: 'inet', type: 'stream' }).bind('127.0.0.1', 0).listen(0);
  t.teardown(() => server.close());
  const port = server.address().port as number;
  const first = createSocket({ family: 'inet', type: 'stream' });
  t.teardown(() => first.close());
  await first.connect('127.0.0.1', port, { timeout: 10_000 });
  const second = createSocket({ family: 'inet', type: 'stream' });
  t.teardown(() => second.close());
  const error = await t.throwsAsync<SocketError>(second.connect('127.0.0.1', port, { timeout: 300 }));
  t.deepEqual([error?.code, error?.errno, error?.syscall], [ErrorCode.socketTimeout, null, 'connect']);
  t.regex(error?.message ?? '', /^connect: the connection was not made .* within 300 ms \(timeout\)$/);
  const third = createSocket({ family: 'inet', type: 'stream' });
  t.teardown(() => third.close());
  t.is(await third.connectEx('127.0.0.1', port, { timeout: 300 }), 'ETIMEDOUT');
});

rootTest()('connect where no route leads: connectEx gives ENETUNREACH, connect rejects with it', async (t) => {
  const ns = `rpclassic-${process.pid}-${random16().toString(16)}`;
  execFileSync('ip', ['netns', 'add', ns]); // its loopback stays down: no route at all
  t.teardown(() => execFileSync('ip', ['netns', 'del', ns]));
  const child = runChild('ip', ['netns', 'exec', ns, process.execPath, childScript('classic-unreachable')]);
  t.is((await child.exited()).code, 0, child.stderr());
  const result = JSON.parse(child.lines[0] ?? '{}') as Record<string, unknown>;
  t.is(result['value'], 'ENETUNREACH');
  t.deepEqual([result['code'], result['errno'], result['syscall']], ['ENETUNREACH', -constants.ENETUNREACH, 'connect']);
  t.regex(String(result['message']), /^connect ENETUNREACH 127\.0\.0\.1:9: there is no route to that network/);
});

test('timeouts: recv gives up with ERR_SOCKET_TIMEOUT and the socket still works; timeout 0 never waits (EAGAIN)', async (t) => {
  const [a, b] = socketpair('unix', 'stream');
  t.teardown(() => {
    a.close();
    b.close();
  });
  const late = await t.throwsAsync<SocketError>(a.recv(100, { timeout: 50 }));
  t.deepEqual([late?.code, late?.syscall, late?.message], [ErrorCode.socketTimeout, 'recv', 'recv: nothing arrived within 50 ms (timeout)']);
  const now = await t.throwsAsync<SocketError>(a.recv(100, { timeout: 0 }));
  t.deepEqual([now?.code, now?.errno, now?.syscall], ['EAGAIN', -constants.EAGAIN, 'recv']);
  a.timeout = 0; // Python's settimeout(0): non-blocking
  t.is((await t.throwsAsync<SocketError>(a.recv()))?.code, 'EAGAIN');
  a.timeout = null;
  await b.sendAll('still here');
  t.is((await a.recv()).toString(), 'still here');
  t.is(t.throws<SocketError>(() => (a.timeout = -1))?.code, ErrorCode.invalidArgValue);
});

test('bad arguments reject (or throw, for the set-up calls) before any syscall', async (t) => {
  const calls: SocketCall[] = [];
  const s = createSocket({ family: 'inet', type: 'dgram', onCall: (c) => calls.push(c) });
  t.teardown(() => s.close());
  t.is((await t.throwsAsync<SocketError>(s.recv(0)))?.code, ErrorCode.invalidArgValue);
  t.is((await t.throwsAsync<SocketError>(s.sendTo('x', '127.0.0.1', 70000)))?.code, ErrorCode.invalidArgValue);
  t.is((await t.throwsAsync<SocketError>(s.sendTo('x', 'not an address', 9)))?.code, ErrorCode.invalidArgValue);
  t.is((await t.throwsAsync<SocketError>(s.send(42 as never)))?.code, ErrorCode.invalidArgType);
  t.is(t.throws<SocketError>(() => s.shutdown('sideways' as never))?.code, ErrorCode.invalidArgValue);
  t.deepEqual(calls.map((c) => c.call), ['socket']);
});
