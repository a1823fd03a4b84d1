// `rawprobe trace HOST [PACKETLEN]`, the work behind cli/commands/trace.ts: the command line as
// lib/probe's TraceOptions, the run, and its output in traceroute's shape (or JSON lines).
// Loaded only when trace runs. Exit status: 0 when the destination answered, 1 when it did not
// (max TTL reached, or an unreachable on the way), 2 for bad usage or a system error.
import { parseIpOption } from '../../lib/craft/ip-option.js';
import { ParseError } from '../../lib/wire/errors.js';
import type { Ipv4OptionInit } from '../../lib/wire/ipv4-options.js';
import { openTrace, type TraceHop, type TraceOptions } from '../../lib/probe/trace/index.js';
import { CliError, EXIT_NEGATIVE, EXIT_OK } from '../errors.js';
import { printJsonLine } from '../format/json.js';
import { doneJson, headerLine, hopJson, hopLine } from '../format/trace.js';
import type { TraceArgs } from '../commands/trace.js';
import { all, last, openOrFail, pcapOut, tosByte, whole, withSignals } from './args.js';
import { AddressNames } from './names.js';
import { parseWait, probeKind } from './trace-args.js';

/** The command line as lib/probe's TraceOptions; usage errors as CliError (exit 2). */
export function traceOptions(argv: TraceArgs): TraceOptions {
  const options: TraceOptions = { host: argv.host, df: argv['dont-fragment'] };
  const kind = probeKind(argv.protocol, argv);
  if (kind !== null) options.kind = kind;
  const port = last(argv.port);
  if (port !== undefined) options.port = whole('-p', 'port', port);
  const first = last(argv.first);
  if (first !== undefined) options.firstTtl = whole('-f', 'first TTL', first);
  const max = last(argv['max-hops']);
  if (max !== undefined) options.maxTtl = whole('-m', 'max TTL', max);
  const queries = last(argv.queries);
  if (queries !== undefined) options.probesPerHop = whole('-q', 'probes per hop', queries);
  const wait = last(argv.wait);
  if (wait !== undefined) Object.assign(options, parseWait(wait));
  const sim = last(argv['sim-queries']);
  if (sim !== undefined) options.simultaneous = whole('-N', 'probes in flight', sim);
  const tos = last(argv.tos);
  if (tos !== undefined) options.tos = tosByte('-Q', tos);
  const source = last(argv.source);
  if (source !== undefined) options.source = source;
  const length = last(argv.packetlen);
  if (length !== undefined) options.length = whole('packetlen', 'packet length', length);
  const ipOptions: Ipv4OptionInit[] = [];
  for (const text of all(argv['ip-option'])) {
    try {
      ipOptions.push(parseIpOption(text));
    } catch (e) {
      if (e instanceof ParseError) throw new CliError(e.message);
      throw e;
    }
  }
  if (ipOptions.length > 0) options.ipOptions = ipOptions;
  const pcap = pcapOut(argv['pcap-out']);
  if (pcap !== undefined) options.pcapOut = pcap;
  return options;
}

/** Why the kernel refused probes (they show as `* !F`, `* !H`...), in one line per reason. */
export function sendErrorLine(code: string, packetLength: number, df: boolean): string {
  if (code === 'EMSGSIZE') {
    // Linux never fragments a datagram whose IPv4 header the program wrote (IP_HDRINCL): over the
    // interface MTU it refuses it. Without DF the session cuts its probes itself (lib/probe/
    // fragmenting-socket.ts), so this is -F, or a route whose MTU could not be read.
    return `sendto: Message too long: ${packetLength}-byte probes are over the interface MTU (${df ? '-F forbids fragments: drop it or give a smaller packet length' : 'give a smaller packet length'})`;
  }
  const words: Record<string, string> = {
    EHOSTUNREACH: 'No route to host',
    ENETUNREACH: 'Network is unreachable',
    EACCES: 'Permission denied',
    EPERM: 'Operation not permitted (a firewall rule?)',
  };
  return `sendto: ${words[code] ?? code}`;
}

/** Hop lines in order, even when a line waits for reverse lookups (without -n). */
class TextOutput {
  readonly #names: AddressNames | null;
  #chain: Promise<void> = Promise.resolve();

  constructor(names: boolean) {
    this.#names = names ? new AddressNames() : null;
  }

  hop(hop: TraceHop): void {
    const names = this.#names;
    if (names === null) {
      process.stdout.write(`${hopLine(hop)}\n`);
      return;
    }
    const lookups = hop.probes.flatMap((p) => (p.from === null ? [] : [p.from]));
    for (const a of lookups) void names.of(a); // every lookup of the hop starts now
    this.#chain = this.#chain.then(async () => {
      const shown = new Map<string, string>();
      for (const a of lookups) shown.set(a, await names.of(a));
      process.stdout.write(`${hopLine(hop, (a) => shown.get(a) ?? a)}\n`);
    });
  }

  drained(): Promise<void> {
    return this.#chain;
  }
}

export async function run(argv: TraceArgs): Promise<void> {
  const options = traceOptions(argv);
  const session = await openOrFail(() => openTrace(options));
  const json = argv.json;
  if (!json) process.stdout.write(`${headerLine(session.start)}\n`);
  const text = new TextOutput(!json && !argv.numeric);
  let reached = false;
  let hops = 0;
  const refused = new Set<string>();
  const onHop = json ? (hop: TraceHop): void => printJsonLine(hopJson(hop)) : (hop: TraceHop): void => text.hop(hop);
  await withSignals({ SIGINT: () => session.stop() }, () =>
    session.run({
      onHop: (hop) => {
        for (const p of hop.probes) if (p.sendError !== null) refused.add(p.sendError);
        onHop(hop);
      },
      onDone: (done) => {
        reached = done.reached;
        hops = done.hops;
      },
    }),
  );
  await text.drained();
  if (json) printJsonLine(doneJson(reached, hops));
  for (const code of refused) process.stderr.write(`rawprobe: ${sendErrorLine(code, session.start.packetLength, session.config.df)}\n`);
  process.exitCode = reached ? EXIT_OK : EXIT_NEGATIVE;
}
