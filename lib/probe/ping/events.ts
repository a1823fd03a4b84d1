// What a ping session tells: the start (the PING line's facts), one event per answer, timeout,
// send error or -O report (objects, made only when someone listens), counters for flood output
// (no object per packet), and one summary per target with iputils' figures. Words and layout
// are cli/format's business.
import { formatHex } from '../../wire/bytes.js';
import { optionsLength } from '../../wire/ipv4-options.js';
import { NS_PER_MS } from '../../socket/clock.js';
import { lossPercent, rttSummary, type TargetStats } from '../engine/stats.js';
import { HEADER_LENGTH as ICMP_HEADER_LENGTH } from '../../wire/icmpv4-codes.js';
import type { TimingCounts } from '../engine/timing.js';
import type { TimestampSource } from '../engine/timestamps.js';
import type { ResolvedTarget } from '../resolve.js';
import type { PingConfig } from './options.js';
import type { PingIpOption } from './ip-options.js';

export interface PingStart {
  type: 'start';
  host: string;
  address: string;
  /** All targets, when the session has several. */
  targets: { host: string; address: string }[];
  source: string;
  sourceGiven: boolean;
  /** The socket is bound to the source (-I address, -B): iputils then prints "from source". */
  bound: boolean;
  /** -I IFNAME, or null. */
  device: string | null;
  /** -I IFNAME without a source: whether the route's source is an address of that interface. */
  sourceOnDevice: boolean | null;
  /** The target is a broadcast address (-b); replies from any host count (-b, or a multicast target). */
  broadcastTarget: boolean;
  anySource: boolean;
  /** -R or -T, or null. */
  ipOption: PingIpOption | null;
  /** IP version: iputils prints IPv6's line as "PING ::1(::1) 56 data bytes". */
  version: 4 | 6;
  /** IPv6 flow label (-F), 0 without one. */
  flowLabel: number;
  /** Data bytes, and the whole IPv4 packet (data + 8 + 20 + options) as iputils prints "56(84)". */
  size: number;
  packetSize: number;
  identifier: number;
  ttl: number;
  tos: number;
  df: boolean;
  /** The MTU probes are fragmented for here, null when they fit the route whole. */
  fragmentMtu: number | null;
  /** The -p pattern as hex, null without one. */
  pattern: string | null;
  flood: boolean;
  count: number | null;
  intervalMs: number;
  timeoutMs: number;
  deadlineMs: number | null;
  /** Where the times come from: kernel stamps at both ends, or why not (null: a test's socket). */
  timestamps: TimestampSource | null;
}

interface AnswerBase {
  host: string;
  /** The address the probe went to. */
  target: string;
  seq: number;
  /** Who sent the answer. */
  from: string;
  /** Epoch ms of the kernel's receive timestamp. */
  receivedAt: number;
  /** Round trip, ms (microsecond resolution, as iputils) and whole microseconds. */
  rttMs: number;
  rttUs: number;
}

export interface PingReply extends AnswerBase {
  type: 'reply';
  /** ICMP bytes (header + data), what iputils prints as "64 bytes". */
  bytes: number;
  ttl: number;
  tos: number;
  /** The TOS the probe was sent with. */
  sentTos: number;
  duplicate: boolean;
  late: boolean;
  badChecksum: boolean;
  truncated: boolean;
  wrongData: boolean;
  /** The options of the reply's IPv4 header (-R's route, -T's timestamps), null without any. */
  ipOptions: Buffer | null;
}

export interface PingIcmpError extends AnswerBase {
  /** 'error' counts (time exceeded, unreachable, parameter problem); 'notice' does not (redirect, source quench). */
  type: 'error' | 'notice';
  icmpType: number;
  icmpCode: number;
  /** iputils' words: "Time to live exceeded", "Frag needed and DF set (mtu = 1400)", "Packet too big: mtu=1280"... */
  message: string;
  /** Next-hop MTU of "fragmentation needed", the MTU of "packet too big", else null. */
  mtu: number | null;
  /** Redirect: the gateway; parameter problem: the pointer. */
  gateway: string | null;
  pointer: number | null;
  /** TOS (traffic class) and TTL (hop limit) of our probe as the router quoted it. */
  quotedTos: number;
  quotedTtl: number;
  badChecksum: boolean;
}

export interface PingTimeout {
  type: 'timeout';
  host: string;
  target: string;
  seq: number;
}

export interface PingNoAnswer {
  type: 'no-answer';
  host: string;
  target: string;
  seq: number;
  /** Epoch ms. */
  at: number;
}

export interface PingSendError {
  type: 'send-error';
  host: string;
  target: string;
  seq: number;
  code: string | null;
  message: string;
}

export type PingEvent = PingReply | PingIcmpError | PingTimeout | PingNoAnswer | PingSendError;

/** Counts since the last flush, for flood output (no object per packet). */
export interface PingProgress {
  sent: number;
  /** Good replies and duplicates (iputils erases a dot for both). */
  replies: number;
  corrupted: number;
  errors: number;
  sendErrors: number;
  /** Probes a send thread could not send after they were counted (and dotted) as sent. */
  refusedLater?: number;
}

export interface PingHooks {
  onEvent?: (event: PingEvent) => void;
  onProgress?: (progress: PingProgress) => void;
}

/** Round-trip figures in one unit. */
export interface RttFigures {
  min: number;
  avg: number;
  max: number;
  mdev: number;
}

/** The target's counters (stats.ts says what each counts), and the figures iputils derives from them. */
export interface PingSummary extends Pick<TargetStats, 'transmitted' | 'received' | 'duplicates' | 'corrupted' | 'errors' | 'late' | 'pipe'> {
  type: 'summary';
  host: string;
  target: string;
  /** The ICMP identifier the session used. */
  identifier: number;
  /** Percent, as iputils computes it (a C float). */
  loss: number;
  /** From the start to the last probe sent, ms (iputils' "time"). */
  timeMs: number;
  /** ms; null when no reply came. */
  rtt: RttFigures | null;
  /** The same in whole microseconds (what iputils prints from). */
  rttUs: RttFigures | null;
  /** Flood: mean gap between probes and the smoothed RTT, whole microseconds. */
  ipgUs: number | null;
  ewmaUs: number | null;
  /** How the session's answers (all targets) were timed (engine/timing.ts); null before the engine ran. */
  timing: TimingCounts | null;
}

/** The start of a session with this configuration (`sourceOnDevice`: see PingStart). */
export function startOf(config: PingConfig, timestamps: TimestampSource | null, sourceOnDevice: boolean | null = null): PingStart {
  const first = config.targets[0]!;
  return {
    type: 'start',
    host: first.host,
    address: first.address,
    targets: config.targets.map((t) => ({ host: t.host, address: t.address })),
    source: config.source,
    sourceGiven: config.sourceGiven,
    bound: config.bindSource,
    device: config.device,
    sourceOnDevice,
    broadcastTarget: config.broadcastTarget,
    anySource: config.anySource,
    ipOption: config.ipOption,
    version: config.family.version,
    flowLabel: config.flowLabel,
    size: config.size,
    packetSize: config.size + config.family.ipHeaderBytes + ICMP_HEADER_LENGTH + ((optionsLength(config.ipOptions) + 3) & ~3),
    identifier: config.identifier,
    ttl: config.ttl,
    tos: config.tos,
    df: config.df,
    fragmentMtu: config.fragmentMtu,
    pattern: config.pattern === null ? null : formatHex(config.pattern),
    flood: config.flood,
    count: config.count,
    intervalMs: config.intervalMs,
    timeoutMs: config.timeoutMs,
    deadlineMs: config.deadlineMs,
    timestamps,
  };
}

/** iputils' summary of one target (s: its statistics, null before the engine ran). */
export function summarize(target: ResolvedTarget, s: TargetStats | null, startedAt: number, config: PingConfig, timing: TimingCounts | null = null): PingSummary {
  const rtt = s === null || s.received === 0 ? null : rttSummary(s);
  const transmitted = s?.transmitted ?? 0;
  const timeNs = s === null || Number.isNaN(s.lastSentAt) ? 0 : s.lastSentAt - startedAt;
  const flood = config.flood || config.intervalMs === 0 || config.adaptive;
  return {
    type: 'summary',
    host: target.host,
    target: target.address,
    identifier: config.identifier,
    transmitted,
    received: s?.received ?? 0,
    duplicates: s?.duplicates ?? 0,
    corrupted: s?.corrupted ?? 0,
    errors: s?.errors ?? 0,
    late: s?.late ?? 0,
    loss: s === null ? 0 : lossPercent(s),
    timeMs: Math.max(0, Math.round(timeNs / NS_PER_MS)),
    rtt: rtt === null ? null : { min: rtt.minUs / 1000, avg: rtt.avgUs / 1000, max: rtt.maxUs / 1000, mdev: rtt.mdevUs / 1000 },
    rttUs: rtt === null ? null : { min: rtt.minUs, avg: rtt.avgUs, max: rtt.maxUs, mdev: rtt.mdevUs },
    pipe: s?.pipe ?? 0,
    ipgUs: flood && s !== null && s.received > 0 && transmitted > 1 ? Math.trunc(Math.max(0, timeNs) / 1000 / (transmitted - 1)) : null,
    ewmaUs: s !== null && s.received > 0 ? Math.trunc(s.ewma8Us / 8) : null,
    timing: timing === null ? null : { ...timing },
  };
}
