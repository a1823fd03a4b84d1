// `rawprobe decode [INPUT]`, the work behind cli/commands/decode.ts: read every packet
// (cli/input.ts), decode it (cli/format/packet.ts over lib/) and print it. A malformed packet is
// marked on its line and the reading goes on; the end says how many there were (stderr) and the
// exit code is 1, a negative answer. A damaged file (a broken record header, a cut file) stops
// the reading: what came before is printed, then one error line, exit 2. Output goes out once
// per chunk of input read (at most 256 packets at a time): a file's chunk of thousands of packets
// is one write, and a live pipe (`tcpdump -U -w - | rawprobe decode`) shows each packet as soon
// as it arrives. Ctrl-C (SIGINT) stops the reading: what was read is printed and decode exits 0,
// as tcpdump -r does (SIGTERM, SIGHUP: 143, 129; cli/stopping.ts).
import type { RecordView } from '../../lib/pcap/index.js';
import { readInput, type InputInfo } from '../input.js';
import { CliError, EXIT_ERROR, EXIT_NEGATIVE } from '../errors.js';
import { malformedSummary } from '../format/decode.js';
import { decodeFrame, frameJson, summaryLine, type DecodedFrame } from '../format/packet.js';
import { whole } from '../numbers.js';
import type { DecodeArgs } from '../options/decode.js';
import { progressWanted } from '../progress.js';
import { stoppable } from '../stopping.js';
import { readProgress } from '../read-progress.js';
/** The command's declarations, loaded with its work: cli/start.ts parses its lines from them (cli/quick-commands.ts). */
export { decode as command } from '../commands/decode.js';

/** --count: packets to show, null for all. */
export function decodeCount(argv: DecodeArgs): number | null {
  if (argv.count === undefined) return null;
  const n = whole('--count', 'count', argv.count);
  if (n < 1) throw new CliError(`--count ${n}: give a whole number of packets, 1 or more`, EXIT_ERROR);
  return n;
}

/** What `rawprobe decode` does once yargs has parsed its options (cli/options/decode.ts). */
export async function run(argv: DecodeArgs): Promise<void> {
  if (argv.json && argv.verbose) throw new CliError('--json and --verbose: choose one (the JSON already has every field)', EXIT_ERROR);
  const count = decodeCount(argv);
  // The field table needs the `table` package, slow to load (ajv inside): only --verbose draws it.
  const fields = argv.verbose ? await import('../format/fields.js') : null;
  let firstMalformed: DecodedFrame | null = null;
  let malformed = 0;
  let shown = 0;
  const out: string[] = [];
  const flush = (): void => {
    if (out.length > 0) process.stdout.write(out.join(''));
    out.length = 0;
  };
  // The reader decodes a whole chunk of input synchronously, then waits for more: an immediate set
  // at the first packet of a chunk runs once that chunk is done.
  let flushing = false;
  const flushSoon = (): void => {
    if (flushing) return;
    flushing = true;
    setImmediate(() => {
      flushing = false;
      flush();
    });
  };
  // On a terminal the lines themselves show how far decode is; into a file, a progress line does.
  const progress = await readProgress('decode', argv.input, progressWanted(process.stderr, argv.json) && process.stdout.isTTY !== true);
  const onPacket = (view: RecordView, info: InputInfo): boolean => {
    progress.record(view);
    const d = decodeFrame(view, info.pcap?.nanosecond ?? false);
    if (d.problem?.kind === 'malformed') {
      malformed++;
      firstMalformed ??= d;
    }
    if (argv.json) out.push(`${JSON.stringify(frameJson(d))}\n`);
    else {
      out.push(`${summaryLine(d)}\n`);
      if (fields !== null) out.push(fields.fieldTable(d));
    }
    if (out.length >= 256) flush(); // JSON Lines / text in batches: at most 256 packets a write
    else flushSoon();
    shown++;
    return count === null || shown < count;
  };
  let failure: unknown = null;
  await stoppable(async (stopping) => {
    const stop = new AbortController();
    stopping.onStop(() => stop.abort());
    try {
      await readInput(argv.input, onPacket, { signal: stop.signal });
    } catch (e) {
      // Stopped: the packets read so far are the output; a record cut short is not an error.
      if (!(stop.signal.aborted && (e as Error | null)?.name === 'AbortError')) failure = e;
    } finally {
      progress.stop();
      flush(); // the packets before a break are reported before the error
    }
  });
  // The malformed count comes after every packet line; a damaged file's break is the last line.
  if (firstMalformed !== null) {
    process.stderr.write(`rawprobe: ${malformedSummary(shown, malformed, firstMalformed)}\n`);
    process.exitCode = EXIT_NEGATIVE;
  }
  if (failure !== null) throw failure;
}
