// The bench's C ceilings (bench/c/, compiled at bench time by bench/ceilings.ts): each compiles
// cleanly, so a broken one shows here and not only as a skipped row in a long benchmark run; and
// the sweep ceiling refuses a bad list before it opens a socket (no packet is sent here).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ceiling, CEILINGS } from '../../bench/ceilings.js';
import { REPO_ROOT } from '../../bench/lab.js';
import { toolPath, toolTest } from '../helpers/tools.js';

toolTest(['cc'])('every C ceiling compiles with no warning (-Wall -Wextra -Werror)', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'rawprobe-test-ceilings-'));
  try {
    for (const name of CEILINGS) {
      const r = spawnSync(toolPath('cc')!, ['-O2', '-Wall', '-Wextra', '-Werror', '-pthread', '-o', join(dir, name), join(REPO_ROOT, 'bench', 'c', `${name}.c`)], { encoding: 'utf8' });
      t.is(r.status, 0, `${name}.c: ${r.stderr}`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

toolTest(['cc'])('sweep6-ceiling refuses a list with a line that is no IPv6 address, and a missing one, with exit 2', async (t) => {
  const build = await ceiling('sweep6-ceiling');
  t.is(build.problem, null);
  const dir = mkdtempSync(join(tmpdir(), 'rawprobe-test-sweep6-'));
  try {
    const list = join(dir, 'list.txt');
    writeFileSync(list, '2001:db8::1\n198.51.100.1\n');
    const bad = spawnSync(build.path!, [list, '2001:db8::2'], { encoding: 'utf8' });
    t.is(bad.status, 2);
    t.is(bad.stdout, '');
    t.is(bad.stderr, `${list}: not an IPv6 address: 198.51.100.1\n`);
    const missing = spawnSync(build.path!, [join(dir, 'none.txt'), '2001:db8::2'], { encoding: 'utf8' });
    t.is(missing.status, 2);
    t.regex(missing.stderr, /none\.txt: No such file or directory/);
    const usage = spawnSync(build.path!, [list], { encoding: 'utf8' });
    t.is(usage.status, 2);
    t.regex(usage.stderr, /^usage: sweep6-ceiling LIST SOURCE/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
