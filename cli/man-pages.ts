// Writes the man pages into dist/man/ (cli/format/man.ts makes them from the commands'
// declarations): rawprobe.1 and one page per command. Run after tsc, with the bundle (npm ci,
// npm run build, npm test, npm pack); package.json's "man" lists them, so that a global install
// links them where man(1) looks (`man rawprobe`, `man rawprobe-ping`). A page written but not
// listed there, or listed but not written, fails the build.
//
//   node dist/cli/man-pages.js
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from '../lib/package-root.js';
import { catalog } from './options/catalog.js';
import { commandPage, mainPage, pageName } from './format/man.js';

const root = packageRoot();
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string; man?: string[] };
const outdir = join(root, 'dist', 'man');
rmSync(outdir, { recursive: true, force: true });
mkdirSync(outdir, { recursive: true });

const commands = await catalog();
const pages = new Map<string, string>([[pageName(null), mainPage(commands, pkg.version)]]);
for (const c of commands) pages.set(pageName(c), commandPage(c, pkg.version));
for (const [name, text] of pages) writeFileSync(join(outdir, name), text);

const listed = (pkg.man ?? []).map((p) => p.replace(/^\.\//, '')).sort();
const written = [...pages.keys()].map((name) => `dist/man/${name}`).sort();
if (JSON.stringify(listed) !== JSON.stringify(written)) {
  process.stderr.write(`man-pages: package.json "man" must list exactly ${JSON.stringify(written)}\n`);
  process.exitCode = 1;
}
