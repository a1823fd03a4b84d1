// Child for lifecycle.test.ts: a receiving socket that was unref()'d must not keep the
// process alive.
import { openSocket } from '../../../lib/socket/index.js';

const socket = openSocket({ family: 'inet', type: 'dgram' }).bind('127.0.0.1', 0);
socket.on('message', () => process.stdout.write('unexpected message\n'));
socket.unref();
process.stdout.write(`receiving ${socket.receiving}\n`);
