// Capturing on loopback, next to tcpdump: what `rawprobe send` and `ping` send is captured with its
// exact bytes (the bytes send built, and tcpdump's frames), each packet once although loopback
// shows every packet leaving and arriving, "any" in Linux cooked v2 exactly as libpcap frames it,
// -w pcap and pcapng files tshark reads back with the same frames, lines that reach a pipe as
// each packet arrives, and the library's send-then-await. Every test filters on a port, an
// identifier or a payload of its own, so tests running at the same time never see each other.
import { randomInt } from 'node:crypto';
import { join } from 'node:path';
import { openCapture } from '../../lib/capture/index.js';
import { rawIcmpSocket, toEpochNs } from '../../lib/socket/index.js';
import { LINKTYPE } from '../../lib/pcap/index.js';
import { encodePacket, parseHex } from '../../lib/wire/index.js';
import { rootTest } from '../helpers/privilege.js';
import { rawprobe } from '../helpers/cli.js';
import { tempDir } from '../helpers/tmp.js';
import { toolTest } from '../helpers/tools.js';
import { frameSet, framesOf, interrupt, parseStats, startCapture, startTcpdumpTo, tsharkFrames, untilFrames } from './helpers.js';
import { live, packetLines } from './live.js';

const root = rootTest();
const withTools = toolTest(['tcpdump', 'tshark', 'ping'], root);

/** An Ethernet frame as loopback carries it: zero addresses, type IPv4. */
function loopbackFrame(ip: Buffer): Buffer {
  return Buffer.concat([Buffer.from('000000000000000000000000' + '0800', 'hex'), ip]);
}

/** The bytes `rawprobe send --dry-run ...args` would send (its "hex" lines). */
async function dryRunBytes(args: string[]): Promise<Buffer> {
  const r = await rawprobe(['send', '--dry-run', ...args]);
  const hex = /^hex ((?:[0-9a-f ]|\n {4})+)/m.exec(r.stdout);
  if (hex === null) throw new Error(`no hex in send --dry-run output: ${r.stdout}${r.stderr}`);
  return parseHex(hex[1]!.replace(/\s+/g, ''));
}

withTools('packets sent by rawprobe send: the exact bytes built, once each, in -w pcap and pcapng files tshark reads as tcpdump captured them', async (t) => {
  const dir = tempDir(t, 'capture-send');
  const port = randomInt(20000, 30000);
  const filter = `udp and dst port ${port}`;
  const files = { pcap: join(dir, 'ours.pcap'), pcapng: join(dir, 'ours.pcapng'), tcpdump: join(dir, 'tcpdump.pcap') };
  const tcpdump = await startTcpdumpTo(['-i', 'lo', filter], files.tcpdump);
  t.teardown(() => tcpdump.kill());
  const pcap = await startCapture(['-i', 'lo', '-w', files.pcap, filter]);
  t.teardown(() => pcap.kill());
  const pcapng = await startCapture(['-i', 'lo', '--pcapng', '-w', files.pcapng, filter]);
  t.teardown(() => pcapng.kill());

  const args = ['--dst', '127.0.0.1', '--src', '127.0.0.1', '--id', '4242', '--proto', 'udp', '--sport', '40000', '--dport', String(port), '--tos', 'EF', '--ttl', '9', '--payload', 'hello'];
  const built = await dryRunBytes(args);
  const before = Date.now();
  const sent = await rawprobe(['send', ...args, '--count', '3', '--interval', '10']);
  const after = Date.now();
  t.is(sent.code, 0, sent.stderr);
  for (const file of Object.values(files)) await untilFrames(file, (f) => f.length === 3, `3 packets in ${file}`);
  const [a, b, c] = [await interrupt(pcap), await interrupt(pcapng), await interrupt(tcpdump)];
  t.is(a.code, 0, a.stderr);
  t.is(b.code, 0, b.stderr);
  t.is(c.code, 0, c.stderr);
  t.like(parseStats(a.stderr), { captured: 3, dropped: 0 });
  // Loopback shows each packet leaving and arriving: both count in "received by filter", one is kept.
  t.is(parseStats(a.stderr).received, parseStats(c.stderr).received);

  const expected = [0, 1, 2].map(() => loopbackFrame(built));
  t.deepEqual(framesOf(files.pcap).map((f) => f.bytes), expected);
  t.deepEqual(framesOf(files.pcapng).map((f) => f.bytes), expected);
  t.deepEqual(framesOf(files.tcpdump).map((f) => f.bytes), expected);
  t.deepEqual(tsharkFrames(files.pcap), expected);
  t.deepEqual(tsharkFrames(files.pcapng), expected);
  // Kernel timestamps, in order, within the send command's run (each packet socket stamps its own copy).
  const ms = framesOf(files.pcap).map((f) => f.sec * 1000 + f.nsec / 1e6);
  t.true(ms.every((m, i) => m >= before - 1 && m <= after + 1 && (i === 0 || m >= ms[i - 1]!)), ms.join(' '));
});

withTools('ping\'s packets on lo and on any: the frames tcpdump captures, Linux cooked v2 headers included', async (t) => {
  const dir = tempDir(t, 'capture-ping');
  const pattern = randomInt(0x10000000, 0x7fffffff).toString(16);
  // iputils fills the data with the pattern, then writes its 16-byte timestamp over the start.
  const filter = `icmp and icmp[24:4] = 0x${pattern}`;
  const runs = [];
  for (const iface of ['lo', 'any']) {
    const theirs = join(dir, `tcpdump-${iface}.pcap`);
    const ours = join(dir, `ours-${iface}.pcap`);
    const tcpdump = await startTcpdumpTo(['-i', iface, filter], theirs);
    t.teardown(() => tcpdump.kill());
    const capture = await startCapture(['-i', iface, '-w', ours, filter]);
    t.teardown(() => capture.kill());
    runs.push({ iface, theirs, ours, tcpdump, capture });
  }
  const ping = await live(['-c', '2', '-i', '0.2', '-p', pattern, '127.0.0.1'], { command: 'ping' }).exited;
  t.is(ping.code, 0);
  for (const r of runs) {
    for (const file of [r.theirs, r.ours]) await untilFrames(file, (f) => f.length === 4, `4 packets in ${file}`);
    const ours = await interrupt(r.capture);
    await interrupt(r.tcpdump);
    t.is(ours.code, 0, ours.stderr);
    const frames = framesOf(r.ours);
    t.is(frames.length, 4, `${r.iface}: 2 requests and 2 replies, each once`);
    t.is(frames[0]!.linkType, r.iface === 'any' ? LINKTYPE.LINUX_SLL2 : LINKTYPE.ETHERNET);
    t.deepEqual(frameSet(frames), frameSet(framesOf(r.theirs)), `${r.iface}: the same frames as tcpdump`);
    t.deepEqual(frameSet(tsharkFrames(r.ours)), frameSet(framesOf(r.theirs)));
  }
});

root('lines reach a pipe as packets arrive; -c ends the capture with tcpdump\'s counts; --json has every field', async (t) => {
  const port = randomInt(30000, 40000);
  const capture = await startCapture(['-i', 'lo', '-c', '2', `udp dst port ${port}`]);
  t.teardown(() => capture.kill());
  const send = (payload: string): Promise<unknown> => rawprobe(['send', '--dst', '127.0.0.1', '--proto', 'udp', '--dport', String(port), '--payload', payload]);
  await send('first');
  // The second packet goes out only once the first one's line has come through the pipe.
  await capture.until((out) => packetLines(out).length === 1, 'the line of the first packet');
  await send('second');
  const end = await capture.exited;
  t.is(end.code, 0, capture.stderr());
  const lines = packetLines(capture.stdout());
  t.is(lines.length, 2);
  t.regex(lines[0]!, new RegExp(`^#0 \\d\\d:\\d\\d:\\d\\d\\.\\d{9} 127\\.0\\.0\\.1 > 127\\.0\\.0\\.1 UDP \\d+ > ${port} length 13,`));
  t.like(parseStats(capture.stderr()), { captured: 2, dropped: 0 });
  t.regex(capture.stderr(), /^listening on lo, link-type EN10MB \(Ethernet\), snapshot length 262144 bytes$/m);

  const json = await startCapture(['-i', 'lo', '-c', '1', '--json', '-s', '0', `udp dst port ${port}`]);
  t.teardown(() => json.kill());
  await send('json');
  t.is((await json.exited).code, 0);
  const object = JSON.parse(json.stdout().trim()) as { frame: { linkType: number; linkHeaderLength: number }; ip: { dst: string }; udp: { dstPort: number } };
  t.like(object, { frame: { linkType: 1, linkHeaderLength: 14 }, ip: { dst: '127.0.0.1' }, udp: { dstPort: port } });
});

root('the library: send, then await the captured request and reply, with kernel timestamps', async (t) => {
  const identifier = randomInt(1, 0xffff);
  const cap = openCapture({ interface: 'lo', filter: `icmp and icmp[4:2] = ${identifier}` });
  t.teardown(() => cap.close());
  const request = encodePacket({
    ip: { src: '127.0.0.1', dst: '127.0.0.1', ttl: 33, tos: 0x10, id: 0x1234 },
    icmp: { kind: 'echo-request', identifier, sequence: 7, data: Buffer.from('capture me') },
  });
  const seenRequest = cap.waitFor((p) => p.packet?.icmp?.kind === 'echo-request', { timeoutMs: 30_000 });
  const seenReply = cap.waitFor((p) => p.packet?.icmp?.kind === 'echo-reply', { timeoutMs: 30_000 });
  const sock = rawIcmpSocket({ hdrincl: true });
  t.teardown(() => sock.close());
  const { sentAt } = sock.sendTo(request, '127.0.0.1');
  const [req, reply] = await Promise.all([seenRequest, seenReply]);
  if (req === null || reply === null) return t.fail('the request or the reply was not captured');
  t.deepEqual(req.data, loopbackFrame(request), 'the request as built, byte for byte');
  t.is(req.direction, 'host');
  t.is(req.linkType, LINKTYPE.ETHERNET);
  t.true(req.timestamp >= sentAt, 'captured after the send syscall');
  t.true(reply.timestamp >= req.timestamp);
  t.is(toEpochNs(req.timestamp), BigInt(req.time.sec) * 1_000_000_000n + BigInt(req.time.nsec));
  t.like(reply.packet!.icmp!, { kind: 'echo-reply', identifier, sequence: 7 });
  const stats = await cap.stop();
  t.is(stats.captured, 2);
  t.is(stats.dropped, 0);
  t.true(cap.closed);
  t.deepEqual(cap.close(), stats, 'close after stop: the same final counts');
});

root('the async iterator yields every packet in order, and ending the loop closes the capture', async (t) => {
  const port = randomInt(40000, 50000);
  const cap = openCapture({ interface: 'any', filter: `udp dst port ${port}` });
  t.teardown(() => cap.close());
  const sock = (await import('../../lib/socket/index.js')).openSocket({ family: 'inet', type: 'dgram' });
  t.teardown(() => sock.close());
  for (let i = 0; i < 5; i++) sock.sendTo(Buffer.from(`n${i}`), '127.0.0.1', port);
  const seen: string[] = [];
  for await (const p of cap) {
    seen.push(p.packet!.payload.toString());
    if (seen.length === 5) break;
  }
  t.deepEqual(seen, ['n0', 'n1', 'n2', 'n3', 'n4']);
  t.true(cap.closed);
});

root('an output that refuses (-w /dev/full) ends the capture: statistics (loopback: 2 received per packet), then one line, exit 2', async (t) => {
  const port = randomInt(50000, 60000);
  const capture = await startCapture(['-i', 'lo', '-w', '/dev/full', `udp dst port ${port}`]);
  t.teardown(() => capture.kill());
  await rawprobe(['send', '--dst', '127.0.0.1', '--proto', 'udp', '--dport', String(port), '--payload', 'full']);
  const end = await capture.exited;
  t.is(end.code, 2);
  t.regex(capture.stderr(), /^0 packets captured\n2 packets received by filter\n0 packets dropped by kernel\nrawprobe: -w \/dev\/full: ENOSPC: no space left on device, write\n$/m);
});
