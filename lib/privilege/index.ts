// Giving CAP_NET_RAW to rawprobe for one group of users (`rawprobe setup-privileges`).
export { setupPrivileges, undoPrivileges, PrivilegeSetupError, CAPABILITY_TEXT, PRIVATE_NODE_MODE } from './setup.js';
export type { SetupOptions, SetupResult, UndoResult } from './setup.js';
export { lookupGroup, parseGroupLine } from './group.js';
export type { GroupEntry } from './group.js';
