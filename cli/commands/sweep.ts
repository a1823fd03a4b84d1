// `rawprobe sweep TARGET...`: ICMP echo to many targets at once, with fping's options and
// output. This file is the command's definition only (options and help), so that other commands
// never load the probe engine: cli/run/sweep.ts parses and prints, lib/probe/sweep.ts probes,
// cli/format/sweep.ts has the words.
import type { Argv } from 'yargs';
import { runLater } from './lazy.js';
import { SIZE, TOS_DESCRIBE, TTL_DESCRIBE, flag, value, type Value } from './options.js';

export type { Value };

export interface SweepArgs {
  targets?: string[];
  file?: Value;
  count?: Value;
  retries?: Value;
  timeout?: Value;
  backoff?: Value;
  period?: Value;
  rate?: Value;
  tos?: Value;
  ttl?: Value;
  size?: Value;
  source?: Value;
  alive: boolean;
  unreachable: boolean;
  quiet: boolean;
  json: boolean;
}

export const command = 'sweep [targets..]';
export const describe = 'Ping many targets at once: addresses, names, CIDR blocks, ranges, files (fping options and output)';

export function builder(y: Argv): Argv<SweepArgs> {
  return y
    .positional('targets', {
      type: 'string',
      array: true,
      describe: 'IPv4 address, host name, CIDR block (198.51.100.0/24) or range (198.51.100.10-198.51.100.20, or 198.51.100.10-20)',
    })
    .option('f', value('file', 'read targets from FILE, one per line (# comments, blank lines); - for stdin; may repeat'))
    .option('c', value('count', 'send COUNT probes to each target and report each reply and xmt/rcv/%loss (default: 1, alive mode)'))
    .option('r', value('retries', 'alive mode: tries after the first (default 3)'))
    .option('t', value('timeout', 'ms to wait for a reply to each probe (default 500; with -c: the period, at most 2000)'))
    .option('B', value('backoff', 'each retry waits this many times longer, 1.0-5.0 (default 1.5)'))
    .option('p', value('period', 'with -c: ms between two probes to one target (default 1000)'))
    .option('rate', value(null, 'probes per second over all targets, or max: as fast as the socket takes them (default 1000)'))
    .option('Q', value('tos', TOS_DESCRIBE))
    .option('ttl', value(null, TTL_DESCRIBE))
    .option('s', SIZE)
    .option('S', value('source', 'source address (default: the one each route gives)'))
    .option('a', flag('alive', 'print only the targets that answered, one per line'))
    .option('u', flag('unreachable', 'print only the targets that did not, one per line'))
    .option('q', flag('quiet', 'with -c: no line per reply, only each target\'s summary'))
    .option('json', flag(null, 'one JSON object per target (and per reply with -c), then the summary'))
    .example('$0 sweep 127.0.0.0/24', 'which loopback addresses answer (all do)')
    .example('$0 sweep --rate max -a 127.0.0.1-127.0.0.20', 'as fast as possible; print the live ones only')
    .example('$0 sweep -c 3 -p 100 -f hosts.txt', 'three probes to each target listed in hosts.txt') as unknown as Argv<SweepArgs>;
}

export const handler = runLater<SweepArgs>(() => import('../run/sweep.js'));
