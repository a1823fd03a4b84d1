// trace on the probe engine: `import { openTrace } from './probe/trace/index.js'`, then
// `(await openTrace({ host: '127.0.0.1' })).run({ onHop })`.
export { openTrace, traceProtocol, TraceSession, type TraceSessionParts } from './session.js';
export { checkTraceOptions, configureTrace, TRACE_DEFAULTS, type TraceConfig, type TraceOptions } from './options.js';
export { noAnswer, type TraceStart, type TraceProbe, type TraceHop, type TraceDone, type TraceLaneResult, type TraceHooks } from './events.js';
export { TraceHandler } from './handler.js';
export { refusedProbe, TraceAnswers } from './answer.js';
export { CHANGE_FIELDS, ChangeTracker, compareQuoted, type ChangeField, type HeaderChange, type CompareOptions } from './changes.js';
export { openTraceSocket, type TraceSocket, type TraceSocketOptions } from './socket.js';
export { SocketGroup } from '../engine/socket-group.js';
