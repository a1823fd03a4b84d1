// tcpdump for tests (root, and toolTest(['tcpdump'])): `startTcpdump(t, args)` runs it with the
// caller's arguments (in a network namespace when given one) and resolves once it listens;
// `captureOnLoopback(t, filter, count)` gives the IP packets (IPv4 or IPv6) that match `filter`
// on lo, link header removed, and `captureOn(t, where, filter, count)` the same on any interface
// of any namespace (a lab node's). tcpdump is stopped when the test ends, whatever happened, and
// at the latest after `limitMs`.
import type { ExecutionContext } from 'ava';
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { locateNetwork, readPcapBuffer } from '../../lib/pcap/index.js';
import { tempDir } from './tmp.js';

export interface Tcpdump {
  /** tcpdump's exit code once it has stopped (its -c count reached, stop(), or the time limit). */
  exited: Promise<number | null>;
  stop(): void;
}

function whenListening(child: ChildProcess, exited: Promise<unknown>, limitMs: number): Promise<void> {
  let stderr = '';
  return new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`tcpdump did not start listening: ${stderr}`)), limitMs);
    child.stderr!.setEncoding('utf8').on('data', (d: string) => {
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
}

/**
 * `tcpdump -Z root -U -n ...args` (inside network namespace `namespace` when given), listening
 * when this resolves; stopped after `limitMs` at the latest.
 */
export async function startTcpdump(t: ExecutionContext, args: readonly string[], limitMs = 20_000, namespace: string | null = null): Promise<Tcpdump> {
  const argv = ['tcpdump', '-Z', 'root', '-U', '-n', ...args];
  const child = spawn(namespace === null ? argv[0]! : 'ip', namespace === null ? argv.slice(1) : ['netns', 'exec', namespace, ...argv], { stdio: ['ignore', 'ignore', 'pipe'] });
  const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  const stop = (): void => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
  };
  const limit = setTimeout(stop, limitMs);
  void exited.then(() => clearTimeout(limit));
  t.teardown(async () => {
    stop();
    await exited; // before a teardown removes the file it writes
  });
  await whenListening(child, exited, limitMs);
  return { exited, stop };
}

export interface Capture {
  /** Resolves once tcpdump has stopped (count reached or stopped): the IP packets it saw. */
  done(): Promise<Buffer[]>;
  stop(): void;
}

/** Where to capture: an interface, in a namespace (a lab node's) or on the host (null). */
export interface CapturePlace {
  iface: string;
  namespace: string | null;
}

/** Captures up to `count` packets matching `filter` where `place` says. */
export async function captureOn(t: ExecutionContext, place: CapturePlace, filter: string, count: number, limitMs = 20_000): Promise<Capture> {
  const file = join(tempDir(t, 'capture'), `${place.iface}.pcap`);
  const dump = await startTcpdump(t, ['-i', place.iface, '-c', String(count), '-w', file, filter], limitMs, place.namespace);
  return {
    stop: dump.stop,
    async done(): Promise<Buffer[]> {
      await dump.exited;
      const packets: Buffer[] = [];
      readPcapBuffer(readFileSync(file), (v) => {
        const loc = locateNetwork(v.buffer, v.offset, v.capturedLength, v.linkType);
        if (loc.reason === null) packets.push(Buffer.from(v.buffer.subarray(loc.offset, loc.offset + loc.length)));
      });
      return packets;
    },
  };
}

/** Captures up to `count` packets matching `filter` on lo. */
export function captureOnLoopback(t: ExecutionContext, filter: string, count: number, limitMs = 20_000): Promise<Capture> {
  return captureOn(t, { iface: 'lo', namespace: null }, filter, count, limitMs);
}
