// sweep's options (fping's letters in brackets), their defaults, and the checks that need no
// system call: a bad option is a ProbeError naming it, a bad target a TargetListError naming
// the target (and the file line). Target files are read once for a bad line before anything is
// sent. The MTU to cut probes for is the smallest of the interfaces that are up.
import { statSync } from 'node:fs';
import { smallestInterfaceMtu } from '../../socket/system.js';
import { optionError } from '../errors.js';
import { fragmentMtuFor } from '../engine/fragmenting-socket.js';
import { HEADER_LENGTH as ICMP_HEADER_LENGTH } from '../../wire/icmpv4-codes.js';
import { familyOf, type ProbeFamily } from '../family/index.js';
import { MAX_ECHO_DATA, MAX_ECHO_DATA6 } from '../protocols/icmp-echo.js';
import type { IpVersion } from '../resolve.js';
import { CheckedList, type CheckedFiles } from './checked.js';
import { checkTargetFile, fileError, parseTargetArguments, versionOfTarget, type TargetSpec } from './targets.js';

export interface SweepOptions {
  /** Targets: addresses, names, CIDR blocks (a.b.c.d/n), ranges (a.b.c.d-e.f.g.h or a.b.c.d-N). */
  targets?: readonly string[];
  /** IP version (-4, -6); null: the first address given picks it, else 4. */
  version?: IpVersion | null;
  /** Files of targets, one per line (`#` comments, blank lines); `-` reads `stdin`. */
  files?: readonly string[];
  /** What `-` reads (default process.stdin). */
  stdin?: NodeJS.ReadableStream;
  /** Probes per target (count mode, fping -c); null: alive mode. */
  count?: number | null;
  /** Loop mode (fping -l): count mode without an end, until stop(). */
  loop?: boolean;
  /** Alive mode: tries after the first (fping -r). Default 3. */
  retries?: number;
  /** Wait for a reply, ms (fping -t). Default 500; count mode: the period, at most 2000. */
  timeoutMs?: number | null;
  /** Alive mode: each retry waits this many times longer (fping -B), 1-5. Default 1.5. */
  backoff?: number;
  /** Count mode: time between two probes to one target, ms (fping -p). Default 1000. */
  periodMs?: number;
  /** Probes per second over all targets; null: as fast as the socket takes them. Default 1000. */
  rate?: number | null;
  /** Data bytes after the ICMP header, 0-65507 (IPv6: 65527). Default 56. */
  size?: number;
  /** IPv4 TTL (IPv6 hop limit), 1-255. Default 64. */
  ttl?: number;
  /** IPv4 TOS byte (IPv6 traffic class), 0-255. Default 0. */
  tos?: number;
  /** Source address; default: the kernel picks per route (a zero source in our header). */
  source?: string | null;
  /** ICMP identifier; default: the process id. */
  identifier?: number | null;
  /** Name to address (tests); default getaddrinfo. */
  resolve?: (name: string) => Promise<string>;
}

/** The options with defaults filled in and checked. */
export interface SweepConfig {
  /** The IP version's table: its probes, sockets and words. */
  family: ProbeFamily;
  args: TargetSpec[];
  files: string[];
  /** Probes per target; Infinity in loop mode; null in alive mode. */
  count: number | null;
  retries: number;
  timeoutMs: number;
  backoff: number;
  periodMs: number;
  rate: number | null;
  size: number;
  ttl: number;
  tos: number;
  source: string | null;
  identifier: number;
  /**
   * Probes larger than this are sent as fragments of it (fping's kernel fragments them; with
   * IP_HDRINCL Linux never does): the smallest MTU of the interfaces that are up, which every
   * route can take. null when the probes fit.
   */
  fragmentMtu: number | null;
}

export const SWEEP_DEFAULTS = {
  retries: 3,
  timeoutMs: 500,
  backoff: 1.5,
  periodMs: 1000,
  rate: 1000,
  size: 56,
  ttl: 64,
  tos: 0,
} as const;

/** fping's wording for a whole number out of range (ping and trace use errors.ts's wholeIn). */
function wholeIn(field: string, what: string, v: number, min: number, max: number): void {
  if (!Number.isInteger(v) || v < min || v > max) throw optionError(field, `${what} ${String(v)} is out of range ${min}-${max}`);
}

/** Checks what needs no system call; throws ProbeError (options) or TargetListError (targets). */
export function configureSweep(options: SweepOptions): SweepConfig {
  const targets = options.targets ?? [];
  const files = [...(options.files ?? [])];
  if (targets.length === 0 && files.length === 0) throw optionError('targets', 'no targets: give addresses, names, blocks (a.b.c.d/n) or ranges, or --file');
  if (files.filter((f) => f === '-').length > 1) throw optionError('files', 'stdin (-) can be read only once');
  if (options.loop === true && options.count != null) throw optionError('loop', 'loop mode (-l) and a count (-c, -C): give one of them');
  if (options.count != null) wholeIn('count', 'count', options.count, 1, 1_000_000);
  // Loop mode is count mode whose count never runs out.
  const count = options.loop === true ? Number.POSITIVE_INFINITY : (options.count ?? null);
  const retries = options.retries ?? SWEEP_DEFAULTS.retries;
  wholeIn('retries', 'retries', retries, 0, 1000);
  const periodMs = options.periodMs ?? SWEEP_DEFAULTS.periodMs;
  if (!(Number.isFinite(periodMs) && periodMs >= 1 && periodMs <= 3_600_000)) throw optionError('periodMs', `period ${String(periodMs)} ms is out of range 1-3600000`);
  const timeoutMs = options.timeoutMs ?? (count === null ? SWEEP_DEFAULTS.timeoutMs : Math.min(periodMs, 2000));
  if (!(Number.isFinite(timeoutMs) && timeoutMs >= 1 && timeoutMs <= 3_600_000)) throw optionError('timeoutMs', `timeout ${String(timeoutMs)} ms is out of range 1-3600000`);
  const backoff = options.backoff ?? SWEEP_DEFAULTS.backoff;
  if (!(Number.isFinite(backoff) && backoff >= 1 && backoff <= 5)) throw optionError('backoff', `backoff ${String(backoff)} is out of range 1.0-5.0`);
  const rate = options.rate === undefined ? SWEEP_DEFAULTS.rate : options.rate;
  if (rate !== null && !(Number.isFinite(rate) && rate >= 1 && rate <= 10_000_000)) throw optionError('rate', `rate ${String(rate)} is out of range 1-10000000 packets per second (or max)`);
  const version = options.version ?? targets.map(versionOfTarget).find((v) => v !== null) ?? 4;
  const family = familyOf(version);
  const size = options.size ?? SWEEP_DEFAULTS.size;
  wholeIn('size', 'size', size, 0, version === 6 ? MAX_ECHO_DATA6 : MAX_ECHO_DATA);
  const ttl = options.ttl ?? SWEEP_DEFAULTS.ttl;
  wholeIn('ttl', 'ttl', ttl, 1, 255);
  const tos = options.tos ?? SWEEP_DEFAULTS.tos;
  wholeIn('tos', 'tos', tos, 0, 255);
  if (options.identifier != null) wholeIn('identifier', 'identifier', options.identifier, 0, 0xffff);
  return {
    family,
    args: parseTargetArguments(targets, version),
    files,
    count,
    retries,
    timeoutMs,
    backoff,
    periodMs,
    rate,
    size,
    ttl,
    tos,
    source: options.source ?? null,
    identifier: options.identifier ?? defaultSweepIdentifier(),
    fragmentMtu: fragmentMtuFor(size + family.ipHeaderBytes + ICMP_HEADER_LENGTH, smallestInterfaceMtu()),
  };
}

let sweepsOpened = 0;

/** The process id, as ping's (and fping's) identifier; distinct per sweep in one process. */
function defaultSweepIdentifier(): number {
  return (process.pid + 0x8000 + sweepsOpened++) & 0xffff;
}

/**
 * Reads every regular file once for its first bad line (before anything is sent), checks the
 * others exist. Stdin and pipes are checked as they are read. Returns what was kept of each
 * regular file (checked.ts) for the sweep to probe without reading it again.
 */
export async function checkFiles(files: readonly string[], version: IpVersion = 4): Promise<CheckedFiles> {
  const checked = new Map<string, CheckedList>();
  for (const file of files) {
    if (file === '-' || checked.has(file)) continue;
    let regular: boolean;
    try {
      regular = statSync(file).isFile();
    } catch (e) {
      throw fileError(file, e);
    }
    if (!regular) continue;
    const list = new CheckedList();
    await checkTargetFile(file, version, list);
    if (list.kept) checked.set(file, list);
  }
  return checked;
}
