// The Debian tools the benchmark compares against: found, installed with apt-get when missing,
// and their versions recorded in results.json. A tool that cannot be installed does not stop the
// run: its rows are skipped with the reason.

import { existsSync } from 'node:fs';
import { findTool } from '../lib/lab/index.js';
import { GNU_TIME, runProcess } from './proc.js';

/** Debian package -> the command that proves it is there (python3-scapy: a module, checked apart). */
export const BENCH_PACKAGES = {
  'iputils-ping': 'ping',
  hping3: 'hping3',
  traceroute: 'traceroute',
  'mtr-tiny': 'mtr',
  // trace --mtu's row.
  'iputils-tracepath': 'tracepath',
  tshark: 'tshark',
  tcpdump: 'tcpdump',
  'python3-scapy': null,
  fping: 'fping',
  // GNU time: the peak-memory figure of every whole-process row.
  time: null,
  iproute2: 'ip',
  nftables: 'nft',
  // The socket row: socat moves the bulk transfer, python3 runs the accept loop.
  socat: 'socat',
  python3: 'python3',
} as const;
export type BenchPackage = keyof typeof BENCH_PACKAGES;

/** Debian's python, where python3-scapy lives (a pyenv or venv python first in PATH lacks it). */
export const SYSTEM_PYTHON = '/usr/bin/python3';

export interface ToolReport {
  /** Package -> installed version (dpkg), or null when it is missing. */
  versions: Record<string, string | null>;
  /** Package -> why it is missing (install failed, not root...). */
  missing: Record<string, string>;
  /** Command -> full path (outside node_modules), or null. */
  paths: Record<string, string | null>;
  /** Packages this run installed. */
  installed: string[];
}

async function dpkgVersions(packages: readonly string[]): Promise<Record<string, string | null>> {
  const out: Record<string, string | null> = {};
  for (const p of packages) out[p] = null;
  try {
    const r = await runProcess(['dpkg-query', '-W', '-f', '${Package} ${db:Status-Abbrev} ${Version}\\n', ...packages], { timeoutMs: 20_000 });
    for (const line of r.stdout.split('\n')) {
      const [name, status, version] = line.trim().split(/\s+/);
      if (name !== undefined && name in out && status === 'ii' && version !== undefined) out[name] = version;
    }
  } catch {
    // no dpkg: every package counts as missing, and apt-get will say why
  }
  return out;
}

async function present(pkg: BenchPackage, versions: Record<string, string | null>): Promise<boolean> {
  if (versions[pkg] === null) return false;
  if (pkg === 'python3-scapy') {
    const r = await runProcess([SYSTEM_PYTHON, '-c', 'import scapy'], { timeoutMs: 20_000 }).catch(() => null);
    return r !== null && r.code === 0;
  }
  if (pkg === 'time') return existsSync(GNU_TIME);
  const cmd = BENCH_PACKAGES[pkg];
  return cmd === null || (await findTool(cmd)) !== null;
}

/**
 * Finds every package, installs the missing ones with apt-get (root only), and reports versions.
 * `log` receives one line per action. Never throws for a missing tool.
 */
export async function ensureTools(log: (line: string) => void, install = true): Promise<ToolReport> {
  const packages = Object.keys(BENCH_PACKAGES) as BenchPackage[];
  let versions = await dpkgVersions(packages);
  const missingNow: BenchPackage[] = [];
  for (const p of packages) if (!(await present(p, versions))) missingNow.push(p);
  const missing: Record<string, string> = {};
  const installed: string[] = [];
  if (missingNow.length > 0) {
    const apt = await findTool('apt-get');
    const root = process.getuid?.() === 0;
    let reason: string | null = null;
    if (!install) reason = 'not installed (--no-install)';
    else if (apt === null) reason = 'not installed, and apt-get is not available to install it';
    else if (!root) reason = `not installed; run as root or: sudo apt-get install ${missingNow.join(' ')}`;
    if (reason === null) {
      log(`installing from Debian: ${missingNow.join(' ')}`);
      const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
      const args = ['install', '-y', '--no-install-recommends', ...missingNow];
      let r = await runProcess([apt!, ...args], { env, timeoutMs: 600_000 });
      if (r.code !== 0) {
        // A fresh machine may have empty package lists: update once and try again.
        await runProcess([apt!, 'update'], { env, timeoutMs: 600_000 });
        r = await runProcess([apt!, ...args], { env, timeoutMs: 600_000 });
      }
      if (r.code !== 0) {
        const line = r.stderr.split('\n').map((l) => l.trim()).filter((l) => l.startsWith('E:'))[0] ?? `exit code ${String(r.code)}`;
        reason = `apt-get install failed: ${line}`;
      }
      versions = await dpkgVersions(packages);
    }
    for (const p of missingNow) {
      if (await present(p, versions)) installed.push(p);
      else {
        missing[p] = reason ?? 'apt-get install reported success but the tool is still missing';
        log(`cannot use ${p}: ${missing[p]}`);
      }
    }
  }
  const paths: Record<string, string | null> = {};
  for (const cmd of Object.values(BENCH_PACKAGES)) if (cmd !== null) paths[cmd] = await findTool(cmd);
  paths['timeout'] = await findTool('timeout');
  return { versions, missing, paths, installed };
}

/** null when the package is usable, else the reason a row using it is skipped. */
export function toolProblem(report: ToolReport, pkg: BenchPackage): string | null {
  const why = report.missing[pkg];
  return why === undefined ? null : `skipped: ${pkg} ${why}`;
}

/** The command's full path; throws when missing (callers check toolProblem first). */
export function toolPath(report: ToolReport, cmd: string): string {
  const p = report.paths[cmd];
  if (p === null || p === undefined) throw new Error(`${cmd} is not in PATH`);
  return p;
}
