// Against Node's own net and dgram modules (libuv's sockets, not ours): TCP over IPv4 and
// IPv6, unix stream sockets on a path and on an abstract name, UDP over IPv4 and IPv6. Node has
// no unix datagram or seqpacket sockets; Python covers those (python-peers.test.ts).
import { createSocket as createDgram, type RemoteInfo } from 'node:dgram';
import { once } from 'node:events';
import { connect as netConnect, createServer, type AddressInfo, type Socket as NetSocket } from 'node:net';

import test from 'ava';

import { constants, createSocket } from '../../../lib/socket/index.js';
import { CLIENT_MESSAGES, SERVER_MESSAGES, familyOf, recvUntilEnd, serverAddress, tempDir, type Place } from './helpers.js';

const TIMEOUT = { timeout: 20_000 };
const joinedHex = (messages: readonly Buffer[]): string => Buffer.concat(messages).toString('hex');

/** Everything a net socket receives until the peer's end, as one Buffer. */
function collect(socket: NetSocket): Promise<Buffer> {
  const chunks: Buffer[] = [];
  socket.on('data', (c: Buffer) => chunks.push(c));
  return once(socket, 'end').then(() => Buffer.concat(chunks));
}

// Node (libuv) binds and connects to an abstract name padded with NULs to all of sun_path, and
// the kernel compares every byte of the name: to meet Node there, name those NULs too. (Python
// and rawprobe use the name as given, with its exact length.)
function nodeAbstract(place: Place, address: string): string {
  return place === 'unix-abstract' ? address.padEnd(constants.UNIX_PATH_MAX, '\0') : address;
}

function netTarget(place: Place, address: string, port: number): { path: string } | { host: string; port: number } {
  return familyOf(place) === 'unix' ? { path: address } : { host: address, port };
}

for (const place of ['inet', 'inet6', 'unix', 'unix-abstract'] as const) {
  const family = familyOf(place);

  test(`${place} stream: our server, Node's net client`, async (t) => {
    const server = createSocket({ family, type: 'stream' }).bind(nodeAbstract(place, serverAddress(place, tempDir(t))), 0).listen();
    t.teardown(() => server.close());
    const bound = server.address();
    const client = netConnect(netTarget(place, bound.address, bound.port ?? 0));
    t.teardown(() => client.destroy());
    client.on('error', (error) => t.fail(`Node's client: ${error.message}`));
    const clientGot = collect(client);
    client.on('connect', () => {
      for (const m of CLIENT_MESSAGES) client.write(m);
      client.end();
    });
    const { socket: conn } = await server.accept(TIMEOUT);
    t.teardown(() => conn.close());
    t.is(Buffer.concat(await recvUntilEnd(conn)).toString('hex'), joinedHex(CLIENT_MESSAGES));
    for (const m of SERVER_MESSAGES) await conn.sendAll(m, TIMEOUT);
    conn.shutdown('write');
    t.is((await clientGot).toString('hex'), joinedHex(SERVER_MESSAGES));
  });

  test(`${place} stream: Node's net server, our client`, async (t) => {
    let serverGot: Promise<Buffer> | null = null;
    // allowHalfOpen: our client's shutdown('write') must not end the server's side too.
    const server = createServer({ allowHalfOpen: true }, (socket) => {
      serverGot = collect(socket);
      void serverGot.then(() => {
        for (const m of SERVER_MESSAGES) socket.write(m);
        socket.end();
      });
    });
    t.teardown(() => server.close());
    const address = serverAddress(place, tempDir(t));
    if (family === 'unix') server.listen(address);
    else server.listen(0, address);
    await once(server, 'listening');
    const port = family === 'unix' ? 0 : (server.address() as AddressInfo).port;
    const client = createSocket({ family, type: 'stream' });
    t.teardown(() => client.close());
    await client.connect(nodeAbstract(place, address), port, TIMEOUT);
    for (const m of CLIENT_MESSAGES) await client.sendAll(m, TIMEOUT);
    client.shutdown('write');
    t.is(Buffer.concat(await recvUntilEnd(client)).toString('hex'), joinedHex(SERVER_MESSAGES));
    t.not(serverGot, null);
    t.is((await (serverGot as unknown as Promise<Buffer>)).toString('hex'), joinedHex(CLIENT_MESSAGES));
  });
}

for (const place of ['inet', 'inet6'] as const) {
  const udp = place === 'inet' ? 'udp4' : 'udp6';
  const host = place === 'inet' ? '127.0.0.1' : '::1';

  test(`${place} dgram: our server, Node's dgram client`, async (t) => {
    const server = createSocket({ family: place, type: 'dgram' }).bind(host, 0);
    t.teardown(() => server.close());
    const port = server.address().port as number;
    const client = createDgram(udp);
    t.teardown(() => client.close());
    const answers: Buffer[] = [];
    const all = new Promise<void>((resolve) =>
      client.on('message', (m: Buffer) => {
        answers.push(m);
        if (answers.length === SERVER_MESSAGES.length) resolve();
      }),
    );
    client.bind(0, host);
    await once(client, 'listening');
    for (const m of CLIENT_MESSAGES) client.send(m, port, host);
    const got = [];
    for (let i = 0; i < CLIENT_MESSAGES.length; i++) got.push(await server.recvFrom(65536, TIMEOUT));
    t.deepEqual(got.map((m) => m.data.toString('hex')), CLIENT_MESSAGES.map((m) => m.toString('hex')));
    t.is(got[0]!.from!.port, client.address().port);
    for (const m of SERVER_MESSAGES) await server.sendTo(m, got[0]!.from!, undefined, TIMEOUT);
    await all;
    t.deepEqual(answers.map((m) => m.toString('hex')), SERVER_MESSAGES.map((m) => m.toString('hex')));
  });

  test(`${place} dgram: Node's dgram server, our client`, async (t) => {
    const server = createDgram(udp);
    t.teardown(() => server.close());
    const received: Buffer[] = [];
    server.on('message', (m: Buffer, rinfo: RemoteInfo) => {
      received.push(m);
      if (received.length === CLIENT_MESSAGES.length) for (const a of SERVER_MESSAGES) server.send(a, rinfo.port, rinfo.address);
    });
    server.bind(0, host);
    await once(server, 'listening');
    const port = server.address().port;
    const client = createSocket({ family: place, type: 'dgram' });
    t.teardown(() => client.close());
    for (const m of CLIENT_MESSAGES) await client.sendTo(m, host, port, TIMEOUT);
    const got = [];
    for (let i = 0; i < SERVER_MESSAGES.length; i++) got.push(await client.recvFrom(65536, TIMEOUT));
    t.deepEqual(got.map((m) => m.data.toString('hex')), SERVER_MESSAGES.map((m) => m.toString('hex')));
    t.deepEqual(received.map((m) => m.toString('hex')), CLIENT_MESSAGES.map((m) => m.toString('hex')));
    t.is(got[0]!.from!.port, port);
  });
}
