// `rawprobe trace -6` in a namespace lab with IPv6 on, beside traceroute -6 -I in the same lab:
// the same hops in the same order; a silent router's hop is * * *; a router that re-marks the
// traffic class shows [tclass 0xb8->0x20] at the first hop whose quote shows it; UDP and TCP
// probes reach the destination too; no route is !N. Routers' ICMPv6 rate limit off: every
// answer counts.
import { rawprobe as cli, runCommand, type CliResult } from '../helpers/cli.js';
import { withLab } from '../helpers/lab.js';
import { rootTest } from '../helpers/privilege.js';
import { toolTest } from '../helpers/tools.js';
import type { Lab } from '../../lib/lab/index.js';

const withTraceroute = toolTest(['traceroute'], rootTest());

function rawprobe(lab: Lab, args: string[]): Promise<CliResult> {
  return cli(['trace', '-6', '-n', ...args], { where: { lab, node: 'h1' }, timeoutMs: 60_000 });
}

/** "ttl address" of each hop line; "* * *" lines as "ttl *". */
function hops(r: CliResult): string[] {
  return r.stdout
    .split('\n')
    .filter((l) => /^\s*\d+ /.test(l))
    .map((l) => {
      const [ttl, who] = l.trim().split(/\s+/);
      return `${ttl} ${who}`;
    });
}

const quiet = { icmpRatelimit: false, role: 'router' as const };

withTraceroute('hops match traceroute -6 -I; UDP and TCP probes too; a traffic-class rewrite is placed at its hop; no route is !N', async (t) => {
  const lab = await withLab(t, 'chain3', { ipv6: true, nodes: { r1: quiet, r2: { ...quiet, rewriteTos: { dscp: 8 } }, r3: quiet } });
  const h2 = lab.address('h2', { family: 6 });
  const path = lab.path('h1', 'h2', 6).hops.map((h) => h.address);
  const [ours, theirs] = await Promise.all([rawprobe(lab, ['-q', '1', h2]), runCommand(['traceroute', '-6', '-I', '-n', '-q', '1', h2], { where: { lab, node: 'h1' }, timeoutMs: 60_000 })]);
  t.is(ours.code, 0, ours.stderr);
  t.is(ours.stdout.split('\n')[0], `traceroute to ${h2} (${h2}), 30 hops max, 80 byte packets`);
  t.is(path.at(-1), h2, 'the lab\'s path ends at h2');
  t.deepEqual(hops(ours), path.map((a, i) => `${i + 1} ${a}`));
  t.deepEqual(hops(ours), hops(theirs));
  const marked = await rawprobe(lab, ['-q', '1', '-Q', '0xb8', h2]);
  const lines = marked.stdout.split('\n');
  t.regex(lines[3]!, / \[tclass 0xb8->0x20\]$/, 'r2 forwards with CS1: the quote of hop 3 shows it');
  t.notRegex(lines[2]!, /tclass/);
  t.notRegex(lines[4]!, /tclass/, 'reported once, at the first hop that shows it');
  for (const kind of [['-U'], ['-T', '-p', '22']]) {
    const r = await rawprobe(lab, ['-q', '1', ...kind, h2]);
    t.deepEqual(hops(r), hops(ours), kind.join(' '));
  }
  const nowhere = await rawprobe(lab, ['-q', '1', '2001:db8:ff::1']);
  t.regex(nowhere.stdout.split('\n')[1]!, new RegExp(`^ 1  ${path[0]!.replace(/:/g, ':')}  [\\d.]+ ms !N$`));
});

withTraceroute('a silent router: * at its hop, as traceroute -6 shows it', async (t) => {
  const lab = await withLab(t, 'chain3', { ipv6: true, nodes: { r1: quiet, r2: { ...quiet, silent: true }, r3: quiet } });
  const h2 = lab.address('h2', { family: 6 });
  const [ours, theirs] = await Promise.all([rawprobe(lab, ['-q', '1', '-w', '0.5', h2]), runCommand(['traceroute', '-6', '-I', '-n', '-q', '1', '-w', '0.5', h2], { where: { lab, node: 'h1' }, timeoutMs: 60_000 })]);
  t.is(ours.code, 0, ours.stderr);
  t.is(hops(ours)[1], '2 *');
  t.deepEqual(hops(ours), hops(theirs));
});
