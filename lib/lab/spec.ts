// The lab file: what a teacher writes (LabFile, every field but the topology optional) and what
// the rest of lib/lab/ works from (LabSpec: validated, complete, null where the file said nothing).
// The format is documented with a commented example in fixtures/labs/README.md.
//
// Validation stops at the first problem and names it by field path (`links[1].mtu`) and rule, so
// a student can fix a file without reading our code. Unknown fields are errors: a misspelt
// "sillent" must not give a lab that silently behaves differently.
import { parseTcpRewrite, type TcpRewrite, type TcpRewriteInit } from './tcp-rewrite.js';
import { readFile } from 'node:fs/promises';
import { basename, extname } from 'node:path';
import { formatCidr, hostAddressProblem, isSafe, network, overlaps, parseAddress, parseCidr, SAFE_RANGES } from './address.js';
import type { Cidr } from './address.js';
import { LabSpecError } from './errors.js';

/** Lab and node names: they become namespace names `<lab>.<node>`, so no dots. */
export const NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_-]{0,31}$/;
const NODE_NAME_PATTERN = /^[A-Za-z][A-Za-z0-9_-]{0,31}$/;

export const NODE_ROLE = { host: 'host', router: 'router' } as const;
export type NodeRole = (typeof NODE_ROLE)[keyof typeof NODE_ROLE];

/** DSCP names nftables and most people use (RFC 2474 class selectors, RFC 2597 AF, RFC 3246 EF). */
export const DSCP = {
  cs0: 0, cs1: 8, cs2: 16, cs3: 24, cs4: 32, cs5: 40, cs6: 48, cs7: 56,
  af11: 10, af12: 12, af13: 14, af21: 18, af22: 20, af23: 22,
  af31: 26, af32: 28, af33: 30, af41: 34, af42: 36, af43: 38,
  ef: 46,
} as const;

/** ECN codepoints, RFC 3168 section 5. */
export const ECN = { 'not-ect': 0, ect1: 1, ect0: 2, ce: 3 } as const;

/** The kernel's default icmp_ratelimit, in ms: what `"icmpRatelimit": true` means. */
export const DEFAULT_ICMP_RATELIMIT_MS = 1000;

// ---- What the file says (all optional except the topology) -------------------------------------

export interface LabFile {
  name?: string;
  description?: string;
  /** Give every link an IPv6 /64 from 2001:db8::/32 too. */
  ipv6?: boolean;
  nodes: Record<string, LabNodeInit>;
  links?: LabLinkInit[];
}

export interface LabNodeInit {
  role: NodeRole;
  description?: string;
  /** Router only: never send ICMP Time Exceeded (a `*` in traceroute). */
  silent?: boolean;
  /** Router only: rewrite the DSCP and/or ECN bits of every packet it forwards. */
  rewriteTos?: { dscp?: number | keyof typeof DSCP; ecn?: number | keyof typeof ECN };
  /** Router only: rewrite the TCP SYNs it forwards (tcp-rewrite.ts). */
  rewriteTcp?: TcpRewriteInit;
  /** Do not answer ICMP echo requests (net.ipv4.icmp_echo_ignore_all). */
  ignoreEcho?: boolean;
  /** false: no ICMP rate limit; true: the kernel's 1000 ms; a number: that many ms. */
  icmpRatelimit?: boolean | number;
  /** Replace the automatic routes of this node with these. */
  routes?: LabRouteInit[];
  /**
   * What a multipath route hashes to choose a next hop (net.ipv4.fib_multipath_hash_policy):
   * "l3" the addresses (the kernel's default), "l4" addresses, protocol and ports.
   */
  multipathHash?: MultipathHash;
}

export interface LabRouteInit {
  /** A subnet (`203.0.113.4/30`) or `default` (of the family of `via`). */
  to: string;
  /** A gateway, or several of equal weight: a multipath (ECMP) route. */
  via: string | string[];
}

/** The hash policies a lab file can name, and the kernel's number for each. */
export const MULTIPATH_HASH = { l3: 0, l4: 1 } as const;
export type MultipathHash = keyof typeof MULTIPATH_HASH;

export interface LabLinkInit {
  between: [string, string];
  description?: string;
  mtu?: number;
  /** Percent of packets dropped, each direction. */
  loss?: number;
  /** Percent of packets sent twice, each direction. */
  duplicate?: number;
  /** One-way delay in ms, each direction (needs the kernel's netem). */
  delay?: number;
  /** Explicit addresses by node name, instead of automatic ones: `{ "h1": "192.0.2.1/24" }`. */
  addresses?: Record<string, string | string[]>;
}

// ---- What the library works from (validated, complete) -----------------------------------------

export interface LabSpec {
  name: string;
  description: string | null;
  ipv6: boolean;
  nodes: LabNodeSpec[];
  links: LabLinkSpec[];
}

export interface TosRewrite {
  dscp: number | null;
  ecn: number | null;
}

export interface LabNodeSpec {
  name: string;
  role: NodeRole;
  description: string | null;
  silent: boolean;
  rewriteTos: TosRewrite | null;
  /** Absent in specs made before it existed: none. */
  rewriteTcp?: TcpRewrite | null;
  ignoreEcho: boolean;
  /** ms between ICMP errors to one destination; 0 = no limit at all; null = leave the kernel's. */
  icmpRatelimit: number | null;
  /** null: automatic routes. */
  routes: LabRouteSpec[] | null;
  /** null: the kernel's default (l3). */
  multipathHash: MultipathHash | null;
}

export interface LabRouteSpec {
  /** Canonical subnet (`203.0.113.4/30`), `0.0.0.0/0` or `::/0`. */
  to: string;
  /** One gateway, or several (a multipath route), all of the family of `to`. */
  via: string[];
}

export interface LabLinkSpec {
  a: string;
  b: string;
  description: string | null;
  mtu: number | null;
  lossPercent: number;
  duplicatePercent: number;
  delayMs: number | null;
  /** Explicit addresses of each end (CIDR, at most one per family), or null for automatic. */
  addresses: { a: string[]; b: string[] } | null;
}

export interface ParseOptions {
  /** Shown in error messages; also the default lab name (file name without extension). */
  source?: string;
  /** Overrides the file's name (tests use a unique one per run). */
  name?: string;
  /** Accept addresses outside the documentation and loopback ranges. */
  allowAnyAddress?: boolean;
}

export async function loadLabFile(path: string, options: Omit<ParseOptions, 'source'> = {}): Promise<LabSpec> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const reason = code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : String((err as Error).message);
    throw new LabSpecError('', reason, path);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new LabSpecError('', `not valid JSON: ${(err as Error).message}`, path);
  }
  return parseLabSpec(raw, { ...options, source: path });
}

/** Validates a lab file's content (already parsed from JSON) into a LabSpec. */
export function parseLabSpec(raw: unknown, options: ParseOptions = {}): LabSpec {
  const source = options.source ?? null;
  const fail = (path: string, reason: string): never => {
    throw new LabSpecError(path, reason, source);
  };
  const file = expectObject(raw, '', fail);
  allowOnly(file, '', ['name', 'description', 'ipv6', 'nodes', 'links'], fail);

  let name: string;
  if (options.name !== undefined) {
    name = options.name;
    if (!NAME_PATTERN.test(name)) fail('name', nameRule(name, 'lab'));
  } else if (file['name'] !== undefined) {
    name = expectString(file['name'], 'name', fail);
    if (!NAME_PATTERN.test(name)) fail('name', nameRule(name, 'lab'));
  } else if (source !== null) {
    name = basename(source, extname(source));
    if (!NAME_PATTERN.test(name)) fail('name', `missing, and the file name "${name}" is not a valid lab name; add a "name"`);
  } else {
    name = fail('name', 'missing');
  }

  const description = optionalString(file['description'], 'description', fail);
  const ipv6 = optionalBoolean(file['ipv6'], 'ipv6', fail) ?? false;

  const nodesRaw = expectObject(file['nodes'], 'nodes', fail);
  const nodeNames = Object.keys(nodesRaw);
  if (nodeNames.length === 0) fail('nodes', 'a lab needs at least one node');
  if (nodeNames.length > 64) fail('nodes', `${nodeNames.length} nodes; at most 64`);
  const nodes = nodeNames.map((n) => parseNode(n, nodesRaw[n], fail));

  const linksRaw = file['links'] === undefined ? [] : expectArray(file['links'], 'links', fail);
  const links = linksRaw.map((l, i) => parseLink(l, `links[${i}]`, nodes, ipv6, fail));

  const spec: LabSpec = { name, description, ipv6, nodes, links };
  checkAddresses(spec, fail);
  if (!options.allowAnyAddress) {
    const problem = addressPolicyProblem(spec);
    if (problem !== null) fail(problem.path, problem.reason);
  }
  return spec;
}

/**
 * The first explicit address or route outside the documentation and loopback ranges, or null.
 * labUp() runs this too, so a spec built in code meets the same rule.
 */
export function addressPolicyProblem(spec: LabSpec): { path: string; reason: string } | null {
  const rule = `is outside the documentation and loopback ranges (${SAFE_RANGES.join(', ')}); pass --allow-any-address (allowAnyAddress) to use it anyway`;
  for (const [i, link] of spec.links.entries()) {
    if (link.addresses === null) continue;
    for (const [end, node] of [['a', link.a], ['b', link.b]] as const) {
      for (const text of link.addresses[end]) {
        if (!isSafe(parseCidr(text)!)) return { path: `links[${i}].addresses.${node}`, reason: `${text} ${rule}` };
      }
    }
  }
  return null;
}

function parseNode(name: string, raw: unknown, fail: Fail): LabNodeSpec {
  const path = `nodes.${name}`;
  if (!NODE_NAME_PATTERN.test(name)) fail(path, nameRule(name, 'node'));
  const o = expectObject(raw, path, fail);
  allowOnly(o, path, ['role', 'description', 'silent', 'rewriteTos', 'rewriteTcp', 'ignoreEcho', 'icmpRatelimit', 'routes', 'multipathHash'], fail);
  const role = o['role'];
  if (role !== 'host' && role !== 'router') {
    fail(`${path}.role`, role === undefined ? 'missing; "host" or "router"' : `${JSON.stringify(role)}; must be "host" or "router"`);
  }
  const isRouter = role === 'router';
  const silent = optionalBoolean(o['silent'], `${path}.silent`, fail) ?? false;
  if (silent && !isRouter) fail(`${path}.silent`, 'only a router forwards packets, so only a router can be a silent hop');

  let rewriteTos: TosRewrite | null = null;
  if (o['rewriteTos'] !== undefined) {
    const p = `${path}.rewriteTos`;
    if (!isRouter) fail(p, 'only a router forwards packets, so only a router can rewrite them');
    const r = expectObject(o['rewriteTos'], p, fail);
    allowOnly(r, p, ['dscp', 'ecn'], fail);
    rewriteTos = {
      dscp: r['dscp'] === undefined ? null : codepoint(r['dscp'], `${p}.dscp`, DSCP, 63, fail),
      ecn: r['ecn'] === undefined ? null : codepoint(r['ecn'], `${p}.ecn`, ECN, 3, fail),
    };
    if (rewriteTos.dscp === null && rewriteTos.ecn === null) fail(p, 'give "dscp", "ecn" or both');
  }

  let rewriteTcp: TcpRewrite | null = null;
  if (o['rewriteTcp'] !== undefined) {
    if (!isRouter) fail(`${path}.rewriteTcp`, 'only a router forwards packets, so only a router can rewrite them');
    rewriteTcp = parseTcpRewrite(o['rewriteTcp'], `${path}.rewriteTcp`, fail);
  }

  const ignoreEcho = optionalBoolean(o['ignoreEcho'], `${path}.ignoreEcho`, fail) ?? false;

  let icmpRatelimit: number | null = null;
  const rl = o['icmpRatelimit'];
  if (rl === true) icmpRatelimit = DEFAULT_ICMP_RATELIMIT_MS;
  else if (rl === false) icmpRatelimit = 0;
  else if (typeof rl === 'number') {
    if (!Number.isInteger(rl) || rl < 0 || rl > 3_600_000) fail(`${path}.icmpRatelimit`, `${rl}; must be true, false or whole milliseconds from 0 to 3600000`);
    icmpRatelimit = rl;
  } else if (rl !== undefined) fail(`${path}.icmpRatelimit`, `${JSON.stringify(rl)}; must be true, false or milliseconds`);

  let routes: LabRouteSpec[] | null = null;
  if (o['routes'] !== undefined) {
    routes = expectArray(o['routes'], `${path}.routes`, fail).map((r, i) => parseRoute(r, `${path}.routes[${i}]`, fail));
  }

  let multipathHash: MultipathHash | null = null;
  const hash = o['multipathHash'];
  if (hash !== undefined) {
    if (typeof hash !== 'string' || !Object.hasOwn(MULTIPATH_HASH, hash)) fail(`${path}.multipathHash`, `${describe(hash)}; must be "l3" or "l4"`);
    multipathHash = hash as MultipathHash;
  }

  const description = optionalString(o['description'], `${path}.description`, fail);
  return { name, role: role as NodeRole, description, silent, rewriteTos, rewriteTcp, ignoreEcho, icmpRatelimit, routes, multipathHash };
}

function parseRoute(raw: unknown, path: string, fail: Fail): LabRouteSpec {
  const o = expectObject(raw, path, fail);
  allowOnly(o, path, ['to', 'via'], fail);
  const toText = expectString(o['to'], `${path}.to`, fail);
  const given = o['via'];
  const many = Array.isArray(given);
  const texts = many ? given : [expectString(given, `${path}.via`, fail)];
  if (texts.length === 0) fail(`${path}.via`, 'an empty list; give one gateway, or several for a multipath route');
  const vias = texts.map((t, i) => {
    const at = many ? `${path}.via[${i}]` : `${path}.via`;
    const text = expectString(t, at, fail);
    const a = parseAddress(text);
    if (a === null) fail(at, `"${text}" is not an IPv4 or IPv6 address`);
    return { text, address: a! };
  });
  const family = vias[0]!.address.family;
  if (vias.some((v) => v.address.family !== family)) fail(`${path}.via`, 'gateways of different address families');
  if (new Set(vias.map((v) => v.address.value)).size !== vias.length) fail(`${path}.via`, 'the same gateway twice');
  let to: Cidr | null;
  if (toText === 'default') to = parseCidr(family === 4 ? '0.0.0.0/0' : '::/0');
  else to = parseCidr(toText);
  if (to === null) fail(`${path}.to`, `"${toText}" is not a subnet like 203.0.113.0/24, nor "default"`);
  if (to!.family !== family) fail(path, `"to" and "via" are different address families`);
  return { to: formatCidr(network(to!)), via: vias.map((v) => v.text) };
}

function parseLink(raw: unknown, path: string, nodes: LabNodeSpec[], ipv6: boolean, fail: Fail): LabLinkSpec {
  const o = expectObject(raw, path, fail);
  allowOnly(o, path, ['between', 'description', 'mtu', 'loss', 'duplicate', 'delay', 'addresses'], fail);
  const between = expectArray(o['between'], `${path}.between`, fail);
  if (between.length !== 2) fail(`${path}.between`, `names ${between.length} nodes; a link joins exactly 2`);
  const ends = between.map((n, i) => {
    const name = expectString(n, `${path}.between[${i}]`, fail);
    if (!nodes.some((node) => node.name === name)) fail(`${path}.between[${i}]`, `no node named "${name}" in "nodes"`);
    return name;
  }) as [string, string];
  if (ends[0] === ends[1]) fail(`${path}.between`, `joins "${ends[0]}" to itself`);

  let mtu: number | null = null;
  if (o['mtu'] !== undefined) {
    mtu = expectNumber(o['mtu'], `${path}.mtu`, fail);
    const min = ipv6 ? 1280 : 68;
    if (!Number.isInteger(mtu) || mtu < min || mtu > 65535) {
      fail(`${path}.mtu`, `${mtu}; must be a whole number from ${min}${ipv6 ? ' (IPv6 minimum, RFC 8200)' : ''} to 65535`);
    }
  }
  const lossPercent = percent(o['loss'], `${path}.loss`, fail);
  const duplicatePercent = percent(o['duplicate'], `${path}.duplicate`, fail);
  let delayMs: number | null = null;
  if (o['delay'] !== undefined) {
    delayMs = expectNumber(o['delay'], `${path}.delay`, fail);
    if (!(delayMs >= 0 && delayMs <= 60000) || Math.round(delayMs * 1000) !== delayMs * 1000) {
      fail(`${path}.delay`, `${delayMs}; must be milliseconds from 0 to 60000 (at most 3 decimals)`);
    }
  }

  const addresses = o['addresses'] === undefined ? null : parseLinkAddresses(o['addresses'], `${path}.addresses`, ends, fail);
  if (addresses !== null && mtu !== null && mtu < 1280 && addresses.a.some((c) => c.includes(':'))) {
    fail(`${path}.mtu`, `${mtu}; a link with IPv6 addresses needs at least 1280 (RFC 8200)`);
  }

  return {
    a: ends[0],
    b: ends[1],
    description: optionalString(o['description'], `${path}.description`, fail),
    mtu,
    lossPercent,
    duplicatePercent,
    delayMs,
    addresses,
  };
}

/** A link's `addresses`: one address per family at each end, both ends in the same subnet. */
function parseLinkAddresses(raw: unknown, p: string, ends: [string, string], fail: Fail): NonNullable<LabLinkSpec['addresses']> {
  const a = expectObject(raw, p, fail);
  allowOnly(a, p, ends, fail);
  const perEnd = ends.map((node) => {
    const value = a[node];
    if (value === undefined) fail(p, `gives no address for "${node}"; give both ends or neither`);
    const list = typeof value === 'string' ? [value] : expectArray(value, `${p}.${node}`, fail);
    const cidrs = list.map((text, i) => {
      const at = typeof value === 'string' ? `${p}.${node}` : `${p}.${node}[${i}]`;
      const s = expectString(text, at, fail);
      const c = parseCidr(s);
      if (c === null) fail(at, `"${s}" is not an address with a prefix length, like 198.51.100.1/30`);
      const problem = hostAddressProblem(c!);
      if (problem !== null) fail(at, `${s} ${problem}`);
      return c!;
    });
    for (const family of [4, 6] as const) {
      if (cidrs.filter((c) => c.family === family).length > 1) fail(`${p}.${node}`, `more than one IPv${family} address; give at most one per family`);
    }
    if (cidrs.length === 0) fail(`${p}.${node}`, 'no address');
    return cidrs;
  });
  const [ca, cb] = perEnd as [Cidr[], Cidr[]];
  for (const family of [4, 6] as const) {
    const x = ca.find((c) => c.family === family);
    const y = cb.find((c) => c.family === family);
    if ((x === undefined) !== (y === undefined)) fail(p, `only one end has an IPv${family} address; give both or neither`);
    if (x !== undefined && y !== undefined) {
      if (x.prefix !== y.prefix || !overlaps(x, y)) fail(p, `${formatCidr(x)} and ${formatCidr(y)} are not in the same subnet`);
      if (x.value === y.value) fail(p, `both ends have ${formatCidr(x)}`);
    }
  }
  return { a: ca.map(formatCidr), b: cb.map(formatCidr) };
}

/** Two links must not claim overlapping subnets: routing could not tell them apart. */
function checkAddresses(spec: LabSpec, fail: Fail): void {
  const seen: { subnet: Cidr; path: string }[] = [];
  for (const [i, link] of spec.links.entries()) {
    if (link.addresses === null) continue;
    for (const text of link.addresses.a) {
      const subnet = network(parseCidr(text)!);
      const clash = seen.find((s) => overlaps(s.subnet, subnet));
      if (clash !== undefined) fail(`links[${i}].addresses`, `${formatCidr(subnet)} overlaps ${formatCidr(clash.subnet)} of ${clash.path}`);
      seen.push({ subnet, path: `links[${i}]` });
    }
  }
}

// ---- Small typed readers; each fails with the field path ---------------------------------------

type Fail = (path: string, reason: string) => never;

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  return typeof v === 'object' ? 'an object' : JSON.stringify(v);
}

function expectObject(v: unknown, path: string, fail: Fail): Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) {
    return fail(path, v === undefined ? 'missing; must be an object' : `${describe(v)}; must be an object`);
  }
  return v as Record<string, unknown>;
}

function expectArray(v: unknown, path: string, fail: Fail): unknown[] {
  if (!Array.isArray(v)) return fail(path, v === undefined ? 'missing; must be an array' : `${describe(v)}; must be an array`);
  return v;
}

function expectString(v: unknown, path: string, fail: Fail): string {
  if (typeof v !== 'string') return fail(path, v === undefined ? 'missing; must be a string' : `${describe(v)}; must be a string`);
  return v;
}

function expectNumber(v: unknown, path: string, fail: Fail): number {
  if (typeof v !== 'number' || !Number.isFinite(v)) return fail(path, `${describe(v)}; must be a number`);
  return v;
}

function optionalString(v: unknown, path: string, fail: Fail): string | null {
  return v === undefined ? null : expectString(v, path, fail);
}

function optionalBoolean(v: unknown, path: string, fail: Fail): boolean | null {
  if (v === undefined) return null;
  if (typeof v !== 'boolean') return fail(path, `${describe(v)}; must be true or false`);
  return v;
}

function percent(v: unknown, path: string, fail: Fail): number {
  if (v === undefined) return 0;
  const n = expectNumber(v, path, fail);
  // nftables draws from `numgen random mod 10000`, so two decimals is the finest step we keep.
  if (!(n >= 0 && n <= 100) || Math.round(n * 100) !== n * 100) fail(path, `${n}; must be a percentage from 0 to 100 (at most 2 decimals)`);
  return n;
}

function codepoint(v: unknown, path: string, names: Record<string, number>, max: number, fail: Fail): number {
  if (typeof v === 'string') {
    const n = names[v.toLowerCase()];
    if (n === undefined) fail(path, `"${v}" is not one of ${Object.keys(names).join(', ')}`);
    return n!;
  }
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > max) {
    return fail(path, `${describe(v)}; must be a whole number from 0 to ${max} or a name (${Object.keys(names).join(', ')})`);
  }
  return v;
}

function allowOnly(o: Record<string, unknown>, path: string, keys: readonly string[], fail: Fail): void {
  for (const k of Object.keys(o)) {
    if (!keys.includes(k)) fail(path === '' ? k : `${path}.${k}`, `unknown field; expected one of ${keys.join(', ')}`);
  }
}

function nameRule(name: string, what: string): string {
  const first = what === 'node' ? 'a letter' : 'a letter or digit';
  return `"${name}" is not a valid ${what} name: 1 to 32 letters, digits, "-" or "_", starting with ${first}`;
}
