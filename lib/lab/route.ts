// Walks a packet through a LabPlan the way the kernels in the lab will: longest-prefix match on
// each node's connected subnets and routes. Tests of ping, trace and sweep use it to know what
// the network must answer (which router is hop 3, from which address its Time Exceeded comes)
// without hard-coding addresses that the planner chose.
import { contains, formatAddress, parseAddress, parseCidr } from './address.js';
import type { Family } from './address.js';
import { interfaceAddress } from './plan.js';
import type { LabPlan, PlanInterface, PlanNode } from './plan.js';

/** One hop of a path, as a traceroute from the source would see it. */
export interface LabHop {
  /** 1 for the first router (the TTL that expires there). */
  ttl: number;
  node: string;
  /**
   * The address the answer comes from: for a router, its address on the interface of its route
   * back to the source (what Linux puts in Time Exceeded); for the destination, the destination
   * address. null when the router has no route back.
   */
  address: string | null;
  /** A silent router: it sends no Time Exceeded. */
  silent: boolean;
  /** This hop owns the destination address. */
  destination: boolean;
}

export interface LabPath {
  /** The source address the first node uses toward the destination, or null if it has no route. */
  source: string | null;
  hops: LabHop[];
  /** The packet reaches the node that owns the destination. */
  reached: boolean;
}

/** Longest-prefix match at one node: the interface out and the next hop (the address itself when on-link). */
export function lookup(node: PlanNode, family: Family, address: bigint): { iface: PlanInterface; nextHop: bigint } | null {
  let best: { iface: PlanInterface; nextHop: bigint; prefix: number } | null = null;
  for (const iface of node.interfaces) {
    const a = interfaceAddress(iface, family);
    if (a !== null && contains(a, family, address) && (best === null || a.prefix > best.prefix)) {
      best = { iface, nextHop: address, prefix: a.prefix };
    }
  }
  for (const r of node.routes) {
    const to = parseCidr(r.to)!;
    if (r.family !== family || !contains(to, family, address)) continue;
    if (best !== null && to.prefix <= best.prefix) continue;
    const iface = node.interfaces.find((i) => i.name === r.dev);
    if (iface !== undefined) best = { iface, nextHop: parseAddress(r.via)!.value, prefix: to.prefix };
  }
  return best;
}

function owns(node: PlanNode, family: Family, address: bigint): boolean {
  return node.interfaces.some((i) => {
    const a = interfaceAddress(i, family);
    return a !== null && a.value === address;
  });
}

/** Which node holds `address` on one of its interfaces. */
export function ownerOf(plan: LabPlan, address: string): PlanNode | null {
  const a = parseAddress(address);
  if (a === null) return null;
  return plan.nodes.find((n) => owns(n, a.family, a.value)) ?? null;
}

/** The path a packet from node `from` to `destination` (an address) takes, hop by hop. */
export function tracePath(plan: LabPlan, from: string, destination: string): LabPath {
  const dest = parseAddress(destination);
  const start = plan.nodes.find((n) => n.name === from);
  if (dest === null || start === undefined) return { source: null, hops: [], reached: false };
  const { family, value } = dest;
  const byName = new Map(plan.nodes.map((n) => [n.name, n]));

  const out = lookup(start, family, value);
  if (owns(start, family, value)) return { source: destination, hops: [], reached: true };
  if (out === null) return { source: null, hops: [], reached: false };
  const source = interfaceAddress(out.iface, family)!.value;

  const hops: LabHop[] = [];
  let at = start;
  let step: { iface: PlanInterface; nextHop: bigint } | null = out;
  // A misrouted lab (a teacher's exercise) may loop: stop where a real TTL of 64 would.
  while (step !== null && hops.length < 64) {
    const next = byName.get(step.iface.peer)!;
    const ttl = hops.length + 1;
    if (owns(next, family, value)) {
      hops.push({ ttl, node: next.name, address: destination, silent: false, destination: true });
      return { source: formatAddress(family, source), hops, reached: true };
    }
    if (next.role !== 'router') break;
    const back = lookup(next, family, source);
    const backAddress = back === null ? null : interfaceAddress(back.iface, family);
    hops.push({
      ttl,
      node: next.name,
      address: backAddress === null ? null : formatAddress(family, backAddress.value),
      silent: next.silent,
      destination: false,
    });
    at = next;
    step = lookup(at, family, value);
  }
  return { source: formatAddress(family, source), hops, reached: false };
}
