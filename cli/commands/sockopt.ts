// `rawprobe sockopt`: every socket option of the table, read live from a socket of the family
// and type asked (after the --set values are applied), with what each means; the kernel's
// refusals shown as its errno. This file is the command's definition only (options and help);
// cli/run/sockopt.ts does the work (lib/sockopt), loaded when sockopt runs.
import type { Argv } from 'yargs';
import { runLater } from './lazy.js';
import type { Family, SocketType } from '../../lib/socket/index.js';

export interface SockoptArgs {
  family: Family;
  type: SocketType;
  protocol?: string;
  set?: string[];
  json: boolean;
  verbose: boolean;
}

export const command = 'sockopt';
export const describe = 'Every socket option, read live from a socket of a family and type: value, meaning, the kernel\'s refusals';

// Async so that the lists of families, types and protocols (lib/socket) load only when this
// command is chosen; yargs awaits a builder's promise (parseAsync).
export async function builder(y: Argv): Promise<Argv<SockoptArgs>> {
  const { FAMILIES, PROTOCOLS, SOCKET_TYPES } = await import('../../lib/socket/kinds.js');
  return y
    .option('family', { alias: 'f', choices: FAMILIES, default: 'inet' as Family, describe: 'address family' })
    .option('type', { alias: 't', choices: SOCKET_TYPES, default: 'dgram' as SocketType, describe: 'socket type' })
    .option('protocol', { alias: 'p', type: 'string', describe: `protocol: ${PROTOCOLS.join(', ')} or a number (default: icmp for inet raw, icmpv6 for inet6 raw, else 0)` })
    .option('set', {
      type: 'string',
      array: true,
      describe: 'set NAME=VALUE before reading (repeatable): on/off, numbers, DSCP names for IP_TOS, off|on:S for SO_LINGER, 1.5s for timeouts, pass:0,3 for ICMP_FILTER, hex for bytes',
    })
    .option('json', { type: 'boolean', default: false, describe: 'one JSON object per option (JSON Lines), the same rows' })
    .option('verbose', { alias: 'v', type: 'boolean', default: false, describe: 'add a NOTE column: what surprises people, and the full refusal' })
    .parserConfiguration({ 'parse-numbers': false })
    .example('$0 sockopt --type stream', 'TCP socket options, TCP_NODELAY and TCP_MAXSEG included')
    .example('$0 sockopt --set SO_RCVBUF=65536 --set IP_TTL=7', 'watch Linux double the buffer size you ask for')
    .example('sudo $0 sockopt --type raw --set ICMP_FILTER=pass:0,3,11', 'raw ICMP socket that only sees echo replies and errors')
    .epilog('Exit: 0 every --set taken, 1 the kernel refused a --set (shown in the table), 2 bad arguments or a socket the kernel will not open.') as unknown as Argv<SockoptArgs>;
}

export const handler = runLater<SockoptArgs>(() => import('../run/sockopt.js'));
