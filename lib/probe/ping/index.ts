// ping on the probe engine: `import { openPing } from './probe/ping/index.js'`, then
// `(await openPing({ host: '127.0.0.1', count: 3 })).run({ onEvent })`.
export { openPing, PingSession, type PingSessionParts } from './session.js';
export { checkPingOptions, defaultIdentifier, FLOOD_WINDOW, PING_DEFAULTS, type PingConfig, type PingOptions } from './options.js';
export { BROADCAST_QUESTION, configurePing } from './configure.js';
export { MAX_PRESPECIFIED, RECORD_ROUTE_SLOTS, TIMESTAMP_KINDS, type PingIpOption, type TimestampKind } from './ip-options.js';
export {
  startOf,
  summarize,
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
} from './events.js';
export { PingHandler } from './handler.js';
