// trace on the probe engine: `import { openTrace } from './probe/trace/index.js'`, then
// `(await openTrace({ host: '127.0.0.1' })).run({ onHop })`. Rounds (mtr's report and live view,
// Dublin traceroute's flows): openTraceRounds; the path MTU (tracepath): openPathMtu.
export { openTrace, traceProtocol, randomBases, TraceSession, type TraceSessionParts, type ProbeBases } from './session.js';
export { checkTraceOptions, configureTrace, TRACE_DEFAULTS, type TraceConfig, type TraceOptions } from './options.js';
export { noAnswer, type TraceStart, type TraceProbe, type TraceHop, type TraceDone, type TraceLaneResult, type TraceHooks } from './events.js';
export { TraceHandler } from './handler.js';
export { refusedProbe, TraceAnswers } from './answer.js';
export { CHANGE_FIELDS, ChangeTracker, compareQuoted, shiftOf, type ChangeField, type HeaderChange, type CompareOptions, type HopPlace, type Middlebox } from './changes.js';
export { openTraceSocket, type TraceSocket, type TraceSocketOptions } from './socket.js';
export { SocketGroup } from '../engine/socket-group.js';
export { chooseFlows, FLOW_MODES, DEFAULT_MULTIPATH_FLOWS, MAX_MULTIPATH_FLOWS, type FlowChoice, type FlowMode } from './flows.js';
export { answerExtensions } from './extensions.js';
export { adaptiveWait, shortenWaits, WAIT_PRECISION_NS, type WaitFactors } from './waits.js';
export { HopStats, type HopFigures } from './hop-stats.js';
export { RoundsReport, type ReportHop, type ReportHost } from './report.js';
export { RoundsHandler, type RoundsPlan, type RoundsHooks, type RoundDone } from './rounds.js';
export { openTraceRounds, TraceRoundsSession, DEFAULT_ROUNDS, type TraceRoundsOptions, type RoundsStart, type RoundsResult } from './rounds-session.js';
export { SizedProtocol } from './sized-protocol.js';
export { PathMtuHandler, MTU_PLATEAUS, plateauBelow, backHops } from './mtu.js';
export { openPathMtu, PathMtuSession, type MtuOptions, type MtuResult } from './mtu-session.js';
export type { MtuHop, MtuDone, MtuHooks } from './mtu-events.js';
