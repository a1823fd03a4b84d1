// Send, then await what arrived: capture the echo reply to our own ping of 127.0.0.1, then the
// next three UDP packets on any interface. Run as root: node examples/capture.mjs
import { capture, socket, wire } from 'rawprobe';

const request = wire.encodePacket({
  ip: { src: '127.0.0.1', dst: '127.0.0.1', ttl: 7, id: 0x1234 },
  icmp: { kind: 'echo-request', identifier: process.pid & 0xffff, sequence: 1, data: Buffer.from('hello') },
});
const sock = socket.rawIcmpSocket({ hdrincl: true });

const cap = capture.openCapture({ interface: 'lo', filter: `icmp and icmp[4:2] = ${process.pid & 0xffff}` });
const seen = cap.waitFor((p) => p.packet?.icmp?.kind === 'echo-reply', { timeoutMs: 2000 });
sock.sendTo(request, '127.0.0.1');
const reply = await seen; // null after 2 s without one
console.log('reply', reply?.time, reply?.packet?.ip.ttl);
console.log(await cap.stop()); // { captured, received, dropped, freezes }
sock.close();

// Every packet as it comes; ending the loop closes the capture.
const udp = socket.openSocket({ family: 'inet', type: 'dgram' });
const all = capture.openCapture({ interface: 'any', filter: 'udp dst port 9' });
for (let i = 0; i < 3; i++) udp.sendTo(Buffer.from(`packet ${i}`), '127.0.0.1', 9);
for await (const p of all) {
  console.log(p.index, p.direction, p.packet?.ip.src, p.packet?.payload.toString());
  if (p.index === 2) break;
}
udp.close();
