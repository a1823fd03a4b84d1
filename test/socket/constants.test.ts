// The constants come from the system headers through the addon; these tests check that the
// TypeScript name list and the addon agree, and compare the numbers with two independent
// sources on this machine: Node's os.constants.errno and Python's socket module.
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, writeFileSync } from 'node:fs';
import { constants as osConstants } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

import test from 'ava';

import { addon } from '../../lib/socket/addon.js';
import { CONSTANT_NAMES, constants } from '../../lib/socket/index.js';
import { tempDir } from '../helpers/tmp.js';
import { toolTest } from '../helpers/tools.js';

test('the TypeScript name list and the addon export the same constants', (t) => {
  t.deepEqual([...CONSTANT_NAMES].sort(), Object.keys(addon().constants).sort());
  for (const name of CONSTANT_NAMES) t.true(Number.isInteger(constants[name]), name);
  t.true(Object.isFrozen(constants));
});

test('errno values match Node’s own os.constants.errno', (t) => {
  const errno = osConstants.errno as Record<string, number>;
  let compared = 0;
  for (const name of CONSTANT_NAMES) {
    if (/^E[A-Z]+$/.test(name) && errno[name] !== undefined) {
      t.is(constants[name], errno[name], name);
      compared++;
    }
  }
  t.true(compared >= 30, `${compared} errno values compared`);
});

toolTest(['python3'])('socket constants match Python’s socket module where it has them', (t) => {
  const names = CONSTANT_NAMES.filter((n) => /^(AF|SOCK|IPPROTO|SOL|SO|IP|IPV6|TCP|MSG)_/.test(n));
  const script = `import json, socket\nprint(json.dumps({n: getattr(socket, n) for n in ${JSON.stringify(names)} if hasattr(socket, n)}))`;
  const python = JSON.parse(execFileSync('python3', ['-c', script], { encoding: 'utf8' })) as Record<string, number>;
  const compared = Object.keys(python);
  for (const name of compared) t.is(constants[name as keyof typeof constants], python[name] as number, name);
  t.true(compared.length >= 40, `${compared.length} constants compared`);
});

test('the batch layout and event numbers agree with the addon', (t) => {
  t.like(addon().batchLayout, { stride: 13, timestamp: 3, hwTimestamp: 12, eventBatch: 0, txStride: 4, txKey: 0 });
});

/** A copy of dist/lib/socket in a package of its own (package.json, binding.gyp) under `root`: its addon.js. */
function packageCopy(root: string): string {
  const to = join(root, 'dist', 'lib', 'socket');
  cpSync(fileURLToPath(new URL('../../lib/socket/', import.meta.url)), to, { recursive: true });
  cpSync(fileURLToPath(new URL('../../lib/package-root.js', import.meta.url)), join(root, 'dist', 'lib', 'package-root.js'));
  writeFileSync(join(root, 'package.json'), '{"name":"rawprobe","type":"module"}\n');
  writeFileSync(join(root, 'binding.gyp'), '{}\n');
  return join(to, 'addon.js');
}

/** addon()'s outcome in a package copy under `root` (packageCopy). */
function addonOutcomeIn(root: string): { code: string; message: string } {
  const script = `
    import { addon } from ${JSON.stringify(pathToFileURL(packageCopy(root)).href)};
    try { addon(); console.log('loaded'); } catch (e) { console.log(JSON.stringify({ code: e.code, message: e.message })); }
  `;
  return JSON.parse(execFileSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' })) as { code: string; message: string };
}

test('a damaged build/Release/rawprobe.node is one line that names it and says to rebuild', (t) => {
  const root = tempDir(t, 'damaged');
  mkdirSync(join(root, 'build', 'Release'), { recursive: true });
  writeFileSync(join(root, 'build', 'Release', 'rawprobe.node'), 'not a shared object\n');
  const out = addonOutcomeIn(root);
  t.is(out.code, 'ERR_ADDON_LOAD');
  t.regex(out.message, /^the rawprobe addon at \S+rawprobe\.node did not load \(.+\): rebuild it with npm run build$/);
  t.false(out.message.includes('\n'), 'one line');
});

// Each bundle of dist/app carries its own copy of addon.ts; like require(), the process loads the
// addon once, whichever copy asks first.
test('two copies of the addon module in one process share one loaded addon', (t) => {
  const built = fileURLToPath(new URL('../../../build/Release/rawprobe.node', import.meta.url));
  const copies = ['one', 'two'].map((name) => {
    const root = tempDir(t, `copy-${name}`);
    mkdirSync(join(root, 'build', 'Release'), { recursive: true });
    cpSync(built, join(root, 'build', 'Release', 'rawprobe.node'));
    return pathToFileURL(packageCopy(root)).href;
  });
  const script = `
    const [a, b] = await Promise.all(${JSON.stringify(copies)}.map((u) => import(u)));
    console.log(JSON.stringify({ same: a.addon() === b.addon(), socket: typeof a.addon().Socket }));
  `;
  const out = JSON.parse(execFileSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' })) as { same: boolean; socket: string };
  t.deepEqual(out, { same: true, socket: 'function' });
});

test('without build/Release/rawprobe.node the error says how to build it', (t) => {
  // A package that was never built.
  const root = tempDir(t, 'nobuild');
  const out = addonOutcomeIn(root);
  t.is(out.code, 'ERR_ADDON_NOT_BUILT');
  t.regex(out.message, /^the rawprobe addon is not built: run npm ci or npm run build/);
  t.true(out.message.includes(join(root, 'build', 'Release', 'rawprobe.node')), 'it names the path it looked for, in the package root');
});
