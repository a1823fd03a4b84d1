// Middleboxes found from the routers' quotes (issue 17): in labs whose router r2 (or r1) rewrites
// what it forwards with nftables (fixtures/labs: mss-clamp, ecn-bleach, option-strip,
// tcp-rewrite, short-quote), `trace` names the exact hop and field where the change first shows,
// nothing before it, and the middlebox line after the hops; a path without one reports no change
// at all (TTL, the checksums that follow it, fragments). Structure only, never time.
import type { ExecutionContext } from 'ava';
import type { Lab } from '../../lib/lab/index.js';
import { rawprobe, type CliResult } from '../helpers/cli.js';
import { withLab } from '../helpers/lab.js';
import { rootTest } from '../helpers/privilege.js';
import { toolTest } from '../helpers/tools.js';
import { json, labResponder, trace, unlimited } from './trace-common.js';

const rootOnly = rootTest();
const withNft = toolTest(['nft'], rootOnly);
const CHAIN = ['r1', 'r2', 'r3', 'h2'];

type Json = Record<string, unknown>;

/** Each hop's changes, by TTL order, from --json. */
function hopChanges(r: CliResult): unknown[] {
  return json(r).filter((o) => o['type'] === 'hop').map((o) => o['changes']);
}

function middleboxes(r: CliResult): Json[] {
  return json(r).filter((o) => o['type'] === 'middlebox');
}

/** The lines after the hops (and before nothing else): the middlebox sentences. */
function summary(r: CliResult): string[] {
  return r.stdout.trimEnd().split('\n').filter((l) => !/^(traceroute to |[ \d]\d )/.test(l));
}

/** The hops' addresses from h1 toward h2: [r1, r2, r3, h2]. */
function pathOf(lab: Lab): string[] {
  return lab.path('h1', 'h2').hops.map((h) => h.address!);
}

async function ok(t: ExecutionContext, lab: Lab, args: string[]): Promise<CliResult> {
  const r = await trace(lab, ['-n', ...args]);
  t.is(r.code, 0, `${args.join(' ')}: ${r.stderr}`);
  return r;
}

withNft('mss-clamp: the MSS clamped by r2 shows at hop 3, nothing before; the summary names the hops; other probes and a bare SYN see nothing', async (t) => {
  const lab = await withLab(t, 'mss-clamp', { nodes: unlimited(CHAIN) });
  const [r1, r2, r3, h2] = pathOf(lab);
  void r1;
  const r = await ok(t, lab, ['-T', '--json', h2!]);
  const changes = hopChanges(r);
  t.deepEqual(changes[0], []);
  t.deepEqual(changes[1], []);
  t.deepEqual((changes[2] as Json[]).filter((c) => c['field'] !== 'checksum'), [{ field: 'tcpOption', option: 'mss', sent: 1460, quoted: 1300 }]);
  t.deepEqual(changes[3], []);
  t.deepEqual(middleboxes(r), [
    {
      type: 'middlebox', field: 'tcpOption', option: 'mss', sent: 1460, quoted: 1300,
      after: { ttl: 2, from: r2 }, at: { ttl: 3, from: r3 },
      text: `MSS clamped to 1300 between hop 2 and hop 3 (${r2} -> ${r3})`,
    },
  ]);
  const text = await ok(t, lab, ['-T', h2!]);
  t.regex(text.stdout.split('\n')[3]!, /^ 3 {2}198\.51\.100\.6 .* \[checksum 0x[0-9a-f]{4}->0x[0-9a-f]{4}, tcp mss 1460->1300\]$/);
  t.false(text.stdout.split('\n')[2]!.includes('['), 'hop 2 reports nothing');
  t.deepEqual(summary(text), [`MSS clamped to 1300 between hop 2 and hop 3 (${r2} -> ${r3})`]);
  // An MSS below the clamp passes; a bare SYN has nothing to clamp; UDP and ICMP are not touched.
  for (const args of [['-T', '--tcp-options', 'mss=1200,sack'], ['-T', '--tcp-options', 'none'], ['-U'], ['-I']]) {
    const clean = await ok(t, lab, [...args, '--json', h2!]);
    t.deepEqual(hopChanges(clean), [[], [], [], []], args.join(' '));
    t.deepEqual(middleboxes(clean), [], args.join(' '));
  }
});

withNft('ecn-bleach: --ecn names hop 3 for the IP ECN field (every probe kind) and for ECE/CWR on the SYN; without --ecn nothing changes', async (t) => {
  const lab = await withLab(t, 'ecn-bleach', { nodes: unlimited(CHAIN) });
  const [, r2, r3, h2] = pathOf(lab);
  const ecn = { field: 'ecn', sent: 2, quoted: 0 };
  const tcp = await ok(t, lab, ['-T', '--ecn', '--json', h2!]);
  const changes = hopChanges(tcp);
  t.deepEqual(changes.slice(0, 2), [[], []]);
  t.deepEqual((changes[2] as Json[]).filter((c) => c['field'] !== 'checksum'), [ecn, { field: 'tcpFlags', sent: 0xc2, quoted: 0x02 }]);
  t.deepEqual(middleboxes(tcp).map((m) => m['text']), [
    `ECN bleached (ECT(0) -> Not-ECT) between hop 2 and hop 3 (${r2} -> ${r3})`,
    `TCP flags ECE|CWR cleared between hop 2 and hop 3 (${r2} -> ${r3})`,
  ]);
  for (const kind of ['-U', '-I']) {
    const r = await ok(t, lab, [kind, '--ecn', '--json', h2!]);
    t.deepEqual(hopChanges(r).slice(0, 3), [[], [], [ecn]], kind);
    const text = await ok(t, lab, [kind, '--ecn', h2!]);
    t.true(text.stdout.split('\n')[3]!.endsWith(' [ecn ECT(0)->Not-ECT]'), kind);
  }
  const plain = await ok(t, lab, ['-T', '--json', h2!]);
  t.deepEqual(hopChanges(plain), [[], [], [], []], 'Not-ECT probes: nothing to bleach');
});

withNft('ecn-bleach: tos --ecn --path names hop 3 as the first to see each ECN-capable value bleached', async (t) => {
  const lab = await withLab(t, 'ecn-bleach', { nodes: unlimited(CHAIN) });
  const [, r2, r3, h2] = pathOf(lab);
  const r = await rawprobe(['tos', '--ecn', '--path', '-I', '-w', '2,30,30', '--json', h2!], { where: { lab, node: 'h1' } });
  t.is(r.code, 0, r.stderr);
  const rows = json(r) as { ecn: number; path: { rewritten: boolean; quoted: number | null; lastKept: unknown; firstSeen: unknown } }[];
  t.deepEqual(rows.map((x) => x.ecn), [0, 1, 2, 3]);
  t.like(rows[0]!.path, { rewritten: false, firstSeen: null });
  for (const row of rows.slice(1)) t.deepEqual([row.path.quoted, row.path.lastKept, row.path.firstSeen], [0, { ttl: 2, from: r2 }, { ttl: 3, from: r3 }], `ECN ${row.ecn}`);
});

withNft('option-strip: SACK-permitted and window scale removed at hop 3 (reset to NOPs), each by name; nothing before', async (t) => {
  const lab = await withLab(t, 'option-strip', { nodes: unlimited(CHAIN) });
  const [, r2, r3, h2] = pathOf(lab);
  const r = await ok(t, lab, ['-T', '--json', h2!]);
  const changes = hopChanges(r);
  t.deepEqual(changes.slice(0, 2), [[], []]);
  t.deepEqual((changes[2] as Json[]).filter((c) => c['field'] !== 'checksum'), [
    { field: 'tcpOption', option: 'sackOK', sent: '', quoted: null },
    { field: 'tcpOption', option: 'wscale', sent: 7, quoted: null },
  ]);
  const text = await ok(t, lab, ['-T', h2!]);
  t.regex(text.stdout.split('\n')[3]!, /, tcp option sackOK removed, tcp option wscale removed\]$/);
  t.deepEqual(summary(text), [
    `TCP option sackOK removed between hop 2 and hop 3 (${r2} -> ${r3})`,
    `TCP option wscale removed between hop 2 and hop 3 (${r2} -> ${r3})`,
  ]);
  // Only MSS and timestamps asked for: nothing to strip.
  t.deepEqual(hopChanges(await ok(t, lab, ['-T', '--tcp-options', 'mss,ts', '--json', h2!])), [[], [], [], []]);
});

withNft('tcp-rewrite: r1 rewrites the sequence number (hop 2), r2 the window (hop 3); each at its own hop', async (t) => {
  const lab = await withLab(t, 'tcp-rewrite', { nodes: unlimited(CHAIN) });
  const [r1, r2, r3] = pathOf(lab);
  // The destination's RST acknowledges sequence 1000, which no probe sent: it is no answer of
  // ours (as a load balancer that did not translate back), so the trace stops at hop 3.
  const r = await trace(lab, ['-n', '-T', '-m', '3', '--json', lab.address('h2')]);
  t.is(r.code, 1, r.stderr);
  const changes = hopChanges(r) as Json[][];
  t.deepEqual(changes[0], []);
  t.deepEqual(changes[1]!.map((c) => c['field']), ['seq', 'checksum']);
  t.is(changes[1]![0]!['quoted'], 1000);
  t.deepEqual(changes[2], [{ field: 'window', sent: 64240, quoted: 1000 }]);
  t.deepEqual(middleboxes(r).map((m) => m['text']), [
    `TCP sequence numbers rewritten between hop 1 and hop 2 (${r1} -> ${r2})`,
    `TCP window rewritten from 64240 to 1000 between hop 2 and hop 3 (${r2} -> ${r3})`,
  ]);
});

/** r2 answers with 28-byte quotes (its kernel's own Time Exceeded dropped); resolves once it answers. */
async function shortQuoteRouter(t: ExecutionContext, lab: Lab, address: string): Promise<void> {
  const nft = [
    'add table ip quote',
    'add chain ip quote output { type filter hook output priority 0; policy accept; }',
    // The kernel quotes the whole 60-byte probe (an 88-byte answer); the responder 28 bytes (56).
    'add rule ip quote output icmp type time-exceeded ip length > 56 drop',
  ];
  await labResponder(t, lab, 'r2', nft, 'short-quote-responder', ['eth0', address, '28'], address);
}

toolTest(['nft', 'ping'], rootOnly)('short-quote: hop 2 quotes 28 bytes, so the MSS clamped by r1 is unknown there, never absent: reported at hop 3, made between hop 1 and hop 3', async (t) => {
  const lab = await withLab(t, 'short-quote', { nodes: unlimited(CHAIN) });
  const [r1, r2, r3, h2] = pathOf(lab);
  await shortQuoteRouter(t, lab, r2!);
  // A responder in a user process answers later than a kernel: roomy waits.
  const r = await ok(t, lab, ['-T', '-w', '5,300,300', '--json', h2!]);
  const hops = json(r).filter((o) => o['type'] === 'hop');
  t.deepEqual(hops[1]!['changes'], []);
  t.is(hops[1]!['unknown'], 'tcp header from byte 8');
  t.deepEqual((hops[1]!['probes'] as Json[]).map((p) => p['quote']), [28, 28, 28]);
  t.deepEqual((hops[0]!['probes'] as Json[]).map((p) => p['quote']), [60, 60, 60]);
  t.false('unknown' in hops[0]!);
  t.deepEqual((hops[2]!['changes'] as Json[]).filter((c) => c['field'] !== 'checksum'), [{ field: 'tcpOption', option: 'mss', sent: 1460, quoted: 1300 }]);
  t.deepEqual(middleboxes(r).map((m) => m['text']), [`MSS clamped to 1300 between hop 1 and hop 3 (${r1} -> ${r3})`]);
  const text = await ok(t, lab, ['-T', '-w', '5,300,300', h2!]);
  t.true(text.stdout.split('\n')[2]!.endsWith(' [quote 28 bytes: tcp header from byte 8 unknown]'), text.stdout);
});

rootOnly('a path without a middlebox reports no change at all: every probe kind, ECN-capable, fragmented, with data', async (t) => {
  const lab = await withLab(t, 'chain3', { nodes: unlimited(CHAIN) });
  const h2 = lab.address('h2');
  const runs: [string[], string?][] = [[['-T']], [['-T', '--ecn']], [['-U', '--ecn']], [['-I', '--ecn']], [['-U'], '2000'], [['-I'], '1000'], [['-T'], '300'], [['-T', '--tcp-options', 'wscale=14']]];
  for (const [options, length] of runs) {
    const args = [...options, '--json', h2, ...(length === undefined ? [] : [length])];
    const r = await ok(t, lab, args);
    t.deepEqual(hopChanges(r), [[], [], [], []], args.join(' '));
    t.deepEqual(middleboxes(r), [], args.join(' '));
  }
});
