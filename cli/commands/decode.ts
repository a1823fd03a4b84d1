// `rawprobe decode [INPUT]`: every packet of a capture or of hex text, one summary line each,
// every field with --verbose, one JSON object each with --json. Reading is cli/input.ts, the
// work is lib/ (pcap, wire, check), the looks are cli/format/packet.ts.
import type { ArgumentsCamelCase, Argv } from 'yargs';
import type { RecordView } from '../../lib/pcap/index.js';
import { readInput, type InputInfo } from '../input.js';
import { CliError, EXIT_ERROR } from '../errors.js';
import { decodeFrame, fieldRows, frameJson, summaryLine, type DecodedFrame } from '../format/packet.js';
import { renderTable } from '../format/table.js';

interface DecodeArgs {
  input?: string;
  json: boolean;
  verbose: boolean;
  count?: number;
}

export const command = 'decode [input]';
export const describe = 'Decode packets from a pcap/pcapng file, hex text, or stdin: one line each, --verbose every field, --json';

export function builder(y: Argv): Argv<DecodeArgs> {
  return y
    .positional('input', {
      type: 'string',
      describe: 'a capture file (pcap: µs/ns, either byte order; pcapng), a file of hex lines, a hex string, or - for stdin (the default)',
    })
    .option('json', { type: 'boolean', default: false, describe: 'one JSON object per packet (JSON Lines) with every decoded field; send --json reads them back' })
    .option('verbose', { alias: 'v', type: 'boolean', default: false, describe: 'after each summary line, a table of every field of every layer' })
    .option('count', { alias: 'c', type: 'number', describe: 'stop after this many packets' })
    .parserConfiguration({ 'parse-positional-numbers': false })
    .epilog(
      [
        'Link types: Ethernet (1), Linux cooked v1 (113) and v2 (276), BSD loopback (0, 108), raw IP (101, 228). Hex: one packet per line, starting at the IPv4 header ("4500 0054 ...", "45:00:...", 0x allowed; # starts a comment).',
        'Packets are numbered from 0. Times are local, as tcpdump prints them; --json gives UTC.',
        'The checksum status is that of `rawprobe checksum`: a UDP/TCP checksum captured on the sending host (always so on loopback) is often "bad (offloaded)": the kernel left it for the network card.',
        'Exit: 0 decoded, 2 unreadable input or a malformed packet (reported, with the packets before it).',
      ].join('\n\n'),
    ) as unknown as Argv<DecodeArgs>;
}

export async function handler(args: ArgumentsCamelCase): Promise<void> {
  const argv = args as unknown as DecodeArgs;
  if (argv.json && argv.verbose) throw new CliError('--json and --verbose: choose one (the JSON already has every field)', EXIT_ERROR);
  if (argv.count !== undefined && (!Number.isInteger(argv.count) || argv.count < 1)) {
    throw new CliError(`--count ${argv.count}: give a whole number of packets, 1 or more`, EXIT_ERROR);
  }
  let firstMalformed: DecodedFrame | null = null;
  let malformed = 0;
  let shown = 0;
  const out: string[] = [];
  const flush = (): void => {
    if (out.length > 0) process.stdout.write(out.join(''));
    out.length = 0;
  };
  const onPacket = (view: RecordView, info: InputInfo): boolean => {
    const d = decodeFrame(view, info.pcap?.nanosecond ?? false);
    if (d.problem?.kind === 'malformed') {
      malformed++;
      firstMalformed ??= d;
    }
    if (argv.json) out.push(`${JSON.stringify(frameJson(d))}\n`);
    else {
      out.push(`${summaryLine(d)}\n`);
      if (argv.verbose) out.push(renderTable(['LAYER', 'FIELD', 'VALUE', 'MEANING'], fieldRows(d), { columns: [{}, {}, { width: 40, wrapWord: false }, { width: 44, wrapWord: true }] }));
    }
    if (out.length >= 256) flush(); // JSON Lines / text in batches: one write per 256 packets
    shown++;
    return argv.count === undefined || shown < argv.count;
  };
  try {
    await readInput(argv.input, onPacket);
  } finally {
    flush(); // the packets before a break are reported before the error
  }
  if (firstMalformed !== null) {
    const d = firstMalformed as DecodedFrame;
    const more = malformed > 1 ? ` (${malformed} malformed packets in all)` : '';
    throw new CliError(
      `malformed packet at packet index ${d.frame.index}, byte offset ${d.problem!.offset ?? 0}: ${d.problem!.reason}${more}`,
      EXIT_ERROR,
    );
  }
}
