// rawprobe's packet library, IPv4 and IPv6. Each header is a namespace with the same triplet
// (encode / decode / encodingLength), whole packets and JSON live at the top level:
//
//   import { ipv4, icmpv4, decodePacket, encodePacket } from './wire/index.js';
//   const p = decodePacket(bytes);                 // Packet, or throws DecodeError
//   const b = encodePacket({ ip: { src, dst }, icmp: { kind: 'echo-request', identifier: 1, sequence: 1 } });
//   const q = decodeIpPacket(bytes);               // Packet | Packet6, by the version nibble
//   const c = encodePacket6({ ip: { src: '2001:db8::1', dst: '2001:db8::2' },
//                             icmpv6: { kind: 'echo-request', identifier: 1, sequence: 1 } });

export * as bytes from './bytes.js';
export * as checksum from './checksum.js';
export * as ipv4 from './ipv4.js';
export * as ipv4Options from './ipv4-options.js';
export * as icmpv4 from './icmpv4.js';
export * as quoted from './quoted.js';
export * as icmpNames from './icmp-names.js';
export * as udp from './udp.js';
export * as tcp from './tcp.js';
export * as tcpOptions from './tcp-options.js';
export * as quoteDiff from './quote-diff.js';
export * as dscp from './dscp.js';
export * as peek from './peek.js';
export * as json from './json.js';

export { DecodeError, EncodeError, ParseError, WireError } from './errors.js';
export {
  decodePacket,
  encodePacket,
  encodePacketInto,
  lengthFromCapture,
  packetEncodingLength,
  type Packet,
  type PacketInit,
  type PacketDecodeOptions,
  type PacketEncodeOptions,
} from './packet.js';
export { packetToJson, packetInitFromJson, jsonify, type PacketJson, type FromJsonOptions } from './json.js';
export { describeIcmp, traceMark } from './icmp-names.js';
export { DSCP, parseTos, dscpName } from './dscp.js';
export { parseIpv4, formatIpv4, parseHex, formatHex } from './bytes.js';
export { fragmentIpv4, MIN_IPV4_MTU } from './fragment.js';
export { ICMP_TYPE, UNREACHABLE_CODE, TIME_EXCEEDED_CODE, REDIRECT_CODE, PARAMETER_PROBLEM_CODE } from './icmpv4.js';
export type { Ipv4Header, Ipv4HeaderInit } from './ipv4.js';
export type { Ipv4Option, Ipv4OptionInit } from './ipv4-options.js';
export type { IcmpMessage, IcmpMessageInit, QuotedDatagram, IcmpKind } from './icmpv4.js';
export type { UdpHeader, UdpHeaderInit } from './udp.js';
export type { TcpHeader, TcpHeaderInit } from './tcp.js';

// ---- IPv6 --------------------------------------------------------------------------------------

export * as ipv6 from './ipv6.js';
export * as ipv6Address from './ipv6-address.js';
export * as ipv6Ext from './ipv6-ext.js';
export * as ipv6Options from './ipv6-options.js';
export * as ipv6Routing from './ipv6-routing.js';
export * as ipv6Chain from './ipv6-chain.js';
export * as ipv6Checksum from './ipv6-checksum.js';
export * as icmpv6 from './icmpv6.js';
export * as icmpv6Names from './icmpv6-names.js';
export * as icmpExtensions from './icmp-extensions.js';
export * as ndp from './ndp.js';
export * as ndpOptions from './ndp-options.js';
export * as mld from './mld.js';
export * as json6 from './json6.js';

export {
  decodePacket6,
  encodePacket6,
  encodePacket6Into,
  packet6EncodingLength,
  type Packet6,
  type Packet6Init,
  type Packet6DecodeOptions,
  type Packet6EncodeOptions,
} from './packet6.js';
export { packet6ToJson, packet6InitFromJson, type Packet6Json } from './json6.js';
export { fragmentIpv6, reassembleIpv6, MIN_IPV6_MTU } from './fragment6.js';
export { parseIpv6, parseIpv6WithZone, formatIpv6, ipv6OrNull } from './ipv6-address.js';
export { describeIcmpv6, traceMark6, icmpv6TypeName, icmpv6CodeName } from './icmpv6-names.js';
export { ICMPV6_TYPE, UNREACHABLE_CODE as UNREACHABLE_CODE_V6, TIME_EXCEEDED_CODE as TIME_EXCEEDED_CODE_V6, PARAMETER_PROBLEM_CODE as PARAMETER_PROBLEM_CODE_V6 } from './icmpv6-codes.js';
export { NEXT_HEADER } from './ipv6.js';
export { MAX_EXTENSION_HEADERS } from './ipv6-chain.js';
export type { Ipv6Header, Ipv6HeaderInit } from './ipv6.js';
export type { Ipv6Extension, Ipv6ExtensionInit } from './ipv6-ext.js';
export type { Ipv6Option, Ipv6OptionInit } from './ipv6-options.js';
export type { Icmpv6Message, Icmpv6MessageInit, Icmpv6Kind } from './icmpv6.js';
export type { QuotedDatagram6, QuotedDatagram6Init } from './icmpv6-quoted.js';
export type { NdOption, NdOptionInit } from './ndp-options.js';

// ---- either version --------------------------------------------------------------------------

export {
  decodeIpPacket,
  encodeIpPacket,
  initVersion,
  ipPacketInitFromJson,
  ipPacketToJson,
  ipVersionAt,
  isPacket6,
  type IpPacket,
  type IpPacketInit,
  type IpPacketJson,
} from './ip-packet.js';
