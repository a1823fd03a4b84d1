// The benchmark harness: runs our tool and the tools people use instead, alternating run by run,
// and turns the samples into rows (what, ours, theirs, ratio, units, runs, spread).
//
// Alternation: every round runs each contender once, always in the same order (A B C A B C ...).
// Between two runs of one tool every other tool runs exactly once, so any pair of them alternates
// strictly (A C A C), and a slow drift of the machine (page cache, thermal, another process) falls
// on both sides alike instead of on whichever ran last.
//
// A contender that cannot run (our command is not written yet, a Debian tool is missing) is not
// scheduled; its rows say why. One that fails mid-way stops being scheduled; its rows say how.

import { BETTER, outcome, ratio, spread, verdict, type Better, type Outcome, type Spread } from './stats.js';

export const SIDE = { ours: 'ours', theirs: 'theirs' } as const;
export type Side = (typeof SIDE)[keyof typeof SIDE];

export const ROW_STATUS = {
  /** Both sides ran: the row has a ratio and a verdict. */
  measured: 'measured',
  /** Our command does not exist yet; the other side may still have run. */
  pending: 'pending',
  /** Not run on purpose (--quick, a tool not installable). */
  skipped: 'skipped',
  /** A side was run and failed or gave a wrong answer. */
  failed: 'failed',
} as const;
export type RowStatus = (typeof ROW_STATUS)[keyof typeof ROW_STATUS];

/** Fewest runs a compared figure may rest on. */
export const MIN_RUNS = 3;

/** One figure a run produces, e.g. replies per second. */
export interface Metric {
  key: string;
  /** The row's description: "flood through the 3-router lab: replies received". */
  what: string;
  units: string;
  better: Better;
  /** Verdict words when not faster/slower ("smaller"/"larger" for memory). */
  words?: { better: string; worse: string };
}

/** What one run of a contender measured: a value per metric key (null: this tool cannot say). */
export interface RunOutcome {
  values: Record<string, number | null>;
  /** A remark worth keeping (a cross-check with interface counters, a caveat). */
  note?: string;
}

export interface Contender {
  /** Short name shown in the table: "rawprobe ping -f", "iputils ping -f". */
  name: string;
  side: Side;
  /** The command line as a reader would type it, for results.json. */
  command: string;
  /**
   * null when it can run, else why not: "pending: ..." (our command not written yet), "failed: ..."
   * (it cannot start), anything else (usually "skipped: ...") is a deliberate skip.
   */
  unavailable: string | null;
  /** One run. Throwing marks the contender failed for the rest of the comparison. */
  run(): Promise<RunOutcome>;
}

export interface ContenderResult {
  name: string;
  side: Side;
  command: string;
  /** Why it was not run, or why it stopped. */
  unavailable: string | null;
  error: string | null;
  outcomes: RunOutcome[];
}

export interface RoundOptions {
  runs: number;
  /** Unrecorded runs of each contender before the first round (JIT, page cache). Default 0. */
  warmup?: number;
  /** Called before each recorded or warm-up run (progress on stderr). */
  onRun?: (name: string, round: number, warmup: boolean) => void;
}

/**
 * The order of the recorded runs: round by round, each contender once per round in the order given.
 * Exposed so the alternation can be tested without running anything.
 */
export function schedule(names: readonly string[], runs: number): { round: number; name: string }[] {
  if (!Number.isInteger(runs) || runs < 0) throw new RangeError(`runs must be a whole number, got ${String(runs)}`);
  const out: { round: number; name: string }[] = [];
  for (let round = 0; round < runs; round++) for (const name of names) out.push({ round, name });
  return out;
}

function errorText(err: unknown): string {
  const text = err instanceof Error ? err.message : String(err);
  return text.split('\n')[0]!.trim() || 'failed without a message';
}

/** Runs the available contenders round by round (see schedule) and collects what each measured. */
export async function runRounds(contenders: readonly Contender[], options: RoundOptions): Promise<Map<string, ContenderResult>> {
  const results = new Map<string, ContenderResult>();
  for (const c of contenders) {
    if (results.has(c.name)) throw new Error(`two contenders are named "${c.name}"`);
    results.set(c.name, { name: c.name, side: c.side, command: c.command, unavailable: c.unavailable, error: null, outcomes: [] });
  }
  const runnable = contenders.filter((c) => c.unavailable === null);
  const byName = new Map(runnable.map((c) => [c.name, c]));
  const fail = (name: string, err: unknown): void => {
    results.get(name)!.error = errorText(err);
  };
  for (let w = 0; w < (options.warmup ?? 0); w++) {
    for (const c of runnable) {
      if (results.get(c.name)!.error !== null) continue;
      options.onRun?.(c.name, w, true);
      try {
        await c.run();
      } catch (err) {
        fail(c.name, err);
      }
    }
  }
  for (const { round, name } of schedule([...byName.keys()], options.runs)) {
    const r = results.get(name)!;
    if (r.error !== null) continue;
    options.onRun?.(name, round, false);
    try {
      r.outcomes.push(await byName.get(name)!.run());
    } catch (err) {
      fail(name, err);
    }
  }
  return results;
}

/** One line of the results table and one entry of results.json. */
export interface Row {
  /** Stable id: "flood.lab.ping-f.replies". */
  id: string;
  /** The group --only selects: "flood". */
  group: string;
  what: string;
  units: string;
  better: Better;
  oursTool: string;
  theirsTool: string;
  /** Medians of the runs; null when that side did not run. */
  ours: number | null;
  theirs: number | null;
  /** ours / theirs (read with `better`); null unless both ran. */
  ratio: number | null;
  /** Runs behind the figures: the smaller of the two sides' counts when both ran. */
  runs: number;
  spread: { ours: Spread | null; theirs: Spread | null };
  samples: { ours: number[]; theirs: number[] };
  commands: { ours: string | null; theirs: string | null };
  status: RowStatus;
  outcome: Outcome | null;
  /** "3.2x faster", "LOSS: 1.8x slower", "pending: rawprobe ping not built yet". */
  verdict: string;
  notes: string[];
}

export interface RowInit {
  id: string;
  group: string;
  metric: Metric;
  ours: ContenderResult | null;
  theirs: ContenderResult | null;
  /** Extra notes for this row (besides the contenders' own). */
  notes?: string[];
}

function samplesOf(r: ContenderResult | null, key: string): number[] {
  if (r === null) return [];
  const out: number[] = [];
  for (const o of r.outcomes) {
    const v = o.values[key];
    if (typeof v === 'number' && Number.isFinite(v)) out.push(v);
  }
  return out;
}

function notesOf(r: ContenderResult | null): string[] {
  if (r === null) return [];
  const seen = new Set<string>();
  for (const o of r.outcomes) if (o.note !== undefined && o.note !== '') seen.add(`${r.name}: ${o.note}`);
  return [...seen];
}

/** Why a side has no figure, or null when it has one. */
function missing(r: ContenderResult | null, samples: number[], key: string): string | null {
  if (r === null) return 'not measured';
  if (r.unavailable !== null) return r.unavailable;
  if (r.error !== null) return `${r.name} failed: ${r.error}`;
  if (samples.length === 0) return r.outcomes.length === 0 ? `${r.name} did not run` : `${r.name} gives no ${key} figure`;
  if (samples.length < MIN_RUNS) return `${r.name} has ${samples.length} runs, fewer than ${MIN_RUNS}`;
  return null;
}

/** A row from two contenders' results for one metric. */
export function makeRow(init: RowInit): Row {
  const { metric } = init;
  const ours = samplesOf(init.ours, metric.key);
  const theirs = samplesOf(init.theirs, metric.key);
  const oursMissing = missing(init.ours, ours, metric.key);
  const theirsMissing = missing(init.theirs, theirs, metric.key);
  const oursSpread = ours.length > 0 ? spread(ours) : null;
  const theirsSpread = theirs.length > 0 ? spread(theirs) : null;
  const row: Row = {
    id: init.id,
    group: init.group,
    what: metric.what,
    units: metric.units,
    better: metric.better,
    oursTool: init.ours?.name ?? 'rawprobe',
    theirsTool: init.theirs?.name ?? '',
    ours: oursSpread?.median ?? null,
    theirs: theirsSpread?.median ?? null,
    ratio: null,
    runs: Math.min(ours.length || theirs.length, theirs.length || ours.length),
    spread: { ours: oursSpread, theirs: theirsSpread },
    samples: { ours, theirs },
    commands: { ours: init.ours?.command ?? null, theirs: init.theirs?.command ?? null },
    status: ROW_STATUS.measured,
    outcome: null,
    verdict: '',
    notes: [...notesOf(init.ours), ...notesOf(init.theirs), ...(init.notes ?? [])],
  };
  if (oursMissing === null && theirsMissing === null) {
    row.ratio = ratio(oursSpread!.median, theirsSpread!.median);
    row.outcome = outcome(oursSpread!.median, theirsSpread!.median, metric.better);
    row.verdict = verdict(oursSpread!.median, theirsSpread!.median, metric.better, metric.words);
    return row;
  }
  // The other tool's failure fails the row; our command not existing yet makes it "pending".
  row.status = statusFor(init.ours, oursMissing, init.theirs, theirsMissing);
  row.verdict = [...new Set([oursMissing, theirsMissing].filter((x): x is string => x !== null))].join('; ');
  return row;
}

function statusFor(ours: ContenderResult | null, oursMissing: string | null, theirs: ContenderResult | null, theirsMissing: string | null): RowStatus {
  const kind = (r: ContenderResult | null, why: string | null): RowStatus | null => {
    if (why === null) return null;
    if (r !== null && r.unavailable !== null) {
      if (r.unavailable.startsWith('pending')) return ROW_STATUS.pending;
      return r.unavailable.startsWith('failed') ? ROW_STATUS.failed : ROW_STATUS.skipped;
    }
    return ROW_STATUS.failed;
  };
  const o = kind(ours, oursMissing);
  const t = kind(theirs, theirsMissing);
  if (o === ROW_STATUS.failed || t === ROW_STATUS.failed) return ROW_STATUS.failed;
  if (o === ROW_STATUS.pending) return ROW_STATUS.pending;
  return o ?? t ?? ROW_STATUS.measured;
}

/** A row for something not run at all (a group skipped by --quick, a lab that would not come up). */
export function skippedRow(id: string, group: string, metric: Metric, oursTool: string, theirsTool: string, why: string, status: RowStatus = ROW_STATUS.skipped): Row {
  return {
    id,
    group,
    what: metric.what,
    units: metric.units,
    better: metric.better,
    oursTool,
    theirsTool,
    ours: null,
    theirs: null,
    ratio: null,
    runs: 0,
    spread: { ours: null, theirs: null },
    samples: { ours: [], theirs: [] },
    commands: { ours: null, theirs: null },
    status,
    outcome: null,
    verdict: why,
    notes: [],
  };
}

/** Rows for every (ours, theirs) pair and every metric, from one set of alternated rounds. */
export function rowsFor(
  group: string,
  idPrefix: string,
  results: Map<string, ContenderResult>,
  pairs: readonly { ours: string; theirs: string; id: string; metrics?: readonly string[] }[],
  metrics: readonly Metric[],
): Row[] {
  const rows: Row[] = [];
  for (const pair of pairs) {
    for (const metric of metrics) {
      if (pair.metrics !== undefined && !pair.metrics.includes(metric.key)) continue;
      rows.push(
        makeRow({
          id: `${idPrefix}.${pair.id}.${metric.key}`,
          group,
          metric,
          ours: results.get(pair.ours) ?? null,
          theirs: results.get(pair.theirs) ?? null,
        }),
      );
    }
  }
  return rows;
}

/** The runs a comparison gets: never fewer than MIN_RUNS. */
export function runsFor(requested: number | null, quick: boolean, full: number): number {
  const n = requested ?? (quick ? MIN_RUNS : full);
  return Math.max(MIN_RUNS, n);
}

export { BETTER };
