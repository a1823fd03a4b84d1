// The words of an IPv6 summary line that IPv4 has no twin for: the extension chain, ICMPv6 with
// Neighbor Discovery and MLD, and the packet an ICMPv6 error quotes. tcpdump is the model
// ("HBH (rtalert: 0x0000) (padn)", "neighbor solicitation, who has 2001:db8::2", "multicast
// listener report v2, 1 group record(s)"); the message names are iputils ping's where it has
// them ("Destination unreachable: Port unreachable", "Packet too big: mtu=1280"), IANA's
// registry names elsewhere ("Router Advertisement"), as describeIcmpv6 and icmpv6TypeName say.

import {
  describeIcmpv6,
  icmpv6CodeName,
  icmpv6TypeName,
  type Icmpv6Message,
  type Ipv6Extension,
  type Ipv6Option,
  type NdOption,
  type QuotedDatagram6,
} from '../../lib/wire/index.js';
import { hex16 } from './hex.js';

function hex32(v: number): string {
  return `0x${v.toString(16).padStart(8, '0')}`;
}

export function describeOption6(o: Ipv6Option): string {
  switch (o.kind) {
    case 'pad1':
      return 'pad1';
    case 'padn':
      return `padn ${o.length}`;
    case 'router-alert':
      return `router-alert ${o.value}`;
    case 'jumbo-payload':
      return `jumbo ${o.jumboLength}`;
    default:
      return `option 0x${o.type.toString(16).padStart(2, '0')} (${o.length} bytes)`;
  }
}

/** One extension header in a few words: "HBH [router-alert 0, padn 0]", "Fragment id 0x... offset 1448 M". */
function describeExtension(e: Ipv6Extension): string {
  switch (e.kind) {
    case 'hop-by-hop':
      return `HBH [${e.options.map(describeOption6).join(', ')}]`;
    case 'destination-options':
      return `DSTOPT [${e.options.map(describeOption6).join(', ')}]`;
    case 'routing': {
      const last = e.addresses?.[e.routingType === 4 ? 0 : e.addresses.length - 1];
      return `Routing type ${e.routingType} segments left ${e.segmentsLeft}${last === undefined ? '' : ` last ${last}`}`;
    }
    case 'fragment':
      return `Fragment id ${hex32(e.identification)} offset ${e.fragmentOffsetBytes}${e.mf ? ' M' : ''}`;
    case 'ah':
      return `AH spi ${hex32(e.spi)} seq ${e.sequence}`;
    default:
      return `ESP spi ${hex32(e.spi)} seq ${e.sequence}`;
  }
}

/** The whole chain, "" for none. */
export function describeExtensions(list: readonly Ipv6Extension[]): string {
  return list.map(describeExtension).join(' ');
}

/** "Destination unreachable: Port unreachable", "Router Advertisement", "Destination Unreachable: Headers too long". */
export function icmpv6Words(type: number, code: number, detail: { mtu?: number | null; pointer?: number | null } = {}): string {
  const iputils = describeIcmpv6(type, code, detail);
  // iputils knows the errors, echo and MLDv1; it says "unknown" or "Unknown code" for the rest.
  if (!/^unknown icmp type|Unknown code|: code \d+$|code \d+ at/.test(iputils)) return iputils;
  const codeName = icmpv6CodeName(type, code);
  return codeName === null ? icmpv6TypeName(type) : `${icmpv6TypeName(type)}: ${codeName}`;
}

export function describeNdOption(o: NdOption): string {
  switch (o.kind) {
    case 'source-link-layer-address':
      return `source link-address ${o.address}`;
    case 'target-link-layer-address':
      return `target link-address ${o.address}`;
    case 'prefix-information':
      return `prefix ${o.prefix}/${o.prefixLength}${o.onLink ? ' L' : ''}${o.autonomous ? ' A' : ''}`;
    case 'mtu':
      return `mtu ${o.mtu}`;
    case 'redirected-header':
      return 'redirected header';
    case 'nonce':
      return `nonce ${o.nonce.toString('hex')}`;
    case 'rdnss':
      return `rdnss ${o.servers.join(' ')}`;
    default:
      return `option ${o.type}`;
  }
}

function ndOptions(options: readonly NdOption[]): string {
  return options.length === 0 ? '' : ` [${options.map(describeNdOption).join(', ')}]`;
}

/** What follows the type words of an ND or MLD message, tcpdump-like: "who has 2001:db8::2 [...]". */
function ndMldDetail(m: Icmpv6Message): string {
  switch (m.kind) {
    case 'router-solicitation':
      return ndOptions(m.options);
    case 'router-advertisement':
      return ` hop limit ${m.curHopLimit}, lifetime ${m.routerLifetime}s${m.flags.managed ? ', managed' : ''}${m.flags.other ? ', other' : ''}${ndOptions(m.options)}`;
    case 'neighbor-solicitation':
      return ` who has ${m.target}${ndOptions(m.options)}`;
    case 'neighbor-advertisement': {
      const flags = (['router', 'solicited', 'override'] as const).filter((f) => m.flags[f]);
      return ` tgt is ${m.target}${flags.length > 0 ? `, flags [${flags.join(', ')}]` : ''}${ndOptions(m.options)}`;
    }
    case 'redirect':
      return ` ${m.destination} to ${m.target}${ndOptions(m.options)}`;
    case 'mld-query':
      return ` v${m.version} ${m.multicastAddress === '::' ? 'general' : `for ${m.multicastAddress}`}, max resp delay ${m.maxResponseDelay} ms${m.sources !== null && m.sources.length > 0 ? `, ${m.sources.length} sources` : ''}`;
    case 'mld-report':
    case 'mld-done':
      return ` ${m.multicastAddress}`;
    case 'mldv2-report':
      return ` ${m.numberOfRecords} record${m.numberOfRecords === 1 ? '' : 's'} [${m.records.map((r) => `${r.multicastAddress} type ${r.recordType}${r.sources.length > 0 ? ` ${r.sources.length} sources` : ''}`).join(', ')}]`;
    default:
      return '';
  }
}

/** "ICMPv6 Echo request (128/0) id 0x1234 seq 1", "ICMPv6 Time exceeded: Hop limit (3/0) quoting [...]". */
export function describeIcmpv6Message(m: Icmpv6Message): string {
  const detail = m.kind === 'packet-too-big' ? { mtu: m.mtu } : m.kind === 'parameter-problem' ? { pointer: m.pointer } : {};
  let s = `ICMPv6 ${icmpv6Words(m.type, m.code, detail)} (${m.type}/${m.code})`;
  if (m.kind === 'echo-request' || m.kind === 'echo-reply') s += ` id ${hex16(m.identifier)} seq ${m.sequence}`;
  s += ndMldDetail(m);
  if ('quoted' in m) s += ` quoting ${describeQuoted6(m.quoted)}`;
  return s;
}

/** "[2001:db8::1 > 2001:db8::2 UDP 40000 > 33434, hlim 1]". */
export function describeQuoted6(q: QuotedDatagram6): string {
  const chain = describeExtensions(q.extensions);
  let s = `[${q.ip.src} > ${q.ip.dst}${chain === '' ? '' : ` ${chain}`}`;
  if (q.udp) s += ` UDP ${q.udp.srcPort} > ${q.udp.dstPort}`;
  else if (q.tcp) s += ` TCP ${q.tcp.srcPort} > ${q.tcp.dstPort}`;
  else if (q.icmpv6) s += ` ICMPv6 ${q.icmpv6.type}/${q.icmpv6.code} id ${hex16(q.icmpv6.identifier)} seq ${q.icmpv6.sequence}`;
  else if (q.upperLayer !== null) s += ` next header ${q.upperLayer}`;
  return `${s}, hlim ${q.ip.hopLimit}]`;
}

/** The RFC 4884 note of an ICMPv6 error whose length overruns what is there, or null (see extensionLengthNote). */
export function extensionLengthNote6(m: Icmpv6Message | null): string | null {
  if (m === null || !('extensionLengthValid' in m) || m.extensionLengthValid) return null;
  const q = m.quoted;
  const present = q.ip.headerLength + q.extensions.reduce((n, e) => n + e.headerLength, 0) + q.payload.length;
  return `RFC 4884 length ${m.extensionLength} words (${m.extensionLength * 8} bytes) overruns the ${present} bytes there: read as no extensions`;
}
