// What the system tells about its interfaces and sockets through /sys and /proc: read-only
// look-ups that send nothing and need no privilege. Each returns null when it cannot tell (no
// /sys or /proc, a fake socket in tests) rather than throwing.
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { join } from 'node:path';
import { MIN_IPV4_MTU } from '../wire/fragment.js';
import { addonIfBuilt } from './addon.js';
import { constants } from './constants.js';

/**
 * This machine's name, as gethostname() gives it (the UTS namespace's, from
 * /proc/sys/kernel/hostname): os.hostname() without loading node:os on a trace's way. null when
 * /proc cannot tell.
 */
export function hostName(): string | null {
  try {
    return readFileSync('/proc/sys/kernel/hostname', 'utf8').trim() || null;
  } catch {
    return null;
  }
}

/** Each interface's flags file holds its IFF_* bits in hex ("0x1003"), its mtu file the MTU. */
const SYS_NET = '/sys/class/net';
const MAX_MTU = 65535;

/**
 * The smallest MTU among the network interfaces that are up (/sys/class/net/<name>/mtu, flags
 * bit IFF_UP), or null when none is. A datagram of that size fits out of any of them.
 */
export function smallestInterfaceMtu(): number | null {
  let names: string[];
  try {
    names = readdirSync(SYS_NET);
  } catch {
    return null;
  }
  let smallest: number | null = null;
  for (const name of names) {
    try {
      const flags = Number(readFileSync(join(SYS_NET, name, 'flags'), 'utf8').trim());
      if ((flags & constants.IFF_UP) === 0) continue;
      const mtu = Number(readFileSync(join(SYS_NET, name, 'mtu'), 'utf8').trim());
      if (Number.isInteger(mtu) && mtu >= MIN_IPV4_MTU && (smallest === null || mtu < smallest)) smallest = mtu;
    } catch {
      // gone meanwhile, or not an interface: skip it
    }
  }
  return smallest === null ? null : Math.min(smallest, MAX_MTU);
}

/**
 * Whether descriptor `fd` is a terminal (isatty), asked without making process.stdout or
 * process.stderr: on a pipe those are sockets, whose making loads node:net and the stream
 * modules. Null when the addon is not built (ask the stream then).
 */
export function isTerminal(fd: number): boolean | null {
  return addonIfBuilt()?.isTerminal(fd) ?? null;
}

/**
 * The index of the interface called `name` (/sys/class/net/<name>/ifindex), or null when there
 * is none: what an IPv6 zone ("fe80::1%eth0") must name.
 */
export function interfaceIndex(name: string): number | null {
  if (name === '' || name.includes('/') || name === '.' || name === '..') return null;
  try {
    const index = Number(readFileSync(join(SYS_NET, name, 'ifindex'), 'utf8').trim());
    return Number.isInteger(index) && index > 0 ? index : null;
  } catch {
    return null;
  }
}

/** /proc/self/net/raw's (and raw6's) columns: the inode is the tenth, the drop count the last. */
const RAW_INODE_COLUMN = 9;

/**
 * Datagrams the kernel dropped on a raw socket for want of buffer (the last column of
 * /proc/self/net/raw, or raw6 for an IPv6 one, the row found by the socket's inode), or null when
 * it cannot tell (no descriptor: a fake socket; no /proc).
 */
export function rawSocketDrops(socket: unknown): number | null {
  const fd = (socket as { fd?: unknown } | null)?.fd;
  if (typeof fd !== 'number' || fd < 0) return null;
  try {
    const inode = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/self/fd/${fd}`))?.[1];
    if (inode === undefined) return null;
    const table = (socket as { family?: unknown }).family === 'inet6' ? '/proc/self/net/raw6' : '/proc/self/net/raw';
    for (const line of readFileSync(table, 'utf8').split('\n').slice(1)) {
      const f = line.trim().split(/\s+/);
      if (f[RAW_INODE_COLUMN] === inode) return Number(f[f.length - 1]);
    }
  } catch {
    return null;
  }
  return null;
}
