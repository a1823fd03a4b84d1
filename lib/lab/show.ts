// What `lab show` reports for each lab that is up: per node its namespace, interfaces with
// addresses, routes and impairments. Addresses and routes are read live from the namespaces
// (`ip -j`), so a route a student added by hand shows up; impairments come from the record.
// Without privilege to enter namespaces, the recorded plan is shown instead (`live: false`).
import { describeImpairments, routeNexthops } from './commands.js';
import { LAB_STEP, LabError } from './errors.js';
import { listLabs } from './lab.js';
import type { PlanNode } from './plan.js';
import type { NodeRole } from './spec.js';
import { readState } from './state.js';
import { findTool, listNamespaces, missingCapabilities, run } from './system.js';

export interface LabInterfaceStatus {
  name: string;
  /** The node at the other end, from the plan; null for an interface the lab did not make. */
  peer: string | null;
  mtu: number;
  /** CIDR, global addresses only (no link-local). */
  addresses: string[];
}

export interface LabNodeStatus {
  node: string;
  role: NodeRole;
  namespace: string;
  /** The namespace exists. */
  present: boolean;
  interfaces: LabInterfaceStatus[];
  /** `default via 203.0.113.2 dev eth0`; connected routes left out. */
  routes: string[];
  impairments: string[];
}

export interface LabStatus {
  name: string;
  source: string | null;
  createdAt: string;
  /** Addresses and routes were read from the namespaces (else: from the record). */
  live: boolean;
  /** Every node's namespace exists. */
  complete: boolean;
  nodes: LabNodeStatus[];
}

/** Status of one lab, or of every lab that is up. */
export async function labShow(name?: string): Promise<LabStatus[]> {
  const names = name === undefined ? await listLabs() : [name];
  const ip = await findTool('ip');
  const live = ip !== null && (await missingCapabilities()).length === 0;
  const namespaces = new Set(await listNamespaces());
  const out: LabStatus[] = [];
  for (const n of names) {
    const state = await readState(n);
    if (state === null) {
      if (name !== undefined) throw new LabError(n, LAB_STEP.open, `no lab named "${n}" is up`);
      continue;
    }
    const nodes = await Promise.all(
      state.plan.nodes.map((node) => nodeStatus(node, namespaces.has(node.namespace), live ? ip : null, describeImpairments(state.plan, node))),
    );
    out.push({
      name: state.name,
      source: state.source,
      createdAt: state.createdAt,
      live,
      complete: nodes.every((x) => x.present),
      nodes,
    });
  }
  return out;
}

interface IpAddrJson {
  ifname: string;
  mtu: number;
  addr_info?: { family: string; local: string; prefixlen: number; scope: string }[];
}

interface IpRouteJson {
  dst: string;
  gateway?: string;
  dev?: string;
  protocol?: string;
  /** A multipath route's next hops. */
  nexthops?: { gateway?: string; dev?: string }[];
}

/** @param ip the path of `ip` when namespaces can be read live, else null. */
async function nodeStatus(node: PlanNode, present: boolean, ip: string | null, impairments: string[]): Promise<LabNodeStatus> {
  const base = { node: node.name, role: node.role, namespace: node.namespace, present, impairments };
  const planned = {
    ...base,
    interfaces: node.interfaces.map((i) => ({ name: i.name, peer: i.peer, mtu: i.mtu, addresses: i.addresses })),
    routes: node.routes.map((r) => `${r.to === '0.0.0.0/0' || r.to === '::/0' ? 'default' : r.to} ${routeNexthops(r)}`),
  };
  if (ip === null || !present) return present ? planned : { ...planned, interfaces: [], routes: [] };

  const [addr, route4, route6] = await Promise.all([
    run(ip, ['-n', node.namespace, '-j', 'addr', 'show']),
    run(ip, ['-n', node.namespace, '-j', '-4', 'route', 'show']),
    run(ip, ['-n', node.namespace, '-j', '-6', 'route', 'show']),
  ]);
  const links = parseJson<IpAddrJson>(addr.stdout).filter((l) => l.ifname !== 'lo');
  const interfaces = links.map((l) => ({
    name: l.ifname,
    peer: node.interfaces.find((i) => i.name === l.ifname)?.peer ?? null,
    mtu: l.mtu,
    addresses: (l.addr_info ?? []).filter((a) => a.scope === 'global').map((a) => `${a.local}/${a.prefixlen}`),
  }));
  const routes = [...parseJson<IpRouteJson>(route4.stdout), ...parseJson<IpRouteJson>(route6.stdout)]
    // Connected routes (proto kernel) just repeat the addresses; keep the rest.
    .filter((r) => r.protocol !== 'kernel')
    .map((r) => `${r.dst}${r.nexthops === undefined ? nexthopText(r) : r.nexthops.map((h) => ` nexthop${nexthopText(h)}`).join('')}`);
  return { ...base, interfaces, routes };
}

/** " via 203.0.113.2 dev eth0" (either part absent when ip gives none). */
function nexthopText(h: { gateway?: string; dev?: string }): string {
  return `${h.gateway === undefined ? '' : ` via ${h.gateway}`}${h.dev === undefined ? '' : ` dev ${h.dev}`}`;
}

function parseJson<T>(text: string): T[] {
  try {
    const v = JSON.parse(text) as unknown;
    return Array.isArray(v) ? (v as T[]) : [];
  } catch {
    return [];
  }
}
