// Child for lifecycle.test.ts: answers every "ping" and keeps receiving (only the socket
// keeps it alive) until it receives "close".
import { openSocket } from '../../../lib/socket/index.js';

const socket = openSocket({ family: 'inet', type: 'dgram' }).bind('127.0.0.1', 0);
let pings = 0;
socket.on('message', (msg) => {
  const text = msg.toString();
  if (text === 'ping') process.stdout.write(`pong ${++pings}\n`);
  if (text === 'close') {
    process.stdout.write('closing\n');
    socket.close();
  }
});
process.stdout.write(`port ${socket.address().port}\n`);
