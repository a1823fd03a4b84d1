// The CLI's exit codes (documented in README): 0 success, 1 "the network said no" (no reply, bad
// checksum found, target unreachable), 2 bad usage, bad input or a system error. A module of
// their own so that cli/code-cache.ts, which every start loads, reads them without cli/errors.ts.
export const EXIT_OK = 0;
export const EXIT_NEGATIVE = 1;
export const EXIT_ERROR = 2;
