// The words of the progress lines (cli/progress.ts draws them on a terminal's stderr):
//
//   sweep 23% 15012 of 65534 targets: 15104 sent, 52 alive, 14910 unreachable, 2003 targets/s, 0:25 left
//   checksum 12.3 of 80.0 MB (15%), 120000 packets, 45000 packets/s
//   lab big: r7 up (9 of 24 nodes)
import type { SweepProgress } from '../../lib/probe/sweep/index.js';

/** Colours a word when colour is on: green for alive, red for unreachable. */
export type Paint = (colour: 'green' | 'red', text: string) => string;

export function painter(on: boolean): Paint {
  const codes = { green: 32, red: 31 } as const;
  return on ? (colour, text) => `\x1b[${codes[colour]}m${text}\x1b[0m` : (_colour, text) => text;
}

/** m:ss, or h:mm:ss from an hour on. */
export function clock(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const ss = String(s % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${ss}` : `${m}:${ss}`;
}

/** A sweep's line: how many targets of how many, sent, alive, unreachable, targets finished per second, time left. */
export function sweepProgressLine(p: SweepProgress, paint: Paint): string {
  const seconds = p.elapsedNs / 1e9;
  const rate = seconds > 0 ? p.finished / seconds : 0;
  const of = p.total === null ? `${p.started} targets` : `${Math.floor((p.finished * 100) / Math.max(1, p.total))}% ${p.started} of ${p.total} targets`;
  let line = `sweep ${of}: ${p.sent} sent, ${paint('green', `${p.alive} alive`)}, ${paint('red', `${p.unreachable} unreachable`)}, ${Math.round(rate)} targets/s`;
  if (p.total !== null && rate > 0) line += `, ${clock((p.total - p.finished) / rate)} left`;
  return line;
}

function megabytes(bytes: number): string {
  return (bytes / 1e6).toFixed(1);
}

/** decode's or checksum's line: bytes read of the file's size, packets, packets per second. */
export function readProgressLine(command: string, read: number, total: number | null, packets: number, seconds: number): string {
  const size = total === null || total === 0 ? `${megabytes(read)} MB` : `${megabytes(read)} of ${megabytes(total)} MB (${Math.floor((read * 100) / total)}%)`;
  const rate = seconds > 0 ? Math.round(packets / seconds) : 0;
  return `${command} ${size}, ${packets} packets, ${rate} packets/s`;
}

/** lab up's line for each node configured. */
export function labNodeLine(lab: string, node: string, done: number, total: number): string {
  return `lab ${lab}: ${node} up (${done} of ${total} nodes)`;
}
