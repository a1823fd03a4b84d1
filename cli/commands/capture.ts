// `rawprobe capture [-i IFACE|any] [EXPRESSION...]`: what arrives on an interface, live, one line
// per packet (decode's lines), or into a pcap/pcapng file, with tcpdump's filter expressions and
// tcpdump's statistics at the end. This file is the command's definition only (options and help):
// cli/run/capture.ts does the work, loaded when capture runs, with lib/capture under it and its
// words in cli/format/capture.ts.
import type { Argv } from 'yargs';
import { runLater } from './lazy.js';
import { flag, value, type Value } from './options.js';

export interface CaptureArgs {
  expression?: string[];
  interface?: Value;
  count?: Value;
  duration?: Value;
  snaplen?: Value;
  p: boolean;
  verbose: boolean;
  json: boolean;
  hex: boolean;
  write?: Value;
  pcapng: boolean;
  'dump-filter': boolean;
  'no-optimize': boolean;
  'ring-block-size'?: Value;
  'ring-blocks'?: Value;
}

export const command = 'capture [expression..]';
export const describe = 'Capture what arrives on an interface (or on all: -i any), live, with tcpdump filters; -w writes pcap';

export function builder(y: Argv): Argv {
  return y
    .positional('expression', { type: 'string', array: true, describe: 'a tcpdump filter expression, as words ("icmp or udp port 33434")' })
    .option('i', value('interface', 'interface to capture on, or any for all (Linux cooked v2 framing); default: the first one up that is not loopback'))
    .option('c', value('count', 'stop after this many packets'))
    .option('duration', value(null, 'stop after this many seconds'))
    .option('s', value('snaplen', 'bytes kept of each packet, 1-262144; 0 means 262144 (the default), as in tcpdump'))
    .option('p', flag(null, 'do not put the interface into promiscuous mode (it is, by default, on a named interface: as tcpdump)'))
    .option('v', flag('verbose', 'after each line, a table of every field (decode --verbose)'))
    .option('json', flag(null, 'one JSON object per packet (decode --json)'))
    .option('x', flag('hex', 'after each line, the packet in hex from the network header on (tcpdump -x)'))
    .option('w', value('write', 'write the packets to FILE (pcap, nanosecond timestamps; - for stdout) instead of printing them'))
    .option('pcapng', flag(null, 'with -w: write pcapng instead of pcap'))
    .option('d', flag('dump-filter', 'print the compiled filter program as tcpdump -d does, and exit'))
    .option('O', flag('no-optimize', 'do not run libpcap\'s optimizer on the filter (tcpdump -O)'))
    .option('ring-block-size', value(null, 'bytes per block of the kernel ring: a power of two from 4096 (default 1048576); a longer packet is cut to it'))
    .option('ring-blocks', value(null, 'blocks in the kernel ring (default 8)'))
    .parserConfiguration({ 'parse-positional-numbers': false, 'boolean-negation': false })
    .example('$0 capture -i any icmp', 'every ICMP packet on every interface')
    .example('$0 capture -i eth0 -c 10 udp port 33434', 'ten traceroute probes, then the statistics')
    .example('$0 capture -i eth0 -w out.pcap --duration 5', '5 seconds of eth0 into a pcap file tshark reads')
    .example('$0 capture -d -i any icmp', 'the filter program, as tcpdump -d prints it')
    .epilog(
      [
        'Filters are tcpdump\'s expressions, compiled by libpcap (libpcap.so.0.8, loaded only when a filter is given: `apt-get install libpcap0.8` if it is missing) and run by the kernel, which drops what does not match.',
        'Lines are decode\'s, printed as packets arrive. At the end (-c, --duration or Ctrl-C), on stderr as tcpdump: N packets captured, N packets received by filter, N packets dropped by kernel. Needs CAP_NET_RAW.',
        'Exit: 0 when the capture ran (to its end or Ctrl-C), 2 bad usage, an interface that does not exist, a filter that does not compile, no CAP_NET_RAW, or the interface going away.',
      ].join('\n\n'),
    );
}

export const handler = runLater<CaptureArgs>(() => import('../run/capture.js'));
