// What trace and tos probe with: the engine's function table (protocol.ts) plus what a TTL
// probe needs beyond ping's: the probe kind, where the datagram just matched sits (to compare
// the header an ICMP error quotes with the one we sent), and the options every kind shares.
//
// The kinds, as traceroute has them (-I, its default method, -U, -UL, -T, -P):
//
//   kind     probe                                   the destination answers with   key
//   icmp     echo request, seq n + 1                 echo reply                     (identifier, seq)
//   udp      UDP to port base + n (33434 + n)        port unreachable               destination port
//            or, -U: to port 53 from port base + n   port unreachable               source port
//   udplite  UDP-Lite to port 53 from base + n       port unreachable               source port
//   tcp      SYN from port base + n to port p        SYN-ACK or RST                 source port
//   raw      IPv4 of protocol N (253), no header     protocol unreachable (!P)      IP identification
//
// Routers answer every kind with Time Exceeded (or an unreachable) that quotes our header; the
// key comes from the quote. Each probe is a whole IPv4 datagram we build (IP_HDRINCL): a
// template made once with lib/wire, and per probe only TOS, id, TTL, destination, the key
// fields and the checksums are written again (template.ts; answers are read with answer.ts).
// IPv6 probes are the same three kinds with the IPv6 family table (lib/probe/family):
// traffic class, hop limit and destination written per probe, answers read from the batch.
import type { ProbeProtocol } from '../engine/protocol.js';
import type { ProbeFamily, TemplateHeader } from '../family/family.js';

/** The kinds trace and tos both send: traceroute's -I, default (UDP) and -T. */
export const PROBE_KINDS = ['icmp', 'udp', 'tcp'] as const;
/** trace's kinds: those, and traceroute's -UL (UDP-Lite) and -P (raw IP of any protocol). */
export const TRACE_KINDS = [...PROBE_KINDS, 'udplite', 'raw'] as const;
export type ProbeKind = (typeof TRACE_KINDS)[number];

export interface TraceProtocol extends ProbeProtocol {
  readonly kind: ProbeKind;
  /** Bytes of every probe (IP header, options and all): traceroute's "60 byte packets" ("80" for IPv6). */
  readonly packetLength: number;
}

/** What every probe kind's IPv4 header takes. */
export interface ProbeHeaderOptions extends TemplateHeader {
  /** Bytes of the whole datagram; raised to the smallest that holds the headers. */
  length: number;
  /** IP identification of probe 0; probe n gets base + n (mod 2^16, never 0). */
  ipIdBase?: number;
  /** The IP version's table; default IPv4. */
  family?: ProbeFamily;
}

/** traceroute's probe data: 0x40, 0x41 ... 0x7f, 0x40 ... (any bytes would do; these are familiar in captures). */
export function probeData(length: number): Buffer {
  const data = Buffer.alloc(Math.max(0, length));
  for (let i = 0; i < data.length; i++) data[i] = 0x40 + (i & 0x3f);
  return data;
}

/** One period of probeData, as a repeated pattern (ICMP echo data). */
export const PROBE_PATTERN: Uint8Array = probeData(64);
