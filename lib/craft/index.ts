// lib/craft: building IPv4 and IPv6 packets from a few typed values and sending them as they are,
// through a raw IP_HDRINCL or IPV6_HDRINCL socket on the probe engine (lib/probe/engine), with
// the Linux kernel's own changes (raw(7); none for IPv6) known in advance.
// Import as `import * as craft from './craft/index.js'`.
export {
  buildPacket,
  buildPacket6,
  parseTcpFlags,
  protocolNumber,
  PROTOCOL_NAMES,
  type CraftSpec,
  type CraftSpec6,
  type IcmpSpec,
  type Icmpv6Spec,
  type TcpSpec,
  type UdpSpec,
} from './build.js';
export { parseIpOption } from './ip-option.js';
export { parseFrag, parseIpv6Option, parseRouting, type FragRequest } from './ipv6-extension.js';
export { HDRINCL_RULES, HDRINCL6_RULES, asSent, kernelChanges, type HdrinclRule, type KernelChange, type KernelField } from './hdrincl.js';
export { ReplyMatcher, replyKind, type ReplyKind, type ReplyMatch } from './match.js';
export { CraftedProtocol, classifyAnswer, requestKey, counterFor, familyOf } from './protocol.js';
export { FAMILY4 } from './family4.js';
export { FAMILY6 } from './family6.js';
export type { CraftFamily, Counter } from './family.js';
export { SendHandler, type SendPlan } from './send-handler.js';
export { openSender, PacketSender, sendPackets, type Reply, type SendOptions, type SendStats, type SentEvent } from './send.js';
export { routeSource } from '../socket/route.js';
