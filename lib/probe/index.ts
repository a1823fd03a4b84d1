// lib/probe: the shared probe engine and the commands built on it. `import * as probe from
// './probe/index.js'` (the package root exports it as `probe`):
//
//   engine/     the engine (loop), its pacer, outbox and ledger, the table of remembered probes,
//               statistics, the session every command runs in, capture, sockets
//   protocols/  what probes are made of: ICMP echo, and trace's UDP, TCP SYN and ICMP probes
//               (classic, and keeping their flow: flow-*.ts)
//   ping/ trace/ tos/ sweep/   one folder per command: options, events, handler, session
//
// The send side of `rawprobe send` (lib/craft) runs on the same engine.
export * from './ping/index.js';
export * from './trace/index.js';
export * from './tos/index.js';
export * from './sweep/index.js';
export { ProbeEngine, NEXT, OUTCOME, type Next, type Outcome, type ProbeHandler, type ProbeSocket, type EngineClock, type EngineOptions, type PacketTap } from './engine/engine.js';
export { Pacer, type PacerOptions } from './engine/pacer.js';
export { ProbeSession, openSessionCapture, openWithCapture, realClock, settleTimestamps, type SessionParts, type SessionSetup, type SessionSocket, type RunOptions } from './engine/session.js';
export { MATCH, MATCH_FLAG, newMatch, type Match, type MatchKind, type ProbeProtocol, type ProbeSlot } from './engine/protocol.js';
export { PROBE_STATE, SEND_CLOCK, ProbeTable, type ProbeState, type SendClock } from './engine/table.js';
export { useKernelTimestamps, timestampsOf, type TimestampSource } from './engine/timestamps.js';
export { AnswerTiming, type TimingCounts } from './engine/timing.js';
export { SendKeys } from './engine/send-keys.js';
export { newTargetStats, recordRtt, rttMicros, rttSummary, lossPercent, llsqrt, type TargetStats, type RttSummary } from './engine/stats.js';
export { openCapture, openPcapOut, type Capture } from './engine/capture.js';
export { FragmentingSocket, fragmentMtuFor } from './engine/fragmenting-socket.js';
export { openProbeSocket, answerSlotSize, type ProbeSocketOptions } from './engine/probe-socket.js';
export { IcmpEchoProtocol, MAX_ECHO_DATA, ECHO_HEADER_BYTES, echoData, type IcmpEchoOptions } from './protocols/icmp-echo.js';
export { PROBE_KINDS, TRACE_KINDS, probeData, type ProbeKind, type TraceProtocol, type ProbeHeaderOptions } from './protocols/trace-protocol.js';
export { IcmpProbe, type IcmpProbeOptions } from './protocols/trace-icmp.js';
export { UdpProbe, UDP_BASE_PORT, type UdpProbeOptions } from './protocols/udp.js';
export { TcpSynProbe, type TcpSynOptions } from './protocols/tcp-syn.js';
export { FixedPortUdpProbe, FIXED_UDP_PORT, type FixedUdpOptions } from './protocols/udp-fixed.js';
export { RawIpProbe, DEFAULT_RAW_PROTOCOL, type RawIpOptions } from './protocols/raw-ip.js';
export { FlowUdpProbe, IP_ID_SPAN, type FlowProbeOptions } from './protocols/flow-udp.js';
export { FlowTcpProbe } from './protocols/flow-tcp.js';
export { FlowIcmpProbe, COMPENSATION_BYTES } from './protocols/flow-icmp.js';
export { Flows, ProbePlan } from './protocols/probe-plan.js';
export { PROBE_ERROR, ProbeError, isTransientSendError, type ProbeErrorCode } from './errors.js';
export { resolveTarget, sourceAddressFor, checkSourceAddress, chooseSource, reverseName, isIpv4Address, type ResolvedTarget } from './resolve.js';
