// `rawprobe decode [INPUT]`: every packet of a capture or of hex text, one summary line each,
// every field with --verbose, one JSON object each with --json. This file is the command's
// definition only (options and help); cli/run/decode.ts does the work, loaded when decode runs:
// reading is cli/input.ts, the decoding lib/ (pcap, wire, check), the looks cli/format/packet.ts.
import type { Argv } from 'yargs';
import { runLater } from './lazy.js';

export interface DecodeArgs {
  input?: string;
  json: boolean;
  verbose: boolean;
  count?: number;
}

export const command = 'decode [input]';
export const describe = 'Decode packets from a pcap/pcapng file, hex text, or stdin: one line each, --verbose every field, --json';

export function builder(y: Argv): Argv<DecodeArgs> {
  return y
    .positional('input', {
      type: 'string',
      describe: 'a capture file (pcap: µs/ns, either byte order; pcapng), a file of hex lines, a hex string, or - for stdin (the default)',
    })
    .option('json', { type: 'boolean', default: false, describe: 'one JSON object per packet (JSON Lines) with every decoded field; send --json reads them back' })
    .option('verbose', { alias: 'v', type: 'boolean', default: false, describe: 'after each summary line, a table of every field of every layer' })
    .option('count', { alias: 'c', type: 'number', describe: 'stop after this many packets' })
    .parserConfiguration({ 'parse-positional-numbers': false })
    .epilog(
      [
        'Link types: Ethernet (1), Linux cooked v1 (113) and v2 (276), BSD loopback (0, 108), raw IP (101, 228). Hex: one packet per line, starting at the IPv4 header ("4500 0054 ...", "45:00:...", 0x allowed; # starts a comment).',
        'Packets are numbered from 0. Times are local, as tcpdump prints them; --json gives UTC.',
        'The checksum status is that of `rawprobe checksum`: a UDP/TCP checksum captured on the sending host (always so on loopback) is often "bad (offloaded)": the kernel left it for the network card.',
        'Exit: 0 decoded, 2 unreadable input or a malformed packet (reported, with the packets before it).',
      ].join('\n\n'),
    ) as unknown as Argv<DecodeArgs>;
}

export const handler = runLater<DecodeArgs>(() => import('../run/decode.js'));
