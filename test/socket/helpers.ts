// Shared bits for the socket tests: unique names, an ICMP echo built by hand (lib/wire is
// written in parallel; these tests must not depend on it), and waits with safety limits.
// The limits only stop a broken test from hanging: nothing here asserts on speed.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import type { EventEmitter } from 'node:events';
import { fileURLToPath } from 'node:url';

/** A name no other test process uses in this run. */
export function uniqueName(prefix: string): string {
  return `${prefix}-${process.pid}-${randomBytes(4).toString('hex')}`;
}

/** The Internet checksum (RFC 1071) over `bytes`. */
export function checksum(bytes: Uint8Array): number {
  let sum = 0;
  for (let i = 0; i + 1 < bytes.length; i += 2) sum += ((bytes[i] as number) << 8) | (bytes[i + 1] as number);
  if (bytes.length % 2 === 1) sum += (bytes[bytes.length - 1] as number) << 8;
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  return ~sum & 0xffff;
}

export interface EchoFields {
  tos: number;
  ttl: number;
  id: number;
  identifier: number;
  sequence: number;
  payload: Buffer;
  source?: string;
  destination?: string;
}

function ipv4Bytes(text: string): number[] {
  return text.split('.').map(Number);
}

/** An ICMP echo request (RFC 792) without an IP header. */
export function icmpEcho(identifier: number, sequence: number, payload: Buffer, type = 8): Buffer {
  const icmp = Buffer.alloc(8 + payload.length);
  icmp[0] = type;
  icmp[1] = 0;
  icmp.writeUInt16BE(identifier, 4);
  icmp.writeUInt16BE(sequence, 6);
  payload.copy(icmp, 8);
  icmp.writeUInt16BE(checksum(icmp), 2);
  return icmp;
}

/** A whole IPv4 packet (RFC 791, no options) carrying an ICMP echo request. */
export function ipv4Echo(f: EchoFields): Buffer {
  const icmp = icmpEcho(f.identifier, f.sequence, f.payload);
  const ip = Buffer.alloc(20);
  ip[0] = 0x45; // version 4, IHL 5 words
  ip[1] = f.tos;
  ip.writeUInt16BE(20 + icmp.length, 2);
  ip.writeUInt16BE(f.id, 4);
  ip.writeUInt16BE(0, 6); // flags and fragment offset
  ip[8] = f.ttl;
  ip[9] = 1; // ICMP
  Buffer.from(ipv4Bytes(f.source ?? '127.0.0.1')).copy(ip, 12);
  Buffer.from(ipv4Bytes(f.destination ?? '127.0.0.1')).copy(ip, 16);
  ip.writeUInt16BE(checksum(ip), 10);
  return Buffer.concat([ip, icmp]);
}

/** The fields of an IPv4 packet carrying ICMP, read by hand. */
export function readIcmpPacket(packet: Buffer): {
  tos: number;
  ttl: number;
  id: number;
  source: string;
  destination: string;
  headerChecksumOk: boolean;
  type: number;
  code: number;
  identifier: number;
  sequence: number;
  payload: Buffer;
  icmpChecksumOk: boolean;
} {
  const ihl = ((packet[0] as number) & 0x0f) * 4;
  const icmp = packet.subarray(ihl);
  return {
    tos: packet[1] as number,
    ttl: packet[8] as number,
    id: packet.readUInt16BE(4),
    source: [...packet.subarray(12, 16)].join('.'),
    destination: [...packet.subarray(16, 20)].join('.'),
    headerChecksumOk: checksum(packet.subarray(0, ihl)) === 0,
    type: icmp[0] as number,
    code: icmp[1] as number,
    identifier: icmp.readUInt16BE(4),
    sequence: icmp.readUInt16BE(6),
    payload: Buffer.from(icmp.subarray(8)),
    icmpChecksumOk: checksum(icmp) === 0,
  };
}

/** A random 16-bit value (ICMP identifiers, IP ids). */
export function random16(): number {
  return randomBytes(2).readUInt16BE(0);
}

/**
 * Resolves with the arguments of the first `event` for which `accept` returns true.
 * Rejects on 'error' or when `limitMs` passes (a safety net, not an assertion on speed).
 */
export function waitFor<A extends unknown[]>(
  emitter: EventEmitter,
  event: string,
  accept: (...args: A) => boolean,
  limitMs = 10_000,
): Promise<A> {
  return new Promise((resolve, reject) => {
    const onEvent = (...args: unknown[]): void => {
      if (!accept(...(args as A))) return;
      cleanup();
      resolve(args as A);
    };
    const onError = (error: unknown): void => {
      cleanup();
      reject(error);
    };
    const timer = setTimeout(() => {
      cleanup();
      reject(new Error(`no matching '${event}' within ${limitMs} ms`));
    }, limitMs);
    const cleanup = (): void => {
      clearTimeout(timer);
      emitter.off(event, onEvent);
      emitter.off('error', onError);
    };
    emitter.on(event, onEvent);
    emitter.on('error', onError);
  });
}

export function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Path of a compiled child script in dist/test/socket/children/. */
export function childScript(name: string): string {
  return fileURLToPath(new URL(`./children/${name}.js`, import.meta.url));
}

export interface RunningChild {
  child: ChildProcess;
  /** Lines the child has written to stdout so far. */
  lines: string[];
  /** Resolves with the next stdout line matching `accept`. */
  nextLine(accept: (line: string) => boolean, limitMs?: number): Promise<string>;
  /** Resolves with the exit code; kills the child and rejects after `limitMs`. */
  exited(limitMs?: number): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  stderr(): string;
}

/** Starts `command args`, collecting stdout lines; always killed by the caller's teardown. */
export function runChild(command: string, args: string[]): RunningChild {
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  const lines: string[] = [];
  let pending = '';
  let err = '';
  const waiters: Array<() => void> = [];
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
    pending += chunk;
    let nl: number;
    while ((nl = pending.indexOf('\n')) >= 0) {
      lines.push(pending.slice(0, nl));
      pending = pending.slice(nl + 1);
    }
    for (const w of waiters.splice(0)) w();
  });
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
    err += chunk;
  });
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.on('exit', (code, signal) => resolve({ code, signal }));
  });
  // 'close' comes after the last of stdout: a line printed just before exiting is then in `lines`
  // ('exit' may come first, and a wait that gave up on it missed that line).
  let closed = false;
  child.on('close', () => {
    closed = true;
    for (const w of waiters.splice(0)) w();
  });
  let seen = 0;
  return {
    child,
    lines,
    stderr: () => err,
    nextLine(accept, limitMs = 20_000) {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`child printed no matching line within ${limitMs} ms; stderr: ${err}`)), limitMs);
        const check = (): void => {
          while (seen < lines.length) {
            const line = lines[seen++] as string;
            if (accept(line)) {
              clearTimeout(timer);
              resolve(line);
              return;
            }
          }
          if (closed) {
            clearTimeout(timer);
            reject(new Error(`child exited (${child.exitCode ?? child.signalCode}) before a matching line; stderr: ${err}`));
            return;
          }
          waiters.push(check);
        };
        check();
      });
    },
    exited(limitMs = 20_000) {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          child.kill('SIGKILL');
          reject(new Error(`child did not exit by itself within ${limitMs} ms`));
        }, limitMs);
        void exit.then((result) => {
          clearTimeout(timer);
          resolve(result);
        });
      });
    },
  };
}
