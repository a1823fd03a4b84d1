// `rawprobe ping HOST`, the work behind cli/commands/ping.ts: the command line as lib/probe's
// PingOptions, the run, and its output in iputils' shape (cli/format/ping.ts). SIGINT, SIGTERM and
// SIGHUP end the run with the summary, SIGQUIT prints a status line, as iputils. Loaded only when
// ping runs.
import { openPing, TIMESTAMP_KINDS, type PingEvent, type PingIpOption, type PingOptions, type PingSession, type PingSummary, type TimestampKind } from '../../lib/probe/ping/index.js';
import { isIpv4Address } from '../../lib/probe/resolve.js';
import { CliError, EXIT_NEGATIVE, EXIT_OK } from '../errors.js';
import { printJsonLine } from '../format/json.js';
import {
  errorLine,
  eventJson,
  floodText,
  formatTimestamp,
  headerLine,
  noAnswerLine,
  patternLine,
  replyLine,
  replyStyle,
  sendErrorLine,
  startWarnings,
  startJson,
  statusLine,
  summaryJson,
  summaryText,
  type ReplyStyle,
} from '../format/ping.js';
import { ipOptionsText, optionAddresses, type RouteMemory } from '../format/ping-options.js';
import { timestampsLine, timingLine } from '../format/timestamps.js';
import { decimal, whole } from '../numbers.js';
import type { PingArgs } from '../options/ping.js';
import { ipVersionOf, pcapOut, tosByte } from './args.js';
import { OrderedLines } from './ordered-lines.js';
import { stoppable } from '../stopping.js';
import { openOrFail, withSignals } from './session.js';
import { writeStdout } from '../stdout.js';
/** The command's declarations, loaded with its work: cli/start.ts parses its lines from them (cli/quick-commands.ts). */
export { ping as command } from '../commands/ping.js';

// ---- arguments -------------------------------------------------------------------------------

/** iputils -p: hex digits, read two at a time, at most 16 bytes. */
export function parsePattern(text: string): Buffer {
  if (text === '' || !/^[0-9a-fA-F]+$/.test(text)) {
    throw new CliError(`-p: the pattern must be hex digits, e.g. ff00 (got "${text}")`);
  }
  if (text.length > 32) throw new CliError(`-p: the pattern is at most 16 bytes (32 hex digits), got ${text.length} digits`);
  const bytes: number[] = [];
  for (let i = 0; i < text.length; i += 2) bytes.push(parseInt(text.slice(i, i + 2), 16));
  return Buffer.from(bytes);
}

/** iputils' three -M modes: do never fragments (a probe too large is a local error); want and
 * dont fragment one that does not fit the route (see lib/probe/engine/fragmenting-socket.ts). */
function pmtudiscMode(text: string): { df: boolean; fragment: boolean } {
  if (text === 'do') return { df: true, fragment: false };
  if (text === 'want') return { df: true, fragment: true };
  if (text === 'dont') return { df: false, fragment: true };
  throw new CliError(`-M: "${text}" is not do, dont or want`);
}

/** -R, or -T and its kind (tsprespec with the addresses before the host); iputils takes one of them. */
function ipOption(argv: PingArgs, hops: readonly string[]): PingIpOption | null {
  const kind = argv['ip-timestamp'];
  if (argv['record-route'] && kind !== undefined) throw new CliError('-R and -T: only one of them may be used (one option fits the header)');
  if (argv['record-route']) return { kind: 'record-route' };
  if (kind === undefined) return null;
  if (!(TIMESTAMP_KINDS as readonly string[]).includes(kind)) throw new CliError(`-T: invalid timestamp type "${kind}": give tsonly, tsandaddr or tsprespec`);
  return { kind: 'timestamp', type: kind as TimestampKind, hops };
}

/**
 * The host is the last address given (iputils' order); those before it are tsprespec's. Without
 * -T tsprespec iputils would send them a source route, which rawprobe does not.
 */
function hostAndHops(argv: PingArgs): { host: string; hops: string[] } {
  const all = [argv.host, ...(argv.hops ?? []).map(String)];
  // yargs takes "-8" for a negative number, so a positional: it is an unknown option.
  const dashed = all.find((word) => word.startsWith('-'));
  if (dashed !== undefined) throw new CliError(`ping: unknown option ${dashed} (rawprobe ping --help lists the options)`);
  const host = all.pop()!;
  if (all.length > 0 && argv['ip-timestamp'] !== 'tsprespec') {
    throw new CliError(`ping: "${all[0]}" before the host ${host}: addresses before the host go with -T tsprespec only (rawprobe sends no source route)`);
  }
  return { host, hops: all };
}

/** -I: an IPv4 address is the source, anything else an interface name (iputils' rule). */
function sourceOrDevice(text: string): Pick<PingOptions, 'source' | 'device'> {
  return isIpv4Address(text) || text.includes(':') ? { source: text } : { device: text };
}

/** The yes/no options that map one to one. */
function pingFlags(argv: PingArgs): Partial<PingOptions> {
  return {
    flood: argv.flood,
    outstanding: argv.outstanding,
    broadcast: argv.broadcast,
    strictSource: argv['strict-source'],
    connect: argv.connect,
    debug: argv.debug,
    dontRoute: argv['dont-route'],
    noLoop: argv['suppress-loopback'],
    adaptive: argv.adaptive,
    userLatency: argv['user-latency'],
  };
}

/** The command line as lib/probe's PingOptions; usage errors as CliError (exit 2). */
export function pingOptions(argv: PingArgs): PingOptions {
  const { host, hops } = hostAndHops(argv);
  const options: PingOptions = { host, ...pingFlags(argv), ipOption: ipOption(argv, hops) };
  const version = ipVersionOf(argv);
  if (version !== undefined) options.version = version;
  if (argv.flow !== undefined) options.flowLabel = whole('-F', 'flow label', argv.flow);
  if (argv.count !== undefined) options.count = whole('-c', 'count', argv.count);
  if (argv.interval !== undefined) options.intervalMs = decimal('-i', 'interval', argv.interval) * 1000;
  if (argv.size !== undefined) options.size = whole('-s', 'size', argv.size);
  if (argv.ttl !== undefined) options.ttl = whole('-t', 'ttl', argv.ttl);
  if (argv.tos !== undefined) options.tos = tosByte('-Q', argv.tos);
  if (argv.timeout !== undefined) options.timeoutMs = decimal('-W', 'timeout', argv.timeout) * 1000;
  if (argv.deadline !== undefined) options.deadlineMs = decimal('-w', 'deadline', argv.deadline) * 1000;
  if (argv.pattern !== undefined) options.pattern = parsePattern(argv.pattern);
  if (argv.source !== undefined) Object.assign(options, sourceOrDevice(argv.source));
  if (argv.mark !== undefined) options.mark = whole('-m', 'mark', argv.mark);
  if (argv.sndbuf !== undefined) options.sendBuffer = whole('-S', 'send buffer', argv.sndbuf);
  if (argv.pmtudisc !== undefined) Object.assign(options, pmtudiscMode(argv.pmtudisc));
  if (argv.id !== undefined) options.identifier = whole('-e', 'identifier', argv.id);
  if (argv.preload !== undefined) options.preload = whole('-l', 'preload', argv.preload);
  const pcap = pcapOut(argv['pcap-out']);
  if (pcap !== undefined) options.pcapOut = pcap;
  if (argv['hw-timestamps']) options.hardwareTimestamps = true;
  return options;
}

/** iputils' exit status: 1 when no reply came, or a deadline passed before count replies. */
export function pingExitCode(summary: PingSummary, options: PingOptions): number {
  if (summary.received === 0) return EXIT_NEGATIVE;
  if (options.deadlineMs != null && options.count != null && summary.received < options.count) return EXIT_NEGATIVE;
  return EXIT_OK;
}

// ---- output ----------------------------------------------------------------------------------

/** How replies look beyond the words: -v and broadcast (ReplyStyle), -a's bell. */
interface ReplyLook {
  style: ReplyStyle;
  audible: boolean;
}

/** Each event's line, in order (cli/format/ping.ts words them), with -D's time in front. */
class TextOutput {
  readonly #lines: OrderedLines;
  readonly #timestamps: boolean;
  readonly #look: ReplyLook;
  /** -R's last route printed ("(same route)"). */
  readonly #route: RouteMemory = { last: null };
  /** The MTU a local "message too long" means: the route's, then what Fragmentation Needed said. */
  #lastMtu: number | null;

  constructor(names: boolean, timestamps: boolean, routeMtu: number | null, look: ReplyLook) {
    this.#lines = new OrderedLines(names);
    this.#timestamps = timestamps;
    this.#lastMtu = routeMtu;
    this.#look = look;
  }

  event(e: PingEvent): void {
    const stamp = (ms: number): string => (this.#timestamps ? formatTimestamp(ms) : '');
    switch (e.type) {
      case 'reply': {
        // iputils: the bell, then the reply's IPv4 options (-R, -T) after the line.
        const options = e.ipOptions;
        const bell = this.#look.audible && !e.truncated ? '\u0007' : '';
        const addresses = options === null ? [e.from] : [e.from, ...optionAddresses(options)];
        this.#lines.line(addresses, (who) => {
          const after = options === null ? '' : ipOptionsText(options, who, this.#route, false);
          return stamp(e.receivedAt) + replyLine(e, who(e.from), this.#look.style) + bell + after;
        });
        break;
      }
      case 'error':
      case 'notice':
        if (e.mtu !== null) this.#lastMtu = e.mtu;
        this.#lines.line([e.from], (who) => stamp(e.receivedAt) + errorLine(e, who(e.from)));
        break;
      case 'no-answer':
        this.#lines.line([], () => stamp(e.at) + noAnswerLine(e));
        break;
      case 'send-error':
        this.#lines.afterQueued(sendErrorLine(e, this.#lastMtu));
        break;
      case 'timeout':
        break; // iputils prints nothing; -O reports it before the next send
    }
  }

  drained(): Promise<void> {
    return this.#lines.drained();
  }
}

// ---- the run ---------------------------------------------------------------------------------

/**
 * What `rawprobe ping` does once yargs has parsed its options (cli/options/ping.ts). Ctrl-C,
 * SIGTERM and SIGHUP end the run with the summary (cli/stopping.ts), from the first line on.
 */
export async function run(argv: PingArgs): Promise<void> {
  const options = pingOptions(argv);
  await stoppable(async (stopping) => {
    const session = await openOrFail(() => openPing(options));
    stopping.onStop(() => session.stop());
    await pingRun(argv, options, session);
  });
}

async function pingRun(argv: PingArgs, options: PingOptions, session: PingSession): Promise<void> {
  const start = session.start;
  const { json, flood, quiet } = argv;
  for (const warning of startWarnings(start)) process.stderr.write(`${warning}\n`);
  if (argv.watch && !json && !flood && process.stdout.isTTY === true) {
    const { watchPing } = await import('../watch/ping.js');
    const summary = (await watchPing(session))[0]!;
    writeStdout(`${headerLine(start)}\n${summaryText(summary)}`);
    process.exitCode = pingExitCode(summary, options);
    return;
  }

  if (json) printJsonLine(startJson(start));
  else {
    const pattern = patternLine(start);
    if (pattern !== null && !quiet) writeStdout(`${pattern}\n`);
    writeStdout(`${headerLine(start)}\n`);
    if (argv.verbose) writeStdout(`${timestampsLine(start.timestamps)}\n`);
  }

  // iputils looks names up for a host given by name; -H for a numeric one too; -n never.
  const names = !json && !flood && !argv.numeric && (argv['reverse-dns'] || !session.config.targets[0]!.numeric);
  const look = { style: replyStyle(start, argv.verbose), audible: argv.audible };
  const text = new TextOutput(names, argv.timestamp, session.config.routeMtu, look);
  const hooks: Parameters<PingSession['run']>[0] = {};
  if (!quiet && !flood) hooks.onEvent = json ? (e) => printJsonLine(eventJson(e)) : (e) => text.event(e);
  if (!quiet && flood && !json) hooks.onProgress = (p) => writeStdout(floodText(p, argv.audible));

  const summaries = await withSignals(
    {
      SIGQUIT: () => {
        process.stderr.write(statusLine(session.summary()));
      },
    },
    () => session.run(hooks),
  );
  await text.drained();
  const summary = summaries[0]!;
  if (json) printJsonLine(summaryJson(summary));
  else writeStdout(summaryText(summary));
  const timed = !json && argv.verbose && summary.timing !== null ? timingLine(summary.timing) : null;
  if (timed !== null) writeStdout(`${timed}\n`);
  process.exitCode = pingExitCode(summary, options);
}
