// Shared bits for the classic socket tests: the Python peer, where each family's test
// addresses live, the messages both sides send, and a count of this process's descriptors.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

import type { ExecutionContext } from 'ava';

import type { Family, SocketType } from '../../../lib/socket/index.js';
import { runChild, uniqueName, type RunningChild } from '../helpers.js';

export const PEER_PY = fileURLToPath(new URL('../../../../test/socket/classic/peer.py', import.meta.url));

let python: boolean | null = null;

/** true when python3 runs here; tests that need it skip visibly otherwise (t.log + pass is never used). */
export function hasPython(): boolean {
  if (python === null) {
    try {
      execFileSync('python3', ['-c', 'import socket'], { stdio: 'ignore' });
      python = true;
    } catch {
      python = false;
    }
  }
  return python;
}

/** The open descriptors of this process (/proc/self/fd, less the one readdir itself opens). */
export function openFds(): number {
  return readdirSync('/proc/self/fd').length - 1;
}

/** A fresh directory for unix socket paths, removed by the test's teardown. */
export function tempDir(t: ExecutionContext): string {
  const dir = mkdtempSync(join(tmpdir(), 'rawprobe-classic-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** How a test names addresses: 'unix' with a path, or 'unix-abstract' with a Linux abstract name. */
export type Place = 'inet' | 'inet6' | 'unix' | 'unix-abstract';

export function familyOf(place: Place): Family {
  return place === 'unix-abstract' ? 'unix' : place;
}

/** A listening address for `place`: port 0 (the kernel picks), a path in `dir`, or an abstract name. */
export function serverAddress(place: Place, dir: string, name = 'server'): string {
  if (place === 'inet') return '127.0.0.1';
  if (place === 'inet6') return '::1';
  if (place === 'unix') return join(dir, `${name}.sock`);
  return `\0${uniqueName(`rawprobe-${name}`)}`;
}

/** The address as peer.py takes it: HOST:PORT, [::1]:PORT, a path, or @NAME. */
export function peerAddressArg(place: Place, address: string, port: number): string {
  if (place === 'inet') return `${address}:${port}`;
  if (place === 'inet6') return `[${address}]:${port}`;
  return address.startsWith('\0') ? `@${address.slice(1)}` : address;
}

/** What the client side sends: text, bytes no text codec would keep, and a larger message. */
export const CLIENT_MESSAGES: readonly Buffer[] = [
  Buffer.from('hello'),
  Buffer.from([0, 1, 2, 0xfe, 0xff, 0, 0x80]),
  Buffer.alloc(3000, 0x5a),
];

/** What the server side answers with. */
export const SERVER_MESSAGES: readonly Buffer[] = [Buffer.from('world'), Buffer.from('and goodbye'), Buffer.alloc(1500, 0xa5)];

export const hex = (messages: readonly Buffer[]): string => messages.map((m) => m.toString('hex')).join(',');

export interface PeerReport {
  received: string[];
  peer: { address: string; port: number | null };
}

export interface PythonPeer {
  child: RunningChild;
  /** The address it bound (servers), from its "ready" line. */
  ready(): Promise<{ address: string; port: number | null }>;
  /** Its "received" line. */
  report(): Promise<PeerReport>;
}

/** Starts peer.py; the test's teardown kills it if it is still running. */
export function pythonPeer(t: ExecutionContext, role: 'server' | 'client', family: Family, type: SocketType, address: string, options: Record<string, string> = {}): PythonPeer {
  const args = [PEER_PY, role, family, type, address, ...Object.entries(options).flat()];
  const child = runChild('python3', args);
  t.teardown(() => child.child.kill('SIGKILL'));
  const line = async (key: string): Promise<unknown> => {
    const text = await child.nextLine((l) => l.startsWith(`{"${key}"`));
    return (JSON.parse(text) as Record<string, unknown>)[key];
  };
  return {
    child,
    ready: async () => (await line('ready')) as { address: string; port: number | null },
    report: async () => JSON.parse(await child.nextLine((l) => l.startsWith('{"received"'))) as PeerReport,
  };
}

export const kinds = (messages: readonly Buffer[]): string[] => messages.map((m) => m.toString('hex'));
export const joined = (chunks: readonly string[]): string => chunks.join('');

export type ConnectionType = Extract<SocketType, 'stream' | 'seqpacket'>;

/** The family x type combinations Linux offers (seqpacket only on unix). */
export function combinations(): Array<{ place: Place; type: SocketType }> {
  const out: Array<{ place: Place; type: SocketType }> = [];
  for (const place of ['inet', 'inet6', 'unix', 'unix-abstract'] as const) {
    for (const type of ['stream', 'dgram', 'seqpacket'] as const) {
      if (type === 'seqpacket' && familyOf(place) !== 'unix') continue;
      out.push({ place, type });
    }
  }
  return out;
}

let warned = false;

/** `test` when python3 is here, otherwise `test.skip` plus one visible line saying why. */
export function pythonTest(test: typeof import('ava').default): typeof import('ava').default {
  if (hasPython()) return test;
  if (!warned) {
    warned = true;
    process.stderr.write('rawprobe tests: python3 is missing: skipping the tests against Python peers (apt-get install python3)\n');
  }
  return test.skip as unknown as typeof import('ava').default;
}

/** Every recv until the end of the stream (a recv of 0 bytes), each as it came. */
export async function recvUntilEnd(socket: { recv(size?: number, options?: { timeout?: number | null }): Promise<Buffer> }): Promise<Buffer[]> {
  const chunks: Buffer[] = [];
  for (;;) {
    const data = await socket.recv(65536, { timeout: 20_000 });
    if (data.length === 0) return chunks;
    chunks.push(data);
  }
}
