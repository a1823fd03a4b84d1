// The programs the socket row runs, on rawprobe's classic socket API (lib/socket/classic), one
// role per process, as socat and the Python accept loop run:
//
//   node dist/bench/socket-peers.js receive           listen on 127.0.0.1, print "port N", accept
//                                                      one connection, recvInto one 256 KiB buffer
//                                                      until the end, print
//                                                      "received BYTES bytes in MS ms"
//   node dist/bench/socket-peers.js send PORT BYTES   connect, sendAll BYTES (a 4 MiB buffer over
//                                                      and over), shutdown('write')
//   node dist/bench/socket-peers.js accept COUNT ROUNDS
//                                                      listen (backlog 4096), print "port N"; then
//                                                      ROUNDS times: wait for a line on stdin, accept
//                                                      and close COUNT connections, print "accepted
//                                                      COUNT in MS ms" (first to last accept)
//   node dist/bench/socket-peers.js connect PORT COUNT WINDOW
//                                                      the load for both accept loops: COUNT
//                                                      connect+close, WINDOW at a time; closed
//                                                      connections wait in the backlog all the same
import { createInterface } from 'node:readline';

import { createSocket, type Socket } from '../lib/socket/index.js';

const RECV_SIZE = 256 * 1024;
const SEND_CHUNK = 4 * 1024 * 1024;

function say(line: string): void {
  process.stdout.write(`${line}\n`);
}

async function receive(): Promise<void> {
  const server = createSocket({ family: 'inet', type: 'stream' }).bind('127.0.0.1', 0).listen(1);
  say(`port ${server.address().port}`);
  const { socket } = await server.accept();
  server.close();
  // recv_into one buffer: counting needs no Buffer per read.
  const buffer = Buffer.alloc(RECV_SIZE);
  let total = 0;
  let first = 0;
  for (;;) {
    const n = await socket.recvInto(buffer);
    if (first === 0) first = performance.now();
    if (n === 0) break;
    total += n;
  }
  socket.close();
  say(`received ${total} bytes in ${(performance.now() - first).toFixed(1)} ms`);
}

async function send(port: number, bytes: number): Promise<void> {
  const socket = createSocket({ family: 'inet', type: 'stream' });
  await socket.connect('127.0.0.1', port);
  const chunk = Buffer.alloc(SEND_CHUNK, 0x5a);
  for (let left = bytes; left > 0; left -= chunk.length) {
    await socket.sendAll(left >= chunk.length ? chunk : chunk.subarray(0, left));
  }
  socket.shutdown('write');
  await socket.recv(1); // the receiver's close
  socket.close();
}

async function accept(count: number, rounds: number): Promise<void> {
  const server = createSocket({ family: 'inet', type: 'stream' }).bind('127.0.0.1', 0).listen(4096);
  say(`port ${server.address().port}`);
  const lines = createInterface({ input: process.stdin })[Symbol.asyncIterator]();
  const connections = server.connections();
  for (let round = 0; round < rounds; round++) {
    // The connections are made while we wait: then only accepting is timed, not the client.
    await lines.next();
    let first = 0;
    for (let n = 0; n < count; n++) {
      const next = await connections.next();
      if (next.done === true) throw new Error('the listening socket closed');
      if (n === 0) first = performance.now();
      next.value.socket.close();
    }
    say(`accepted ${count} in ${(performance.now() - first).toFixed(1)} ms`);
  }
  server.close();
  process.stdin.destroy();
}

async function connect(port: number, count: number, window: number): Promise<void> {
  let started = 0;
  const one = async (): Promise<void> => {
    while (started < count) {
      started++;
      const socket: Socket = createSocket({ family: 'inet', type: 'stream' });
      await socket.connect('127.0.0.1', port);
      socket.close();
    }
  };
  await Promise.all(Array.from({ length: window }, one));
}

const [role, a, b, c] = process.argv.slice(2);
const jobs: Record<string, () => Promise<void>> = {
  receive: () => receive(),
  send: () => send(Number(a), Number(b)),
  accept: () => accept(Number(a), Number(b)),
  connect: () => connect(Number(a), Number(b), Number(c)),
};
const job = jobs[role ?? ''];
if (job === undefined) {
  process.stderr.write('usage: socket-peers.js receive | send PORT BYTES | accept COUNT ROUNDS | connect PORT COUNT WINDOW\n');
  process.exitCode = 2;
} else {
  await job();
}
