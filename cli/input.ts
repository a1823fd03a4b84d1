// Where `decode` and `checksum` (and `send --hex`) read packets from: one positional argument
// that is a capture file, a file of hex text, or hex itself; or standard input holding either.
//
//   rawprobe decode capture.pcap          classic pcap (µs or ns, either byte order) or pcapng
//   rawprobe decode packets.hex           hex text, one packet per line
//   rawprobe decode 4500001c...           one packet as a hex string
//   tcpdump -w - | rawprobe decode        pcap on stdin;   echo 4500... | rawprobe decode   hex on stdin
//
// Hex text: one packet per line, bytes as "45000054...", "45 00 00 54" or "45:00:00:54", an
// optional 0x; blank lines and lines starting with # are skipped. Hex packets start with the IP
// header, IPv4 or IPv6 by its version nibble (link type RAW), and have no timestamp.
//
// Every packet reaches the caller as a RecordView (lib/pcap), ONE object reused for all of them:
// read what you need in the callback. A break in the input stops reading after every packet
// before it was delivered, with a CliError (exit 2) that names the packet index and byte offset.

import { open } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';
import { PcapError, LINKTYPE, MAGIC, readPcapFile, type PcapInfo, type RecordBatch, type RecordView } from '../lib/pcap/index.js';
import { newRecordView } from '../lib/pcap/view.js';
import { ParseError, parseHex } from '../lib/wire/index.js';
import { CliError, EXIT_ERROR } from './errors.js';

export type InputKind = 'pcap' | 'hex';

export interface InputInfo {
  kind: InputKind;
  /** For messages: the path, "stdin", or "hex argument". */
  name: string;
  /** The capture's header (pcap input only). */
  pcap: PcapInfo | null;
}

export interface InputSummary {
  info: InputInfo;
  /** Packets delivered. */
  packets: number;
  /** True when the callback stopped the reading early. */
  stopped: boolean;
}

/** Return false to stop reading. */
export type OnPacket = (view: RecordView, info: InputInfo) => void | boolean;

export interface ReadInputOptions {
  /** Standard input (tests pass their own stream). */
  stdin?: NodeJS.ReadableStream & { isTTY?: boolean };
  /** Called once, before the first packet, when the input's kind (and pcap header) is known. */
  onInfo?: (info: InputInfo) => void;
  /**
   * Stops the reading (Ctrl-C on a live pipe): the packets read so far have been delivered, a
   * record cut short is dropped, and readInput rejects with an AbortError.
   */
  signal?: AbortSignal;
  /** Classic pcap input: takes runs of records itself, the others reach onPacket (lib/pcap RecordBatch). */
  batch?: RecordBatch | null;
}

/** Classic pcap magics in both byte orders, and pcapng's palindrome. */
function isCaptureMagic(b: Uint8Array): boolean {
  if (b.length < 4) return false;
  const be = ((b[0]! << 24) | (b[1]! << 16) | (b[2]! << 8) | b[3]!) >>> 0;
  const le = ((b[3]! << 24) | (b[2]! << 16) | (b[1]! << 8) | b[0]!) >>> 0;
  const known: number[] = [MAGIC.MICROSECOND, MAGIC.NANOSECOND, MAGIC.MODIFIED, MAGIC.PCAPNG];
  return known.includes(be) || known.includes(le);
}

/** An argument meant as a file name: a directory part or a file extension. Anything else is read as hex. */
export function looksLikePath(text: string): boolean {
  return /[/\\]/.test(text) || /\.[A-Za-z][A-Za-z0-9]*$/.test(text);
}

/**
 * Reads every packet of `source` (a path, hex, or undefined / "-" for stdin) into `onPacket`.
 * Throws CliError (exit 2) for input that is missing, unreadable or broken part-way.
 */
export async function readInput(source: string | undefined, onPacket: OnPacket, options: ReadInputOptions = {}): Promise<InputSummary> {
  // yargs hands a lone "-" over as "".
  if (source === undefined || source === '-' || source === '') return readStdin(onPacket, options);
  let head: Buffer | null = null;
  try {
    const fh = await open(source, 'r');
    try {
      head = Buffer.alloc(4);
      const { bytesRead } = await fh.read(head, 0, 4, 0);
      head = head.subarray(0, bytesRead);
    } finally {
      await fh.close();
    }
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    // Not a file: hex, unless it looks like a path (then the missing file is the news).
    if (code === 'ENOENT' && !looksLikePath(source)) return readHexText(source, 'hex argument', onPacket, options);
    if (code === 'ENOENT') throw new CliError(`${source}: no such file`, EXIT_ERROR);
    if (code === 'EISDIR') throw new CliError(`${source}: is a directory, not a capture file`, EXIT_ERROR);
    throw new CliError(`${source}: cannot read: ${(e as Error).message}`, EXIT_ERROR);
  }
  if (head.length === 0) {
    throw new CliError(`${source}: empty file (0 bytes): no pcap header and no hex, at packet index 0, byte offset 0`, EXIT_ERROR);
  }
  if (isCaptureMagic(head) || !isText(head)) return readCapture(source, source, onPacket, options);
  const { readFile } = await import('node:fs/promises');
  return readHexText(await readFile(source, 'utf8'), source, onPacket, options);
}

/** The first bytes of a hex file are printable text; a pcap's magic is not. */
function isText(b: Uint8Array): boolean {
  for (const c of b) if (c !== 9 && c !== 10 && c !== 13 && (c < 32 || c > 126)) return false;
  return true;
}

async function readCapture(
  source: string | Readable,
  name: string,
  onPacket: OnPacket,
  options: ReadInputOptions,
): Promise<InputSummary> {
  const info: InputInfo = { kind: 'pcap', name, pcap: null };
  try {
    const summary = await readPcapFile(source, (view) => onPacket(view, info), {
      name,
      batch: options.batch ?? null,
      ...(options.signal === undefined ? {} : { signal: options.signal }),
      onInfo: (pcap) => {
        info.pcap = pcap;
        options.onInfo?.(info);
      },
    });
    return { info, packets: summary.records, stopped: summary.stopped };
  } catch (e) {
    throw inputError(e, name);
  }
}

/** A CliError naming the packet index and byte offset, from whatever broke the reading. */
export function inputError(e: unknown, name: string): unknown {
  if (e instanceof CliError) return e;
  if (e instanceof PcapError) {
    // The reader's messages name the index and offset except where the break is the file's
    // very start (bad magic, empty file, cut global header): say it there too.
    const where = /packet index/.test(e.message) ? '' : ` (packet index ${e.packetIndex}, byte offset ${e.offset})`;
    return new CliError(`${e.message}${where}`, EXIT_ERROR);
  }
  const code = (e as NodeJS.ErrnoException | null)?.code;
  if (typeof code === 'string' && code.startsWith('E')) {
    return new CliError(`${name}: cannot read: ${(e as Error).message}`, EXIT_ERROR);
  }
  return e;
}

async function readStdin(onPacket: OnPacket, options: ReadInputOptions): Promise<InputSummary> {
  const stdin = options.stdin ?? process.stdin;
  if (stdin.isTTY === true) {
    throw new CliError('no input: give a pcap file, a hex file or a hex string, or pipe a capture or hex into stdin', EXIT_ERROR);
  }
  const chunks = abortable<Buffer | string>(stdin, options.signal);
  const first: Buffer[] = [];
  let have = 0;
  let ended = false;
  while (have < 4) {
    const next = await chunks.next();
    if (next.done === true) {
      ended = true;
      break;
    }
    const chunk = typeof next.value === 'string' ? Buffer.from(next.value) : next.value;
    first.push(chunk);
    have += chunk.length;
  }
  const head = Buffer.concat(first);
  if (head.length === 0) {
    throw new CliError('stdin: empty input (0 bytes): no pcap header and no hex, at packet index 0, byte offset 0', EXIT_ERROR);
  }
  if (isCaptureMagic(head) || !isText(head.subarray(0, 4))) {
    async function* rest(): AsyncGenerator<Buffer> {
      yield head;
      if (ended) return;
      for (;;) {
        const next = await chunks.next();
        if (next.done === true) return;
        yield typeof next.value === 'string' ? Buffer.from(next.value) : next.value;
      }
    }
    return readCapture(Readable.from(rest(), { objectMode: false }), 'stdin', onPacket, options);
  }
  // Hex on stdin: each line is a packet, delivered as soon as its newline arrives (a live pipe).
  const hex = new HexReader('stdin', onPacket, options);
  const decoder = new StringDecoder('utf8');
  let pending = decoder.write(head);
  while (!ended) {
    const cut = pending.lastIndexOf('\n');
    if (cut >= 0) {
      if (hex.lines(pending.slice(0, cut))) return hex.summary(true);
      pending = pending.slice(cut + 1);
    }
    const next = await chunks.next();
    if (next.done === true) break;
    pending += typeof next.value === 'string' ? next.value : decoder.write(next.value);
  }
  if (hex.lines(pending + decoder.end())) return hex.summary(true);
  return hex.finish();
}

/** An AbortError, as node:fs and streams make them. */
function abortError(signal: AbortSignal): Error {
  return Object.assign(new Error('the reading was stopped', { cause: signal.reason }), { name: 'AbortError', code: 'ABORT_ERR' });
}

/**
 * `stream`'s chunks, whose next() rejects with an AbortError as soon as `signal` is aborted (an idle
 * pipe never ends a read): the stream is destroyed then, or its pending read would keep the
 * process alive (an async iterator's return() waits for that read).
 */
function abortable<T>(stream: NodeJS.ReadableStream, signal: AbortSignal | undefined): AsyncIterator<T> {
  const chunks = (stream as AsyncIterable<T>)[Symbol.asyncIterator]();
  if (signal === undefined) return chunks;
  const aborted = new Promise<never>((_, reject) => {
    const fail = (): void => {
      reject(abortError(signal));
      (stream as Partial<Readable>).destroy?.();
    };
    if (signal.aborted) fail();
    else signal.addEventListener('abort', fail, { once: true });
  });
  aborted.catch(() => {}); // rejected only for the reads that race it
  return {
    next: () => Promise.race([chunks.next(), aborted]),
    return: async (value?: unknown) => (await chunks.return?.(value)) ?? { value: undefined, done: true },
  };
}

/**
 * Hex text, one packet per line. Packets are parsed and delivered one at a time, so the ones
 * before a bad line are reported before the error.
 */
async function readHexText(text: string, name: string, onPacket: OnPacket, options: ReadInputOptions): Promise<InputSummary> {
  const hex = new HexReader(name, onPacket, options);
  if (hex.lines(text)) return hex.summary(true);
  return hex.finish();
}

/** Hex lines fed as they come (the whole text of a file, or a pipe's lines as they arrive). */
class HexReader {
  private readonly info: InputInfo;
  private readonly view = newRecordView(Buffer.alloc(0));
  private index = 0;
  private lineNumber = 0;

  constructor(
    private readonly name: string,
    private readonly onPacket: OnPacket,
    options: ReadInputOptions,
  ) {
    this.info = { kind: 'hex', name, pcap: null };
    options.onInfo?.(this.info);
    this.view.linkType = LINKTYPE.RAW;
    this.view.hasTimestamp = false;
    this.view.fileOffset = -1;
  }

  /** Complete lines (newline-separated); true when the callback asked to stop. */
  lines(text: string): boolean {
    for (const raw of text.split('\n')) {
      this.lineNumber++;
      const line = raw.replace(/\r$/, '');
      const trimmed = line.trim();
      if (trimmed === '' || trimmed.startsWith('#')) continue;
      let bytes: Buffer;
      try {
        bytes = parseHex(line);
      } catch (e) {
        if (!(e instanceof ParseError)) throw e;
        const where = this.name === 'hex argument' ? '' : ` (line ${this.lineNumber})`;
        // (an argument that is neither a file nor hex gets the hex error: it names the bad character)
        const byte = e.position === null ? 0 : byteOffsetAt(line, e.position);
        throw new CliError(`${this.name}: packet index ${this.index}${where}, byte offset ${byte}: ${e.message}`, EXIT_ERROR);
      }
      const view = this.view;
      view.buffer = bytes;
      view.index = this.index;
      view.offset = 0;
      view.capturedLength = bytes.length;
      view.originalLength = bytes.length;
      this.index++;
      if (this.onPacket(view, this.info) === false) return true;
    }
    return false;
  }

  summary(stopped: boolean): InputSummary {
    return { info: this.info, packets: this.index, stopped };
  }

  /** End of the text: an input without a single packet is an error. */
  finish(): InputSummary {
    if (this.index === 0) {
      throw new CliError(`${this.name}: no packets: the hex text has no non-empty line, at packet index 0, byte offset 0`, EXIT_ERROR);
    }
    return this.summary(false);
  }
}

/** Whole bytes written before character `position` of a hex line. */
function byteOffsetAt(line: string, position: number): number {
  let start = 0;
  while (start < line.length && /\s/.test(line[start]!)) start++;
  if (line[start] === '0' && (line[start + 1] === 'x' || line[start + 1] === 'X')) start += 2;
  let digits = 0;
  for (let i = start; i < position && i < line.length; i++) if (/[0-9a-fA-F]/.test(line[i]!)) digits++;
  return digits >>> 1;
}

/** One packet with its own bytes (readAllPackets). */
export interface InputPacket {
  index: number;
  linkType: number;
  /** The captured frame, link-layer header included. */
  bytes: Buffer;
  /** When it was captured, ms since the epoch (a capture file's timestamp), or null (hex text). */
  timeMs: number | null;
}

/** Every packet's bytes, copied (for send; decode and checksum stream instead). */
export async function readAllPackets(source: string | undefined, options: ReadInputOptions = {}): Promise<{ info: InputInfo; packets: InputPacket[] }> {
  const packets: InputPacket[] = [];
  const summary = await readInput(
    source,
    (v, info) => {
      const timeMs = info.kind === 'hex' ? null : v.tsSec * 1000 + v.tsNsec / 1e6;
      packets.push({ index: v.index, linkType: v.linkType, bytes: Buffer.from(v.buffer.subarray(v.offset, v.offset + v.capturedLength)), timeMs });
    },
    options,
  );
  return { info: summary.info, packets };
}
