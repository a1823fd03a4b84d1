// Every family x type x role against Python's socket module, a peer we did not write. The bytes
// must arrive exactly, both ways: on stream sockets as one sequence (the kernel may merge or
// split sends), on seqpacket and dgram sockets message by message, each boundary kept.
import test from 'ava';

import { createSocket, type Socket, type SocketType } from '../../../lib/socket/index.js';
import { CLIENT_MESSAGES, SERVER_MESSAGES, combinations, familyOf, hex, joined, kinds, peerAddressArg, pythonPeer, pythonTest, recvUntilEnd, serverAddress, tempDir, type Place } from './helpers.js';

const ptest = pythonTest(test);
const TIMEOUT = { timeout: 20_000 };

/** The messages as the receiving side must see them: joined on a stream, one by one otherwise. */
function expected(type: SocketType, messages: readonly Buffer[]): string[] {
  return type === 'stream' ? [joined(kinds(messages))] : kinds(messages);
}

function seen(type: SocketType, chunks: readonly string[]): string[] {
  return type === 'stream' ? [joined(chunks)] : [...chunks];
}

/** A unix dgram client needs an address of its own for the answers to reach it. */
function clientBinding(place: Place, dir: string): string | null {
  if (place === 'unix' || place === 'unix-abstract') return serverAddress(place, dir, 'client');
  return null;
}

for (const { place, type } of combinations()) {
  const family = familyOf(place);

  ptest(`${place} ${type}: our server, Python's client`, async (t) => {
    const dir = tempDir(t);
    const server = createSocket({ family, type }).bind(serverAddress(place, dir), 0);
    t.teardown(() => server.close());
    if (type !== 'dgram') server.listen();
    const bound = server.address();
    const options: Record<string, string> = { '--send': hex(CLIENT_MESSAGES) };
    const own = clientBinding(place, dir);
    if (type === 'dgram') options['--expect'] = String(SERVER_MESSAGES.length);
    if (type === 'dgram' && own !== null) options['--bind'] = peerAddressArg(place, own, 0);
    const py = pythonPeer(t, 'client', family, type, peerAddressArg(place, bound.address, bound.port ?? 0), options);

    if (type === 'dgram') {
      const got = [];
      for (let i = 0; i < CLIENT_MESSAGES.length; i++) got.push(await server.recvFrom(65536, TIMEOUT));
      t.deepEqual(got.map((m) => m.data.toString('hex')), kinds(CLIENT_MESSAGES));
      const from = got[0]!.from!;
      if (own !== null) t.is(from.address, own);
      else t.is(from.address, bound.address);
      for (const m of SERVER_MESSAGES) await server.sendTo(m, from, undefined, TIMEOUT);
    } else {
      const { socket: conn, peer } = await server.accept(TIMEOUT);
      t.teardown(() => conn.close());
      t.is(peer.address, family === 'unix' ? '' : bound.address, 'the peer address accept gave');
      const chunks = await recvUntilEnd(conn);
      t.deepEqual(seen(type, chunks.map((c) => c.toString('hex'))), expected(type, CLIENT_MESSAGES));
      for (const m of SERVER_MESSAGES) await conn.sendAll(m, TIMEOUT);
      conn.shutdown('write');
      const report = await py.report();
      conn.close();
      t.deepEqual(seen(type, report.received), expected(type, SERVER_MESSAGES));
      t.is((await py.child.exited()).code, 0, py.child.stderr());
      return;
    }
    const report = await py.report();
    t.deepEqual(report.received, kinds(SERVER_MESSAGES));
    t.is((await py.child.exited()).code, 0, py.child.stderr());
  });

  ptest(`${place} ${type}: Python's server, our client`, async (t) => {
    const dir = tempDir(t);
    const options: Record<string, string> = { '--send': hex(SERVER_MESSAGES) };
    if (type === 'dgram') options['--expect'] = String(CLIENT_MESSAGES.length);
    const address = serverAddress(place, dir);
    const py = pythonPeer(t, 'server', family, type, peerAddressArg(place, address, 0), options);
    const ready = await py.ready();
    const port = ready.port ?? 0;
    const client: Socket = createSocket({ family, type });
    t.teardown(() => client.close());
    const own = clientBinding(place, dir);

    if (type === 'dgram') {
      if (own !== null) client.bind(own);
      for (const m of CLIENT_MESSAGES) t.is(await client.sendTo(m, address, port, TIMEOUT), m.length);
      const got = [];
      for (let i = 0; i < SERVER_MESSAGES.length; i++) got.push(await client.recvFrom(65536, TIMEOUT));
      t.deepEqual(got.map((m) => m.data.toString('hex')), kinds(SERVER_MESSAGES));
      t.is(got[0]!.from!.address, address);
      if (family !== 'unix') t.is(got[0]!.from!.port, port);
    } else {
      await client.connect(address, port, TIMEOUT);
      t.is(client.remoteAddress().address, address);
      for (const m of CLIENT_MESSAGES) t.is(await client.sendAll(m, TIMEOUT), m.length);
      client.shutdown('write');
      const chunks = await recvUntilEnd(client);
      t.deepEqual(seen(type, chunks.map((c) => c.toString('hex'))), expected(type, SERVER_MESSAGES));
      client.close();
    }
    const report = await py.report();
    t.deepEqual(seen(type, report.received), expected(type, CLIENT_MESSAGES));
    t.is((await py.child.exited()).code, 0, py.child.stderr());
  });
}
