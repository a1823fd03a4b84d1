// `rawprobe tos -6` across the namespace labs with IPv6 on: in dscp-rewrite.json r1 re-marks the
// traffic class of everything it forwards to CS1 (the lab's nftables rule is `ip6 dscp set cs1`
// there), and --path names r1 as the last hop that kept each value, r2 as the first whose quote
// shows CS1, for UDP and ICMPv6 probes; without --path every value is answered, the reply
// re-marked, UDP's quote shows what arrived, ECN passes; a path that rewrites nothing. Structure
// only, no time.
import test from 'ava';
import type { Lab } from '../../lib/lab/index.js';
import type { CliResult } from '../helpers/cli.js';
import { withLab } from '../helpers/lab.js';
import { rootTest } from '../helpers/privilege.js';
import { checkRewritePath, tosIn, tosRows as rows, unlimited } from './tos-common.js';

const rootOnly = rootTest();
void test;

const tos = (lab: Lab, args: string[]): Promise<CliResult> => tosIn(lab, args, ['-6']);

rootOnly('dscp-rewrite -6 --path: r1 is the last hop that kept each traffic class, r2 the first that saw CS1; text and JSON agree', async (t) => {
  const lab = await withLab(t, 'dscp-rewrite', { ipv6: true, nodes: unlimited(['r1', 'r2', 'h2']) });
  await checkRewritePath(t, lab, { family: 6, tos, packetBytes: 80, ef: { replyTos: 0x20 } });
});

rootOnly('dscp-rewrite -6 without --path: every value answered, the reply re-marked CS1; UDP shows what arrived; ECN passes', async (t) => {
  const lab = await withLab(t, 'dscp-rewrite', { ipv6: true, nodes: unlimited(['r1', 'r2', 'h2']) });
  const h2 = lab.address('h2', { family: 6 });
  const icmp = rows(await tos(lab, ['--values', '0,0x10,0xb8', '--json', h2]));
  t.deepEqual(icmp.map((x) => [x.tos, x.answered, x.replyTos, x.arrivedTos, x.path]), [[0, 1, 0x20, null, null], [0x10, 1, 0x20, null, null], [0xb8, 1, 0x20, null, null]]);
  const udp = rows(await tos(lab, ['--values', '0,EF,AF41', '-U', '--json', h2]));
  t.true(udp.every((x) => x.answered === 1 && x.arrivedTos === 0x20), JSON.stringify(udp));
  const ecn = rows(await tos(lab, ['--ecn', '--values', 'EF', '-U', '--json', h2]));
  t.deepEqual(ecn.map((x) => [x.tos, x.ecn, x.arrivedTos]), [[0xb8, 0, 0x20], [0xb9, 1, 0x21], [0xba, 2, 0x22], [0xbb, 3, 0x23]], 'r1 re-marks the DSCP only');
});

rootOnly('chain3 -6 --path: nothing rewritten, kept to the last router; the table has a row per value', async (t) => {
  const lab = await withLab(t, 'chain3', { ipv6: true, nodes: unlimited(['r1', 'r2', 'r3', 'h2']) });
  const h2 = lab.address('h2', { family: 6 });
  const path = lab.path('h1', 'h2', 6).hops;
  const r = rows(await tos(lab, ['--values', '0,EF', '--path', '--json', h2]));
  for (const row of r) t.deepEqual(row.path, { rewritten: false, quoted: null, lastKept: { ttl: 3, from: path[2]!.address }, firstSeen: null, hops: 4, reached: true });
  const text = await tos(lab, ['--values', '0,EF', h2]);
  t.is(text.code, 0);
  t.is(text.stdout.split('\n').filter((l) => /^│ 0x/.test(l)).length, 2);
});
