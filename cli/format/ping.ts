// What `rawprobe ping` prints: iputils ping's shapes exactly (ping.c, ping_common.c of iputils
// 20221126), because people parse them with scripts, and one JSON object per event with --json.
//
//   PING 127.0.0.1 (127.0.0.1) 56(84) bytes of data.
//   64 bytes from 127.0.0.1: icmp_seq=1 ttl=64 time=0.045 ms
//   From 198.51.100.2 icmp_seq=1 Time to live exceeded
//   64 bytes from 127.0.0.1: icmp_seq=1 ttl=64 time=0.051 ms (DUP!)
//
//   --- 127.0.0.1 ping statistics ---
//   3 packets transmitted, 3 received, +1 duplicates, 0% packet loss, time 2003ms
//   rtt min/avg/max/mdev = 0.045/0.050/0.058/0.005 ms
//
// Ours beyond iputils, in its own style: "tos=0x20 (sent 0xb8)" when a reply's TOS differs
// from the probe's, " (LATE!)" for a reply after its timeout (then "+N late" in the summary),
// and a time on every reply even below 16 data bytes (iputils needs the bytes for its
// timestamp; our times come from the kernel). -R and -T's lines are ping-options.ts's.
import type { PingEvent, PingIcmpError, PingNoAnswer, PingReply, PingSendError, PingStart, PingSummary } from '../../lib/probe/index.js';
import { hex8 } from './hex.js';
import { ipOptionsJson } from './ping-options.js';
import { timestampsJson } from './timestamps.js';

// ---- numbers as iputils prints them ---------------------------------------------------------

/** A reply's time= value from whole microseconds (gather_statistics()'s four cases). */
export function formatReplyTime(us: number): string {
  if (us >= 100000 - 50) return `${Math.trunc((us + 500) / 1000)}`;
  if (us >= 10000 - 5) return `${Math.trunc((us + 50) / 1000)}.${Math.trunc(((us + 50) % 1000) / 100)}`;
  if (us >= 1000) return `${Math.trunc((us + 5) / 1000)}.${pad(Math.trunc(((us + 5) % 1000) / 10), 2)}`;
  return `${Math.trunc(us / 1000)}.${pad(us % 1000, 3)}`;
}

/** %ld.%03ld of whole microseconds: the summary's milliseconds. */
export function formatMs(us: number): string {
  return `${Math.trunc(us / 1000)}.${pad(Math.trunc(us % 1000), 3)}`;
}

function pad(n: number, width: number): string {
  return String(n).padStart(width, '0');
}

/** C's printf("%g"): six significant digits, trailing zeros dropped, exponent below 1e-4. */
export function formatG(value: number): string {
  if (value === 0) return '0';
  if (!Number.isFinite(value)) return String(value);
  const exponential = value.toExponential(5); // d.ddddde±X, rounded to 6 significant digits
  const exponent = Number(exponential.slice(exponential.indexOf('e') + 1));
  if (exponent < -4 || exponent >= 6) {
    const [mantissa, exp] = exponential.split('e') as [string, string];
    const sign = exp.startsWith('-') ? '-' : '+';
    const digits = exp.replace(/^[+-]/, '').padStart(2, '0');
    return `${stripZeros(mantissa)}e${sign}${digits}`;
  }
  return stripZeros(value.toFixed(5 - exponent));
}

function stripZeros(text: string): string {
  if (!text.includes('.')) return text;
  return text.replace(/0+$/, '').replace(/\.$/, '');
}

/** iputils -D: "[1700000000.123456] " from epoch milliseconds. */
export function formatTimestamp(epochMs: number): string {
  const us = Math.round(epochMs * 1000);
  return `[${Math.floor(us / 1e6)}.${pad(us % 1e6, 6)}] `;
}

// ---- lines ----------------------------------------------------------------------------------

/** "PATTERN: 0x..." (before the PING line when -p is given, unless quiet). */
export function patternLine(start: PingStart): string | null {
  return start.pattern === null ? null : `PATTERN: 0x${start.pattern}`;
}

/**
 * "PING host (address) [from source [device]: ]56(84) bytes of data." (-I, -B: "from"); IPv6 in
 * ping6's words: "PING host(address) [, flow 0x0007b, ][from source : ]56 data bytes".
 */
export function headerLine(start: PingStart): string {
  const from = start.bound || start.device !== null ? `from ${start.source} ${start.device ?? ''}: ` : '';
  if (start.version === 6) {
    const flow = start.flowLabel !== 0 ? `, flow 0x${start.flowLabel.toString(16).padStart(5, '0')}, ` : '';
    const address = start.host === start.address ? start.address : `${start.host} (${start.address})`;
    return `PING ${start.host}(${address}) ${flow}${from}${start.size} data bytes`;
  }
  return `PING ${start.host} (${start.address}) ${from}${start.size}(${start.packetSize}) bytes of data.`;
}

/**
 * Lines iputils writes to stderr before its PING line: pinging a broadcast address (-b), and a
 * source the route gave that is not an address of the -I interface.
 */
export function startWarnings(start: PingStart): string[] {
  const out: string[] = [];
  if (start.broadcastTarget) out.push('WARNING: pinging broadcast address');
  if (start.sourceOnDevice === false) out.push(`rawprobe: Warning: source address might be selected on device other than: ${start.device ?? ''}`);
  return out;
}

/** How reply lines differ by option: -v's ident=, and (DUP!) only with -v when any host may answer (-b, multicast). */
export interface ReplyStyle {
  /** The ICMP identifier shown as ident= (-v), or null. */
  ident: number | null;
  /** Mark duplicates with (DUP!). */
  duplicates: boolean;
}

const PLAIN: ReplyStyle = { ident: null, duplicates: true };

/** iputils' style for a session: -v shows ident= and every DUP!; a broadcast or multicast ping hides DUP! otherwise. */
export function replyStyle(start: PingStart, verbose: boolean): ReplyStyle {
  return { ident: verbose ? start.identifier : null, duplicates: verbose || !start.anySource };
}

/**
 * The reply line, after "[timestamp] " when -D. `who` is "address" or "name (address)".
 */
export function replyLine(e: PingReply, who: string, style: ReplyStyle = PLAIN): string {
  let line = `${e.bytes} bytes from ${who}: icmp_seq=${e.seq}`;
  if (style.ident !== null) line += ` ident=${style.ident}`;
  line += ` ttl=${e.ttl}`;
  if (e.truncated && !e.badChecksum) return `${line} (truncated)`;
  line += ` time=${formatReplyTime(e.rttUs)} ms`;
  if (e.tos !== e.sentTos) line += ` tos=${hex8(e.tos)} (sent ${hex8(e.sentTos)})`;
  if (e.duplicate && style.duplicates) line += ' (DUP!)';
  if (e.badChecksum) line += ' (BAD CHECKSUM!)';
  if (e.late) line += ' (LATE!)';
  if (e.wrongData) line += ' (WRONG DATA!)';
  return line;
}

/** "From router icmp_seq=N Time to live exceeded"; redirects and source quench have a colon (iputils). */
export function errorLine(e: PingIcmpError, who: string): string {
  if (e.type === 'notice') return `From ${who}: icmp_seq=${e.seq} ${e.badChecksum ? '(BAD CHECKSUM)' : ''}${e.message}`;
  return `From ${who} icmp_seq=${e.seq} ${e.message}`;
}

export function noAnswerLine(e: PingNoAnswer): string {
  return `no answer yet for icmp_seq=${e.seq}`;
}

/**
 * A probe the kernel refused (stderr). iputils: "local error: message too long, mtu=1500", with
 * the MTU the kernel held it to (`mtu`: the route's, or the last Fragmentation Needed's).
 */
export function sendErrorLine(e: PingSendError, mtu: number | null): string {
  const line =
    e.code === 'EMSGSIZE'
      ? `rawprobe: local error: message too long${mtu === null ? '' : `, mtu=${mtu}`} (icmp_seq=${e.seq})`
      : `rawprobe: sendmsg: ${e.message}`;
  return `${line}\n`;
}

/** The statistics block, leading blank line included, each line ending in "\n" (finish()). */
export function summaryText(s: PingSummary): string {
  let counts = `${s.transmitted} packets transmitted, ${s.received} received`;
  if (s.duplicates > 0) counts += `, +${s.duplicates} duplicates`;
  if (s.corrupted > 0) counts += `, +${s.corrupted} corrupted`;
  if (s.errors > 0) counts += `, +${s.errors} errors`;
  if (s.late > 0) counts += `, +${s.late} late`;
  if (s.transmitted > 0) counts += `, ${formatG(s.loss)}% packet loss, time ${s.timeMs}ms`;
  let last = '';
  let comma = '';
  if (s.rttUs !== null) {
    const r = s.rttUs;
    last = `rtt min/avg/max/mdev = ${formatMs(r.min)}/${formatMs(r.avg)}/${formatMs(r.max)}/${formatMs(r.mdev)} ms`;
    comma = ', ';
  }
  if (s.pipe > 1) {
    last += `${comma}pipe ${s.pipe}`;
    comma = ', ';
  }
  if (s.ipgUs !== null && s.ewmaUs !== null) last += `${comma}ipg/ewma ${formatMs(s.ipgUs)}/${formatMs(s.ewmaUs)} ms`;
  return `\n--- ${s.host} ping statistics ---\n${counts}\n${last}\n`;
}

/** iputils' SIGQUIT status line (to stderr). */
export function statusLine(s: PingSummary): string {
  const loss = s.transmitted > 0 ? Math.trunc(((s.transmitted - s.received) * 100) / s.transmitted) : 0;
  let line = `\r${s.received}/${s.transmitted} packets, ${loss}% loss`;
  if (s.rttUs !== null && s.ewmaUs !== null) {
    line += `, min/avg/ewma/max = ${formatMs(s.rttUs.min)}/${formatMs(s.rttUs.avg)}/${formatMs(s.ewmaUs)}/${formatMs(s.rttUs.max)} ms`;
  }
  return `${line}\n`;
}

/** Flood output for one flush: '.' per probe sent, a backspace per reply (ping_common.c), and -a's bell per reply. */
export function floodText(p: { sent: number; replies: number; corrupted: number; errors: number; sendErrors: number; refusedLater?: number }, audible = false): string {
  const reply = audible ? '\b \b\u0007' : '\b \b';
  // A probe refused after its dot was printed (a send thread's refusal): its E over a dot, as
  // iputils prints E instead of the dot.
  return '.'.repeat(p.sent) + reply.repeat(p.replies) + '\bC'.repeat(p.corrupted) + '\bE'.repeat(p.errors + (p.refusedLater ?? 0)) + 'E'.repeat(p.sendErrors);
}

// ---- JSON -----------------------------------------------------------------------------------

/** The JSON object for a start line (type first). */
export function startJson(s: PingStart): Record<string, unknown> {
  return {
    type: 'start',
    host: s.host,
    address: s.address,
    source: s.source,
    device: s.device,
    broadcast: s.broadcastTarget,
    ipOption: s.ipOption,
    size: s.size,
    packetSize: s.packetSize,
    identifier: s.identifier,
    ttl: s.ttl,
    tos: s.tos,
    df: s.df,
    fragmentMtu: s.fragmentMtu,
    pattern: s.pattern,
    count: s.count,
    interval: s.intervalMs / 1000,
    timeout: s.timeoutMs / 1000,
    deadline: s.deadlineMs === null ? null : s.deadlineMs / 1000,
    flood: s.flood,
    timestamps: timestampsJson(s.timestamps),
  };
}

/** An event as one JSON object: addresses as text, times in ms, every key always present. */
export function eventJson(e: PingEvent): Record<string, unknown> {
  switch (e.type) {
    case 'reply':
      return {
        type: 'reply',
        target: e.target,
        seq: e.seq,
        from: e.from,
        bytes: e.bytes,
        ttl: e.ttl,
        tos: e.tos,
        sentTos: e.sentTos,
        time: e.rttMs,
        duplicate: e.duplicate,
        late: e.late,
        badChecksum: e.badChecksum,
        truncated: e.truncated,
        wrongData: e.wrongData,
        ipOptions: ipOptionsJson(e.ipOptions),
        timestamp: e.receivedAt,
      };
    case 'error':
    case 'notice':
      return {
        type: e.type,
        target: e.target,
        seq: e.seq,
        from: e.from,
        icmpType: e.icmpType,
        icmpCode: e.icmpCode,
        message: e.message,
        mtu: e.mtu,
        gateway: e.gateway,
        pointer: e.pointer,
        quotedTos: e.quotedTos,
        quotedTtl: e.quotedTtl,
        time: e.rttMs,
        badChecksum: e.badChecksum,
        timestamp: e.receivedAt,
      };
    case 'timeout':
      return { type: 'timeout', target: e.target, seq: e.seq };
    case 'no-answer':
      return { type: 'no-answer', target: e.target, seq: e.seq, timestamp: e.at };
    case 'send-error':
      return { type: 'send-error', target: e.target, seq: e.seq, code: e.code, message: e.message };
  }
}

/** The summary line: the issue's keys first, then more. */
export function summaryJson(s: PingSummary): Record<string, unknown> {
  return {
    type: 'summary',
    transmitted: s.transmitted,
    received: s.received,
    duplicates: s.duplicates,
    errors: s.errors,
    loss: Number(formatG(s.loss)),
    rtt: s.rtt,
    host: s.host,
    target: s.target,
    identifier: s.identifier,
    corrupted: s.corrupted,
    late: s.late,
    time: s.timeMs,
    pipe: s.pipe,
    ipg: s.ipgUs === null ? null : s.ipgUs / 1000,
    ewma: s.ewmaUs === null ? null : s.ewmaUs / 1000,
    timing: s.timing,
  };
}
