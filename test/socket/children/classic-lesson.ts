// Child for classic/call-log.test.ts, run in a temporary directory: the socket lesson's
// seqpacket echo, with the server's calls printed from the call log, one JSON record per line.
import { createSocket, type SocketCall } from '../../../lib/socket/index.js';

const print = (c: SocketCall): void => {
  process.stdout.write(`${JSON.stringify({ ...c, data: c.data?.toString('latin1') ?? null, error: c.error?.code ?? null })}\n`);
};

const server = createSocket({ family: 'unix', type: 'seqpacket', onCall: print });
server.bind('./lesson.sock').listen(128);
const client = createSocket({ family: 'unix', type: 'seqpacket' });
await client.connect('./lesson.sock');
await client.sendAll('hello');
const { socket } = await server.accept();
const hello = await socket.recv();
await socket.send(hello);
// Now a recv that has to wait: EAGAIN first, then the data once it is there.
const later = socket.recv();
await new Promise((resolve) => setImmediate(resolve));
await client.sendAll('bye');
await later;
client.close();
socket.close();
server.close();
