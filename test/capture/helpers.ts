// What the capture tests share: the frames of a capture file as we read them and as tshark reads
// them, tcpdump and `rawprobe capture` started side by side (in a namespace or not) and stopped
// with SIGINT, and a wait until a file holds a given packet. Waits have limits only so a broken
// build fails instead of hanging; nothing asserts on time.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { readPcapBuffer } from '../../lib/pcap/index.js';
import { live, type Live } from './live.js';

export interface Frame {
  linkType: number;
  bytes: Buffer;
  originalLength: number;
  sec: number;
  nsec: number;
}

/** Every frame of a pcap or pcapng file, read by lib/pcap ([] while the file is not there or has no header yet). */
export function framesOf(file: string): Frame[] {
  if (!existsSync(file)) return [];
  const data = readFileSync(file);
  const out: Frame[] = [];
  try {
    readPcapBuffer(data, (v) => {
      out.push({
        linkType: v.linkType,
        bytes: Buffer.from(v.buffer.subarray(v.offset, v.offset + v.capturedLength)),
        originalLength: v.originalLength,
        sec: v.tsSec,
        nsec: v.tsNsec,
      });
    });
  } catch {
    // a file still being written may end mid-record: the frames before it are what is there
  }
  return out;
}

/** Every frame of a capture file as tshark reads it (`tshark -r FILE -x`), bytes only. */
export function tsharkFrames(file: string): Buffer[] {
  const r = spawnSync('tshark', ['-r', file, '-x'], { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  if (r.status !== 0) throw new Error(`tshark -r ${file} failed: ${r.stderr}`);
  const frames: Buffer[] = [];
  let current: number[] | null = null;
  let source = 0; // data sources within a frame ("Frame (N bytes):", "Reassembled ..."): keep the first
  const end = (): void => {
    if (current !== null && current.length > 0) frames.push(Buffer.from(current));
    current = null;
    source = 0;
  };
  for (const line of r.stdout.split('\n')) {
    if (line.trim() === '') {
      end();
      continue;
    }
    if (/^\S.*\(\d+ bytes\):$/.test(line)) {
      source++;
      continue;
    }
    const m = /^[0-9a-f]{4,}  ((?:[0-9a-f]{2} )*[0-9a-f]{2})/.exec(line);
    if (m === null || source > 1) continue;
    current ??= [];
    for (const byte of m[1]!.split(' ')) current.push(parseInt(byte, 16));
  }
  end();
  return frames;
}

/** The frames as sorted hex strings: two captures of the same traffic compare equal as sets. */
export function frameSet(frames: readonly (Buffer | Frame)[]): string[] {
  return frames.map((f) => (Buffer.isBuffer(f) ? f : f.bytes).toString('hex')).sort();
}

/** Resolves once `test` holds for the frames of `file`; throws after `limitMs`. */
export async function untilFrames(file: string, test: (frames: Frame[]) => boolean, what: string, limitMs = 30_000): Promise<Frame[]> {
  const start = Date.now();
  for (;;) {
    const frames = framesOf(file);
    if (test(frames)) return frames;
    if (Date.now() - start > limitMs) throw new Error(`${what}: not in ${file} after ${limitMs} ms (${frames.length} frames there)`);
    await sleep(50);
  }
}

/** tcpdump writing `file` (packet-buffered, immediate mode), started and listening. */
export async function startTcpdumpTo(args: readonly string[], file: string, netns?: string): Promise<Live> {
  const p = live(['-Z', 'root', '-n', '-U', '--immediate-mode', '-w', file, ...args], { command: 'tcpdump', ...(netns === undefined ? {} : { netns }) });
  await p.until((_, err) => err.includes('listening on'), 'tcpdump listening');
  return p;
}

/** `rawprobe capture ...args`, started and listening. */
export async function startCapture(args: readonly string[], netns?: string): Promise<Live> {
  const p = live(['capture', ...args], netns === undefined ? {} : { netns });
  await p.until((_, err) => err.includes('listening on'), 'rawprobe capture listening');
  return p;
}

/** SIGINT, then the exit; the process's stderr is returned (statistics). */
export async function interrupt(p: Live): Promise<{ code: number | null; stderr: string; stdout: string }> {
  p.child.kill('SIGINT');
  const end = await p.exited;
  return { code: end.code, stderr: p.stderr(), stdout: p.stdout() };
}

/** tcpdump's (and our) end-of-run counts. */
export function parseStats(stderr: string): { captured: number; received: number; dropped: number } {
  const n = (what: string): number => {
    const m = new RegExp(`^(\\d+) packets? ${what}$`, 'm').exec(stderr);
    if (m === null) throw new Error(`no "${what}" line in: ${stderr}`);
    return Number(m[1]);
  };
  return { captured: n('captured'), received: n('received by filter'), dropped: n('dropped by kernel') };
}
