// What rawprobe does only when it writes to a terminal, run on a real one (tmux, test/helpers/
// tmux.ts): tables fit the terminal's width (sockopt 128 columns wide, sockopt -v 151, lab show
// about 130, issue 18), and into a pipe they keep their natural width; long work shows a progress
// line on stderr that redraws (a sweep of a /16, checksum and decode of a large capture, lab up),
// and into a pipe or a file not a byte of it (issue 21).
import test from 'ava';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fitWidths, renderTable } from '../../cli/format/table.js';
import type { Lab } from '../../lib/lab/index.js';
import { findTool } from '../../lib/lab/system.js';
import { encodePcap } from '../../lib/pcap/index.js';
import { encodePacket } from '../../lib/wire/index.js';
import { rawprobe, runCommand } from '../helpers/cli.js';
import { withLab } from '../helpers/lab.js';
import { tempDir } from '../helpers/tmp.js';
import { rootTest } from '../helpers/privilege.js';
import { onTerminal, rawprobeArgv } from '../helpers/tmux.js';
import { toolTest } from '../helpers/tools.js';

const onTmux = toolTest(['tmux']);

/** The widest line of `text`, in characters. */
const widest = (text: string): number => Math.max(...text.split('\n').map((l) => [...l].length));

test('fitWidths: natural widths when they fit; else the widest columns narrowed first, never below the header', (t) => {
  const cells = [['A', 'BB', 'CCCCCC'], ['x', 'y'.repeat(30), 'z'.repeat(50)]];
  t.deepEqual(fitWidths(cells, 200), [1, 30, 50]);
  // 1 + 3 * 3 = 10 characters of borders: 70 - 10 = 60 for the text.
  t.deepEqual(fitWidths(cells, 70), [1, 29, 29].map((w, i) => (i === 0 ? 1 : w)));
  t.deepEqual(fitWidths(cells, 20), [1, 8, 8], 'the floor: 8 characters or the header');
  t.deepEqual(fitWidths(cells, 200, [undefined, 10, undefined]), [1, 10, 50], 'a width asked for caps the column');
  // Prose columns (given a width) give way first: the names keep theirs while that is enough.
  t.deepEqual(fitWidths(cells, 60, [undefined, undefined, 50]), [1, 30, 19]);
  t.deepEqual(fitWidths(cells, 40, [undefined, undefined, 50]), [1, 14, 14], 'then every column, when that is not enough');
  const drawn = renderTable(cells[0]!, cells.slice(1), { maxWidth: 70 });
  t.true(widest(drawn) <= 70, drawn);
  t.regex(drawn, /z{29}/);
});

onTmux('sockopt and sockopt -v fit an 80-column terminal; into a pipe they keep their width', async (t) => {
  for (const args of [['sockopt'], ['sockopt', '-v']]) {
    const term = onTerminal(t, rawprobeArgv(...args), { width: 80, height: 50 });
    const { code, screen } = await term.done;
    t.is(code, 0, screen);
    const table = screen.split('\n').filter((l) => /^[│┌├└]/.test(l));
    t.true(table.length > 40, screen);
    t.true(widest(table.join('\n')) <= 80, `${args.join(' ')}: ${widest(table.join('\n'))} columns`);
    t.true(screen.includes('SO_BSDCOMPAT'));
    const piped = await rawprobe(args);
    t.true(widest(piped.stdout) > 80, 'a pipe gets the natural width');
  }
});

toolTest(['tmux'], rootTest())('lab show fits a 90-column terminal', async (t) => {
  const lab = await withLab(t, 'diamond');
  const term = onTerminal(t, rawprobeArgv('lab', 'show', lab.name), { width: 90, height: 60 });
  const { code, screen } = await term.done;
  t.is(code, 0, screen);
  const table = screen.split('\n').filter((l) => /^[│┌├└]/.test(l));
  t.true(table.length > 5, screen);
  t.true(widest(table.join('\n')) <= 90, screen);
  const piped = await rawprobe(['lab', 'show', lab.name]);
  t.true(widest(piped.stdout) > 90, `a pipe gets the natural width (${widest(piped.stdout)})`);
});

/** The sweep lab with t answering every address of 198.18.0.0/16 (the benchmarking range, inside the lab only). */
async function sixteenLab(t: Parameters<typeof withLab>[0]): Promise<Lab> {
  const lab = await withLab(t, 'sweep');
  const ip = (await findTool('ip')) ?? 'ip';
  for (const [node, args] of [['t', ['route', 'add', 'local', '198.18.0.0/16', 'dev', 'lo']], ['r1', ['route', 'add', '198.18.0.0/16', 'via', lab.address('t')]]] as const) {
    const r = await lab.exec(node, [ip, ...args]);
    if (r.code !== 0) throw new Error(`${node}: ip ${args.join(' ')}: ${r.stderr}`);
  }
  return lab;
}

const PROGRESS = /sweep \d+% \d+ of 65534 targets: \d+ sent, \d+ alive, \d+ unreachable, \d+ targets\/s/;

toolTest(['tmux'], rootTest())('sweep of a /16 on a terminal: a progress line that redraws, then the normal output; piped, no progress byte', async (t) => {
  const lab = await sixteenLab(t);
  const sweep = ['sweep', '-a', '-s', '--rate', '20000', '198.18.0.0/16'];
  const term = onTerminal(t, ['ip', 'netns', 'exec', lab.namespace('h1'), ...rawprobeArgv(...sweep)], { width: 160 });
  // While it runs: on the screen (the line stays at the bottom, under the addresses).
  await term.until((screen, bytes) => PROGRESS.test(screen) && /\d+ alive/.test(bytes), 'a progress line on the screen');
  const { code, screen, bytes } = await term.done;
  t.is(code, 0, screen);
  const drawn = bytes.toString('utf8');
  t.true((drawn.match(/\rsweep \d+%/g) ?? []).length >= 2, 'drawn more than once, in place');
  t.regex(drawn, /\r\x1b\[K/, 'erased before the end');
  t.regex(drawn, /\x1b\[32m\d+ alive\x1b\[0m/, 'alive in green on a terminal');
  // The normal output after it: every address alive, one per line, and the summary.
  const alive = screen.split('\n').filter((l) => /^198\.18\.\d+\.\d+$/.test(l));
  t.true(alive.length > 30, screen);
  t.regex(screen, / 65534 targets\n\s+65534 alive\n/);
  t.false(PROGRESS.test(screen.split('\n').slice(-30).join('\n')), 'the line is gone at the end');

  // NO_COLOR: the same line, without colour.
  const plain = onTerminal(t, ['ip', 'netns', 'exec', lab.namespace('h1'), ...rawprobeArgv(...sweep)], { width: 160, env: { NO_COLOR: '1' } });
  const uncoloured = (await plain.done).bytes.toString('utf8');
  t.regex(uncoloured, /\rsweep \d+%/);
  t.notRegex(uncoloured, /\x1b\[3\dm/);

  const piped = await rawprobe(sweep, { where: { lab, node: 'h1' } });
  t.is(piped.code, 0, piped.stderr);
  t.is(piped.stdout.split('\n').filter((l) => l !== '').length, 65534);
  t.notRegex(piped.stderr, /\r|\x1b|targets\/s/);
});

/** A pcap of `n` small echo requests. */
function bigCapture(dir: string, n: number): string {
  const packet = encodePacket({ ip: { src: '127.0.0.1', dst: '127.0.0.1', id: 1 }, icmp: { kind: 'echo-request', identifier: 1, sequence: 1, data: Buffer.alloc(64) } });
  const file = join(dir, 'big.pcap');
  writeFileSync(file, encodePcap(Array.from({ length: n }, (_, i) => ({ data: packet, timestamp: { sec: 1000 + i, nsec: 0 } }))));
  return file;
}

onTmux('checksum and decode of a large capture: bytes read of the size and packets/s while reading; none into a pipe', async (t) => {
  const dir = tempDir(t, 'progress');
  const file = bigCapture(dir, 400_000);
  const line = /(checksum|decode) \d+\.\d of \d+\.\d MB \(\d+%\), \d+ packets, \d+ packets\/s/;
  for (const command of ['checksum', 'decode']) {
    // decode's lines go to a file: on the terminal they would be the progress themselves.
    const argv = command === 'decode' ? ['sh', '-c', `"$@" > ${join(dir, 'out.txt')}`, 'sh', ...rawprobeArgv('decode', file)] : rawprobeArgv('checksum', file);
    const term = onTerminal(t, argv, { width: 120 });
    const { code, screen, bytes } = await term.done;
    t.is(code, 0, screen);
    t.regex(bytes.toString('utf8'), line, command);
    const piped = await rawprobe([command, file]);
    t.notRegex(piped.stderr, /\r|\x1b|packets\/s/, command);
  }
});

toolTest(['tmux'], rootTest())('lab up shows each node as it comes up; piped, it does not', async (t) => {
  const dir = tempDir(t, 'progress');
  const file = join(dir, 'wide.json');
  const nodes: Record<string, { role: string }> = { hub: { role: 'router' } };
  const links: { between: [string, string] }[] = [];
  for (let i = 1; i <= 12; i++) {
    nodes[`h${i}`] = { role: 'host' };
    links.push({ between: ['hub', `h${i}`] });
  }
  const name = `rpprog${process.pid}`.slice(0, 20);
  writeFileSync(file, JSON.stringify({ name, nodes, links }));
  t.teardown(async () => {
    await runCommand(rawprobeArgv('lab', 'down', name));
  });
  const term = onTerminal(t, rawprobeArgv('lab', 'up', file), { width: 120 });
  const { code, screen, bytes } = await term.done;
  t.is(code, 0, screen);
  const drawn = bytes.toString('utf8');
  const steps = new Set(drawn.match(new RegExp(`lab ${name}: \\w+ up \\(\\d+ of 13 nodes\\)`, 'g')) ?? []);
  t.is(steps.size, 13, drawn);
  const down = await runCommand(rawprobeArgv('lab', 'down', name));
  t.is(down.code, 0, down.stderr);
  const piped = await rawprobe(['lab', 'up', file]);
  t.is(piped.code, 0, piped.stderr);
  t.notRegex(piped.stderr, /nodes\)/);
});
