// `rawprobe checksum [INPUT]`, the work behind cli/commands/checksum.ts: every packet through
// lib/check's streaming checker (and fixer, with --fix), the report, the exit code; --compute for
// one packet given as hex.
import { resolve } from 'node:path';
import { CaptureChecker, ChecksumFixer, ChecksumLane, ChecksumTally, STATUS, newPacketChecksums, verifyIp } from '../../lib/check/index.js';
import { LINKTYPE, PcapWriter, MAX_CAPTURED_LENGTH, type RecordView } from '../../lib/pcap/index.js';
import { ParseError, parseHex } from '../../lib/wire/index.js';
import { CliError, describeError, EXIT_ERROR, EXIT_NEGATIVE, EXIT_OK } from '../errors.js';
import { checksumJson, checksumText, computeJson, computeText } from '../format/checksum.js';
import { printJsonLine } from '../format/json.js';
import { readInput, type InputInfo } from '../input.js';
import { whole } from '../numbers.js';
import type { ChecksumArgs } from '../options/checksum.js';
import { progressWanted } from '../progress.js';
import { stoppable } from '../stopping.js';
import { readProgress } from '../read-progress.js';
/** The command's declarations, loaded with its work: cli/start.ts parses its lines from them (cli/quick-commands.ts). */
export { checksum as command } from '../commands/checksum.js';

/** What `rawprobe checksum` does once yargs has parsed its options (cli/options/checksum.ts). */
export async function run(argv: ChecksumArgs): Promise<void> {
  if (argv.compute !== undefined) {
    compute(argv.compute, argv.json);
    return;
  }
  const maxListed = whole('--max-listed', 'bad checksums listed', argv['max-listed']);
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
    try {
      // The copy's snaplen is libpcap's maximum: a record longer than the input's snaplen (read
      // whole, as libpcap and Wireshark read it) is copied whole too.
      writer = new PcapWriter(argv.fix, {
        linkType: iface?.linkType ?? LINKTYPE.RAW,
        nanosecond: info.pcap?.nanosecond ?? false,
        ...(info.pcap ? { byteOrder: info.pcap.byteOrder } : {}),
        snaplen: MAX_CAPTURED_LENGTH,
      });
    } catch (e) {
      throw new CliError(`--fix ${argv.fix}: cannot write: ${describeError(e)}`, EXIT_ERROR);
    }
    fixer = new ChecksumFixer(writer);
    checker = new CaptureChecker({ tally, fix: fixer });
  };

  // Ctrl-C, SIGTERM, SIGHUP (cli/stopping.ts): the report covers what was read.
  const progress = await readProgress('checksum', argv.input, progressWanted(process.stderr, argv.json));
  let failure = await stoppable(async (stopping): Promise<unknown> => {
    const stop = new AbortController();
    stopping.onStop(() => stop.abort());
    const onRecord = (view: RecordView): boolean => {
      progress.record(view);
      return checker.onRecord(view);
    };
    try {
      // Without --fix (which copies every record), the addon takes the runs of good records.
      const batch = argv.fix === undefined ? ChecksumLane.open(tally) : null;
      await readInput(argv.input, onRecord, { onInfo, signal: stop.signal, batch });
      return null;
    } catch (e) {
      if (stop.signal.aborted && (e as Error | null)?.name === 'AbortError') return null;
      return e instanceof CliError ? e : new CliError(describeError(e), EXIT_ERROR);
    } finally {
      progress.stop();
    }
  });
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
  if (bytes.length === 0) throw new CliError('--compute: no bytes given (hex of one packet, from its IPv4 or IPv6 header)', EXIT_ERROR);
  const c = verifyIp(bytes, 0, bytes.length, newPacketChecksums(), { originalLength: bytes.length });
  if (json) printJsonLine(computeJson(c));
  else process.stdout.write(computeText(c));
  // A malformed packet is a negative answer, as a bad checksum is: its line says where it broke.
  process.exitCode = c.malformed !== null || c.ipv4 === STATUS.BAD || c.transportStatus === STATUS.BAD ? EXIT_NEGATIVE : EXIT_OK;
}
