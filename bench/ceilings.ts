// The machine's ceilings: small C programs (bench/c/) that do a row's job as directly as C on
// this kernel allows, compiled with cc at bench time into a folder of the system's temp dir that
// is removed at exit (no binary is ever committed), so that rawprobe's figures are read as a
// fraction of what the machine can do, measured in the same run:
//
//   raw-sender      sendmmsg of 64 prebuilt IP_HDRINCL echo requests, over and over, on one
//                   thread or several (send --rate max)
//   pcap-checksum   the checksum checks over a pcap in memory (rawprobe checksum, checkCapture)
//   flood-ceiling   an echo flood with kernel stamps at both ends, one thread (ping -f)
//   sweep6-ceiling  sweep -6 of a list: IPV6_HDRINCL echo requests by sendmmsg, answers read after
//                   each call, one line per live target (sweep -6 --rate max)
//
// When cc is missing or a program does not compile, the rows that use it say why.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findTool } from '../lib/lab/index.js';
import { REPO_ROOT } from './lab.js';
import { lastLine, runProcess } from './proc.js';

export const CEILINGS = ['raw-sender', 'pcap-checksum', 'flood-ceiling', 'sweep6-ceiling'] as const;
export type Ceiling = (typeof CEILINGS)[number];

export interface CeilingBuild {
  /** The program's path, or null with `problem` saying why. */
  path: string | null;
  problem: string | null;
  /** The compiler's version line, for results.json. */
  compiler: string | null;
}

const builds = new Map<Ceiling, Promise<CeilingBuild>>();
let outDir: string | null = null;

/**
 * This process's own folder for the programs: made on first use, removed at exit. Not one fixed
 * name: a folder another user made first (root's bench run, then the tests unprivileged) could
 * not be written to.
 */
function buildDir(): string {
  if (outDir === null) {
    const dir = mkdtempSync(join(tmpdir(), 'rawprobe-bench-ceilings-'));
    outDir = dir;
    process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
  }
  return outDir;
}

/** Compiles bench/c/<name>.c once per run with `cc -O2 -pthread`. */
export function ceiling(name: Ceiling): Promise<CeilingBuild> {
  let p = builds.get(name);
  if (p === undefined) {
    p = (async () => {
      const cc = await findTool('cc');
      if (cc === null) return { path: null, problem: 'skipped: no C compiler (cc): apt-get install gcc', compiler: null };
      const version = await runProcess([cc, '--version'], { timeoutMs: 20_000 });
      const out = join(buildDir(), name);
      const r = await runProcess([cc, '-O2', '-Wall', '-pthread', '-o', out, join(REPO_ROOT, 'bench', 'c', `${name}.c`)], { timeoutMs: 120_000 });
      const compiler = version.stdout.split('\n')[0]?.trim() ?? null;
      if (r.code !== 0) return { path: null, problem: `failed: cc could not build bench/c/${name}.c: ${lastLine(r.stderr)}`, compiler };
      return { path: out, problem: null, compiler };
    })();
    builds.set(name, p);
  }
  return p;
}
