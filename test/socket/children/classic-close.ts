// Child for classic/close.test.ts: starts one call of each kind that waits (accept, recv with
// and without a timeout, connect, sendAll, an async iteration of connections, a 'connection'
// listener), closes every socket, and reports how each call ended and the descriptors before
// and after. It sets no timer and calls no exit: if close() left a poll handle, a timer or a
// descriptor behind, the process would stay alive and the parent's wait would fail.
import { readdirSync } from 'node:fs';

import { createSocket, socketpair, type Socket, type SocketError } from '../../../lib/socket/index.js';

const fds = (): number => readdirSync('/proc/self/fd').length - 1;
// Node opens a descriptor (/dev/null) the first time process.stdout is touched on a pipe:
// touch it before counting.
const out = process.stdout;
const before = fds();

const listener = createSocket({ family: 'inet', type: 'stream' }).bind('127.0.0.1', 0).listen();
const [reader, readerPeer] = socketpair('unix', 'stream');
const [sender, sendPeer] = socketpair('unix', 'stream');
// A listener whose backlog is full: the next connect waits for a SYN-ACK that never comes.
const full = createSocket({ family: 'inet', type: 'stream' }).bind('127.0.0.1', 0).listen(0);
const fullPort = full.address().port as number;
const filler = createSocket({ family: 'inet', type: 'stream' });
await filler.connect('127.0.0.1', fullPort);
const connector = createSocket({ family: 'inet', type: 'stream' });
const served = createSocket({ family: 'unix', type: 'seqpacket' }).bind(`\0rawprobe-close-${process.pid}`).listen();
served.on('connection', (s: Socket) => s.close());
const iterated = createSocket({ family: 'inet6', type: 'stream' }).bind('::1', 0).listen();
const iteration = (async (): Promise<number> => {
  let n = 0;
  for await (const { socket } of iterated.connections()) {
    socket.close();
    n++;
  }
  return n;
})();

const waiting: Record<string, Promise<unknown>> = {
  accept: listener.accept(),
  recv: reader.recv(1024),
  'recv with a timeout': reader.recv(1024, { timeout: 60_000 }),
  connect: connector.connect('127.0.0.1', fullPort, { timeout: 60_000 }),
  // 64 MiB: far more than the pair's buffers take while nobody reads.
  sendAll: sender.sendAll(Buffer.alloc(64 * 1024 * 1024, 1)),
  iteration,
};
// Let every call reach the kernel and find it would block.
await new Promise((resolve) => setImmediate(resolve));

for (const s of [listener, reader, readerPeer, sender, sendPeer, full, filler, connector, served, iterated]) s.close();

const outcome: Record<string, unknown> = {};
for (const [name, promise] of Object.entries(waiting)) {
  try {
    outcome[name] = { value: await promise };
  } catch (error) {
    const e = error as SocketError & { bytesSent?: number };
    outcome[name] = { code: e.code, syscall: e.syscall, bytesSent: e.bytesSent };
  }
}
out.write(`${JSON.stringify({ outcome, before, after: fds() })}\n`);
