// What `up` feeds to the system tools, written out from a LabPlan: one `ip -batch` for every
// namespace and veth, then per node one `sysctl`, one `ip -n <ns> -batch`, one `nft -f` and one
// `tc` per delayed interface. Pure text, so the unit tests can read exactly what will run.
//
// Impairments are nftables rules, because this class of kernel often lacks tc netem and pedit:
//   loss        postrouting: oifname "ethN" numgen random mod 10000 < P drop
//   duplication postrouting: oifname "ethN" numgen random mod 10000 < P dup to <peer> device "ethN"
//               (the copy goes to the same next hop: on a point-to-point link that is the peer)
//               (loss or duplication of 100%: no draw, every packet)
//   silent hop  output: icmp type time-exceeded drop
//   TOS rewrite forward: ip dscp set N / ip ecn set N
// Loss and duplication sit on the egress of both ends, so both directions see them. ARP is not IP
// and NDP is exempted: losing neighbour discovery would turn "10% loss" into seconds of outage.
import { describeTcpRewrite, tcpRewriteRules } from './tcp-rewrite.js';
import { formatAddress } from './address.js';
import type { Family } from './address.js';
import { interfaceAddress } from './plan.js';
import type { LabPlan, PlanLink, PlanNode, PlanRoute } from './plan.js';
import { MULTIPATH_HASH } from './spec.js';

/** The nftables table every lab rule lives in (one per family, inside the node's namespace). */
export const NFT_TABLE = 'rawprobe';

/** Kernel defaults restored when the ICMP rate limit is switched back on. */
const ICMP_RATEMASK_DEFAULT = { 4: '6168', 6: '0-1,3-127' } as const;

/** Lines for `ip -batch -` run in the root namespace: it only creates namespaces and veth pairs
 * whose ends are born inside them, so nothing of the lab ever exists in the root namespace. */
export function createBatch(plan: LabPlan): string {
  const byName = new Map(plan.nodes.map((n) => [n.name, n]));
  const lines = plan.nodes.map((n) => `netns add ${n.namespace}`);
  for (const l of plan.links) {
    const a = byName.get(l.a.node)!;
    const b = byName.get(l.b.node)!;
    lines.push(`link add ${l.a.interface} netns ${a.namespace} type veth peer name ${l.b.interface} netns ${b.namespace}`);
  }
  return lines.join('\n') + '\n';
}

/** Lines for `ip -n <namespace> -batch -`: links up (with MTU), addresses, routes. */
export function configureBatch(node: PlanNode): string {
  const lines = ['link set lo up'];
  for (const i of node.interfaces) lines.push(`link set ${i.name} mtu ${i.mtu} up`);
  for (const i of node.interfaces) {
    for (const a of i.addresses) {
      // nodad: no duplicate address detection on a link we built; the address is usable at once.
      lines.push(a.includes(':') ? `addr add ${a} dev ${i.name} nodad` : `addr add ${a} dev ${i.name}`);
    }
  }
  for (const r of node.routes) lines.push(`route add ${r.to} ${routeNexthops(r)}`);
  return lines.join('\n') + '\n';
}

/** What follows the destination in `ip route add`: `via A dev eth1`, or `nexthop via A dev eth1 nexthop via B dev eth2`. */
export function routeNexthops(r: PlanRoute): string {
  if (r.multipath === undefined) return `via ${r.via} dev ${r.dev}`;
  return r.multipath.map((h) => `nexthop via ${h.via} dev ${h.dev}`).join(' ');
}

/** `key=value` arguments for `sysctl -w`, in the node's namespace. */
export function nodeSysctls(node: PlanNode): string[] {
  const forward = node.role === 'router' ? '1' : '0';
  const hasV6 = node.interfaces.some((i) => interfaceAddress(i, 6) !== null);
  const s = [
    // Set explicitly: a new namespace inherits IPv4 settings from the root namespace, which may
    // forward (a Docker host) or filter by reverse path (systemd's rp_filter=2).
    `net.ipv4.ip_forward=${forward}`,
    'net.ipv4.conf.all.rp_filter=0',
    'net.ipv4.conf.default.rp_filter=0',
    ...node.interfaces.map((i) => `net.ipv4.conf.${i.name}.rp_filter=0`),
    // Lets unprivileged ping (ICMP datagram sockets) work inside the lab, as on a Debian desktop.
    'net.ipv4.ping_group_range=0 2147483647',
  ];
  if (hasV6) s.push(`net.ipv6.conf.all.forwarding=${forward}`);
  for (const i of node.interfaces) {
    if (interfaceAddress(i, 6) === null) {
      // IPv6 stays off on links without an IPv6 address: no router solicitations in captures.
      s.push(`net.ipv6.conf.${i.name}.disable_ipv6=1`);
    } else {
      // No duplicate address detection for the link-local address either: while it is
      // tentative, neighbour discovery stalls and the first second of traffic is lost.
      s.push(`net.ipv6.conf.${i.name}.accept_dad=0`, `net.ipv6.conf.${i.name}.accept_ra=0`);
    }
  }
  if (node.ignoreEcho) s.push('net.ipv4.icmp_echo_ignore_all=1', 'net.ipv6.icmp.echo_ignore_all=1');
  if (node.icmpRatelimit !== null) s.push(...icmpRatelimitSysctls(node.icmpRatelimit));
  const hash = node.multipathHash ?? null;
  if (hash !== null) {
    s.push(`net.ipv4.fib_multipath_hash_policy=${MULTIPATH_HASH[hash]}`);
    if (hasV6) s.push(`net.ipv6.fib_multipath_hash_policy=${MULTIPATH_HASH[hash]}`);
  }
  return s;
}

/**
 * The ICMP rate limit, both families. `ms` > 0: at most one ICMP error per `ms` to each
 * destination (net.ipv4.icmp_ratelimit, net.ipv6.icmp.ratelimit) with the kernel's default
 * masks. 0: no limit at all: the per-destination limit is off, and the ratemask is emptied so the
 * host-wide limit (icmp_msgs_per_sec) does not apply either.
 */
export function icmpRatelimitSysctls(ms: number): string[] {
  return [
    `net.ipv4.icmp_ratelimit=${ms}`,
    `net.ipv4.icmp_ratemask=${ms === 0 ? '0' : ICMP_RATEMASK_DEFAULT[4]}`,
    `net.ipv6.icmp.ratelimit=${ms}`,
    `net.ipv6.icmp.ratemask=${ms === 0 ? '' : ICMP_RATEMASK_DEFAULT[6]}`,
  ];
}

/** The node's nftables ruleset for `nft -f -`, or null when it has no impairment needing one. */
export function nodeRuleset(plan: LabPlan, node: PlanNode): string | null {
  const tables = ([4, 6] as const)
    .map((family) => familyTable(plan, node, family))
    .filter((t): t is string => t !== null);
  return tables.length === 0 ? null : tables.join('');
}

/**
 * The match that picks `percent` of the packets: a draw from 0 to 9999. nftables refuses a bound
 * past the draw's range (`< 10000`), so 100% is every packet, with no draw at all.
 */
function chance(percent: number): string {
  return percent >= 100 ? '' : `numgen random mod 10000 < ${Math.round(percent * 100)} `;
}

function familyTable(plan: LabPlan, node: PlanNode, family: Family): string | null {
  const ip = family === 4 ? 'ip' : 'ip6';
  const icmp = family === 4 ? 'icmp' : 'icmpv6';
  const hasFamily = node.interfaces.some((i) => interfaceAddress(i, family) !== null);
  if (!hasFamily) return null;

  const postrouting: string[] = [];
  for (const iface of node.interfaces) {
    const link = plan.links[iface.link]!;
    const peer = peerAddress(plan, link, node.name, family);
    if (peer === null) continue;
    if (link.lossPercent > 0) postrouting.push(`oifname "${iface.name}" ${chance(link.lossPercent)}drop`);
    if (link.duplicatePercent > 0) postrouting.push(`oifname "${iface.name}" ${chance(link.duplicatePercent)}dup to ${peer} device "${iface.name}"`);
  }
  if (postrouting.length > 0 && family === 6) {
    postrouting.unshift('icmpv6 type { nd-neighbor-solicit, nd-neighbor-advert, nd-router-solicit, nd-router-advert } accept');
  }

  const forward: string[] = [];
  if (node.rewriteTos !== null) {
    if (node.rewriteTos.dscp !== null) forward.push(`${ip} dscp set ${node.rewriteTos.dscp}`);
    if (node.rewriteTos.ecn !== null) forward.push(`${ip} ecn set ${node.rewriteTos.ecn}`);
  }
  if ((node.rewriteTcp ?? null) !== null) forward.push(...tcpRewriteRules(node.rewriteTcp!));

  const output = node.silent ? [`${icmp} type time-exceeded drop`] : [];

  const chains = [
    chain('postrouting', postrouting),
    chain('forward', forward),
    chain('output', output),
  ].filter((c) => c !== '');
  if (chains.length === 0) return null;
  return `table ${ip} ${NFT_TABLE} {\n${chains.join('')}}\n`;
}

function chain(hook: string, rules: string[]): string {
  if (rules.length === 0) return '';
  return [
    `  chain ${hook} {`,
    `    type filter hook ${hook} priority 0; policy accept;`,
    ...rules.map((r) => `    ${r}`),
    '  }',
    '',
  ].join('\n');
}

function peerAddress(plan: LabPlan, link: PlanLink, self: string, family: Family): string | null {
  const end = link.a.node === self ? link.b : link.a;
  const node = plan.nodes.find((n) => n.name === end.node)!;
  const iface = node.interfaces.find((i) => i.name === end.interface)!;
  const a = interfaceAddress(iface, family);
  return a === null ? null : formatAddress(family, a.value);
}

/** `tc` argument lists adding the node's delays (netem on the egress of each delayed link end). */
export function delayCommands(plan: LabPlan, node: PlanNode): { iface: string; link: number; args: string[] }[] {
  return node.interfaces.flatMap((i) => {
    const delay = plan.links[i.link]!.delayMs;
    if (delay === null || delay === 0) return [];
    return [{ iface: i.name, link: i.link, args: ['-n', node.namespace, 'qdisc', 'add', 'dev', i.name, 'root', 'netem', 'delay', `${delay}ms`] }];
  });
}

/** One line per impairment of the node, for `lab show`. */
export function describeImpairments(plan: LabPlan, node: PlanNode): string[] {
  const out: string[] = [];
  if (node.silent) out.push('silent: sends no Time Exceeded');
  if (node.rewriteTos !== null) {
    const parts: string[] = [];
    if (node.rewriteTos.dscp !== null) parts.push(`DSCP ${node.rewriteTos.dscp}`);
    if (node.rewriteTos.ecn !== null) parts.push(`ECN ${node.rewriteTos.ecn}`);
    out.push(`rewrites forwarded ${parts.join(', ')}`);
  }
  if ((node.rewriteTcp ?? null) !== null) out.push(describeTcpRewrite(node.rewriteTcp!));
  if (node.ignoreEcho) out.push('ignores echo requests');
  if (node.icmpRatelimit === 0) out.push('ICMP rate limit off');
  else if (node.icmpRatelimit !== null) out.push(`ICMP rate limit ${node.icmpRatelimit} ms`);
  if ((node.multipathHash ?? null) !== null) out.push(`multipath routes hash ${node.multipathHash === 'l4' ? 'addresses, protocol and ports (L4)' : 'addresses (L3)'}`);
  for (const i of node.interfaces) {
    const l = plan.links[i.link]!;
    const parts: string[] = [];
    if (l.lossPercent > 0) parts.push(`loss ${l.lossPercent}%`);
    if (l.duplicatePercent > 0) parts.push(`duplicate ${l.duplicatePercent}%`);
    if (l.delayMs !== null && l.delayMs > 0) parts.push(`delay ${l.delayMs} ms`);
    if (parts.length > 0) out.push(`${i.name} out: ${parts.join(', ')}`);
  }
  return out;
}
