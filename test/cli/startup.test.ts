// What a start of the CLI loads. cli/start.ts answers --version and runs a command line its quick
// parse reads (cli/quick-parse.ts) without yargs; yargs (cli/main.ts) loads for --help and every
// other line. cli/commands/ and cli/options/ hold only the definitions; a command's work
// (cli/run/<name>.ts, lib/, the `table` package) loads when that command runs, so that `--version`,
// `--help` and each command do not pay for the others. Checked module by module on tsc's output
// (ES modules: a loader hook in the child names every module it loads), then on the bundle
// ./rawprobe runs (cli/bundle.ts: CommonJS files, named from require's cache as the child exits),
// where each command's work is a file of its own, dist/app/run/<name>.js. No privilege, nothing sent.
import test, { type ExecutionContext } from 'ava';
import { execFile, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import { cacheFileFor } from '../../cli/code-cache.js';
import { MAIN, ROOT, UNBUNDLED_MAIN, rawprobe } from '../helpers/cli.js';
import { rootTest } from '../helpers/privilege.js';
import { tempDir } from '../helpers/tmp.js';

/** The modules `rawprobe ...args` loads, as paths from the repository root (packages as node_modules/NAME). */
async function loadedModules(t: ExecutionContext, args: string[], main = UNBUNDLED_MAIN): Promise<{ code: number | null; modules: string[] }> {
  const dir = tempDir(t, 'startup');
  const hooks = join(dir, 'hooks.mjs');
  // The hooks run on their own thread; process.stderr there is flushed asynchronously and may
  // lose its last lines when the process exits. writeSync lands before the module loads.
  writeFileSync(hooks, "import { writeSync } from 'node:fs';\nexport async function load(url, context, next) {\n  writeSync(2, `LOADED ${url}\\n`);\n  return next(url, context);\n}\n");
  const register = join(dir, 'register.mjs');
  writeFileSync(register, `import { register } from 'node:module';\nregister(${JSON.stringify(pathToFileURL(hooks).href)});\n`);
  // require() does not pass through those hooks: what it loaded is in its cache at exit.
  const required = join(dir, 'required.cjs');
  writeFileSync(required, "const { writeSync } = require('node:fs');\nprocess.on('exit', () => { for (const f of Object.keys(require.cache)) writeSync(2, `LOADED file://${f}\\n`); });\n");
  const r = await rawprobe(args, { nodeArgs: ['--import', pathToFileURL(register).href, '--require', required], main });
  const root = pathToFileURL(ROOT).href;
  const modules = r.stderr
    .split('\n')
    .filter((line) => line.startsWith('LOADED file:'))
    .map((line) => line.slice('LOADED '.length).replace(root, '').replace(/^.*node_modules\/((@[^/]+\/)?[^/]+)\/.*$/, 'node_modules/$1'))
    .filter((m) => !m.startsWith('file://'));
  return { code: r.code, modules: [...new Set(modules)] };
}

/** start.ts needs lib/package-root.js (where package.json is, for --version); nothing else of lib/. */
const isImplementation = (m: string): boolean =>
  (m.startsWith('dist/lib/') && m !== 'dist/lib/package-root.js') || m.startsWith('dist/cli/run/') || m === 'node_modules/table';

test('--version loads neither yargs nor any command implementation; --help loads yargs and the definitions, no implementation', async (t) => {
  const version = await loadedModules(t, ['--version']);
  t.is(version.code, 0);
  t.true(version.modules.includes('dist/cli/start.js'), 'the hook saw the entry');
  t.false(version.modules.includes('node_modules/yargs'));
  t.false(version.modules.includes('dist/cli/main.js'));
  t.deepEqual(version.modules.filter(isImplementation), [], '--version loads no implementation');
  const help = await loadedModules(t, ['--help']);
  t.is(help.code, 0);
  t.true(help.modules.includes('dist/cli/commands/ping.js'), '--help: the hook saw the command modules');
  t.true(help.modules.includes('node_modules/yargs'));
  t.deepEqual(help.modules.filter(isImplementation), [], '--help loads no implementation');
});

test('decode loads its own implementation only: no probe engine, lab, crafting, table package or yargs', async (t) => {
  const { code, modules } = await loadedModules(t, ['decode', join(ROOT, 'fixtures/packets/icmp-echo-odd-length.hex')]);
  t.is(code, 0);
  t.true(modules.includes('dist/cli/run/decode.js'));
  t.true(modules.includes('dist/lib/wire/icmpv4.js'));
  const foreign = modules.filter((m) => /^dist\/(cli\/run\/(?!decode\.js)|lib\/(probe|lab|craft|sockopt)\/)/.test(m) || m === 'node_modules/table');
  t.deepEqual(foreign, []);
  t.false(modules.includes('node_modules/yargs'), 'a line the quick parse reads never loads yargs');
});

test('capture -d loads its own implementation and lib/capture, none of the probing, lab or crafting code; --help none', async (t) => {
  const help = await loadedModules(t, ['capture', '--help']);
  t.is(help.code, 0);
  t.deepEqual(help.modules.filter(isImplementation), []);
  const { code, modules } = await loadedModules(t, ['capture', '-d', 'icmp']);
  t.is(code, 0);
  t.true(modules.includes('dist/cli/run/capture.js'));
  t.true(modules.includes('dist/lib/capture/filter.js'));
  const foreign = modules.filter((m) => /^dist\/(cli\/run\/(?!capture\.js)|lib\/(probe|lab|craft|sockopt)\/)/.test(m) || m === 'node_modules/table');
  t.deepEqual(foreign, []);
  const bundled = await loadedModules(t, ['capture', '-d', 'icmp'], MAIN);
  t.deepEqual(bundled.modules.filter((m) => RUN_FILE.test(m)).map((m) => RUN_FILE.exec(m)![1]), ['capture']);
});

test('the help of a command whose builder needs lib/ data loads that data module, not the implementation', async (t) => {
  const { code, modules } = await loadedModules(t, ['sockopt', '--help']);
  t.is(code, 0);
  t.true(modules.includes('dist/lib/socket/kinds.js'));
  t.deepEqual(modules.filter((m) => m.startsWith('dist/cli/run/') || m.startsWith('dist/lib/sockopt/')), []);
});

test('socket: --help loads the kinds module, not the implementation; a run loads its own modules only', async (t) => {
  for (const sub of ['listen', 'connect']) {
    const help = await loadedModules(t, ['socket', sub, '--help']);
    t.is(help.code, 0, sub);
    t.true(help.modules.includes('dist/lib/socket/kinds.js'));
    t.deepEqual(help.modules.filter((m) => m.startsWith('dist/cli/run/') || m.startsWith('dist/lib/netcat/')), [], `socket ${sub} --help`);
  }
  // A connect the kernel refuses (port 1 on loopback: nobody listens there) runs the whole command.
  const { code, modules } = await loadedModules(t, ['socket', 'connect', 'tcp://127.0.0.1:1', '--quiet']);
  t.is(code, 1);
  t.true(modules.includes('dist/cli/run/socket.js'));
  t.true(modules.includes('dist/lib/netcat/session.js'));
  const foreign = modules.filter((m) => /^dist\/(cli\/run\/(?!socket|option-settings|signals)|lib\/(probe|lab|craft|pcap|check)\/)/.test(m) || m === 'node_modules/table');
  t.deepEqual(foreign, []);
});

/** The bundle's file for a command's work: dist/app/run/<run module>.js. */
const RUN_FILE = /^dist\/app\/run\/(ping|trace|tos|sweep|decode|capture|checksum|send|sockopt|socket|lab|setup-privileges)\.js$/;
/** The bundle of yargs and the command definitions (cli/main.ts). */
const YARGS_FILE = 'dist/app/cli.js';

test('the bundle keeps the laziness: --version loads no command file and no yargs, decode only its own, --help no command file', async (t) => {
  const version = await loadedModules(t, ['--version'], MAIN);
  t.is(version.code, 0);
  t.true(version.modules.includes('dist/app/main.js'), 'the cache held the bundle');
  t.deepEqual(version.modules.filter((m) => !m.startsWith('dist/app/')), [], 'everything comes from the bundle');
  t.deepEqual(version.modules.filter((m) => RUN_FILE.test(m) || m === YARGS_FILE), []);
  const decode = await loadedModules(t, ['decode', join(ROOT, 'fixtures/packets/icmp-echo-odd-length.hex')], MAIN);
  t.is(decode.code, 0);
  t.deepEqual(decode.modules.filter((m) => RUN_FILE.test(m)).map((m) => RUN_FILE.exec(m)![1]), ['decode']);
  t.false(decode.modules.includes(YARGS_FILE), 'a line the quick parse reads never loads yargs');
  const help = await loadedModules(t, ['decode', '--help'], MAIN);
  t.is(help.code, 0);
  t.true(help.modules.includes(YARGS_FILE), '--help is yargs\' to write');
  t.deepEqual(help.modules.filter((m) => RUN_FILE.test(m)), []);
  const socket = await loadedModules(t, ['socket', 'connect', 'tcp://127.0.0.1:1', '--quiet'], MAIN);
  t.is(socket.code, 1);
  t.deepEqual(socket.modules.filter((m) => RUN_FILE.test(m)).map((m) => RUN_FILE.exec(m)![1]), ['socket']);
});

test('the launcher starts every command without rehashing V8\'s snapshot or looking up real paths, gives sweep V8 semi-spaces of 1 MB and one V8 worker thread and every other command semi-spaces of 2 MB from the start; the code cache keeps one file per set of Node options', async (t) => {
  const dir = tempDir(t, 'launcher');
  const probe = join(dir, 'exec-argv.cjs');
  writeFileSync(probe, "process.on('exit', () => require('node:fs').writeSync(2, `EXECARGV ${JSON.stringify(process.execArgv)}\\n`));\n");
  const execArgv = (args: string[]): Promise<unknown> =>
    new Promise((resolve, reject) => {
      execFile(join(ROOT, 'rawprobe'), args, { env: { ...process.env, NODE_OPTIONS: `--require ${probe}` } }, (err, _stdout, stderr) => {
        const line = /^EXECARGV (.*)$/m.exec(stderr);
        if (err !== null || line === null) reject(err ?? new Error(`no EXECARGV line in ${JSON.stringify(stderr)}`));
        else resolve(JSON.parse(line[1]!));
      });
    });
  const always = ['--no-rehash-snapshot', '--preserve-symlinks', '--preserve-symlinks-main'];
  t.deepEqual(await execArgv(['sweep', '--help']), [...always, '--max-semi-space-size=1', '--v8-pool-size=1']);
  t.deepEqual(await execArgv(['ping', '--help']), [...always, '--min-semi-space-size=2']);
  t.deepEqual(await execArgv(['--version']), [...always, '--min-semi-space-size=2']);
  const plain = cacheFileFor(MAIN, dir, [])!;
  const sweep = cacheFileFor(MAIN, dir, ['--max-semi-space-size=1'])!;
  t.regex(plain, new RegExp(`/main-\\d+-\\d+-${process.version}-${process.arch}\\.bin$`));
  t.is(sweep, plain.replace(/\.bin$/, '-max-semi-space-size=1.bin'));
  // A preloaded file or a profiler changes nothing V8 compiles: the same cache, not one per path.
  t.is(cacheFileFor(MAIN, dir, ['--require', '/tmp/probe-1.cjs', '--import=file:///tmp/x/register.mjs', '--cpu-prof', '--cpu-prof-dir=/tmp/p']), plain);
  t.is(cacheFileFor(MAIN, dir, ['-r', '/tmp/probe-2.cjs', '--max-semi-space-size=1']), sweep);
  // Nor does where paths resolve: the launcher's --preserve-symlinks share the plain cache.
  t.is(cacheFileFor(MAIN, dir, ['--preserve-symlinks', '--preserve-symlinks-main', '--max-semi-space-size=1']), sweep);
  // Options kept are joined by "_", each without its dashes, a run of other characters one "_";
  // a profiler's value is skipped with its switch.
  t.is(cacheFileFor(MAIN, dir, ['--stack-size=2000', '--cpu-prof-interval', '100', '--title=a b//c', '--heap-prof']), plain.replace(/\.bin$/, '-stack-size=2000_title=a_b_c.bin'));
});

/** The Node built-in modules `rawprobe ...args` loads beyond what Node loads for any script (process.moduleLoadList). */
async function loadedBuiltins(t: ExecutionContext, args: string[]): Promise<{ code: number | null; builtins: string[] }> {
  const dir = tempDir(t, 'builtins');
  const probe = join(dir, 'builtins.cjs');
  writeFileSync(probe, "const before = new Set(process.moduleLoadList);\nprocess.on('exit', () => { for (const m of process.moduleLoadList) if (!before.has(m) && m.startsWith('NativeModule ')) require('node:fs').writeSync(2, `BUILTIN ${m.slice(13)}\\n`); });\n");
  const r = await rawprobe(args, { nodeArgs: ['--require', probe] });
  const builtins = r.stderr.split('\n').filter((line) => line.startsWith('BUILTIN ')).map((line) => line.slice('BUILTIN '.length));
  return { code: r.code, builtins };
}

// node:crypto alone costs about 7 ms of a start (it was loaded for IPv6 fragment identifications);
// names need node:dns, addresses do not. (node:net comes with process.stdout on a pipe or a
// terminal: the test below asks about it.)
// node:module brings Node's ES module loader and source-map code (about 1 ms): the code cache
// takes CommonJS's Module class from main.js's own module object, the addon loads through
// process.dlopen. node:os (about 0.35 ms): interface addresses come from the addon, the host's
// name from /proc.
rootTest()('a ping and a trace of 127.0.0.1 load none of node:crypto, node:dns, node:module and node:os', async (t) => {
  for (const args of [['ping', '-c', '1', '127.0.0.1'], ['trace', '-n', '-q', '1', '127.0.0.1']]) {
    const { code, builtins } = await loadedBuiltins(t, args);
    t.is(code, 0, args.join(' '));
    t.true(builtins.includes('vm'), 'the probe saw the code cache load node:vm');
    t.deepEqual(builtins.filter((m) => ['crypto', 'dns', 'module', 'os'].includes(m)), [], args.join(' '));
  }
});

rootTest()('a ping compiles its own bundle from the code cache a run before it left, and no other file of the bundle through it', async (t) => {
  const dir = tempDir(t, 'scripts');
  const probe = join(dir, 'scripts.cjs');
  // Every vm.Script the run makes, with whether it was handed a cache and whether V8 took it.
  writeFileSync(
    probe,
    "const vm = require('node:vm');\nconst Original = vm.Script;\nconst seen = [];\n" +
      'vm.Script = class extends Original { constructor(source, options) { super(source, options); ' +
      'seen.push(`${options && options.filename} ${options && options.cachedData !== undefined} ${this.cachedDataRejected === true}`); } };\n' +
      "process.on('exit', () => { for (const s of seen) require('node:fs').writeSync(2, `SCRIPT ${s}\\n`); });\n",
  );
  const args = ['ping', '-c', '1', '127.0.0.1'];
  t.is((await rawprobe(args)).code, 0); // leaves the cache if none was there
  const r = await rawprobe(args, { nodeArgs: ['--require', probe] });
  t.is(r.code, 0);
  const scripts = r.stderr.split('\n').filter((line) => line.startsWith('SCRIPT ')).map((line) => line.slice('SCRIPT '.length));
  t.true(scripts.includes(`${join(ROOT, 'dist/app/run/ping.js')} true false`), `the ping bundle from its cache: ${scripts.join('; ')}`);
  // shared.js (errors and stopping) is loaded before the cache is in use, by main.js, which Node
  // compiles itself.
  const files = scripts.map((s) => relative(ROOT, s.split(' ')[0]!)).sort();
  t.deepEqual(files, ['dist/app/run/ping.js'], 'no declarations of other commands, no yargs, no second shared file');
});

test('only a run that did its work (exit 0 or 1) leaves a code cache: a failed one compiled too little of its command', (t) => {
  for (const [code, kept] of [[0, 1], [1, 1], [2, 0]] as const) {
    const dir = tempDir(t, `cache-${code}`);
    writeFileSync(join(dir, 'main.js'), '');
    writeFileSync(join(dir, 'work.js'), 'module.exports = (a) => a + 1;\n');
    const script = `
      import { createRequire } from 'node:module';
      import { useCodeCache } from ${JSON.stringify(pathToFileURL(join(ROOT, 'dist/cli/code-cache.js')).href)};
      const require = createRequire(import.meta.url);
      useCodeCache(${JSON.stringify(join(dir, 'main.js'))}, require('node:module'));
      require(${JSON.stringify(join(dir, 'work.js'))})(1);
      process.exitCode = ${code};
    `;
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' });
    t.is(r.status, code, r.stderr);
    const cache = join(dir, 'cache');
    t.is(existsSync(cache) ? readdirSync(cache).filter((f) => f.startsWith('work-')).length : 0, kept, `exit ${code}`);
  }
});

// process.stdout on a pipe is a net.Socket, and making it costs a one-probe ping about 5 ms: a
// sweep, a ping and a trace write their lines with writeSync (cli/stdout.ts) and never make it.
// The control is --help, which yargs writes through the stream.
rootTest()('a sweep, a ping and a trace into a pipe do not make the stdout stream (no node:net); --help does', async (t) => {
  for (const args of [['sweep', '-e', '127.0.0.1'], ['ping', '-c', '1', '127.0.0.1'], ['ping', '-c', '1', '--json', '127.0.0.1'], ['trace', '-n', '-q', '1', '127.0.0.1']]) {
    const r = await loadedBuiltins(t, args);
    t.is(r.code, 0, args.join(' '));
    t.false(r.builtins.includes('net'), `${args.join(' ')}: ${r.builtins.join(' ')}`);
  }
  const help = await loadedBuiltins(t, ['--help']);
  t.true(help.builtins.includes('net'), 'the control: the stream on a pipe loads node:net');
});
