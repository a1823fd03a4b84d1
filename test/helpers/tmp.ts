// Temporary directories for tests, always removed: `tempDir(t, tag)` when the test ends (pass,
// fail or throw: ava's t.teardown), `sharedTempDir(tag)` for the files a whole test file shares
// (built in test.before), when its last test has run (test.after.always). So a root `npm test`
// leaves no /tmp/rawprobe-* folder behind.
import test, { type ExecutionContext } from 'ava';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

function make(tag: string): string {
  return mkdtempSync(join(tmpdir(), `rawprobe-${tag.replace(/[^A-Za-z0-9_-]/g, '-')}-`));
}

function remove(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

/** A new directory (/tmp/rawprobe-TAG-xxxxxx), removed when this test ends. */
export function tempDir(t: ExecutionContext, tag: string): string {
  const dir = make(tag);
  t.teardown(() => remove(dir));
  return dir;
}

/** A new directory for the tests of one file, removed after the last of them, whatever happened. Call it at the file's top level. */
export function sharedTempDir(tag: string): string {
  const dir = make(tag);
  test.after.always(() => remove(dir));
  return dir;
}

/** Files of the given texts in a new directory removed when this test ends: their paths, by the same keys. */
export function tempFiles<K extends string>(t: ExecutionContext, tag: string, texts: Record<K, string>): Record<K, string> {
  const dir = tempDir(t, tag);
  const paths = {} as Record<K, string>;
  for (const name of Object.keys(texts) as K[]) {
    paths[name] = join(dir, `${name}.txt`);
    writeFileSync(paths[name], texts[name]);
  }
  return paths;
}
