// The lab file's validation, the planner and the generated commands: no root, nothing created.
import test from 'ava';
import { chmodSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  configureBatch,
  createBatch,
  labUp,
  LabSpecError,
  loadLabFile,
  nodeRuleset,
  nodeSysctls,
  parseLabSpec,
  planLab,
  tracePath,
  tracePaths,
} from '../../lib/lab/index.js';
import type { LabFile, LabPlan } from '../../lib/lab/index.js';
import { formatCidr, isSafe, parseCidr } from '../../lib/lab/address.js';
import { findTool } from '../../lib/lab/system.js';
import { LAB_FIXTURES, labFixture } from '../helpers/lab.js';
import { tempDir } from '../helpers/tmp.js';

const twoHosts = (): LabFile => ({
  name: 'unit',
  nodes: { h1: { role: 'host' }, r1: { role: 'router' }, h2: { role: 'host' } },
  links: [{ between: ['h1', 'r1'] }, { between: ['r1', 'h2'] }],
});

/** The LabSpecError thrown for `file`, with its path and reason. */
function specError(t: import('ava').ExecutionContext, file: unknown, options = {}): LabSpecError {
  const err = t.throws(() => parseLabSpec(file, options), { instanceOf: LabSpecError });
  return err as LabSpecError;
}

function node(plan: LabPlan, name: string) {
  const n = plan.nodes.find((x) => x.name === name);
  if (n === undefined) throw new Error(`no node ${name}`);
  return n;
}

test('every fixture lab file is valid and plans', async (t) => {
  const files = readdirSync(LAB_FIXTURES).filter((f) => f.endsWith('.json'));
  t.true(files.length >= 5);
  for (const f of files) {
    const spec = await loadLabFile(`${LAB_FIXTURES}${f}`);
    t.is(spec.name, f.replace(/\.json$/, ''), `${f}: name matches the file`);
    const plan = planLab(spec);
    t.true(plan.nodes.length >= 2, f);
  }
});

test('chain3 gets automatic addresses: host links from 203.0.113.0/24, router links from 198.51.100.0/24, a /64 of 2001:db8::/32 per link (its "ipv6": true)', async (t) => {
  const plan = planLab(await loadLabFile(labFixture('chain3')));
  t.deepEqual(
    plan.links.map((l) => [l.a.addresses, l.b.addresses]),
    [
      [['203.0.113.1/30', '2001:db8::1/64'], ['203.0.113.2/30', '2001:db8::2/64']],
      [['198.51.100.1/30', '2001:db8:0:1::1/64'], ['198.51.100.2/30', '2001:db8:0:1::2/64']],
      [['198.51.100.5/30', '2001:db8:0:2::1/64'], ['198.51.100.6/30', '2001:db8:0:2::2/64']],
      [['203.0.113.5/30', '2001:db8:0:3::1/64'], ['203.0.113.6/30', '2001:db8:0:3::2/64']],
    ],
  );
  t.deepEqual(node(plan, 'h1').routes, [
    { family: 4, to: '0.0.0.0/0', via: '203.0.113.2', dev: 'eth0' },
    { family: 6, to: '::/0', via: '2001:db8::2', dev: 'eth0' },
  ]);
  t.deepEqual(node(plan, 'r2').routes, [
    { family: 4, to: '203.0.113.0/30', via: '198.51.100.1', dev: 'eth0' },
    { family: 4, to: '203.0.113.4/30', via: '198.51.100.6', dev: 'eth1' },
    { family: 6, to: '2001:db8::/64', via: '2001:db8:0:1::1', dev: 'eth0' },
    { family: 6, to: '2001:db8:0:3::/64', via: '2001:db8:0:2::2', dev: 'eth1' },
  ]);
});

test('namespaces carry the lab name as prefix; interface names fit IFNAMSIZ whatever the lab name', async (t) => {
  const spec = await loadLabFile(labFixture('diamond'));
  const long = 'a23456789012345678901234567890ab';
  const plan = planLab(spec, long);
  for (const n of plan.nodes) {
    t.is(n.namespace, `${long}.${n.name}`);
    for (const i of n.interfaces) t.regex(i.name, /^eth[0-9]{1,2}$/);
  }
  t.is(
    createBatch(plan).split('\n')[6],
    `link add eth0 netns ${long}.h1 type veth peer name eth0 netns ${long}.r1`,
  );
});

test('a route through the graph: ties go to the link listed first, and the path gives traceroute\'s answers', async (t) => {
  const plan = planLab(await loadLabFile(labFixture('diamond')));
  const path = tracePath(plan, 'h1', '203.0.113.6');
  t.true(path.reached);
  t.is(path.source, '203.0.113.1');
  t.deepEqual(
    path.hops.map((h) => [h.ttl, h.node, h.address, h.destination]),
    [
      [1, 'r1', '203.0.113.2', false],
      [2, 'r2', '198.51.100.2', false],
      [3, 'r4', '198.51.100.10', false],
      [4, 'h2', '203.0.113.6', true],
    ],
  );
  const path6 = tracePath(plan, 'h1', '2001:db8:0:5::2');
  t.deepEqual(path6.hops.map((h) => h.node), ['r1', 'r2', 'r4', 'h2']);
  t.is(path6.hops[0]!.address, '2001:db8::2');
});

test('explicit routes replace automatic ones and may send traffic the long way', (t) => {
  const file: LabFile = {
    name: 'unit',
    nodes: {
      h1: { role: 'host' },
      r1: { role: 'router', routes: [{ to: '203.0.113.4/30', via: '198.51.100.6' }, { to: 'default', via: '203.0.113.1' }] },
      r2: { role: 'router' },
      r3: { role: 'router' },
      h2: { role: 'host' },
    },
    links: [
      { between: ['h1', 'r1'] },
      { between: ['r1', 'r2'] },
      { between: ['r1', 'r3'] },
      { between: ['r3', 'r2'] },
      { between: ['r2', 'h2'] },
    ],
  };
  const plan = planLab(parseLabSpec(file));
  t.deepEqual(node(plan, 'r1').routes, [
    { family: 4, to: '203.0.113.4/30', via: '198.51.100.6', dev: 'eth2' },
    { family: 4, to: '0.0.0.0/0', via: '203.0.113.1', dev: 'eth0' },
  ]);
  t.deepEqual(tracePath(plan, 'h1', '203.0.113.6').hops.map((h) => h.node), ['r1', 'r3', 'r2', 'h2']);
});

test('ecmp.json: a multipath route through r2 and r3, hashed on ports; every path it allows', async (t) => {
  const plan = planLab(await loadLabFile(labFixture('ecmp')), 'x');
  const r1 = node(plan, 'r1');
  t.deepEqual(r1.routes[2], {
    family: 4,
    to: '203.0.113.4/30',
    via: '198.51.100.2',
    dev: 'eth1',
    multipath: [{ via: '198.51.100.2', dev: 'eth1' }, { via: '198.51.100.6', dev: 'eth2' }],
  });
  t.regex(configureBatch(r1), /^route add 203\.0\.113\.4\/30 nexthop via 198\.51\.100\.2 dev eth1 nexthop via 198\.51\.100\.6 dev eth2$/m);
  t.regex(configureBatch(r1), /^route add 198\.51\.100\.8\/30 via 198\.51\.100\.2 dev eth1$/m);
  t.true(nodeSysctls(r1).includes('net.ipv4.fib_multipath_hash_policy=1'));
  t.false(nodeSysctls(node(plan, 'r2')).some((s) => s.includes('multipath')), 'left to the kernel where the file says nothing');
  const paths = tracePaths(plan, 'h1', '203.0.113.6');
  t.deepEqual(paths.map((p) => p.hops.map((h) => `${h.node} ${h.address}`)), [
    ['r1 203.0.113.2', 'r2 198.51.100.2', 'r4 198.51.100.10', 'h2 203.0.113.6'],
    ['r1 203.0.113.2', 'r3 198.51.100.6', 'r4 198.51.100.10', 'h2 203.0.113.6'],
  ]);
  t.true(paths.every((p) => p.reached && p.source === '203.0.113.1'));
  t.deepEqual(tracePath(plan, 'h1', '203.0.113.6'), paths[0]!, 'the single path is the first of them');
  t.is(tracePaths(plan, 'h1', '203.0.113.6', 1).length, 1);
});

test('multipath routes and hash: what the file may say', (t) => {
  const file = twoHosts();
  file.nodes['r1']!.multipathHash = 'l3';
  t.is(parseLabSpec(file).nodes[1]!.multipathHash, 'l3');
  const cases: [(f: LabFile) => void, string, RegExp][] = [
    [(f) => { f.nodes['r1']!.multipathHash = 'l5' as 'l4'; }, 'nodes.r1.multipathHash', /must be "l3" or "l4"/],
    [(f) => { f.nodes['r1']!.routes = [{ to: '192.0.2.0/24', via: [] }]; }, 'nodes.r1.routes[0].via', /empty list/],
    [(f) => { f.nodes['r1']!.routes = [{ to: '192.0.2.0/24', via: ['203.0.113.1', 'x'] }]; }, 'nodes.r1.routes[0].via[1]', /not an IPv4 or IPv6 address/],
    [(f) => { f.nodes['r1']!.routes = [{ to: '192.0.2.0/24', via: ['203.0.113.1', '203.0.113.1'] }]; }, 'nodes.r1.routes[0].via', /the same gateway twice/],
    [(f) => { f.nodes['r1']!.routes = [{ to: '192.0.2.0/24', via: ['203.0.113.1', '2001:db8::1'] }]; }, 'nodes.r1.routes[0].via', /different address families/],
  ];
  for (const [mutate, path, reason] of cases) {
    const f = twoHosts();
    mutate(f);
    const err = specError(t, f);
    t.is(err.path, path);
    t.regex(err.reason, reason, path);
  }
  const off = twoHosts();
  off.nodes['r1']!.routes = [{ to: '192.0.2.0/24', via: ['203.0.113.1', '192.0.2.99'] }];
  const err = t.throws(() => planLab(parseLabSpec(off)), { instanceOf: LabSpecError });
  t.is(err!.path, 'nodes.r1.routes[0].via[1]');
});

test('the generated commands: veths born in namespaces, MTU, sysctls per role', async (t) => {
  const plan = planLab(await loadLabFile(labFixture('mtu1400')), 'x');
  t.is(createBatch(plan).split('\n').filter((l) => l.startsWith('netns add ')).length, 4);
  t.regex(configureBatch(node(plan, 'r1')), /^link set eth1 mtu 1400 up$/m);
  t.regex(configureBatch(node(plan, 'r2')), /^link set eth0 mtu 1400 up$/m);
  t.regex(configureBatch(node(plan, 'h1')), /^route add 0\.0\.0\.0\/0 via 203\.0\.113\.2 dev eth0$/m);
  t.true(nodeSysctls(node(plan, 'r1')).includes('net.ipv4.ip_forward=1'));
  t.true(nodeSysctls(node(plan, 'h1')).includes('net.ipv4.ip_forward=0'));
  t.true(nodeSysctls(node(plan, 'h1')).includes('net.ipv4.conf.eth0.rp_filter=0'));
});

test('impairments become nftables rules on the right node and interface', async (t) => {
  const lossy = planLab(await loadLabFile(labFixture('lossy-dup')));
  t.is(nodeRuleset(lossy, node(lossy, 'h1')), null);
  const r1 = nodeRuleset(lossy, node(lossy, 'r1'))!;
  t.regex(r1, /oifname "eth1" numgen random mod 10000 < 1000 drop/);
  t.regex(r1, /oifname "eth1" numgen random mod 10000 < 1000 dup to 203\.0\.113\.6 device "eth1"/);
  t.notRegex(r1, /"eth0"/);
  t.regex(nodeRuleset(lossy, node(lossy, 'h2'))!, /dup to 203\.0\.113\.5 device "eth0"/);

  const silent = planLab(await loadLabFile(labFixture('chain3-silent')));
  t.regex(nodeRuleset(silent, node(silent, 'r2'))!, /chain output \{[^}]*icmp type time-exceeded drop/);
  t.is(nodeRuleset(silent, node(silent, 'r1')), null);

  const dscp = planLab(await loadLabFile(labFixture('dscp-rewrite')));
  const rw = nodeRuleset(dscp, node(dscp, 'r1'))!;
  t.regex(rw, /chain forward \{[^}]*ip dscp set 8/);
  t.notRegex(rw, /ecn/);
});

test('100% loss or duplication is every packet, with no draw: nftables refuses `mod 10000 < 10000`', (t) => {
  const file = twoHosts();
  file.links![1] = { between: ['r1', 'h2'], loss: 100 };
  file.links![0] = { between: ['h1', 'r1'], duplicate: 100 };
  const plan = planLab(parseLabSpec(file));
  const rules = nodeRuleset(plan, node(plan, 'r1'))!;
  t.regex(rules, /^ *oifname "eth1" drop$/m);
  t.regex(rules, /^ *oifname "eth0" dup to \S+ device "eth0"$/m);
  t.notRegex(rules, /numgen/);
});

test('IPv6 labs get ip6 tables with neighbour discovery exempt from loss', (t) => {
  const file = twoHosts();
  file.ipv6 = true;
  file.links![1] = { between: ['r1', 'h2'], loss: 5.25 };
  const plan = planLab(parseLabSpec(file));
  const rules = nodeRuleset(plan, node(plan, 'r1'))!;
  t.regex(rules, /table ip6 rawprobe \{\n  chain postrouting \{\n.*\n    icmpv6 type \{ nd-neighbor-solicit/);
  t.regex(rules, /numgen random mod 10000 < 525 drop/);
  t.regex(configureBatch(node(plan, 'h2')), /^addr add 2001:db8:0:1::2\/64 dev eth0 nodad$/m);
});

test('icmpRatelimit true/false/ms becomes the kernel sysctls', (t) => {
  const file = twoHosts();
  file.nodes['r1'] = { role: 'router', icmpRatelimit: false };
  file.nodes['h2'] = { role: 'host', icmpRatelimit: 250, ignoreEcho: true };
  const plan = planLab(parseLabSpec(file));
  const r1 = nodeSysctls(node(plan, 'r1'));
  t.true(r1.includes('net.ipv4.icmp_ratelimit=0'));
  t.true(r1.includes('net.ipv4.icmp_ratemask=0'));
  const h2 = nodeSysctls(node(plan, 'h2'));
  t.true(h2.includes('net.ipv4.icmp_ratelimit=250'));
  t.true(h2.includes('net.ipv4.icmp_ratemask=6168'));
  t.true(h2.includes('net.ipv4.icmp_echo_ignore_all=1'));
  t.false(nodeSysctls(node(plan, 'h1')).some((s) => s.includes('ratelimit')));
});

test('validation errors name the field and the reason', (t) => {
  const cases: [(f: LabFile) => unknown, string, RegExp][] = [
    [(f) => { delete (f.nodes['r1'] as unknown as Record<string, unknown>)['role']; }, 'nodes.r1.role', /missing; "host" or "router"/],
    [(f) => { (f.nodes['r1'] as unknown as Record<string, unknown>)['sillent'] = true; }, 'nodes.r1.sillent', /unknown field; expected one of role, /],
    [(f) => { f.links![1]!.between = ['r1', 'r9']; }, 'links[1].between[1]', /no node named "r9"/],
    [(f) => { f.links![0]!.mtu = 70000; }, 'links[0].mtu', /70000; must be a whole number from 68 to 65535/],
    [(f) => { f.links![0]!.loss = 101; }, 'links[0].loss', /percentage from 0 to 100/],
    [(f) => { f.links![0]!.duplicate = 0.001; }, 'links[0].duplicate', /at most 2 decimals/],
    [(f) => { f.nodes['h1']!.silent = true; }, 'nodes.h1.silent', /only a router/],
    [(f) => { f.nodes['r1']!.rewriteTos = { dscp: 'cs9' as 'cs1' }; }, 'nodes.r1.rewriteTos.dscp', /"cs9" is not one of cs0, /],
    [(f) => { f.nodes['r1']!.rewriteTos = { ecn: 4 }; }, 'nodes.r1.rewriteTos.ecn', /from 0 to 3/],
    [(f) => { f.nodes['r1']!.icmpRatelimit = 'on' as unknown as boolean; }, 'nodes.r1.icmpRatelimit', /true, false or milliseconds/],
    [(f) => { f.links![0]!.between = ['h1', 'h1']; }, 'links[0].between', /joins "h1" to itself/],
    [(f) => { f.name = 'a.b'; }, 'name', /not a valid lab name/],
    [(f) => { f.nodes = {}; }, 'nodes', /at least one node/],
    [(f) => { f.links![0]!.addresses = { h1: '198.51.100.1/30' }; }, 'links[0].addresses', /no address for "r1"/],
    [(f) => { f.links![0]!.addresses = { h1: '198.51.100.1/30', r1: '198.51.100.9/30' }; }, 'links[0].addresses', /not in the same subnet/],
    [(f) => { f.links![0]!.addresses = { h1: '198.51.100.0/30', r1: '198.51.100.1/30' }; }, 'links[0].addresses.h1', /network address/],
    [(f) => { f.links![0]!.addresses = { h1: '198.51.100.1', r1: '198.51.100.2' }; }, 'links[0].addresses.h1', /with a prefix length/],
    [(f) => { f.nodes['r1']!.routes = [{ to: '192.0.2.0/24', via: 'nowhere' }]; }, 'nodes.r1.routes[0].via', /not an IPv4 or IPv6 address/],
  ];
  for (const [mutate, path, reason] of cases) {
    const file = twoHosts();
    mutate(file);
    const err = specError(t, file, { source: 'unit.json' });
    t.is(err.path, path);
    t.regex(err.reason, reason, path);
    t.is(err.message, `unit.json: ${path}: ${err.reason}`);
  }
});

test('a route via an address on no link of the node is refused when planning', (t) => {
  const file = twoHosts();
  file.nodes['r1']!.routes = [{ to: '192.0.2.0/24', via: '192.0.2.99' }];
  const err = t.throws(() => planLab(parseLabSpec(file)), { instanceOf: LabSpecError });
  t.is(err!.path, 'nodes.r1.routes[0].via');
  t.regex(err!.reason, /192\.0\.2\.99 is not on any link of "r1"/);
});

test('a non-documentation address is refused without the flag, accepted with it', async (t) => {
  const file = twoHosts();
  file.links![0]!.addresses = { h1: '10.1.2.1/24', r1: '10.1.2.2/24' };
  const err = specError(t, file);
  t.is(err.path, 'links[0].addresses.h1');
  t.regex(err.reason, /10\.1\.2\.1\/24 is outside the documentation and loopback ranges .* --allow-any-address/);
  const spec = parseLabSpec(file, { allowAnyAddress: true });
  t.deepEqual(spec.links[0]!.addresses, { a: ['10.1.2.1/24'], b: ['10.1.2.2/24'] });
  // labUp applies the same rule before touching anything, so it needs no root to refuse.
  const refused = await t.throwsAsync(labUp(spec, { name: 'never-created' }), { instanceOf: LabSpecError });
  t.is(refused!.path, 'links[0].addresses.h1');
  // A documentation address whose prefix spills outside the range is refused too.
  file.links![0]!.addresses = { h1: '198.51.100.1/16', r1: '198.51.100.2/16' };
  t.is(specError(t, file).path, 'links[0].addresses.h1');
});

test('explicit addresses do not collide with automatic ones', (t) => {
  const file = twoHosts();
  file.links![1]!.addresses = { r1: '203.0.113.1/30', h2: '203.0.113.2/30' };
  const plan = planLab(parseLabSpec(file));
  t.deepEqual(plan.links[0]!.a.addresses, ['203.0.113.5/30']);
  t.deepEqual(plan.links[1]!.b.addresses, ['203.0.113.2/30']);
});

test('file errors: missing file, bad JSON, name from the file name', async (t) => {
  const missing = await t.throwsAsync(loadLabFile('/nonexistent/lab.json'), { instanceOf: LabSpecError });
  t.is(missing!.message, '/nonexistent/lab.json: no such file');
  const bad = join(tempDir(t, 'lab'), 'bad.json');
  writeFileSync(bad, '{ "nodes": { "h1": { "role": "host" }, } }');
  const badJson = await t.throwsAsync(loadLabFile(bad), { instanceOf: LabSpecError });
  t.regex(badJson!.message, new RegExp(`^${bad}: not valid JSON: `));
  const spec = parseLabSpec({ nodes: { h1: { role: 'host' } } }, { source: '/x/my-lab.json' });
  t.is(spec.name, 'my-lab');
  t.is(parseLabSpec({ nodes: { h1: { role: 'host' } } }, { name: 'other' }).name, 'other');
  t.is(specError(t, { nodes: { h1: { role: 'host' } } }).path, 'name');
  t.is(specError(t, []).message, 'an array; must be an object');
});

test('addresses: canonical forms and the safe ranges', (t) => {
  t.is(formatCidr(parseCidr('2001:0db8:0000:0000:0001:0000:0000:0001/64')!), '2001:db8::1:0:0:1/64');
  t.is(formatCidr(parseCidr('2001:db8::/32')!), '2001:db8::/32');
  t.is(formatCidr(parseCidr('::ffff:192.0.2.1/128')!), '::ffff:c000:201/128');
  t.is(parseCidr('198.51.100.1/33'), null);
  t.is(parseCidr('198.51.100.1'), null);
  t.true(isSafe(parseCidr('203.0.113.9/30')!));
  t.true(isSafe(parseCidr('127.0.0.2/8')!));
  t.false(isSafe(parseCidr('192.0.3.1/24')!));
  t.true(isSafe(parseCidr('2001:db8:1::1/64')!));
  t.false(isSafe(parseCidr('2001:db9::1/64')!));
});

test('system tools are never taken from node_modules (npx puts an unrelated `nft` there)', async (t) => {
  const dir = tempDir(t, 'tool');
  const shadow = join(dir, 'node_modules', '.bin');
  const real = join(dir, 'sbin');
  for (const d of [shadow, real]) {
    mkdirSync(d, { recursive: true });
    writeFileSync(join(d, 'nft'), '#!/bin/sh\n');
    chmodSync(join(d, 'nft'), 0o755);
  }
  t.is(await findTool('nft', `${shadow}:${real}`), join(real, 'nft'));
  t.is(await findTool('nft', shadow), null);
  t.is(await findTool('no-such-tool-here', real), null);
});

test('the commented example in fixtures/labs/README.md is a valid lab once its comments are gone', (t) => {
  const readme = readFileSync(`${LAB_FIXTURES}README.md`, 'utf8');
  const block = /```jsonc\n([\s\S]*?)```/.exec(readme);
  t.not(block, null);
  const json = block![1]!.replace(/\/\/.*$/gm, '');
  const spec = parseLabSpec(JSON.parse(json), { source: 'README.md' });
  t.is(spec.name, 'mylab');
  t.deepEqual(spec.nodes.map((n) => [n.name, n.role]), [['h1', 'host'], ['r1', 'router'], ['h2', 'host']]);
  t.deepEqual(spec.nodes[1]!.rewriteTos, { dscp: 8, ecn: 0 });
  t.like(spec.links[1], { mtu: 1400, lossPercent: 10, duplicatePercent: 5, delayMs: 20 });
  const plan = planLab(spec);
  t.deepEqual(node(plan, 'h2').routes, [{ family: 4, to: '0.0.0.0/0', via: '192.0.2.1', dev: 'eth0' }]);
});
