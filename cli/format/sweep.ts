// What `rawprobe sweep` prints: fping's shapes (fping 5, output.c and fping.c), because people
// parse them with scripts, and one JSON object per event with --json.
//
//   stdout   198.18.0.1 is alive                         alive mode; -e: "is alive (0.031 ms)"
//            198.18.3.7 is unreachable
//            198.18.0.1                                  --alive / --unreachable: bare (fping -a/-u)
//            198.18.0.1 : [0], 64 bytes, 0.042 ms (0.042 avg, 0% loss)     count mode
//            198.18.4.1 : [1], timed out (NaN avg, 100% loss)
//   stderr   ICMP Host Unreachable from 203.0.113.2 for ICMP Echo sent to 198.18.4.1
//            ICMPv6 Destination Unreachable (No route to destination) from 2001:db8::2 for ICMPv6
//            Echo Request sent to 2001:db8:fe::1   (newer fping's words; 5.1 prints none)
//            198.18.0.1 : duplicate for [0], 64 bytes, 0.061 ms
//            198.18.0.1 : xmt/rcv/%loss = 3/3/0%, min/avg/max = 0.042/0.058/0.073
//            nosuch.example: Name or service not known
//            198.18.0.1 : 0.042 0.061 - 0.058           -C N: each probe's round trip
//            [04:50:34] and a count line per target    -Q SECS: every SECS seconds
//            the summary (-s), with duplicates and late replies added
//
// Unlike fping, a target's unreachable line and count-mode summary come when the target is done,
// not all at the end: a sweep keeps no per-target state once a target is finished.
import type {
  SweepDuplicate,
  SweepEvent,
  SweepIcmp,
  SweepReply,
  SweepResult,
  SweepSendError,
  SweepSummary,
  SweepTimeout,
  SweepUnknown,
} from '../../lib/probe/sweep/index.js';

// ---- numbers as fping prints them --------------------------------------------------------------

/** A positive round trip below the microsecond the output shows is shown as one, never as 0. */
function shown(ns: number): number {
  return ns > 0 && ns < 1000 ? 1000 : ns;
}

/** fping's sprint_tm(): nanoseconds as milliseconds with about three significant digits. */
export function formatFpingMs(ns: number): string {
  const t = shown(ns) / 1e6;
  if (t < 0) return cExponent(t.toPrecision(2));
  if (t < 1) return t.toFixed(3);
  if (t < 10) return t.toFixed(2);
  if (t < 100) return t.toFixed(1);
  if (t < 1_000_000) return t.toFixed(0);
  return cExponent(t.toExponential(3));
}

/** C writes at least two exponent digits: 1.234e+06, not 1.234e+6. */
function cExponent(text: string): string {
  return text.replace(/e([+-])(\d)$/, 'e$10$2');
}

// ---- fping's words for ICMP messages ----------------------------------------------------------

const ICMP_TYPE: Record<number, string> = {
  0: 'ICMP Echo Reply',
  3: 'ICMP Unreachable',
  4: 'ICMP Source Quench',
  5: 'ICMP Redirect',
  8: 'ICMP Echo',
  11: 'ICMP Time Exceeded',
  12: 'ICMP Parameter Problem',
  13: 'ICMP Timestamp Request',
  14: 'ICMP Timestamp Reply',
  15: 'ICMP Information Request',
  16: 'ICMP Information Reply',
  17: 'ICMP Mask Request',
  18: 'ICMP Mask Reply',
};

const ICMP_UNREACHABLE = [
  'ICMP Network Unreachable',
  'ICMP Host Unreachable',
  'ICMP Protocol Unreachable',
  'ICMP Port Unreachable',
  'ICMP Unreachable (Fragmentation Needed)',
  'ICMP Unreachable (Source Route Failed)',
  'ICMP Unreachable (Destination Network Unknown)',
  'ICMP Unreachable (Destination Host Unknown)',
  'ICMP Unreachable (Source Host Isolated)',
  'ICMP Unreachable (Communication with Network Prohibited)',
  'ICMP Unreachable (Communication with Host Prohibited)',
  'ICMP Unreachable (Network Unreachable For Type Of Service)',
  'ICMP Unreachable (Host Unreachable For Type Of Service)',
  'ICMP Unreachable (Communication Administratively Prohibited)',
  'ICMP Unreachable (Host Precedence Violation)',
  'ICMP Unreachable (Precedence cutoff in effect)',
] as const;

/** fping's name for an ICMP message: "ICMP Host Unreachable", "ICMP Time Exceeded"... */
export function fpingIcmpName(type: number, code: number): string {
  if (type === 3) return ICMP_UNREACHABLE[code] ?? 'ICMP Unreachable (Invalid Code)';
  return ICMP_TYPE[type] ?? `ICMP ${type}`;
}

/** Newer fping's names of ICMPv6 error codes, by type (its decode_icmp_ipv6; fping 5.1 prints none). */
const ICMPV6_CODES: Record<number, { name: string; codes: readonly string[] }> = {
  1: {
    name: 'ICMPv6 Destination Unreachable',
    codes: [
      'No route to destination',
      'Communication with destination administratively prohibited',
      'Beyond scope of source address',
      'Address unreachable',
      'Port unreachable',
      'Source address failed ingress/egress policy',
      'Reject route to destination',
      'Error in Source Routing Header',
      'Headers too long',
      'Error in P-Route',
    ],
  },
  3: { name: 'ICMPv6 Time Exceeded', codes: ['Hop limit exceeded in transit', 'Fragment reassembly time exceeded'] },
  4: {
    name: 'ICMPv6 Parameter Problem',
    codes: [
      'Erroneous header field encountered',
      'Unrecognized Next Header type encountered',
      'Unrecognized IPv6 option encountered',
      'IPv6 First Fragment has incomplete IPv6 Header Chain',
    ],
  },
};

/** fping's name for an ICMPv6 message: "ICMPv6 Destination Unreachable (Address unreachable)", "ICMPv6 Packet Too Big". */
export function fpingIcmp6Name(type: number, code: number): string {
  if (type === 2) return 'ICMPv6 Packet Too Big';
  const known = ICMPV6_CODES[type];
  if (known === undefined) return `ICMPv6 Type ${type} Code ${code}`;
  return `${known.name} (${known.codes[code] ?? `Code ${code}`})`;
}

// ---- lines -------------------------------------------------------------------------------------

/**
 * Alive mode: "198.18.0.1 is alive", with -e "198.18.0.1 is alive (0.031 ms)", "198.18.3.7 is
 * unreachable", or, for a target still being probed when the sweep was stopped, "198.18.3.8 is
 * unknown (stopped before an answer)".
 */
export function resultLine(r: SweepResult, elapsed: boolean): string {
  if (r.alive) return elapsed ? `${r.host} is alive (${formatFpingMs(r.rttNs ?? 0)} ms)` : `${r.host} is alive`;
  return r.unfinished ? `${r.host} is unknown (stopped before an answer)` : `${r.host} is unreachable`;
}

/** A target's counts over the run, or over one -Q interval. */
export type TargetCounts = Pick<SweepResult, 'host' | 'resolved' | 'received' | 'loss' | 'minNs' | 'avgNs' | 'maxNs'>;

/** Count mode, to stderr: "198.18.0.1 : xmt/rcv/%loss = 3/3/0%, min/avg/max = 0.042/0.058/0.073" (-Q's lines too). */
export function countSummaryLine(r: TargetCounts): string {
  const counts = `${r.host} : xmt/rcv/%loss = ${r.resolved}/${r.received}/${r.loss}%`;
  if (r.minNs === null || r.avgNs === null || r.maxNs === null) return counts;
  return `${counts}, min/avg/max = ${formatFpingMs(r.minNs)}/${formatFpingMs(r.avgNs)}/${formatFpingMs(r.maxNs)}`;
}

/** Count mode: "198.18.0.1 : [0], 64 bytes, 0.042 ms (0.042 avg, 0% loss)". */
export function replyLine(e: SweepReply): string {
  return `${e.host} : [${e.seq}], ${e.bytes} bytes, ${formatFpingMs(e.rttNs)} ms (${formatFpingMs(e.avgNs)} avg, ${e.loss}% loss)`;
}

/** Count mode: "198.18.4.1 : [0], timed out (NaN avg, 100% loss)". */
export function timeoutLine(e: SweepTimeout): string {
  return `${e.host} : [${e.seq}], timed out (${e.avgNs === null ? 'NaN' : formatFpingMs(e.avgNs)} avg, ${e.loss}% loss)`;
}

/** -C N, to stderr: "198.18.0.1 : 0.042 0.061 - 0.058", each probe's round trip, - for a lost one. */
export function roundTripsLine(host: string, rtts: readonly (number | null)[]): string {
  return `${host} : ${rtts.map((ns) => (ns === null ? '-' : formatFpingMs(ns))).join(' ')}`;
}

/** -Q's heading before each interval's lines: "[04:50:34]", the local time. */
export function intervalHeading(at: Date): string {
  const two = (n: number): string => String(n).padStart(2, '0');
  return `[${two(at.getHours())}:${two(at.getMinutes())}:${two(at.getSeconds())}]`;
}

/** "198.18.0.1 : duplicate for [0], 64 bytes, 0.061 ms" (fping adds " [<- from]" when another address answered). */
export function duplicateLine(e: SweepDuplicate): string {
  const from = e.from === e.address ? '' : ` [<- ${e.from}]`;
  return `${e.host} : duplicate for [${e.seq}], ${e.bytes} bytes, ${formatFpingMs(e.rttNs)} ms${from}`;
}

/** "ICMP Host Unreachable from 203.0.113.2 for ICMP Echo sent to 198.18.4.1" (IPv6: fping's ICMPv6 words). */
export function icmpLine(e: SweepIcmp): string {
  if (e.address.includes(':')) return `${fpingIcmp6Name(e.icmpType, e.icmpCode)} from ${e.from} for ICMPv6 Echo Request sent to ${e.host}`;
  return `${fpingIcmpName(e.icmpType, e.icmpCode)} from ${e.from} for ICMP Echo sent to ${e.host}`;
}

/** "nosuch.example: Name or service not known" (with the file and line when it came from one). */
export function unknownLine(e: SweepUnknown): string {
  const where = e.file === null ? '' : ` (${e.file === '-' ? 'stdin' : e.file}:${e.line ?? 0})`;
  return `${e.host}: ${e.reason}${where}`;
}

/** fping -v's "198.18.0.255: error while sending ping: Permission denied". */
export function sendErrorLine(e: SweepSendError): string {
  return `${e.host}: error while sending ping: ${e.message}`;
}

function count(n: number, what: string): string {
  return ` ${String(n).padStart(7)} ${what}\n`;
}

/** fping -s's block (stderr), with ours added after "other ICMP received". */
export function summaryText(s: SweepSummary): string {
  let text = '\n';
  text += count(s.targets, 'targets');
  text += count(s.alive, 'alive');
  text += count(s.unreachable, 'unreachable');
  if (s.unfinished > 0) text += count(s.unfinished, 'unknown (still being probed when stopped)');
  text += count(s.unknown, 'unknown addresses');
  text += '\n';
  text += count(s.timeouts, 'timeouts (waiting for response)');
  text += count(s.sent, 'ICMP Echos sent');
  text += count(s.replies, 'ICMP Echo Replies received');
  text += count(s.otherIcmp, 'other ICMP received');
  text += count(s.duplicates, 'duplicate replies');
  text += count(s.late, 'late replies (after their timeout)');
  if (s.sendErrors > 0) text += count(s.sendErrors, 'sends refused by the kernel');
  if (s.corrupted > 0) text += count(s.corrupted, 'replies with a bad checksum');
  if (s.drops !== null && s.drops > 0) text += count(s.drops, 'datagrams dropped by the kernel (receive buffer full)');
  text += '\n';
  text += ` ${formatFpingMs(s.minNs ?? 0)} ms (min round trip time)\n`;
  text += ` ${formatFpingMs(s.avgNs ?? 0)} ms (avg round trip time)\n`;
  text += ` ${formatFpingMs(s.maxNs ?? 0)} ms (max round trip time)\n`;
  text += ` ${(s.elapsedNs / 1e9).toFixed(3).padStart(12)} sec (elapsed real time)\n`;
  text += '\n';
  return text;
}

// ---- JSON --------------------------------------------------------------------------------------

/** Nanoseconds as milliseconds to the microsecond (null stays null). */
function ms(ns: number | null): number | null {
  return ns === null ? null : Math.round(shown(ns) / 1000) / 1000;
}

/** The JSON object for one event: the event itself, times in ms, ICMP messages named. */
export function eventJson(e: SweepEvent): Record<string, unknown> {
  switch (e.type) {
    case 'result': {
      const { rttNs, minNs, avgNs, maxNs, ...rest } = e;
      return { ...rest, rttMs: ms(rttNs), minMs: ms(minNs), avgMs: ms(avgNs), maxMs: ms(maxNs) };
    }
    case 'reply': {
      const { rttNs, avgNs, ...rest } = e;
      return { ...rest, rttMs: ms(rttNs), avgMs: ms(avgNs) };
    }
    case 'timeout': {
      const { avgNs, ...rest } = e;
      return { ...rest, avgMs: ms(avgNs) };
    }
    case 'duplicate': {
      const { rttNs, ...rest } = e;
      return { ...rest, rttMs: ms(rttNs) };
    }
    case 'icmp':
      return { ...e, message: fpingIcmpName(e.icmpType, e.icmpCode) };
    default:
      return { ...e };
  }
}

export function summaryJson(s: SweepSummary): Record<string, unknown> {
  const { minNs, avgNs, maxNs, elapsedNs, ...rest } = s;
  return { ...rest, minMs: ms(minNs), avgMs: ms(avgNs), maxMs: ms(maxNs), elapsedMs: ms(elapsedNs) };
}
