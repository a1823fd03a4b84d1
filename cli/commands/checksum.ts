// `rawprobe checksum [INPUT]`: verify the IPv4 header, ICMP, UDP and TCP checksums of every
// packet, print per-layer counts and the bad ones; --fix writes a corrected copy; --compute HEX
// gives the right values for one packet. This file is the command's definition only (options and
// help); cli/run/checksum.ts does the work (lib/check, streaming), loaded when checksum runs.
import type { Argv } from 'yargs';
import { runLater } from './lazy.js';

export interface ChecksumArgs {
  input?: string;
  json: boolean;
  fix?: string;
  compute?: string;
  'max-listed': number;
}

export const command = 'checksum [input]';
export const describe = 'Verify IPv4/ICMP/UDP/TCP checksums of every packet of a pcap or hex input; --fix writes a corrected copy';

export function builder(y: Argv): Argv<ChecksumArgs> {
  return y
    .positional('input', { type: 'string', describe: 'a capture file, a file of hex lines, a hex string, or - for stdin (the default)' })
    .option('json', { type: 'boolean', default: false, describe: 'one JSON object: packets, bad per layer, unverifiable, badPackets, layers...' })
    .option('fix', { type: 'string', describe: 'write a copy of the capture to this pcap with every bad checksum corrected' })
    .option('compute', { type: 'string', describe: 'the right checksums for this one packet (hex, from the IPv4 header)' })
    .option('max-listed', { type: 'number', default: 1000, describe: 'bad checksums listed in the text report (0: all; --json lists all)' })
    .conflicts('compute', ['input', 'fix'])
    .parserConfiguration({ 'parse-positional-numbers': false })
    .epilog(
      [
        'Per layer: good, bad, unverifiable (bytes cut by the snaplen, or a fragment), none sent (UDP checksum 0). Packets are numbered from 0.',
        'Checksum offload: packets captured on the host that sent them (always on loopback, often on a NIC) carry only the pseudo-header sum in their UDP/TCP checksum, because the kernel leaves the rest to the network card. They are bad as captured, here and in tshark; the report marks them "offloaded".',
        'The counts match tshark -o ip.check_checksum:TRUE -o udp.check_checksum:TRUE -o tcp.check_checksum:TRUE.',
        'Exit: 0 every checksum good, 1 a bad checksum or a malformed packet, 2 unreadable input (the packets before the break are reported first).',
      ].join('\n\n'),
    ) as unknown as Argv<ChecksumArgs>;
}

export const handler = runLater<ChecksumArgs>(() => import('../run/checksum.js'));
