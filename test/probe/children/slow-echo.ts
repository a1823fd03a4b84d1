// Child for test/cli/ping-lab.test.ts: an echo responder for a host whose kernel ignores echo
// (icmp_echo_ignore_all). It answers every echo request addressed to ADDRESS itself, holding back
// the one with sequence SLOW_SEQ for DELAY_MS: a reply that arrives after ping's -W timeout, on
// a real network path, without netem. Prints "ready" once listening; the test kills it.
//
//   node slow-echo.js ADDRESS SLOW_SEQ DELAY_MS
import { rawIcmpSocket } from '../../../lib/socket/index.js';
import { decodePacket, encodePacket } from '../../../lib/wire/index.js';

const [address, slowText, delayText] = process.argv.slice(2);
const slow = Number(slowText);
const delay = Number(delayText);
const socket = rawIcmpSocket({ hdrincl: true, passTypes: [8] });
socket.on('message', (msg) => {
  const p = decodePacket(msg);
  if (p.icmp?.kind !== 'echo-request' || p.ip.dst !== address) return;
  const reply = encodePacket({
    ip: { src: p.ip.dst, dst: p.ip.src, ttl: 64, tos: p.ip.tos, id: p.ip.id },
    icmp: { kind: 'echo-reply', identifier: p.icmp.identifier, sequence: p.icmp.sequence, data: p.icmp.data },
  });
  const send = (): void => {
    socket.sendTo(reply, p.ip.src);
  };
  if (p.icmp.sequence === slow) setTimeout(send, delay);
  else send();
});
process.stdout.write('ready\n');
// Bounded: gone after 30 s even if nobody kills it.
setTimeout(() => socket.close(), 30_000).unref();
