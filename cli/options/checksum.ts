// `rawprobe checksum [INPUT]`, declared once: its help and options. cli/commands/checksum.ts
// gives them to yargs, cli/run/checksum.ts reads their values as ChecksumArgs.
import { flag, optional, text, type ArgsOf, type CommandHelp } from './define.js';

export const help: CommandHelp = {
  command: 'checksum [input]',
  describe: 'Verify IPv4/ICMP/UDP/TCP and ICMPv6/UDP/TCP-over-IPv6 checksums of every packet of a pcap or hex input; --fix writes a corrected copy',
  epilog: [
    'Per layer: good, bad, unverifiable (bytes cut by the snaplen, a fragment, a TSO segment\'s header), none sent (UDP checksum 0 over IPv4; over IPv6 a 0 is bad, RFC 8200 section 8.1). UDP and TCP count over both IP versions; ICMPv6 has its own row (IPv6 has no header checksum). Packets are numbered from 0. A malformed packet is counted, with the byte offset (in the file) where it broke, and the reading goes on.',
    'Checksum offload: packets captured on the host that sent them (always on loopback, often on a NIC) carry only the pseudo-header sum in their UDP/TCP checksum, because the kernel leaves the rest to the network card. They are bad as captured, here and in tshark; the report marks them "offloaded".',
    'The counts match tshark -o ip.check_checksum:TRUE -o udp.check_checksum:TRUE -o tcp.check_checksum:TRUE (ICMP and ICMPv6 it always checks).',
    'Exit: 0 every checksum good, 1 a bad checksum or a malformed packet, 2 unreadable input or a damaged file (the packets before the break are reported first).',
  ].join('\n\n'),
};

export const positionals = {
  input: optional('a capture file, a file of hex lines, a hex string, or - for stdin (the default)'),
};

export const options = {
  json: flag(null, 'one JSON object: packets, bad per layer, unverifiable, badPackets, layers...'),
  fix: text('write a copy of the capture to this pcap with every bad checksum corrected'),
  compute: text('the right checksums for this one packet (hex, from the IPv4 or IPv6 header)'),
  // A text like every number of the command line (cli/numbers.ts reads it); shown as the number.
  'max-listed': { ...text('bad checksums listed in the text report (0: all; --json lists all)'), default: '1000', defaultDescription: '1000' },
};

/** Options that exclude each other (yargs' .conflicts). */
export const conflicts = [['compute', ['input', 'fix']]] as const;

export type ChecksumArgs = ArgsOf<typeof positionals, typeof options>;
