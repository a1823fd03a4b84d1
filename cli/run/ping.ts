// `rawprobe ping HOST`, the work behind cli/commands/ping.ts: the command line as lib/probe's
// PingOptions, the run, and its output in iputils' shape. SIGINT ends the run with the summary,
// SIGQUIT prints a status line, as iputils. Loaded only when ping runs.
import { openPing, type PingEvent, type PingOptions, type PingSession, type PingSummary } from '../../lib/probe/ping/index.js';
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
  startJson,
  statusLine,
  summaryJson,
  summaryText,
} from '../format/ping.js';
import type { PingArgs } from '../commands/ping.js';
import { decimal, last, openOrFail, pcapOut, tosByte, whole, withSignals } from './args.js';
import { AddressNames } from './names.js';

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

/** The command line as lib/probe's PingOptions; usage errors as CliError (exit 2). */
export function pingOptions(argv: PingArgs): PingOptions {
  const options: PingOptions = { host: argv.host, flood: argv.flood, outstanding: argv.outstanding };
  const count = last(argv.count);
  if (count !== undefined) options.count = whole('-c', 'count', count);
  const interval = last(argv.interval);
  if (interval !== undefined) options.intervalMs = decimal('-i', 'interval', interval) * 1000;
  const size = last(argv.size);
  if (size !== undefined) options.size = whole('-s', 'size', size);
  const ttl = last(argv.ttl);
  if (ttl !== undefined) options.ttl = whole('-t', 'ttl', ttl);
  const tos = last(argv.tos);
  if (tos !== undefined) options.tos = tosByte('-Q', tos);
  const timeout = last(argv.timeout);
  if (timeout !== undefined) options.timeoutMs = decimal('-W', 'timeout', timeout) * 1000;
  const deadline = last(argv.deadline);
  if (deadline !== undefined) options.deadlineMs = decimal('-w', 'deadline', deadline) * 1000;
  const pattern = last(argv.pattern);
  if (pattern !== undefined) options.pattern = parsePattern(pattern);
  const source = last(argv.source);
  if (source !== undefined) options.source = source;
  const pmtudisc = last(argv.pmtudisc);
  if (pmtudisc !== undefined) {
    // iputils' three modes: do never fragments (a probe too large is a local error); want and
    // dont fragment one that does not fit the route (see lib/probe/fragmenting-socket.ts).
    if (pmtudisc === 'do') (options.df = true), (options.fragment = false);
    else if (pmtudisc === 'want') (options.df = true), (options.fragment = true);
    else if (pmtudisc === 'dont') (options.df = false), (options.fragment = true);
    else throw new CliError(`-M: "${pmtudisc}" is not do, dont or want`);
  }
  const id = last(argv.id);
  if (id !== undefined) options.identifier = whole('--id', 'identifier', id);
  const preload = last(argv.preload);
  if (preload !== undefined) options.preload = whole('-l', 'preload', preload);
  const pcap = pcapOut(argv['pcap-out']);
  if (pcap !== undefined) options.pcapOut = pcap;
  return options;
}

/** iputils' exit status: 1 when no reply came, or a deadline passed before count replies. */
export function pingExitCode(summary: PingSummary, options: PingOptions): number {
  if (summary.received === 0) return EXIT_NEGATIVE;
  if (options.deadlineMs != null && options.count != null && summary.received < options.count) return EXIT_NEGATIVE;
  return EXIT_OK;
}

// ---- output ----------------------------------------------------------------------------------

/** Text lines in order, even when a line waits for a reverse lookup (names only, never -n). */
class TextOutput {
  readonly #names: AddressNames | null;
  readonly #timestamps: boolean;
  #chain: Promise<void> = Promise.resolve();
  /** The MTU a local "message too long" means: the route's, then what Fragmentation Needed said. */
  #lastMtu: number | null;

  constructor(names: boolean, timestamps: boolean, routeMtu: number | null) {
    this.#names = names ? new AddressNames() : null;
    this.#timestamps = timestamps;
    this.#lastMtu = routeMtu;
  }

  /** "address" or, with names, "name (address)" as iputils' pr_addr(). */
  #who(address: string): Promise<string> | string {
    return this.#names === null ? address : this.#names.of(address);
  }

  event(e: PingEvent): void {
    const stamp = (ms: number): string => (this.#timestamps ? formatTimestamp(ms) : '');
    switch (e.type) {
      case 'reply':
        this.#line(e.from, (who) => stamp(e.receivedAt) + replyLine(e, who));
        break;
      case 'error':
      case 'notice':
        if (e.mtu !== null) this.#lastMtu = e.mtu;
        this.#line(e.from, (who) => stamp(e.receivedAt) + errorLine(e, who));
        break;
      case 'no-answer':
        this.#line(null, () => stamp(e.at) + noAnswerLine(e));
        break;
      case 'send-error': {
        // iputils: "local error: message too long, mtu=1500", the MTU the kernel held it to.
        const mtu = this.#lastMtu;
        const line =
          e.code === 'EMSGSIZE'
            ? `rawprobe: local error: message too long${mtu === null ? '' : `, mtu=${mtu}`} (icmp_seq=${e.seq})`
            : `rawprobe: sendmsg: ${e.message}`;
        this.#chain = this.#chain.then(() => {
          process.stderr.write(`${line}\n`);
        });
        break;
      }
      case 'timeout':
        break; // iputils prints nothing; -O reports it before the next send
    }
  }

  #line(address: string | null, make: (who: string) => string): void {
    const who = address === null ? '' : this.#who(address);
    if (typeof who === 'string' && this.#names === null) {
      process.stdout.write(`${make(who)}\n`);
      return;
    }
    this.#chain = this.#chain.then(async () => {
      process.stdout.write(`${make(await who)}\n`);
    });
  }

  /** Everything queued has been written. */
  drained(): Promise<void> {
    return this.#chain;
  }
}

// ---- the run ---------------------------------------------------------------------------------

/** What `rawprobe ping` does once yargs has parsed its options (cli/commands/ping.ts). */
export async function run(argv: PingArgs): Promise<void> {
  const options = pingOptions(argv);
  const session = await openOrFail(() => openPing(options));
  const start = session.start;
  const json = argv.json;
  const flood = argv.flood;
  const quiet = argv.quiet;

  if (json) printJsonLine(startJson(start));
  else {
    const pattern = patternLine(start);
    if (pattern !== null && !quiet) process.stdout.write(`${pattern}\n`);
    process.stdout.write(`${headerLine(start)}\n`);
  }

  const names = !json && !flood && !argv.numeric && !session.config.targets[0]!.numeric;
  const text = new TextOutput(names, argv.timestamp, session.config.routeMtu);
  const hooks: Parameters<PingSession['run']>[0] = {};
  if (!quiet && !flood) hooks.onEvent = json ? (e) => printJsonLine(eventJson(e)) : (e) => text.event(e);
  if (!quiet && flood && !json) hooks.onProgress = (p) => process.stdout.write(floodText(p));

  const summaries = await withSignals(
    {
      SIGINT: () => session.stop(),
      SIGQUIT: () => {
        process.stderr.write(statusLine(session.summary()));
      },
    },
    () => session.run(hooks),
  );
  await text.drained();
  const summary = summaries[0]!;
  if (json) printJsonLine(summaryJson(summary));
  else process.stdout.write(summaryText(summary));
  process.exitCode = pingExitCode(summary, options);
}
