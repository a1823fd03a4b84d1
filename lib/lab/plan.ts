// From a validated LabSpec to a LabPlan: every namespace, interface, address and route the lab
// will have, decided before anything is created. Pure: no process is spawned, so the planner is
// unit-tested without root, `show` prints the plan, and `up` only executes it.
//
// Naming. Namespace `<lab>.<node>`: the lab name is the prefix, and the dot (never allowed in a
// name) keeps lab "a" from matching lab "a-b". Interfaces are `eth0`, `eth1`... in the order of the
// node's links: veth ends are created directly inside their namespaces, so a name only has to be
// unique in its namespace and stays far below IFNAMSIZ (15) whatever the lab is called.
//
// Automatic addresses (when a link gives none): one /30 per link, in file order, from
// 203.0.113.0/24 when a host is on the link and 198.51.100.0/24 between routers; the first node in
// "between" gets .1, the second .2. With "ipv6": one /64 per link from 2001:db8::/32, ::1 and ::2.
//
// Automatic routes: a host with one link gets a default route via its neighbour; every other node
// gets one route per subnet it is not on, via the first hop of a shortest path (ties go to the
// link listed first). Paths only cross routers: hosts never forward.
import type { TcpRewrite } from './tcp-rewrite.js';
import { AUTO_RANGES, formatAddress, formatCidr, network, nthHost, parseAddress, parseCidr, SubnetAllocator, contains } from './address.js';
import type { Cidr, Family } from './address.js';
import { LabSpecError } from './errors.js';
import type { LabRouteSpec, LabSpec, MultipathHash, NodeRole, TosRewrite } from './spec.js';

export const DEFAULT_MTU = 1500;

export interface PlanInterface {
  /** `eth0`, `eth1`... */
  name: string;
  /** Index of the link in the lab file. */
  link: number;
  /** The node at the other end, and its interface there. */
  peer: string;
  peerInterface: string;
  mtu: number;
  /** CIDR, at most one per family: `203.0.113.1/30`, `2001:db8::1/64`. */
  addresses: string[];
}

export interface PlanRoute {
  family: Family;
  /** `0.0.0.0/0`, `::/0` or a subnet. */
  to: string;
  /** The gateway and the interface toward it (a multipath route's first). */
  via: string;
  dev: string;
  /** A multipath (ECMP) route: every next hop, `via`/`dev` first; absent for a single gateway. */
  multipath?: PlanNexthop[];
}

export interface PlanNexthop {
  via: string;
  dev: string;
}

export interface PlanNode {
  name: string;
  role: NodeRole;
  namespace: string;
  interfaces: PlanInterface[];
  routes: PlanRoute[];
  silent: boolean;
  rewriteTos: TosRewrite | null;
  /** Absent in plans recorded before it existed: none. */
  rewriteTcp?: TcpRewrite | null;
  ignoreEcho: boolean;
  /** ms; 0 = off; null = the kernel's default. */
  icmpRatelimit: number | null;
  /** What multipath routes hash (absent in plans recorded before it existed: the kernel's default). */
  multipathHash?: MultipathHash | null;
}

export interface PlanLinkEnd {
  node: string;
  interface: string;
  addresses: string[];
}

export interface PlanLink {
  index: number;
  a: PlanLinkEnd;
  b: PlanLinkEnd;
  mtu: number;
  lossPercent: number;
  duplicatePercent: number;
  delayMs: number | null;
}

export interface LabPlan {
  name: string;
  description: string | null;
  nodes: PlanNode[];
  links: PlanLink[];
}

/** The namespace a node lives in. */
export function namespaceName(lab: string, node: string): string {
  return `${lab}.${node}`;
}

/** The prefix every namespace of a lab starts with. */
export function namespacePrefix(lab: string): string {
  return `${lab}.`;
}

export function planLab(spec: LabSpec, name: string = spec.name): LabPlan {
  const addresses = assignAddresses(spec);
  const counters = new Map<string, number>();
  const nextInterface = (node: string): string => {
    const n = counters.get(node) ?? 0;
    counters.set(node, n + 1);
    return `eth${n}`;
  };

  const links: PlanLink[] = spec.links.map((l, index) => {
    const [aAddresses, bAddresses] = addresses[index]!;
    return {
      index,
      a: { node: l.a, interface: nextInterface(l.a), addresses: aAddresses },
      b: { node: l.b, interface: nextInterface(l.b), addresses: bAddresses },
      mtu: l.mtu ?? DEFAULT_MTU,
      lossPercent: l.lossPercent,
      duplicatePercent: l.duplicatePercent,
      delayMs: l.delayMs,
    };
  });

  const nodes: PlanNode[] = spec.nodes.map((n) => ({
    name: n.name,
    role: n.role,
    namespace: namespaceName(name, n.name),
    interfaces: links.flatMap((l): PlanInterface[] => {
      const ends: PlanInterface[] = [];
      if (l.a.node === n.name) ends.push({ name: l.a.interface, link: l.index, peer: l.b.node, peerInterface: l.b.interface, mtu: l.mtu, addresses: l.a.addresses });
      if (l.b.node === n.name) ends.push({ name: l.b.interface, link: l.index, peer: l.a.node, peerInterface: l.a.interface, mtu: l.mtu, addresses: l.b.addresses });
      return ends;
    }),
    routes: [],
    silent: n.silent,
    rewriteTos: n.rewriteTos,
    rewriteTcp: n.rewriteTcp ?? null,
    ignoreEcho: n.ignoreEcho,
    icmpRatelimit: n.icmpRatelimit,
    multipathHash: n.multipathHash,
  }));

  for (const [i, node] of nodes.entries()) {
    const explicit = spec.nodes[i]!.routes;
    node.routes = explicit === null ? autoRoutes(nodes, node) : explicitRoutes(node, explicit);
  }
  return { name, description: spec.description, nodes, links };
}

/** [a addresses, b addresses] per link, explicit or allocated. */
function assignAddresses(spec: LabSpec): [string[], string[]][] {
  const taken: Cidr[] = spec.links.flatMap((l) => (l.addresses === null ? [] : l.addresses.a.map((t) => network(parseCidr(t)!))));
  const edge = new SubnetAllocator(AUTO_RANGES.edge, 30, taken);
  const transit = new SubnetAllocator(AUTO_RANGES.transit, 30, taken);
  const v6 = new SubnetAllocator(AUTO_RANGES.ipv6, 64, taken);
  const roleOf = new Map(spec.nodes.map((n) => [n.name, n.role]));

  return spec.links.map((l, i) => {
    if (l.addresses !== null) return [l.addresses.a, l.addresses.b];
    const touchesHost = roleOf.get(l.a) === 'host' || roleOf.get(l.b) === 'host';
    const range = touchesHost ? AUTO_RANGES.edge : AUTO_RANGES.transit;
    const subnet = (touchesHost ? edge : transit).allocate();
    if (subnet === null) throw new LabSpecError(`links[${i}]`, `no /30 left in ${range} for automatic addresses; give "addresses"`);
    const a = [formatCidr(nthHost(subnet, 1))];
    const b = [formatCidr(nthHost(subnet, 2))];
    if (spec.ipv6) {
      const subnet6 = v6.allocate();
      if (subnet6 === null) throw new LabSpecError(`links[${i}]`, `no /64 left in ${AUTO_RANGES.ipv6}; give "addresses"`);
      a.push(formatCidr(nthHost(subnet6, 1)));
      b.push(formatCidr(nthHost(subnet6, 2)));
    }
    return [a, b];
  });
}

/** The interface's address of one family (CIDR), or null. */
export function interfaceAddress(iface: PlanInterface, family: Family): Cidr | null {
  for (const text of iface.addresses) {
    const c = parseCidr(text)!;
    if (c.family === family) return c;
  }
  return null;
}

function peerOf(nodes: PlanNode[], iface: PlanInterface): { node: PlanNode; iface: PlanInterface } {
  const node = nodes.find((n) => n.name === iface.peer)!;
  return { node, iface: node.interfaces.find((i) => i.link === iface.link && i.name === iface.peerInterface)! };
}

function autoRoutes(nodes: PlanNode[], self: PlanNode): PlanRoute[] {
  return ([4, 6] as const).flatMap((family) => autoRoutesOf(nodes, self, family));
}

function autoRoutesOf(nodes: PlanNode[], self: PlanNode, family: Family): PlanRoute[] {
  // Breadth-first from self; expand only through routers. firstHop: how self reaches each node.
  type Hop = { dev: string; via: string; distance: number };
  const firstHop = new Map<string, Hop>();
  const queue: PlanNode[] = [self];
  const seen = new Set([self.name]);
  while (queue.length > 0) {
    const x = queue.shift()!;
    if (x !== self && x.role !== 'router') continue;
    for (const iface of x.interfaces) {
      const mine = interfaceAddress(iface, family);
      const peer = peerOf(nodes, iface);
      const theirs = interfaceAddress(peer.iface, family);
      if (mine === null || theirs === null || seen.has(peer.node.name)) continue;
      seen.add(peer.node.name);
      const hop: Hop = x === self
        ? { dev: iface.name, via: formatAddress(family, theirs.value), distance: 1 }
        : { ...firstHop.get(x.name)!, distance: firstHop.get(x.name)!.distance + 1 };
      firstHop.set(peer.node.name, hop);
      queue.push(peer.node);
    }
  }

  const mine = self.interfaces.filter((i) => interfaceAddress(i, family) !== null);
  if (self.role === 'host' && mine.length === 1) {
    const peer = peerOf(nodes, mine[0]!);
    if (peer.node.role !== 'router') return [];
    const hop = firstHop.get(peer.node.name)!;
    return [{ family, to: family === 4 ? '0.0.0.0/0' : '::/0', via: hop.via, dev: hop.dev }];
  }

  const connected = mine.map((i) => formatCidr(network(interfaceAddress(i, family)!)));
  const routes: PlanRoute[] = [];
  const done = new Set(connected);
  const inLinkOrder = nodes
    .flatMap((node) => node.interfaces.map((iface) => ({ node, iface })))
    .sort((x, y) => x.iface.link - y.iface.link);
  for (const { node, iface } of inLinkOrder) {
    const address = interfaceAddress(iface, family);
    if (address === null) continue;
    const subnet = formatCidr(network(address));
    if (done.has(subnet)) continue;
    // Either end of the link may be the nearer one; take the nearer, the first listed if tied.
    const peer = peerOf(nodes, iface);
    const candidates = [node.name, peer.node.name]
      .map((n) => firstHop.get(n))
      .filter((h): h is Hop => h !== undefined)
      .sort((p, q) => p.distance - q.distance);
    if (candidates.length === 0) continue;
    done.add(subnet);
    routes.push({ family, to: subnet, via: candidates[0]!.via, dev: candidates[0]!.dev });
  }
  return routes;
}

function explicitRoutes(self: PlanNode, routes: LabRouteSpec[]): PlanRoute[] {
  return routes.map((r, i) => {
    const hops = r.via.map((text, k) => {
      const via = parseAddress(text)!;
      const iface = self.interfaces.find((f) => {
        const a = interfaceAddress(f, via.family);
        return a !== null && contains(a, via.family, via.value);
      });
      if (iface === undefined) {
        const field = r.via.length === 1 ? 'via' : `via[${k}]`;
        throw new LabSpecError(`nodes.${self.name}.routes[${i}].${field}`, `${text} is not on any link of "${self.name}"`);
      }
      return { family: via.family, via: formatAddress(via.family, via.value), dev: iface.name };
    });
    const first = hops[0]!;
    const route: PlanRoute = { family: first.family, to: r.to, via: first.via, dev: first.dev };
    if (hops.length > 1) route.multipath = hops.map((h) => ({ via: h.via, dev: h.dev }));
    return route;
  });
}
