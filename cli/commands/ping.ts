// `rawprobe ping HOST`: iputils ping's options and output, on IPv4 headers built by lib/
// (IP_HDRINCL). Parsing and output only: lib/probe/ping.ts does the probing, cli/format/ping.ts
// the words. SIGINT ends the run with the summary, SIGQUIT prints a status line, as iputils.
import type { ArgumentsCamelCase, Argv } from 'yargs';
import { parseTos } from '../../lib/wire/dscp.js';
import { ParseError } from '../../lib/wire/errors.js';
import { openPing, reverseName, type PingEvent, type PingOptions, type PingSession, type PingSummary } from '../../lib/probe/index.js';
import { CliError, EXIT_ERROR, EXIT_NEGATIVE, EXIT_OK } from '../errors.js';
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

type Value = string | string[] | undefined;

interface PingArgs {
  host: string;
  count?: Value;
  interval?: Value;
  size?: Value;
  ttl?: Value;
  tos?: Value;
  timeout?: Value;
  deadline?: Value;
  pattern?: Value;
  source?: Value;
  pmtudisc?: Value;
  id?: Value;
  preload?: Value;
  flood: boolean;
  quiet: boolean;
  numeric: boolean;
  timestamp: boolean;
  outstanding: boolean;
  json: boolean;
  'pcap-out'?: Value;
}

// ---- arguments -------------------------------------------------------------------------------

/** The last value of an option given more than once (as getopt keeps the last). */
function last(v: Value): string | undefined {
  return Array.isArray(v) ? v[v.length - 1] : v;
}

function decimal(flag: string, what: string, text: string): number {
  const t = text.trim();
  if (!/^[+]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i.test(t)) throw new CliError(`-${flag}: ${what} "${text}" is not a number`);
  return Number(t);
}

function whole(flag: string, what: string, text: string): number {
  const t = text.trim();
  if (!/^[+]?\d+$/.test(t)) throw new CliError(`-${flag}: ${what} "${text}" is not a whole number`);
  return Number(t);
}

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
  if (count !== undefined) options.count = whole('c', 'count', count);
  const interval = last(argv.interval);
  if (interval !== undefined) options.intervalMs = decimal('i', 'interval', interval) * 1000;
  const size = last(argv.size);
  if (size !== undefined) options.size = whole('s', 'size', size);
  const ttl = last(argv.ttl);
  if (ttl !== undefined) options.ttl = whole('t', 'ttl', ttl);
  const tos = last(argv.tos);
  if (tos !== undefined) {
    try {
      options.tos = parseTos(tos);
    } catch (e) {
      if (e instanceof ParseError) throw new CliError(`-Q: ${e.message}`);
      throw e;
    }
  }
  const timeout = last(argv.timeout);
  if (timeout !== undefined) options.timeoutMs = decimal('W', 'timeout', timeout) * 1000;
  const deadline = last(argv.deadline);
  if (deadline !== undefined) options.deadlineMs = decimal('w', 'deadline', deadline) * 1000;
  const pattern = last(argv.pattern);
  if (pattern !== undefined) options.pattern = parsePattern(pattern);
  const source = last(argv.source);
  if (source !== undefined) options.source = source;
  const pmtudisc = last(argv.pmtudisc);
  if (pmtudisc !== undefined) {
    if (pmtudisc === 'do' || pmtudisc === 'want') options.df = true;
    else if (pmtudisc === 'dont') options.df = false;
    else throw new CliError(`-M: "${pmtudisc}" is not do, dont or want`);
  }
  const id = last(argv.id);
  if (id !== undefined) options.identifier = whole('-id', 'identifier', id);
  const preload = last(argv.preload);
  if (preload !== undefined) options.preload = whole('l', 'preload', preload);
  const pcap = last(argv['pcap-out']);
  if (pcap !== undefined) {
    if (pcap === '') throw new CliError('--pcap-out: give a file name');
    options.pcapOut = pcap;
  }
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
  readonly #names: Map<string, Promise<string>> | null;
  readonly #timestamps: boolean;
  #chain: Promise<void> = Promise.resolve();
  /** The MTU the last Fragmentation Needed reported, for the local errors that follow. */
  #lastMtu: number | null = null;

  constructor(names: boolean, timestamps: boolean) {
    this.#names = names ? new Map() : null;
    this.#timestamps = timestamps;
  }

  /** "address" or, with names, "name (address)" as iputils' pr_addr(). */
  #who(address: string): Promise<string> | string {
    if (this.#names === null) return address;
    let p = this.#names.get(address);
    if (p === undefined) {
      p = reverseName(address).then((name) => `${name ?? address} (${address})`);
      this.#names.set(address, p);
    }
    return p;
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
        // iputils: "local error: message too long, mtu=1400" once the kernel knows the path MTU.
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

// ---- the command -----------------------------------------------------------------------------

export const command = 'ping <host>';
export const describe = 'Send ICMP echo requests with IPv4 headers built by rawprobe (iputils ping options and output)';

export function builder(y: Argv): Argv<PingArgs> {
  return y
    .positional('host', { type: 'string', demandOption: true, describe: 'host name or IPv4 address' })
    .option('c', { alias: 'count', type: 'string', requiresArg: true, describe: 'stop after COUNT replies' })
    .option('i', { alias: 'interval', type: 'string', requiresArg: true, describe: 'seconds between probes (default 1; below 0.001 only with -f)' })
    .option('s', { alias: 'size', type: 'string', requiresArg: true, describe: 'data bytes per probe, 0-65507 (default 56)' })
    .option('t', { alias: 'ttl', type: 'string', requiresArg: true, describe: 'IPv4 time to live, 1-255 (default 64)' })
    .option('Q', { alias: 'tos', type: 'string', requiresArg: true, describe: 'IPv4 TOS byte: 0-255, 0x00-0xff or a DSCP name (EF, AF41, CS1...)' })
    .option('W', { alias: 'timeout', type: 'string', requiresArg: true, describe: 'seconds to wait for each reply; later ones are reported as late (default 10)' })
    .option('w', { alias: 'deadline', type: 'string', requiresArg: true, describe: 'stop after this many seconds' })
    .option('p', { alias: 'pattern', type: 'string', requiresArg: true, describe: 'fill the data with this hex pattern (up to 16 bytes)' })
    .option('I', { alias: 'source', type: 'string', requiresArg: true, describe: 'source address' })
    .option('M', { alias: 'pmtudisc', type: 'string', requiresArg: true, describe: 'do | want: set Don\'t Fragment (default); dont: clear it' })
    .option('id', { type: 'string', requiresArg: true, describe: 'ICMP identifier, 0-65535 (default: process id)' })
    .option('l', { alias: 'preload', type: 'string', requiresArg: true, describe: 'probes sent at once before pacing; with -f, probes kept in flight (default 64)' })
    .option('f', { alias: 'flood', type: 'boolean', default: false, describe: 'flood: probes as fast as replies come back; prints . per probe, a backspace per reply' })
    .option('q', { alias: 'quiet', type: 'boolean', default: false, describe: 'print only the header and the summary' })
    .option('n', { alias: 'numeric', type: 'boolean', default: false, describe: 'no reverse name lookups' })
    .option('D', { alias: 'timestamp', type: 'boolean', default: false, describe: 'print the time before each line' })
    .option('O', { alias: 'outstanding', type: 'boolean', default: false, describe: 'report a probe still unanswered when the next goes out' })
    .option('json', { type: 'boolean', default: false, describe: 'one JSON object per event, then the summary (with -f or -q: start and summary only)' })
    .option('pcap-out', { type: 'string', requiresArg: true, describe: 'write every packet sent and received to FILE (pcap)' })
    .example('$0 ping -c 3 127.0.0.1', 'three probes')
    .example('$0 ping -t 1 -c 1 203.0.113.6', 'Time to live exceeded from the first router')
    .example('$0 ping -f -c 100000 127.0.0.1', 'flood') as unknown as Argv<PingArgs>;
}

export async function handler(args: ArgumentsCamelCase): Promise<void> {
  const argv = args as unknown as PingArgs;
  const options = pingOptions(argv);
  let session: PingSession;
  try {
    session = await openPing(options);
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    throw new CliError(message.split('\n')[0] ?? message, EXIT_ERROR);
  }
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
  const text = new TextOutput(names, argv.timestamp);
  const hooks: Parameters<PingSession['run']>[0] = {};
  if (!quiet && !flood) hooks.onEvent = json ? (e) => printJsonLine(eventJson(e)) : (e) => text.event(e);
  if (!quiet && flood && !json) hooks.onProgress = (p) => process.stdout.write(floodText(p));

  const onSigint = (): void => session.stop();
  const onSigquit = (): void => {
    process.stderr.write(statusLine(session.summary()));
  };
  process.on('SIGINT', onSigint);
  process.on('SIGQUIT', onSigquit);
  let summaries: PingSummary[];
  try {
    summaries = await session.run(hooks);
  } finally {
    process.off('SIGINT', onSigint);
    process.off('SIGQUIT', onSigquit);
  }
  await text.drained();
  const summary = summaries[0]!;
  if (json) printJsonLine(summaryJson(summary));
  else process.stdout.write(summaryText(summary));
  process.exitCode = pingExitCode(summary, options);
}
