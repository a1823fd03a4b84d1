// `rawprobe checksum [INPUT]`: verify the IPv4 header, ICMP, UDP and TCP checksums of every
// packet (lib/check, streaming), print per-layer counts and the bad ones; --fix writes a
// corrected copy; --compute HEX gives the right values for one packet.
import { resolve } from 'node:path';
import type { ArgumentsCamelCase, Argv } from 'yargs';
import { CaptureChecker, ChecksumFixer, ChecksumTally, STATUS, newPacketChecksums, verifyIpv4 } from '../../lib/check/index.js';
import { LINKTYPE, PcapWriter, MAX_CAPTURED_LENGTH } from '../../lib/pcap/index.js';
import { ParseError, parseHex } from '../../lib/wire/index.js';
import { CliError, describeError, EXIT_ERROR, EXIT_NEGATIVE, EXIT_OK } from '../errors.js';
import { checksumJson, checksumText, computeJson, computeText } from '../format/checksum.js';
import { printJsonLine } from '../format/json.js';
import { readInput, type InputInfo } from '../input.js';

interface ChecksumArgs {
  input?: string;
  json: boolean;
  fix?: string;
  compute?: string;
  'max-listed': number;
}

export const command = 'checksum [input]';
export const describe = 'Verify IPv4/ICMP/UDP/TCP checksums of every packet of a pcap or hex input; --fix writes a corrected copy';

export function builder(y: Argv): Argv<ChecksumArgs> {
  return y
    .positional('input', { type: 'string', describe: 'a capture file, a file of hex lines, a hex string, or - for stdin (the default)' })
    .option('json', { type: 'boolean', default: false, describe: 'one JSON object: packets, bad per layer, unverifiable, badPackets, layers...' })
    .option('fix', { type: 'string', describe: 'write a copy of the capture to this pcap with every bad checksum corrected' })
    .option('compute', { type: 'string', describe: 'the right checksums for this one packet (hex, from the IPv4 header)' })
    .option('max-listed', { type: 'number', default: 1000, describe: 'bad checksums listed in the text report (0: all; --json lists all)' })
    .conflicts('compute', ['input', 'fix'])
    .parserConfiguration({ 'parse-positional-numbers': false })
    .epilog(
      [
        'Per layer: good, bad, unverifiable (bytes cut by the snaplen, or a fragment), none sent (UDP checksum 0). Packets are numbered from 0.',
        'Checksum offload: packets captured on the host that sent them (always on loopback, often on a NIC) carry only the pseudo-header sum in their UDP/TCP checksum, because the kernel leaves the rest to the network card. They are bad as captured, here and in tshark; the report marks them "offloaded".',
        'The counts match tshark -o ip.check_checksum:TRUE -o udp.check_checksum:TRUE -o tcp.check_checksum:TRUE.',
        'Exit: 0 every checksum good, 1 a bad checksum or a malformed packet, 2 unreadable input (the packets before the break are reported first).',
      ].join('\n\n'),
    ) as unknown as Argv<ChecksumArgs>;
}

export async function handler(args: ArgumentsCamelCase): Promise<void> {
  const argv = args as unknown as ChecksumArgs;
  if (argv.compute !== undefined) {
    compute(argv.compute, argv.json);
    return;
  }
  const maxListed = argv['max-listed'];
  if (!Number.isInteger(maxListed) || maxListed < 0) throw new CliError(`--max-listed ${maxListed}: give a whole number, 0 for all`, EXIT_ERROR);
  if (argv.fix !== undefined && argv.input !== undefined && argv.input !== '-' && argv.input !== '' && resolve(argv.fix) === resolve(argv.input)) {
    throw new CliError(`--fix ${argv.fix}: that is the input file; write the corrected copy somewhere else`, EXIT_ERROR);
  }

  const tally = new ChecksumTally();
  let checker = new CaptureChecker({ tally });
  let writer: PcapWriter | null = null;
  let fixer: ChecksumFixer | null = null;
  let name = argv.input ?? 'stdin';
  const onInfo = (info: InputInfo): void => {
    name = info.name;
    if (argv.fix === undefined) return;
    const iface = info.pcap?.interfaces[0];
    const snaplen = info.pcap?.snaplen ?? 0;
    try {
      writer = new PcapWriter(argv.fix, {
        linkType: iface?.linkType ?? LINKTYPE.RAW,
        nanosecond: info.pcap?.nanosecond ?? false,
        ...(info.pcap ? { byteOrder: info.pcap.byteOrder } : {}),
        ...(snaplen > 0 && snaplen <= MAX_CAPTURED_LENGTH ? { snaplen } : {}),
      });
    } catch (e) {
      throw new CliError(`--fix ${argv.fix}: cannot write: ${describeError(e)}`, EXIT_ERROR);
    }
    fixer = new ChecksumFixer(writer);
    checker = new CaptureChecker({ tally, fix: fixer });
  };

  let failure: unknown = null;
  try {
    await readInput(argv.input, (view) => checker.onRecord(view), { onInfo });
  } catch (e) {
    failure = e instanceof CliError ? e : new CliError(describeError(e), EXIT_ERROR);
  }
  try {
    await (writer as PcapWriter | null)?.close();
  } catch (e) {
    failure ??= new CliError(`--fix ${argv.fix}: ${describeError(e)}`, EXIT_ERROR);
  }

  const summary = tally.summary();
  const f = fixer as ChecksumFixer | null;
  const facts = {
    name,
    fix: f === null ? null : { path: argv.fix!, records: f.records, fixed: f.fixed },
    error: failure === null ? null : describeError(failure),
  };
  // What was read before a break is reported first; the break is the last line (stderr).
  if (argv.json) printJsonLine(checksumJson(summary, facts));
  else if (summary.packets > 0 || failure === null) process.stdout.write(checksumText(summary, facts, maxListed));
  if (failure !== null) throw failure;
  process.exitCode = summary.badPacketCount > 0 || summary.malformed > 0 ? EXIT_NEGATIVE : EXIT_OK;
}

function compute(hex: string, json: boolean): void {
  let bytes: Buffer;
  try {
    bytes = parseHex(hex);
  } catch (e) {
    if (e instanceof ParseError) throw new CliError(`--compute: packet index 0, byte offset ${Math.floor((e.position ?? 0) / 2)}: ${e.message}`, EXIT_ERROR);
    throw e;
  }
  if (bytes.length === 0) throw new CliError('--compute: no bytes given (hex of one packet, from its IPv4 header)', EXIT_ERROR);
  const c = verifyIpv4(bytes, 0, bytes.length, newPacketChecksums());
  if (json) printJsonLine(computeJson(c));
  else process.stdout.write(computeText(c));
  if (c.malformed !== null) throw new CliError(`--compute: packet index 0, byte offset ${c.malformedOffset}: ${c.malformed}`, EXIT_ERROR);
  process.exitCode = c.ipv4 === STATUS.BAD || c.transportStatus === STATUS.BAD ? EXIT_NEGATIVE : EXIT_OK;
}
