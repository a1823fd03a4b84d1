// Nothing is left behind: after `down`, after an `up` that fails half-way, after an `up` over a
// half-built lab, after a test that throws, after the owning process is killed. Needs root.
// Serial: some checks look at the set of namespaces between two tests.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { rootTest } from '../helpers/privilege.js';
import { toolTest } from '../helpers/tools.js';
import { labFixture, uniqueLabName, withLab } from '../helpers/lab.js';
import { LabError, labDown, labSweep, labUp, listLabs, loadLabFile, openLab, parseLabSpec } from '../../lib/lab/index.js';
import { listNamespaces, run } from '../../lib/lab/system.js';
import { readLabFixture } from '../helpers/lab.js';

const serial = rootTest().serial;
const serialFailing = rootTest().serial.failing;

async function namespacesOf(name: string): Promise<string[]> {
  return (await listNamespaces()).filter((ns) => ns.startsWith(`${name}.`));
}

/** Resolves once some process runs inside `ns` (an `ip netns exec` has entered it); bounded. */
async function waitForProcessIn(ns: string): Promise<void> {
  for (let i = 0; i < 100; i += 1) {
    if ((await run('ip', ['netns', 'pids', ns])).stdout.trim() !== '') return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`no process entered ${ns} within 5 s`);
}

serial('down removes every namespace and the record; what ran inside is killed', async (t) => {
  const name = uniqueLabName('down');
  const lab = await labUp(await loadLabFile(labFixture('chain3')), { name, temporary: true });
  try {
    t.deepEqual(await namespacesOf(name), ['h1', 'h2', 'r1', 'r2', 'r3'].map((n) => `${name}.${n}`));
    t.true((await listLabs()).includes(name));
    // One process started through the handle, one behind its back with plain `ip netns exec`.
    const mine = lab.spawn('h2', ['sleep', '60'], { stdio: 'ignore' });
    const stray = spawn('ip', ['netns', 'exec', lab.namespace('r2'), 'sleep', '60'], { stdio: 'ignore' });
    const strayExit = new Promise((resolve) => stray.on('exit', (_code, signal) => resolve(signal)));
    const mineExit = new Promise((resolve) => mine.on('exit', (_code, signal) => resolve(signal)));
    await waitForProcessIn(lab.namespace('h2'));
    await waitForProcessIn(lab.namespace('r2'));
    const result = await labDown(name);
    t.is(result.namespaces.length, 5);
    t.true(result.killed >= 1, `${result.killed} killed`);
    t.is(await strayExit, 'SIGKILL');
    await lab.down(); // idempotent, and kills what the handle spawned if still running
    t.is(await mineExit, 'SIGKILL');
    t.deepEqual(await namespacesOf(name), []);
    t.false((await listLabs()).includes(name));
    await t.throwsAsync(openLab(name), { instanceOf: LabError, message: new RegExp(`no lab named "${name}" is up`) });
  } finally {
    await labDown(name);
  }
});

serial('an up that fails half-way leaves nothing and says which step, node and command failed', async (t) => {
  const name = uniqueLabName('fail');
  // The kernel refuses a route that duplicates a connected one: caught only when configuring r2,
  // after every namespace and veth exists.
  const file = await readLabFixture('chain3', { nodes: { r2: { role: 'router', routes: [{ to: '198.51.100.0/30', via: '198.51.100.1' }] } } });
  const spec = parseLabSpec(file, { name });
  const err = await t.throwsAsync(labUp(spec, { name }), { instanceOf: LabError });
  t.is(err!.step, 'set addresses, links and routes');
  t.is(
    err!.message,
    `lab ${name}: set addresses, links and routes failed: node r2: RTNETLINK answers: File exists (in "route add 198.51.100.0/30 via 198.51.100.1 dev eth0")`,
  );
  t.deepEqual(await namespacesOf(name), []);
  t.false((await listLabs()).includes(name));
});

toolTest(['ping'], serial)('up over a half-built lab (a killed up, a stray namespace) cleans it first', async (t) => {
  const name = uniqueLabName('half');
  // What a killed `up` leaves: some namespaces, no record; plus one the plan does not have.
  const leftovers = [`${name}.h1`, `${name}.r1`, `${name}.old`];
  const made = await run('ip', ['-batch', '-'], { input: leftovers.map((ns) => `netns add ${ns}\n`).join('') });
  t.is(made.code, 0, made.stderr);
  try {
    const lab = await labUp(await loadLabFile(labFixture('chain3')), { name });
    t.deepEqual(await namespacesOf(name), lab.plan.nodes.map((n) => n.namespace).sort());
    const ping = await lab.exec('h1', ['ping', '-c', '1', '-W', '2', lab.address('h2')]);
    t.is(ping.code, 0);
  } finally {
    await labDown(name);
  }
  t.deepEqual(await namespacesOf(name), []);
});

serial('up of a lab that is fully up is refused; replace takes it down first', async (t) => {
  const name = uniqueLabName('twice');
  const spec = await loadLabFile(labFixture('lossy-dup'));
  try {
    await labUp(spec, { name, source: 'lossy-dup.json' });
    const err = await t.throwsAsync(labUp(spec, { name }), { instanceOf: LabError });
    t.is(err!.step, 'claim the name');
    t.regex(err!.message, new RegExp(`a lab named "${name}" is already up \\(since .* from lossy-dup\\.json\\); take it down first with "rawprobe lab down ${name}"`));
    t.is((await namespacesOf(name)).length, 3, 'the refusal touched nothing');
    const again = await labUp(spec, { name, replace: true });
    t.is(again.name, name);
    t.is((await namespacesOf(name)).length, 3);
  } finally {
    await labDown(name);
  }
});

let thrownLab = '';

serialFailing('a test that throws after withLab (expected to fail)', async (t) => {
  const lab = await withLab(t, 'chain3');
  thrownLab = lab.name;
  t.is((await namespacesOf(lab.name)).length, 5);
  throw new Error('deliberate failure: the teardown must still take the lab down');
});

serial('... and its lab is gone once the test has ended', async (t) => {
  t.not(thrownLab, '');
  t.deepEqual(await namespacesOf(thrownLab), []);
  t.false((await listLabs()).includes(thrownLab));
});

serial('the temporary labs of a killed process are swept', async (t) => {
  const name = uniqueLabName('killed');
  const index = fileURLToPath(new URL('../../lib/lab/index.js', import.meta.url));
  const script = `
    const { labUp, loadLabFile } = await import(${JSON.stringify(index)});
    await labUp(await loadLabFile(${JSON.stringify(labFixture('chain3'))}), { name: ${JSON.stringify(name)}, temporary: true });
    process.stdout.write('up\\n');
    setTimeout(() => {}, 60000);
  `;
  const child = spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
  try {
    await new Promise<void>((resolve, reject) => {
      child.stdout.on('data', (b: Buffer) => b.toString().includes('up') && resolve());
      child.on('exit', (code) => reject(new Error(`child exited with ${code}`)));
    });
    t.is((await namespacesOf(name)).length, 5);
    t.false((await labSweep()).includes(name), 'its owner is alive: not swept');
    const exited = new Promise((resolve) => child.on('exit', resolve));
    child.kill('SIGKILL');
    await exited;
    t.true((await labSweep()).includes(name));
    t.deepEqual(await namespacesOf(name), []);
  } finally {
    child.kill('SIGKILL');
    await labDown(name);
  }
});
