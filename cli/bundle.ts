// Builds the CLI that `./rawprobe` runs: tsc's output for cli/main.js and everything it imports
// (our modules, yargs and its helpers) bundled by esbuild into dist/app/. Node loads a few large
// files faster than the hundred-odd small ES modules tsc writes, and for a one-probe ping that
// loading is a large part of the run (README, Performance). Each command's work (cli/run/<name>) stays in chunks of its own, loaded
// when that command runs, as in the unbundled tree (test/cli/startup.test.ts checks both).
// The addon (.node) is not bundled: lib/package-root.ts finds it from wherever the bundle is.
//
//   node dist/cli/bundle.js        (part of npm ci, npm run build and npm test)
import { build } from 'esbuild';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from '../lib/package-root.js';

const root = packageRoot();
const outdir = join(root, 'dist', 'app');
rmSync(outdir, { recursive: true, force: true });
await build({
  entryPoints: [join(root, 'dist', 'cli', 'main.js')],
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  outdir,
  chunkNames: 'chunks/[name]-[hash]',
  external: ['*.node'],
  // Errors are one line of our own words, never a stack trace, so nothing needs the original
  // names or a source map; whitespace and syntax only, so a profile still names functions.
  minifyWhitespace: true,
  minifySyntax: true,
  logLevel: 'warning',
});
