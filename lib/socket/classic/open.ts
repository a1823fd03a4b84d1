// socket() and socketpair(): where classic Sockets come from (accept() makes the others).
import { addon, type NativeSocket } from '../addon.js';
import type { SocketError } from '../errors.js';
import {
  checkKind,
  familyConstant,
  familyNumber,
  resolveProtocol,
  typeConstant,
  typeNumber,
  type Family,
  type ProtocolName,
  type SocketType,
} from '../kinds.js';
import { report, type CallHook, type CallInit } from './call-log.js';
import { Socket } from './socket.js';

export interface CreateOptions {
  family: Family;
  type: SocketType;
  /** A protocol name or number; by default the type's usual one (icmp/icmpv6 for raw). */
  protocol?: ProtocolName | number;
  /** Called with a record of every system call as it returns (call-log.ts). */
  onCall?: CallHook | null;
  /** The default wait of every call, in ms: null (the default) waits for ever, 0 never waits. */
  timeout?: number | null;
}

export type PairOptions = Omit<CreateOptions, 'family' | 'type'>;

function made(natives: NativeSocket[], family: Family, type: SocketType, protocol: number, options: PairOptions): Socket[] {
  return natives.map((native) => {
    const socket = new Socket(native, family, type, protocol, options.onCall ?? null);
    if (options.timeout !== undefined) socket.timeout = options.timeout;
    return socket;
  });
}

/** Runs `open`, recording it as `init` with the descriptors it made (or the kernel's refusal). */
function traced<T extends NativeSocket[]>(hook: CallHook | null, init: Omit<CallInit, 'result' | 'fd'>, open: () => T): T {
  if (hook === null) return open();
  let natives: T;
  try {
    natives = open();
  } catch (error) {
    if (typeof (error as SocketError).errno === 'number') report(hook, { ...init, fd: null, result: -1, error: error as SocketError });
    throw error;
  }
  const fds = natives.map((n) => n.fd);
  report(hook, { ...init, fd: null, result: natives.length === 1 ? (fds[0] as number) : 0, fds: natives.length > 1 ? fds : null });
  return natives;
}

/**
 * socket(family, type, protocol): a new descriptor, non-blocking and close-on-exec. The
 * kernel's refusal (ESOCKTNOSUPPORT for inet seqpacket, EPERM for raw without CAP_NET_RAW,
 * ...) is thrown as a SocketError with code, errno and syscall.
 */
export function createSocket(options: CreateOptions): Socket {
  const { family, type } = options;
  checkKind(family, type);
  const protocol = resolveProtocol(family, type, options.protocol);
  const [native] = traced(options.onCall ?? null, { call: 'socket', args: [familyConstant(family), typeConstant(type), protocol] }, () => [
    new (addon().Socket)(familyNumber(family), typeNumber(type), protocol),
  ]);
  return made([native as NativeSocket], family, type, protocol, options)[0] as Socket;
}

/**
 * socketpair(family, type): two sockets connected to each other (Linux makes them only in
 * AF_UNIX; elsewhere the kernel's EOPNOTSUPP is thrown).
 */
export function socketpair(family: Family = 'unix', type: SocketType = 'stream', options: PairOptions = {}): [Socket, Socket] {
  checkKind(family, type);
  const protocol = resolveProtocol(family, type, options.protocol);
  const pair = traced(options.onCall ?? null, { call: 'socketpair', args: [familyConstant(family), typeConstant(type), protocol] }, () =>
    addon().socketpair(familyNumber(family), typeNumber(type), protocol),
  );
  return made(pair, family, type, protocol, options) as [Socket, Socket];
}
