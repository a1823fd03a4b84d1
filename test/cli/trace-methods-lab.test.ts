// trace's probe methods with traceroute's letters (-U, -UL, -P N, -M, -i IFNAME), next to
// traceroute itself in the same chain3 lab: the same hop lines (times left out), and the probes
// as tshark reads them from --pcap-out (ports, protocol, UDP-Lite's coverage and checksum).
import { join } from 'node:path';
import test from 'ava';
import { runCommand } from '../helpers/cli.js';
import { withLab } from '../helpers/lab.js';
import { rootTest } from '../helpers/privilege.js';
import { tempDir } from '../helpers/tmp.js';
import { toolTest } from '../helpers/tools.js';
import { json, shape, trace, traceroute, unlimited, type JsonProbe } from './trace-common.js';

void test;
const rootOnly = rootTest();
const CHAIN3 = ['r1', 'r2', 'r3', 'h2'];

toolTest(['traceroute'], rootOnly)('chain3: -U, -UL, -P 253, -U -p, -M default and -i print traceroute\'s hop lines (the destination of -P with !P)', async (t) => {
  const lab = await withLab(t, 'chain3', { nodes: unlimited(CHAIN3) });
  const h2 = lab.address('h2');
  const path = lab.path('h1', 'h2').hops.map((h) => `${String(h.ttl).padStart(2)}  ${h.address}`);
  t.deepEqual(path, [' 1  203.0.113.2', ' 2  198.51.100.2', ' 3  198.51.100.6', ' 4  203.0.113.6']);
  const cases: [string[], string[]][] = [
    [['-U'], path],
    [['-UL'], path],
    [['-U', '-p', '7'], path],
    [['-P', '253'], [...path.slice(0, 3), ` 4  ${h2} !P !P !P`]],
    [['-i', 'eth0', '-U'], path],
  ];
  for (const [args, expected] of cases) {
    const [ours, theirs] = [await trace(lab, ['-n', ...args, h2]), await traceroute(lab, ['-n', ...args, h2])];
    t.is(ours.code, 0, `${args.join(' ')}: ${ours.stderr}`);
    t.is(theirs.code, 0, `traceroute ${args.join(' ')}: ${theirs.stderr}`);
    t.deepEqual(shape(ours), expected, args.join(' '));
    t.deepEqual(shape(ours), shape(theirs), `traceroute ${args.join(' ')} agrees`);
  }
  // traceroute's default method, which -U used to mean here, is -M default.
  t.deepEqual(shape(await trace(lab, ['-n', '-M', 'default', h2])), shape(await traceroute(lab, ['-n', h2])), '-M default and traceroute without a method');
  // The destination's protocol unreachable is its answer: JSON says reached, with the ICMP it sent.
  const raw = json(await trace(lab, ['-n', '-P', '253', '-q', '1', '--json', h2]));
  t.deepEqual(raw.at(-1), { type: 'done', reached: true, hops: 4 });
  t.deepEqual((raw.at(-2)!['probes'] as JsonProbe[]).map((p) => [p.from, p.icmp]), [[h2, { type: 3, code: 2 }]]);
});

toolTest(['traceroute'], rootOnly)('chain3: -P 17 (a protocol the destination speaks, with a malformed header) ends in stars, as traceroute\'s does', async (t) => {
  const lab = await withLab(t, 'chain3', { nodes: unlimited(CHAIN3) });
  const h2 = lab.address('h2');
  const args = ['-n', '-P', '17', '-q', '1', '-m', '5', '-w', '2', h2];
  const ours = await trace(lab, args);
  t.is(ours.code, 1, 'the destination never answered');
  t.deepEqual(shape(ours), [' 1  203.0.113.2', ' 2  198.51.100.2', ' 3  198.51.100.6', ' 4  *', ' 5  *']);
  t.deepEqual(shape(ours), shape(await traceroute(lab, args)));
});

toolTest(['tshark'], rootOnly)('what -U, -UL and -P put on the wire: port 53 from a source port per probe, UDP-Lite with coverage 8 and a good checksum, protocol 253', async (t) => {
  const lab = await withLab(t, 'chain3', { nodes: unlimited(CHAIN3) });
  const h2 = lab.address('h2');
  const dir = tempDir(t, 'trace-methods');
  const sent = async (args: string[], fields: string[]): Promise<string[][]> => {
    const file = join(dir, `${args.join('')}.pcap`);
    // One probe at a time: exactly one per hop up to the destination's.
    const r = await trace(lab, ['-n', '-q', '1', '-N', '1', ...args, '--pcap-out', file, h2]);
    t.is(r.code, 0, r.stderr);
    const ts = await runCommand(['tshark', '-r', file, '-o', 'udplite.check_checksum:TRUE', '-o', 'udp.check_checksum:TRUE', '-Y', `ip.src != ${h2} && !icmp`, '-T', 'fields', '-E', 'separator=,', ...fields.flatMap((f) => ['-e', f])]);
    t.is(ts.code, 0, ts.stderr);
    return ts.stdout.trimEnd().split('\n').map((l) => l.split(','));
  };
  const udp = await sent(['-U'], ['ip.proto', 'udp.dstport', 'udp.srcport', 'udp.checksum.status']);
  t.is(udp.length, 4);
  t.deepEqual(udp.map((f) => [f[0], f[1], f[3]]), Array(4).fill(['17', '53', '1']));
  t.is(new Set(udp.map((f) => f[2])).size, 4, 'a source port per probe');
  const kept = await sent(['-U', '--sport', '40000'], ['udp.srcport', 'udp.dstport', 'ip.id']);
  t.deepEqual(kept.map((f) => [f[0], f[1]]), Array(4).fill(['40000', '53']), '--sport: that port for every probe, as traceroute -U');
  t.is(new Set(kept.map((f) => f[2])).size, 4, 'told apart by IP id');
  const lite = await sent(['-UL'], ['ip.proto', 'udp.dstport', 'udp.checksum_coverage', 'udp.checksum.status', 'ip.len']);
  t.deepEqual(lite, Array(4).fill(['136', '53', '8', '1', '60']));
  const raw = await sent(['-P', '253'], ['ip.proto', 'ip.len']);
  t.deepEqual(raw, Array(4).fill(['253', '60']));
});
