// Holds an expected IPv6 decode (fixtures/packets6/*.json) against tshark's dissection of the
// same bytes, field by field, so the expected files are not merely our decoder agreeing with
// itself. The IPv6 twin of fixtures/make/crosscheck.mjs.
//
// How: tshark's layers (-T json) are flattened per top-level layer into field name -> values in
// document order; our decode is turned into the same kind of list (ours(), below: which of our
// keys tshark calls what). For each field name the two sequences are compared in order. A value
// of ours that tshark does not show is counted as "not shown", never as agreement; a value that
// differs is a disagreement, reported with both sides.

import type { Packet6Json } from '../../lib/wire/json6.js';

export type Layers = Record<string, unknown>;
type Kind = 'num' | 'bytes' | 'addr' | 'bool' | 'status' | 'text';
interface Field {
  layer: string;
  name: string;
  value: unknown;
  kind: Kind;
}

export interface CrossCheckResult {
  agree: number;
  notShown: number;
  disagree: string[];
}

// ---- tshark side --------------------------------------------------------------------------------

/** Field name -> values, in document order, for one top-level layer. Containers are walked. */
export function flatten(layer: unknown, out = new Map<string, string[]>()): Map<string, string[]> {
  if (Array.isArray(layer)) {
    for (const x of layer) flatten(x, out);
  } else if (layer !== null && typeof layer === 'object') {
    for (const [k, v] of Object.entries(layer)) {
      if (v !== null && typeof v === 'object') {
        if (Array.isArray(v) && v.every((x) => typeof x === 'string')) for (const s of v) push(out, k, s);
        else flatten(v, out);
      } else {
        push(out, k, String(v));
      }
    }
  }
  return out;
}

function push(m: Map<string, string[]>, k: string, v: string): void {
  const list = m.get(k);
  if (list === undefined) m.set(k, [v]);
  else list.push(v);
}

/** tshark flagged the packet: malformed, cut short, or an expert item of warning severity or worse. */
export function tsharkComplains(layers: Layers): boolean {
  const text = JSON.stringify(layers);
  if (text.includes('"_ws.malformed"') || text.includes('"_ws.short"')) return true;
  const severities = [...text.matchAll(/"_ws\.expert\.severity":"(\d+)"/g)].map((m) => Number(m[1]));
  return severities.some((s) => s >= 0x00600000);
}

// ---- our side -------------------------------------------------------------------------------------

type J = Record<string, unknown>;

class Emitter {
  readonly fields: Field[] = [];
  constructor(private layer: string) {}
  at(layer: string): Emitter {
    const e = new Emitter(layer);
    (e as { fields: Field[] }).fields = this.fields;
    return e;
  }
  put(name: string, value: unknown, kind: Kind = 'num'): void {
    if (value === undefined) return;
    this.fields.push({ layer: this.layer, name, value, kind });
  }
}

function ip(e: Emitter, h: J): void {
  e.put('ipv6.version', h.version);
  e.put('ipv6.tclass', h.trafficClass);
  e.put('ipv6.tclass.dscp', h.dscp);
  e.put('ipv6.tclass.ecn', h.ecn);
  e.put('ipv6.flow', h.flowLabel);
  e.put('ipv6.plen', h.payloadLength);
  e.put('ipv6.nxt', h.nextHeader);
  e.put('ipv6.hlim', h.hopLimit);
  e.put('ipv6.src', h.src, 'addr');
  e.put('ipv6.dst', h.dst, 'addr');
}

function options(e: Emitter, list: J[]): void {
  for (const o of list) {
    e.put('ipv6.opt.type', o.type);
    if (o.kind === 'pad1') continue;
    e.put('ipv6.opt.type.action', (o.type as number) >>> 6);
    e.put('ipv6.opt.type.change', ((o.type as number) >>> 5) & 1);
    e.put('ipv6.opt.length', o.length);
    if (o.kind === 'router-alert') e.put('ipv6.opt.router_alert', o.value);
    if (o.kind === 'jumbo-payload') e.put('ipv6.opt.jumbo', o.jumboLength);
    if (o.kind === 'padn') e.put('ipv6.opt.padn', o.data, 'bytes');
  }
}

function extension(e: Emitter, x: J): void {
  const lengths = (p: string): void => {
    e.put(`${p}.nxt`, x.nextHeader);
    e.put(`${p}.len`, x.headerExtLength);
    e.put(`${p}.len_oct`, x.headerLength);
  };
  switch (x.kind) {
    case 'hop-by-hop':
    case 'destination-options':
      lengths(x.kind === 'hop-by-hop' ? 'ipv6.hopopts' : 'ipv6.dstopts');
      options(e, (x.options as J[] | undefined) ?? []);
      return;
    case 'routing':
      routing(e, x, lengths);
      return;
    case 'fragment':
      e.put('ipv6.fraghdr.nxt', x.nextHeader);
      e.put('ipv6.fraghdr.reserved_octet', x.reserved);
      e.put('ipv6.fraghdr.offset', x.fragmentOffset);
      e.put('ipv6.fraghdr.reserved_bits', x.res);
      e.put('ipv6.fraghdr.more', x.mf, 'bool');
      e.put('ipv6.fraghdr.ident', x.identification);
      return;
    case 'ah':
      e.put('ah.next_header', x.nextHeader);
      e.put('ah.length', x.payloadLength);
      e.put('ah.reserved', x.reserved);
      e.put('ah.spi', x.spi);
      e.put('ah.sequence', x.sequence);
      e.put('ah.icv', x.icv, 'bytes');
      return;
    default: {
      const esp = e.at('esp');
      esp.put('esp.spi', x.spi);
      esp.put('esp.sequence', x.sequence);
    }
  }
}

function routing(e: Emitter, x: J, lengths: (p: string) => void): void {
  lengths('ipv6.routing');
  e.put('ipv6.routing.type', x.routingType);
  e.put('ipv6.routing.segleft', x.segmentsLeft);
  const addresses = (x.addresses as string[] | null) ?? [];
  switch (x.routingType) {
    case 0:
      e.put('ipv6.routing.src.reserved', x.reserved);
      for (const a of addresses) e.put('ipv6.routing.src.addr', a, 'addr');
      return;
    case 2:
      e.put('ipv6.routing.mipv6.reserved', x.reserved);
      for (const a of addresses) e.put('ipv6.routing.mipv6.home_address', a, 'addr');
      return;
    case 3: {
      const rpl = x.rpl as J;
      e.put('ipv6.routing.rpl.cmprI', rpl.cmprI);
      e.put('ipv6.routing.rpl.cmprE', rpl.cmprE);
      e.put('ipv6.routing.rpl.pad', rpl.pad);
      e.put('ipv6.routing.rpl.reserved', x.reserved);
      return;
    }
    case 4: {
      const srh = x.srh as J | null;
      if (srh === null) return;
      e.put('ipv6.routing.srh.last_entry', srh.lastEntry);
      e.put('ipv6.routing.srh.flags', srh.flags);
      e.put('ipv6.routing.srh.tag', srh.tag);
      for (const a of addresses) e.put('ipv6.routing.srh.addr', a, 'addr');
      return;
    }
    default:
  }
}

function upper(e: Emitter, p: { udp?: J | null; tcp?: J | null }, inQuote: boolean): void {
  if (p.udp) {
    e.put('udp.srcport', p.udp.srcPort);
    e.put('udp.dstport', p.udp.dstPort);
    e.put('udp.length', p.udp.length);
    e.put('udp.checksum', p.udp.checksum);
    if (!inQuote) e.put('udp.checksum.status', p.udp.checksumValid, 'status');
  }
  if (p.tcp) {
    e.put('tcp.srcport', p.tcp.srcPort);
    e.put('tcp.dstport', p.tcp.dstPort);
    e.put('tcp.seq_raw', p.tcp.sequence);
    if (inQuote) return;
    e.put('tcp.ack_raw', p.tcp.acknowledgment);
    e.put('tcp.hdr_len', p.tcp.headerLength);
    const f = p.tcp.flags as Record<string, boolean>;
    for (const [ours, theirs] of [['cwr', 'cwr'], ['ece', 'ece'], ['urg', 'urg'], ['ack', 'ack'], ['psh', 'push'], ['rst', 'reset'], ['syn', 'syn'], ['fin', 'fin']]) {
      e.put(`tcp.flags.${theirs}`, f[ours!], 'bool');
    }
    e.put('tcp.window_size_value', p.tcp.window);
    e.put('tcp.checksum', p.tcp.checksum);
    e.put('tcp.checksum.status', p.tcp.checksumValid, 'status');
    e.put('tcp.urgent_pointer', p.tcp.urgentPointer);
  }
}

function quoted(e: Emitter, q: J): void {
  if (q.ip) ip(e, q.ip as J);
  for (const x of (q.extensions as J[] | undefined) ?? []) extension(e, x);
  upper(e, { udp: q.udp as J | null, tcp: q.tcp as J | null }, true);
  const c = q.icmpv6 as J | null;
  if (c) {
    e.put('icmpv6.type', c.type);
    e.put('icmpv6.code', c.code);
    e.put('icmpv6.checksum', c.checksum);
    if (c.type === 128 || c.type === 129) {
      e.put('icmpv6.echo.identifier', c.identifier);
      e.put('icmpv6.echo.sequence_number', c.sequence);
    }
  }
}

function extensionStructure(e: Emitter, s: J | null): void {
  if (s === null) return;
  e.put('icmp.ext.version', s.version);
  e.put('icmp.ext.checksum', s.checksum);
  for (const o of s.objects as J[]) {
    e.put('icmp.ext.length', o.length);
    e.put('icmp.ext.class', o.classNum);
    e.put('icmp.ext.ctype', o.cType);
    for (const m of (o.entries as J[] | undefined) ?? []) {
      e.put('icmp.mpls.label', m.label);
      e.put('icmp.mpls.exp', m.tc);
      e.put('icmp.mpls.s', m.s, 'bool');
      e.put('icmp.mpls.ttl', m.ttl);
    }
  }
}

function ndOptions(e: Emitter, list: J[]): void {
  for (const o of list) {
    e.put('icmpv6.opt.type', o.type);
    e.put('icmpv6.opt.length', o.length);
    switch (o.kind) {
      case 'source-link-layer-address':
      case 'target-link-layer-address':
        e.put('icmpv6.opt.linkaddr', o.address, 'text');
        break;
      case 'prefix-information':
        e.put('icmpv6.opt.prefix.length', o.prefixLength);
        e.put('icmpv6.opt.prefix.flag.l', o.onLink, 'bool');
        e.put('icmpv6.opt.prefix.flag.a', o.autonomous, 'bool');
        e.put('icmpv6.opt.prefix.flag.r', o.routerAddress, 'bool');
        e.put('icmpv6.opt.prefix.valid_lifetime', o.validLifetime);
        e.put('icmpv6.opt.prefix.preferred_lifetime', o.preferredLifetime);
        e.put('icmpv6.opt.prefix', o.prefix, 'addr');
        break;
      case 'mtu':
        e.put('icmpv6.opt.mtu', o.mtu);
        break;
      case 'nonce':
        e.put('icmpv6.opt.nonce', o.nonce, 'bytes');
        break;
      case 'rdnss':
        e.put('icmpv6.opt.rdnss.lifetime', o.lifetime);
        for (const s of o.servers as string[]) e.put('icmpv6.opt.rdnss', s, 'addr');
        break;
      case 'redirected-header':
        if (o.quoted) quoted(e, o.quoted as J);
        break;
      default:
    }
  }
}

function icmpv6(e: Emitter, m: J): void {
  e.put('icmpv6.type', m.type);
  e.put('icmpv6.code', m.code);
  e.put('icmpv6.checksum', m.checksum);
  e.put('icmpv6.checksum.status', m.checksumValid, 'status');
  const flags = m.flags as Record<string, boolean> | undefined;
  switch (m.kind) {
    case 'echo-request':
    case 'echo-reply':
      e.put('icmpv6.echo.identifier', m.identifier);
      e.put('icmpv6.echo.sequence_number', m.sequence);
      if (m.data !== '') e.put('data.data', m.data, 'bytes');
      return;
    case 'destination-unreachable':
    case 'time-exceeded':
      if (m.extensionLength !== 0) e.put('icmpv6.length', m.extensionLength);
      e.put('icmpv6.reserved', m.unused);
      if (m.quoted) quoted(e, m.quoted as J);
      extensionStructure(e, (m.extensionStructure as J | undefined) ?? null);
      return;
    case 'packet-too-big':
      e.put('icmpv6.mtu', m.mtu);
      if (m.quoted) quoted(e, m.quoted as J);
      return;
    case 'parameter-problem':
      e.put('icmpv6.pointer', m.pointer);
      if (m.quoted) quoted(e, m.quoted as J);
      return;
    case 'router-advertisement':
      e.put('icmpv6.nd.ra.cur_hop_limit', m.curHopLimit);
      e.put('icmpv6.nd.ra.flag.m', flags!.managed, 'bool');
      e.put('icmpv6.nd.ra.flag.o', flags!.other, 'bool');
      e.put('icmpv6.nd.ra.flag.h', flags!.homeAgent, 'bool');
      e.put('icmpv6.nd.ra.flag.prf', m.preference);
      e.put('icmpv6.nd.ra.flag.p', flags!.proxy, 'bool');
      e.put('icmpv6.nd.ra.flag.rsv', m.reserved);
      e.put('icmpv6.nd.ra.router_lifetime', m.routerLifetime);
      e.put('icmpv6.nd.ra.reachable_time', m.reachableTime);
      e.put('icmpv6.nd.ra.retrans_timer', m.retransTimer);
      break;
    case 'neighbor-advertisement':
      e.put('icmpv6.nd.na.flag.r', flags!.router, 'bool');
      e.put('icmpv6.nd.na.flag.s', flags!.solicited, 'bool');
      e.put('icmpv6.nd.na.flag.o', flags!.override, 'bool');
      e.put('icmpv6.nd.na.flag.rsv', m.reserved);
      e.put('icmpv6.nd.na.target_address', m.target, 'addr');
      break;
    case 'neighbor-solicitation':
      e.put('icmpv6.reserved', m.reserved);
      e.put('icmpv6.nd.ns.target_address', m.target, 'addr');
      break;
    case 'redirect':
      e.put('icmpv6.reserved', m.reserved);
      e.put('icmpv6.nd.rd.target_address', m.target, 'addr');
      e.put('icmpv6.rd.na.destination_address', m.destination, 'addr');
      break;
    case 'router-solicitation':
      e.put('icmpv6.reserved', m.reserved);
      break;
    default:
      mld(e, m);
      return;
  }
  ndOptions(e, (m.options as J[] | undefined) ?? []);
}

function mld(e: Emitter, m: J): void {
  if (m.kind === 'mld-query') {
    e.put('icmpv6.mld.maximum_response_code', m.maxResponseDelay);
    e.put('icmpv6.mld.multicast_address', m.multicastAddress, 'addr');
    if (m.version !== 2) return;
    e.put('icmpv6.mld.flag.s', m.suppressRouterProcessing, 'bool');
    e.put('icmpv6.mld.flag.qrv', m.qrv);
    e.put('icmpv6.mld.flag.reserved', m.flagsReserved);
    e.put('icmpv6.mld.qqi', m.queryInterval);
    e.put('icmpv6.mld.nb_sources', m.numberOfSources);
    for (const s of m.sources as string[]) e.put('icmpv6.mld.source_address', s, 'addr');
  } else if (m.kind === 'mld-report' || m.kind === 'mld-done') {
    e.put('icmpv6.mld.maximum_response_delay', m.maxResponseDelay);
    e.put('icmpv6.mld.multicast_address', m.multicastAddress, 'addr');
  } else if (m.kind === 'mldv2-report') {
    e.put('icmpv6.mldr.nb_mcast_records', m.numberOfRecords);
    for (const r of m.records as J[]) {
      e.put('icmpv6.mldr.mar.record_type', r.recordType);
      e.put('icmpv6.mldr.mar.aux_data_len', r.auxDataLength);
      e.put('icmpv6.mldr.mar.nb_sources', r.numberOfSources);
      e.put('icmpv6.mldr.mar.multicast_address', r.multicastAddress, 'addr');
      for (const s of r.sources as string[]) e.put('icmpv6.mldr.mar.source_address', s, 'addr');
      if (r.auxData !== '') e.put('icmpv6.mldr.mar.auxiliary_data', r.auxData, 'bytes');
    }
  }
}

/** Our decode (or a DecodeError's partial) as the fields tshark shows, in document order. */
export function ours(p: Partial<Packet6Json> | J): Field[] {
  const root = new Emitter('ipv6');
  const q = p as J;
  if (q.ip) ip(root, q.ip as J);
  for (const x of (q.extensions as J[] | undefined) ?? []) extension(root, x);
  if (q.icmpv6) icmpv6(root.at('icmpv6'), q.icmpv6 as J);
  if (q.udp) upper(root.at('udp'), { udp: q.udp as J }, false);
  if (q.tcp) upper(root.at('tcp'), { tcp: q.tcp as J }, false);
  return root.fields;
}

// ---- comparing -----------------------------------------------------------------------------------

function same(f: Field, theirs: string): boolean {
  const v = f.value;
  switch (f.kind) {
    case 'addr':
    case 'text':
      return String(v).toLowerCase() === theirs.toLowerCase();
    case 'bytes':
      return String(v) === theirs.replaceAll(':', '').toLowerCase();
    case 'bool':
      return v === (theirs === '1' || theirs === 'True' || theirs === 'true');
    case 'status':
      return (v === true ? '1' : v === false ? '0' : '2') === theirs;
    default: {
      const n = /^0x/i.test(theirs) ? Number.parseInt(theirs, 16) : /:/.test(theirs) || theirs === '' ? Number.parseInt(theirs.replaceAll(':', '') || '0', 16) : Number(theirs);
      return n === v;
    }
  }
}

/** Compares our fields with tshark's layers (for one packet). */
export function crossCheck(fields: Field[], layers: Layers): CrossCheckResult {
  const flat = new Map<string, Map<string, string[]>>();
  const used = new Map<string, number>();
  const result: CrossCheckResult = { agree: 0, notShown: 0, disagree: [] };
  for (const f of fields) {
    let m = flat.get(f.layer);
    if (m === undefined) {
      m = flatten(layers[f.layer]);
      flat.set(f.layer, m);
    }
    const key = `${f.layer}/${f.name}`;
    const i = used.get(key) ?? 0;
    used.set(key, i + 1);
    const theirs = m.get(f.name)?.[i];
    if (theirs === undefined) result.notShown += 1;
    else if (same(f, theirs)) result.agree += 1;
    else result.disagree.push(`${f.name}[${i}]: ours ${JSON.stringify(f.value)}, tshark ${JSON.stringify(theirs)}`);
  }
  return result;
}
