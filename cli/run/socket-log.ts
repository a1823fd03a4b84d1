// The call log of `rawprobe socket`: each record lib/socket reports (a system call as it
// returned) and each session event, printed as it happens, as a line or a JSON object
// (cli/format/socket.ts words both). What a line teaches depends on the descriptor's story, kept
// here: its first data, an SO_LINGER of 0 (whose close is a reset), a connection made.
//
// Without -v the calls that would have blocked are left out: a non-blocking recv with nothing to
// read (-1 EAGAIN, then the wait, then the real recv) and connect's -1 EINPROGRESS before its
// outcome. Python's blocking socket makes neither visible; -v shows what really ran.
import type { NetcatEvent, NetcatResult } from '../../lib/netcat/index.js';
import type { Family, SocketCall, SocketType } from '../../lib/socket/index.js';
import { callJson, callLine, endJson, eventJson, eventLine, noteOf } from '../format/socket.js';
import type { LogMode } from './socket-args.js';

interface Descriptor {
  dataSeen: boolean;
  lingerZero: boolean;
  connected: boolean;
}

export interface LogSettings {
  mode: LogMode;
  verbose: boolean;
  /** Writes one finished line (with its newline). */
  write: (line: string) => void;
}

function wouldBlock(c: SocketCall): boolean {
  const code = c.error?.code;
  return code === 'EAGAIN' || (c.call === 'connect' && code === 'EINPROGRESS');
}

function isLingerZero(value: unknown): boolean {
  return typeof value === 'object' && value !== null && (value as { enabled?: unknown }).enabled === true && (value as { seconds?: unknown }).seconds === 0;
}

export class CallLog {
  readonly #settings: LogSettings;
  readonly #family: Family;
  readonly #type: SocketType;
  readonly #portZero: boolean;
  readonly #fds = new Map<number, Descriptor>();

  constructor(settings: LogSettings, socket: { family: Family; type: SocketType; port: number | null }) {
    this.#settings = settings;
    this.#family = socket.family;
    this.#type = socket.type;
    this.#portZero = socket.port === 0;
  }

  /** The hook for lib/socket's onCall; null when nothing is logged (--quiet), so no record is made. */
  get onCall(): ((c: SocketCall) => void) | null {
    return this.#settings.mode === 'none' ? null : this.#call;
  }

  event = (e: NetcatEvent): void => {
    if (this.#settings.mode === 'text') this.#settings.write(`${eventLine(e)}\n`);
    else if (this.#settings.mode === 'json') this.#settings.write(`${JSON.stringify(eventJson(e))}\n`);
  };

  /** --json ends with how the session ended. */
  end(result: NetcatResult): void {
    if (this.#settings.mode === 'json') this.#settings.write(`${JSON.stringify(endJson(result))}\n`);
  }

  #call = (c: SocketCall): void => {
    const fd = c.fd === null ? null : this.#descriptor(c.fd);
    const firstData = fd !== null && c.result > 0 && c.error === null && c.data !== null && !fd.dataSeen && c.call.startsWith('recv');
    const resets = c.call === 'close' && fd !== null && fd.lingerZero && fd.connected && this.#type === 'stream';
    this.#learn(c, fd);
    if (!this.#settings.verbose && wouldBlock(c)) return;
    const note = noteOf(c, { family: this.#family, type: this.#type, firstData, resets, portZero: this.#portZero, verbose: this.#settings.verbose });
    if (this.#settings.mode === 'json') this.#settings.write(`${JSON.stringify(callJson(c, note))}\n`);
    else this.#settings.write(`${callLine(c, note, this.#settings.verbose)}\n`);
  };

  #descriptor(fd: number): Descriptor {
    let d = this.#fds.get(fd);
    if (d === undefined) {
      d = { dataSeen: false, lingerZero: false, connected: false };
      this.#fds.set(fd, d);
    }
    return d;
  }

  /** What the call tells of its descriptor (and of the one accept made). */
  #learn(c: SocketCall, fd: Descriptor | null): void {
    if (fd === null || c.error !== null) return;
    switch (c.call) {
      case 'recv':
      case 'recvfrom':
      case 'recvmsg':
        if (c.result > 0) fd.dataSeen = true;
        break;
      case 'setsockopt':
        if (c.args[1] === 'SO_LINGER') fd.lingerZero = isLingerZero(c.args[2]);
        break;
      case 'connect':
        fd.connected = true;
        break;
      case 'accept':
        // An accepted socket inherits the listener's options, SO_LINGER among them.
        this.#fds.set(c.result, { dataSeen: false, lingerZero: fd.lingerZero, connected: true });
        break;
      case 'close':
        this.#fds.delete(c.fd as number);
        break;
      default:
        break;
    }
  }
}
