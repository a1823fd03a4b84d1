// `rawprobe capture`, the work behind cli/commands/capture.ts: the command line as lib/capture's
// options, the capture, each wake-up's packets printed (one write per batch, so a pipe sees every
// line at once) or written to a pcap/pcapng file (flushed per batch, as tcpdump -U), and tcpdump's
// statistics on stderr at the end: -c, --duration, Ctrl-C (SIGINT), SIGTERM or SIGHUP (exit 143,
// 129). Loaded only when capture runs.
import { openCapture, batchRecord, batchRecords, captureTarget, compileFilter, defaultInterface, ANY, CaptureError, type Capture, type CaptureBatch } from '../../lib/capture/index.js';
import { LINKTYPE, MAX_CAPTURED_LENGTH, PcapWriter, PcapngWriter } from '../../lib/pcap/index.js';
import { newRecordView } from '../../lib/pcap/view.js';
import type { CaptureArgs } from '../options/capture.js';
import { CliError, EXIT_ERROR } from '../errors.js';
import { listeningLine, packetText, programText, statsLines, type FieldTable, type PacketStyle } from '../format/capture.js';
import { decimal, whole } from '../numbers.js';
import { stoppable } from '../stopping.js';
/** The command's declarations, loaded with its work: cli/start.ts parses its lines from them (cli/quick-commands.ts). */
export { capture as command } from '../commands/capture.js';

interface Settings {
  interface: string;
  expression: string | null;
  count: number | null;
  durationMs: number | null;
  snaplen: number;
  promiscuous: boolean;
  style: PacketStyle;
  write: string | null;
  pcapng: boolean;
  dumpFilter: boolean;
  optimize: boolean;
  ringBlockSize: number | undefined;
  ringBlocks: number | undefined;
}

/** -s as tcpdump takes it: 0 means the largest, 262144. */
export function parseSnaplen(text: string): number {
  const n = whole('-s', 'snaplen', text);
  if (n === 0) return MAX_CAPTURED_LENGTH;
  if (n > MAX_CAPTURED_LENGTH) throw new CliError(`-s ${text}: the snaplen is 1 to ${MAX_CAPTURED_LENGTH} bytes (0 means ${MAX_CAPTURED_LENGTH})`);
  return n;
}

/** The command line as settings; usage errors as CliError (exit 2). */
export function captureSettings(argv: CaptureArgs): Settings {
  const expression = (argv.expression ?? []).join(' ').trim();
  const count = argv.count === undefined ? null : whole('-c', 'count', argv.count);
  if (count === 0) throw new CliError('-c 0: give a whole number of packets, 1 or more');
  const duration = argv.duration === undefined ? null : decimal('--duration', 'duration', argv.duration);
  if (duration !== null && duration <= 0) throw new CliError(`--duration ${argv.duration}: give a time in seconds above 0`);
  if (argv.write === '') throw new CliError('-w: give a file name, or - for stdout');
  if (argv.pcapng && argv.write === undefined) throw new CliError('--pcapng goes with -w FILE');
  if (argv.json && argv.verbose) throw new CliError('--json and -v: choose one (the JSON already has every field)');
  const blockSize = argv['ring-block-size'];
  const blocks = argv['ring-blocks'];
  return {
    interface: argv.interface ?? '',
    expression: expression === '' ? null : expression,
    count,
    durationMs: duration === null ? null : duration * 1000,
    snaplen: argv.snaplen === undefined ? MAX_CAPTURED_LENGTH : parseSnaplen(argv.snaplen),
    promiscuous: !argv.p,
    style: { json: argv.json, verbose: argv.verbose, hex: argv.hex },
    write: argv.write ?? null,
    pcapng: argv.pcapng,
    dumpFilter: argv['dump-filter'],
    optimize: !argv['no-optimize'],
    ringBlockSize: blockSize === undefined ? undefined : whole('--ring-block-size', 'size', blockSize),
    ringBlocks: blocks === undefined ? undefined : whole('--ring-blocks', 'count', blocks),
  };
}

/** CaptureError (an option, the interface, the filter, the privilege) as one line, exit 2. */
function oneLine<T>(work: () => T): T {
  try {
    return work();
  } catch (e) {
    if (e instanceof CaptureError) throw new CliError(e.message, EXIT_ERROR);
    throw e;
  }
}

function chooseInterface(s: Settings): string {
  if (s.interface !== '') return s.interface;
  const found = defaultInterface();
  if (found === null) throw new CliError('no interface is up to capture on: name one with -i (or -i any)');
  return found;
}

/** Where the packets go: the terminal (or a pipe) as text, or a capture file. */
interface Output {
  /** The batch's first n packets, handed to the kernel at once (one write per batch). */
  write(batch: CaptureBatch, n: number): void;
  close(): Promise<void>;
}

function openFile(s: Settings & { write: string }, capture: Capture): Output {
  const target = s.write === '-' ? 1 : s.write;
  const options = { linkType: capture.linkType, snaplen: capture.snaplen };
  const view = newRecordView(Buffer.alloc(0));
  try {
    if (s.pcapng) {
      const writer = new PcapngWriter(target, { ...options, interfaceName: capture.target.name });
      return {
        write: (batch, n) => {
          for (let i = 0; i < n; i++) writer.writeRecord(batchRecord(batch, i, view));
          writer.flush();
        },
        close: () => writer.close(),
      };
    }
    // The capture lays each batch out as nanosecond pcap records already (pcapRecords): one write.
    const writer = new PcapWriter(target, { ...options, nanosecond: true });
    return { write: (batch, n) => writer.writeEncoded(batchRecords(batch, n), n), close: () => writer.close() };
  } catch (e) {
    throw new CliError(`-w ${s.write}: ${(e as Error).message}`, EXIT_ERROR);
  }
}

async function openOutput(s: Settings, capture: Capture): Promise<Output> {
  if (s.write !== null) return openFile({ ...s, write: s.write }, capture);
  // The field table needs the `table` package, slow to load: only -v draws it.
  const fields = s.style.verbose ? await import('../format/fields.js') : null;
  const draw: FieldTable | null = fields === null ? null : fields.fieldTable;
  const view = newRecordView(Buffer.alloc(0));
  return {
    write: (batch, n) => {
      let text = '';
      for (let i = 0; i < n; i++) text += packetText(batchRecord(batch, i, view), s.style, draw);
      if (text !== '') process.stdout.write(text);
    },
    close: async () => {},
  };
}

/** What `rawprobe capture` does once yargs has parsed its options (cli/commands/capture.ts). */
export async function run(argv: CaptureArgs): Promise<void> {
  const s = captureSettings(argv);
  if (s.dumpFilter) {
    // As tcpdump -d: for the link type alone, or with -i for that interface opened live.
    const target = s.interface === '' ? null : oneLine(() => captureTarget(s.interface));
    const live = target === null || target.cooked ? {} : { interface: target.name };
    const linkType = target?.linkType ?? LINKTYPE.ETHERNET;
    const compiled = oneLine(() => compileFilter(s.expression ?? '', { linkType, snaplen: s.snaplen, optimize: s.optimize, ...live }));
    process.stdout.write(programText(compiled.listing));
    return;
  }
  const name = chooseInterface(s);
  const capture = oneLine(() =>
    openCapture({
      interface: name,
      filter: s.expression,
      snaplen: s.snaplen,
      promiscuous: s.promiscuous && name !== ANY,
      ...(s.ringBlockSize === undefined ? {} : { ringBlockSize: s.ringBlockSize }),
      ...(s.ringBlocks === undefined ? {} : { ringBlocks: s.ringBlocks }),
      pcapRecords: s.write !== null && !s.pcapng,
    }),
  );
  let output: Output;
  try {
    output = await openOutput(s, capture);
  } catch (e) {
    capture.close();
    throw e;
  }
  let failure: unknown = null;
  let handled = 0;
  const announce = (): void => {
    process.stderr.write(listeningLine(name, capture.linkType, capture.snaplen));
  };
  try {
    await untilDone(capture, s, announce, (batch) => {
      const n = s.count === null ? batch.count : Math.min(batch.count, s.count - handled);
      output.write(batch, n);
      handled += n;
      return s.count !== null && handled >= s.count;
    }, (e) => {
      failure ??= e;
    });
  } finally {
    capture.close();
    try {
      await output.close();
    } catch (e) {
      failure ??= e;
    }
  }
  const stats = capture.stats();
  process.stderr.write(statsLines({ captured: handled, received: stats.received, dropped: stats.dropped }));
  if (failure !== null) throw new CliError(failureLine(failure, s), EXIT_ERROR);
}

/** The capture failing (the interface went away) or the output refusing (a full disk): one line. */
function failureLine(e: unknown, s: Settings): string {
  if (e instanceof CaptureError) return e.message;
  const where = s.write === null ? 'stdout' : s.write === '-' ? '-w -' : `-w ${s.write}`;
  return `${where}: ${e instanceof Error ? e.message : String(e)}`;
}

/**
 * Reads until -c is reached (onBatch returns true), --duration runs out, SIGINT, SIGTERM, SIGHUP
 * or a closed stdout (cli/stopping.ts), or the capture or the output fails; then stops the
 * capture, which delivers what arrived before.
 * `announce` says we are listening, once the signal handlers are in place: whoever waits for that
 * line to send Ctrl-C must find them installed, or the signal's default action ends the process
 * without the statistics.
 */
async function untilDone(capture: Capture, s: Settings, announce: () => void, onBatch: (batch: CaptureBatch) => boolean, onError: (e: unknown) => void): Promise<void> {
  let finish: () => void = () => {};
  const done = new Promise<void>((resolve) => (finish = resolve));
  let ending = false;
  const end = (): void => {
    if (ending) return;
    ending = true;
    void capture.stop().finally(finish);
  };
  let full = false;
  capture.on('batch', (batch) => {
    if (full) return;
    try {
      full = onBatch(batch);
    } catch (e) {
      // The output refused (a full disk): stop here; what was written stays written.
      full = true;
      onError(e);
      capture.close();
      return;
    }
    if (full) end();
  });
  capture.on('error', (e) => {
    onError(e);
    finish();
  });
  capture.on('close', finish);
  const timer = s.durationMs === null ? null : setTimeout(end, s.durationMs);
  try {
    await stoppable(async (stopping) => {
      stopping.onStop(end);
      announce();
      await done;
    });
  } finally {
    if (timer !== null) clearTimeout(timer);
  }
}
