// `rawprobe socket listen|connect`, each declared once: its help and options. cli/commands/socket.ts
// gives them to yargs with the lists of families and types (lib/socket/kinds.ts, loaded only when
// socket is chosen); cli/run/socket.ts reads their values as SocketListenArgs / SocketConnectArgs.
import type { Family, SocketType } from '../../lib/socket/kinds.js';
import { flag, required, value, values, type ArgsOf, type CommandHelp } from './define.js';

export const socket: CommandHelp = {
  command: 'socket',
  describe: 'netcat on the classic socket API: listen or connect on any family and type, each system call shown as strace shows it',
};

const ADDRESS_FORMS =
  'tcp://HOST:PORT, udp://HOST:PORT, unix:PATH, unix-abstract:NAME; or HOST:PORT, [IPV6]:PORT, a path, @NAME with --family/--type';

const EPILOG = [
  'Addresses are IP addresses, never names. Port 0 on listen: the kernel picks one (getsockname shows it).',
  '',
  'Where output goes: received data to stdout, the call log to stderr, so that pipes carry data only; with listen --echo ' +
    'there is no data to write and the log goes to stdout. --quiet: data only. --json: the log as one JSON object per call, ' +
    'then {"end": ...}. -v adds the calls that would have blocked (EAGAIN, EINPROGRESS) and recv sizes.',
  '',
  'A connection ends at the peer\'s end of stream (a recv of 0 bytes). When what we send ends, a stream or seqpacket socket is ' +
    'shut down for writing (the peer reads 0 bytes); --close closes it instead. A datagram connect waits for answers until ' +
    '--timeout (default 1 s) passes without one.',
  '',
  'Exit: 0 done (or Ctrl-C), 1 a negative answer (refused, reset, unreachable, --timeout passed, fewer --count answers), ' +
    '2 bad usage or a system error (address in use, path too long, a socket the kernel refuses).',
].join('\n');

/** What the declaration needs from lib/socket: the names the kernel's sockets come in. */
export interface SocketKinds {
  FAMILIES: readonly Family[];
  SOCKET_TYPES: readonly SocketType[];
}

const SOCKET_GROUP = 'Socket:';
const DATA_GROUP = 'Data:';
const END_GROUP = 'Ending:';
const LOG_GROUP = 'Log:';

/** The options listen and connect share. */
function sharedOptions(k: SocketKinds) {
  return {
    family: { alias: 'f', choices: k.FAMILIES, describe: 'address family (default: from the address)', group: SOCKET_GROUP },
    type: { alias: 't', choices: k.SOCKET_TYPES, describe: 'socket type (default: from the scheme, else stream)', group: SOCKET_GROUP },
    protocol: value('p', 'protocol: a name (icmp, icmpv6, udp, tcp, raw) or a number (default: the type\'s own; icmp for raw)', SOCKET_GROUP),
    set: values(null, 'setsockopt NAME=VALUE before bind/connect (repeatable), as `rawprobe sockopt --set`: SO_REUSEADDR=on, SO_LINGER=on:0, TCP_NODELAY=on', SOCKET_GROUP),
    send: values(null, 'send TEXT (repeatable: one message each on dgram and seqpacket)', DATA_GROUP),
    'send-file': value(null, 'send the bytes of FILE (- for stdin)', DATA_GROUP),
    close: flag(null, 'when the data is sent, close at once (no shutdown, no waiting for the peer): with SO_LINGER=on:0 a reset', DATA_GROUP),
    count: value('c', 'stop after N: connections (listen, stream/seqpacket), datagrams (listen, dgram/raw), messages received (connect)', END_GROUP),
    timeout: value('w', 'give up when nothing has moved for SECONDS (exit 1); datagram connect: how long to wait for answers', END_GROUP),
    quiet: flag('q', 'no call log: data only', LOG_GROUP),
    json: flag(null, 'the call log as one JSON object per call', LOG_GROUP),
    verbose: flag('v', 'every call, the ones that would have blocked (EAGAIN, EINPROGRESS) too, and recv sizes', LOG_GROUP),
  } as const;
}

export function listenOptions(k: SocketKinds) {
  return {
    ...sharedOptions(k),
    echo: flag(null, 'send back what arrives (the log then goes to stdout)', DATA_GROUP),
    keep: flag('k', 'keep listening after the first connection, until Ctrl-C (nc -k)', END_GROUP),
    backlog: value(null, 'listen() backlog (default 128)', SOCKET_GROUP),
  } as const;
}

export function connectOptions(k: SocketKinds) {
  return {
    ...sharedOptions(k),
    bind: value(null, 'bind to ADDRESS before connecting (a unix dgram client needs an address to be answered)', SOCKET_GROUP),
  } as const;
}

export const positionals = { address: required(`where: ${ADDRESS_FORMS}`) };

export const listen: CommandHelp = {
  command: 'listen <address>',
  describe: 'socket, bind, listen, accept (recvfrom on datagram sockets): a server, each call shown; received data to stdout',
  examples: [
    ['$0 socket listen --family unix --type seqpacket ./lesson.sock --echo', 'the lesson: an echo server on a seqpacket socket'],
    ['$0 socket listen tcp://127.0.0.1:7000 > got.bin', 'receive one connection\'s bytes into a file (the log on stderr)'],
    ['$0 socket listen udp://[::1]:9000 --echo -k', 'a UDP echo server on IPv6, until Ctrl-C'],
    ['$0 socket listen tcp://127.0.0.1:7000 --set SO_REUSEADDR=on', 'bind over connections in TIME_WAIT'],
  ],
  epilog: EPILOG,
};

export const connect: CommandHelp = {
  command: 'connect <address>',
  describe: 'socket, connect, send, recv: a client, each call shown; stdin to the socket, what arrives to stdout',
  examples: [
    ['echo hello | $0 socket connect unix:./lesson.sock --type seqpacket', 'talk to the lesson\'s echo server'],
    ['$0 socket connect tcp://127.0.0.1:7000 --send hello --send world', 'two sends: on a stream the peer may read one'],
    ['$0 socket connect tcp://127.0.0.1:7000 --send bye --set SO_LINGER=on:0 --close', 'end with a reset: the peer\'s recv gets ECONNRESET'],
    ['$0 socket connect udp://127.0.0.1:9000 --send ping --count 1', 'one datagram, one answer'],
  ],
  epilog: EPILOG,
};

export type SocketListenArgs = ArgsOf<typeof positionals, ReturnType<typeof listenOptions>>;
export type SocketConnectArgs = ArgsOf<typeof positionals, ReturnType<typeof connectOptions>>;
