// `rawprobe send`, declared once: its help and options (in the help's groups).
// cli/commands/send.ts gives them to yargs, cli/run/send.ts reads their values as SendArgs. Every
// value is text: cli/numbers.ts reads the numbers, so "0x10" is 16 here as in every command.
import { flag, optional, text, type ArgsOf, type CommandHelp } from './define.js';

export const help: CommandHelp = {
  command: 'send [target]',
  describe: 'Craft an IPv4 or IPv6 packet (flags, decode --json output, or hex) and send it raw, paced; --wait prints the replies',
};

export const USAGE = '$0 send [-6] [--dst] HOST [IP options] [--proto icmp|udp|tcp|N ...] [--count N --interval MS | --rate N|max] [--wait MS]';

/** The help's last words: what the kernel rewrites (lib/craft's table, given), privilege, exit codes. */
export function epilog(rules: readonly { field: string; rule: string }[]): string {
  return [
    'What Linux changes in a packet sent with IP_HDRINCL (raw(7); checked on this kernel with tcpdump):',
    ...rules.map((r) => `  ${r.field.padEnd(12)} ${r.rule}`),
    'Everything else leaves exactly as built: TTL, TOS, flags, options, and every byte after the IP header, transport checksums included.',
    'With IPV6_HDRINCL (IPv6, Linux 4.5 and later) nothing changes: payload length, a :: source, hop limit and every other byte leave as built. Neither version is fragmented by the kernel: --frag auto does it (a packet over the MTU is EMSGSIZE otherwise).',
    '',
    'Lengths and checksums are computed unless you give them, so wrong ones can be sent on purpose; giving a field the kernel overwrites prints a one-line warning.',
    '',
    'Needs CAP_NET_RAW (root), except --dry-run. Exit: 0 sent (and, with --wait, answered), 1 no reply, 2 error.',
  ].join('\n');
}

// hping3's man page groups (BASE, IP RELATED, ICMP RELATED, UDP/TCP RELATED, COMMON OPTIONS),
// then rawprobe's own: IPv6 and packets from files.
const SENDING = 'Base options:';
const IP = 'IP related options:';
const ICMP = 'ICMP related options (ICMPv6 too):';
const PORTS = 'UDP/TCP related options:';
const PAYLOAD = 'Common options:';
const IP6 = 'IPv6 header (-6, or an IPv6 --dst):';
const FILE = 'Packets from a file:';

/** What a field that may change per packet takes (cli/run/send-walk.ts reads it). */
const WALK = 'N, a range N-M (one packet each, then again) or ++N (N, N+1, ... one per packet, as hping3\'s ++)';

export const positionals = {
  /** A destination (like --dst), or "-" after --from-json / --from-hex for stdin. */
  target: optional('the destination (same as --dst); "-" after --from-json or --from-hex reads stdin'),
};

export const options = {
  count: text('packets to send (default 1, or every packet of --from-*)', { alias: 'c', group: SENDING }),
  interval: text('milliseconds between packets (default 1000; --from-*: the times they were captured, or 0 without times)', { alias: 'i', group: SENDING }),
  rate: text('packets per second, sent in sendmmsg batches; "max" = as fast as the socket takes them', { group: SENDING }),
  'send-threads': text('with --rate max: threads that hand the packets to the kernel, 1-16 (default: one per CPU, at most 4). The kernel does its work for a packet (a lab\'s forwarding too) on the CPU of the thread that sends it. With more than one, packets leave in about the order given, not exactly: 1 keeps it', { group: SENDING }),
  interface: text('send (and listen) through this interface only (SO_BINDTODEVICE, hping3 -I)', { alias: 'I', group: SENDING }),
  wait: text('after the last packet, wait up to MS for replies and print them (echo replies, ICMP errors quoting our packets, TCP/UDP answers)', { alias: 'w', group: SENDING }),
  'dry-run': flag(null, 'build and print the packets (with hex), send nothing (no root needed)', SENDING),
  json: flag(null, 'JSON Lines: each packet, each reply, the totals', SENDING),
  verbose: flag('v', 'every field of each packet, its hex, and a line per packet sent', SENDING),
  src: text("source address (default: the route's source for --dst; 0.0.0.0 lets the kernel fill it)", { group: IP }),
  'rand-source': text('a random source address inside this prefix for every packet (198.51.100.0/24, 2001:db8::/64; hping3\'s --rand-source, never the whole address space)', { group: IP }),
  dst: text('destination address or host name (required when crafting from options)', { group: IP }),
  ttl: text(`time to live (default 64): ${WALK}`, { group: IP }),
  tos: text('TOS byte: 0-255, 0xb8, or a DSCP name (EF, AF41, CS1...)', { group: IP }),
  id: text(`identification (default 0: the kernel picks one, unless DF): ${WALK}`, { group: IP }),
  df: flag(null, "set don't fragment", IP),
  mf: flag(null, 'set more fragments', IP),
  'reserved-bit': flag(null, 'set the reserved flag (RFC 3514 calls it the evil bit)', IP),
  'frag-offset': text('fragment offset in 8-byte units, as on the wire (185 = byte 1480)', { group: IP }),
  proto: text('icmp (default; ICMPv6 over IPv6), udp, tcp, or a protocol number 0-255 (the payload follows the IP header)', { group: IP }),
  'ip-option': {
    type: 'string',
    array: true,
    describe: 'an IPv4 option, repeatable: nop, eol, rr[:N], ts[:N], tsaddr[:N], lsrr:A,B, ssrr:A,B, ra[:V], raw:HEX',
    group: IP,
  } as const,
  ihl: text('header length in 32-bit words, written as given (default: computed)', { group: IP }),
  'total-length': text('total length as given (the kernel overwrites it: see below)', { group: IP }),
  'ip-checksum': text('header checksum as given (the kernel overwrites it: see below)', { group: IP }),
  type: text('ICMP type (default 8, echo request; ICMPv6: 128), or for ICMPv6 a name: echo-request, echo-reply, destination-unreachable, packet-too-big, time-exceeded, parameter-problem, rs, ra, ns, na', { group: ICMP }),
  code: text('ICMP code (default 0)', { group: ICMP }),
  'icmp-id': text('echo/timestamp identifier (default: the process id)', { group: ICMP }),
  seq: text('echo/timestamp sequence of the first packet (default 1; counts up per packet)', { group: ICMP }),
  'icmp-checksum': text('ICMP checksum as given (default: computed)', { group: ICMP }),
  'nd-target': text('ICMPv6 neighbor solicitation / advertisement: the target address', { group: ICMP }),
  mtu: text('ICMPv6 packet too big: the MTU (default 1280)', { group: ICMP }),
  pointer: text('ICMPv6 parameter problem: the pointer (default 0)', { group: ICMP }),
  'nd-flags': text('ICMPv6 neighbor advertisement flags: router,solicited,override (any of them)', { group: ICMP }),
  'link-address': text('ICMPv6 RS, RA, NS, NA: our link-layer address as an ND option (e.g. 02:00:00:00:00:01)', { group: ICMP }),
  sport: text(`UDP/TCP source port (default: a random one from 32768): ${WALK}`, { group: PORTS }),
  dport: text(`UDP/TCP destination port (required for udp and tcp): ${WALK}`, { group: PORTS }),
  'udp-length': text('UDP length as given (default: computed)', { group: PORTS }),
  'udp-checksum': text('UDP checksum as given (0 = none; default: computed)', { group: PORTS }),
  flags: text('TCP flags: letters S F R P A U E W N ("SA", "S." as tcpdump prints) or names "syn,ack" (default S)', { group: PORTS }),
  'tcp-seq': text('TCP sequence number (default 0)', { group: PORTS }),
  ack: text('TCP acknowledgment number (default 0)', { group: PORTS }),
  window: text('TCP window (default 65535)', { group: PORTS }),
  urg: text('TCP urgent pointer (default 0)', { group: PORTS }),
  'data-offset': text('TCP data offset in 32-bit words, as given (default: computed)', { group: PORTS }),
  'tcp-option': text('TCP option bytes in hex (e.g. 020405b4 = MSS 1460)', { group: PORTS }),
  'tcp-checksum': text('TCP checksum as given (default: computed)', { group: PORTS }),
  payload: text('payload as text', { group: PAYLOAD }),
  'payload-hex': text('payload as hex', { group: PAYLOAD }),
  'payload-size': text('payload of N bytes (0x00, 0x01, ... like ping)', { group: PAYLOAD }),
  'payload-file': text('payload read from this file (hping3 -E)', { group: PAYLOAD }),
  ipv6: flag('6', 'craft an IPv6 packet (implied by an IPv6 --dst); with --from-*, send the file\'s IPv6 packets (one run sends one IP version)', IP6),
  'hop-limit': text(`hop limit (default 64): ${WALK}`, { group: IP6 }),
  tclass: text('traffic class: 0-255, 0xb8, or a DSCP name (EF, AF41, CS1...)', { group: IP6 }),
  'flow-label': text('flow label, 0-0xfffff (default 0)', { group: IP6 }),
  'next-header': text('the IPv6 header\'s Next Header as given (default: the first extension header or the upper layer)', { group: IP6 }),
  'payload-length': text('payload length as given (default: computed; the kernel sends it as given)', { group: IP6 }),
  'hbh-option': {
    type: 'string',
    array: true,
    describe: 'a Hop-by-Hop option, repeatable (one Hop-by-Hop header holds them): pad1, padn[:N], ra[:V], jumbo[:N], raw:HEX',
    group: IP6,
  } as const,
  'dst-option': {
    type: 'string',
    array: true,
    describe: 'a Destination Options option, repeatable (one header, after the Routing and Fragment headers): as --hbh-option',
    group: IP6,
  } as const,
  routing: text('a Routing header: TYPE/ADDRESS,ADDRESS...[/SEGMENTS_LEFT], type 0, 2 or 4 (segment routing)', { group: IP6 }),
  frag: text('auto: cut a packet over the route MTU into fragments (Fragment headers; IPv4 too); mtu=N: cut it to N; or one Fragment header as given: [offset=N][,m][,id=N]', { group: IP6 }),
  'from-json': text('send the packets in this JSON file (- for stdin): what decode --json prints, one object per line, an object, or an array; at the times they were captured (frame.time) unless --interval or --rate', { group: FILE }),
  'from-hex': text('send these packets: hex, a hex file or a capture (anything decode reads); a capture at its own timing unless --interval or --rate', { group: FILE }),
  recompute: flag(null, 'with --from-json: recompute lengths and checksums instead of sending the ones in the file', FILE),
};

/** Options that exclude each other (yargs' .conflicts). */
export const conflicts = [
  ['from-json', ['from-hex']],
  ['rate', ['interval']],
  ['payload', ['payload-hex', 'payload-size', 'payload-file']],
  ['payload-hex', ['payload-size', 'payload-file']],
  ['payload-size', ['payload-file']],
  ['src', ['rand-source']],
] as const;

export type SendArgs = ArgsOf<typeof positionals, typeof options>;
