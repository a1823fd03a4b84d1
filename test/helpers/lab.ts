// Labs for tests: `const lab = await withLab(t, 'chain3')` brings the fixture up under a name
// unique to this worker and test, and registers its teardown with ava, so the lab is taken down
// when the test ends, passes, fails or throws. Use it inside rootTest() tests.
//
//   const lab = await withLab(t, 'chain3', { nodes: { r2: { icmpRatelimit: false } } });
//   const r = await lab.exec('h1', ['ping', '-c', '1', lab.address('h2')]);
//   const path = lab.path('h1', 'h2');   // the routers traceroute must list, with addresses
//
// A worker killed outright (no teardown) leaves a record; the next withLab() in any worker sweeps
// it (labSweep: temporary labs whose process is gone).
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import type { ExecutionContext } from 'ava';
import { labSweep, labUp, parseLabSpec } from '../../lib/lab/index.js';
import type { Lab, LabFile, LabLinkInit, LabNodeInit } from '../../lib/lab/index.js';
import type { RunResult } from '../../lib/lab/system.js';

/** fixtures/labs/, from dist/test/helpers/ (compiled) or test/helpers/. */
export const LAB_FIXTURES = fileURLToPath(new URL('../../../fixtures/labs/', import.meta.url));

/** The path of a fixture lab file: `labFixture('chain3')`. */
export function labFixture(name: string): string {
  return name.includes('/') ? name : `${LAB_FIXTURES}${name}.json`;
}

export interface WithLabOptions {
  /** Fields merged into the file's nodes: `{ r2: { silent: true } }`. */
  nodes?: Record<string, Partial<LabNodeInit>>;
  /** Fields merged into the file's links, by index: `{ 1: { mtu: 1280 } }`. */
  links?: Record<number, Partial<LabLinkInit>>;
  /** Turn IPv6 on or off for the whole lab. */
  ipv6?: boolean;
  /** Any other change, applied last to the parsed file. */
  edit?: (file: LabFile) => LabFile | void;
}

let counter = 0;
let swept = false;

/** A lab name no other worker or test of this run uses: `rp<pid>-<n>-<fixture>`, at most 32 chars. */
export function uniqueLabName(tag = 'lab'): string {
  counter += 1;
  const base = `rp${process.pid}-${counter}`;
  const cleanTag = tag.replace(/[^A-Za-z0-9_-]/g, '');
  return cleanTag === '' ? base : `${base}-${cleanTag}`.slice(0, 32);
}

/** The fixture's file content (or a copy of `fixture` itself) with the overrides applied, not validated yet. */
export async function readLabFixture(fixture: string | LabFile, options: WithLabOptions = {}): Promise<LabFile> {
  let file = (typeof fixture === 'string'
    ? JSON.parse(await readFile(labFixture(fixture), 'utf8'))
    : structuredClone(fixture)) as LabFile;
  for (const [node, patch] of Object.entries(options.nodes ?? {})) {
    file.nodes[node] = { ...(file.nodes[node] ?? { role: 'host' }), ...patch };
  }
  for (const [index, patch] of Object.entries(options.links ?? {})) {
    const links = (file.links ??= []);
    const i = Number(index);
    links[i] = { ...links[i]!, ...patch };
  }
  if (options.ipv6 !== undefined) file.ipv6 = options.ipv6;
  if (options.edit !== undefined) file = options.edit(file) ?? file;
  return file;
}

/**
 * Brings a lab up for this test only; it is taken down in the test's teardown. `fixture` names a
 * file in fixtures/labs/ (`'chain3'`), gives a path, or is a lab built in the test (a LabFile).
 */
export async function withLab(t: ExecutionContext, fixture: string | LabFile, options: WithLabOptions = {}): Promise<Lab> {
  if (!swept) {
    swept = true;
    await labSweep();
  }
  const source = typeof fixture === 'string' ? labFixture(fixture) : null;
  const tag = typeof fixture === 'string' ? fixture.split('/').pop()!.replace(/\.json$/, '') : (fixture.name ?? 'lab');
  const name = uniqueLabName(tag);
  const spec = parseLabSpec(await readLabFixture(fixture, options), { ...(source === null ? {} : { source }), name });
  const lab = await labUp(spec, { name, source, temporary: true });
  t.teardown(async () => {
    await lab.down();
  });
  return lab;
}

/** The result of a set-up command run in a lab node, or an error naming the step and why it failed. */
export async function must(r: Promise<RunResult>, what: string): Promise<RunResult> {
  const result = await r;
  if (result.code !== 0) throw new Error(`${what} failed: ${result.stderr.trim()}`);
  return result;
}
