// `rawprobe sweep TARGET...`, the work behind cli/commands/sweep.ts: the command line as
// lib/probe's SweepOptions, the run, and its output in fping's shapes (cli/format/sweep.ts).
// Output is buffered and written once per receive batch: a /16 prints 65,534 lines. SIGINT ends
// the run: the targets still being probed are reported, then the summary, as fping does.
// Loaded only when sweep runs.
import { isTerminal } from '../../lib/socket/system.js';
import { openSweep, type SweepEvent, type SweepOptions, type SweepResult, type SweepSession, type SweepSummary } from '../../lib/probe/sweep/index.js';
import { CliError, EXIT_ERROR, EXIT_NEGATIVE, EXIT_OK } from '../errors.js';
import {
  countSummaryLine,
  duplicateLine,
  eventJson,
  icmpLine,
  replyLine,
  resultLine,
  sendErrorLine,
  summaryJson,
  summaryText,
  timeoutLine,
  unknownLine,
} from '../format/sweep.js';
import { decimal, rateOrMax, whole } from '../numbers.js';
import type { SweepArgs } from '../options/sweep.js';
import { ipVersionOf, tosByte } from './args.js';
import { painter, sweepProgressLine } from '../format/progress.js';
import { colourWanted, progressWanted, ProgressLine } from '../progress.js';
import { writeStdout } from '../stdout.js';
import { stoppable } from '../stopping.js';
import { openOrFail } from './session.js';
import { IntervalSplits, RoundTrips } from './sweep-rounds.js';
/** The command's declarations, loaded with its work: cli/start.ts parses its lines from them (cli/quick-commands.ts). */
export { sweep as command } from '../commands/sweep.js';

// ---- arguments -------------------------------------------------------------------------------

/**
 * -g, as fping takes it: one CIDR block, or a first and a last address (the range between them,
 * both included). Without -g a block or a range is a target anyway.
 */
function generated(targets: readonly string[], files: readonly string[]): string[] {
  if (files.length > 0) throw new CliError('-g: generate the targets or read them from -f, not both');
  if (targets.length === 1 && targets[0]!.includes('/')) return [...targets];
  if (targets.length === 2 && !targets.some((t) => t.includes('/') || t.includes('-'))) return [`${targets[0]}-${targets[1]}`];
  throw new CliError('-g: give one CIDR block (198.18.0.0/24) or a first and a last address (198.18.0.1 198.18.0.20)');
}

/** Probes per target: -c N, -C N (the same, with the round trips at the end), or -l (no end). */
function countOf(argv: SweepArgs): Pick<SweepOptions, 'count' | 'loop'> {
  if (argv.count !== undefined && argv.vcount !== undefined) throw new CliError('-c and -C: give one of them');
  if (argv.vcount !== undefined) return { count: whole('-C', 'count', argv.vcount), loop: argv.loop };
  if (argv.count !== undefined) return { count: whole('-c', 'count', argv.count), loop: argv.loop };
  return { loop: argv.loop };
}

/** Probes per second: --rate, or fping's -i (ms between two probes over all targets; 0: as fast as it goes). */
function rateOf(argv: SweepArgs): number | null | undefined {
  if (argv.interval !== undefined && argv.rate !== undefined) throw new CliError('-i and --rate: give one of them');
  if (argv.rate !== undefined) return rateOrMax('--rate', argv.rate);
  if (argv.interval === undefined) return undefined;
  const ms = decimal('-i', 'interval (ms)', argv.interval);
  if (ms < 0) throw new CliError(`-i: interval ${argv.interval} ms is negative`);
  return ms === 0 ? null : 1000 / ms;
}

/** The command line as lib/probe's SweepOptions; usage errors as CliError (exit 2). */
export function sweepOptions(argv: SweepArgs): SweepOptions {
  const given = (argv.targets ?? []).map(String);
  const files = argv.file ?? [];
  const options: SweepOptions = { targets: argv.generate ? generated(given, files) : given, files, ...countOf(argv) };
  if (argv.retries !== undefined) options.retries = whole('-r', 'retries', argv.retries);
  if (argv.timeout !== undefined) options.timeoutMs = decimal('-t', 'timeout (ms)', argv.timeout);
  if (argv.backoff !== undefined) options.backoff = decimal('-B', 'backoff', argv.backoff);
  if (argv.period !== undefined) options.periodMs = decimal('-p', 'period (ms)', argv.period);
  const rate = rateOf(argv);
  if (rate !== undefined) options.rate = rate;
  if (argv.tos !== undefined) options.tos = tosByte('-O', argv.tos);
  if (argv.ttl !== undefined) options.ttl = whole('-H', 'ttl', argv.ttl);
  if (argv.size !== undefined) options.size = whole('-b', 'size', argv.size);
  if (argv.source !== undefined) options.source = argv.source;
  const version = ipVersionOf(argv);
  if (version !== undefined) options.version = version;
  if (argv.squiet !== undefined && options.count === undefined && options.loop !== true) throw new CliError('-Q: interval summaries need count or loop mode (-c, -C or -l)');
  if (argv.alive && argv.unreachable) throw new CliError('-a and -u: give one of them (the live targets, or the others)');
  return options;
}

/** -Q SECS in ms, or null. */
function squietMs(argv: SweepArgs): number | null {
  if (argv.squiet === undefined) return null;
  const seconds = decimal('-Q', 'interval (s)', argv.squiet);
  if (!(seconds > 0 && seconds <= 86_400)) throw new CliError(`-Q: interval ${argv.squiet} s is out of range (above 0, at most 86400)`);
  return seconds * 1000;
}

/** fping's exit status: 2 when a name did not resolve or the list was bad, 1 when a target did not answer. */
export function sweepExitCode(s: SweepSummary): number {
  if (s.inputError !== null || s.unknown > 0 || s.targets === 0) return EXIT_ERROR;
  return s.unreachable > 0 || s.unfinished > 0 ? EXIT_NEGATIVE : EXIT_OK;
}

// ---- output ----------------------------------------------------------------------------------

/**
 * Lines written into one buffer as they come and handed to the stream once per burst (a receive
 * batch), stdout before stderr. Copying each line into the buffer at once, rather than keeping
 * an array of strings until the flush, lets the line die young: a /16 makes 65,534 of them.
 */
class Output {
  readonly #out = Buffer.allocUnsafe(1 << 18);
  #outUsed = 0;
  readonly #err: string[] = [];
  /** Called before anything is written, and after: the progress line makes way, then comes back. */
  readonly #beforeWrite: () => void;
  readonly #afterWrite: () => void;

  constructor(around: { before: () => void; after: () => void } = { before: () => {}, after: () => {} }) {
    this.#beforeWrite = around.before;
    this.#afterWrite = around.after;
  }

  out(line: string): void {
    // A line of up to n UTF-16 units takes at most 3n bytes in UTF-8.
    if (this.#outUsed + 3 * line.length + 1 > this.#out.length) this.#flushOut();
    if (3 * line.length + 1 > this.#out.length) {
      this.#beforeWrite();
      writeStdout(`${line}\n`);
      return;
    }
    this.#outUsed += this.#out.write(line, this.#outUsed, 'utf8');
    this.#out[this.#outUsed++] = 0x0a;
  }

  err(line: string): void {
    this.#err.push(line);
    if (this.#err.length >= 1024) this.flush();
  }

  #flushOut(): void {
    if (this.#outUsed === 0) return;
    this.#beforeWrite();
    writeStdout(this.#out.subarray(0, this.#outUsed));
    this.#outUsed = 0;
  }

  flush(): void {
    this.#flushOut();
    if (this.#err.length > 0) {
      this.#beforeWrite();
      process.stderr.write(`${this.#err.join('\n')}\n`);
      this.#err.length = 0;
    }
    this.#afterWrite();
  }
}

/** -a or -u: whether the result is one of the targets asked for (a stopped run's unfinished ones are neither). */
function listed(e: SweepResult, argv: SweepArgs): boolean {
  return (e.alive && argv.alive) || (!e.alive && !e.unfinished && argv.unreachable);
}

/** What prints a run's events, and what it prints once the run is over. */
interface Printer {
  onEvent: (e: SweepEvent) => void;
  end: () => void;
}

/**
 * Count mode's line per target (-c's xmt/rcv/%loss, -C's round trips), printed as fping prints
 * them: together at the end of the run, in the order of the list, not as each target finishes.
 * So each is kept as text until then: a line per target (fping keeps its whole table of hosts).
 */
class TargetSummaries {
  /** By the target's place in the list (results come nearly in that order; a stopped run leaves holes). */
  readonly #lines: (string | undefined)[] = [];

  add(order: number, line: string): void {
    this.#lines[order] = line;
  }

  print(output: Output, blankFirst: boolean): void {
    if (this.#lines.length === 0) return;
    if (blankFirst) output.err('');
    for (const line of this.#lines) if (line !== undefined) output.err(line);
    this.#lines.length = 0;
  }
}

/** -C's round trips and -Q's interval counts, when asked for. */
interface Extras {
  rounds: RoundTrips | null;
  splits: IntervalSplits | null;
}

/**
 * What to do with each event, as fping's options decide. -q (and -Q) is fping's quiet: no line
 * per target or reply (a plain sweep prints nothing but what -a, -u or -s ask for), and none of
 * the warnings fping's print_warning() holds back (ICMP errors, unknown names). A refused send
 * is told only in the plain output, as fping's (its verbose mode: not -a, -u, -q, -c, -C or -l).
 */
function textPrinter(argv: SweepArgs, countMode: boolean, output: Output, extras: Extras): Printer {
  const filtered = argv.alive || argv.unreachable;
  const quiet = argv.quiet || argv.squiet !== undefined;
  const plain = !filtered && !quiet && !countMode;
  const { rounds, splits } = extras;
  const summaries = new TargetSummaries();
  const onEvent = (e: SweepEvent): void => {
    switch (e.type) {
      case 'result':
        if (filtered) {
          if (listed(e, argv)) output.out(e.host);
        } else if (plain) {
          output.out(resultLine(e, argv.elapsed));
        }
        splits?.done(e);
        // fping -C prints the round trips instead of the count line.
        if (rounds !== null) summaries.add(e.order, rounds.done(e));
        else if (countMode) summaries.add(e.order, countSummaryLine(e));
        break;
      case 'reply':
      case 'timeout':
        rounds?.settled(e);
        splits?.settled(e);
        if (!filtered && !quiet) output.out(e.type === 'reply' ? replyLine(e) : timeoutLine(e));
        break;
      case 'duplicate':
        // Always: fping 5.1 tells duplicates in the plain output and with -q, and none with
        // -c (it hands them to no line) or -l (it counts each as a reply); we tell them there too.
        output.err(duplicateLine(e));
        break;
      case 'icmp':
        if (!quiet) output.err(icmpLine(e));
        break;
      case 'unknown':
        if (!quiet) output.err(unknownLine(e));
        break;
      case 'send-error':
        if (plain) output.err(sendErrorLine(e));
        break;
    }
  };
  // fping's blank line before them comes with its per-reply lines, so not with -q or -Q.
  return { onEvent, end: () => summaries.print(output, !quiet) };
}

function jsonPrinter(argv: SweepArgs, output: Output): Printer {
  const filtered = argv.alive || argv.unreachable;
  const onEvent = (e: SweepEvent): void => {
    if (e.type === 'result' && filtered && !listed(e, argv)) return;
    output.out(JSON.stringify(eventJson(e)));
  };
  return { onEvent, end: () => {} };
}

// ---- the command -----------------------------------------------------------------------------

/** Where a progress line that is never drawn would go. */
const NOWHERE = { write: (): boolean => true };

/** Targets from which a sweep shows its progress line (on a terminal): a few thousand. */
const PROGRESS_FROM = 4096;

/** The progress line of a long sweep on stderr, when it is a terminal (not with -q or --json). */
function sweepProgress(argv: SweepArgs, session: SweepSession): ProgressLine {
  // The descriptor is asked first: into a pipe or a file, process.stderr is never made (on a pipe
  // a socket, whose making loads node:net and the stream modules: about 1.7 MB of a /16's peak).
  const wanted = !argv.quiet && !argv.json && isTerminal(2) !== false && progressWanted(process.stderr);
  if (!wanted) return new ProgressLine(false, NOWHERE);
  const line = new ProgressLine(true);
  const paint = painter(colourWanted(process.stderr));
  line.start(() => {
    const p = session.progress();
    return p === null || (p.total ?? p.started) < PROGRESS_FROM ? null : sweepProgressLine(p, paint);
  });
  return line;
}

/** -Q: every `ms` the interval's lines, until the run ends. */
function startSplits(splits: IntervalSplits | null, ms: number | null, output: Output): () => void {
  if (splits === null || ms === null) return () => {};
  const timer = setInterval(() => {
    for (const line of splits.tick(new Date())) output.err(line);
    output.flush();
  }, ms);
  return () => clearInterval(timer);
}

async function sweepRun(argv: SweepArgs, session: SweepSession, intervalMs: number | null): Promise<SweepSummary> {
  const countMode = session.config.count !== null;
  const extras: Extras = {
    rounds: argv.vcount !== undefined && !argv.json ? new RoundTrips() : null,
    splits: intervalMs !== null && !argv.json ? new IntervalSplits() : null,
  };
  const progress = sweepProgress(argv, session);
  const output = new Output({ before: () => progress.clear(), after: () => progress.draw() });
  const printer = argv.json ? jsonPrinter(argv, output) : textPrinter(argv, countMode, output, extras);
  const stopSplits = startSplits(extras.splits, intervalMs, output);
  try {
    return await session.run({
      onEvent: printer.onEvent,
      // -C and -Q are made from the replies and timeouts, even when they are not printed.
      resultsOnly: (argv.quiet || argv.alive || argv.unreachable || argv.squiet !== undefined) && extras.rounds === null && extras.splits === null,
      onFlush: () => output.flush(),
    });
  } finally {
    stopSplits();
    progress.stop();
    printer.end();
    output.flush();
  }
}

/** Ctrl-C, SIGTERM and SIGHUP end the run: the targets in flight, then the summary (cli/stopping.ts). */
export async function run(argv: SweepArgs): Promise<void> {
  const options = sweepOptions(argv);
  // Checked before the session opens: nothing may throw between its opening and its run.
  const intervalMs = squietMs(argv);
  let readerGone = false;
  const summary = await stoppable(async (stopping) => {
    const session = await openOrFail(() => openSweep(options));
    stopping.onStop((reason) => {
      readerGone = reason === 'EPIPE';
      session.stop();
    });
    return sweepRun(argv, session, intervalMs);
  });
  if (argv.json) writeStdout(`${JSON.stringify(summaryJson(summary))}\n`);
  // The statistics with -s (fping's). Nothing probed (every name unknown, an empty list): the
  // lines above said why; no summary block. Nor when the reader of stdout went away (`| head`): that ends quietly.
  else if (argv.stats && (summary.targets > 0 || summary.interrupted) && !readerGone) process.stderr.write(summaryText(summary));
  process.exitCode = sweepExitCode(summary);
  if (summary.inputError !== null) throw new CliError(summary.inputError, EXIT_ERROR);
  if (summary.targets === 0 && summary.unknown === 0) throw new CliError('no targets: the list was empty', EXIT_ERROR);
}
