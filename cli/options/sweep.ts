// `rawprobe sweep TARGET...`, declared once: its help and options (fping's letters).
// cli/commands/sweep.ts gives them to yargs, cli/run/sweep.ts reads their values as SweepArgs.
import { IP_VERSION, TOS_DESCRIBE, TTL_DESCRIBE } from './common.js';
import { flag, GROUP, inGroup, value, values, type ArgsOf, type CommandHelp } from './define.js';

/** fping's headings (fping -h). */
const SWEEP_GROUP = { probing: 'Probing options:', output: 'Output options:' } as const;

export const help: CommandHelp = {
  command: 'sweep [targets..]',
  describe: 'Ping many targets at once: addresses, names, CIDR blocks, ranges, files (fping options and output)',
  examples: [
    ['$0 sweep 127.0.0.0/24', 'which loopback addresses answer (all do)'],
    ['$0 sweep --rate max -a 127.0.0.1-127.0.0.20', 'as fast as possible; print the live ones only'],
    ['$0 sweep -s -e -g 198.18.0.0/24', 'fping -s -e -g: the round trip of each live one, then the statistics'],
    ['$0 sweep -C 5 -q 127.0.0.1 127.0.0.2', 'five probes each, then their round trips on one line per target'],
    ['$0 sweep -c 3 -p 100 -f hosts.txt', 'three probes to each target listed in hosts.txt'],
    ['$0 sweep -6 -f hosts6.txt', 'IPv6 targets (an IPv6 address on the command line picks -6 by itself)'],
  ],
};

export const positionals = {
  targets: {
    type: 'string',
    array: true,
    describe: 'address, host name, CIDR block (198.51.100.0/24, 2001:db8::/120: at most a /104) or range (198.51.100.10-198.51.100.20, 198.51.100.10-20, 2001:db8::1-2001:db8::ff)',
  },
} as const;

// fping's two groups, in its order (its help), then rawprobe's own. fping's letters mean what they
// mean in fping: -b is the size, -H the TTL, -O the TOS, -s the statistics, -Q interval summaries.
// Its long names too (--retry, --src, --unreach beside ours).
export const options = {
  ...inGroup(SWEEP_GROUP.probing, {
    ...IP_VERSION,
    size: value('b', 'data bytes per probe, 0-65507 (IPv6: 65527; default 56)'),
    backoff: value('B', 'each retry waits this many times longer, 1.0-5.0 (default 1.5)'),
    count: value('c', 'send COUNT probes to each target and report each reply and xmt/rcv/%loss (default: 1, alive mode)'),
    file: values('f', 'read targets from FILE, one per line (# comments, blank lines); - for stdin; may repeat'),
    generate: flag('g', 'generate the targets from a range: one CIDR block, or a first and a last address'),
    ttl: value('H', TTL_DESCRIBE),
    loop: flag('l', 'loop mode: count mode without an end, until Ctrl-C'),
    tos: value('O', TOS_DESCRIBE),
    period: value('p', 'with -c, -C, -l: ms between two probes to one target (default 1000)'),
    retries: value(['r', 'retry'], 'alive mode: tries after the first (default 3)'),
    source: value(['S', 'src'], 'source address (default: the one each route gives)'),
    timeout: value('t', 'ms to wait for a reply to each probe (default 500; with -c, -C, -l: the period, at most 2000)'),
  }),
  ...inGroup(SWEEP_GROUP.output, {
    alive: flag('a', 'print only the targets that answered, one per line'),
    vcount: value('C', 'as -c N, then each target\'s round trips on one line, - for a lost probe (fping\'s verbose count)'),
    elapsed: flag('e', 'alive mode: the round trip after each live target, "(0.031 ms)"'),
    interval: value('i', 'ms between two probes over all targets (default 1: --rate 1000)'),
    quiet: flag('q', 'no line per target or reply (with -c, -C, -l: only each target\'s summary), no ICMP error or warning lines'),
    squiet: value('Q', 'as -q, and every SECS seconds each target\'s xmt/rcv/%loss over that interval (with -c, -C, -l)'),
    stats: flag('s', 'print the statistics at the end (stderr)'),
    unreachable: flag(['u', 'unreach'], 'print only the targets that did not, one per line'),
  }),
  ...inGroup(GROUP.rawprobe, {
    rate: value(null, 'probes per second over all targets, or max: as fast as the socket takes them (default 1000; -i sets it too)'),
    json: flag(null, 'one JSON object per target (and per reply with -c), then the summary'),
  }),
};

export type SweepArgs = ArgsOf<typeof positionals, typeof options>;
