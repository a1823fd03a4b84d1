// Every probing command given a target it cannot probe ends at once: exit 2 and one line on
// stderr, whatever the target is (an IPv6 address, a name that does not resolve, an empty
// string) and whatever else is wrong (a source address that is not this machine's). An IPv6
// address is refused before anything else is printed. Each run happens in a network namespace of
// its own with only lo (unshare --net), so a name lookup cannot leave the machine. The time
// limit only stops a run that hangs (the bug this guards against); nothing asserts on time.
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { findTool, run, type RunResult } from '../../lib/lab/system.js';
import { rootTest } from '../helpers/privilege.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const MAIN = join(ROOT, 'dist/app/main.js');
const rootOnly = rootTest();
/** A run that has not exited by then is hung. */
const SAFETY_LIMIT_MS = 20_000;
/** Not this machine's (TEST-NET-2): only bound to, never sent to. */
const NOT_LOCAL = '198.51.100.77';

async function rawprobeIsolated(args: string[]): Promise<RunResult> {
  const ip = (await findTool('ip')) ?? '/usr/sbin/ip';
  return run('unshare', ['--net', '--', 'sh', '-c', `${ip} link set lo up && exec "$@"`, 'sh', process.execPath, MAIN, ...args], {
    cwd: ROOT,
    timeoutMs: SAFETY_LIMIT_MS,
  });
}

/** Each command, with the option that names a source address; `ipv6`: it probes IPv6 too (then -4 refuses an IPv6 address). */
const COMMANDS: { name: string; args: string[]; source: string; ipv6?: true }[] = [
  { name: 'ping', args: ['ping', '-c', '3'], source: '-I', ipv6: true },
  { name: 'trace', args: ['trace', '-n'], source: '-s', ipv6: true },
  { name: 'tos', args: ['tos', '--values', '0,EF'], source: '-s', ipv6: true },
  { name: 'sweep', args: ['sweep'], source: '-S', ipv6: true },
];

const lines = (text: string): string[] => text.split('\n').filter((l) => l !== '');

function ended(t: import('ava').ExecutionContext, r: RunResult, what: string): void {
  t.false(r.timedOut, `${what}: still running after ${SAFETY_LIMIT_MS} ms`);
  t.is(r.code, 2, `${what}: ${r.stderr}`);
  t.is(lines(r.stderr).length, 1, `${what}: one line on stderr, got ${JSON.stringify(r.stderr)}`);
}

rootOnly('an IPv6 address to an IPv4-only command, or with -4: one line saying so, before anything is printed; exit 2', async (t) => {
  for (const c of COMMANDS) {
    for (const target of ['::1', '2001:db8::6']) {
      const r = await rawprobeIsolated([...c.args, ...(c.ipv6 ? ['-4'] : []), target]);
      ended(t, r, `${c.name} ${target}`);
      t.is(r.stdout, '', `${c.name} ${target}: nothing printed before`);
      if (c.ipv6) t.is(r.stderr, `rawprobe: ${target}: Address family for hostname not supported\n`, c.name);
      else t.regex(r.stderr, /^rawprobe: \S+ is an IPv6 address: this command probes IPv4 only\n$/, c.name);
    }
  }
});

rootOnly('a name that does not resolve: one line naming it; exit 2', async (t) => {
  for (const c of COMMANDS) {
    const r = await rawprobeIsolated([...c.args, 'nonexistent.invalid']);
    ended(t, r, `${c.name} nonexistent.invalid`);
    t.regex(r.stderr, /nonexistent\.invalid: /, c.name);
  }
});

rootOnly('an empty target: one line; exit 2', async (t) => {
  for (const c of COMMANDS) {
    const r = await rawprobeIsolated([...c.args, '']);
    ended(t, r, `${c.name} ""`);
  }
});

rootOnly('a source address that is not this machine\'s: one line naming it; exit 2, nothing sent', async (t) => {
  for (const c of COMMANDS) {
    const r = await rawprobeIsolated([...c.args, c.source, NOT_LOCAL, '127.0.0.1']);
    ended(t, r, `${c.name} ${c.source} ${NOT_LOCAL}`);
    t.regex(r.stderr, new RegExp(`${NOT_LOCAL.replace(/\./g, '\\.')} is not an address of this machine`), c.name);
  }
});
