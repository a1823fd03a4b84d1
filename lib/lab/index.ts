// Network labs in namespaces: load a lab file, bring it up, run things in its nodes, take it down.
// See fixtures/labs/README.md for the file format.
export { loadLabFile, parseLabSpec, addressPolicyProblem, NAME_PATTERN, NODE_ROLE, DSCP, ECN, DEFAULT_ICMP_RATELIMIT_MS, MULTIPATH_HASH } from './spec.js';
export type { TcpRewrite, TcpRewriteInit } from './tcp-rewrite.js';
export type { LabFile, LabNodeInit, LabLinkInit, LabRouteInit, LabSpec, LabNodeSpec, LabLinkSpec, LabRouteSpec, NodeRole, TosRewrite, ParseOptions, MultipathHash } from './spec.js';
export { labUp, labDown, openLab, listLabs, labSweep, labPrivilegeProblem, Lab } from './lab.js';
export type { LabUpOptions, LabDownResult, AddressOptions } from './lab.js';
export { labShow } from './show.js';
export type { LabStatus, LabNodeStatus, LabInterfaceStatus } from './show.js';
export { planLab, namespaceName, namespacePrefix, DEFAULT_MTU } from './plan.js';
export type { LabPlan, PlanNode, PlanInterface, PlanLink, PlanLinkEnd, PlanRoute, PlanNexthop } from './plan.js';
export { tracePath, tracePaths } from './route.js';
export type { LabHop, LabPath, LabNextHop } from './route.js';
export { createBatch, configureBatch, routeNexthops, nodeSysctls, nodeRuleset, delayCommands, icmpRatelimitSysctls, describeImpairments, NFT_TABLE } from './commands.js';
export { LabError, LabSpecError, LabCommandError, LabInterruptedError, LAB_STEP } from './errors.js';
export { execForeground, FORWARDED_SIGNALS, EXIT_NOT_FOUND, EXIT_NOT_EXECUTABLE } from './foreground.js';
export type { ForegroundOptions } from './foreground.js';
export type { LabStep } from './errors.js';
export { SAFE_RANGES, AUTO_RANGES } from './address.js';
export type { Family } from './address.js';
export { STATE_DIR } from './state.js';
export { findTool } from './system.js';
export type { RunResult, RunOptions } from './system.js';
