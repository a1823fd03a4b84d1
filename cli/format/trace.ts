// What `rawprobe trace` prints: traceroute 2.1's shape exactly (traceroute.c print_header(),
// print_probe(), print_addr()), because people parse it with scripts, and one JSON object per
// hop with --json.
//
//   traceroute to 203.0.113.6 (203.0.113.6), 30 hops max, 60 byte packets
//    1  203.0.113.2  0.412 ms  0.377 ms  0.365 ms
//    2  * 198.51.100.2  0.530 ms  0.498 ms
//    3  * * *
//    4  203.0.113.2  0.170 ms !F-1400  0.163 ms !F-1400  0.158 ms !F-1400
//
// A probe's address is printed when it is the hop's first answer or differs from the previous
// answer's; `*` is a probe without answer; marks (!H !N !F-<mtu>...) follow the time.
//
// Ours beyond traceroute, appended at the end of the hop line so that traceroute parsers read
// the line as before: what the path did to our header, first seen at this hop:
//
//    2  198.51.100.2  0.530 ms  0.498 ms  0.467 ms [tos 0xb8->0x20]
import type { TraceHop, TraceProbe, TraceStart } from '../../lib/probe/trace/index.js';
import { extensionsJson, extensionsSuffix } from './extensions.js';
import { changesJson, changesSuffix } from './trace-changes.js';

export { changeText, changesJson, changesSuffix } from './trace-changes.js';

/** "traceroute to HOST (ADDRESS), 30 hops max, 60 byte packets" */
export function headerLine(start: TraceStart): string {
  return `traceroute to ${start.host} (${start.address}), ${start.maxTtl} hops max, ${start.packetLength} byte packets`;
}

/** traceroute's "  %.3f ms". */
function time(p: TraceProbe): string {
  return p.rttUs === null ? '' : `  ${(p.rttUs / 1000).toFixed(3)} ms`;
}

export interface HopLineOptions {
  /** traceroute -e: ICMP extensions after the address, " <MPLS:L=...>" (format/extensions.ts). */
  extensions?: boolean;
}

/**
 * The hop line. `who(address)` gives what to print for an answering address: the address with
 * -n, "name (address)" otherwise. With extensions, an address is printed again when its
 * extensions differ from the previous answer's, as traceroute -e does.
 */
export function hopLine(hop: TraceHop, who: (address: string) => string = (a) => a, options: HopLineOptions = {}): string {
  let line = `${String(hop.ttl).padStart(2)} `;
  let previous: string | null = null; // the last answering address of this hop
  let previousExtensions = '';
  for (const p of hop.probes) {
    if (p.from === null) {
      line += ' *';
    } else {
      const extensions = options.extensions === true ? extensionsSuffix(p.extensions) : '';
      if (p.from !== previous || extensions !== previousExtensions) line += ` ${who(p.from)}${extensions}`;
      previous = p.from;
      previousExtensions = extensions;
      line += time(p);
    }
    if (p.mark !== null) line += ` ${p.mark}`;
  }
  return line + changesSuffix(hop.changes, hop);
}

/**
 * The --json hop object: exactly {type, ttl, probes: [{from, rtt, icmp}], changes}; a probe
 * whose answer carried ICMP extensions has them too (`extensions`, format/extensions.ts).
 */
export function hopJson(hop: TraceHop): Record<string, unknown> {
  return {
    type: 'hop',
    ttl: hop.ttl,
    probes: hop.probes.map((p) => {
      const probe: Record<string, unknown> = { from: p.from, rtt: p.rttUs === null ? null : p.rttUs / 1000, icmp: p.icmp };
      if (p.extensions !== null && p.extensions.length > 0) probe['extensions'] = extensionsJson(p.extensions);
      if (p.quoteBytes !== undefined) probe['quote'] = p.quoteBytes;
      return probe;
    }),
    changes: changesJson(hop.changes),
    ...(hop.quote?.unknown != null ? { unknown: hop.quote.unknown } : {}),
  };
}

/** Why the kernel refused probes (they show as `* !F`, `* !H`...), in one line per reason. */
export function sendErrorLine(code: string, packetLength: number, df: boolean): string {
  if (code === 'EMSGSIZE') {
    // Linux never fragments a datagram whose IPv4 header the program wrote (IP_HDRINCL): over the
    // interface MTU it refuses it. Without DF the session cuts its probes itself (lib/probe/engine/
    // fragmenting-socket.ts), so this is -F, or a route whose MTU could not be read.
    return `sendto: Message too long: ${packetLength}-byte probes are over the interface MTU (${df ? '-F forbids fragments: drop it or give a smaller packet length' : 'give a smaller packet length'})`;
  }
  const words: Record<string, string> = {
    EHOSTUNREACH: 'No route to host',
    ENETUNREACH: 'Network is unreachable',
    EACCES: 'Permission denied',
    EPERM: 'Operation not permitted (a firewall rule?)',
  };
  return `sendto: ${words[code] ?? code}`;
}

export function doneJson(reached: boolean, hops: number): Record<string, unknown> {
  return { type: 'done', reached, hops };
}
