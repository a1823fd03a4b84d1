// V8's code cache for the CLI bundle (cli/bundle.ts): a command's file is compiled from the
// bytecode a previous run left, not from source. Node 20 keeps no such cache for a user's
// CommonJS files (22 has module.enableCompileCache), and compiling a command's 150-350 kB bundle
// is a good part of a one-probe ping once yargs is out of the way (README, Performance).
//
// Only the bundle's own files (the folder this file was bundled into) are compiled here, through
// vm.Script with the cached data; every other module loads as Node loads it. The cache sits
// beside the bundle (dist/app/cache/), named after the file's size and time (a rebuilt bundle
// never meets an old cache; cli/bundle.ts empties dist/app anyway) and Node's version. V8 checks
// the rest (its version, its flags) and refuses a cache that does not fit: the file is then
// compiled from source, as it would be without one. At exit, a run that compiled a file without
// a usable cache writes one, with every function that run compiled, if the folder is writable;
// nothing is said when it is not. Nothing here can fail a run.
import { mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import type Module from 'node:module';
import { basename, dirname, join } from 'node:path';
import { Script } from 'node:vm';
import { EXIT_NEGATIVE } from './exit-codes.js';

type Compile = (this: Module, content: string, filename: string) => unknown;

/** The bundle's files compiled here this run, and their caches. */
interface Compiled {
  script: Script;
  cacheFile: string;
  /** A cache was there and V8 took it: nothing to write. */
  used: boolean;
}

const compiled: Compiled[] = [];

/**
 * Node's own options of this run (the launcher gives sweep --max-semi-space-size), in the name:
 * V8 refuses a cache made under other flags, so each set of flags keeps its own, rather than
 * runs with and without them throwing away each other's. Options that only load a file first
 * (--require, --import, a loader) or write a profile change nothing V8 compiles, and their
 * values are often temporary paths (a test's probe): in the name, each would leave a cache behind
 * per run, so they are left out. Worked out with plain string calls: regular expressions here
 * cost every start their compilation (0.3 ms of a one-probe ping).
 */
function flagsTag(execArgv: readonly string[]): string {
  const kept: string[] = [];
  for (let i = 0; i < execArgv.length; i++) {
    const a = execArgv[i]!;
    const eq = a.indexOf('=');
    const name = eq < 0 ? a : a.slice(0, eq);
    if (!notForV8(name)) kept.push(a);
    else if (name === a && takesValue(name)) i++; // its value is the next argument
  }
  if (kept.length === 0) return '';
  return `-${kept.map(tagWord).join('_').slice(0, 64)}`;
}

/** Node options that preload a file, and take its name. */
const PRELOADS = new Set(['-r', '--require', '--import', '--loader', '--experimental-loader']);
/** The profilers' switches start so; those ending in -dir, -name or -interval take a value. */
const PROFILERS = ['--cpu-prof', '--heap-prof'];

/**
 * Node options that preload a file, run a profiler or choose how paths resolve (the launcher's
 * --preserve-symlinks): nothing V8 compiles changes with them.
 */
function notForV8(name: string): boolean {
  return PRELOADS.has(name) || name === '--preserve-symlinks' || name === '--preserve-symlinks-main' || PROFILERS.some((p) => name.startsWith(p));
}

/** Those of them that take a value (the profilers' own on-off switches do not). */
function takesValue(name: string): boolean {
  if (PRELOADS.has(name)) return true;
  return PROFILERS.some((p) => name === `${p}-dir` || name === `${p}-name` || name === `${p}-interval`);
}

/** An option as a part of a file name: without its leading dashes, each run of other characters than A-Z a-z 0-9 = . - one "_". */
function tagWord(option: string): string {
  let i = 0;
  while (option[i] === '-') i++;
  let out = '';
  let gap = false;
  for (; i < option.length; i++) {
    const c = option[i]!;
    const plain = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c === '=' || c === '.' || c === '-';
    if (plain) out += c;
    else if (!gap) out += '_';
    gap = !plain;
  }
  return out;
}

/** flagsTag of this process's own options, worked out once: every file a run loads asks. */
let ownTag: string | null = null;

function tagOf(execArgv: readonly string[]): string {
  if (execArgv !== process.execArgv) return flagsTag(execArgv);
  return (ownTag ??= flagsTag(execArgv));
}

/** Where the cache of `filename` is kept (null: the file is not there to stat). */
export function cacheFileFor(filename: string, cacheDir: string, execArgv: readonly string[] = process.execArgv): string | null {
  try {
    const st = statSync(filename);
    return join(cacheDir, `${basename(filename, '.js')}-${st.size}-${Math.trunc(st.mtimeMs)}-${process.version}-${process.arch}${tagOf(execArgv)}.bin`);
  } catch {
    return null;
  }
}

function readCache(file: string): Buffer | undefined {
  try {
    return readFileSync(file);
  } catch {
    return undefined;
  }
}

/** Writes the caches this run made, where none was used; an unwritable folder is no error. */
function writeCaches(cacheDir: string): void {
  const fresh = compiled.filter((c) => !c.used);
  if (fresh.length === 0) return;
  try {
    mkdirSync(cacheDir, { recursive: true });
    for (const c of fresh) {
      const tmp = `${c.cacheFile}.${process.pid}`;
      writeFileSync(tmp, c.script.createCachedData());
      renameSync(tmp, c.cacheFile); // whole or not at all, with other runs writing the same
    }
  } catch {
    // read-only install, full disk: the next run compiles from source, as this one did
  }
}

/** CommonJS's Module class: what `require('node:module')` exports. */
export type ModuleClass = typeof Module;

/**
 * Compiles the bundle's own CommonJS files (those in the folder of `bundleFile`) with V8's code
 * cache. Call once, first thing. `Module` is CommonJS's Module class as the caller's own module
 * object has it (`module.constructor`): requiring node:module for it would load Node's ES module
 * loader and source-map code, about 1 ms of every start. (tsc's ES modules never pass through
 * CommonJS, and cli/start.ts calls this only from the bundle.)
 */
export function useCodeCache(bundleFile: string, Module: ModuleClass): void {
  const appDir = dirname(bundleFile);
  const cacheDir = join(appDir, 'cache');
  // Node types do not declare _compile (internal, but how every code-cache loader hooks in).
  const proto = Module.prototype as Module & { _compile: Compile };
  const original = proto._compile;
  proto._compile = function compile(this: Module, content: string, filename: string): unknown {
    const cacheFile = filename.startsWith(appDir) ? cacheFileFor(filename, cacheDir) : null;
    if (cacheFile === null) return original.call(this, content, filename);
    const cachedData = readCache(cacheFile);
    const script = new Script(Module.wrap(content), { filename, cachedData });
    compiled.push({ script, cacheFile, used: cachedData !== undefined && !script.cachedDataRejected });
    const wrapper = script.runInThisContext({ displayErrors: true }) as (...args: unknown[]) => unknown;
    const require = Module.createRequire(filename);
    return wrapper.call(this.exports, this.exports, require, this, filename, dirname(filename));
  };
  // A cache holds the functions its run compiled, and it is kept until the bundle changes. A run
  // that failed (a usage error, a missing privilege: exit 2 and up) compiled little of the
  // command, and a cache made from it would leave every later run compiling the rest from source
  // (a one-probe ping about 2 ms slower). So only a run that did its work writes one; exit 1
  // (no answer, a target unreachable) did its work.
  process.once('exit', (code) => {
    if (code <= EXIT_NEGATIVE) writeCaches(cacheDir);
  });
}
