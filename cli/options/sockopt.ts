// `rawprobe sockopt`, declared once: its help and options. cli/commands/sockopt.ts gives them to
// yargs with the lists of families, types and protocols (lib/socket/kinds.ts, loaded only when
// sockopt is chosen), cli/run/sockopt.ts reads their values as SockoptArgs.
import type { Family, ProtocolName, SocketType } from '../../lib/socket/kinds.js';
import { flag, text, type ArgsOf, type CommandHelp } from './define.js';

export const help: CommandHelp = {
  command: 'sockopt',
  describe: 'Every socket option, read live from a socket of a family and type: value, meaning, the kernel\'s refusals',
  examples: [
    ['$0 sockopt --type stream', 'TCP socket options, TCP_NODELAY and TCP_MAXSEG included'],
    ['$0 sockopt --set SO_RCVBUF=65536 --set IP_TTL=7', 'watch Linux double the buffer size you ask for'],
    ['sudo $0 sockopt --type raw --set ICMP_FILTER=pass:0,3,11', 'raw ICMP socket that only sees echo replies and errors'],
  ],
  epilog: 'Exit: 0 every --set taken, 1 the kernel refused a --set (shown in the table), 2 bad arguments or a socket the kernel will not open.',
};

/** What the declaration needs from lib/socket: the names the kernel's sockets come in. */
export interface SocketKinds {
  FAMILIES: readonly Family[];
  SOCKET_TYPES: readonly SocketType[];
  PROTOCOLS: readonly ProtocolName[];
}

export function sockoptOptions(k: SocketKinds) {
  return {
    family: { alias: 'f', choices: k.FAMILIES, default: 'inet' as Family, describe: 'address family' },
    type: { alias: 't', choices: k.SOCKET_TYPES, default: 'dgram' as SocketType, describe: 'socket type' },
    protocol: text(`protocol: ${k.PROTOCOLS.join(', ')} or a number (default: icmp for inet raw, icmpv6 for inet6 raw, else 0)`, { alias: 'p' }),
    set: {
      type: 'string',
      array: true,
      describe: 'set NAME=VALUE before reading (repeatable): on/off, numbers, DSCP names for IP_TOS, off|on:S for SO_LINGER, 1.5s for timeouts, pass:0,3 for ICMP_FILTER, hex for bytes',
    },
    json: flag(null, 'one JSON object per option (JSON Lines), the same rows'),
    verbose: flag('v', 'add a NOTE column: what surprises people, and the full refusal'),
  } as const;
}

export type SockoptArgs = ArgsOf<{}, ReturnType<typeof sockoptOptions>>;
