// `rawprobe tos` across the namespace labs: the DSCP-rewriting router (r1 in dscp-rewrite.json
// re-marks everything it forwards to CS1) is named as the hop after which each value changed,
// for UDP and ICMP probes; what the target received (UDP's quote) and what came back; the 64
// DSCP code points and the ECN codepoints; a path that rewrites nothing. Structure only, no time.
import test from 'ava';
import type { Lab } from '../../lib/lab/index.js';
import type { CliResult } from '../helpers/cli.js';
import { withLab } from '../helpers/lab.js';
import { rootTest } from '../helpers/privilege.js';
import { checkRewritePath, tosIn, tosRows as rows, unlimited } from './tos-common.js';

const rootOnly = rootTest();
void test;

const tos = (lab: Lab, args: string[]): Promise<CliResult> => tosIn(lab, args);

rootOnly('dscp-rewrite --path: r1 is the last hop that kept each value, r2 the first that saw CS1; text and JSON agree', async (t) => {
  const lab = await withLab(t, 'dscp-rewrite', { nodes: unlimited(['r1', 'r2', 'h2']) });
  await checkRewritePath(t, lab, { family: 4, tos, packetBytes: 60, arrived: true });
});

rootOnly('dscp-rewrite --path with r2 rate-limiting its ICMP errors: a value r2 did not quote is unknown, never "no (kept to hop 1)" (issue 18)', async (t) => {
  // r2 keeps the kernel's ICMP rate limit: of 64 Time Exceeded it owes h1 at once, most are not sent.
  const lab = await withLab(t, 'dscp-rewrite', { nodes: unlimited(['r1', 'h2']) });
  const h2 = lab.address('h2');
  const r = await tos(lab, ['--dscp', 'all', '--path', '-I', '-w', '1', '--json', h2]);
  t.is(r.code, 0, r.stderr);
  const all = rows(r);
  t.is(all.length, 64);
  for (const row of all) {
    const p = row.path!;
    if (p.rewritten === false) t.is(p.lastKept?.ttl, 2, `0x${row.tos.toString(16)}: "no" only with r2's own quote`);
    if (p.rewritten === true) t.like(p, { quoted: 0x20, firstSeen: { ttl: 2 } });
    if (p.rewritten === null) t.is(p.lastKept?.ttl, 1, `0x${row.tos.toString(16)}: kept by r1, then nothing known`);
  }
  const unknown = all.filter((row) => row.path!.rewritten === null);
  t.true(unknown.length > 0, 'r2 rate-limited some of its answers');
  const text = await tos(lab, ['--values', unknown.slice(0, 3).map((row) => row.tos).join(','), '--path', '-I', '-w', '1', h2]);
  t.notRegex(text.stdout, /no \(kept to hop 1\)/);
});

rootOnly('dscp-rewrite without --path: every value answered, the reply re-marked CS1; UDP shows what arrived; ECN passes', async (t) => {
  const lab = await withLab(t, 'dscp-rewrite', { nodes: unlimited(['r1', 'r2', 'h2']) });
  const h2 = lab.address('h2');
  const icmp = rows(await tos(lab, ['--values', '0,0x10,0xb8', '--json', h2]));
  t.deepEqual(icmp.map((x) => [x.tos, x.answered, x.replyTos, x.arrivedTos, x.path]), [[0, 1, 0x20, null, null], [0x10, 1, 0x20, null, null], [0xb8, 1, 0x20, null, null]]);
  t.true(icmp.every((x) => x.rtt !== null && x.rtt > 0));
  const all = await tos(lab, ['--dscp', 'all', '-U', '--json', h2]);
  t.is(all.code, 0, all.stderr);
  const dscp = rows(all);
  t.deepEqual(dscp.map((x) => x.dscp), Array.from({ length: 64 }, (_, i) => i));
  t.true(dscp.every((x) => x.answered === 1 && x.arrivedTos === 0x20), JSON.stringify(dscp.filter((x) => x.arrivedTos !== 0x20)));
  const ecn = rows(await tos(lab, ['--ecn', '--values', 'EF', '-U', '--json', h2]));
  t.deepEqual(ecn.map((x) => [x.tos, x.ecn, x.arrivedTos]), [[0xb8, 0, 0x20], [0xb9, 1, 0x21], [0xba, 2, 0x22], [0xbb, 3, 0x23]], 'r1 re-marks the DSCP only');
});

rootOnly('chain3 --path: nothing rewritten, kept to the last router; the table has a row per value', async (t) => {
  const lab = await withLab(t, 'chain3', { nodes: unlimited(['r1', 'r2', 'r3', 'h2']) });
  const h2 = lab.address('h2');
  const path = lab.path('h1', 'h2').hops;
  const r = rows(await tos(lab, ['--values', '0,EF', '--path', '--json', h2]));
  for (const row of r) t.deepEqual(row.path, { rewritten: false, quoted: null, lastKept: { ttl: 3, from: path[2]!.address }, firstSeen: null, hops: 4, reached: true });
  const text = await tos(lab, ['--values', '0,EF', h2]);
  t.is(text.code, 0);
  t.is(text.stdout.split('\n').filter((l) => /^│ 0x/.test(l)).length, 2);
});

rootOnly('a target that does not answer: the row says 0/1 and tos exits 1', async (t) => {
  const lab = await withLab(t, 'chain3', { nodes: { h2: { role: 'host', ignoreEcho: true } } });
  const r = await tos(lab, ['--values', '0', '-w', '0.3', lab.address('h2')]);
  t.is(r.code, 1);
  t.regex(r.stdout, /│ 0x00 │ CS0 \(0\) +│ Not-ECT │ 0\/1 +│ - +│ - +│/);
});
