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
} from './engine/engine.js';
export { MATCH, MATCH_FLAG, newMatch, type Match, type MatchKind, type ProbeProtocol, type ProbeSlot } from './engine/protocol.js';
export { PROBE_STATE, ProbeTable, type ProbeState } from './engine/table.js';
export { newTargetStats, recordRtt, rttMicros, rttSummary, lossPercent, llsqrt, type TargetStats, type RttSummary } from './engine/stats.js';
export { IcmpEchoProtocol, MAX_ECHO_DATA, echoData, type IcmpEchoOptions } from './protocols/icmp-echo.js';
export { PROBE_ERROR, ProbeError, type ProbeErrorCode } from './errors.js';
export { resolveTarget, sourceAddressFor, reverseName, isIpv4Address, type ResolvedTarget } from './resolve.js';
export { openCapture, type Capture } from './engine/capture.js';
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
} from './ping/session.js';
export {
  openSweep,
  configureSweep,
  batchFor,
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
} from './sweep/session.js';
export { SweepHandler } from './sweep/handler.js';
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
} from './sweep/targets.js';
export { TargetFeed, FEED, type FeedState, type FeedTarget, type TargetFeedOptions } from './sweep/feed.js';
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
} from './trace/session.js';
export { openTos, tosTraceOptions, tosRow, rewritePoint, TosSession, TOS_DEFAULTS, type TosOptions, type TosRow, type TosPath, type TosStart } from './tos/session.js';
export { CHANGE_FIELDS, ChangeTracker, compareQuoted, type ChangeField, type HeaderChange, type CompareOptions } from './trace/changes.js';
export { PROBE_KINDS, type ProbeKind, type TraceProtocol, type ProbeHeaderOptions } from './protocols/trace-protocol.js';
export { IcmpProbe, type IcmpProbeOptions } from './protocols/trace-icmp.js';
export { UdpProbe, UDP_BASE_PORT, type UdpProbeOptions } from './protocols/udp.js';
export { TcpSynProbe, type TcpSynOptions } from './protocols/tcp-syn.js';
export { openTraceSocket, SocketGroup, type TraceSocket, type TraceSocketOptions } from './trace/socket.js';
