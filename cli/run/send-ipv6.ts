// The IPv6 packet `rawprobe send -6` crafts from its options: the IPv6 header (--hop-limit,
// --tclass, --flow-label, --next-header, --payload-length), its extension headers (--hbh-option,
// --routing, --frag, --dst-option, in the order RFC 8200 section 4.1 gives them), and ICMPv6
// (echo by default, the errors, ND) or the UDP and TCP options send-craft.ts reads for both
// versions. Built by lib/craft (buildPacket6); errors are CliError (exit 2), naming the option.
import {
  buildPacket6,
  parseFrag,
  parseIpv6Option,
  parseRouting,
  type CraftSpec6,
  type FragRequest,
  type Icmpv6Spec,
  type KernelField,
} from '../../lib/craft/index.js';
import { routeMtu } from '../../lib/socket/route.js';
import { encodePacket6, ICMPV6_TYPE, ipv6OrNull, parseTos, type Ipv6ExtensionInit } from '../../lib/wire/index.js';
import { CliError, EXIT_ERROR } from '../errors.js';
import { wholeIn } from '../numbers.js';
import type { SendArgs } from '../options/send.js';
import {
  checkTransportOptions,
  firstGiven,
  IPV4_ONLY,
  numberOf,
  payloadOf,
  PROTOCOL,
  protocolOf,
  sourceFor,
  tcpFields,
  udpFields,
  userError,
  type Built,
} from './send-craft.js';

const ICMPV6 = 58;

/** ICMPv6 types by the names --type takes. */
const TYPE_NAMES: Record<string, number> = {
  'echo-request': ICMPV6_TYPE.ECHO_REQUEST,
  'echo-reply': ICMPV6_TYPE.ECHO_REPLY,
  'destination-unreachable': ICMPV6_TYPE.DESTINATION_UNREACHABLE,
  'packet-too-big': ICMPV6_TYPE.PACKET_TOO_BIG,
  'time-exceeded': ICMPV6_TYPE.TIME_EXCEEDED,
  'parameter-problem': ICMPV6_TYPE.PARAMETER_PROBLEM,
  rs: ICMPV6_TYPE.ROUTER_SOLICITATION,
  ra: ICMPV6_TYPE.ROUTER_ADVERTISEMENT,
  ns: ICMPV6_TYPE.NEIGHBOR_SOLICITATION,
  na: ICMPV6_TYPE.NEIGHBOR_ADVERTISEMENT,
};

function address6(text: string, option: string): string {
  if (ipv6OrNull(text) === null) throw new CliError(`--${option} ${text}: not an IPv6 address (e.g. 2001:db8::1); rawprobe send takes addresses, not names`, EXIT_ERROR);
  return text;
}

/** --type for ICMPv6: a number or one of TYPE_NAMES. */
function icmpv6Type(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const named = TYPE_NAMES[text.trim().toLowerCase()];
  return named ?? wholeIn('--type', 'ICMPv6 type', text, 0, 255);
}

function ndFlags(text: string | undefined): Icmpv6Spec['flags'] {
  if (text === undefined) return undefined;
  const flags: NonNullable<Icmpv6Spec['flags']> = {};
  for (const name of text.split(',').map((s) => s.trim().toLowerCase()).filter((s) => s !== '')) {
    if (name !== 'router' && name !== 'solicited' && name !== 'override') throw new CliError(`--nd-flags ${text}: "${name}" is not router, solicited or override`, EXIT_ERROR);
    flags[name] = true;
  }
  return flags;
}

function icmpv6Fields(a: SendArgs): Icmpv6Spec {
  const spec: Icmpv6Spec = {
    type: icmpv6Type(a.type),
    code: numberOf(a, 'code', 255),
    identifier: numberOf(a, 'icmp-id', 0xffff),
    sequence: numberOf(a, 'seq', 0xffff),
    checksum: numberOf(a, 'icmp-checksum', 0xffff),
    mtu: numberOf(a, 'mtu', 0xffffffff),
    pointer: numberOf(a, 'pointer', 0xffffffff),
    flags: ndFlags(a['nd-flags']),
    ...(a['nd-target'] !== undefined ? { target: address6(a['nd-target'], 'nd-target') } : {}),
    ...(a['link-address'] !== undefined ? { linkLayer: a['link-address'] } : {}),
  };
  for (const k of Object.keys(spec) as (keyof Icmpv6Spec)[]) if (spec[k] === undefined) delete spec[k];
  return spec;
}

/** --frag, read once: what it asks for, or null. */
export function fragOf(a: SendArgs): FragRequest | null {
  return a.frag === undefined ? null : userError(() => parseFrag(a.frag!), 'frag');
}

/** The extension headers the options give, in RFC 8200's order. */
function extensionsOf(a: SendArgs): Ipv6ExtensionInit[] {
  const list: Ipv6ExtensionInit[] = [];
  const hbh = a['hbh-option'];
  if (hbh !== undefined && hbh.length > 0) list.push({ kind: 'hop-by-hop', options: hbh.map((t) => userError(() => parseIpv6Option(String(t), 'hbh-option'), 'hbh-option')) });
  if (a.routing !== undefined) list.push(userError(() => parseRouting(a.routing!), 'routing'));
  const frag = fragOf(a);
  if (frag?.kind === 'header') list.push(frag.header);
  const dst = a['dst-option'];
  if (dst !== undefined && dst.length > 0) list.push({ kind: 'destination-options', options: dst.map((t) => userError(() => parseIpv6Option(String(t), 'dst-option'), 'dst-option')) });
  return list;
}

/** The whole CraftSpec6 from the options; --src defaults to the route's source for --dst. */
export function craftSpec6(a: SendArgs): CraftSpec6 {
  if (a.dst === undefined) throw new CliError('send: give --dst ADDR (or --from-json / --from-hex); see rawprobe send --help', EXIT_ERROR);
  const ipv4Only = firstGiven(a, IPV4_ONLY);
  if (ipv4Only !== null) throw new CliError(`send: --${ipv4Only} is for IPv4 packets; IPv6 has --hop-limit, --tclass, --flow-label, --frag`, EXIT_ERROR);
  const dst = address6(a.dst, 'dst');
  const src = a.src !== undefined ? address6(a.src, 'src') : sourceFor(dst);
  // --proto icmp means ICMPv6 here; 58 by number too.
  const protocol = a.proto === undefined || a.proto.trim().toLowerCase() === 'icmpv6' ? ICMPV6 : protocolOf(a.proto) === PROTOCOL.icmp ? ICMPV6 : protocolOf(a.proto);
  checkTransportOptions(a, protocol, ICMPV6);
  const ndOnly = firstGiven(a, ['nd-target', 'mtu', 'pointer', 'nd-flags', 'link-address']);
  if (protocol !== ICMPV6 && ndOnly !== null) throw new CliError(`send: --${ndOnly} is an ICMPv6 option: it needs --proto icmp (the default)`, EXIT_ERROR);
  const payload = payloadOf(a);
  const spec: CraftSpec6 = {
    src,
    dst,
    nextHeader: numberOf(a, 'next-header', 255),
    hopLimit: numberOf(a, 'hop-limit', 255),
    trafficClass: a.tclass === undefined ? undefined : userError(() => parseTos(a.tclass!), 'tclass'),
    flowLabel: numberOf(a, 'flow-label', 0xfffff),
    payloadLength: numberOf(a, 'payload-length', 0xffff),
    extensions: extensionsOf(a),
    ...(payload !== undefined ? { payload } : {}),
  };
  if (protocol === ICMPV6) spec.icmpv6 = icmpv6Fields(a);
  else if (protocol === PROTOCOL.udp) spec.udp = udpFields(a);
  else if (protocol === PROTOCOL.tcp) spec.tcp = tcpFields(a);
  else spec.nextHeader ??= protocol;
  for (const k of Object.keys(spec) as (keyof CraftSpec6)[]) if (spec[k] === undefined) delete spec[k];
  return spec;
}

/** The IPv6 packet the options describe. The kernel changes none of its fields. */
export function fromFlags6(a: SendArgs): Built {
  const spec = craftSpec6(a);
  return { bytes: userError(() => encodePacket6(buildPacket6(spec)), 'send'), userSet: new Set<KernelField>(), timeMs: null };
}

/**
 * The MTU to cut packets for: --frag auto, the route's to the first packet's destination (when
 * a packet is larger); --frag mtu=N, N; else null (the kernel refuses what does not fit).
 */
export function fragmentMtuOf(frag: FragRequest | null, destination: string): number | null {
  if (frag === null || frag.kind === 'header') return null;
  const mtu = frag.kind === 'mtu' ? frag.mtu : routeMtu(destination);
  if (mtu === null) throw new CliError(`--frag auto: no route to ${destination} to take the MTU from`, EXIT_ERROR);
  const least = destination.includes(':') ? 1280 : 68;
  if (mtu < least) throw new CliError(`--frag mtu=${mtu}: below the ${destination.includes(':') ? 'IPv6' : 'IPv4'} minimum of ${least}`, EXIT_ERROR);
  return mtu;
}
