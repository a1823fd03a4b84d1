// `rawprobe send`: craft any IPv4 packet (from flags, from the JSON `decode --json` prints, or
// from hex / a capture) and send it through a raw IP_HDRINCL socket, paced by --interval or
// --rate, printing the answers with --wait. This file is the command's definition only (options
// and help); cli/run/send.ts parses the options and prints, lib/craft builds and sends; both load
// only when send runs.
import type { Argv } from 'yargs';
import { runLater } from './lazy.js';

export interface SendArgs {
  /** The positional: a destination (like --dst), or "-" after --from-json / --from-hex for stdin. */
  target?: string;
  'from-json'?: string;
  'from-hex'?: string;
  recompute: boolean;
  src?: string;
  dst?: string;
  ttl?: string;
  tos?: string;
  id?: string;
  df: boolean;
  mf: boolean;
  'reserved-bit': boolean;
  'frag-offset'?: string;
  proto?: string;
  'ip-option'?: string[];
  ihl?: string;
  'total-length'?: string;
  'ip-checksum'?: string;
  type?: string;
  code?: string;
  'icmp-id'?: string;
  seq?: string;
  'icmp-checksum'?: string;
  sport?: string;
  dport?: string;
  'udp-length'?: string;
  'udp-checksum'?: string;
  flags?: string;
  'tcp-seq'?: string;
  ack?: string;
  window?: string;
  urg?: string;
  'data-offset'?: string;
  'tcp-option'?: string;
  'tcp-checksum'?: string;
  payload?: string;
  'payload-hex'?: string;
  'payload-size'?: string;
  count?: string;
  interval?: string;
  rate?: string;
  wait?: string;
  'dry-run': boolean;
  json: boolean;
  verbose: boolean;
}

export const command = 'send [target]';
export const describe = 'Craft an IPv4 packet (flags, decode --json output, or hex) and send it raw, paced; --wait prints the replies';

// Async so that the table of what the kernel rewrites (lib/craft), shown in the help, loads only
// when this command is chosen; yargs awaits a builder's promise (parseAsync).
export async function builder(y: Argv): Promise<Argv<SendArgs>> {
  const { HDRINCL_RULES } = await import('../../lib/craft/hdrincl.js');
  const str = (describe: string) => ({ type: 'string' as const, describe });
  return y
    .usage('$0 send [--dst] ADDR [IP options] [--proto icmp|udp|tcp|N ...] [--count N --interval MS | --rate N|max] [--wait MS]')
    .positional('target', { type: 'string', describe: 'the destination (same as --dst); "-" after --from-json or --from-hex reads stdin' })
    .option('from-json', { ...str('send the packets in this JSON file (- for stdin): what decode --json prints, one object per line, an object, or an array'), group: 'Packets from a file:' })
    .option('from-hex', { ...str('send these packets: hex, a hex file or a capture (anything decode reads)'), group: 'Packets from a file:' })
    .option('recompute', { type: 'boolean', default: false, describe: 'with --from-json: recompute lengths and checksums instead of sending the ones in the file', group: 'Packets from a file:' })
    .option('src', { ...str("source address (default: the route's source for --dst; 0.0.0.0 lets the kernel fill it)"), group: 'IPv4 header:' })
    .option('dst', { ...str('destination address (required when crafting from options)'), group: 'IPv4 header:' })
    .option('ttl', { ...str('time to live (default 64)'), group: 'IPv4 header:' })
    .option('tos', { ...str('TOS byte: 0-255, 0xb8, or a DSCP name (EF, AF41, CS1...)'), group: 'IPv4 header:' })
    .option('id', { ...str('identification (default 0: the kernel picks one, unless DF)'), group: 'IPv4 header:' })
    .option('df', { type: 'boolean', default: false, describe: "set don't fragment", group: 'IPv4 header:' })
    .option('mf', { type: 'boolean', default: false, describe: 'set more fragments', group: 'IPv4 header:' })
    .option('reserved-bit', { type: 'boolean', default: false, describe: 'set the reserved flag (RFC 3514 calls it the evil bit)', group: 'IPv4 header:' })
    .option('frag-offset', { ...str('fragment offset in 8-byte units, as on the wire (185 = byte 1480)'), group: 'IPv4 header:' })
    .option('proto', { ...str('icmp (default), udp, tcp, or a protocol number 0-255 (the payload follows the IP header)'), group: 'IPv4 header:' })
    .option('ip-option', { type: 'string', array: true, describe: 'an IPv4 option, repeatable: nop, eol, rr[:N], ts[:N], tsaddr[:N], lsrr:A,B, ssrr:A,B, ra[:V], raw:HEX', group: 'IPv4 header:' })
    .option('ihl', { ...str('header length in 32-bit words, written as given (default: computed)'), group: 'IPv4 header:' })
    .option('total-length', { ...str('total length as given (the kernel overwrites it: see below)'), group: 'IPv4 header:' })
    .option('ip-checksum', { ...str('header checksum as given (the kernel overwrites it: see below)'), group: 'IPv4 header:' })
    .option('type', { ...str('ICMP type (default 8, echo request)'), group: 'ICMP:' })
    .option('code', { ...str('ICMP code (default 0)'), group: 'ICMP:' })
    .option('icmp-id', { ...str('echo/timestamp identifier (default: the process id)'), group: 'ICMP:' })
    .option('seq', { ...str('echo/timestamp sequence of the first packet (default 1; counts up per packet)'), group: 'ICMP:' })
    .option('icmp-checksum', { ...str('ICMP checksum as given (default: computed)'), group: 'ICMP:' })
    .option('sport', { ...str('UDP/TCP source port (default: a random one from 32768)'), group: 'UDP and TCP:' })
    .option('dport', { ...str('UDP/TCP destination port (required for udp and tcp)'), group: 'UDP and TCP:' })
    .option('udp-length', { ...str('UDP length as given (default: computed)'), group: 'UDP and TCP:' })
    .option('udp-checksum', { ...str('UDP checksum as given (0 = none; default: computed)'), group: 'UDP and TCP:' })
    .option('flags', { ...str('TCP flags: letters S F R P A U E W N ("SA", "S." as tcpdump prints) or names "syn,ack" (default S)'), group: 'UDP and TCP:' })
    .option('tcp-seq', { ...str('TCP sequence number (default 0)'), group: 'UDP and TCP:' })
    .option('ack', { ...str('TCP acknowledgment number (default 0)'), group: 'UDP and TCP:' })
    .option('window', { ...str('TCP window (default 65535)'), group: 'UDP and TCP:' })
    .option('urg', { ...str('TCP urgent pointer (default 0)'), group: 'UDP and TCP:' })
    .option('data-offset', { ...str('TCP data offset in 32-bit words, as given (default: computed)'), group: 'UDP and TCP:' })
    .option('tcp-option', { ...str('TCP option bytes in hex (e.g. 020405b4 = MSS 1460)'), group: 'UDP and TCP:' })
    .option('tcp-checksum', { ...str('TCP checksum as given (default: computed)'), group: 'UDP and TCP:' })
    .option('payload', { ...str('payload as text'), group: 'Payload:' })
    .option('payload-hex', { ...str('payload as hex'), group: 'Payload:' })
    .option('payload-size', { ...str('payload of N bytes (0x00, 0x01, ... like ping)'), group: 'Payload:' })
    .option('count', { alias: 'c', ...str('packets to send (default 1, or every packet of --from-*)'), group: 'Sending:' })
    .option('interval', { alias: 'i', ...str('milliseconds between packets (default 1000)'), group: 'Sending:' })
    .option('rate', { ...str('packets per second, sent in sendmmsg batches; "max" = as fast as the socket takes them'), group: 'Sending:' })
    .option('wait', { alias: 'w', ...str('after the last packet, wait up to MS for replies and print them (echo replies, ICMP errors quoting our packets, TCP/UDP answers)'), group: 'Sending:' })
    .option('dry-run', { type: 'boolean', default: false, describe: 'build and print the packets (with hex), send nothing (no root needed)', group: 'Sending:' })
    .option('json', { type: 'boolean', default: false, describe: 'JSON Lines: each packet, each reply, the totals', group: 'Sending:' })
    .option('verbose', { alias: 'v', type: 'boolean', default: false, describe: 'every field of each packet, its hex, and a line per packet sent', group: 'Sending:' })
    .conflicts('from-json', 'from-hex')
    .conflicts('rate', 'interval')
    .conflicts('payload', ['payload-hex', 'payload-size'])
    .conflicts('payload-hex', 'payload-size')
    .parserConfiguration({ 'parse-numbers': false, 'parse-positional-numbers': false })
    .epilog(
      [
        'What Linux changes in a packet sent with IP_HDRINCL (raw(7); checked on this kernel with tcpdump):',
        ...HDRINCL_RULES.map((r) => `  ${r.field.padEnd(12)} ${r.rule}`),
        'Everything else leaves exactly as built: TTL, TOS, flags, options, and every byte after the IP header, transport checksums included.',
        '',
        'Lengths and checksums are computed unless you give them, so wrong ones can be sent on purpose; giving a field the kernel overwrites prints a one-line warning.',
        '',
        'Needs CAP_NET_RAW (root), except --dry-run. Exit: 0 sent (and, with --wait, answered), 1 no reply, 2 error.',
      ].join('\n'),
    ) as unknown as Argv<SendArgs>;
}

export const handler = runLater<SendArgs>(() => import('../run/send.js'));
