// What the tests of `rawprobe send` share: values no other test of the run uses for identifiers
// and ports (so a capture's filter sees only its own packets), the bytes --dry-run printed, and a
// send captured on lo.
import type { ExecutionContext } from 'ava';
import { randomInt } from 'node:crypto';
import { rawprobe } from './cli.js';
import { captureOnLoopback } from './tcpdump.js';

/** A 16-bit value no other test of this run uses (ICMP identifiers, ports). */
let nextUnique = randomInt(1000, 20000);
export function unique(): number {
  nextUnique += 7;
  return 20000 + (nextUnique % 40000);
}

/** The bytes --dry-run printed: the "hex ..." lines (and their continuation lines) of each packet. */
export function dryHex(stdout: string): Buffer[] {
  const packets: string[] = [];
  for (const line of stdout.split('\n')) {
    if (line.startsWith('hex ')) packets.push(line.slice(4));
    else if (line.startsWith('    ') && packets.length > 0) packets[packets.length - 1] += line.slice(4);
  }
  return packets.map((p) => Buffer.from(p.replace(/\s/g, ''), 'hex'));
}

/** `rawprobe send ...args` while tcpdump captures up to `count` packets matching `filter` on lo. */
export async function sendAndCapture(t: ExecutionContext, filter: string, count: number, args: string[]): Promise<{ packets: Buffer[]; stdout: string; stderr: string; code: number | null }> {
  const capture = await captureOnLoopback(t, filter, count);
  const r = await rawprobe(['send', ...args]);
  const packets = await capture.done();
  return { packets, stdout: r.stdout, stderr: r.stderr, code: r.code };
}
