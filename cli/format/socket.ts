// What `rawprobe socket` prints: one line per system call, as strace writes them, with a short
// parenthesis where the call teaches something; --json gives the same records as objects.
//
//   socket(AF_UNIX, SOCK_SEQPACKET, 0) = 3
//   bind(3, "./lesson.sock") = 0
//   listen(3, 128) = 0
//   accept(3) = 4  peer: (unnamed)
//   recv(4) = 5 bytes "hello"   (one message: SEQPACKET keeps boundaries)
//   send(4, 5 bytes) = 5
//
// A line is `call(fd, args...) = result`: the result is what the call returned (a descriptor, a
// byte count, 0) or -1 and the errno's name; received bytes follow as a quoted string (the first
// 32 bytes, "..." after), the peer of accept and the sender of recvfrom after two spaces.
import type { NetcatEvent, NetcatResult } from '../../lib/netcat/index.js';
import { toEpochMs, type CallArg, type SocketAddress, type SocketCall, type SocketType, type Family } from '../../lib/socket/index.js';

/** Bytes of received data shown on a line, as strace's default -s 32. */
const SHOWN_BYTES = 32;
/** Bytes of data a JSON record carries in hex. */
const JSON_BYTES = 64;
const NOTE_GAP = '   ';

const RECEIVES = new Set(['recv', 'recvfrom', 'recvmsg']);

// ---- values ---------------------------------------------------------------------------------

const ESCAPES: Record<number, string> = { 0x09: '\\t', 0x0a: '\\n', 0x0d: '\\r', 0x22: '\\"', 0x5c: '\\\\' };

/** Bytes as a C string: printable ASCII as is, \n \t \r \" \\, anything else \xHH; "..." when cut. */
export function quotedBytes(data: Uint8Array, max = SHOWN_BYTES): string {
  let text = '"';
  const end = Math.min(data.length, max);
  for (let i = 0; i < end; i++) {
    const b = data[i] as number;
    text += ESCAPES[b] ?? (b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : `\\x${b.toString(16).padStart(2, '0')}`);
  }
  return `${text}"${data.length > max ? '...' : ''}`;
}

/** 127.0.0.1:80, [::1]:53, "./lesson.sock", "@abstract", (unnamed); an address without a port alone. */
export function showAddress(a: Pick<SocketAddress, 'family' | 'address' | 'port'>): string {
  if (a.family === 'unix') {
    if (a.address === '') return '(unnamed)';
    return JSON.stringify(a.address.startsWith('\0') ? `@${a.address.slice(1)}` : a.address);
  }
  if (a.port === null) return a.address;
  return a.family === 'inet6' ? `[${a.address}]:${a.port}` : `${a.address}:${a.port}`;
}

function bytesText(n: number): string {
  return n === 1 ? '1 byte' : `${n} bytes`;
}

function isAddress(arg: CallArg): arg is SocketAddress {
  return typeof arg === 'object' && arg !== null && 'address' in arg && 'family' in arg;
}

/** An option value as strace shows the C value: 1, 65536, {l_onoff=1, l_linger=0}, {tv_sec=1, tv_usec=0}. */
function showArg(arg: CallArg): string {
  if (typeof arg === 'number' || typeof arg === 'string') return String(arg);
  if (typeof arg === 'boolean') return arg ? '1' : '0';
  if (arg instanceof Uint8Array) return quotedBytes(arg, 40);
  if (isAddress(arg)) return showAddress(arg);
  if ('bytes' in arg && Object.keys(arg).length === 1) return bytesText(Number(arg['bytes']));
  if ('enabled' in arg) return `{l_onoff=${arg['enabled'] === true ? 1 : 0}, l_linger=${String(arg['seconds'])}}`;
  if ('microseconds' in arg) return `{tv_sec=${String(arg['seconds'])}, tv_usec=${String(arg['microseconds'])}}`;
  return JSON.stringify(arg);
}

// ---- what a call teaches ----------------------------------------------------------------------

/** What the log knows of the socket a call was made on (cli/run/socket-log.ts keeps it). */
export interface CallContext {
  family: Family;
  type: SocketType;
  /** The first bytes this descriptor received: where the type's lesson goes. */
  firstData: boolean;
  /** A connected stream whose SO_LINGER is {on, 0}: its close is a reset. */
  resets: boolean;
  /** bind asked for port 0: getsockname shows the one the kernel chose. */
  portZero: boolean;
  verbose: boolean;
}

const FIRST_DATA: Record<SocketType, string> = {
  stream: 'a stream: bytes, no boundaries; sends may arrive merged or split',
  seqpacket: 'one message: SEQPACKET keeps boundaries',
  dgram: 'one datagram: DGRAM keeps boundaries',
  raw: 'one packet: a raw socket keeps boundaries',
  rdm: 'one message: RDM keeps boundaries',
};

const ERROR_NOTES: Record<string, string> = {
  ECONNRESET: 'a reset: the peer closed with SO_LINGER 0, or with data it never read',
  EPIPE: 'the peer has closed: nobody will read this',
  ENOENT: 'no socket file at that path',
  EMSGSIZE: 'more than one datagram can carry',
  ETIMEDOUT: 'no answer from the peer',
  EACCES: 'not allowed: a port below 1024 needs root, a broadcast SO_BROADCAST',
  EAGAIN: 'non-blocking: nothing yet; the call is made again when the socket is ready',
  EINPROGRESS: 'non-blocking: the handshake goes on; its outcome is read when the socket turns writable',
};

function errorNote(c: SocketCall, x: CallContext): string | null {
  const code = c.error?.code ?? '';
  if (code === 'ECONNREFUSED') {
    if (RECEIVES.has(c.call)) return 'an ICMP port unreachable came back: nobody listens there';
    return x.family === 'unix' ? 'the socket file is there, but nobody listens on it' : 'nobody listens there: the SYN was answered with a reset';
  }
  if (code === 'EADDRINUSE') {
    if (x.family === 'unix') return "the file is there already: a unix socket's file outlives its socket";
    return x.type === 'stream' ? 'taken: by a socket, or by connections in TIME_WAIT; see SO_REUSEADDR' : 'another socket has it';
  }
  return ERROR_NOTES[code] ?? null;
}

function optionNote(c: SocketCall): string | null {
  const [, name, value] = c.args;
  if (name === 'SO_REUSEADDR' && value === true) return 'bind may take a port held by connections in TIME_WAIT, if they had SO_REUSEADDR too';
  if (name === 'SO_LINGER' && typeof value === 'object' && value !== null && 'enabled' in value && value['enabled'] === true && value['seconds'] === 0) {
    return 'close() will send a reset (RST), not a FIN';
  }
  if (name === 'TCP_NODELAY' && value === true) return "small sends leave at once (no Nagle's algorithm)";
  return null;
}

/** The parenthesis a line ends with, or null. */
export function noteOf(c: SocketCall, x: CallContext): string | null {
  if (c.error !== null) return errorNote(c, x);
  switch (c.call) {
    case 'recv':
    case 'recvfrom':
    case 'recvmsg':
      if (c.result === 0 && x.type !== 'dgram' && x.type !== 'raw') return 'end of stream: the peer shut down writing, or closed';
      return x.firstData ? FIRST_DATA[x.type] : null;
    case 'connect':
      if (c.syscall === 'getsockopt' && x.verbose) return 'the outcome, read with getsockopt(SO_ERROR)';
      return x.type === 'dgram' ? 'no packet is sent: this sets where send() goes' : null;
    case 'shutdown':
      return c.args[0] === 'SHUT_WR' ? "FIN: once it has read the rest, the peer's recv returns 0" : null;
    case 'setsockopt':
      return optionNote(c);
    case 'getsockname':
      return x.portZero ? 'port 0: the kernel chose this one' : null;
    case 'close':
      return x.resets ? 'SO_LINGER 0: a reset (RST), not a FIN' : null;
    default:
      return null;
  }
}

// ---- lines ------------------------------------------------------------------------------------

function resultText(c: SocketCall): string {
  if (c.error !== null) return `-1 ${c.error.code}`;
  if (RECEIVES.has(c.call)) return c.result === 0 ? '0 bytes' : `${bytesText(c.result)} ${quotedBytes(c.data ?? Buffer.alloc(0))}`;
  return String(c.result);
}

/** What follows the result: the peer of accept, the sender of recvfrom, the address getsockname read. */
function afterResult(c: SocketCall): string {
  if (c.error !== null) return '';
  if (c.call === 'accept' && c.peer !== null) return `  peer: ${showAddress(c.peer)}`;
  // recvfrom names no sender for an unbound unix socket: the kernel gives an empty address.
  if (c.call === 'recvfrom' || c.call === 'recvmsg') return `  from: ${c.peer === null ? '(unnamed)' : showAddress(c.peer)}`;
  if ((c.call === 'getsockname' || c.call === 'getpeername') && isAddress(c.value as CallArg)) return `  ${showAddress(c.value as SocketAddress)}`;
  return '';
}

/** The arguments shown: recv's buffer size only with -v (the lines leave it out). */
function shownArgs(c: SocketCall, verbose: boolean): readonly CallArg[] {
  if (!verbose && RECEIVES.has(c.call) && typeof c.args[0] === 'number') return c.args.slice(1);
  return c.args;
}

/** One call as a line (no newline). */
export function callLine(c: SocketCall, note: string | null, verbose: boolean): string {
  const args = [...(c.fd === null ? [] : [String(c.fd)]), ...shownArgs(c, verbose).map(showArg)].join(', ');
  const line = `${c.call}(${args}) = ${resultText(c)}${afterResult(c)}`;
  return note === null ? line : `${line}${NOTE_GAP}(${note})`;
}

export function eventLine(e: NetcatEvent): string {
  if (e.type === 'unlink') {
    const result = e.error === null ? '0' : `-1 ${e.error}`;
    return `unlink(${JSON.stringify(e.path)}) = ${result}${NOTE_GAP}(a unix socket's file outlives its socket: removed at the end)`;
  }
  return `(no answer on ${e.fd}: the datagram came from a unix socket with no address; its sender must bind, e.g. connect --bind PATH)`;
}

// ---- JSON -------------------------------------------------------------------------------------

function jsonArg(arg: CallArg): unknown {
  if (arg instanceof Uint8Array) return Buffer.from(arg).toString('hex');
  return arg;
}

function jsonData(data: Buffer | null): unknown {
  if (data === null) return null;
  return { length: data.length, hex: data.subarray(0, JSON_BYTES).toString('hex'), truncated: data.length > JSON_BYTES };
}

/** One call as a JSON object: the record's fields, the time in ms since the epoch, and the note. */
export function callJson(c: SocketCall, note: string | null): Record<string, unknown> {
  return {
    call: c.call,
    syscall: c.syscall,
    fd: c.fd,
    args: c.args.map(jsonArg),
    result: c.result,
    error: c.error === null ? null : { code: c.error.code, errno: c.error.errno, message: c.error.message },
    data: jsonData(c.data),
    peer: c.peer,
    fds: c.fds,
    value: c.value instanceof Uint8Array ? Buffer.from(c.value).toString('hex') : c.value,
    time: toEpochMs(c.time),
    note,
  };
}

/** A session event as JSON: {"event": "unlink", "path": ..., "error": null}. */
export function eventJson(e: NetcatEvent): Record<string, unknown> {
  const { type, ...rest } = e;
  return { event: type, ...rest };
}

/** The last JSON object: how the session ended and what moved. */
export function endJson(r: NetcatResult): Record<string, unknown> {
  return {
    end: r.outcome,
    error: r.error === null ? null : { code: r.error.code, errno: r.error.errno, syscall: r.error.syscall, message: r.error.message },
    connections: r.connections,
    messagesIn: r.messagesIn,
    bytesIn: r.bytesIn,
    bytesOut: r.bytesOut,
  };
}

/** A unix path that cannot fit sun_path, said before any call is made (`typed`: the address as given). */
export function unixPathTooLong(typed: string, bytes: number, room: number): string {
  return (
    `"${typed}": the unix socket path is ${bytes} bytes, at most ${room} fit (sun_path, with its terminating NUL): ` +
    'use a shorter path, a relative one, or an abstract name (unix-abstract:NAME, no file)'
  );
}

// ---- how it ended ------------------------------------------------------------------------------

function seconds(ms: number): string {
  return `${Number((ms / 1000).toFixed(3))} s`;
}

/** The "rawprobe: ..." line for a session that did not end well; null when it did. */
export function endProblem(r: NetcatResult, timeoutMs: number | null, replyWaitMs: number, count: number | null): string | null {
  switch (r.outcome) {
    case 'idle':
      return `socket: nothing moved for ${seconds(timeoutMs ?? 0)} (--timeout): gave up and closed`;
    case 'short':
      return `socket: ${r.messagesIn} of ${count ?? 0} answers (--count) came before ${seconds(timeoutMs ?? replyWaitMs)} passed without one`;
    case 'failed':
      return r.error === null ? 'socket: failed' : firstLine(r.error.message);
    default:
      return null;
  }
}

function firstLine(text: string): string {
  return text.split('\n')[0] ?? text;
}
