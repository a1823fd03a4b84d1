// The folder this package was installed in (package.json, build/Release/rawprobe.node), found by
// walking up from the running module. The depth is not fixed: tsc's output runs from
// dist/lib/... and dist/cli/..., the CLI bundle (cli/bundle.ts) from dist/app/ and its chunks.
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

let root: string | null = null;

/** The package root: the nearest folder above this module holding package.json and binding.gyp. */
export function packageRoot(): string {
  if (root !== null) return root;
  const start = dirname(fileURLToPath(import.meta.url));
  for (let dir = start; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json')) && existsSync(join(dir, 'binding.gyp'))) return (root = dir);
    if (dirname(dir) === dir) throw new Error(`rawprobe: no package.json with binding.gyp above ${start}`);
  }
}
