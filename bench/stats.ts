// The statistics every benchmark row is made of: median, min, max and percentiles of a list of
// samples, and how two medians compare. Pure functions, no I/O: test/bench/ checks them.
//
// A row's figure is the median of its runs (never the mean: one run disturbed by another process
// should not move it), and its spread is the min and max of the same runs, so a reader sees at
// once whether two figures overlap.

/** Median, minimum and maximum of a row's samples. */
export interface Spread {
  median: number;
  min: number;
  max: number;
}

/** Which way is good for a figure: packets/s (higher) or seconds and megabytes (lower). */
export const BETTER = { higher: 'higher', lower: 'lower' } as const;
export type Better = (typeof BETTER)[keyof typeof BETTER];

/** How our figure compares with the other tool's. */
export const OUTCOME = { win: 'win', loss: 'loss', tie: 'tie' } as const;
export type Outcome = (typeof OUTCOME)[keyof typeof OUTCOME];

/**
 * Two medians within this fraction of each other are a tie: the runs of one machine wobble by a
 * few percent, and calling a 2% difference a win or a loss would be noise.
 */
export const TIE_FRACTION = 0.05;

function checkSamples(xs: readonly number[], what: string): void {
  if (xs.length === 0) throw new RangeError(`${what} of no samples`);
  for (const x of xs) {
    if (!Number.isFinite(x)) throw new RangeError(`${what}: sample ${String(x)} is not a finite number`);
  }
}

function sorted(xs: readonly number[]): number[] {
  return [...xs].sort((a, b) => a - b);
}

/** The middle sample; the mean of the two middle ones for an even count. */
export function median(xs: readonly number[]): number {
  checkSamples(xs, 'median');
  const s = sorted(xs);
  const m = s.length >> 1;
  return s.length % 2 === 1 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/**
 * The p-th percentile (0 <= p <= 100) by the nearest-rank method: the smallest sample with at
 * least p% of the samples at or below it. It is always one of the samples, as iputils and most
 * latency tools report it (no interpolation between two RTTs nobody measured).
 */
export function percentile(xs: readonly number[], p: number): number {
  checkSamples(xs, 'percentile');
  if (!(p >= 0 && p <= 100)) throw new RangeError(`percentile ${String(p)} is not between 0 and 100`);
  const s = sorted(xs);
  const rank = Math.max(1, Math.ceil((p / 100) * s.length));
  return s[rank - 1]!;
}

export function spread(xs: readonly number[]): Spread {
  checkSamples(xs, 'spread');
  let min = xs[0]!;
  let max = xs[0]!;
  for (const x of xs) {
    if (x < min) min = x;
    if (x > max) max = x;
  }
  return { median: median(xs), min, max };
}

/** ours / theirs: the ratio a row shows. null when it cannot be formed (a zero figure). */
export function ratio(ours: number, theirs: number): number | null {
  if (!Number.isFinite(ours) || !Number.isFinite(theirs) || theirs === 0) return null;
  return ours / theirs;
}

/**
 * How many times better we are (above 1) or worse (below 1), whichever way "better" points:
 * for packets/s it is ours/theirs, for seconds theirs/ours. null when either figure is zero.
 */
export function advantage(ours: number, theirs: number, better: Better): number | null {
  const a = better === BETTER.higher ? ratio(ours, theirs) : ours === 0 ? null : ratio(theirs, ours);
  // A zero on top (no packets at all) is no factor to print: outcome() handles it apart.
  return a === 0 ? null : a;
}

export function outcome(ours: number, theirs: number, better: Better): Outcome {
  const a = advantage(ours, theirs, better);
  if (a === null) {
    // A zero on one side: the side with the zero wins for "lower", loses for "higher".
    if (ours === theirs) return OUTCOME.tie;
    const oursBigger = ours > theirs;
    return oursBigger === (better === BETTER.higher) ? OUTCOME.win : OUTCOME.loss;
  }
  if (Math.abs(a - 1) < TIE_FRACTION) return OUTCOME.tie;
  return a > 1 ? OUTCOME.win : OUTCOME.loss;
}

/**
 * The words a row ends with: "3.2x faster", "LOSS: 1.8x slower", "tie (within 5%)". `faster` and
 * `slower` can be other words ("smaller"/"larger" for memory). A loss always starts with "LOSS"
 * so it cannot be missed in a table.
 */
export function verdict(ours: number, theirs: number, better: Better, words: { better: string; worse: string } = { better: 'faster', worse: 'slower' }): string {
  const o = outcome(ours, theirs, better);
  const a = advantage(ours, theirs, better);
  if (o === OUTCOME.tie) return `tie (within ${Math.round(TIE_FRACTION * 100)}%)`;
  if (a === null) return o === OUTCOME.win ? `ours ${words.better}` : `LOSS: ours ${words.worse}`;
  if (o === OUTCOME.win) return `${formatFactor(a)}x ${words.better}`;
  return `LOSS: ${formatFactor(1 / a)}x ${words.worse}`;
}

/** 1.04 -> "1.04", 3.21 -> "3.2", 41.7 -> "42". */
export function formatFactor(x: number): string {
  if (x < 1.1) return x.toFixed(2);
  if (x < 10) return x.toFixed(1);
  return x.toFixed(0);
}
