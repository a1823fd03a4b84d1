// tos on the trace machinery: `import { openTos } from './probe/tos/index.js'`.
export { openTos, tosTraceOptions, TosSession, TOS_DEFAULTS, type TosOptions, type TosStart } from './session.js';
export { tosRow, rewritePoint, type TosRow, type TosPath } from './rows.js';
