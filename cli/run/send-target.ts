// send's destination as a person types it: an address, or a host name looked up as ping looks it
// up (getaddrinfo through Node: /etc/hosts, then DNS), IPv4 unless -6 asks for IPv6. The first
// address found is the one packets go to; a name with none is one line, exit 2.
import { isIP } from 'node:net';
import { CliError, EXIT_ERROR } from '../errors.js';

/** getaddrinfo's words (gai_strerror), as ping prints them after the name. */
const GAI_WORDS: Readonly<Record<string, string>> = {
  ENOTFOUND: 'Name or service not known',
  EAI_NONAME: 'Name or service not known',
  EAI_AGAIN: 'Temporary failure in name resolution',
  EAI_FAIL: 'Non-recoverable failure in name resolution',
  EAI_NODATA: 'No address associated with hostname',
};

/** `dst` itself when it is an address (or absent), else the address its name has. */
export async function resolveDestination(dst: string | undefined, ipv6: boolean): Promise<string | undefined> {
  if (dst === undefined || isIP(dst) !== 0 || dst.trim() === '') return dst;
  // Not a name either: let the address check say what is wrong with it.
  if (/^[\d.]+$/.test(dst) || dst.includes(':') || /[\s/\0]/.test(dst)) return dst;
  try {
    const { promises: dns } = await import('node:dns');
    return (await dns.lookup(dst, { family: ipv6 ? 6 : 4 })).address;
  } catch (e) {
    const code = String((e as { code?: unknown }).code ?? '');
    throw new CliError(`send: ${dst}: ${GAI_WORDS[code] ?? (e as Error).message}`, EXIT_ERROR);
  }
}
