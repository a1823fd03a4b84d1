// The source address the kernel would use to reach a destination, without sending anything:
// connect() a UDP socket (which only looks the route up) and read the local address back. The
// UDP and TCP checksums cover the source address (pseudo-header), so a crafted packet needs it
// before it is built: leaving it 0.0.0.0 for the kernel to fill in would make them wrong.

import { openSocket } from '../socket/index.js';

/** "127.0.0.1" for 127.0.0.1, the outgoing interface's address otherwise. Throws the socket error (ENETUNREACH...). */
export function routeSource(destination: string): string {
  const s = openSocket({ family: 'inet', type: 'dgram' });
  try {
    s.connect(destination, 9); // port 9 (discard): any port will do, nothing is sent
    return s.address().address;
  } finally {
    s.close();
  }
}
