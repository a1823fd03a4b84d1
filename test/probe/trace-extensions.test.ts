// ICMP extensions in trace answers (lib/probe/trace/extensions.ts, cli/format/extensions.ts): the
// hand-built Time Exceeded of fixtures/packets/icmp-time-exceeded-mpls-stack.hex (scapy, checked
// against tshark by fixtures/make/crosscheck.mjs) decodes to its two labels and its interface
// information, printed as traceroute -e prints them; the same structure after a 128-byte quote
// without a length (routers before RFC 4884) is found too, but never in the data of a longer
// probe; a structure whose checksum fails is ignored; and a trace shows them on the hop line.
import test from 'ava';
import { join } from 'node:path';
import { MATCH, newMatch } from '../../lib/probe/engine/protocol.js';
import { answerExtensions } from '../../lib/probe/trace/extensions.js';
import { TraceSession, type TraceHop } from '../../lib/probe/trace/index.js';
import { UdpProbe } from '../../lib/probe/protocols/udp.js';
import { internetChecksum } from '../../lib/wire/checksum.js';
import { extensionsJson, extensionsSuffix } from '../../cli/format/extensions.js';
import { hopJson, hopLine } from '../../cli/format/trace.js';
import { PACKETS_DIR, readHexFixture } from '../fixtures/fixtures.js';
import { FakeClock, FakeSocket } from './fakes.js';
import { PathSim, ROUTERS, drive, traceConfig } from './trace-path.js';

const fixture = readHexFixture(join(PACKETS_DIR, 'icmp-time-exceeded-mpls-stack.hex'));
const TRACEROUTE_E = '<MPLS:L=24001,E=0,S=0,T=1/L=16005,E=5,S=1,T=1;INC:5,198.51.100.2,"ge-0/0/1",mtu=1500>';

/** The fixture with the RFC 4884 length byte set to `words` (ICMP checksum made right again). */
function withLength(words: number): Buffer {
  const b = Buffer.from(fixture);
  b[20 + 5] = words;
  b.writeUInt16BE(0, 22);
  b.writeUInt16BE(internetChecksum(b, 20), 22);
  return b;
}

test('the fixture: two labels and the interface the probe came in on, as traceroute -e prints them', (t) => {
  const objects = answerExtensions(fixture, 0, fixture.length)!;
  t.deepEqual(extensionsJson(objects), [
    { kind: 'mpls-label-stack', entries: [{ label: 24001, tc: 0, s: false, ttl: 1 }, { label: 16005, tc: 5, s: true, ttl: 1 }] },
    { kind: 'interface-information', role: 'INC', ifIndex: 5, address: '198.51.100.2', name: 'ge-0/0/1', mtu: 1500 },
  ]);
  t.is(extensionsSuffix(objects), ` ${TRACEROUTE_E}`);
  // At an offset in a receive buffer, as the engine hands answers over.
  const inBatch = Buffer.concat([Buffer.alloc(7, 0xa5), fixture, Buffer.alloc(5, 0xa5)]);
  t.deepEqual(answerExtensions(inBatch, 7, fixture.length), objects);
  // The answer is a traceroute probe's: a trace matches it (40010 -> 33434).
  const m = newMatch();
  const udp = new UdpProbe({ source: '203.0.113.1', df: false, length: 60, srcPort: 40010, basePort: 33434 });
  t.is(udp.match(fixture, 0, fixture.length, fixture.length, m), MATCH.error);
  t.is(m.key, 33434);
});

test('routers before RFC 4884: no length, the structure after a 128-byte quote of a short probe; never inside a long one', (t) => {
  const legacy = withLength(0);
  t.is(extensionsSuffix(answerExtensions(legacy, 0, legacy.length)), ` ${TRACEROUTE_E}`);
  // A quote of a datagram longer than 128 bytes: what follows byte 128 is the probe's own data.
  const long = Buffer.from(legacy);
  long.writeUInt16BE(400, 28 + 2);
  t.is(answerExtensions(long, 0, long.length), null);
  // A length that points elsewhere finds nothing whole there.
  const wrong = withLength(20);
  t.is(answerExtensions(wrong, 0, wrong.length), null);
});

test('a structure whose checksum fails, a cut message, an echo reply: no extensions', (t) => {
  const bad = Buffer.from(fixture);
  bad[bad.length - 1] = bad[bad.length - 1]! ^ 1;
  t.is(answerExtensions(bad, 0, bad.length), null);
  t.is(answerExtensions(fixture, 0, 20 + 8 + 128 + 2), null);
  const echoReply = Buffer.from(fixture);
  echoReply[20] = 0;
  t.is(answerExtensions(echoReply, 0, echoReply.length), null);
});

test('a trace through a router that sends them: -e puts them after its address, JSON keeps them per probe', async (t) => {
  const extensions = fixture.subarray(20 + 8 + 128);
  const clock = new FakeClock();
  const socket = new FakeSocket(clock);
  const sim = new PathSim(socket, clock, { extensionsAt: { hop: 2, extensions } });
  const session = new TraceSession(traceConfig(), { socket, clock, capture: null });
  const hops: TraceHop[] = [];
  const running = session.run({ onHop: (h) => hops.push(h) });
  await drive(sim, clock, running);
  await running;
  const line = hopLine(hops[1]!, (a) => a, { extensions: true }).replace(/ {2}\d+\.\d{3} ms/g, '');
  t.is(line, ` 2  ${ROUTERS[1]} ${TRACEROUTE_E}`);
  t.false(hopLine(hops[1]!).includes('<'), 'without -e, traceroute\'s line');
  t.false(hopLine(hops[0]!, (a) => a, { extensions: true }).includes('<'));
  const json = hopJson(hops[1]!) as { probes: Record<string, unknown>[] };
  t.deepEqual(json.probes[0]!['extensions'], extensionsJson(answerExtensions(fixture, 0, fixture.length)));
  t.false('extensions' in (hopJson(hops[0]!) as { probes: Record<string, unknown>[] }).probes[0]!, 'only where an answer had some');
});
