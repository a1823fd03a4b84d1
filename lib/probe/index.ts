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
  type PingSessionParts,
  type PingSocket,
} from './ping.js';
