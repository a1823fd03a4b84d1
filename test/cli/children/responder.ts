// What the lab responders share (mpls-responder.ts, short-quote-responder.ts): a router's own
// Time Exceeded answered from a user process. It captures (AF_PACKET, lib/capture) what arrives
// on `iface` with TTL 1 for somebody else than `address`, and sends what `answer` makes of each
// such datagram (null: nothing) back to its source on a raw socket. Prints "ready" once
// capturing; the test kills it, and it is gone after 60 s anyway.
import { openCapture } from '../../../lib/capture/index.js';
import { rawIcmpSocket } from '../../../lib/socket/index.js';
import * as ipv4 from '../../../lib/wire/ipv4.js';

const ETHERNET_HEADER = 14;

export function respondToExpiring(name: string, iface: string, address: string, answer: (datagram: Buffer, ip: ipv4.Ipv4Header) => Buffer | null): void {
  const socket = rawIcmpSocket({ hdrincl: true, passTypes: [] });
  const capture = openCapture({ interface: iface, filter: `ip and ip[8] = 1 and not dst host ${address}`, retireMs: 1 });
  capture.on('packet', (p) => {
    const datagram = p.data.subarray(ETHERNET_HEADER);
    if (p.direction === 'outgoing' || p.packet === null) return;
    const ip = ipv4.decode(datagram);
    const bytes = answer(datagram, ip);
    if (bytes !== null) socket.sendTo(bytes, ip.src);
  });
  capture.on('error', (e) => {
    process.stderr.write(`${name}: ${e.message}\n`);
    process.exit(1);
  });
  process.stdout.write('ready\n');
  setTimeout(() => {
    void capture.stop();
    socket.close();
  }, 60_000).unref();
}
