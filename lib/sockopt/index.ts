// The socket option table made live: open a socket of a given family, type and protocol, set
// the options asked for, then read every option of lib/socket's table back from the kernel, with
// the kernel's refusal (errno) where it has one. `rawprobe sockopt` prints this; a lesson or a
// test can call it directly.
//
//   const { rows } = readOptions({ family: 'inet', type: 'dgram' }, [{ name: 'SO_RCVBUF', value: 65536 }]);
//   rows.find((r) => r.name === 'SO_RCVBUF').value   // 131072: Linux doubles it (socket(7))
//
// Values are parsed from text (parseOptionValue) and shown as text (formatOptionValue) here too,
// so the CLI and any other front end say the same thing.

import {
  CONSTANT_NAMES,
  constants,
  icmpFilterMask,
  icmpv6FilterBytes,
  isOptionName,
  openSocket,
  optionTable,
  OPTION_NAMES,
  OPTIONS,
  type Family,
  type Linger,
  type OptionAccess,
  type OptionKind,
  type OptionLevel,
  type OptionName,
  type ProtocolName,
  type RawSocket,
  type SocketKind,
  type SocketType,
  type Timeval,
} from '../socket/index.js';
import { parseHex } from '../wire/bytes.js';
import { parseTos } from '../wire/dscp.js';

export interface SocketSpec {
  family: Family;
  type: SocketType;
  protocol?: ProtocolName | number;
}

/** A refusal, as the kernel (or lib/socket) gave it. */
export interface OptionError {
  /** errno name ('ENOPROTOOPT', 'EINVAL', ...) or a rawprobe code ('ERR_OPTION_IGNORED'). */
  code: string;
  errno: number | null;
  syscall: string | null;
  message: string;
}

export type OptionValueAny = number | boolean | Buffer | Linger | Timeval;

export interface OptionSetting {
  name: OptionName;
  value: OptionValueAny | Uint8Array;
}

export interface OptionReading {
  name: OptionName;
  level: OptionLevel;
  kind: OptionKind;
  access: OptionAccess;
  meaning: string;
  note: string | null;
  /** Where Linux lets you set it (the table's `on`). */
  on: readonly SocketKind[];
  /** The value read back, or null when the kernel refused to read it. */
  value: OptionValueAny | null;
  /** Why reading failed, or null. */
  error: OptionError | null;
  /**
   * What was asked with a setting for this option (the last one), and whether the kernel took it;
   * `ignored`: it did, and Linux ignores the value (SO_BSDCOMPAT: accepted, always reads 0).
   */
  set: { requested: OptionValueAny | Uint8Array; error: OptionError | null; ignored: boolean } | null;
}

export interface SocketReading {
  family: Family;
  type: SocketType;
  protocol: number;
  rows: OptionReading[];
}

function toError(e: unknown): OptionError {
  const x = e as { code?: unknown; errno?: unknown; syscall?: unknown; message?: unknown };
  return {
    code: typeof x.code === 'string' ? x.code : 'ERROR',
    errno: typeof x.errno === 'number' ? x.errno : null,
    syscall: typeof x.syscall === 'string' ? x.syscall : null,
    message: String(x.message ?? e).split('\n')[0]!,
  };
}

/**
 * Opens the socket (throwing its error when the kernel refuses the family/type/protocol, e.g.
 * ESOCKTNOSUPPORT for rdm on inet, or EPERM for raw without CAP_NET_RAW), applies `settings` in
 * order, reads every option and closes it.
 */
export function readOptions(spec: SocketSpec, settings: readonly OptionSetting[] = []): SocketReading {
  const socket: RawSocket = openSocket(spec.protocol === undefined ? { family: spec.family, type: spec.type } : { family: spec.family, type: spec.type, protocol: spec.protocol });
  try {
    const sets = new Map<OptionName, NonNullable<OptionReading['set']>>();
    for (const s of settings) {
      const spec = OPTIONS[s.name];
      // An option Linux accepts and ignores is set by number, where lib/socket lets the kernel
      // answer for itself: the setsockopt succeeds, and the row says the value is ignored.
      const ignored = spec.access === 'ignored';
      try {
        if (ignored) socket.setOption([spec.level, constants[s.name]], s.value as number | boolean);
        else (socket.setOption as (n: OptionName, v: unknown) => void)(s.name, s.value);
        sets.set(s.name, { requested: s.value as OptionValueAny, error: null, ignored });
      } catch (e) {
        sets.set(s.name, { requested: s.value as OptionValueAny, error: toError(e), ignored: false });
      }
    }
    const rows = optionTable().map((row): OptionReading => {
      let value: OptionValueAny | null = null;
      let error: OptionError | null = null;
      try {
        value = socket.getOption(row.name) as OptionValueAny;
      } catch (e) {
        error = toError(e);
      }
      return {
        name: row.name,
        level: row.level,
        kind: row.kind,
        access: row.access,
        meaning: row.meaning,
        note: row.note,
        on: row.on,
        value,
        error,
        set: sets.get(row.name) ?? null,
      };
    });
    return { family: socket.family, type: socket.type, protocol: socket.protocol, rows };
  } finally {
    socket.close();
  }
}

// ---- text in --------------------------------------------------------------------------------------

/** Text that cannot be an option's value; the message says what can. */
export class OptionValueError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'OptionValueError';
  }
}

const PMTU: Record<string, string> = {
  dont: 'IP_PMTUDISC_DONT',
  want: 'IP_PMTUDISC_WANT',
  do: 'IP_PMTUDISC_DO',
  probe: 'IP_PMTUDISC_PROBE',
  interface: 'IP_PMTUDISC_INTERFACE',
  omit: 'IP_PMTUDISC_OMIT',
};

function integer(text: string, name: string): number {
  const t = text.trim();
  if (/^-?\d+$/.test(t)) return Number(t);
  if (/^0[xX][0-9a-fA-F]+$/.test(t)) return parseInt(t.slice(2), 16);
  throw new OptionValueError(`${name}=${text}: not a whole number (decimal or 0x hex)`);
}

function typesList(text: string, name: string, max: number): number[] {
  return text.split(',').map((x) => {
    const n = integer(x, name);
    if (n < 0 || n > max) throw new OptionValueError(`${name}=${text}: ICMP type ${n} is out of range 0-${max}`);
    return n;
  });
}

/**
 * A value for `name` from text, in the option's shape:
 *   bool     on, off, true, false, yes, no, 1, 0
 *   int      42, 0x2a, -1; IP_TOS / IPV6_TCLASS also DSCP names (EF, AF41...); IP(V6)_MTU_DISCOVER
 *            also dont, want, do, probe (or IP_PMTUDISC_DO...)
 *   linger   off, on:SECONDS, or SECONDS (= on)
 *   timeval  seconds ("1.5", "2s") or milliseconds ("250ms"); 0 = forever
 *   u32      a number, or pass:0,3,11 (ICMP_FILTER: only these types reach the socket)
 *   bytes    hex; ICMPV6_FILTER also pass:128,129; SO_BINDTODEVICE an interface name (lo), none unbinds
 */
export function parseOptionValue(name: string, text: string): OptionSetting {
  if (!isOptionName(name)) {
    throw new OptionValueError(`unknown socket option "${name}" (known: ${OPTION_NAMES.join(', ')})`);
  }
  const spec = OPTIONS[name];
  const t = text.trim();
  const lower = t.toLowerCase();
  switch (spec.kind) {
    case 'bool':
      if (['on', 'true', 'yes', '1'].includes(lower)) return { name, value: true };
      if (['off', 'false', 'no', '0'].includes(lower)) return { name, value: false };
      throw new OptionValueError(`${name}=${text}: give on or off`);
    case 'int': {
      if ((name === 'IP_TOS' || name === 'IPV6_TCLASS') && /^[a-z]/i.test(t) && !/^0x/i.test(t)) {
        try {
          return { name, value: parseTos(t) };
        } catch (e) {
          throw new OptionValueError(`${name}=${text}: ${(e as Error).message}`);
        }
      }
      if (name === 'IP_MTU_DISCOVER' || name === 'IPV6_MTU_DISCOVER') {
        const constant = PMTU[lower] ?? (t.toUpperCase().startsWith('IP_PMTUDISC_') ? t.toUpperCase() : undefined);
        if (constant !== undefined) {
          const value = (constants as unknown as Record<string, number | undefined>)[constant];
          if (value === undefined) throw new OptionValueError(`${name}=${text}: unknown mode (dont, want, do, probe, interface, omit)`);
          return { name, value };
        }
      }
      return { name, value: integer(t, name) };
    }
    case 'u32':
      if (lower.startsWith('pass:')) return { name, value: icmpFilterMask(typesList(t.slice(5), name, 31)) };
      return { name, value: integer(t, name) >>> 0 };
    case 'linger': {
      if (lower === 'off') return { name, value: { enabled: false, seconds: 0 } };
      const m = /^(?:on:?)?(\d+)$/.exec(lower);
      if (m) return { name, value: { enabled: true, seconds: Number(m[1]) } };
      if (lower === 'on') return { name, value: { enabled: true, seconds: 0 } };
      throw new OptionValueError(`${name}=${text}: give off, on:SECONDS or SECONDS`);
    }
    case 'timeval': {
      const m = /^(\d+(?:\.\d+)?)(s|ms)?$/.exec(lower);
      if (!m) throw new OptionValueError(`${name}=${text}: give seconds (1.5, 2s) or milliseconds (250ms); 0 waits forever`);
      const us = Math.round(Number(m[1]) * (m[2] === 'ms' ? 1000 : 1e6));
      return { name, value: { seconds: Math.floor(us / 1e6), microseconds: us % 1e6 } };
    }
    case 'bytes': {
      if (name === 'ICMPV6_FILTER' && lower.startsWith('pass:')) return { name, value: icmpv6FilterBytes(typesList(t.slice(5), name, 255)) };
      if (t === '' || lower === 'none') return { name, value: Buffer.alloc(0) };
      if (name === 'SO_BINDTODEVICE') return { name, value: Buffer.from(t, 'utf8') };
      try {
        return { name, value: parseHex(t) };
      } catch {
        throw new OptionValueError(`${name}=${text}: give the bytes in hex (e.g. 070f04...)`);
      }
    }
  }
}

// ---- text out -------------------------------------------------------------------------------------

function constantName(value: number, prefix: string, names: readonly string[]): string | null {
  for (const n of names) {
    if (n.startsWith(prefix) && (constants as unknown as Record<string, number>)[n] === value) return n;
  }
  return null;
}

const TYPE_NAMES = ['SOCK_STREAM', 'SOCK_DGRAM', 'SOCK_RAW', 'SOCK_RDM', 'SOCK_SEQPACKET'];
const FAMILY_NAMES = ['AF_INET', 'AF_INET6', 'AF_UNIX', 'AF_UNSPEC'];
const PROTOCOL_NAMES = ['IPPROTO_ICMP', 'IPPROTO_TCP', 'IPPROTO_UDP', 'IPPROTO_ICMPV6', 'IPPROTO_RAW'];
const PMTU_NAMES = Object.values(PMTU);

/** The ICMP types a filter mask lets through (bit n clear = type n passes). */
function passedTypes(mask: number): string {
  const pass: number[] = [];
  for (let t = 0; t < 32; t++) if (((mask >>> t) & 1) === 0) pass.push(t);
  if (pass.length === 32) return 'every type passes';
  if (pass.length === 0) return 'types 0-31 dropped';
  return `passes ${pass.join(', ')}`;
}

/** A value as a person reads it: "on", "131072", "SOCK_RAW (3)", "0xb8 (EF)", "off (7 s kept)". */
export function formatOptionValue(name: OptionName, value: OptionValueAny | Uint8Array | null): string {
  if (value === null) return '';
  if (typeof value === 'boolean') return value ? 'on' : 'off';
  if (value instanceof Uint8Array) {
    if (value.length === 0) return '(none)';
    if (name === 'ICMPV6_FILTER' && value.every((b) => b === 0)) return `${value.length} zero bytes (every type passes)`;
    if (name === 'SO_BINDTODEVICE') return Buffer.from(value).toString('utf8').replace(/\0+$/, '');
    return Buffer.from(value).toString('hex');
  }
  if (typeof value === 'number') {
    const named = (prefix: string, names: readonly string[]): string => {
      const n = constantName(value, prefix, names);
      return n === null ? String(value) : `${n} (${value})`;
    };
    switch (name) {
      case 'SO_TYPE':
        return named('SOCK_', TYPE_NAMES);
      case 'SO_DOMAIN':
        return named('AF_', FAMILY_NAMES);
      case 'SO_PROTOCOL':
        return value === 0 ? '0 (the default for the type)' : named('IPPROTO_', PROTOCOL_NAMES);
      case 'IP_MTU_DISCOVER':
      case 'IPV6_MTU_DISCOVER':
        return named('IP_PMTUDISC_', PMTU_NAMES);
      case 'SO_ERROR':
        // Every E* constant the addon exports is an errno (EAGAIN is listed before EWOULDBLOCK).
        return value === 0 ? '0 (none)' : named('E', CONSTANT_NAMES);
      case 'IP_TOS':
      case 'IPV6_TCLASS':
        return `0x${value.toString(16).padStart(2, '0')}`;
      case 'ICMP_FILTER':
        return `0x${(value >>> 0).toString(16).padStart(8, '0')} (${passedTypes(value >>> 0)})`;
      default:
        return String(value);
    }
  }
  if ('enabled' in value) {
    if (value.enabled) return `on, ${value.seconds} s`;
    return value.seconds === 0 ? 'off' : `off (${value.seconds} s kept)`;
  }
  const us = value.seconds * 1e6 + value.microseconds;
  return us === 0 ? '0 (wait forever)' : `${us / 1e6} s`;
}

/** A value as JSON: Buffers as hex, everything else as is. */
export function jsonOptionValue(value: OptionValueAny | Uint8Array | null): unknown {
  if (value instanceof Uint8Array) return Buffer.from(value).toString('hex');
  return value;
}
