// `rawprobe tos HOST`, the work behind cli/commands/tos.ts: the value list (--values, --dscp,
// --ecn), the run (lib/probe/tos/), the table or JSON rows. Loaded only when tos runs. Exit
// status: 0 when the target answered every value, 1 when some value got no answer, 2 for bad
// usage or a system error.
import { DSCP } from '../../lib/wire/dscp.js';
import { openTos, type TosOptions } from '../../lib/probe/tos/index.js';
import { CliError, EXIT_NEGATIVE, EXIT_OK } from '../errors.js';
import { printJsonLine } from '../format/json.js';
import { headerLine, rowJson, tosTable } from '../format/tos.js';
import { whole } from '../numbers.js';
import type { TosArgs } from '../options/tos.js';
import { ipVersionOf, pcapOut, tosByte } from './args.js';
import { stoppable } from '../stopping.js';
import { openOrFail } from './session.js';
import { parseWait, probeKind } from './trace-args.js';
import { writeStdout } from '../stdout.js';
/** The command's declarations, loaded with its work: cli/start.ts parses its lines from them (cli/quick-commands.ts). */
export { tos as command } from '../commands/tos.js';

/** What runs without --values, --dscp or --ecn: best effort, the low-priority class, the AF classes, EF, network control. */
export const DEFAULT_DSCP = ['CS0', 'CS1', 'AF11', 'AF21', 'AF31', 'AF41', 'EF', 'CS6'] as const;

function list(flag: string, text: string): string[] {
  const items = text.split(',').map((s) => s.trim());
  if (items.some((s) => s === '')) throw new CliError(`${flag}: "${text}" has an empty item: give a comma-separated list`);
  return items;
}

/** --dscp: "all", or DSCP numbers 0-63 / names; each as its TOS byte (dscp << 2). */
export function parseDscpList(text: string): number[] {
  if (text.trim().toLowerCase() === 'all') return Array.from({ length: 64 }, (_, d) => d << 2);
  return list('--dscp', text).map((item) => {
    if (/^\d+$/.test(item) || /^0x[0-9a-f]+$/i.test(item)) {
      const d = whole('--dscp', 'DSCP', item);
      if (d > 63) throw new CliError(`--dscp: ${item} is out of range: a DSCP is 0-63 (or all)`);
      return d << 2;
    }
    const key = item.toUpperCase().replace(/-/g, '_');
    if (!Object.prototype.hasOwnProperty.call(DSCP, key)) {
      throw new CliError(`--dscp: unknown DSCP "${item}": give 0-63, all, or a name (CS0-CS7, AF11-AF43, EF, VOICE-ADMIT, LE)`);
    }
    return DSCP[key as keyof typeof DSCP] << 2;
  });
}

/** The TOS bytes to probe, in order, without repeats. */
export function tosValues(argv: { values?: string; dscp?: string; ecn: boolean }): number[] {
  const values: number[] = [];
  if (argv.values !== undefined) {
    for (const item of list('--values', argv.values)) values.push(tosByte('--values', item));
  }
  if (argv.dscp !== undefined) values.push(...parseDscpList(argv.dscp));
  if (values.length === 0) {
    if (argv.ecn) values.push(0);
    else values.push(...DEFAULT_DSCP.map((name) => DSCP[name] << 2));
  }
  const expanded = argv.ecn ? values.flatMap((v) => [0, 1, 2, 3].map((ecn) => (v & 0xfc) | ecn)) : values;
  return [...new Set(expanded)];
}

export function tosOptions(argv: TosArgs): TosOptions {
  const options: TosOptions = { host: argv.host, values: tosValues(argv), path: argv.path };
  const version = ipVersionOf(argv);
  if (version !== undefined) options.version = version;
  const kind = probeKind(argv.protocol, argv);
  if (kind !== null) options.kind = kind;
  if (argv.port !== undefined) options.port = whole('-p', 'port', argv.port);
  if (argv.queries !== undefined) options.probesPerValue = whole('-q', 'probes per value', argv.queries);
  if (argv.wait !== undefined) Object.assign(options, parseWait(argv.wait));
  if (argv['sim-queries'] !== undefined) options.simultaneous = whole('-N', 'probes in flight', argv['sim-queries']);
  const { first, 'max-hops': max } = argv;
  if ((first !== undefined || max !== undefined) && !argv.path) throw new CliError('-f and -m set the TTL sweep of --path: add --path');
  if (first !== undefined) options.firstTtl = whole('-f', 'first TTL', first);
  if (max !== undefined) options.maxTtl = whole('-m', 'max TTL', max);
  if (argv.source !== undefined) options.source = argv.source;
  const pcap = pcapOut(argv['pcap-out']);
  if (pcap !== undefined) options.pcapOut = pcap;
  return options;
}

/** Ctrl-C, SIGTERM and SIGHUP end the run with the table so far (cli/stopping.ts), from the first line on. */
export async function run(argv: TosArgs): Promise<void> {
  const options = tosOptions(argv);
  await stoppable(async (stopping) => {
    const session = await openOrFail(() => openTos(options));
    stopping.onStop(() => session.stop());
    if (!argv.json) writeStdout(`${headerLine(session.start)}\n`);
    const rows = await session.run();
    if (argv.json) for (const r of rows) printJsonLine(rowJson(r));
    else writeStdout(tosTable(rows, argv.path));
    process.exitCode = rows.every((r) => r.answered > 0) ? EXIT_OK : EXIT_NEGATIVE;
  });
}
