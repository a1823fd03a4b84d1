// The npm raw-socket package, for the flood rows: installed into a directory of its own under
// the system's temp dir (never into this repository), and loaded by bench/raw-socket-flood.cjs
// through NODE_PATH. It is a nan addon built by node-gyp at install; when it does not build or
// load on this Node, the rows that use it say so.

import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT } from './lab.js';
import { lastLine, runProcess } from './proc.js';

export const RAW_SOCKET_VERSION = '1.8.1';
export const RAW_SOCKET_DIR = join(tmpdir(), 'rawprobe-bench-raw-socket');
export const RAW_SOCKET_SCRIPT = join(REPO_ROOT, 'bench', 'raw-socket-flood.cjs');

export interface RawSocketSetup {
  /** null when usable, else why its rows are skipped. */
  problem: string | null;
  version: string | null;
  /** Environment that lets the flood script require('raw-socket'). */
  env: NodeJS.ProcessEnv;
}

async function loads(env: NodeJS.ProcessEnv): Promise<string | null> {
  const r = await runProcess([process.execPath, '-e', "require('raw-socket')"], { env, timeoutMs: 30_000 });
  return r.code === 0 ? null : lastLine(r.stderr) || `exit code ${String(r.code)}`;
}

let setup: Promise<RawSocketSetup> | null = null;

/** Installs raw-socket once per run (reusing an earlier run's install when it loads). */
export function ensureRawSocket(log: (line: string) => void): Promise<RawSocketSetup> {
  setup ??= (async () => {
    const env = { ...process.env, NODE_PATH: join(RAW_SOCKET_DIR, 'node_modules') };
    const pkg = join(RAW_SOCKET_DIR, 'node_modules', 'raw-socket', 'package.json');
    const version = (): string | null => (existsSync(pkg) ? (JSON.parse(readFileSync(pkg, 'utf8')) as { version: string }).version : null);
    if (version() === RAW_SOCKET_VERSION && (await loads(env)) === null) return { problem: null, version: version(), env };
    log(`installing npm raw-socket@${RAW_SOCKET_VERSION} into ${RAW_SOCKET_DIR} (outside the repository)`);
    mkdirSync(RAW_SOCKET_DIR, { recursive: true });
    const npm = join(process.execPath, '..', 'npm');
    const r = await runProcess([existsSync(npm) ? npm : 'npm', 'install', `raw-socket@${RAW_SOCKET_VERSION}`, '--prefix', RAW_SOCKET_DIR, '--no-audit', '--no-fund', '--no-save'], {
      timeoutMs: 300_000,
      cwd: RAW_SOCKET_DIR,
    });
    if (r.code !== 0) {
      return { problem: `skipped: npm install raw-socket@${RAW_SOCKET_VERSION} failed on Node ${process.version}: ${lastLine(r.stderr) || lastLine(r.stdout)}`, version: null, env };
    }
    const why = await loads(env);
    if (why !== null) return { problem: `skipped: raw-socket@${RAW_SOCKET_VERSION} does not build or load on Node ${process.version}: ${why}`, version: version(), env };
    return { problem: null, version: version(), env };
  })();
  return setup;
}
