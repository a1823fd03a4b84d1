// Child for errors.test.ts, run inside a network namespace the test made (only lo, up, an
// "unreachable" route for 203.0.113.0/24 and a "prohibit" one for 198.18.6.0/24): nothing can
// leave it. Reports each send's
// error as one JSON line.
import { openSocket, type SocketError } from '../../../lib/socket/index.js';

const v4 = openSocket({ family: 'inet', type: 'dgram' });
const v6 = openSocket({ family: 'inet6', type: 'dgram' });
const cases: Array<[string, () => unknown]> = [
  ['no route', () => v4.sendTo(Buffer.from('x'), '198.51.100.1', 9)],
  ['unreachable route', () => v4.sendTo(Buffer.from('x'), '203.0.113.1', 9)],
  ['prohibit route', () => v4.sendTo(Buffer.from('x'), '198.18.6.1', 9)],
  ['too big', () => v4.sendTo(Buffer.alloc(70000), '127.0.0.1', 9)],
  ['no route v6', () => v6.sendTo(Buffer.from('x'), '2001:db8::1', 9)],
];
for (const [label, send] of cases) {
  try {
    send();
    process.stdout.write(`${JSON.stringify({ label, sent: true })}\n`);
  } catch (caught) {
    const e = caught as SocketError;
    process.stdout.write(`${JSON.stringify({ label, code: e.code, errno: e.errno, syscall: e.syscall, message: e.message })}\n`);
  }
}
v4.close();
v6.close();
