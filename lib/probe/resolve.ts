// Names and routes for probing, as iputils ping finds them:
//   - a target that is a dotted quad is used as is (and never looked up in reverse);
//   - any other name goes through getaddrinfo (dns.lookup), IPv4 only;
//   - the source address is the one the kernel would pick: connect a UDP socket to the target
//     (which sends nothing) and read its local address;
//   - reverse names come from getnameinfo (dns.lookupService): /etc/hosts first, like every
//     other program on the machine. Never dns.reverse, which always asks a DNS server.
import { createSocket } from 'node:dgram';
import { promises as dns } from 'node:dns';
import { parseIpv4 } from '../wire/bytes.js';
import { PROBE_ERROR, ProbeError } from './errors.js';

export interface ResolvedTarget {
  /** What the user gave. */
  host: string;
  /** The IPv4 address to probe. */
  address: string;
  /** True when `host` was already an address (no name lookups at all then, as iputils). */
  numeric: boolean;
}

/** True for a strict dotted quad. */
export function isIpv4Address(text: string): boolean {
  try {
    parseIpv4(text);
    return true;
  } catch {
    return false;
  }
}

// getaddrinfo's own words (gai_strerror), which is what iputils prints after the name.
const GAI_WORDS: Record<string, string> = {
  ENOTFOUND: 'Name or service not known',
  EAI_NONAME: 'Name or service not known',
  EAI_AGAIN: 'Temporary failure in name resolution',
  EAI_FAIL: 'Non-recoverable failure in name resolution',
  EAI_NODATA: 'No address associated with hostname',
  EAI_ADDRFAMILY: 'Address family for hostname not supported',
};

export async function resolveTarget(host: string): Promise<ResolvedTarget> {
  if (isIpv4Address(host)) return { host, address: host, numeric: true };
  if (host === '' || host.includes('\0')) throw new ProbeError(PROBE_ERROR.resolve, `${JSON.stringify(host)}: Name or service not known`, 'host');
  try {
    const { address } = await dns.lookup(host, { family: 4 });
    return { host, address, numeric: false };
  } catch (e) {
    const code = String((e as { code?: unknown }).code ?? '');
    throw new ProbeError(PROBE_ERROR.resolve, `${host}: ${GAI_WORDS[code] ?? (e as Error).message}`, 'host');
  }
}

const ROUTE_WORDS: Record<string, string> = {
  ENETUNREACH: 'Network is unreachable',
  EHOSTUNREACH: 'No route to host',
  EACCES: 'Permission denied (a broadcast address?)',
  EADDRNOTAVAIL: 'Cannot assign requested address',
};

/** The local address the kernel would send from to reach `address` (iputils' probe_fd trick). */
export function sourceAddressFor(address: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const probe = createSocket('udp4');
    const fail = (e: unknown): void => {
      probe.close();
      const code = String((e as { code?: unknown }).code ?? '');
      reject(new ProbeError(PROBE_ERROR.route, `connect: ${ROUTE_WORDS[code] ?? (e as Error).message} (${address})`, 'host'));
    };
    probe.once('error', fail);
    probe.connect(1025, address, () => {
      try {
        const local = probe.address().address;
        probe.close();
        resolve(local);
      } catch (e) {
        fail(e);
      }
    });
  });
}

/** The local address `address` is one of this machine's (for -I): bind a UDP socket to it. */
export function checkLocalAddress(address: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const probe = createSocket('udp4');
    probe.once('error', (e) => {
      probe.close();
      const code = String((e as { code?: unknown }).code ?? '');
      reject(new ProbeError(PROBE_ERROR.route, `bind: ${ROUTE_WORDS[code] ?? (e as Error).message}: ${address} is not an address of this machine`, 'source'));
    });
    probe.bind(0, address, () => {
      probe.close();
      resolve();
    });
  });
}

/** The name getnameinfo gives for an address, or null (no name, or the lookup failed). */
export async function reverseName(address: string): Promise<string | null> {
  try {
    const { hostname } = await dns.lookupService(address, 0);
    return hostname === '' ? null : hostname;
  } catch {
    return null;
  }
}
