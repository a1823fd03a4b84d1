// Child for test/cli/trace-middlebox-lab.test.ts: a router whose Time Exceeded quotes only the
// first 28 bytes of the datagram (RFC 792's minimum: the IPv4 header and 8 bytes), as many
// routers still do; the Linux kernel always quotes up to 576 bytes. Run in a router's namespace
// where an nftables rule drops the kernel's own (longer) Time Exceeded; this answers in its
// place. It captures (AF_PACKET, lib/capture) what arrives on INTERFACE with TTL 1 for somebody
// else and sends from ADDRESS a Time Exceeded quoting BYTES of it. Prints "ready" once capturing;
// the test kills it.
//
//   node short-quote-responder.js INTERFACE ADDRESS [BYTES]
import { openCapture } from '../../../lib/capture/index.js';
import { rawIcmpSocket } from '../../../lib/socket/index.js';
import { encodePacket } from '../../../lib/wire/index.js';
import * as ipv4 from '../../../lib/wire/ipv4.js';

const ETHERNET_HEADER = 14;

const [iface, address, bytesText] = process.argv.slice(2);
if (iface === undefined || address === undefined) throw new Error('usage: short-quote-responder INTERFACE ADDRESS [BYTES]');
const quoteBytes = Number(bytesText ?? 28);
const socket = rawIcmpSocket({ hdrincl: true, passTypes: [] });
const capture = openCapture({ interface: iface, filter: `ip and ip[8] = 1 and not dst host ${address}`, retireMs: 1 });
capture.on('packet', (p) => {
  const datagram = p.data.subarray(ETHERNET_HEADER);
  if (p.direction === 'outgoing' || p.packet === null) return;
  const ip = ipv4.decode(datagram);
  const quote = datagram.subarray(0, Math.min(quoteBytes, ip.totalLength));
  socket.sendTo(encodePacket({ ip: { src: address, dst: ip.src, ttl: 64 }, icmp: { kind: 'time-exceeded', code: 0 }, payload: quote }), ip.src);
});
capture.on('error', (e) => {
  process.stderr.write(`short-quote-responder: ${e.message}\n`);
  process.exit(1);
});
process.stdout.write('ready\n');
// Bounded: gone after 60 s even if nobody kills it.
setTimeout(() => {
  void capture.stop();
  socket.close();
}, 60_000).unref();
