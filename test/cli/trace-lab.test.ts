// `rawprobe trace` across the namespace labs (fixtures/labs), next to traceroute in the same lab:
// the routers lab.path() names for each probe kind, a silent router, a DSCP-rewriting router
// named by the header comparison, an MTU bottleneck (!F-1400), ICMP rate limiting on and off,
// JSON lines that agree with the text, a destination that never answers. Each test has its own
// lab, taken down when it ends. Assertions are on structure, never on time (bench/trace-time.ts
// measures that).
import test from 'ava';
import { findTool } from '../../lib/lab/system.js';
import type { CliResult } from '../helpers/cli.js';
import { withLab } from '../helpers/lab.js';
import { rootTest } from '../helpers/privilege.js';
import { toolTest } from '../helpers/tools.js';
import { json, shape, trace, traceroute, unlimited, type JsonProbe } from './trace-common.js';

const rootOnly = rootTest();
void test;

/** Tests that compare with traceroute run in the same lab. */
const withTraceroute = toolTest(['traceroute'], rootOnly);

const CHAIN3 = ['r1', 'r2', 'r3', 'h2'];

withTraceroute('chain3: each probe kind lists the routers of lab.path() then the destination, as traceroute does', async (t) => {
  const lab = await withLab(t, 'chain3', { nodes: unlimited(CHAIN3) });
  const h2 = lab.address('h2');
  const expected = lab.path('h1', 'h2').hops.map((h) => `${String(h.ttl).padStart(2)}  ${h.address}`);
  t.deepEqual(expected, [' 1  203.0.113.2', ' 2  198.51.100.2', ' 3  198.51.100.6', ' 4  203.0.113.6']);
  for (const kind of ['-I', '-U', '-T']) {
    const ours = await trace(lab, ['-n', kind, h2]);
    t.is(ours.code, 0, `${kind}: ${ours.stderr}`);
    t.is(ours.stdout.split('\n')[0], `traceroute to ${h2} (${h2}), 30 hops max, 60 byte packets`);
    t.deepEqual(shape(ours), expected, kind);
    t.regex(ours.stdout.split('\n')[1]!, /^ 1 {2}203\.0\.113\.2 {2}\d+\.\d{3} ms {2}\d+\.\d{3} ms {2}\d+\.\d{3} ms$/);
  }
  const theirs = await traceroute(lab, ['-n', '-I', h2]);
  t.deepEqual(shape(theirs), expected, 'traceroute -I sees the same');
});

toolTest(['python3', 'ss'], rootOnly)('TCP SYN to an open port: SYN-ACK ends the trace (our kernel\'s RST to it changes nothing); a closed port: RST', async (t) => {
  const lab = await withLab(t, 'chain3', { nodes: unlimited(CHAIN3) });
  const h2 = lab.address('h2');
  const listener = lab.spawn('h2', ['python3', '-c', 'import socket,time\ns=socket.socket()\ns.bind(("0.0.0.0",8080))\ns.listen()\ntime.sleep(60)']);
  void listener;
  for (let i = 0; i < 100; i++) {
    const ss = await lab.exec('h2', ['ss', '-ltn']);
    if (ss.stdout.includes(':8080')) break;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  const open = await trace(lab, ['-n', '-T', '-p', '8080', '--json', h2]);
  t.is(open.code, 0, open.stderr);
  const hops = json(open).filter((o) => o['type'] === 'hop');
  t.is(hops.length, 4);
  t.deepEqual((hops[3]!['probes'] as JsonProbe[]).map((p) => [p.from, p.icmp]), Array(3).fill([h2, null]));
  const closed = await trace(lab, ['-n', '-T', '-p', '81', h2]);
  t.is(closed.code, 0);
  t.is(shape(closed).at(-1), ` 4  ${h2}`);
  // Packets over 60 bytes carry data in the SYN: the RST acknowledges it too, the SYN-ACK not.
  for (const port of ['81', '8080']) {
    const withData = await trace(lab, ['-n', '-T', '-p', port, h2, '100']);
    t.is(shape(withData).at(-1), ` 4  ${h2}`, `port ${port}, 100-byte packets`);
  }
});

withTraceroute('chain3-silent: the silent router is * * *, the hops behind it still answer and the trace still ends; traceroute agrees', async (t) => {
  const lab = await withLab(t, 'chain3-silent', { nodes: { r1: { role: 'router', icmpRatelimit: false }, r3: { role: 'router', icmpRatelimit: false }, h2: { role: 'host', icmpRatelimit: false } } });
  const h2 = lab.address('h2');
  const path = lab.path('h1', 'h2').hops;
  t.true(path[1]!.silent);
  const expected = path.map((h) => (h.silent ? `${String(h.ttl).padStart(2)}  * * *` : `${String(h.ttl).padStart(2)}  ${h.address}`));
  for (const kind of ['-I', '-U']) {
    const ours = await trace(lab, ['-n', kind, h2]);
    t.is(ours.code, 0, ours.stderr);
    t.deepEqual(shape(ours), expected, kind);
  }
  t.deepEqual(shape(await traceroute(lab, ['-n', '-I', h2])), expected);
  const asJson = json(await trace(lab, ['-n', '--json', h2]));
  t.deepEqual(asJson.at(-1), { type: 'done', reached: true, hops: 4 });
  t.deepEqual((asJson[1]!['probes'] as JsonProbe[]).map((p) => p.from), [null, null, null]);
});

rootOnly('dscp-rewrite: the TOS re-marked by r1 shows at hop 2 ([tos 0xb8->0x20]), r1 being the last hop that kept it', async (t) => {
  const lab = await withLab(t, 'dscp-rewrite', { nodes: unlimited(['r1', 'r2', 'h2']) });
  const h2 = lab.address('h2');
  const path = lab.path('h1', 'h2').hops;
  t.is(path[0]!.node, 'r1');
  for (const kind of ['-U', '-I', '-T']) {
    const text = await trace(lab, ['-n', kind, '-Q', '0xb8', h2]);
    t.is(text.code, 0, text.stderr);
    const lines = text.stdout.split('\n');
    t.false(lines[1]!.includes('['), `${kind}: hop 1 (${path[0]!.address}, r1) quotes what we sent`);
    t.true(lines[2]!.startsWith(` 2  ${path[1]!.address}  `), lines[2]);
    t.true(lines[2]!.endsWith(' [tos 0xb8->0x20]'), `${kind}: ${lines[2]}`);
    const hops = json(await trace(lab, ['-n', kind, '-Q', 'EF', '--json', h2])).filter((o) => o['type'] === 'hop');
    t.deepEqual(hops.map((h) => h['changes']), [[], [{ field: 'tos', sent: 184, quoted: 32 }], []]);
  }
  // Without a re-marked value nothing is reported: CS1 stays CS1.
  const same = await trace(lab, ['-n', '-U', '-Q', 'CS1', h2]);
  t.false(same.stdout.includes('['), same.stdout);
});

withTraceroute('mtu1400: with -F, 1500-byte probes get !F-1400 from r1 at hop 2, as traceroute -F prints it', async (t) => {
  const lab = await withLab(t, 'mtu1400', { nodes: unlimited(['r1', 'r2', 'h2']) });
  const h2 = lab.address('h2');
  const r1 = lab.path('h1', 'h2').hops[0]!.address!;
  const forget = (): Promise<CliResult> => lab.exec('h1', ['ip', 'route', 'flush', 'cache']);
  const expected = [` 1  ${r1}`, ` 2  ${r1} !F-1400 !F-1400 !F-1400`];
  for (const kind of ['-I', '-U', '-T']) {
    await forget();
    const ours = await trace(lab, ['-n', kind, '-F', h2, '1500']);
    t.is(ours.code, 1, `${kind}: an unreachable, not the destination`);
    t.is(ours.stdout.split('\n')[0], `traceroute to ${h2} (${h2}), 30 hops max, 1500 byte packets`);
    t.deepEqual(shape(ours), expected, kind);
  }
  // Again, now that h1's kernel knows the path MTU: we still ask the path (as traceroute does).
  t.deepEqual(shape(await trace(lab, ['-n', '-F', h2, '1500'])), expected);
  await forget();
  t.deepEqual(shape(await traceroute(lab, ['-n', '-I', '-F', h2, '1500'])), expected, 'traceroute -I -F');
  await forget();
  const asJson = json(await trace(lab, ['-n', '-F', '--json', h2, '1500']));
  t.deepEqual((asJson[1]!['probes'] as JsonProbe[]).map((p) => [p.from, p.icmp]), Array(3).fill([r1, { type: 3, code: 4 }]));
  t.deepEqual(asJson.at(-1), { type: 'done', reached: false, hops: 2 });
  // Small enough: through to h2.
  await forget();
  t.is(shape(await trace(lab, ['-n', '-F', h2, '1400'])).at(-1), ` 3  ${h2}`);
  // Over h1's own MTU with DF: the kernel refuses the probes (it never fragments a header we wrote).
  const over = await trace(lab, ['-n', '-F', h2, '2000']);
  t.is(over.code, 1);
  t.deepEqual(shape(over), [' 1  * !F * !F * !F']);
  t.regex(over.stderr, /^rawprobe: sendto: Message too long: 2000-byte probes are over the interface MTU \(.*\)\n$/);
});

withTraceroute('packet length 2000 without -F: we send fragments, as traceroute\'s kernel does; only a router that cuts them again shows', async (t) => {
  const lab = await withLab(t, 'mtu1400', { nodes: unlimited(['r1', 'r2', 'h2']) });
  const h2 = lab.address('h2');
  const hops = lab.path('h1', 'h2').hops;
  const expected = hops.map((h) => `${String(h.ttl).padStart(2)}  ${h.address}`);
  for (const kind of ['-I', '-U', '-T']) {
    const ours = await trace(lab, ['-n', kind, h2, '2000']);
    t.is(ours.code, 0, `${kind}: ${ours.stderr}`);
    t.is(ours.stdout.split('\n')[0], `traceroute to ${h2} (${h2}), 30 hops max, 2000 byte packets`);
    t.deepEqual(shape(ours), expected, kind);
  }
  t.deepEqual(shape(await traceroute(lab, ['-n', '-I', h2, '2000'])), expected, 'traceroute -I');
  // r1 quotes our first fragment as we sent it; r2 quotes the 1396-byte piece r1 cut from it
  // for the 1400-byte link; h2 quotes the datagram it put back together.
  const asJson = json(await trace(lab, ['-n', '-U', '-q', '1', '--json', h2, '2000']));
  t.deepEqual(asJson.slice(0, 3).map((o) => o['changes']), [[], [{ field: 'length', sent: 1500, quoted: 1396 }], []]);
  t.deepEqual(asJson.at(-1), { type: 'done', reached: true, hops: 3 });
});

rootOnly('ICMP rate limiting on: missing answers are *, every answer shown is from its own hop; off: all answered', async (t) => {
  const lab = await withLab(t, 'chain3');
  const h2 = lab.address('h2');
  const path = lab.path('h1', 'h2').hops;
  for (const node of CHAIN3) await lab.setIcmpRatelimit(node, true);
  let stars = 0;
  for (const kind of ['-U', '-I', '-U']) {
    // Ten probes per hop: more than the six a router sends at once before the limit bites.
    const r = await trace(lab, ['-n', kind, '-q', '10', '-w', '1', '--json', h2]);
    const lines = json(r);
    const hops = lines.filter((o) => o['type'] === 'hop');
    t.deepEqual(lines.at(-1), { type: 'done', reached: true, hops: 4 }, kind);
    t.deepEqual(hops.map((h) => h['ttl']), [1, 2, 3, 4]);
    for (const hop of hops) {
      const at = path[(hop['ttl'] as number) - 1]!;
      for (const p of hop['probes'] as JsonProbe[]) {
        if (p.from === null) stars++;
        else t.is(p.from, at.address!, `${kind}: hop ${String(hop['ttl'])} answered by ${p.from}`);
      }
    }
  }
  t.true(stars > 0, 'the limit did bite');
  for (const node of CHAIN3) await lab.setIcmpRatelimit(node, false);
  for (const kind of ['-U', '-I']) {
    const r = await trace(lab, ['-n', kind, '-q', '10', h2]);
    t.deepEqual(
      shape(r),
      path.map((h) => `${String(h.ttl).padStart(2)}  ${h.address}`),
      `${kind}: limit off, every probe answered`,
    );
    t.false(r.stdout.includes('*'));
  }
});

rootOnly('--json: one object per hop then done, parsing, and agreeing with the text of the same lab', async (t) => {
  const lab = await withLab(t, 'chain3-silent', { nodes: unlimited(['r1', 'r3', 'h2']) });
  const h2 = lab.address('h2');
  const [text, asJson] = await Promise.all([trace(lab, ['-n', '-U', h2]), trace(lab, ['-n', '-U', '--json', h2])]);
  t.is(text.code, 0);
  t.is(asJson.code, 0);
  const objects = json(asJson);
  const hops = objects.filter((o) => o['type'] === 'hop');
  t.deepEqual(objects.at(-1), { type: 'done', reached: true, hops: hops.length });
  for (const h of hops) t.deepEqual(Object.keys(h), ['type', 'ttl', 'probes', 'changes']);
  const fromJson = hops.map((h) => {
    const probes = h['probes'] as JsonProbe[];
    const first = probes.find((p) => p.from !== null);
    return first === undefined ? `${String(h['ttl']).padStart(2)}  * * *` : `${String(h['ttl']).padStart(2)}  ${first.from}`;
  });
  t.deepEqual(shape(text), fromJson);
  for (const h of hops) {
    for (const p of h['probes'] as JsonProbe[]) {
      t.is(p.from === null, p.rtt === null);
      if (p.from !== null) t.true(p.rtt! > 0 && p.icmp !== null && (p.icmp.type === 11 || (p.icmp.type === 3 && p.icmp.code === 3)));
    }
  }
});

rootOnly('a destination that never answers: the trace ends at max TTL with * hops, exit 1', async (t) => {
  const lab = await withLab(t, 'chain3', { nodes: { ...unlimited(['r1', 'r2', 'r3']), h2: { role: 'host', ignoreEcho: true } } });
  const h2 = lab.address('h2');
  const r = await trace(lab, ['-n', '-m', '6', '-w', '0.3', h2]);
  t.is(r.code, 1);
  t.deepEqual(shape(r), [' 1  203.0.113.2', ' 2  198.51.100.2', ' 3  198.51.100.6', ' 4  * * *', ' 5  * * *', ' 6  * * *']);
  const done = json(await trace(lab, ['-n', '-m', '5', '-w', '0.3', '--json', h2])).at(-1);
  t.deepEqual(done, { type: 'done', reached: false, hops: 5 });
});

rootOnly('README: after a -F run h1 keeps the path MTU and fits its fragments to it (no [length]); ip route flush cache forgets it', async (t) => {
  const lab = await withLab(t, 'mtu1400', { nodes: unlimited(['r1', 'r2', 'h2']) });
  const h2 = lab.address('h2');
  const lengthAtHop2 = async (): Promise<unknown> => json(await trace(lab, ['-n', '-U', '-q', '1', '--json', h2, '2000']))[1]!['changes'];
  t.deepEqual(await lengthAtHop2(), [{ field: 'length', sent: 1500, quoted: 1396 }], 'a fresh lab');
  t.is((await trace(lab, ['-n', '-F', '-q', '1', h2, '1500'])).code, 1, '-F: !F-1400, the destination not reached');
  t.deepEqual(await lengthAtHop2(), [], 'the learned MTU: fragments of 1400 at most, nothing to cut');
  const ip = (await findTool('ip')) ?? 'ip';
  t.is((await lab.exec('h1', [ip, 'route', 'flush', 'cache'])).code, 0);
  t.deepEqual(await lengthAtHop2(), [{ field: 'length', sent: 1500, quoted: 1396 }], 'forgotten: as in a fresh lab');
});
