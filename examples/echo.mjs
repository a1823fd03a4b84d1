// Build an IPv4 + ICMP echo request with TTL 7 and TOS 0x10, send it with IP_HDRINCL to
// 127.0.0.1, and print the kernel's decoded reply. Run as root: node examples/echo.mjs
import { wire, socket } from 'rawprobe';

const request = wire.encodePacket({
  ip: { src: '127.0.0.1', dst: '127.0.0.1', ttl: 7, tos: 0x10, id: 0x1234 },
  icmp: { kind: 'echo-request', identifier: process.pid & 0xffff, sequence: 1, data: Buffer.from('hello from rawprobe') },
});

const sock = socket.rawIcmpSocket({ hdrincl: true, passTypes: [wire.icmpv4.ICMP_TYPE.ECHO_REPLY] });
const timer = setTimeout(() => { console.error('no reply within 1 s'); sock.close(); }, 1000);
sock.on('message', (bytes, info) => {
  const reply = wire.decodePacket(bytes);
  if (reply.icmp?.kind !== 'echo-reply' || reply.icmp.identifier !== (process.pid & 0xffff)) return;
  clearTimeout(timer);
  const rtt = (info.timestamp - sent.sentAt) / 1e6;
  console.log(`reply from ${info.address} in ${rtt.toFixed(3)} ms:`);
  console.log(JSON.stringify(wire.packetToJson(reply), null, 2));
  sock.close();
});
const sent = sock.sendTo(request, '127.0.0.1');
