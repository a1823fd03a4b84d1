// `rawprobe decode [INPUT]`, declared once: its help and options. cli/commands/decode.ts gives
// them to yargs, cli/run/decode.ts reads their values as DecodeArgs.
import { flag, optional, text, type ArgsOf, type CommandHelp } from './define.js';

export const help: CommandHelp = {
  command: 'decode [input]',
  describe: 'Decode packets from a pcap/pcapng file, hex text, or stdin: one line each, --verbose every field, --json',
  epilog: [
    'IPv4 and IPv6 (extension headers, ICMPv6 with Neighbor Discovery and MLD). Link types: Ethernet (1, VLAN tags), Linux cooked v1 (113) and v2 (276), BSD loopback (0, 108; IPv6 as family 24, 28 or 30), raw IP (101, 228 IPv4, 229 IPv6), PPP (9), PPP in HDLC framing (50), Cisco HDLC (104), NFLOG (239); MPLS label stacks are shown and crossed. Other link types: the link-layer line, "not decoded: link type N". Hex: one packet per line, starting at the IP header, IPv4 or IPv6 by its version ("4500 0054 ...", "6000 0000 ...", "45:00:...", 0x allowed; # starts a comment).',
    'Packets are numbered from 0. Times are local, as tcpdump prints them; --json gives UTC.',
    'The checksum status is that of `rawprobe checksum`: a UDP/TCP checksum captured on the sending host (always so on loopback) is often "bad (offloaded)": the kernel left it for the network card. A TSO segment (IPv4 total length 0) takes its length from the capture.',
    'A malformed packet is marked [malformed] on its line with the byte offset (in the file) where it broke, and the reading goes on; the count comes last, on stderr.',
    'Exit: 0 decoded, 1 some packets malformed, 2 unreadable input or a damaged file (reported after the packets before it).',
  ].join('\n\n'),
};

export const positionals = {
  input: optional('a capture file (pcap: µs/ns, either byte order; pcapng), a file of hex lines, a hex string, or - for stdin (the default)'),
};

export const options = {
  json: flag(null, 'one JSON object per packet (JSON Lines) with every decoded field; send --json reads them back'),
  verbose: flag('v', 'after each summary line, a table of every field of every layer'),
  count: text('stop after this many packets', { alias: 'c' }),
};

export type DecodeArgs = ArgsOf<typeof positionals, typeof options>;
