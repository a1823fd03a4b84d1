// A router's `rewriteTcp` (lib/lab/tcp-rewrite.ts): what a lab file may give, the nftables rules
// it becomes (SYNs only), and how `lab show` words it. The rules at work: trace-middlebox-lab.test.ts.
import test from 'ava';
import { LabSpecError, nodeRuleset, parseLabSpec, planLab, type LabFile } from '../../lib/lab/index.js';
import { describeImpairments } from '../../lib/lab/commands.js';

const lab = (rewriteTcp: unknown, role = 'router'): LabFile =>
  ({
    name: 'unit',
    nodes: { h1: { role: 'host' }, r1: { role, rewriteTcp }, h2: { role: 'host' } },
    links: [{ between: ['h1', 'r1'] }, { between: ['r1', 'h2'] }],
  }) as unknown as LabFile;

test('rewriteTcp becomes one forward rule per rewrite, each on SYNs without ACK', (t) => {
  const plan = planLab(parseLabSpec(lab({ mss: 1300, resetOptions: ['sack-perm', 'window'], window: 1000, sequence: 7, clearEcnFlags: true })));
  const r1 = plan.nodes.find((n) => n.name === 'r1')!;
  const ruleset = nodeRuleset(plan, r1)!;
  const syn = 'tcp flags & (syn | ack) == syn';
  for (const rule of [
    `${syn} tcp option maxseg size > 1300 tcp option maxseg size set 1300`,
    `${syn} reset tcp option sack-perm`,
    `${syn} reset tcp option window`,
    `${syn} tcp window set 1000`,
    `${syn} tcp sequence set 7`,
    `${syn} tcp flags set syn`,
  ]) t.true(ruleset.includes(`    ${rule}\n`), rule);
  t.true(ruleset.startsWith('table ip '));
  t.deepEqual(describeImpairments(plan, r1), ['rewrites forwarded SYNs: MSS clamped to 1300, options sack-perm, window reset, window 1000, sequence 7, ECE and CWR cleared']);
});

test('bad rewriteTcp: one error naming the field', (t) => {
  const cases: [unknown, string, string, RegExp][] = [
    [{ mss: 70000 }, 'router', 'nodes.r1.rewriteTcp.mss', /whole number from 0 to 65535/],
    [{ resetOptions: ['sack'] }, 'router', 'nodes.r1.rewriteTcp.resetOptions', /maxseg, window, sack-perm, timestamp/],
    [{ clearEcnFlags: 'yes' }, 'router', 'nodes.r1.rewriteTcp.clearEcnFlags', /true or false/],
    [{ msss: 1 }, 'router', 'nodes.r1.rewriteTcp.msss', /unknown field/],
    [{}, 'router', 'nodes.r1.rewriteTcp', /give at least one of/],
    [{ mss: 1300 }, 'host', 'nodes.r1.rewriteTcp', /only a router/],
  ];
  for (const [rewrite, role, path, reason] of cases) {
    const e = t.throws(() => parseLabSpec(lab(rewrite, role)), { instanceOf: LabSpecError }, path) as LabSpecError;
    t.is(e.path, path);
    t.regex(e.reason, reason);
  }
});
