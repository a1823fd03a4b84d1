// `rawprobe trace HOST [PACKETLEN]`, the work behind cli/commands/trace.ts: the command line as
// lib/probe's TraceOptions, the run, and its output in traceroute's shape (or JSON lines).
// Loaded only when trace runs. Exit status: 0 when the destination answered, 1 when it did not
// (max TTL reached, or an unreachable on the way), 2 for bad usage or a system error.
import { parseIpOption } from '../../lib/craft/ip-option.js';
import { ParseError } from '../../lib/wire/errors.js';
import type { Ipv4OptionInit } from '../../lib/wire/ipv4-options.js';
import { parseSynOptions, type SynOptions } from '../../lib/wire/tcp-options.js';
import { openTrace, type Middlebox, type TraceHop, type TraceOptions, type TraceSession } from '../../lib/probe/trace/index.js';
import { middleboxJson, middleboxLine, reportedMiddleboxes } from '../format/trace-changes.js';
import { CliError, EXIT_NEGATIVE, EXIT_OK } from '../errors.js';
import { printJsonLine } from '../format/json.js';
import { doneJson, headerLine, hopJson, hopLine, sendErrorLine } from '../format/trace.js';
import { whole } from '../numbers.js';
import type { TraceArgs } from '../options/trace.js';
import { ipVersionOf, pcapOut, tosByte } from './args.js';
import { OrderedLines } from './ordered-lines.js';
import { stoppable } from '../stopping.js';
import { openOrFail } from './session.js';
import { parseWait, traceMethod } from './trace-args.js';
import { multipathFlows } from './trace-flows.js';
import { DEFAULT_MULTIPATH_FLOWS } from '../../lib/probe/trace/flows.js';
import { writeStdout } from '../stdout.js';
/** The command's declarations, loaded with its work: cli/start.ts parses its lines from them (cli/quick-commands.ts). */
export { trace as command } from '../commands/trace.js';

/** --ip-option, each as lib/craft reads it (its ParseError is the user's: one line). */
function ipOptionsOf(texts: readonly string[]): Ipv4OptionInit[] {
  return texts.map((text) => {
    try {
      return parseIpOption(text);
    } catch (e) {
      if (e instanceof ParseError) throw new CliError(e.message);
      throw e;
    }
  });
}

/** --tcp-options as lib/wire reads it (its ParseError is the user's: one line). */
function synOptions(text: string): SynOptions {
  try {
    return parseSynOptions(text);
  } catch (e) {
    if (e instanceof ParseError) throw new CliError(`--tcp-options: ${e.message}`);
    throw e;
  }
}

/** The command line as lib/probe's TraceOptions; usage errors as CliError (exit 2). */
export function traceOptions(argv: TraceArgs): TraceOptions {
  const options: TraceOptions = { host: argv.host, df: argv['dont-fragment'] };
  const version = ipVersionOf(argv);
  if (version !== undefined) options.version = version;
  const method = traceMethod(argv);
  if (method !== null) {
    options.kind = method.kind;
    options.fixedPort = method.fixedPort;
    if (method.protocol !== null) options.protocol = method.protocol;
  }
  if (argv.interface !== undefined) options.device = argv.interface;
  if (argv.port !== undefined) options.port = whole('-p', 'port', argv.port);
  if (argv.first !== undefined) options.firstTtl = whole('-f', 'first TTL', argv.first);
  if (argv['max-hops'] !== undefined) options.maxTtl = whole('-m', 'max TTL', argv['max-hops']);
  if (argv.queries !== undefined) options.probesPerHop = whole('-q', 'probes per hop', argv.queries);
  if (argv.wait !== undefined) Object.assign(options, parseWait(argv.wait));
  if (argv['sim-queries'] !== undefined) options.simultaneous = whole('-N', 'probes in flight', argv['sim-queries']);
  if (argv.tos !== undefined) options.tos = tosByte('-Q', argv.tos);
  if (argv.source !== undefined) options.source = argv.source;
  if (argv.sport !== undefined) options.sourcePort = whole('--sport', 'source port', argv.sport);
  if (argv.packetlen !== undefined) options.length = whole('packetlen', 'packet length', argv.packetlen);
  const ipOptions = ipOptionsOf(argv['ip-option'] ?? []);
  if (ipOptions.length > 0) options.ipOptions = ipOptions;
  const pcap = pcapOut(argv['pcap-out']);
  if (pcap !== undefined) options.pcapOut = pcap;
  if (argv.paris) options.paris = true;
  if (argv.multipath !== undefined) options.multipath = multipathFlows(argv.multipath) ?? DEFAULT_MULTIPATH_FLOWS;
  if (argv['tcp-options'] !== undefined) options.tcpOptions = synOptions(argv['tcp-options']);
  if (argv.ecn) options.ecn = true;
  return options;
}

/** Each hop's line, in order (cli/format/trace.ts words it), with names unless -n. */
function textHop(lines: OrderedLines, extensions: boolean): (hop: TraceHop) => void {
  return (hop) => {
    const answered = hop.probes.flatMap((p) => (p.from === null ? [] : [p.from]));
    lines.line(answered, (who) => hopLine(hop, who, { extensions }));
  };
}

/** Which run the options ask for; usage errors for options that do not go together. */
function modeOf(argv: TraceArgs): 'trace' | 'rounds' | 'mtu' {
  const rounds = argv.report || argv.watch || argv.multipath !== undefined;
  if (argv.report && argv.watch) throw new CliError('--report and --watch: choose one (--watch without a terminal prints report lines)');
  if (argv.mtu && rounds) throw new CliError('--mtu finds the path MTU once: it does not go with --report, --watch or --multipath');
  if (!rounds && argv.count !== undefined) throw new CliError('-c counts rounds: give --report, --watch or --multipath');
  if (!rounds && argv.interval !== undefined) throw new CliError('--interval spaces rounds: give --report, --watch or --multipath');
  return argv.mtu ? 'mtu' : rounds ? 'rounds' : 'trace';
}

/**
 * Ctrl-C, SIGTERM and SIGHUP end the run with the hops so far (cli/stopping.ts), from the first
 * line on; --report, --watch and --multipath (trace-rounds.ts) and --mtu (trace-mtu.ts) too.
 */
export async function run(argv: TraceArgs): Promise<void> {
  const options = traceOptions(argv);
  const mode = modeOf(argv);
  await stoppable(async (stopping) => {
    if (mode === 'rounds') {
      const { runRounds } = await import('./trace-rounds.js');
      await runRounds(argv, options, stopping);
      return;
    }
    if (mode === 'mtu') {
      const { runMtu } = await import('./trace-mtu.js');
      await runMtu(argv, options, stopping);
      return;
    }
    const session = await openOrFail(() => openTrace(options));
    stopping.onStop(() => session.stop());
    await traceRun(argv, session);
  });
}

async function traceRun(argv: TraceArgs, session: TraceSession): Promise<void> {
  const json = argv.json;
  if (!json) writeStdout(`${headerLine(session.start)}\n`);
  const text = new OrderedLines(!json && !argv.numeric);
  let reached = false;
  let hops = 0;
  let middleboxes: Middlebox[] = [];
  const refused = new Set<string>();
  const onHop = json ? (hop: TraceHop): void => printJsonLine(hopJson(hop)) : textHop(text, argv.extensions);
  await session.run({
    onHop: (hop) => {
      for (const p of hop.probes) if (p.sendError !== null) refused.add(p.sendError);
      onHop(hop);
    },
    onDone: (done) => {
      reached = done.reached;
      hops = done.hops;
      middleboxes = reportedMiddleboxes(done.middleboxes);
    },
  });
  await text.drained();
  // One line per middlebox after the hops, as traceroute has nothing there: parsers stop at the last hop.
  for (const m of middleboxes) {
    if (json) printJsonLine(middleboxJson(m));
    else writeStdout(`${middleboxLine(m)}\n`);
  }
  if (json) printJsonLine(doneJson(reached, hops));
  for (const code of refused) process.stderr.write(`rawprobe: ${sendErrorLine(code, session.start.packetLength, session.config.df)}\n`);
  process.exitCode = reached ? EXIT_OK : EXIT_NEGATIVE;
}
