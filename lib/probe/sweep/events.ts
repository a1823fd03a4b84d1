// What a sweep tells, in fping's terms: each target's result (alive or unreachable, with its
// counts), in count mode each reply and timeout, duplicates, ICMP messages about our probes,
// names that did not resolve, refused sends, and fping -s's summary with ours beside it.
import type { TargetOrigin } from './targets.js';

interface Target {
  /** What to print: the name as given, else the address. */
  host: string;
  address: string;
}

/** A target is done: alive or unreachable (or unknown, when the sweep was stopped first), with its counts. */
export interface SweepResult extends Target {
  type: 'result';
  /** The target's place in the list, from 0: results come as targets finish, not in this order. */
  order: number;
  alive: boolean;
  /**
   * The sweep was stopped (Ctrl-C) while this target, unanswered, still had probes in flight or
   * tries to come: whether it is reachable is unknown, and it is not counted unreachable.
   */
  unfinished: boolean;
  /** Probes sent, and resolved (answered or timed out: fping's xmt). */
  sent: number;
  resolved: number;
  received: number;
  duplicates: number;
  late: number;
  /** ICMP errors about its probes, and local send errors. */
  errors: number;
  /** Whole percent of resolved probes without a reply (fping's integer %loss). */
  loss: number;
  /** Round-trip times of its replies, ns (null without one); alive mode: rttNs is the reply's. */
  rttNs: number | null;
  minNs: number | null;
  avgNs: number | null;
  maxNs: number | null;
}

/** Count mode: a reply (fping's "[0], 64 bytes, 0.042 ms (0.042 avg, 0% loss)"). */
export interface SweepReply extends Target {
  type: 'reply';
  /** Index of the probe among this target's, from 0. */
  seq: number;
  from: string;
  bytes: number;
  ttl: number;
  rttNs: number;
  avgNs: number;
  loss: number;
}

/** Count mode: a probe's time ran out. */
export interface SweepTimeout extends Target {
  type: 'timeout';
  seq: number;
  avgNs: number | null;
  loss: number;
}

/** Another copy of an answered probe (never counted as a reply). */
export interface SweepDuplicate extends Target {
  type: 'duplicate';
  seq: number;
  from: string;
  bytes: number;
  rttNs: number;
}

/** An ICMP message about one of our probes: an error (unreachable, time exceeded...) or a notice (redirect). */
export interface SweepIcmp extends Target {
  type: 'icmp';
  kind: 'error' | 'notice';
  seq: number;
  from: string;
  icmpType: number;
  icmpCode: number;
}

/** A name that did not resolve (fping: "name: Name or service not known"). */
export interface SweepUnknown {
  type: 'unknown';
  host: string;
  reason: string;
  file: string | null;
  line: number | null;
}

/** The kernel refused to send a probe. */
export interface SweepSendError extends Target {
  type: 'send-error';
  seq: number;
  code: string | null;
  message: string;
}

export type SweepEvent = SweepResult | SweepReply | SweepTimeout | SweepDuplicate | SweepIcmp | SweepUnknown | SweepSendError;

export interface SweepHooks {
  /** Every event; objects are made only when this is set. */
  onEvent?: (e: SweepEvent) => void;
  /** Results only are wanted (alive mode, or -q): replies and timeouts are not made. */
  resultsOnly?: boolean;
  /** End of a burst of events (a receive batch): flush buffered output here. */
  onFlush?: () => void;
}

/** How far a sweep has come (for a progress line): counts so far. */
export interface SweepProgress {
  /** Targets in the list, when known before it is read (no files); else null. */
  total: number | null;
  /** Targets probed so far (started), and finished (alive, unreachable or cut short). */
  started: number;
  finished: number;
  alive: number;
  unreachable: number;
  /** Echo requests sent. */
  sent: number;
  /** Since the first send, ns. */
  elapsedNs: number;
}

/** fping -s, and ours beyond it. */
export interface SweepSummary {
  type: 'summary';
  /** Targets probed (names that resolved, and every address of blocks and ranges). */
  targets: number;
  alive: number;
  unreachable: number;
  /** Targets unanswered but still being probed when the sweep was stopped: neither alive nor unreachable. */
  unfinished: number;
  /** Names that did not resolve. */
  unknown: number;
  /** Probes whose time ran out. */
  timeouts: number;
  /** Echo requests sent (fping counts failed sends too). */
  sent: number;
  /** Echo replies matched to a probe of ours: first replies, duplicates and late ones. */
  replies: number;
  duplicates: number;
  late: number;
  /** Replies with a bad checksum. */
  corrupted: number;
  /** ICMP errors and notices about our probes (fping's "other ICMP received"). */
  otherIcmp: number;
  /** Sends the kernel refused. */
  sendErrors: number;
  /** Answers that matched no probe we still remember (their key had come round again). */
  stray: number;
  /** Round trips of first replies, ns; null when none. */
  minNs: number | null;
  avgNs: number | null;
  maxNs: number | null;
  /** From the first send to the end, ns. */
  elapsedNs: number;
  /** Datagrams the kernel dropped on our socket for want of buffer, or null when unknown. */
  drops: number | null;
  /** A bad line read from stdin or a file that became unreadable: the sweep stopped there. */
  inputError: string | null;
  /** Interrupted (stop()) before the end of the list. */
  interrupted: boolean;
}

/** The event for a name that did not resolve (fping: "name: Name or service not known"). */
export function unknownEvent(host: string, reason: string, origin: TargetOrigin | null): SweepUnknown {
  return { type: 'unknown', host, reason, file: origin?.file ?? null, line: origin === null || origin.file === null ? null : origin.line };
}
