// Capture filters in tcpdump's expression language, compiled by libpcap itself (the addon loads
// libpcap.so.0.8 on first use: native/pcap-filter.cc), for the link type of the capture, then
// attached to the socket (SO_ATTACH_FILTER) so the kernel drops what is not wanted.
//
// Two things libpcap's pcap-linux.c does around pcap_compile are done here, the same way:
//  - on a cooked capture ("any") the kernel runs the filter on the packet WITHOUT the 20-byte
//    Linux cooked v2 header the program was compiled for, so loads past the header move back
//    20 bytes and loads of its protocol, interface and packet-type fields become the kernel's
//    ancillary loads (SKF_AD_*); a program reading any other header byte cannot run in the kernel
//    (libpcap then filters in user space; we refuse with a message);
//  - the compile error names no position, so the position is found by asking libpcap again:
//    the longest start of the expression that some ending would make valid ends where the error is.
import { encodeProgram, type BpfInstruction } from '../socket/bpf.js';
import { constants } from '../socket/constants.js';
import { CaptureError, CAPTURE_ERROR, errnoCode } from './errors.js';
import { SLL2_HEADER_LENGTH } from './interfaces.js';
import { captureAddon } from './native.js';
import { HOST_LITTLE_ENDIAN } from '../wire/bytes.js';

export interface CompileOptions {
  /** The capture's link type (LINKTYPE_*): Ethernet for eth0 and lo, LINUX_SLL2 for any. */
  linkType: number;
  /** The snaplen the program returns for a kept packet (default 262144, as tcpdump). */
  snaplen?: number;
  /** libpcap's optimizer, on unless turned off (tcpdump -O turns it off). */
  optimize?: boolean;
  /**
   * The interface the program is for ("eth0"). libpcap then compiles for it opened live, as tcpdump
   * -i does, where `vlan` tests the tag the kernel took off; this needs CAP_NET_RAW, and without it
   * (or without an interface) the program is compiled for the link type alone, as tcpdump -d is.
   */
  interface?: string;
}

export interface CompiledFilter {
  expression: string;
  linkType: number;
  /** As libpcap compiled it, for the link type's own header. */
  instructions: BpfInstruction[];
  /** The program as `tcpdump -d` prints it (libpcap's bpf_image), one line per instruction. */
  listing: string[];
  /** Compiled for the interface opened live (see CompileOptions.interface). */
  live: boolean;
}

const DEFAULT_SNAPLEN = 262144;

/** Compiles `expression`; CaptureError FILTER (libpcap's words and where) or LIBPCAP when libpcap is missing. */
export function compileFilter(expression: string, options: CompileOptions): CompiledFilter {
  const snaplen = options.snaplen ?? DEFAULT_SNAPLEN;
  const optimize = options.optimize ?? true;
  const native = captureAddon();
  try {
    const out = native.compileFilter(options.linkType, snaplen, expression, optimize, options.interface ?? null);
    return { expression, linkType: options.linkType, instructions: decodeProgram(out.program), listing: out.listing, live: out.live };
  } catch (e) {
    const code = errnoCode(e);
    if (code === 'ERR_LIBPCAP_MISSING') {
      throw new CaptureError(
        CAPTURE_ERROR.libpcapMissing,
        `filter expressions are compiled by libpcap, which did not load (${(e as Error).message}): install it with \`apt-get install libpcap0.8\``,
        { cause: e },
      );
    }
    if (code !== 'ERR_FILTER_COMPILE') throw e;
    const where = errorPosition(expression, (text) => compiles(text, options.linkType, snaplen));
    throw new CaptureError(CAPTURE_ERROR.filter, `filter "${expression}": ${(e as Error).message}${describePosition(where)}`, { cause: e });
  }
}

function compiles(text: string, linkType: number, snaplen: number): boolean {
  try {
    captureAddon().compileFilter(linkType, snaplen, text, false);
    return true;
  } catch {
    return false;
  }
}

/** The program as the kernel must run it on a capture: itself, or fixed for a cooked socket. */
export function kernelProgram(filter: CompiledFilter, cooked: boolean): Buffer {
  return encodeProgram(cooked ? cookedProgram(filter) : filter.instructions);
}

/** pcap-linux.c's fix_program/fix_offset for LINKTYPE_LINUX_SLL2. */
export function cookedProgram(filter: CompiledFilter): BpfInstruction[] {
  const c = constants;
  const adOff = c.SKF_AD_OFF >>> 0;
  return filter.instructions.map((ins) => {
    const cls = ins.code & 0x07;
    const mode = ins.code & 0xe0;
    const packetLoad = (cls === c.BPF_LD || cls === c.BPF_LDX) && (mode === c.BPF_ABS || mode === c.BPF_IND || mode === c.BPF_MSH);
    if (!packetLoad || ins.k >>> 0 >= adOff) return ins;
    const k = ins.k >>> 0;
    let fixed: number;
    if (k >= SLL2_HEADER_LENGTH) fixed = k - SLL2_HEADER_LENGTH;
    else if (k === 0) fixed = c.SKF_AD_OFF + c.SKF_AD_PROTOCOL;
    else if (k === 4) fixed = c.SKF_AD_OFF + c.SKF_AD_IFINDEX;
    else if (k === 10) fixed = c.SKF_AD_OFF + c.SKF_AD_PKTTYPE;
    else {
      throw new CaptureError(
        CAPTURE_ERROR.filterNotInKernel,
        `filter "${filter.expression}": it reads byte ${k} of the Linux cooked header, which a socket filter on "any" cannot see: capture on one interface instead`,
      );
    }
    return { ...ins, k: fixed >>> 0 };
  });
}

/** struct sock_filter[] (host byte order) as instructions. */
export function decodeProgram(bytes: Uint8Array): BpfInstruction[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const little = HOST_LITTLE_ENDIAN;
  const out: BpfInstruction[] = [];
  for (let o = 0; o + 8 <= bytes.byteLength; o += 8) {
    out.push({ code: view.getUint16(o, little), jt: view.getUint8(o + 2), jf: view.getUint8(o + 3), k: view.getUint32(o + 4, little) });
  }
  return out;
}

// ---- where a compile error is --------------------------------------------------------------

/** A token of the expression: where it starts and ends in the text. */
interface Token {
  start: number;
  end: number;
}

/** Words, brackets, parentheses and runs of operator characters: the places an error can be. */
export function tokens(expression: string): Token[] {
  const out: Token[] = [];
  const re = /[()[\]]|[&|!=<>]+|[^\s()[\]&|!=<>]+/g;
  for (let m = re.exec(expression); m !== null; m = re.exec(expression)) out.push({ start: m.index, end: m.index + m[0].length });
  return out;
}

/** What closes the brackets and parentheses left open in `text`, innermost first. */
function closers(text: string): string {
  const open: string[] = [];
  for (const ch of text) {
    if (ch === '(' || ch === '[') open.push(ch);
    else if ((ch === ')' && open[open.length - 1] === '(') || (ch === ']' && open[open.length - 1] === '[')) open.pop();
  }
  return open.reverse().map((ch) => (ch === '(' ? ' )' : ' ]')).join('');
}

// Endings that complete a valid start of an expression: nothing, an operand, a primitive, a
// relation; each tried before and after closing what is open.
const OPERANDS = ['', ' 0', ' ip', ' host 0.0.0.0', ' 0 = 0'];
const TAILS = ['', ' = 0', ' and ip'];

/** True when some ending makes `text` a valid expression. */
function viable(text: string, compile: (text: string) => boolean): boolean {
  const close = closers(text);
  for (const operand of OPERANDS) {
    for (const tail of TAILS) if (compile(`${text}${operand}${close}${tail}`)) return true;
  }
  return false;
}

/**
 * The token at which `expression` stops being the start of any valid expression, or null when
 * every start is valid (the error is at the end, or is not about the syntax).
 */
export function errorPosition(expression: string, compile: (text: string) => boolean): { index: number; text: string } | null {
  const list = tokens(expression);
  for (let i = list.length; i >= 1; i--) {
    if (viable(expression.slice(0, list[i - 1]!.end), compile)) {
      if (i === list.length) return null;
      const t = list[i]!;
      return { index: t.start, text: expression.slice(t.start, t.end) };
    }
  }
  const first = list[0];
  return first === undefined ? null : { index: first.start, text: expression.slice(first.start, first.end) };
}

function describePosition(where: { index: number; text: string } | null): string {
  return where === null ? ' (at the end of the expression)' : ` (at "${where.text}", character ${where.index + 1})`;
}
