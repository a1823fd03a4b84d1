// trace --report, --watch and --multipath: rounds of the trace (lib/probe/trace/rounds-session.ts),
// then mtr's report, Dublin traceroute's map of the flows, or JSON (cli/format/trace-report.ts).
// --watch draws the live view when stdout is a terminal (cli/watch/trace.ts, loaded only then);
// otherwise it prints the report after every round, so a log or a pipe gets report lines.
// Ctrl-C (SIGTERM, SIGHUP: cli/stopping.ts) ends the rounds and prints what they found, as mtr does. Exit status: 0 when the
// destination answered, 1 when it did not.
import { openTraceRounds, type RoundsResult, type RoundsStart, type TraceRoundsOptions, type TraceRoundsSession } from '../../lib/probe/trace/rounds-session.js';
import type { ReportHop } from '../../lib/probe/trace/report.js';
import type { TraceOptions } from '../../lib/probe/trace/index.js';
import { EXIT_NEGATIVE, EXIT_OK } from '../errors.js';
import { printJsonLine } from '../format/json.js';
import { multipathHeaderLine, multipathHopLine, reportJson, reportLines, type ReportTextOptions } from '../format/trace-report.js';
import { decimal, whole } from '../numbers.js';
import type { TraceArgs } from '../options/trace.js';
import { AddressNames } from './names.js';
import type { Stopping } from '../stopping.js';
import { openOrFail } from './session.js';
import { writeStdout } from '../stdout.js';

/** What the live view waits between rounds unless --interval says otherwise (mtr's default), s. */
const WATCH_INTERVAL_S = 1;

/** The rounds options of the command line: -c, -i, --multipath=K. */
export function roundsOptions(argv: TraceArgs, options: TraceOptions): TraceRoundsOptions {
  const out: TraceRoundsOptions = { ...options };
  if (argv.count !== undefined) out.rounds = whole('-c', 'count', argv.count);
  else if (argv.watch) out.rounds = null;
  const interval = argv.interval !== undefined ? decimal('--interval', 'interval', argv.interval) : argv.watch ? WATCH_INTERVAL_S : 0;
  out.intervalMs = interval * 1000;
  return out;
}

/** "name (address)" for every address of the report, once each, unless -n. */
async function namesFor(hops: readonly ReportHop[], numeric: boolean): Promise<(a: string) => string> {
  if (numeric) return (a) => a;
  const names = new AddressNames();
  const shown = new Map<string, string>();
  await Promise.all(hops.flatMap((h) => h.hosts.map(async (x) => shown.set(x.address, await names.of(x.address)))));
  return (a) => shown.get(a) ?? a;
}

async function printText(argv: TraceArgs, start: RoundsStart & { startedAt: number }, hops: readonly ReportHop[]): Promise<void> {
  const options: ReportTextOptions = { who: await namesFor(hops, argv.numeric), extensions: argv.extensions, flows: argv.multipath !== undefined };
  if (argv.report || argv.watch) {
    writeStdout(`${reportLines(start, hops, options).join('\n')}\n`);
    return;
  }
  writeStdout(`${multipathHeaderLine(start)}\n`);
  for (const hop of hops) writeStdout(`${multipathHopLine(hop, options)}\n`);
}

async function printResult(argv: TraceArgs, start: RoundsStart & { startedAt: number }, result: RoundsResult): Promise<void> {
  if (argv.json) printJsonLine(reportJson(start, result));
  else await printText(argv, start, result.hops);
}

/** Runs the rounds without a terminal: the result at the end (with --watch, also after every round). */
async function runPlain(argv: TraceArgs, session: TraceRoundsSession): Promise<RoundsResult> {
  const start = { ...session.start, startedAt: Date.now() };
  let printing = Promise.resolve();
  const hooks = argv.watch && !argv.json
    ? {
        onRound: () => {
          const hops = session.report.snapshot();
          printing = printing.then(async () => {
            await printText(argv, start, hops);
            writeStdout('\n');
          });
        },
      }
    : {};
  const result = await session.run(hooks);
  await printing;
  // --watch printed every round already.
  if (!argv.watch || argv.json) await printResult(argv, start, result);
  return result;
}

export async function runRounds(argv: TraceArgs, options: TraceOptions, stopping: Stopping): Promise<void> {
  const session = await openOrFail(() => openTraceRounds(roundsOptions(argv, options)));
  stopping.onStop(() => session.stop());
  let reached: boolean;
  if (argv.watch && process.stdout.isTTY === true && !argv.json) {
    const { watchTrace } = await import('../watch/trace.js');
    reached = await watchTrace(session, { numeric: argv.numeric, extensions: argv.extensions, flows: argv.multipath !== undefined });
  } else {
    reached = (await runPlain(argv, session)).reached;
  }
  process.exitCode = reached ? EXIT_OK : EXIT_NEGATIVE;
}
