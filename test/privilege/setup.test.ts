// `rawprobe setup-privileges --group G` for real: a throwaway group, one user in it and one not,
// an installed-like copy of rawprobe (the launcher, package.json, binding.gyp, the CLI bundle and
// the addon, readable by everyone, in a folder of its own), then each user runs
// `rawprobe ping -c 1 127.0.0.1`. Needs root (users, groups, setcap). The users, the group and the
// copy are removed in the teardown, whatever happened. Only 127.0.0.1 is pinged.
import test from 'ava';
import type { ExecutionContext } from 'ava';
import { spawnSync } from 'node:child_process';
import { chmodSync, cpSync, existsSync, mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isRoot, rootTest } from '../helpers/privilege.js';
import { run } from '../../lib/lab/system.js';
import type { RunResult } from '../../lib/lab/system.js';
import { lookupGroup, parseGroupLine } from '../../lib/privilege/index.js';
import { ROOT } from '../helpers/cli.js';
import { hasTool } from '../helpers/tools.js';

const TOOLS = ['groupadd', 'useradd', 'userdel', 'groupdel', 'setcap', 'getcap', 'setpriv'];
const missing = TOOLS.filter((tool) => !hasTool(tool));
if (missing.length > 0) process.stderr.write(`rawprobe tests: skipping setup-privileges tests: ${missing.join(', ')} not in PATH\n`);
const asRoot = missing.length === 0 ? rootTest().serial : rootTest().serial.skip;

/** Whether this machine lets us mount a tmpfs (not in every container): probed once, as root only. */
function canMountTmpfs(): boolean {
  if (!isRoot || missing.length > 0) return false;
  const dir = mkdtempSync(join(tmpdir(), 'rawprobe-mount-probe-'));
  const ok = spawnSync('mount', ['-t', 'tmpfs', '-o', 'nosuid,size=1m', 'tmpfs', dir]).status === 0;
  if (ok) spawnSync('umount', [dir]);
  rmSync(dir, { recursive: true, force: true });
  return ok;
}
const mountable = canMountTmpfs();
if (isRoot && missing.length === 0 && !mountable) process.stderr.write('rawprobe tests: skipping the nosuid setup-privileges test: cannot mount a tmpfs here\n');
const asRootWithMount = mountable ? asRoot : rootTest().serial.skip;

/** A copy of rawprobe laid out as npm installs it, in a fresh folder everyone may read (under `parent`). */
function installedCopy(t: ExecutionContext, parent = tmpdir()): string {
  const dir = mkdtempSync(join(parent, 'rawprobe-setup-privileges-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  for (const file of ['package.json', 'binding.gyp', 'rawprobe']) cpSync(join(ROOT, file), join(dir, file));
  cpSync(join(ROOT, 'dist', 'app'), join(dir, 'dist', 'app'), { recursive: true });
  mkdirSync(join(dir, 'build', 'Release'), { recursive: true });
  cpSync(join(ROOT, 'build', 'Release', 'rawprobe.node'), join(dir, 'build', 'Release', 'rawprobe.node'));
  chmodSync(dir, 0o755);
  spawnSync('chmod', ['-R', 'a+rX', dir]);
  return dir;
}

interface Accounts {
  group: string;
  member: string;
  outsider: string;
}

/** A throwaway group, a user in it and a user not in it; all removed in the teardown. */
function accounts(t: ExecutionContext): Accounts {
  const tag = `${process.pid % 100000}${Math.floor(Math.random() * 1000)}`;
  const a = { group: `rpg${tag}`, member: `rpm${tag}`, outsider: `rpo${tag}` };
  t.teardown(() => {
    for (const user of [a.member, a.outsider]) spawnSync('userdel', [user], { stdio: 'ignore' });
    spawnSync('groupdel', [a.group], { stdio: 'ignore' });
  });
  const made = [
    spawnSync('groupadd', [a.group], { encoding: 'utf8' }),
    spawnSync('useradd', ['-M', '-N', '-g', 'nogroup', '-s', '/usr/sbin/nologin', '-G', a.group, a.member], { encoding: 'utf8' }),
    spawnSync('useradd', ['-M', '-N', '-g', 'nogroup', '-s', '/usr/sbin/nologin', a.outsider], { encoding: 'utf8' }),
  ];
  for (const r of made) if (r.status !== 0) throw new Error(`could not make the accounts: ${r.stderr}`);
  return a;
}

/** `rawprobe ...args` from the copy, as `user` with that user's groups (as a login gives them), no capabilities. */
function runAs(user: string | null, copy: string, args: string[]): Promise<RunResult> {
  const command = join(copy, 'rawprobe');
  if (user === null) return run(command, args, { cwd: '/', timeoutMs: 60_000 });
  return run('setpriv', [`--reuid=${user}`, '--regid=nogroup', '--init-groups', '--inh-caps=-all', command, ...args], { cwd: '/', timeoutMs: 60_000 });
}

asRoot('a member of the group pings without root; a non-member gets one line naming the fix; --undo removes it', async (t) => {
  const copy = installedCopy(t);
  const a = accounts(t);
  const privateNode = join(copy, 'libexec', 'node');

  const before = await runAs(a.member, copy, ['ping', '-c', '1', '127.0.0.1']);
  t.is(before.code, 2, 'before the setup a member has no privilege either');
  t.regex(before.stderr, /^rawprobe: [^\n]*needs CAP_NET_RAW: run as root, or let one group use it through rawprobe with `sudo rawprobe setup-privileges --group GROUP`\n$/);

  const setup = await runAs(null, copy, ['setup-privileges', '--group', a.group]);
  t.is(setup.code, 0, setup.stderr);
  t.regex(setup.stdout, new RegExp(`^installed ${privateNode}: a copy of .*node \\(v[0-9.]+\\), owner root:${a.group}, mode 0750, cap_net_raw\\+ep\n`));
  const info = statSync(privateNode);
  t.is(info.uid, 0);
  t.is(info.gid, (await lookupGroup(a.group))!.gid);
  t.is(info.mode & 0o7777, 0o750);
  t.regex((await run('getcap', [privateNode])).stdout, /cap_net_raw[=+]ep/);
  const system = (await run('getcap', [process.execPath])).stdout;
  t.notRegex(system, /cap_net_raw/, 'the node in PATH gains nothing');

  const member = await runAs(a.member, copy, ['ping', '-c', '1', '127.0.0.1']);
  t.is(member.code, 0, member.stderr);
  t.regex(member.stdout, /1 packets transmitted, 1 received, 0% packet loss/);

  const outsider = await runAs(a.outsider, copy, ['ping', '-c', '1', '127.0.0.1']);
  t.is(outsider.code, 2);
  t.is(outsider.stdout, '');
  t.is(
    outsider.stderr,
    `rawprobe: socket EPERM: opening a raw socket needs CAP_NET_RAW: here rawprobe has it for the members of group ${a.group} only (${privateNode}): ask an administrator to add you (sudo usermod -aG ${a.group} ${a.outsider}) and log in again, or run as root\n`,
  );

  const notRoot = await runAs(a.member, copy, ['setup-privileges', '--undo']);
  t.is(notRoot.code, 2);
  t.is(notRoot.stderr, 'rawprobe: setup-privileges: needs root, since it gives a copy of node cap_net_raw+ep: sudo rawprobe setup-privileges --undo\n');
  t.true(existsSync(privateNode));

  const undo = await runAs(null, copy, ['setup-privileges', '--undo']);
  t.is(undo.code, 0, undo.stderr);
  t.is(undo.stdout, `removed ${privateNode}\n`);
  t.false(existsSync(join(copy, 'libexec')));
  const after = await runAs(a.member, copy, ['ping', '-c', '1', '127.0.0.1']);
  t.is(after.code, 2, 'after --undo the member is back to no privilege');
});

asRoot('setup refuses, in one line, what would not work: no such group, not root, a folder members cannot reach', async (t) => {
  const copy = installedCopy(t);
  const a = accounts(t);
  const noGroup = await runAs(null, copy, ['setup-privileges', '--group', `${a.group}x`]);
  t.is(noGroup.code, 2);
  t.is(noGroup.stderr, `rawprobe: setup-privileges: no group named "${a.group}x": create it (sudo groupadd ${a.group}x) and add its users (sudo usermod -aG ${a.group}x USER)\n`);
  const notRoot = await runAs(a.member, copy, ['setup-privileges', '--group', a.group]);
  t.is(notRoot.code, 2);
  t.regex(notRoot.stderr, /^rawprobe: setup-privileges: needs root, since it gives a copy of node cap_net_raw\+ep: sudo rawprobe setup-privileges --group rpg\d+\n$/);
  const usage = await runAs(null, copy, ['setup-privileges']);
  t.is(usage.code, 2);
  t.is(usage.stderr, 'rawprobe: name the group with --group G (or remove the setup with --undo)\n');

  // A package folder other users cannot enter: the capability would never reach them.
  chmodSync(copy, 0o700);
  const closed = await runAs(null, copy, ['setup-privileges', '--group', a.group]);
  t.is(closed.code, 2);
  t.regex(closed.stderr, new RegExp(`^rawprobe: setup-privileges: a member of ${a.group} cannot run ${copy}/libexec/node: .*; removed ${copy}/libexec/node again\n$`));
  t.false(existsSync(join(copy, 'libexec', 'node')));
});

asRootWithMount('on a filesystem mounted nosuid the capability never arrives: setup says so and removes the copy', async (t) => {
  const mountPoint = mkdtempSync(join(tmpdir(), 'rawprobe-nosuid-'));
  const mounted = spawnSync('mount', ['-t', 'tmpfs', '-o', 'nosuid,size=256m', 'tmpfs', mountPoint], { encoding: 'utf8' });
  t.teardown(() => {
    spawnSync('umount', [mountPoint]);
    rmSync(mountPoint, { recursive: true, force: true });
  });
  t.is(mounted.status, 0, mounted.stderr);
  chmodSync(mountPoint, 0o755);
  const copy = installedCopy(t, mountPoint);
  const a = accounts(t);
  const r = await runAs(null, copy, ['setup-privileges', '--group', a.group]);
  t.is(r.code, 2);
  const node = join(copy, 'libexec', 'node');
  t.is(r.stderr, `rawprobe: setup-privileges: ${node} does not get CAP_NET_RAW when a member of ${a.group} runs it: its filesystem drops file capabilities (mounted nosuid, or without extended attributes); removed ${node} again\n`);
  t.false(existsSync(node));
});

test('group lines parse as group(5) writes them', (t) => {
  t.deepEqual(parseGroupLine('netlab:x:1005:alice,bob\n'), { name: 'netlab', gid: 1005, members: ['alice', 'bob'] });
  t.deepEqual(parseGroupLine('empty:x:7:'), { name: 'empty', gid: 7, members: [] });
  t.is(parseGroupLine('not a group line'), null);
  t.is(parseGroupLine('bad:x:gid:'), null);
});
