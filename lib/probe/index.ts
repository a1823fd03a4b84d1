// lib/probe: the shared probe engine and the probes built on it (ping now; trace, tos and
// sweep plug into the same engine). `import * as probe from './probe/index.js'`.
export {
  ProbeEngine,
  NEXT,
  OUTCOME,
  type Next,
  type Outcome,
  type ProbeHandler,
  type ProbeSocket,
  type EngineClock,
  type EngineOptions,
  type PacketTap,
} from './engine.js';
export { MATCH, MATCH_FLAG, newMatch, type Match, type MatchKind, type ProbeProtocol, type ProbeSlot } from './protocol.js';
export { PROBE_STATE, ProbeTable, type ProbeState } from './table.js';
export { newTargetStats, recordRtt, rttMicros, rttSummary, lossPercent, llsqrt, type TargetStats, type RttSummary } from './stats.js';
export { IcmpEchoProtocol, MAX_ECHO_DATA, echoData, type IcmpEchoOptions } from './icmp-echo.js';
export { PROBE_ERROR, ProbeError, type ProbeErrorCode } from './errors.js';
export { resolveTarget, sourceAddressFor, reverseName, isIpv4Address, type ResolvedTarget } from './resolve.js';
export { openCapture, type Capture } from './capture.js';
export {
  openPing,
  configurePing,
  checkPingOptions,
  defaultIdentifier,
  summarize,
  PingSession,
  FLOOD_WINDOW,
  type PingOptions,
  type PingConfig,
  type PingStart,
  type PingEvent,
  type PingReply,
  type PingIcmpError,
  type PingTimeout,
  type PingNoAnswer,
  type PingSendError,
  type PingProgress,
  type PingHooks,
  type PingSummary,
  type RttFigures,
  type PingSessionParts,
  type PingSocket,
} from './ping.js';
export {
  openSweep,
  configureSweep,
  batchFor,
  socketDrops,
  SweepSession,
  SWEEP_DEFAULTS,
  SWEEP_MEMORY,
  type SweepOptions,
  type SweepConfig,
  type SweepParts,
  type SweepHooks,
  type SweepEvent,
  type SweepResult,
  type SweepReply,
  type SweepTimeout,
  type SweepDuplicate,
  type SweepIcmp,
  type SweepUnknown,
  type SweepSendError,
  type SweepSummary,
} from './sweep.js';
export { SweepHandler } from './sweep-handler.js';
export {
  parseTarget,
  parseTargetLine,
  parseTargetArguments,
  readTargetFile,
  checkTargetFile,
  targetCount,
  TargetListError,
  TARGET_KIND,
  type TargetKind,
  type TargetSpec,
  type TargetOrigin,
} from './targets.js';
export { TargetFeed, FEED, type FeedState, type FeedTarget, type TargetFeedOptions } from './targets-feed.js';
export {
  openTrace,
  openTraceCapture,
  configureTrace,
  checkTraceOptions,
  traceProtocol,
  noAnswer,
  TraceSession,
  TRACE_DEFAULTS,
  type TraceOptions,
  type TraceConfig,
  type TraceStart,
  type TraceProbe,
  type TraceHop,
  type TraceDone,
  type TraceLaneResult,
  type TraceHooks,
  type TraceSessionParts,
} from './trace.js';
export { openTos, tosTraceOptions, tosRow, rewritePoint, TosSession, TOS_DEFAULTS, type TosOptions, type TosRow, type TosPath, type TosStart } from './tos.js';
export { CHANGE_FIELDS, ChangeTracker, compareQuoted, quotedHeaderOffset, type ChangeField, type HeaderChange, type CompareOptions } from './changes.js';
export { PROBE_KINDS, type ProbeKind, type TraceProtocol, type DatagramRef, type ProbeHeaderOptions } from './trace-protocol.js';
export { IcmpProbe, type IcmpProbeOptions } from './trace-icmp.js';
export { UdpProbe, UDP_BASE_PORT, type UdpProbeOptions } from './udp-probe.js';
export { TcpSynProbe, type TcpSynOptions } from './tcp-syn.js';
export { openTraceSocket, SocketGroup, type TraceSocket, type TraceSocketOptions } from './trace-socket.js';
