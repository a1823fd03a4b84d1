// Builds the CLI that `./rawprobe` runs, from tsc's output, into dist/app/: CommonJS files that
// esbuild bundles, so that a start reads a few files and never starts Node's ES module loader
// (about 10 ms and 2 MB on its own: README, Performance).
//
//   dist/app/main.js         cli/start.ts: --version, then the quick parse or yargs
//   dist/app/cli.js          cli/main.ts and yargs, for every line the quick parse leaves to yargs
//   dist/app/shared.js       cli/errors.ts and cli/stopping.ts (cli/shared.ts), one copy for all
//                            files: CliError is checked with instanceof, and stopping.ts knows the
//                            run in progress
//   dist/app/run/<name>.js   cli/run/<name>.ts with the lib/ code it uses, loaded when <name> runs,
//                            and the declarations the quick parse reads its lines from
//   dist/app/package.json    says these .js files are CommonJS (the package is "type": "module")
//
// Each command's work stays a file of its own, loaded only when that command runs, as in the
// unbundled tree (test/cli/startup.test.ts checks both). The addon (.node) is not bundled:
// lib/package-root.ts finds it from wherever the bundle is.
//
//   node dist/cli/bundle.js        (part of npm ci, npm run build and npm test)
import { build, type BuildOptions, type Plugin } from 'esbuild';
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from '../lib/package-root.js';

const root = packageRoot();
const cliDir = join(root, 'dist', 'cli');
const outdir = join(root, 'dist', 'app');

/** The cli/run modules the commands load on use: every import('../run/<name>.js') of cli/commands/. */
const RUN = [
  ...new Set(
    readdirSync(join(cliDir, 'commands'))
      .filter((f) => f.endsWith('.js'))
      .flatMap((f) => [...readFileSync(join(cliDir, 'commands', f), 'utf8').matchAll(/import\(['"]\.\.\/run\/([\w-]+)\.js['"]\)/g)].map((m) => m[1]!)),
  ),
].sort();

/**
 * Modules every file shares one copy of (state, or a class checked with instanceof), together in
 * dist/app/shared.js, made from cli/shared.ts.
 */
const SHARED = ['errors', 'stopping'];
const SHARED_ENTRY = join(cliDir, 'shared.js');

/**
 * Keeps the files apart: an import of cli/run/<name>, cli/main, cli/errors or cli/stopping from
 * another file becomes a require() of that file's own bundle (shared.js for the last two), `up`
 * being the way from the importing bundle's folder to dist/app/.
 */
function separateFiles(up: string): Plugin {
  const own = new Map<string, string>([
    [join(cliDir, 'main.js'), 'cli.js'],
    ...SHARED.map((name) => [join(cliDir, `${name}.js`), 'shared.js'] as [string, string]),
  ]);
  for (const name of RUN) own.set(join(cliDir, 'run', `${name}.js`), `run/${name}.js`);
  return {
    name: 'separate-files',
    setup(b) {
      b.onResolve({ filter: /^\.\.?\// }, (args) => {
        if (args.importer === SHARED_ENTRY) return undefined; // what shared.js is made of
        const file = own.get(join(args.resolveDir, args.path));
        return file === undefined ? undefined : { path: `${up}${file}`, external: true };
      });
    },
  };
}

const common: BuildOptions = {
  bundle: true,
  format: 'cjs',
  platform: 'node',
  target: 'node20',
  external: ['*.node'],
  // import() of another bundle becomes require(): it never starts the ES module loader.
  supported: { 'dynamic-import': false },
  // The modules find the package (and yargs its locales) from their own file's URL, made when
  // first asked for: the first URL a start makes costs it about 0.5 ms, and a probe asks for none.
  define: { 'import.meta.url': 'import_meta.url' },
  banner: { js: 'var import_meta={get url(){return require("url").pathToFileURL(__filename).href}};' },
  // Errors are one line of our own words, never a stack trace, so nothing needs the original
  // names or a source map; whitespace and syntax only, so a profile still names functions.
  minifyWhitespace: true,
  minifySyntax: true,
  logLevel: 'warning',
  // cli/start.ts reads CommonJS's `module` on purpose (its Module class, for cli/code-cache.ts).
  logOverride: { 'commonjs-variable-in-esm': 'silent' },
};

rmSync(outdir, { recursive: true, force: true });
mkdirSync(outdir, { recursive: true });
writeFileSync(join(outdir, 'package.json'), '{ "type": "commonjs" }\n');
await Promise.all([
  build({
    ...common,
    entryPoints: {
      main: join(cliDir, 'start.js'),
      cli: join(cliDir, 'main.js'),
      shared: SHARED_ENTRY,
    },
    outdir,
    plugins: [separateFiles('./')],
  }),
  build({
    ...common,
    entryPoints: Object.fromEntries(RUN.map((name) => [name, join(cliDir, 'run', `${name}.js`)])),
    outdir: join(outdir, 'run'),
    plugins: [separateFiles('../')],
  }),
]);
