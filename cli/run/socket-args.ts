// `rawprobe socket listen|connect`: the command line as a lib/netcat session plan, and where the
// data and the call log go. Errors are CliError (exit 2), naming the option as written.
//
// Where things go (the README and --help say the same):
//   data      what arrives is written to stdout, except with listen --echo (it goes back)
//   the log   stderr when stdout carries data, so that a pipe carries the data alone; stdout with
//             listen --echo, which has no data to write; nowhere with --quiet
//   input     --send TEXT (one message each), --send-file FILE (- for stdin), or for connect,
//             stdin when neither is given (netcat); listen sends nothing unless told
import { createReadStream, statSync } from 'node:fs';

import { AddressError, messagesInput, parseTarget, streamInput, type InputSource, type NetcatOptions, type Role, type Target, type TargetHints } from '../../lib/netcat/index.js';
import { constants } from '../../lib/socket/index.js';
import { CliError } from '../errors.js';
import { unixPathTooLong } from '../format/socket.js';
import { decimal, wholeIn } from '../numbers.js';
import type { SocketConnectArgs, SocketListenArgs } from '../options/socket.js';
import { protocolOf, settingsOf } from './option-settings.js';

/** The most one UDP/IPv4 datagram carries: where stdin and file data are cut into messages. */
const MAX_MESSAGE = 65507;
/** Bytes read from a --send-file per piece (a stream socket takes them with one sendall). */
const FILE_READ_SIZE = 256 * 1024;

export type LogMode = 'text' | 'json' | 'none';

export interface SocketPlan {
  /** The session, less what cli/run/socket.ts adds (the call log hooks and stdout). */
  session: Omit<NetcatOptions, 'onCall' | 'onEvent' | 'output'>;
  /** Received data goes to stdout (not with --echo). */
  dataToStdout: boolean;
  log: { mode: LogMode; verbose: boolean; toStdout: boolean };
}

type Args = SocketListenArgs | SocketConnectArgs;

/** A unix path longer than sun_path takes is refused here, in one line, before any call. */
function checkPath(at: Target, typed: string, flag: string): void {
  if (at.family !== 'unix' || at.address.startsWith('\0')) return;
  const bytes = Buffer.byteLength(at.address, 'utf8');
  const room = constants.UNIX_PATH_MAX - 1;
  if (bytes > room) throw new CliError(`${flag}${unixPathTooLong(typed, bytes, room)}`);
}

function parsed(text: string, hints: TargetHints, flag: string): Target {
  let at: Target;
  try {
    at = parseTarget(text, hints);
  } catch (e) {
    if (e instanceof AddressError) throw new CliError(`${flag}${e.message}`);
    throw e;
  }
  checkPath(at, text, flag);
  return at;
}

function target(a: Args): Target {
  return parsed(a.address, { family: a.family ?? null, type: a.type ?? null }, '');
}

/** connect --bind: an address of the target's family and type. */
function local(a: SocketConnectArgs, to: Target): NetcatOptions['local'] {
  if (a.bind === undefined) return null;
  const at = parsed(a.bind, { family: to.family, type: to.type }, '--bind ');
  return { address: at.address, port: at.port };
}

function fileInput(path: string, pieces: number | null): InputSource {
  if (path === '-') return streamInput(() => process.stdin, pieces);
  try {
    if (statSync(path).isDirectory()) throw new CliError(`--send-file ${path}: a directory, not a file`);
  } catch (e) {
    if (e instanceof CliError) throw e;
    throw new CliError(`--send-file ${path}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message}`);
  }
  // A file is read again for every connection that sends it.
  return () => streamInput(createReadStream(path, { highWaterMark: FILE_READ_SIZE }), pieces)();
}

/** What is sent: --send, --send-file, stdin for connect, nothing for listen. */
function input(role: Role, a: Args, messageType: boolean): InputSource | null {
  const pieces = messageType ? MAX_MESSAGE : null;
  if (a.send !== undefined) return messagesInput(a.send.map((text) => Buffer.from(text, 'utf8')));
  if (a['send-file'] !== undefined) return fileInput(a['send-file'], pieces);
  return role === 'connect' ? streamInput(() => process.stdin, pieces) : null;
}

function count(role: Role, a: Args, connections: boolean): number | null {
  if (a.count !== undefined) return wholeIn('--count', 'count', a.count, 1, Number.MAX_SAFE_INTEGER);
  if ('keep' in a && a.keep) return null;
  // netcat's and socat's listen: one connection. Datagrams, and what connect receives: no limit.
  return role === 'listen' && connections ? 1 : null;
}

function timeoutMs(text: string | undefined): number | null {
  if (text === undefined) return null;
  const s = decimal('--timeout', 'timeout', text);
  if (!(s > 0)) throw new CliError(`--timeout ${text}: give a number of seconds above 0`);
  return s * 1000;
}

/** Flags that exclude each other or another option (yargs' conflicts() would count a default false as given). */
function checkExclusions(a: Args): void {
  const echo = 'echo' in a && a.echo;
  if (echo && (a.send !== undefined || a['send-file'] !== undefined)) {
    throw new CliError(`--echo sends back what arrives: it cannot also send ${a.send !== undefined ? '--send' : '--send-file'}`);
  }
  if ('keep' in a && a.keep && a.count !== undefined) throw new CliError('--keep listens until Ctrl-C: it cannot stop at --count');
  if (a.quiet && (a.json || a.verbose)) throw new CliError(`--quiet prints no call log: drop ${a.json ? '--json' : '--verbose'}`);
}

/** The session and its outputs for `rawprobe socket ROLE`. */
export function socketPlan(role: Role, a: Args): SocketPlan {
  checkExclusions(a);
  const to = target(a);
  const connections = to.type === 'stream' || to.type === 'seqpacket';
  const echo = 'echo' in a && a.echo;
  const protocol = protocolOf(a.protocol);
  const session: SocketPlan['session'] = {
    role,
    family: to.family,
    type: to.type,
    ...(protocol === undefined ? {} : { protocol }),
    address: to.address,
    port: to.port,
    local: role === 'connect' ? local(a as SocketConnectArgs, to) : null,
    options: settingsOf(a.set),
    input: echo ? null : input(role, a, !connections),
    echo,
    count: count(role, a, connections),
    timeoutMs: timeoutMs(a.timeout),
    closeAfterSend: a.close,
  };
  if ('backlog' in a && a.backlog !== undefined) session.backlog = wholeIn('--backlog', 'backlog', a.backlog, 0, 65535);
  const mode: LogMode = a.quiet ? 'none' : a.json ? 'json' : 'text';
  return { session, dataToStdout: !echo, log: { mode, verbose: a.verbose, toStdout: echo } };
}
