// sweep on the probe engine: `import { openSweep } from './probe/sweep/index.js'`, then
// `(await openSweep({ targets: ['127.0.0.0/24'] })).run({ onEvent })`.
export { openSweep, batchFor, SweepSession, SWEEP_MEMORY, type SweepParts } from './session.js';
export { configureSweep, SWEEP_DEFAULTS, type SweepOptions, type SweepConfig } from './options.js';
export {
  unknownEvent,
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
  type SweepProgress,
} from './events.js';
export { SweepHandler } from './handler.js';
export { SweepTotals } from './totals.js';
export { lossOf } from './lanes.js';
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
export { TargetFeed, FEED, type FeedState, type FeedTarget, type TargetFeedOptions } from './feed.js';
