// trace --report, --paris, --multipath, -e and --mtu across namespace labs (fixtures/labs), next
// to mtr, traceroute and tracepath where they can say the same: the report's rows are lab.path()'s
// hops; a load-balanced hop (ecmp.json) shows both routers to classic probes, one to a kept flow
// and both with flow counts to --multipath; Loss% behind a lossy link (loss20.json) is the link's;
// an MPLS router's label stack (injected by a responder: Linux sends none) is on the hop line; the
// path MTU is found with and without Fragmentation Needed. Assertions on structure and counts,
// never on time (bench/rows/trace-report.ts measures that).
import type { Lab } from '../../lib/lab/index.js';
import { runCommand, type CliResult } from '../helpers/cli.js';
import { withLab } from '../helpers/lab.js';
import { rootTest } from '../helpers/privilege.js';
import { toolTest } from '../helpers/tools.js';
import { json, labResponder, trace, traceroute, unlimited, type JsonProbe } from './trace-common.js';

const rootOnly = rootTest();
const CHAIN3 = ['r1', 'r2', 'r3', 'h2'];
const ECMP = ['r1', 'r2', 'r3', 'r4', 'h2'];

interface Hub {
  count: number;
  host: string | null;
  'Loss%': number;
  Snt: number;
  Rcv: number;
  hosts: { host: string; answers: number; flows: number[]; extensions: unknown[] | null }[];
  silentFlows: number[];
  destination: boolean;
}

function hubs(r: CliResult): Hub[] {
  const doc = JSON.parse(r.stdout) as { report: { hubs: Hub[] }; reached: boolean };
  return doc.report.hubs;
}

/** The report's rows: "  2.|-- 198.51.100.2 ..." as [ttl, host, Loss%, Snt]. */
function rows(r: CliResult): [number, string, string, number][] {
  return r.stdout.split('\n').flatMap((l) => {
    const m = /^\s*(\d+)\.\|-- (\S+)\s+([\d.]+%?)\s+(\d+)\s/.exec(l);
    return m === null ? [] : [[Number(m[1]), m[2]!, m[3]!, Number(m[4])] as [number, string, string, number]];
  });
}

/** The addresses on hop `ttl`'s line of a classic trace, in order. */
function hopAddresses(r: CliResult, ttl: number): string[] {
  const line = r.stdout.split('\n').find((l) => l.startsWith(`${String(ttl).padStart(2)}  `)) ?? '';
  return [...line.matchAll(/(\d+\.\d+\.\d+\.\d+)/g)].map((m) => m[1]!);
}

toolTest(['mtr'], rootOnly)('chain3 --report: one row per hop of lab.path(), 10 sent, none lost; mtr -r sees the same hops and Loss%', async (t) => {
  const lab = await withLab(t, 'chain3', { nodes: unlimited(CHAIN3) });
  const h2 = lab.address('h2');
  const expected = lab.path('h1', 'h2').hops.map((h) => h.address!);
  const r = await trace(lab, ['-n', '--report', h2]);
  t.is(r.code, 0, r.stderr);
  const lines = r.stdout.split('\n');
  t.regex(lines[0]!, /^Start: \d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d{4}$/);
  t.regex(lines[1]!, /^HOST: \S+ +Loss% {3}Snt {3}Last {3}Avg {2}Best {2}Wrst StDev {2}Javg {2}Jmax$/);
  t.deepEqual(rows(r), expected.map((a, i) => [i + 1, a, '0.0%', 10]));
  for (const l of lines.slice(2, 6)) t.regex(l, /^ {2}\d\.\|-- \S+ +0\.0% {4}10( +\d+\.\d){7}$/);
  const asJson = hubs(await trace(lab, ['-n', '--report', '-c', '5', '--json', h2]));
  t.deepEqual(asJson.map((h) => [h.count, h.host, h['Loss%'], h.Snt, h.Rcv, h.destination]), expected.map((a, i) => [i + 1, a, 0, 5, 5, i === 3]));
  const mtr = await runCommand(['mtr', '-r', '-n', '-c', '5', '-i', '0.1', '-G', '1', h2], { where: { lab, node: 'h1' } });
  t.is(mtr.code, 0, mtr.stderr);
  t.deepEqual(rows(mtr).map(([ttl, host, loss]) => [ttl, host, loss]), expected.map((a, i) => [i + 1, a, '0.0%']), 'mtr -r');
});

rootOnly('loss20: Loss% behind the lossy link within 5 points of the truth (36%) over 500 rounds; none before it', async (t) => {
  const lab = await withLab(t, 'loss20', { nodes: unlimited(CHAIN3) });
  const h2 = lab.address('h2');
  // Rounds 2 ms apart, up to 128 probes in flight: a probe waiting for an answer that never comes
  // holds no round back, and the run stays short on a loaded machine. Three probes per hop and
  // round: 1500 per hop, so the sampling error is about 1.2 points.
  const r = await trace(lab, ['-n', '-M', 'default', '--report', '-c', '500', '-q', '3', '--interval', '0.002', '-N', '128', '-w', '1,10,10', '--json', h2], 120_000);
  t.is(r.code, 0, r.stderr);
  const hops = hubs(r);
  t.deepEqual(hops.map((h) => h.host), lab.path('h1', 'h2').hops.map((h) => h.address));
  t.is(hops[0]!['Loss%'], 0, 'r1 answers from before the lossy link');
  for (const h of hops) t.is(h.Snt, 1500, `hop ${h.count}`);
  for (const h of hops.slice(1)) t.true(Math.abs(h['Loss%'] - 36) <= 5, `hop ${h.count}: ${h['Loss%']}% lost, the link takes 36%`);
});

/** Runs `args` up to three times until hop 2 has shown every address of `want`; the addresses seen. */
async function hop2Union(lab: Lab, args: string[], want: number): Promise<Set<string>> {
  const seen = new Set<string>();
  for (let i = 0; i < 3 && seen.size < want; i++) for (const a of hopAddresses(await trace(lab, args), 2)) seen.add(a);
  return seen;
}

rootOnly('ecmp: classic UDP probes meet both routers at hop 2; --paris one, the same every run; --multipath both, flows adding up', async (t) => {
  const lab = await withLab(t, 'ecmp', { nodes: unlimited(ECMP) });
  const h2 = lab.address('h2');
  const paths = lab.paths('h1', 'h2');
  const balanced = [...new Set(paths.map((p) => p.hops[1]!.address!))].sort();
  t.deepEqual(balanced, ['198.51.100.2', '198.51.100.6']);
  // Classic: a port per probe, ten probes per hop: traceroute lists both on the line.
  t.deepEqual([...(await hop2Union(lab, ['-n', '-M', 'default', '-q', '10', h2], 2))].sort(), balanced);
  // Paris: one flow (the source port given, the destination port fixed): one router, every run.
  for (const sport of ['41000', '41001', '41002']) {
    const seen = new Set<string>();
    for (let run = 0; run < 3; run++) {
      const r = await trace(lab, ['-n', '-M', 'default', '--paris', '--sport', sport, '-q', '10', h2]);
      t.is(r.code, 0, r.stderr);
      for (const a of hopAddresses(r, 2)) seen.add(a);
      t.is(new Set(hopAddresses(r, 2)).size, 1, `sport ${sport}: one router per run`);
    }
    t.is(seen.size, 1, `sport ${sport}: the same router every run`);
    t.true(balanced.includes([...seen][0]!));
  }
  // Multipath: 16 flows by default; both routers, each flow through exactly one of them.
  const text = await trace(lab, ['-n', '-M', 'default', h2, '--multipath']);
  t.is(text.code, 0, text.stderr);
  t.is(text.stdout.split('\n')[0], `traceroute to ${h2} (${h2}), 30 hops max, 60 byte packets, 16 flows`);
  t.regex(text.stdout, /^ 1 {2}203\.0\.113\.2 \(16 flows\) {2}\d+\.\d{3} ms$/m);
  const asJson = hubs(await trace(lab, ['-n', '-M', 'default', '--multipath=16', '--json', h2]));
  const hop2 = asJson[1]!;
  t.deepEqual(hop2.hosts.map((h) => h.host).sort(), balanced);
  t.deepEqual(hop2.hosts.flatMap((h) => h.flows).sort((a, b) => a - b), [...Array(16).keys()]);
  t.deepEqual(hop2.silentFlows, []);
  for (const h of [asJson[0]!, asJson[2]!, asJson[3]!]) t.deepEqual(h.hosts.map((x) => x.flows.length), [16], `hop ${h.count}`);
  // TCP flows are kept too.
  const tcp = hubs(await trace(lab, ['-n', '-T', '-p', '80', '--multipath=16', '--json', h2]));
  t.deepEqual(tcp[1]!.hosts.map((h) => h.host).sort(), balanced);
});

/** Starts the MPLS responder in `node` (its kernel's Time Exceeded dropped first); resolves once it listens. */
async function mplsRouter(t: import('ava').ExecutionContext, lab: Lab, node: string, iface: string, address: string): Promise<void> {
  const nft = [
    'add table ip mpls',
    'add chain ip mpls output { type filter hook output priority 0; policy accept; }',
    // The kernel's Time Exceeded has no RFC 4884 length (ICMP byte 5 = 0): dropped; the responder's has one.
    'add rule ip mpls output icmp type time-exceeded @th,40,8 0 drop',
  ];
  await labResponder(t, lab, node, nft, 'mpls-responder', [iface, address, '24001:0:0:1,16005:5:1:1'], address);
}

/** A responder in a user process answers later than a kernel: waits of hundreds of its round trips. */
function mplsTrace(lab: Lab, args: string[]): Promise<CliResult> {
  return trace(lab, ['-w', '5,300,300', ...args]);
}

const STACK = '<MPLS:L=24001,E=0,S=0,T=1/L=16005,E=5,S=1,T=1';

toolTest(['nft', 'traceroute'], rootOnly)('an MPLS router\'s label stack and interface on the hop line (-e), as traceroute -e shows the stack; in JSON and the report', async (t) => {
  const lab = await withLab(t, 'chain3', { nodes: unlimited(CHAIN3) });
  const h2 = lab.address('h2');
  const r2 = lab.path('h1', 'h2').hops[1]!.address!;
  await mplsRouter(t, lab, 'r2', 'eth0', r2);
  const iio = `INC:${(await lab.exec('r2', ['cat', '/sys/class/net/eth0/ifindex'])).stdout.trim()},${r2},"eth0",mtu=1500>`;
  for (const kind of ['-U', '-I', '-T']) {
    const r = await mplsTrace(lab, ['-n', '-e', kind, h2]);
    t.is(r.code, 0, r.stderr);
    const lines = r.stdout.split('\n');
    t.regex(lines[2]!, new RegExp(`^ 2 {2}${r2.replace(/\./g, '\\.')} ${STACK.replace(/[/]/g, '\\/')};${iio.replace(/[.]/g, '\\.')}( {2}\\d+\\.\\d{3} ms){3}$`), kind);
    t.false(lines[1]!.includes('<'), `${kind}: r1 sends none`);
  }
  const theirs = await traceroute(lab, ['-w', '5,300,300', '-n', '-e', h2]);
  t.true(theirs.stdout.split('\n')[2]!.includes(` ${STACK}`), theirs.stdout);
  const hop2 = json(await mplsTrace(lab, ['-n', '--json', h2]))[1]!;
  const probes = hop2['probes'] as (JsonProbe & { extensions: unknown })[];
  t.deepEqual(probes[0]!.extensions, [
    { kind: 'mpls-label-stack', entries: [{ label: 24001, tc: 0, s: false, ttl: 1 }, { label: 16005, tc: 5, s: true, ttl: 1 }] },
    { kind: 'interface-information', role: 'INC', ifIndex: Number(iio.split(/[:,]/)[1]), address: r2, name: 'eth0', mtu: 1500 },
  ]);
  const report = await mplsTrace(lab, ['-n', '-e', '--report', '-c', '3', h2]);
  const at = report.stdout.split('\n').findIndex((l) => l.startsWith('  2.|-- '));
  t.is(report.stdout.split('\n')[at + 1], `        ${STACK};${iio}`);
});

toolTest(['tracepath', 'nft'], rootOnly)('mtu1400 --mtu: pmtu 1400 on hop 2 as tracepath finds it; again with the bottleneck router silent (a black hole)', async (t) => {
  const lab = await withLab(t, 'mtu1400', { nodes: unlimited(['r1', 'r2', 'h2']) });
  const h2 = lab.address('h2');
  const path = lab.path('h1', 'h2').hops.map((h) => h.address!);
  const forget = (): Promise<CliResult> => lab.exec('h1', ['ip', 'route', 'flush', 'cache']);
  await forget();
  const r = await trace(lab, ['-n', '--mtu', h2]);
  t.is(r.code, 0, r.stderr);
  const lines = r.stdout.trimEnd().split('\n');
  t.is(lines[0], `traceroute to ${h2} (${h2}), 30 hops max, 1500 byte packets`);
  t.regex(lines[1]!, new RegExp(`^ 1 {2}${path[0]!.replace(/\./g, '\\.')}( {2}\\d+\\.\\d{3} ms){3}$`));
  t.regex(lines[2]!, new RegExp(`^ 2 {2}${path[1]!.replace(/\./g, '\\.')}( {2}\\d+\\.\\d{3} ms){3} pmtu 1400$`));
  t.regex(lines[3]!, new RegExp(`^ 3 {2}${h2.replace(/\./g, '\\.')}( {2}\\d+\\.\\d{3} ms){3}$`));
  t.is(lines[4], '     Resume: pmtu 1400 hops 3 back 3');
  await forget();
  const theirs = await runCommand(['tracepath', '-n', h2], { where: { lab, node: 'h1' } });
  t.true(theirs.stdout.includes('Resume: pmtu 1400 hops 3 back 3'), theirs.stdout);
  // r1 answers nothing now: no Time Exceeded, no Fragmentation Needed.
  for (const rule of ['add table ip quiet', 'add chain ip quiet output { type filter hook output priority 0; policy accept; }', 'add rule ip quiet output icmp type { time-exceeded, destination-unreachable } drop']) {
    const x = await lab.exec('r1', ['nft', ...rule.split(' ')]);
    t.is(x.code, 0, x.stderr);
  }
  await forget();
  for (const kind of ['-I', '-U', '-T']) {
    const silent = await trace(lab, ['-n', '--mtu', kind, '--json', h2]);
    t.is(silent.code, 0, silent.stderr);
    const objects = json(silent);
    t.deepEqual(objects.map((o) => [o['ttl'] ?? null, o['pmtu'] ?? null, o['blackHole'] ?? null]), [[1, null, false], [2, 1400, true], [3, null, false], [null, 1400, null]], kind);
    t.deepEqual((objects[0]!['probes'] as JsonProbe[]).map((p) => p.from), [null, null, null]);
    t.like(objects.at(-1)!, { type: 'done', reached: true, hops: 3, pmtu: 1400, back: 3 });
  }
});
