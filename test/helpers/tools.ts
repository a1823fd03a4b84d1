// Peer tools (tshark, tcpdump, fping, traceroute, iputils ping...) that tests run or compare with.
// A test whose tool is not installed is skipped, visibly: its title says which tool it needs and
// one line on stderr says it once, so a missing tool never passes as a green test. `.ci/run`
// installs them all on a clean Debian machine.
//
//   toolTest(['tshark'])('decode agrees with tshark', async (t) => { ... });
//   toolTest(['tcpdump'], rootTest().serial)('what leaves on lo', async (t) => { ... });
import test, { type ImplementationFn } from 'ava';
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';

const found = new Map<string, string | null>();

/** Where `tool` is on the PATH (node_modules' bin folders aside), or null. */
export function toolPath(tool: string): string | null {
  let path = found.get(tool);
  if (path !== undefined) return path;
  path = null;
  for (const dir of (process.env['PATH'] ?? '').split(delimiter)) {
    if (dir === '' || dir.split('/').includes('node_modules')) continue;
    try {
      accessSync(join(dir, tool), constants.X_OK);
      path = join(dir, tool);
      break;
    } catch {
      // not in this folder
    }
  }
  found.set(tool, path);
  return path;
}

/** True when `tool` is on the PATH. */
export function hasTool(tool: string): boolean {
  return toolPath(tool) !== null;
}

/** A way to declare one test: `test`, `test.serial`, `rootTest()`... */
export type Declare = (title: string, implementation: ImplementationFn<[]>) => void;

const told = new Set<string>();

/**
 * `declare` (default `test`) when every one of `tools` is on the PATH; otherwise a declaration of
 * skipped tests whose titles end "(skipped: needs TOOL)", with one line on stderr per missing tool.
 */
export function toolTest(tools: readonly string[], declare: Declare = test): Declare {
  const missing = tools.filter((tool) => !hasTool(tool));
  if (missing.length === 0) return declare;
  for (const tool of missing) {
    if (told.has(tool)) continue;
    told.add(tool);
    process.stderr.write(`rawprobe tests: ${tool} is not installed; skipping the tests that need it (bash .ci/run installs it)\n`);
  }
  return (title, implementation) => test.skip(`${title} (skipped: needs ${missing.join(', ')})`, implementation);
}
