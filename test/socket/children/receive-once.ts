// Child for lifecycle.test.ts: receives one datagram, closes, and must then exit by itself
// (nothing else keeps the event loop alive).
import { openSocket } from '../../../lib/socket/index.js';

const socket = openSocket({ family: 'inet', type: 'dgram' }).bind('127.0.0.1', 0);
socket.on('message', (msg) => {
  process.stdout.write(`got ${msg.toString()}\n`);
  socket.close();
});
process.stdout.write(`port ${socket.address().port}\n`);
