// Every row group of `npm run bench`, in the order they run and print. Adding a row means
// writing bench/rows/<name>.ts and listing it here.
import type { BenchGroup } from './context.js';
import { buildParse6Group, buildParseGroup } from './rows/build-parse.js';
import { captureGroup } from './rows/capture.js';
import { checksumGroup } from './rows/checksum.js';
import { floodGroup } from './rows/flood.js';
import { ipv6ParseGroup } from './rows/ipv6-parse.js';
import { ipv6Group } from './rows/ipv6.js';
import { pcapReadGroup } from './rows/pcap-read.js';
import { rttGroup } from './rows/rtt.js';
import { socketGroup } from './rows/socket.js';
import { startupGroup } from './rows/startup.js';
import { sweepGroup } from './rows/sweep.js';
import { traceGroup } from './rows/trace.js';
import { traceReportGroup } from './rows/trace-report.js';
import { traceMiddleboxGroup } from './rows/trace-middlebox.js';

export const BENCH_GROUPS: readonly BenchGroup[] = [
  buildParseGroup,
  buildParse6Group,
  ipv6ParseGroup,
  floodGroup,
  rttGroup,
  traceGroup,
  traceReportGroup,
  traceMiddleboxGroup,
  checksumGroup,
  pcapReadGroup,
  startupGroup,
  sweepGroup,
  ipv6Group,
  socketGroup,
  captureGroup,
];

/**
 * The groups --only names (by id or row number; a number selects every group with it), in run
 * order; all of them for null. Throws on an unknown name, listing the valid ones.
 */
export function selectGroups(only: readonly string[] | null, groups: readonly BenchGroup[] = BENCH_GROUPS): BenchGroup[] {
  if (only === null) return [...groups];
  if (only.length === 0) throw new Error('--only: name at least one group');
  for (const name of only) {
    if (!groups.some((g) => g.id === name || g.number === name)) {
      throw new Error(`--only: no group "${name}"; groups: ${groups.map((g) => `${g.number} ${g.id}`).join(', ')}`);
    }
  }
  return groups.filter((g) => only.includes(g.id) || only.includes(g.number));
}
