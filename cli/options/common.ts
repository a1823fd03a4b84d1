// Options several commands take with the same words: the target of ping, trace and tos, the IPv4
// header fields ping and sweep set, and the probe kind of tos.
import { flag, required, value } from './define.js';

/** The target of ping, trace and tos. */
export const HOST = required('host name or IP address (IPv6 too)');

/** ping, trace, tos and sweep: the IP version (an address picks its own, a name IPv4). */
export const IP_VERSION = {
  ipv4: flag('4', 'IPv4 only'),
  ipv6: flag('6', 'IPv6: ICMPv6, IPv6 headers built by rawprobe (IPV6_HDRINCL)'),
};

/** iputils ping's help groups: -4 under "IPv4 options:", -6 and -F under "IPv6 options:". */
export const IPV4_GROUP = 'IPv4 options:';
export const IPV6_GROUP = 'IPv6 options:';

// ping, sweep and trace (-Q), ping and sweep (-s, the TTL)
export const TOS_DESCRIBE = 'IPv4 TOS byte or IPv6 traffic class: 0-255, 0x00-0xff or a DSCP name (EF, AF41, CS1...)';
export const SIZE = value('s', 'data bytes per probe, 0-65507 (IPv6: 65527; default 56)');
export const TTL_DESCRIBE = 'IPv4 time to live or IPv6 hop limit, 1-255 (default 64)';

// ping, trace and tos (ping's -s is the size, so its source address is -I)
export const source = (alias: 'I' | 's') => value(alias, 'source address');
export const NUMERIC = flag('n', 'no reverse name lookups');
export const PCAP_OUT = value(null, 'write every packet sent and received to FILE (pcap)');

/**
 * tos: the probe kind (-P, or one of -I -U -T) and its port. (trace takes traceroute's methods
 * instead: -M, -U to port 53, -UL, -P N; cli/options/trace.ts.)
 */
export function probeKindOptions(udp: string, tcp: string) {
  return {
    protocol: value('P', 'probe kind: icmp (default), udp or tcp'),
    icmp: flag('I', 'ICMP echo probes (-P icmp)'),
    udp: flag('U', udp),
    tcp: flag('T', tcp),
    port: value('p', 'udp: first destination port (default 33434); tcp: destination port (default 80)'),
  };
}

/** trace and tos: -N. */
export const SIM_QUERIES = value('N', 'probes in flight at once (default 16)');
