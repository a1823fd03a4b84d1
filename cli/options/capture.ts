// `rawprobe capture [EXPRESSION...]`, declared once: its help and options (tcpdump's letters).
// cli/commands/capture.ts gives them to yargs, cli/run/capture.ts reads their values as CaptureArgs.
import type { PositionalOptions } from 'yargs';
import { flag, GROUP, inGroup, value, type ArgsOf, type CommandHelp } from './define.js';

export const help: CommandHelp = {
  command: 'capture [expression..]',
  describe: 'Capture what arrives on an interface (or on all: -i any), live, with tcpdump filters; -w writes pcap',
  examples: [
    ['$0 capture -i any icmp', 'every ICMP packet on every interface'],
    ['$0 capture -i eth0 -c 10 udp port 33434', 'ten traceroute probes, then the statistics'],
    ['$0 capture -i eth0 -w out.pcap --duration 5', '5 seconds of eth0 into a pcap file tshark reads'],
    ['$0 capture -d -i any icmp', 'the filter program, as tcpdump -d prints it'],
  ],
  epilog: [
    'Filters are tcpdump\'s expressions, compiled by libpcap (libpcap.so.0.8, loaded only when a filter is given: `apt-get install libpcap0.8` if it is missing) and run by the kernel, which drops what does not match.',
    'Lines are decode\'s, printed as packets arrive. At the end (-c, --duration or Ctrl-C), on stderr as tcpdump: N packets captured, N packets received by filter, N packets dropped by kernel. Needs CAP_NET_RAW.',
    'Exit: 0 when the capture ran (to its end or Ctrl-C), 2 bad usage, an interface that does not exist, a filter that does not compile, no CAP_NET_RAW, or the interface going away.',
  ].join('\n\n'),
};

export const positionals = {
  expression: { type: 'string', array: true, describe: 'a tcpdump filter expression, as words ("icmp or udp port 33434")' } satisfies PositionalOptions,
};

// tcpdump's letters in its order (tcpdump(1): one alphabetical list), then rawprobe's own.
export const options = {
  ...inGroup(GROUP.options, {
    count: value('c', 'stop after this many packets'),
    'dump-filter': flag('d', 'print the compiled filter program as tcpdump -d does, and exit'),
    interface: value('i', 'interface to capture on, or any for all (Linux cooked v2 framing); default: the first one up that is not loopback'),
    'no-optimize': flag('O', 'do not run libpcap\'s optimizer on the filter (tcpdump -O)'),
    p: flag(null, 'do not put the interface into promiscuous mode (it is, by default, on a named interface: as tcpdump)'),
    snaplen: value('s', 'bytes kept of each packet, 1-262144; 0 means 262144 (the default), as in tcpdump'),
    verbose: flag('v', 'after each line, a table of every field (decode --verbose)'),
    write: value('w', 'write the packets to FILE (pcap, nanosecond timestamps; - for stdout) instead of printing them'),
    hex: flag('x', 'after each line, the packet in hex from the network header on (tcpdump -x)'),
  }),
  ...inGroup(GROUP.rawprobe, {
    duration: value(null, 'stop after this many seconds'),
    json: flag(null, 'one JSON object per packet (decode --json)'),
    pcapng: flag(null, 'with -w: write pcapng instead of pcap'),
    'ring-block-size': value(null, 'bytes per block of the kernel ring: a power of two from 4096 (default 1048576); a longer packet is cut to it'),
    'ring-blocks': value(null, 'blocks in the kernel ring (default 8)'),
  }),
};

export type CaptureArgs = ArgsOf<typeof positionals, typeof options>;
