// Running the built CLI as a user does (./rawprobe, that is node dist/app/main.js ...), with stdin, a fixed time zone
// and a safety limit, and capturing on loopback with tcpdump around it. Shared by the decode,
// checksum, send and sockopt tests. Limits only stop a broken test from hanging; nothing here
// asserts on time.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { locateIpv4, readPcapBuffer } from '../../lib/pcap/index.js';

export const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
/** The CLI as shipped: the bundle cli/bundle.ts makes, which ./rawprobe runs. */
export const MAIN = join(ROOT, 'dist/app/main.js');
/** tsc's output of cli/main.ts, one module per source file (test/cli/startup.test.ts). */
export const UNBUNDLED_MAIN = join(ROOT, 'dist/cli/main.js');
export const PCAP_FIXTURES = join(ROOT, 'fixtures/pcap');

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  /** Written to stdin, which is then closed (stdin is /dev/null-like when absent). */
  input?: string | Buffer;
  env?: NodeJS.ProcessEnv;
  timeoutMs?: number;
}

/** Runs `rawprobe ...args`; TZ=UTC so decode's local times are stable. */
export function rawprobe(args: string[], options: RunOptions = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [MAIN, ...args], {
      cwd: ROOT,
      env: { ...process.env, TZ: 'UTC', ...options.env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`rawprobe ${args.join(' ')} still running after ${options.timeoutMs ?? 60_000} ms; stderr: ${stderr}`));
    }, options.timeoutMs ?? 60_000);
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
    child.stdin.on('error', () => {}); // a command that exits before reading stdin
    child.stdin.end(options.input ?? '');
  });
}

const tempDirs: string[] = [];
process.once('exit', () => {
  for (const d of tempDirs) rmSync(d, { recursive: true, force: true });
});

/** A temporary directory, removed when the test process exits. */
export function tempDir(tag: string): string {
  const d = mkdtempSync(join(tmpdir(), `rawprobe-${tag}-`));
  tempDirs.push(d);
  return d;
}

/** A fixture capture's path. */
export function fixture(name: string): string {
  return join(PCAP_FIXTURES, name);
}

export interface Capture {
  /** Resolves once tcpdump has stopped (count reached or stopped); the IPv4 packets it saw, link header removed. */
  done(): Promise<Buffer[]>;
  stop(): void;
}

/**
 * Starts `tcpdump -i lo` writing `count` packets matching `filter` to a temporary file and resolves
 * once it listens. Packets are returned without their link-layer header. Always call stop() in
 * a teardown: tcpdump is killed if still running.
 */
export async function captureOnLoopback(filter: string, count: number, limitMs = 20_000): Promise<Capture> {
  const file = join(tempDir('capture'), 'lo.pcap');
  const child = spawn('tcpdump', ['-Z', 'root', '-U', '-n', '-i', 'lo', '-c', String(count), '-w', file, filter], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  const exited = new Promise<void>((resolve) => child.on('close', () => resolve()));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`tcpdump did not start listening: ${stderr}`)), limitMs);
    child.stderr.setEncoding('utf8').on('data', (d: string) => {
      stderr += d;
      if (stderr.includes('listening on')) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    void exited.then(() => {
      clearTimeout(timer);
      reject(new Error(`tcpdump exited before listening: ${stderr}`));
    });
  });
  const stop = (): void => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
  };
  return {
    stop,
    async done(): Promise<Buffer[]> {
      const timer = setTimeout(stop, limitMs);
      await exited;
      clearTimeout(timer);
      const packets: Buffer[] = [];
      readPcapBuffer(readFileSync(file), (v) => {
        const loc = locateIpv4(v.buffer, v.offset, v.capturedLength, v.linkType);
        if (loc.reason === null) packets.push(Buffer.from(v.buffer.subarray(loc.offset, loc.offset + loc.length)));
      });
      return packets;
    },
  };
}

/** True when `tool` is on the PATH. */
export function hasTool(tool: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${tool}`], { stdio: 'ignore' }).status === 0;
}
