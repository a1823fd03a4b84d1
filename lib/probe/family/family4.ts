// The probing commands' IPv4 table (family.ts): probes go out through a raw ICMP socket with
// IP_HDRINCL (the whole datagram is ours, whatever its protocol field says) and its answers come
// back on it, IPv4 header first; a trace -T hears its SYN-ACKs on a raw TCP socket beside it.
// Answers are read in place by protocols/answer.ts; a quote is found by lib/wire/quoted.ts.
import { formatIpv4, u16 } from '../../wire/bytes.js';
import { describeIcmp, traceMark } from '../../wire/icmp-names.js';
import { ERROR_TYPES, HEADER_LENGTH as ICMP_HEADER_LENGTH, ICMP_TYPE, isFragmentationNeeded, UNREACHABLE_CODE } from '../../wire/icmpv4-codes.js';
import { FIELD as IP, MIN_HEADER_LENGTH, PROTOCOL } from '../../wire/ipv4.js';
import { encodePacket } from '../../wire/packet.js';
import { quotedTransportAt } from '../../wire/quoted.js';
import { echoReplyFilterV4 } from '../../socket/bpf.js';
import { openProbeSocket, withTcpListener } from '../engine/probe-socket.js';
import { answerHeaderLength, fillAnswer, icmpErrorAt, quotedAnswer, quotedProtocolFilter } from '../protocols/answer.js';
import { ProbeTemplate, templateIp } from '../protocols/template.js';
import { upperLayerOf, type ProbeFamily } from './family.js';

export const FAMILY4: ProbeFamily = {
  version: 4,
  ipHeaderBytes: MIN_HEADER_LENGTH,
  icmpProtocol: PROTOCOL.ICMP,
  echoRequest: ICMP_TYPE.ECHO_REQUEST,
  echoReply: ICMP_TYPE.ECHO_REPLY,
  errorTypes: ERROR_TYPES,
  destinationUnreachable: ICMP_TYPE.DESTINATION_UNREACHABLE,
  portUnreachable: [ICMP_TYPE.DESTINATION_UNREACHABLE, UNREACHABLE_CODE.PORT],

  template: (h, upper, ipIdBase) => new ProbeTemplate(encodePacket({ ip: templateIp(h), ...upperLayerOf(upper, 'icmp') }), ipIdBase, h.stampAt ?? -1),

  open(b, offset, length, wireLength, m) {
    const hl = answerHeaderLength(b, offset, length);
    if (hl < 0) return -1;
    fillAnswer(b, offset, hl, length, wireLength, m);
    return offset + hl;
  },
  protocolOf: (b, offset) => b[offset + IP.PROTOCOL]!,
  quoted(b, offset, p, end, protocol) {
    return icmpErrorAt(b, offset, p - offset) < 0 ? -1 : quotedTransportAt(b, p, end, protocol);
  },
  quotedIpId: (b, p) => u16(b, p + ICMP_HEADER_LENGTH + IP.ID),
  error: (b, offset, p, length, wireLength, m) => quotedAnswer(b, offset, p - offset, length, wireLength, m),
  echoFilter: echoReplyFilterV4,
  quotedFilter: quotedProtocolFilter,

  openSockets(protocol, options) {
    return withTcpListener(openProbeSocket(protocol, options), 'inet', protocol, options);
  },

  fromText: (m) => formatIpv4(m.from),
  detailOf(m) {
    return {
      mtu: isFragmentationNeeded(m.type, m.code) ? m.info : null,
      gateway: m.type === ICMP_TYPE.REDIRECT ? formatIpv4(m.info) : null,
      pointer: m.type === ICMP_TYPE.PARAMETER_PROBLEM ? m.info : null,
    };
  },
  describe: (type, code, detail) => describeIcmp(type, code, { nextHopMtu: detail.mtu, gateway: detail.gateway, pointer: detail.pointer }),
  traceMark: (type, code, mtu) => traceMark(type, code, { nextHopMtu: mtu }),
};
