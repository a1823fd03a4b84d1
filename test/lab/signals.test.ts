// `lab exec` and `lab up` under signals, as a user in a terminal sees them (issue 18):
// - lab exec passes SIGINT, SIGTERM and SIGHUP on to its command exactly once, whether the signal
//   was sent to lab exec alone or to the whole process group (Ctrl-C in a terminal), waits for it,
//   and exits with its code; a command that does not exist is 127, as in a shell.
// - Ctrl-C (or SIGTERM) during lab up removes every namespace it had made.
// Needs root. Signals go to processes these tests started, never anywhere else.
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ExecutionContext } from 'ava';
import { rootTest } from '../helpers/privilege.js';
import { uniqueLabName, withLab } from '../helpers/lab.js';
import type { Lab } from '../../lib/lab/index.js';
import { labDown } from '../../lib/lab/index.js';
import { listNamespaces, run } from '../../lib/lab/system.js';
import { MAIN, ROOT } from '../helpers/cli.js';

const test = rootTest();

/** A rawprobe run we signal: its output so far, and its end. */
interface Running {
  child: ChildProcess;
  stdout(): string;
  stderr(): string;
  /** Resolves with the exit code (or 'killed:SIG') once the process has exited. */
  exited: Promise<number | string>;
  /** Resolves once stdout holds `text`; rejects if the process ends first. */
  waitFor(text: string): Promise<void>;
}

/** Starts `rawprobe ...args`; `group`: in a process group of its own, to signal it as a terminal does. */
function start(t: ExecutionContext, args: string[], options: { group?: boolean; env?: NodeJS.ProcessEnv } = {}): Running {
  const child = spawn(process.execPath, [MAIN, ...args], {
    cwd: ROOT,
    env: options.env ?? process.env,
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: options.group === true,
  });
  let out = '';
  let err = '';
  const waiters: (() => void)[] = [];
  child.stdout!.setEncoding('utf8').on('data', (d: string) => {
    out += d;
    for (const w of waiters) w();
  });
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (err += d));
  const closed = new Promise<number | string>((resolve) => child.on('close', (code, signal) => resolve(code ?? `killed:${String(signal)}`)));
  // A safety limit for a broken run, never an assertion on time.
  const limit = setTimeout(() => killGroup(child, options.group === true), 60_000);
  const exited = closed.finally(() => clearTimeout(limit));
  t.teardown(() => killGroup(child, options.group === true));
  return {
    child,
    stdout: () => out,
    stderr: () => err,
    exited,
    waitFor: (text) =>
      new Promise<void>((resolve, reject) => {
        const check = (): void => {
          if (out.includes(text)) resolve();
        };
        waiters.push(check);
        check();
        void closed.then(() => reject(new Error(`ended before printing "${text}"; stdout: ${out}; stderr: ${err}`)));
      }),
  };
}

function killGroup(child: ChildProcess, group: boolean): void {
  if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
  try {
    process.kill(group ? -child.pid : child.pid, 'SIGKILL');
  } catch {
    // already gone
  }
}

/** The witness processes (a `cat`) among the children of `pid`. */
function witnessesOf(pid: number): number[] {
  let children: number[];
  try {
    children = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').split(' ').filter((p) => p !== '').map(Number);
  } catch {
    return [];
  }
  return children.filter((child) => {
    try {
      return readFileSync(`/proc/${child}/comm`, 'utf8').trim() === 'cat';
    } catch {
      return false;
    }
  });
}

/** Resolves once `done()` holds, looking every 10 ms; rejects after 20 s. */
async function until(done: () => boolean, what: string): Promise<void> {
  for (let waited = 0; !done(); waited += 10) {
    if (waited > 20_000) throw new Error(`waited 20 s for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** A small lab for exec: two hosts on one link. */
function twoHosts(t: ExecutionContext): Promise<Lab> {
  return withLab(t, { name: 'sig', nodes: { h1: { role: 'host' }, h2: { role: 'host' } }, links: [{ between: ['h1', 'h2'] }] });
}

/**
 * A command that counts the SIGINTs delivered to it: it prints "ready", and once it has had
 * `expected` of them it goes on for a second (so that an extra copy of the signal would be
 * counted), then prints "count N" and exits 0. Node runs a handler once per delivery (a shell's
 * trap may merge two that arrive close together). Without the signals it gives up after 60 s, exit 9.
 */
function countSigint(expected = 1): string[] {
  return [
    process.execPath,
    '-e',
    `let n = 0;
     process.on('SIGINT', () => {
       n += 1;
       console.log('INT ' + n);
       if (n === ${expected}) setTimeout(() => { console.log('count ' + n); process.exit(0); }, 1000);
     });
     setTimeout(() => process.exit(9), 60000);
     console.log('ready ' + process.pid);`,
  ];
}

/**
 * Whether the process is still there (a zombie counts: nobody waited for it). The command prints
 * its own pid: other tests' `lab show` may enter the same node's namespace for a moment, so "the
 * namespace is empty" would not be a fair question.
 */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** The pid the command printed after "ready ". */
function readyPid(stdout: string): number {
  const m = /^ready (\d+)\n/.exec(stdout);
  if (m === null) throw new Error(`no "ready PID" line in: ${stdout}`);
  return Number(m[1]);
}

test('lab exec: SIGINT to lab exec alone reaches the command once; lab exec waits and exits with its code', async (t) => {
  const lab = await twoHosts(t);
  const r = start(t, ['lab', 'exec', `${lab.name}.h1`, '--', ...countSigint()]);
  await r.waitFor('ready ');
  r.child.kill('SIGINT');
  t.is(await r.exited, 0, r.stderr());
  t.regex(r.stdout(), /^ready \d+\nINT 1\ncount 1\n$/);
  t.false(alive(readyPid(r.stdout())), 'the command has ended once lab exec has returned');
});

test('lab exec: Ctrl-C (SIGINT to the whole process group) reaches the command once, and a clean exit stays 0', async (t) => {
  const lab = await twoHosts(t);
  const r = start(t, ['lab', 'exec', `${lab.name}.h1`, '--', ...countSigint()], { group: true });
  await r.waitFor('ready ');
  process.kill(-r.child.pid!, 'SIGINT');
  t.is(await r.exited, 0, r.stderr());
  t.regex(r.stdout(), /^ready \d+\nINT 1\ncount 1\n$/);
  // And a second Ctrl-C is judged the same way as the first.
  const again = start(t, ['lab', 'exec', `${lab.name}.h1`, '--', ...countSigint(2)], { group: true });
  await again.waitFor('ready ');
  const firstWitnesses = witnessesOf(again.child.pid!);
  process.kill(-again.child.pid!, 'SIGINT');
  await again.waitFor('INT 1\n');
  // lab exec tells a group's signal by its witness (lib/lab/foreground.ts), renewed once it has
  // taken in the first Ctrl-C; a second one before that would be judged against the old witness.
  // A person's two Ctrl-Cs are that far apart; a loaded machine can make a script's closer.
  await until(() => witnessesOf(again.child.pid!).some((pid) => !firstWitnesses.includes(pid)), 'lab exec to take in the first Ctrl-C');
  process.kill(-again.child.pid!, 'SIGINT');
  t.is(await again.exited, 0, again.stderr());
  t.regex(again.stdout(), /^ready \d+\nINT 1\nINT 2\ncount 2\n$/);
});

test('lab exec: iputils ping stopped by SIGINT prints its statistics before lab exec returns, exit 0', async (t) => {
  const lab = await twoHosts(t);
  const r = start(t, ['lab', 'exec', `${lab.name}.h1`, '--', 'ping', '-i', '0.2', '-W', '2', lab.address('h2')]);
  await r.waitFor('icmp_seq=2 ');
  r.child.kill('SIGINT');
  t.is(await r.exited, 0, r.stderr());
  t.regex(r.stdout(), /--- [0-9.]+ ping statistics ---\n\d+ packets transmitted, \d+ received, 0% packet loss/);
});

test('lab exec: SIGTERM and SIGHUP are passed on; a command they kill gives 128 + n (143, 129)', async (t) => {
  const lab = await twoHosts(t);
  for (const [signal, code] of [['SIGTERM', 143], ['SIGHUP', 129]] as const) {
    const r = start(t, ['lab', 'exec', `${lab.name}.h1`, '--', 'sh', '-c', 'echo ready $$; exec sleep 60']);
    await r.waitFor('ready ');
    r.child.kill(signal);
    t.is(await r.exited, code, `${signal}: ${r.stderr()}`);
    t.is(r.stderr(), '');
    t.false(alive(readyPid(r.stdout())), `${signal}: the command is gone too`);
  }
});

test('lab exec: a command that does not exist is 127, one that cannot be executed 126, each one line', async (t) => {
  const lab = await twoHosts(t);
  const missing = start(t, ['lab', 'exec', `${lab.name}.h1`, '--', 'rawprobe-no-such-command', '-x']);
  t.is(await missing.exited, 127);
  t.is(missing.stderr(), `rawprobe: lab ${lab.name}: run in a node failed: rawprobe-no-such-command: command not found\n`);
  const notExecutable = start(t, ['lab', 'exec', `${lab.name}.h1`, '--', join(ROOT, 'package.json')]);
  t.is(await notExecutable.exited, 126);
  t.regex(notExecutable.stderr(), /^rawprobe: lab .*: run in a node failed: .*package\.json: permission denied \(not an executable file\)\n$/);
  const code = start(t, ['lab', 'exec', `${lab.name}.h1`, '--', 'sh', '-c', 'exit 5']);
  t.is(await code.exited, 5, 'any other code is the command\'s own');
});

/**
 * A lab of 26 nodes whose last link drops packets, so that `up` runs nft on its ends, and an
 * `nft` first in PATH that says "ready" and then hangs: an up interrupted at a known point, after
 * every namespace and link exists and while the nodes are being configured.
 */
function bigLabWithHangingNft(t: ExecutionContext, name: string): { file: string; env: NodeJS.ProcessEnv; ready: string } {
  const dir = mkdtempSync(join(tmpdir(), 'rawprobe-lab-signals-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const nodes: Record<string, { role: string }> = { h1: { role: 'host' } };
  const links: { between: [string, string]; loss?: number }[] = [];
  let previous = 'h1';
  for (let i = 1; i <= 24; i += 1) {
    nodes[`r${i}`] = { role: 'router' };
    links.push({ between: [previous, `r${i}`] });
    previous = `r${i}`;
  }
  nodes['h2'] = { role: 'host' };
  links.push({ between: [previous, 'h2'], loss: 1 });
  const file = join(dir, 'big.json');
  writeFileSync(file, JSON.stringify({ name, nodes, links }));
  const ready = join(dir, 'nft-started');
  const nft = join(dir, 'nft');
  writeFileSync(nft, `#!/bin/sh\n: > '${ready}'\nexec sleep 60\n`);
  chmodSync(nft, 0o755);
  return { file, env: { ...process.env, PATH: `${dir}:${process.env['PATH'] ?? ''}` }, ready };
}

async function waitForFile(path: string): Promise<void> {
  for (let i = 0; i < 600 && !existsSync(path); i += 1) await new Promise((r) => setTimeout(r, 50));
  if (!existsSync(path)) throw new Error(`${path} never appeared`);
}

for (const [how, signal, code] of [
  ['SIGINT to lab up alone', 'SIGINT', 130],
  ['SIGTERM to lab up alone', 'SIGTERM', 143],
  ['Ctrl-C (SIGINT to the process group)', 'SIGINT', 130],
] as const) {
  test(`lab up interrupted half-way by ${how}: every namespace removed, lab show does not list it, exit ${code}`, async (t) => {
    const name = uniqueLabName('intr');
    const { file, env, ready } = bigLabWithHangingNft(t, name);
    t.teardown(async () => {
      await labDown(name);
    });
    const group = how.startsWith('Ctrl-C');
    const up = start(t, ['lab', 'up', file], { group, env });
    await waitForFile(ready);
    t.is((await listNamespaces()).filter((ns) => ns.startsWith(`${name}.`)).length, 26, 'interrupted after every namespace was made');
    process.kill(group ? -up.child.pid! : up.child.pid!, signal);
    t.is(await up.exited, code);
    t.is(up.stderr(), `rawprobe: lab ${name}: up interrupted by ${signal}; removed the 26 namespaces it had made\n`);
    t.deepEqual((await run('ip', ['netns', 'list'])).stdout.split('\n').filter((l) => l.startsWith(`${name}.`)), []);
    const show = start(t, ['lab', 'show']);
    await show.exited;
    t.false(show.stdout().includes(`lab ${name} `), 'lab show does not list it');
    const showName = start(t, ['lab', 'show', name]);
    t.is(await showName.exited, 2);
    t.regex(showName.stderr(), new RegExp(`no lab named "${name}" is up`));
  });
}
