// lib/netcat: netcat-like sessions on the classic socket API (lib/socket/classic): listen or
// connect on any family and type, send what an input gives, write or echo what arrives, and
// report every system call as it returns. `rawprobe socket` is its command line.
export { AddressError, parseTarget, type Target, type TargetHints } from './address.js';
export { messagesInput, streamInput, type Input, type InputSource } from './input.js';
export {
  NetcatSession,
  type NetcatEvent,
  type NetcatOptions,
  type NetcatOutcome,
  type NetcatResult,
  type OptionSetting,
  type Output,
  type Role,
} from './session.js';
