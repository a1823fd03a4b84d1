// What `rawprobe send` prints: each packet as built ("packet ..." with --dry-run, "send ..."),
// its hex, the kernel's changes, the line before sending, each reply, the totals; with --json
// one object per packet, reply and the summary. The packets' own lines are cli/format/packet.ts's.
import type { KernelChange, Reply, SendStats } from '../../lib/craft/index.js';
import { decodeBytes, frameJson, summaryLine, type DecodedFrame } from './packet.js';

/** "hex 4500 0024 ..." in 16-bit groups, 32 bytes per line, as tcpdump -x lays them out. */
export function formatHexLine(bytes: Uint8Array): string {
  const hex = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex');
  const lines: string[] = [];
  for (let i = 0; i < hex.length; i += 64) {
    const row = hex.slice(i, i + 64).replace(/(.{4})/g, '$1 ').trim();
    lines.push(`${i === 0 ? 'hex' : '   '} ${row}`);
  }
  return `${lines.join('\n')}\n`;
}

/** "ip.checksum 0xdead -> computed by the kernel", "ip.totalLength 200 -> 28". */
export function changeText(c: KernelChange): string {
  const v = (x: number | string | null): string => {
    if (x === null) return c.field === 'checksum' ? 'computed by the kernel' : 'chosen by the kernel';
    if (typeof x === 'number' && (c.field === 'checksum' || c.field === 'id')) return `0x${x.toString(16).padStart(4, '0')}`;
    return String(x);
  };
  return `ip.${c.field} ${v(c.given)} -> ${v(c.sent)}`;
}

/** The one warning line (stderr) for the changes people asked for and the kernel will undo, or null. */
export function kernelWarningLine(changes: ReadonlyMap<string, number>, packets: number): string | null {
  if (changes.size === 0) return null;
  const list = [...changes].map(([text, n]) => (packets > 1 && n > 1 ? `${text} (${n} packets)` : text));
  return `rawprobe: warning: the kernel overwrites with IP_HDRINCL (raw(7)): ${list.join(', ')}\n`;
}

/** --from-hex: the packets of the capture that are not IP (stderr). */
export function skippedLine(name: string, skipped: number): string {
  return `rawprobe: ${name}: skipped ${skipped === 1 ? '1 packet that is' : `${skipped} packets that are`} neither IPv4 nor IPv6\n`;
}

/** --from-*: the packets of the other IP version, left for a run of their own (stderr). */
export function otherVersionLine(name: string, skipped: number, version: 4 | 6): string {
  const what = skipped === 1 ? `1 IPv${version} packet` : `${skipped} IPv${version} packets`;
  return `rawprobe: ${name}: skipped ${what}: one run sends one IP version${version === 6 ? ' (-6 sends the IPv6 ones)' : ''}\n`;
}

/** A packet as built: its line, its hex (--dry-run, -v), and with -v its fields and the kernel's changes. */
export function packetText(bytes: Buffer, index: number, how: { dryRun: boolean; verbose: boolean; fieldTable: ((d: DecodedFrame) => string) | null }, changes: readonly KernelChange[]): string {
  const d = decodeBytes(bytes, index);
  let text = `${how.dryRun ? 'packet' : 'send'} ${summaryLine(d)}\n`;
  if (how.verbose || how.dryRun) text += formatHexLine(bytes);
  if (how.fieldTable !== null) {
    text += how.fieldTable(d);
    for (const c of changes) text += `kernel: ${changeText(c)} (${c.rule})\n`;
  }
  return text;
}

/** After the first packets of a long list (send's walks): how many more were built, not shown. */
export function morePacketsLine(more: number): string {
  return `... ${plural(more, 'more packet')} like these (--json lists every one)\n`;
}

export function packetJson(bytes: Buffer, index: number, changes: readonly KernelChange[]): Record<string, unknown> {
  return { event: 'packet', hex: bytes.toString('hex'), kernelChanges: changes, packet: frameJson(decodeBytes(bytes, index)) };
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/**
 * How the packets will be paced: rate null paces by the interval, or by the gaps when there are
 * (each packet's time after the one before, as captured); 'max' as fast as possible.
 */
export interface Pacing {
  count: number;
  rate: number | 'max' | null;
  intervalMs: number;
  gapsMs: number[] | null;
  waitMs: number;
  /** Threads that send at rate max (--send-threads). */
  threads: number;
}

function paceText(p: Pacing): string {
  if (p.rate === 'max') return `, as fast as the socket takes them${p.threads > 1 ? ` (${p.threads} send threads)` : ''}`;
  if (p.rate !== null) return `, ${p.rate} per second`;
  if (p.gapsMs !== null) return `, at the times they were captured (${(p.gapsMs.reduce((a, b) => a + b, 0) / 1000).toFixed(3)} s for the list)`;
  return p.intervalMs === 0 ? ', one after the other without pause' : `, one every ${p.intervalMs} ms`;
}

/** "sending 3 packets to 127.0.0.1, one every 5 ms; replies for up to 100 ms after the last" */
export function sendingLine(destinations: readonly string[], p: Pacing): string {
  const pace = p.count > 1 ? paceText(p) : '';
  const listen = p.waitMs > 0 ? `; replies for up to ${p.waitMs} ms after the last` : '';
  return `sending ${plural(p.count, 'packet')} to ${destinations.join(', ')}${pace}${listen}\n`;
}

/** "sent ..." with -v: each packet as it leaves. */
export function sentLine(packet: Uint8Array, index: number): string {
  return `sent ${summaryLine(decodeBytes(packet, index))}\n`;
}

/**
 * A reply: its line and round trip, or its object with --json. Replies are read from a raw
 * socket: their checksums are judged as the kernel judged them on arrival (lib/check,
 * VerifyOptions.received), so a header the kernel rewrote (record route, timestamp) is not bad.
 */
export function replyText(r: Reply): string {
  const rtt = r.rttMs === null ? '' : `, rtt ${r.rttMs.toFixed(3)} ms`;
  return `reply ${summaryLine(decodeBytes(r.bytes, r.probe, null, true))}${rtt}\n`;
}

export function replyJson(r: Reply): Record<string, unknown> {
  return { event: 'reply', kind: r.kind, probe: r.probe, from: r.info.address, rttMs: r.rttMs, packet: frameJson(decodeBytes(r.bytes, r.probe, null, true)) };
}

/** "--- sent 3 packets (84 bytes) in 10.123 ms, 198 packets/s, 3 replies" */
export function totalsLine(s: SendStats, waitMs: number, firstError: string | null): string {
  const pps = s.sendMs > 0 && s.sent > 1 ? `, ${Math.round(((s.sent - 1) * 1000) / s.sendMs)} packets/s` : '';
  let line = `--- sent ${plural(s.sent, 'packet')} (${s.bytes} bytes) in ${s.sendMs.toFixed(3)} ms${pps}`;
  if (waitMs > 0) line += `, ${plural(s.replies, 'reply').replace('replys', 'replies')}`;
  if (s.errors > 0) line += `, ${s.errors} refused (first: ${firstError})`;
  if (s.aborted) line += ' (interrupted)';
  return `${line}\n`;
}

export function totalsJson(s: SendStats, firstError: string | null): Record<string, unknown> {
  return { event: 'summary', sent: s.sent, bytes: s.bytes, sendMs: s.sendMs, replies: s.replies, errors: s.errors, firstError, aborted: s.aborted };
}
