// Child for test/cli/trace-middlebox-lab.test.ts: a router whose Time Exceeded quotes only the
// first 28 bytes of the datagram (RFC 792's minimum: the IPv4 header and 8 bytes), as many
// routers still do; the Linux kernel always quotes up to 576 bytes. Run in a router's namespace
// where an nftables rule drops the kernel's own (longer) Time Exceeded; this answers in its
// place (responder.ts), from ADDRESS, quoting BYTES of what arrived on INTERFACE with TTL 1.
//
//   node short-quote-responder.js INTERFACE ADDRESS [BYTES]
import { encodePacket } from '../../../lib/wire/index.js';
import { respondToExpiring } from './responder.js';

const [iface, address, bytesText] = process.argv.slice(2);
if (iface === undefined || address === undefined) throw new Error('usage: short-quote-responder INTERFACE ADDRESS [BYTES]');
const quoteBytes = Number(bytesText ?? 28);
respondToExpiring('short-quote-responder', iface, address, (datagram, ip) => {
  const quote = datagram.subarray(0, Math.min(quoteBytes, ip.totalLength));
  return encodePacket({ ip: { src: address, dst: ip.src, ttl: 64 }, icmp: { kind: 'time-exceeded', code: 0 }, payload: quote });
});
