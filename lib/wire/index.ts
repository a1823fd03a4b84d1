// rawprobe's packet library. Each header is a namespace with the same triplet
// (encode / decode / encodingLength), whole packets and JSON live at the top level:
//
//   import { ipv4, icmpv4, decodePacket, encodePacket } from './wire/index.js';
//   const p = decodePacket(bytes);                 // Packet, or throws DecodeError
//   const b = encodePacket({ ip: { src, dst }, icmp: { kind: 'echo-request', identifier: 1, sequence: 1 } });

export * as bytes from './bytes.js';
export * as checksum from './checksum.js';
export * as ipv4 from './ipv4.js';
export * as ipv4Options from './ipv4-options.js';
export * as icmpv4 from './icmpv4.js';
export * as quoted from './quoted.js';
export * as icmpNames from './icmp-names.js';
export * as udp from './udp.js';
export * as tcp from './tcp.js';
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
export * from './index6.js';
