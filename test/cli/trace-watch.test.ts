// The live views in a real terminal (tmux: send-keys, capture-pane, its pane flags), inside a
// lab: trace --watch draws the hops and their counts, d switches to each hop's round trips as
// blocks, p pauses and r resets the counts, q gives the terminal back (normal screen, cursor
// shown) with the report printed; ping --watch draws its sparkline and summary. Without a
// terminal, --watch prints report lines. Every wait polls the screen with a bound; nothing is
// timed.
import test, { type ExecutionContext } from 'ava';
import type { Lab } from '../../lib/lab/index.js';
import { findTool } from '../../lib/lab/system.js';
import { MAIN, runCommand } from '../helpers/cli.js';
import { withLab } from '../helpers/lab.js';
import { rootTest } from '../helpers/privilege.js';
import { toolTest } from '../helpers/tools.js';
import { trace, unlimited } from './trace-common.js';

const rootOnly = rootTest();
const withTmux = toolTest(['tmux'], rootOnly);
const CHAIN3 = ['r1', 'r2', 'r3', 'h2'];
void test;

let sessions = 0;

/** A tmux session 120 x 32 running a plain bash, killed when the test ends. */
async function terminal(t: ExecutionContext): Promise<{ keys: (...keys: string[]) => Promise<void>; screen: () => Promise<string>; flag: (name: string) => Promise<string> }> {
  const name = `rpw${process.pid}-${++sessions}`;
  const tmux = async (...args: string[]): Promise<string> => {
    const r = await runCommand(['tmux', ...args]);
    if (r.code !== 0) throw new Error(`tmux ${args.join(' ')}: ${r.stderr}`);
    return r.stdout;
  };
  await tmux('new-session', '-d', '-s', name, '-x', '120', '-y', '32', 'bash --norc --noprofile');
  t.teardown(async () => {
    await runCommand(['tmux', 'kill-session', '-t', name]);
  });
  return {
    keys: async (...keys) => void (await tmux('send-keys', '-t', name, ...keys)),
    screen: () => tmux('capture-pane', '-p', '-t', name),
    flag: async (flag) => (await tmux('display-message', '-p', '-t', name, `#{${flag}}`)).trim(),
  };
}

/** Polls the screen until `test` holds (at most 30 s); the screen then. */
async function until(screen: () => Promise<string>, test: (s: string) => boolean, what: string): Promise<string> {
  let last = '';
  for (let i = 0; i < 300; i++) {
    last = await screen();
    if (test(last)) return last;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`the screen never showed ${what}; it shows:\n${last}`);
}

/** The command line that runs our CLI inside the lab node (as a shell in tmux types it). */
async function inLab(lab: Lab, args: string): Promise<string> {
  const ip = (await findTool('ip')) ?? 'ip';
  return `${ip} netns exec ${lab.namespace('h1')} ${process.execPath} ${MAIN} ${args}`;
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
  const term = await terminal(t);
  await term.keys(`echo BEFORE; ${await inLab(lab, `trace -n --watch -c 10 -i 0.05 -w 5,30,30 ${h2}`)}; echo AFTER=$?`, 'Enter');
  const done = await until(term.screen, (s) => s.includes('10 rounds: done, q to quit'), 'the end of 10 rounds');
  t.true(done.startsWith(`rawprobe trace to ${h2} (${h2})`), done);
  t.deepEqual(liveRows(done), path.map((a, i) => [i + 1, a, 10]));
  t.is(await term.flag('alternate_on'), '1', 'drawn on the alternate screen');
  t.is(await term.flag('cursor_flag'), '0', 'the cursor hidden');
  await term.keys('d');
  const history = await until(term.screen, (s) => s.includes('Round trips, newest on the right'), 'the history display');
  const bars = history.split('\n').filter((l) => /^ +\d+\. /.test(l)).map((l) => l.trim().split(/\s+/).at(-1)!);
  t.deepEqual(bars.map((b) => [...b].length), [10, 10, 10, 10]);
  t.true(bars.every((b) => /^[▁▂▃▄▅▆▇█]+$/.test(b)), bars.join('\n'));
  await term.keys('q');
  const after = await until(term.screen, (s) => /AFTER=\d/.test(s), 'the shell again');
  t.regex(after, /AFTER=0/);
  t.is(await term.flag('alternate_on'), '0', 'the normal screen back');
  t.is(await term.flag('cursor_flag'), '1', 'the cursor shown');
  const lines = after.split('\n');
  const before = lines.indexOf('BEFORE');
  t.true(before >= 0, 'what was on the terminal is still there');
  t.regex(lines[before + 1]!, /^Start: /);
  t.deepEqual(lines.slice(before + 3, before + 7).map((l) => l.split(/\s+/).slice(1, 4)), path.map((a, i) => [`${i + 1}.|--`, a, '0.0%']));
});

withTmux('trace --watch: p stops the rounds and starts them again, r starts the counts again, Ctrl-C quits like q', async (t) => {
  const lab = await withLab(t, 'chain3', { nodes: unlimited(CHAIN3) });
  const h2 = lab.address('h2');
  const term = await terminal(t);
  await term.keys(`${await inLab(lab, `trace -n --watch -i 0.05 -w 5,30,30 ${h2}`)}; echo AFTER=$?`, 'Enter');
  await until(term.screen, (s) => liveRows(s).some(([, , snt]) => snt >= 5), 'five rounds');
  await term.keys('p');
  await until(term.screen, (s) => s.includes('[paused]'), 'paused');
  await new Promise((resolve) => setTimeout(resolve, 300));
  const a = liveRows(await term.screen());
  await new Promise((resolve) => setTimeout(resolve, 500));
  t.deepEqual(liveRows(await term.screen()), a, 'no rounds while paused');
  await term.keys('r');
  const reset = await until(term.screen, (s) => liveRows(s).length > 0 && liveRows(s).every(([, , snt]) => snt === 0), 'counts back to 0');
  t.true(reset.includes('[paused]'));
  await term.keys('p');
  await until(term.screen, (s) => !s.includes('[paused]') && liveRows(s).every(([, , snt]) => snt >= 3), 'rounds again');
  await term.keys('C-c');
  await until(term.screen, (s) => /AFTER=\d/.test(s), 'the shell again');
  t.regex(await term.screen(), /AFTER=0/);
  t.is(await term.flag('alternate_on'), '0');
  t.is(await term.flag('cursor_flag'), '1');
});

withTmux('ping --watch: the round trips as blocks, the running summary; q, then iputils\' summary', async (t) => {
  const lab = await withLab(t, 'chain3', { nodes: unlimited(CHAIN3) });
  const h2 = lab.address('h2');
  const term = await terminal(t);
  await term.keys(`${await inLab(lab, `ping --watch -c 20 -i 0.05 ${h2}`)}; echo AFTER=$?`, 'Enter');
  const done = await until(term.screen, (s) => s.includes('done, q to quit'), 'the end of 20 probes');
  const lines = done.split('\n');
  t.true(lines[0]!.startsWith(`PING ${h2} (${h2}) 56(84) bytes of data.`));
  t.regex(lines[3]!, /^[▁▂▃▄▅▆▇█]{20}$/);
  t.regex(lines[5]!, new RegExp(`^64 bytes from ${h2.replace(/\./g, '\\.')}: icmp_seq=20 ttl=61 time=`));
  t.regex(lines[6]!, /^20 sent, 20 received, 0% loss, rtt min\/avg\/max\/mdev = [\d.]+\/[\d.]+\/[\d.]+\/[\d.]+ ms$/);
  await term.keys('q');
  const after = await until(term.screen, (s) => /AFTER=\d/.test(s), 'the shell again');
  t.regex(after, /20 packets transmitted, 20 received, 0% packet loss/);
  t.regex(after, /AFTER=0/);
  t.is(await term.flag('alternate_on'), '0');
});

rootOnly('trace --watch without a terminal: the report after every round', async (t) => {
  const lab = await withLab(t, 'chain3', { nodes: unlimited(CHAIN3) });
  const h2 = lab.address('h2');
  const r = await trace(lab, ['-n', '--watch', '-c', '3', '-i', '0.05', h2]);
  t.is(r.code, 0, r.stderr);
  const blocks = r.stdout.trimEnd().split('\n\n');
  t.is(blocks.length, 3);
  blocks.forEach((b, i) => {
    t.regex(b, /^Start: /);
    t.regex(b, new RegExp(`^ {2}4\\.\\|-- ${h2.replace(/\./g, '\\.')} +0\\.0% +${i + 1} `, 'm'));
  });
});
