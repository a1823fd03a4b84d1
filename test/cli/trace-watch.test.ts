// The live views in a real terminal (tmux: test/helpers/tmux.ts, its keys and pane flags), inside
// a lab: trace --watch draws the hops and their counts, d switches to each hop's round trips as
// blocks, p pauses and r resets the counts, q gives the terminal back (normal screen, cursor
// shown) with the report printed; ping --watch draws its sparkline and summary. Without a
// terminal, --watch prints report lines. Every wait polls the screen with a bound; nothing is
// timed.
import test from 'ava';
import type { Lab } from '../../lib/lab/index.js';
import { findTool } from '../../lib/lab/system.js';
import { withLab } from '../helpers/lab.js';
import { rootTest } from '../helpers/privilege.js';
import { onTerminal, rawprobeArgv, type Terminal } from '../helpers/tmux.js';
import { toolTest } from '../helpers/tools.js';
import { trace, unlimited } from './trace-common.js';

const rootOnly = rootTest();
const withTmux = toolTest(['tmux'], rootOnly);
const CHAIN3 = ['r1', 'r2', 'r3', 'h2'];
void test;

/** `rawprobe ...args` on a 120 x 32 terminal, inside the lab's h1. */
async function inLab(t: import('ava').ExecutionContext, lab: Lab, ...args: string[]): Promise<Terminal> {
  const ip = (await findTool('ip')) ?? 'ip';
  return onTerminal(t, [ip, 'netns', 'exec', lab.namespace('h1'), ...rawprobeArgv(...args)], { width: 120, height: 32 });
}

/** The screen once `test` holds. */
async function when(term: Terminal, test: (screen: string) => boolean, what: string): Promise<string> {
  await term.until((s) => test(s), what);
  return term.screen();
}

/** Rows of the live table: " 2. 198.51.100.2   0.0%   10 ..." as [ttl, address, Snt]. */
function liveRows(screen: string): [number, string, number][] {
  return screen.split('\n').flatMap((l) => {
    const m = /^ +(\d+)\. (\S+) +[\d.]+% +(\d+) /.exec(l);
    return m === null ? [] : [[Number(m[1]), m[2]!, Number(m[3])] as [number, string, number]];
  });
}

withTmux('trace --watch -c 10: the hops and their counts on the screen, d the history, q gives the terminal back with the report', async (t) => {
  const lab = await withLab(t, 'chain3', { nodes: unlimited(CHAIN3) });
  const h2 = lab.address('h2');
  const path = lab.path('h1', 'h2').hops.map((h) => h.address!);
  const term = await inLab(t, lab, 'trace', '-n', '--watch', '-c', '10', '--interval', '0.05', '-w', '5,30,30', h2);
  const done = await when(term, (s) => s.includes('10 rounds: done, q to quit'), 'the end of 10 rounds');
  t.true(done.startsWith(`rawprobe trace to ${h2} (${h2})`), done);
  t.deepEqual(liveRows(done), path.map((a, i) => [i + 1, a, 10]));
  t.is(term.flag('alternate_on'), '1', 'drawn on the alternate screen');
  t.is(term.flag('cursor_flag'), '0', 'the cursor hidden');
  term.keys('d');
  const history = await when(term, (s) => s.includes('Round trips, newest on the right'), 'the history display');
  const bars = history.split('\n').filter((l) => /^ +\d+\. /.test(l)).map((l) => l.trim().split(/\s+/).at(-1)!);
  t.deepEqual(bars.map((b) => [...b].length), [10, 10, 10, 10]);
  t.true(bars.every((b) => /^[▁▂▃▄▅▆▇█]+$/.test(b)), bars.join('\n'));
  term.keys('q');
  const end = await term.done;
  t.is(end.code, 0);
  t.is(term.flag('alternate_on'), '0', 'the normal screen back');
  t.is(term.flag('cursor_flag'), '1', 'the cursor shown');
  const lines = end.screen.split('\n');
  t.false(end.screen.includes('Keys: q quit'), 'the live view is gone from the screen');
  const start = lines.findIndex((l) => l.startsWith('Start: '));
  t.true(start >= 0, end.screen);
  t.deepEqual(lines.slice(start + 2, start + 6).map((l) => l.split(/\s+/).slice(1, 5)), path.map((a, i) => [`${i + 1}.|--`, a, '0.0%', '10']));
});

withTmux('trace --watch: p stops the rounds and starts them again, r starts the counts again, Ctrl-C quits like q', async (t) => {
  const lab = await withLab(t, 'chain3', { nodes: unlimited(CHAIN3) });
  const term = await inLab(t, lab, 'trace', '-n', '--watch', '--interval', '0.05', '-w', '5,30,30', lab.address('h2'));
  await term.until((s) => liveRows(s).some(([, , snt]) => snt >= 5), 'five rounds');
  term.keys('p');
  await term.until((s) => s.includes('[paused]'), 'paused');
  await new Promise((resolve) => setTimeout(resolve, 300));
  const a = liveRows(term.screen());
  await new Promise((resolve) => setTimeout(resolve, 500));
  t.deepEqual(liveRows(term.screen()), a, 'no rounds while paused');
  term.keys('r');
  const reset = await when(term, (s) => liveRows(s).length > 0 && liveRows(s).every(([, , snt]) => snt === 0), 'counts back to 0');
  t.true(reset.includes('[paused]'));
  term.keys('p');
  await term.until((s) => !s.includes('[paused]') && liveRows(s).every(([, , snt]) => snt >= 3), 'rounds again');
  term.keys('C-c');
  const end = await term.done;
  t.is(end.code, 0);
  t.is(term.flag('alternate_on'), '0');
  t.is(term.flag('cursor_flag'), '1');
});

withTmux('ping --watch: the round trips as blocks, the running summary; q, then iputils\' summary', async (t) => {
  const lab = await withLab(t, 'chain3', { nodes: unlimited(CHAIN3) });
  const h2 = lab.address('h2');
  const term = await inLab(t, lab, 'ping', '--watch', '-c', '20', '-i', '0.05', h2);
  const done = await when(term, (s) => s.includes('done, q to quit'), 'the end of 20 probes');
  const lines = done.split('\n');
  t.true(lines[0]!.startsWith(`PING ${h2} (${h2}) 56(84) bytes of data.`));
  t.regex(lines[3]!, /^[▁▂▃▄▅▆▇█]{20}$/);
  t.regex(lines[5]!, new RegExp(`^64 bytes from ${h2.replace(/\./g, '\\.')}: icmp_seq=20 ttl=61 time=`));
  t.regex(lines[6]!, /^20 sent, 20 received, 0% loss, rtt min\/avg\/max\/mdev = [\d.]+\/[\d.]+\/[\d.]+\/[\d.]+ ms$/);
  term.keys('q');
  const end = await term.done;
  t.is(end.code, 0);
  t.regex(end.screen, /20 packets transmitted, 20 received, 0% packet loss/);
  t.is(term.flag('alternate_on'), '0');
});

rootOnly('trace --watch without a terminal: the report after every round', async (t) => {
  const lab = await withLab(t, 'chain3', { nodes: unlimited(CHAIN3) });
  const h2 = lab.address('h2');
  const r = await trace(lab, ['-n', '--watch', '-c', '3', '--interval', '0.05', h2]);
  t.is(r.code, 0, r.stderr);
  const blocks = r.stdout.trimEnd().split('\n\n');
  t.is(blocks.length, 3);
  blocks.forEach((b, i) => {
    t.regex(b, /^Start: /);
    t.regex(b, new RegExp(`^ {2}4\\.\\|-- ${h2.replace(/\./g, '\\.')} +0\\.0% +${i + 1} `, 'm'));
  });
});
