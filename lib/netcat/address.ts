// Where a netcat session listens or connects, from the text a person types: a URL whose scheme
// names the family and type, or a bare address with the family and type given apart.
//
//   tcp://127.0.0.1:8080   tcp://[::1]:8080      SOCK_STREAM on AF_INET / AF_INET6
//   udp://127.0.0.1:9      udp://[::1]:9         SOCK_DGRAM on AF_INET / AF_INET6
//   unix:./lesson.sock     unix:///run/x.sock    AF_UNIX, a path (the type from --type: stream by default)
//   unix-abstract:lesson   @lesson               AF_UNIX, a Linux abstract name (no file)
//   127.0.0.1:8080  [::1]:8080  ./lesson.sock     bare: the type from --type, the family from the text or --family
//   127.0.0.1  ::1                                no port: raw sockets, which have none
//
// Addresses are literal: no name is resolved (a test or a lesson never depends on a resolver).
// A unix path is checked against sun_path's size later, by lib/socket (ERR_UNIX_PATH_TOO_LONG).
import { isIPv4, isIPv6 } from 'node:net';

import type { Family, SocketType } from '../socket/index.js';

/** Text that is not an address rawprobe can use; the message says what would be. */
export class AddressError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'AddressError';
  }
}

/** A parsed address: what the socket is, and the endpoint as lib/socket's bind/connect take it. */
export interface Target {
  family: Family;
  type: SocketType;
  /** An IP address, a unix path, or "\0name" for an abstract name. */
  address: string;
  /** The port for inet and inet6 (0: the kernel picks one); null for unix and raw sockets. */
  port: number | null;
}

/** What the command line says besides the address (--family, --type); null when not given. */
export interface TargetHints {
  family?: Family | null;
  type?: SocketType | null;
}

const FORMS =
  'write tcp://HOST:PORT, udp://HOST:PORT, unix:PATH, unix-abstract:NAME, or HOST:PORT, [IPV6]:PORT, a path or @NAME with --family and --type';

const SCHEME_TYPE: Record<string, SocketType> = { tcp: 'stream', udp: 'dgram' };

function portOf(text: string, whole: string): number {
  if (!/^\d{1,5}$/.test(text) || Number(text) > 65535) {
    throw new AddressError(`${whole}: the port must be a number from 0 to 65535 (got "${text}")`);
  }
  return Number(text);
}

/** An IP address, checked: names are refused with the reason. */
function ipOf(host: string, whole: string): { family: 'inet' | 'inet6'; address: string } {
  if (isIPv4(host)) return { family: 'inet', address: host };
  if (isIPv6(host)) return { family: 'inet6', address: host };
  if (host === '') throw new AddressError(`${whole}: no host: give an IP address (0.0.0.0 or :: for every address)`);
  throw new AddressError(`${whole}: "${host}" is not an IP address; rawprobe socket resolves no names (127.0.0.1, ::1, ...)`);
}

/** HOST:PORT, [IPV6]:PORT, or an address alone (port null). */
function hostPort(text: string, whole: string): { family: 'inet' | 'inet6'; address: string; port: number | null } {
  const bracketed = /^\[([^\]]*)\](?::(.*))?$/.exec(text);
  if (bracketed !== null) {
    const ip = ipOf(bracketed[1] ?? '', whole);
    if (ip.family !== 'inet6') throw new AddressError(`${whole}: brackets are for IPv6 addresses`);
    return { ...ip, port: bracketed[2] === undefined ? null : portOf(bracketed[2], whole) };
  }
  // An IPv6 address alone has several colons; IPv4 with a port has one.
  if (isIPv6(text)) return { family: 'inet6', address: text, port: null };
  const colon = text.lastIndexOf(':');
  if (colon < 0) return { ...ipOf(text, whole), port: null };
  const ip = ipOf(text.slice(0, colon), whole);
  if (ip.family === 'inet6') throw new AddressError(`${whole}: write an IPv6 address with a port as [${ip.address}]:PORT`);
  return { ...ip, port: portOf(text.slice(colon + 1), whole) };
}

function agree<T extends string>(what: string, fromText: T, given: T | null | undefined, whole: string, flag: string): T {
  if (given !== null && given !== undefined && given !== fromText) {
    throw new AddressError(`${whole} is ${what} ${fromText}, but ${flag} says ${given}`);
  }
  return fromText;
}

/** A unix target: a path, or "\0name" for an abstract name (an empty name is refused). */
function unixTarget(address: string, whole: string, hints: TargetHints): Target {
  agree('family', 'unix', hints.family, whole, '--family');
  if (address === '' || address === '\0') throw new AddressError(`${whole}: no path or name after the scheme`);
  return { family: 'unix', type: hints.type ?? 'stream', address, port: null };
}

function ipTarget(family: 'inet' | 'inet6', address: string, port: number | null, type: SocketType, whole: string): Target {
  const needsPort = type !== 'raw';
  if (needsPort && port === null) throw new AddressError(`${whole}: give a port (${family === 'inet6' ? '[::1]:PORT' : 'HOST:PORT'}; 0 lets the kernel pick one)`);
  if (!needsPort && port !== null) throw new AddressError(`${whole}: raw sockets have no ports: give the address alone`);
  return { family, type, address, port };
}

/**
 * The target `text` names, with --family and --type (`hints`) for what the text leaves open.
 * Throws AddressError when the text is no address, or contradicts the hints.
 */
export function parseTarget(text: string, hints: TargetHints = {}): Target {
  const whole = `"${text}"`;
  const scheme = /^([a-z][a-z0-9+.-]*):(.*)$/i.exec(text);
  const name = scheme?.[1]?.toLowerCase();
  if (scheme !== null && name !== undefined && name in SCHEME_TYPE) {
    const rest = scheme[2] ?? '';
    if (!rest.startsWith('//')) throw new AddressError(`${whole}: write ${name}://HOST:PORT`);
    const type = agree('type', SCHEME_TYPE[name] as SocketType, hints.type, whole, '--type');
    const ip = hostPort(rest.slice(2), whole);
    agree('family', ip.family, hints.family, whole, '--family');
    return ipTarget(ip.family, ip.address, ip.port, type, whole);
  }
  if (name === 'unix') return unixTarget((scheme?.[2] ?? '').replace(/^\/\//, ''), whole, hints);
  if (name === 'unix-abstract') return unixTarget(`\0${scheme?.[2] ?? ''}`, whole, hints);
  return bareTarget(text, whole, hints);
}

/** An address without a scheme: the family from --family, or from what the text looks like. */
function bareTarget(text: string, whole: string, hints: TargetHints): Target {
  if (text === '') throw new AddressError(`no address: ${FORMS}`);
  const type = hints.type ?? 'stream';
  if (text.startsWith('@')) return unixTarget(`\0${text.slice(1)}`, whole, hints);
  if (hints.family === 'unix' || text.includes('/')) return unixTarget(text, whole, hints);
  let ip;
  try {
    ip = hostPort(text, whole);
  } catch (error) {
    // Text with no IP address in it at all: say every form, not only the IP one.
    if (error instanceof AddressError && !/[:[\]]/.test(text) && !isIPv4(text)) throw new AddressError(`${whole}: ${FORMS}`);
    throw error;
  }
  agree('family', ip.family, hints.family, whole, '--family');
  return ipTarget(ip.family, ip.address, ip.port, type, whole);
}
