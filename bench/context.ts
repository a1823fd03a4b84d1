// What every row group gets from bench/run.ts, and the shape of a group.
import type { Row } from './harness.js';
import type { BenchLabs } from './lab.js';
import type { ToolReport } from './tools.js';

export interface BenchContext {
  /** --quick: shorter runs, fewer packets, the slowest comparisons skipped (the row says so). */
  quick: boolean;
  /** --runs N, or null for each group's default (never below MIN_RUNS). */
  runs: number | null;
  labs: BenchLabs;
  tools: ToolReport;
  /** A progress line on stderr (stdout carries the table only). */
  log(line: string): void;
}

export interface BenchGroup {
  /** What --only names: "build-parse". */
  id: string;
  /** The issue's row number, also accepted by --only: "1". */
  number: string;
  title: string;
  run(ctx: BenchContext): Promise<Row[]>;
}

/** A group as bench/groups.ts lists it: its --only names, its title, and what it measures. */
export function benchGroup(id: string, number: string, title: string, run: (ctx: BenchContext) => Promise<Row[]>): BenchGroup {
  return { id, number, title, run };
}

/** Progress for runRounds: "  flood: ping -f (iputils) run 2". */
export function progress(ctx: BenchContext, group: string): (name: string, round: number, warmup: boolean) => void {
  return (name, round, warmup) => ctx.log(`  ${group}: ${name} ${warmup ? 'warm-up' : `run ${round + 1}`}`);
}
