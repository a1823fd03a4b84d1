// Counting what leaves a lab node, for tests that assert how many packets a probe became
// (fragments). The interface's tx_packets counts everything, and on a loaded machine a
// neighbour entry can go stale between two runs, so an ARP probe lands in the count: an nftables
// counter on the node's postrouting hook counts IPv4 packets only. Raw IP_HDRINCL sends go
// through the same hooks as the kernel's own, so our fragments are counted one by one.
import type { Lab } from '../../lib/lab/index.js';
import { toolPath } from './tools.js';

/**
 * Installs a counter of IPv4 packets leaving `node` through `iface` and returns a reader of its
 * packet count. The table goes with the namespace when the lab is taken down.
 */
export async function ipv4Sent(lab: Lab, node: string, iface = 'eth0'): Promise<() => Promise<number>> {
  const nft = toolPath('nft') ?? 'nft';
  const table = `table ip rptxcount {\n  chain out {\n    type filter hook postrouting priority 100;\n    oifname "${iface}" counter\n  }\n}\n`;
  const made = await lab.exec(node, [nft, '-f', '-'], { input: table });
  if (made.code !== 0) throw new Error(`nft counter on ${node}: ${made.stderr}`);
  return async () => {
    const listed = await lab.exec(node, [nft, 'list', 'table', 'ip', 'rptxcount']);
    const m = /counter packets (\d+)/.exec(listed.stdout);
    if (m === null) throw new Error(`no counter in ${JSON.stringify(listed.stdout)}`);
    return Number(m[1]);
  };
}
