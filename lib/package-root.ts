// The folder this package was installed in (package.json, build/Release/rawprobe.node), found by
// walking up from the running module. The depth is not fixed: tsc's output runs from
// dist/lib/... and dist/cli/..., the CLI bundle (cli/bundle.ts) from dist/app/ and its chunks,
// in a checkout or in an installed copy (node_modules/rawprobe/, a global prefix's
// lib/node_modules/rawprobe/): each holds its own package.json and binding.gyp.
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

let root: string | null = null;

/** The package root: the nearest folder above this module holding package.json and binding.gyp. */
export function packageRoot(): string {
  if (root !== null) return root;
  // The CLI bundle is CommonJS, with __dirname at hand; an ES module has only its URL, and
  // making one costs a start about 0.5 ms.
  const start = typeof __dirname === 'string' ? __dirname : dirname(fileURLToPath(import.meta.url));
  for (let dir = start; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json')) && existsSync(join(dir, 'binding.gyp'))) return (root = dir);
    if (dirname(dir) === dir) throw new Error(`rawprobe: no package.json with binding.gyp above ${start}`);
  }
}

/**
 * Where `rawprobe setup-privileges` puts the private node with CAP_NET_RAW, and where the
 * `rawprobe` launcher looks for it: <package root>/libexec/node (lib/privilege/setup.ts says why).
 */
export function privateNodePath(packageDir: string = packageRoot()): string {
  return join(packageDir, 'libexec', 'node');
}
