// Child for privilege.test.ts, run without CAP_NET_RAW: reports how opening a raw socket
// (and an unprivileged ICMP "ping" socket) fails, as one JSON line each.
import { openSocket, type SocketError } from '../../../lib/socket/index.js';

for (const [label, open] of [
  ['raw', () => openSocket({ family: 'inet', type: 'raw', protocol: 'icmp' })],
  ['ping', () => openSocket({ family: 'inet', type: 'dgram', protocol: 'icmp' })],
] as const) {
  try {
    open().close();
    process.stdout.write(`${JSON.stringify({ label, opened: true })}\n`);
  } catch (caught) {
    const e = caught as SocketError;
    process.stdout.write(
      `${JSON.stringify({ label, opened: false, code: e.code, errno: e.errno, syscall: e.syscall, message: e.message })}\n`,
    );
  }
}
