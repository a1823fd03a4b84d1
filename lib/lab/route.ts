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

/** Where a node sends a packet: the interface out and the next hop (the address itself when on-link). */
export interface LabNextHop {
  iface: PlanInterface;
  nextHop: bigint;
}

/**
 * Longest-prefix match at one node: the interface out and the next hop (the address itself when
 * on-link); for a multipath route, its first next hop (lookupAll gives every one).
 */
export function lookup(node: PlanNode, family: Family, address: bigint): LabNextHop | null {
  return lookupAll(node, family, address)[0] ?? null;
}

/** Every next hop the longest-prefix match allows: one, or each of a multipath route's; [] for none. */
export function lookupAll(node: PlanNode, family: Family, address: bigint): LabNextHop[] {
  let best: { hops: LabNextHop[]; prefix: number } | null = null;
  for (const iface of node.interfaces) {
    const a = interfaceAddress(iface, family);
    if (a !== null && contains(a, family, address) && (best === null || a.prefix > best.prefix)) {
      best = { hops: [{ iface, nextHop: address }], prefix: a.prefix };
    }
  }
  for (const r of node.routes) {
    const to = parseCidr(r.to)!;
    if (r.family !== family || !contains(to, family, address)) continue;
    if (best !== null && to.prefix <= best.prefix) continue;
    const hops = (r.multipath ?? [{ via: r.via, dev: r.dev }]).flatMap((h) => {
      const iface = node.interfaces.find((i) => i.name === h.dev);
      return iface === undefined ? [] : [{ iface, nextHop: parseAddress(h.via)!.value }];
    });
    if (hops.length > 0) best = { hops, prefix: to.prefix };
  }
  return best?.hops ?? [];
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

/** The path a packet from node `from` to `destination` (an address) takes, hop by hop (a multipath route's first next hop). */
export function tracePath(plan: LabPlan, from: string, destination: string): LabPath {
  return tracePaths(plan, from, destination, 1)[0]!;
}

/**
 * Every path a packet from node `from` to `destination` may take: one per choice of next hop at
 * each multipath route on the way (at most `limit` paths), the first being tracePath's.
 */
export function tracePaths(plan: LabPlan, from: string, destination: string, limit = 64): LabPath[] {
  const dest = parseAddress(destination);
  const start = plan.nodes.find((n) => n.name === from);
  if (dest === null || start === undefined) return [{ source: null, hops: [], reached: false }];
  const { family, value } = dest;
  if (owns(start, family, value)) return [{ source: destination, hops: [], reached: true }];
  const first = lookupAll(start, family, value);
  if (first.length === 0) return [{ source: null, hops: [], reached: false }];
  const byName = new Map(plan.nodes.map((n) => [n.name, n]));
  const paths: LabPath[] = [];
  for (const out of first) {
    const source = interfaceAddress(out.iface, family)!.value;
    const walk = (step: LabNextHop, hops: LabHop[]): void => {
      if (paths.length >= limit) return;
      const sourceText = formatAddress(family, source);
      const next = byName.get(step.iface.peer)!;
      const ttl = hops.length + 1;
      if (owns(next, family, value)) {
        paths.push({ source: sourceText, hops: [...hops, { ttl, node: next.name, address: destination, silent: false, destination: true }], reached: true });
        return;
      }
      // A misrouted lab (a teacher's exercise) may loop: stop where a real TTL of 64 would.
      const onward = next.role === 'router' && hops.length < 63 ? lookupAll(next, family, value) : [];
      const back = next.role === 'router' ? lookup(next, family, source) : null;
      const backAddress = back === null ? null : interfaceAddress(back.iface, family);
      const hop: LabHop = {
        ttl,
        node: next.name,
        address: backAddress === null ? null : formatAddress(family, backAddress.value),
        silent: next.silent,
        destination: false,
      };
      if (next.role !== 'router') {
        paths.push({ source: sourceText, hops, reached: false });
        return;
      }
      if (onward.length === 0) {
        paths.push({ source: sourceText, hops: [...hops, hop], reached: false });
        return;
      }
      for (const s of onward) walk(s, [...hops, hop]);
    };
    walk(out, []);
  }
  return paths;
}
