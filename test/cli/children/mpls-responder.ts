// Child for test/cli/trace-report-lab.test.ts: an MPLS router's Time Exceeded, which the Linux
// kernel never sends (it adds no ICMP extensions). Run in a router's namespace, where an nftables
// rule drops the kernel's own Time Exceeded (those without an RFC 4884 length); this answers in
// its place (responder.ts): for what arrives on INTERFACE with TTL 1 for somebody else, it sends
// from ADDRESS the Time Exceeded a label-switching router would: the
// datagram quoted as it arrived, padded to 128 bytes (RFC 4884), then an extension structure with
// the label stack LABELS (RFC 4950) and the interface it came in on (RFC 5837). Prints "ready"
// once capturing; the test kills it.
//
//   node mpls-responder.js INTERFACE ADDRESS LABEL:TC:S:TTL[,LABEL:TC:S:TTL...] [MTU]
import { readFileSync } from 'node:fs';
import { encodeExtensions, type IcmpExtensionObjectInit } from '../../../lib/wire/icmp-extensions.js';
import { decodePacket, encodePacket } from '../../../lib/wire/index.js';
import { respondToExpiring } from './responder.js';

/** RFC 4884: the original datagram field, padded to 128 bytes, in 32-bit words. */
const QUOTE_WORDS = 32;

const [iface, address, labelText, mtuText] = process.argv.slice(2);
if (iface === undefined || address === undefined || labelText === undefined) throw new Error('usage: mpls-responder INTERFACE ADDRESS LABELS [MTU]');
const entries = labelText.split(',').map((l) => {
  const [label, tc, s, ttl] = l.split(':').map(Number);
  return { label: label!, tc: tc!, s: s === 1, ttl: ttl! };
});
const ifIndex = Number(readFileSync(`/sys/class/net/${iface}/ifindex`, 'utf8'));
const mtu = Number(mtuText ?? readFileSync(`/sys/class/net/${iface}/mtu`, 'utf8'));

/** RFC 5837 section 4.1, class 2, c-type 0x0f: incoming interface with ifIndex, IPv4 address, name and MTU. */
function interfaceObject(): IcmpExtensionObjectInit {
  const name = Buffer.from(iface!, 'utf8');
  const nameField = Buffer.alloc(Math.ceil((name.length + 1) / 4) * 4);
  nameField[0] = nameField.length;
  name.copy(nameField, 1);
  const data = Buffer.alloc(4 + 8 + nameField.length + 4);
  data.writeUInt32BE(ifIndex, 0);
  data.writeUInt16BE(1, 4); // AFI 1: IPv4
  Buffer.from(address!.split('.').map(Number)).copy(data, 8);
  nameField.copy(data, 12);
  data.writeUInt32BE(mtu, 12 + nameField.length);
  return { kind: 'unknown', classNum: 2, cType: 0x0f, data };
}

const extensions = encodeExtensions([{ kind: 'mpls-label-stack', entries }, interfaceObject()]);
respondToExpiring('mpls-responder', iface, address, (datagram, ip) => {
  const quoted = { ip, payload: datagram.subarray(ip.headerLength, Math.min(ip.totalLength, QUOTE_WORDS * 4)) };
  const answer = encodePacket({
    ip: { src: address, dst: ip.src, ttl: 64, tos: 0xc0 },
    icmp: { kind: 'time-exceeded', code: 0, quoted, extensionLength: QUOTE_WORDS, extensions },
  });
  return decodePacket(answer).icmp?.kind === 'time-exceeded' ? answer : null;
});
