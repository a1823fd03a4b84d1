// Capturing in labs: `rawprobe capture` inside a node (through `rawprobe lab exec`), the same filter
// keeping exactly what tcpdump's keeps on the same traffic (run side by side, on eth0 and on any),
// and a flood whose every packet is accounted for: captured + dropped is what the interface
// counters say crossed it, and -w holds every captured packet. Floods are bounded in count and
// time and stay inside the test's own lab.
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { ExecutionContext } from 'ava';
import type { Lab, LabFile } from '../../lib/lab/index.js';
import { encodePacket, type PacketInit } from '../../lib/wire/index.js';
import { withLab } from '../helpers/lab.js';
import { rootTest } from '../helpers/privilege.js';
import { MAIN } from '../helpers/cli.js';
import { tempDir } from '../helpers/tmp.js';
import { toolTest } from '../helpers/tools.js';
import { runIn } from '../lab/tools.js';
import { frameSet, framesOf, interrupt, parseStats, startCapture, startTcpdumpTo, untilFrames, type Frame } from './helpers.js';
import { live, packetLines } from './live.js';

const root = rootTest();
const withTcpdump = toolTest(['tcpdump', 'ping'], root);

/** argv of `rawprobe ...args` (for lab.exec, which runs it inside a node). */
function rp(args: string[]): string[] {
  return [process.execPath, MAIN, ...args];
}

root('rawprobe capture -i any icmp inside a lab node, through rawprobe lab exec: what reached h2', async (t) => {
  const lab = await withLab(t, 'chain3', { ipv6: false });
  const capture = live(['lab', 'exec', `${lab.name}.h2`, '--', process.execPath, MAIN, 'capture', '-i', 'any', '-c', '4', 'icmp']);
  t.teardown(() => capture.kill());
  await capture.until((_, err) => err.includes('listening on any'), 'capture listening in h2');
  const ping = await runIn(t, lab, 'h1', ['ping', '-c', '2', '-i', '0.2', lab.address('h2')]);
  t.is(ping.code, 0);
  const end = await capture.exited;
  t.is(end.code, 0, capture.stderr());
  const lines = packetLines(capture.stdout());
  t.is(lines.length, 4);
  const h1 = lab.address('h1').replace(/\./g, '\\.');
  const h2 = lab.address('h2').replace(/\./g, '\\.');
  t.regex(lines[0]!, new RegExp(`^#0 \\S+ ${h1} > ${h2} ICMP Echo Request \\(8/0\\)`));
  t.regex(lines[1]!, new RegExp(`^#1 \\S+ ${h2} > ${h1} ICMP Echo Reply \\(0/0\\)`));
  t.like(parseStats(capture.stderr()), { captured: 4, dropped: 0 });
});

/** Traffic from h1 to h2 that some expressions keep and others drop. */
function traffic(h1: string, h2: string): Buffer[] {
  const ip = (tos: number, protocol?: number): PacketInit['ip'] => ({ src: h1, dst: h2, tos, ttl: 64, id: 0x4000 + tos, ...(protocol === undefined ? {} : { protocol }) });
  const packets: PacketInit[] = [
    { ip: ip(0), icmp: { kind: 'echo-request', identifier: 0x5151, sequence: 1, data: Buffer.from('plain') } },
    { ip: ip(0xb8), icmp: { kind: 'echo-request', identifier: 0x5151, sequence: 2, data: Buffer.from('ef') } },
    { ip: ip(0), udp: { srcPort: 40001, dstPort: 33434 }, payload: Buffer.from('probe') },
    { ip: ip(0x10), udp: { srcPort: 40002, dstPort: 53 }, payload: Buffer.from('dns?') },
    { ip: ip(0), tcp: { srcPort: 40003, dstPort: 80, flags: { syn: true } } },
    { ip: ip(0x20), tcp: { srcPort: 40004, dstPort: 22, flags: { syn: true } } },
  ];
  return packets.map((p) => encodePacket(p));
}

/**
 * The frames from the start marker to the end marker: what every capture of the run must agree on.
 * Outside them the captures did not all run yet, or no longer (an ARP probe may come any time).
 */
function betweenMarkers(frames: Frame[], start: Buffer, end: Buffer): Frame[] {
  const from = frames.findIndex((f) => f.bytes.includes(start));
  const to = frames.findIndex((f) => f.bytes.includes(end));
  return from < 0 || to < 0 ? frames : frames.slice(from, to + 1);
}

async function compareWithTcpdump(t: ExecutionContext, lab: Lab, iface: string, expressions: string[]): Promise<void> {
  const dir = tempDir(t, 'capture-lab-filter');
  const ns = lab.namespace('h2');
  const h2 = lab.address('h2');
  // Markers that every expression below keeps: UDP to port 33434 at h2, DSCP set, arriving.
  const markers = { start: `start-${process.pid}-${iface}`, end: `end-${process.pid}-${iface}` };
  const sendMarker = async (payload: string): Promise<void> => {
    const r = await runIn(t, lab, 'h1', rp(['send', '--dst', h2, '--proto', 'udp', '--sport', '40005', '--dport', '33434', '--tos', '4', '--payload', payload]));
    t.is(r.code, 0, r.stderr);
  };
  const runs = await Promise.all(
    expressions.map(async (expression, i) => {
      const theirs = join(dir, `tcpdump-${i}.pcap`);
      const ours = join(dir, `ours-${i}.pcap`);
      const [tcpdump, capture] = await Promise.all([startTcpdumpTo(['-i', iface, expression], theirs, ns), startCapture(['-i', iface, '-w', ours, expression], ns)]);
      t.teardown(() => {
        tcpdump.kill();
        capture.kill();
      });
      return { expression, theirs, ours, tcpdump, capture };
    }),
  );
  const hex = join(dir, 'traffic.hex');
  writeFileSync(hex, `${traffic(lab.address('h1'), h2).map((p) => p.toString('hex')).join('\n')}\n`);
  await sendMarker(markers.start);
  const sent = await runIn(t, lab, 'h1', rp(['send', '--from-hex', hex, '--rate', '100']));
  t.is(sent.code, 0, sent.stderr);
  const ping = await runIn(t, lab, 'h1', ['ping', '-c', '2', '-i', '0.2', '-Q', '0x28', h2]);
  t.is(ping.code, 0);
  // The end marker goes last: once a file holds it, it holds everything before it.
  await sendMarker(markers.end);
  const [start, end] = [Buffer.from(markers.start), Buffer.from(markers.end)];
  for (const r of runs) {
    const [theirs, ours] = await Promise.all([
      untilFrames(r.theirs, (f) => f.some((x) => x.bytes.includes(end)), `the end marker in tcpdump's ${r.expression}`),
      untilFrames(r.ours, (f) => f.some((x) => x.bytes.includes(end)), `the end marker in ours, ${r.expression}`),
    ]);
    const kept = betweenMarkers(ours, start, end);
    t.deepEqual(frameSet(kept), frameSet(betweenMarkers(theirs, start, end)), `${iface}: "${r.expression}" keeps what tcpdump keeps`);
    // Besides the two markers, the filter kept some of the traffic (and dropped some: the deepEqual above).
    t.true(kept.length >= 3, `${r.expression}: ${kept.length} packets (the test's traffic must exercise the filter)`);
    t.is((await interrupt(r.capture)).code, 0);
    await interrupt(r.tcpdump);
  }
}

withTcpdump('a filter keeps exactly what tcpdump with the same expression keeps, on eth0 and on any', async (t) => {
  const lab = await withLab(t, 'chain3', { ipv6: false, nodes: { h2: { icmpRatelimit: false } } });
  const h2 = lab.address('h2');
  await compareWithTcpdump(t, lab, 'eth0', [
    'icmp or udp port 33434',
    `host ${h2} and ip[1] & 0xfc != 0`,
    'udp and not port 53',
    'tcp[tcpflags] & tcp-syn != 0 or udp port 33434',
  ]);
  await compareWithTcpdump(t, lab, 'any', ['icmp or udp port 33434', `host ${h2} and ip[1] & 0xfc != 0`, 'inbound and not tcp']);
});

/** Two hosts on one link, nothing else: every packet on h2's eth0 is the test's. */
const PAIR: LabFile = {
  name: 'pair',
  description: 'h1 - h2',
  nodes: { h1: { role: 'host' }, h2: { role: 'host' } },
  links: [{ between: ['h1', 'h2'] }],
  ipv6: false,
};

/**
 * What h2's eth0 counters say crossed it, both directions (a capture without a filter sees both):
 * received, sent, and sent but dropped by the veth (its peer's backlog full during the flood),
 * which a capture sees because the kernel shows a packet to captures before handing it to the device.
 */
async function crossed(lab: Lab): Promise<number> {
  const r = await lab.exec('h2', ['ip', '-s', '-j', 'link', 'show', 'dev', 'eth0']);
  const s = (JSON.parse(r.stdout) as { stats64: { rx: { packets: number }; tx: { packets: number; dropped: number } } }[])[0]!.stats64;
  return s.rx.packets + s.tx.packets + s.tx.dropped;
}

/** Permanent ARP entries for each other on h1 and h2: no neighbour traffic from now on. */
async function pinNeighbours(t: ExecutionContext, lab: Lab): Promise<void> {
  const mac = async (node: string): Promise<string> => (await lab.exec(node, ['cat', '/sys/class/net/eth0/address'])).stdout.trim();
  for (const [node, peer] of [['h1', 'h2'], ['h2', 'h1']] as const) {
    const r = await lab.exec(node, ['ip', 'neigh', 'replace', lab.address(peer), 'lladdr', await mac(peer), 'nud', 'permanent', 'dev', 'eth0']);
    t.is(r.code, 0, r.stderr);
  }
}

/** The counters once they stop moving (the flood's last packets processed). */
async function settled(lab: Lab): Promise<number> {
  let last = await crossed(lab);
  for (;;) {
    await sleep(200);
    const now = await crossed(lab);
    if (now === last) return now;
    last = now;
  }
}

/** capinfos' packet count of a capture file (Wireshark's reading), or null without capinfos. */
function capinfosCount(file: string): number | null {
  const r = spawnSync('capinfos', ['-M', '-c', file], { encoding: 'utf8' });
  if (r.error !== undefined) return null;
  const m = /Number of packets:\s+(\d+)/.exec(r.stdout);
  return m === null ? null : Number(m[1]);
}

async function flood(t: ExecutionContext, lab: Lab, count: number, ring: string[]): Promise<{ captured: number; received: number; dropped: number; crossed: number; written: number; wireshark: number | null }> {
  const file = join(tempDir(t, 'capture-flood'), 'flood.pcap');
  const h2 = lab.address('h2');
  const capture = await startCapture(['-i', 'eth0', '-w', file, ...ring], lab.namespace('h2'));
  t.teardown(() => capture.kill());
  const before = await settled(lab);
  const sent = await runIn(t, lab, 'h1', rp(['send', '--dst', h2, '--proto', 'udp', '--dport', '9', '--payload-size', '18', '--rate', 'max', '--count', String(count)]));
  t.is(sent.code, 0, sent.stderr);
  const after = await settled(lab);
  const end = await interrupt(capture);
  t.is(end.code, 0, end.stderr);
  return { ...parseStats(end.stderr), crossed: after - before, written: framesOf(file).length, wireshark: capinfosCount(file) };
}

root('a flood of 1M packets: captured + dropped is what crossed the interface, and -w holds every captured packet; with a tiny ring, the drops are counted', async (t) => {
  const lab = await withLab(t, PAIR);
  // Neighbours fixed before counting, so the flood is the only traffic: a learned entry goes
  // stale between the two floods on a loaded machine, and its ARP probe would cross eth0 uncounted
  // by one side.
  await pinNeighbours(t, lab);
  t.is((await runIn(t, lab, 'h1', ['ping', '-c', '1', lab.address('h2')])).code, 0);
  const full = await flood(t, lab, 1_000_000, []);
  t.log(`default ring: ${JSON.stringify(full)}`);
  t.true(full.crossed >= 1_000_000, `the flood crossed eth0 (${full.crossed})`);
  t.is(full.captured + full.dropped, full.crossed);
  t.is(full.received, full.crossed);
  t.is(full.written, full.captured);
  if (full.wireshark === null) t.log('capinfos is not installed: the file was read back by lib/pcap only');
  else t.is(full.wireshark, full.captured, 'Wireshark\'s capinfos counts every captured packet in the file');

  const tiny = await flood(t, lab, 200_000, ['--ring-block-size', '4096', '--ring-blocks', '2']);
  t.log(`4096 x 2 ring: ${JSON.stringify(tiny)}`);
  t.true(tiny.dropped > 0, 'a ring of two pages cannot hold a flood: the kernel drops, and says so');
  t.is(tiny.captured + tiny.dropped, tiny.crossed);
  t.is(tiny.written, tiny.captured);
});

root('the interface going down ends the capture: the packets before it, the statistics, one line, exit 2', async (t) => {
  const lab = await withLab(t, PAIR);
  const capture = await startCapture(['-i', 'eth0', 'icmp'], lab.namespace('h2'));
  t.teardown(() => capture.kill());
  t.is((await runIn(t, lab, 'h1', ['ping', '-c', '1', lab.address('h2')])).code, 0);
  await capture.until((out) => packetLines(out).length === 2, 'the request and the reply');
  t.is((await lab.exec('h2', ['ip', 'link', 'set', 'eth0', 'down'])).code, 0);
  const end = await capture.exited;
  t.is(end.code, 2);
  t.regex(capture.stderr(), /\n2 packets captured\n2 packets received by filter\n0 packets dropped by kernel\nrawprobe: eth0: the interface went down or away\n$/);
});

root('a named interface is promiscuous while captured, as with tcpdump, and not with -p; never left so; without -i, the first one up', async (t) => {
  const lab = await withLab(t, PAIR);
  const promiscuity = async (): Promise<number> => {
    const r = await lab.exec('h2', ['ip', '-j', '-d', 'link', 'show', 'dev', 'eth0']);
    return (JSON.parse(r.stdout) as { promiscuity: number }[])[0]!.promiscuity;
  };
  t.is(await promiscuity(), 0);
  for (const [args, expected] of [[[], 1], [['-p'], 0]] as const) {
    const capture = await startCapture(['-i', 'eth0', ...args, 'icmp'], lab.namespace('h2'));
    t.teardown(() => capture.kill());
    t.is(await promiscuity(), expected, `while capturing with ${args.join(' ') || 'no -p'}`);
    t.is((await interrupt(capture)).code, 0);
    t.is(await promiscuity(), 0, 'after the capture');
  }
  // Without -i: the first interface that is up and is not loopback, as tcpdump picks it.
  const chosen = await startCapture(['-c', '1', 'icmp'], lab.namespace('h2'));
  t.teardown(() => chosen.kill());
  t.regex(chosen.stderr(), /^listening on eth0, link-type EN10MB \(Ethernet\)/m);
  t.is((await interrupt(chosen)).code, 0);
});

// python3 sends the tagged frames (a packet socket on h1).
const vlanTest = toolTest(['tcpdump', 'python3'], root);

vlanTest('VLAN tags the kernel took off are put back, as tcpdump shows them; -s cuts frames and keeps their length', async (t) => {
  const lab = await withLab(t, PAIR);
  const mac = async (node: string): Promise<string> => (await lab.exec(node, ['cat', '/sys/class/net/eth0/address'])).stdout.trim().replace(/:/g, '');
  // 802.1Q-tagged frames (VLAN 7) from h1 to h2: the receiving kernel takes the tag off into the
  // packet's metadata (skb_vlan_untag) before captures see it; tcpdump and we must put it back.
  const sent = [1, 2].map((sequence) => {
    const ip = encodePacket({ ip: { src: '198.51.100.1', dst: '198.51.100.2', ttl: 64, id: sequence }, icmp: { kind: 'echo-request', identifier: 0x77, sequence, data: Buffer.from('tagged') } });
    return ip;
  });
  const [h1, h2] = [await mac('h1'), await mac('h2')];
  const frames = sent.map((ip) => Buffer.concat([Buffer.from(`${h2}${h1}81000007` + '0800', 'hex'), ip]));
  const dir = tempDir(t, 'capture-vlan');
  const files = { theirs: join(dir, 'tcpdump.pcap'), ours: join(dir, 'ours.pcap'), cut: join(dir, 'cut.pcap') };
  const ns = lab.namespace('h2');
  const tcpdump = await startTcpdumpTo(['-i', 'eth0', 'vlan and icmp'], files.theirs, ns);
  t.teardown(() => tcpdump.kill());
  const ours = await startCapture(['-i', 'eth0', '-w', files.ours, 'vlan and icmp'], ns);
  t.teardown(() => ours.kill());
  const cut = await startCapture(['-i', 'eth0', '-s', '40', '-w', files.cut, 'vlan and icmp'], ns);
  t.teardown(() => cut.kill());
  const script = 'import socket, sys\ns = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)\ns.bind(("eth0", 0))\nfor f in sys.argv[1:]: s.send(bytes.fromhex(f))\n';
  const r = await runIn(t, lab, 'h1', ['python3', '-c', script, ...frames.map((f) => f.toString('hex'))]);
  t.is(r.code, 0, r.stderr);
  for (const file of Object.values(files)) await untilFrames(file, (f) => f.length === 2, `2 tagged frames in ${file}`);
  for (const p of [tcpdump, ours, cut]) await interrupt(p);
  t.deepEqual(framesOf(files.ours).map((f) => f.bytes), frames, 'the frames as sent, tag included');
  t.deepEqual(framesOf(files.theirs).map((f) => f.bytes), frames, 'as tcpdump shows them');
  const short = framesOf(files.cut);
  t.deepEqual(short.map((f) => f.bytes), frames.map((f) => f.subarray(0, 40)));
  t.deepEqual(short.map((f) => f.originalLength), frames.map((f) => f.length));
});
