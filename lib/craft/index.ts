// lib/craft: building IPv4 packets from a few typed values and sending them as they are, through
// a raw IP_HDRINCL socket on the probe engine (lib/probe/engine), with the Linux kernel's own
// changes (raw(7)) known in advance.
// Import as `import * as craft from './craft/index.js'`.
export {
  buildPacket,
  parseTcpFlags,
  protocolNumber,
  PROTOCOL_NAMES,
  type CraftSpec,
  type IcmpSpec,
  type TcpSpec,
  type UdpSpec,
} from './build.js';
export { parseIpOption } from './ip-option.js';
export { HDRINCL_RULES, asSent, kernelChanges, type HdrinclRule, type KernelChange, type KernelField } from './hdrincl.js';
export { ReplyMatcher, replyKind, type ReplyKind, type ReplyMatch } from './match.js';
export { CraftedProtocol, classifyAnswer, requestKey, counterFor } from './protocol.js';
export { SendHandler, type SendPlan } from './send-handler.js';
export { openSender, PacketSender, sendPackets, type Reply, type SendOptions, type SendStats, type SentEvent } from './send.js';
export { routeSource } from '../socket/route.js';
