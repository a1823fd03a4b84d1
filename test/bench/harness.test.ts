import test from 'ava';
import { makeRow, MIN_RUNS, rowsFor, runRounds, runsFor, schedule, type Contender, type ContenderResult, type Metric } from '../../bench/harness.js';
import { selectGroups } from '../../bench/groups.js';
import type { BenchGroup } from '../../bench/context.js';

/** A contender that records when it ran and returns the next of its values. */
function fake(name: string, side: 'ours' | 'theirs', values: number[], log: string[], options: { unavailable?: string; failAt?: number } = {}): Contender {
  let i = 0;
  return {
    name,
    side,
    command: name,
    unavailable: options.unavailable ?? null,
    async run() {
      log.push(name);
      if (options.failAt === i) throw new Error(`${name} broke\nsecond line`);
      const v = values[i++ % values.length]!;
      return { values: { rate: v } };
    },
  };
}

const RATE: Metric = { key: 'rate', what: 'rate', units: 'packets/s', better: 'higher' };
const TIME: Metric = { key: 'rate', what: 'time', units: 'ms', better: 'lower' };

test('schedule runs every contender once per round, always in the same order', (t) => {
  t.deepEqual(
    schedule(['ours', 'theirs'], 3).map((s) => s.name),
    ['ours', 'theirs', 'ours', 'theirs', 'ours', 'theirs'],
  );
  t.deepEqual(schedule(['a', 'b', 'c'], 2), [
    { round: 0, name: 'a' },
    { round: 0, name: 'b' },
    { round: 0, name: 'c' },
    { round: 1, name: 'a' },
    { round: 1, name: 'b' },
    { round: 1, name: 'c' },
  ]);
  t.throws(() => schedule(['a'], -1), { instanceOf: RangeError });
});

test('in a schedule any two contenders alternate strictly', (t) => {
  const names = ['a', 'b', 'c', 'd'];
  const order = schedule(names, 5).map((s) => s.name);
  for (const x of names) {
    for (const y of names) {
      if (x === y) continue;
      const pair = order.filter((n) => n === x || n === y);
      for (let i = 1; i < pair.length; i++) t.not(pair[i], pair[i - 1], `${x}/${y} ran twice in a row`);
    }
  }
});

test('runRounds alternates the tools run by run, warm-up first, and keeps each run', async (t) => {
  const log: string[] = [];
  const results = await runRounds([fake('ours', 'ours', [10, 20, 30], log), fake('theirs', 'theirs', [1, 2, 3], log)], { runs: 3, warmup: 1 });
  t.deepEqual(log, ['ours', 'theirs', 'ours', 'theirs', 'ours', 'theirs', 'ours', 'theirs']);
  // The warm-up consumed the first value of each; the recorded runs are the next three.
  t.deepEqual(results.get('ours')!.outcomes.map((o) => o.values['rate']), [20, 30, 10]);
  t.deepEqual(results.get('theirs')!.outcomes.map((o) => o.values['rate']), [2, 3, 1]);
});

test('runRounds never runs an unavailable contender, and stops running a failed one', async (t) => {
  const log: string[] = [];
  const results = await runRounds(
    [
      fake('ours', 'ours', [1], log, { unavailable: 'pending: rawprobe ping not built yet' }),
      fake('a', 'theirs', [1], log, { failAt: 1 }),
      fake('b', 'theirs', [1], log),
    ],
    { runs: 3 },
  );
  t.deepEqual(log, ['a', 'b', 'a', 'b', 'b']);
  t.is(results.get('ours')!.outcomes.length, 0);
  t.is(results.get('a')!.error, 'a broke');
  t.is(results.get('a')!.outcomes.length, 1);
  t.is(results.get('b')!.outcomes.length, 3);
});

test('runRounds refuses two contenders with one name', async (t) => {
  const log: string[] = [];
  await t.throwsAsync(runRounds([fake('x', 'ours', [1], log), fake('x', 'theirs', [1], log)], { runs: 3 }), { message: /two contenders/ });
});

function result(name: string, side: 'ours' | 'theirs', samples: number[], extra: Partial<ContenderResult> = {}): ContenderResult {
  return { name, side, command: `${name} --flag`, unavailable: null, error: null, outcomes: samples.map((v) => ({ values: { rate: v } })), ...extra };
}

test('a measured row has medians, spreads, the ratio of medians and a verdict', (t) => {
  const row = makeRow({ id: 'x.y', group: 'x', metric: RATE, ours: result('ours', 'ours', [90, 100, 300]), theirs: result('theirs', 'theirs', [50, 40, 60]) });
  t.is(row.status, 'measured');
  t.is(row.ours, 100);
  t.is(row.theirs, 50);
  t.is(row.ratio, 2);
  t.is(row.runs, 3);
  t.deepEqual(row.spread, { ours: { median: 100, min: 90, max: 300 }, theirs: { median: 50, min: 40, max: 60 } });
  t.is(row.outcome, 'win');
  t.is(row.verdict, '2.0x faster');
  t.deepEqual(row.commands, { ours: 'ours --flag', theirs: 'theirs --flag' });
});

test('where we lose, the row says so', (t) => {
  const row = makeRow({ id: 'x', group: 'x', metric: TIME, ours: result('ours', 'ours', [170, 160, 180]), theirs: result('ping', 'theirs', [3.5, 3.4, 3.6]) });
  t.is(row.outcome, 'loss');
  t.regex(row.verdict, /^LOSS: 49x slower$/);
});

test('a pending row keeps the other tool\'s figure and says what is missing', (t) => {
  const ours = result('rawprobe ping', 'ours', [], { unavailable: 'pending: rawprobe ping not built yet' });
  const row = makeRow({ id: 'x', group: 'x', metric: RATE, ours, theirs: result('ping', 'theirs', [5, 6, 7]) });
  t.is(row.status, 'pending');
  t.is(row.ours, null);
  t.is(row.theirs, 6);
  t.is(row.ratio, null);
  t.is(row.verdict, 'pending: rawprobe ping not built yet');
});

test('a failed other tool fails the row, even when ours is pending', (t) => {
  const ours = result('rawprobe trace', 'ours', [], { unavailable: 'pending: rawprobe trace not built yet' });
  const theirs = result('mtr', 'theirs', [], { error: 'mtr exited with 1: no route' });
  const row = makeRow({ id: 'x', group: 'x', metric: RATE, ours, theirs });
  t.is(row.status, 'failed');
  t.is(row.verdict, 'pending: rawprobe trace not built yet; mtr failed: mtr exited with 1: no route');
});

test('a skipped tool skips the row; "failed:" unavailability fails it', (t) => {
  const skipped = makeRow({ id: 'x', group: 'x', metric: RATE, ours: result('o', 'ours', [1, 2, 3]), theirs: result('mtr', 'theirs', [], { unavailable: 'skipped in --quick' }) });
  t.is(skipped.status, 'skipped');
  t.is(skipped.ours, 2);
  const broken = makeRow({ id: 'x', group: 'x', metric: RATE, ours: result('o', 'ours', [], { unavailable: 'failed: rawprobe does not start' }), theirs: result('t', 'theirs', [1, 2, 3]) });
  t.is(broken.status, 'failed');
});

test('fewer than 3 runs is not a figure to compare', (t) => {
  const row = makeRow({ id: 'x', group: 'x', metric: RATE, ours: result('o', 'ours', [1, 2]), theirs: result('t', 'theirs', [1, 2, 3]) });
  t.is(row.status, 'failed');
  t.is(row.ratio, null);
  t.regex(row.verdict, /2 runs, fewer than 3/);
});

test('a tool that gives no figure for a metric is named in the row', (t) => {
  const theirs: ContenderResult = { ...result('hping3', 'theirs', []), outcomes: [{ values: { rate: null } }, { values: { rate: null } }, { values: { rate: null } }] };
  const row = makeRow({ id: 'x', group: 'x', metric: RATE, ours: result('o', 'ours', [1, 2, 3]), theirs });
  t.is(row.status, 'failed');
  t.regex(row.verdict, /hping3 gives no rate figure/);
});

test('rowsFor makes one row per pair and metric, with ids, honouring a pair\'s metric list', (t) => {
  const results = new Map<string, ContenderResult>([
    ['o', { ...result('o', 'ours', []), outcomes: [1, 2, 3].map((v) => ({ values: { sent: v, replies: v } })) }],
    ['a', { ...result('a', 'theirs', []), outcomes: [1, 2, 3].map((v) => ({ values: { sent: v * 2, replies: v }, note: 'counters agree' })) }],
    ['b', { ...result('b', 'theirs', []), outcomes: [1, 2, 3].map((v) => ({ values: { sent: v } })) }],
  ]);
  const metrics: Metric[] = [
    { key: 'sent', what: 'sent', units: 'packets/s', better: 'higher' },
    { key: 'replies', what: 'replies', units: 'packets/s', better: 'higher' },
  ];
  const rows = rowsFor('flood', '2.lab', results, [
    { ours: 'o', theirs: 'a', id: 'a' },
    { ours: 'o', theirs: 'b', id: 'b', metrics: ['sent'] },
  ], metrics);
  t.deepEqual(rows.map((r) => r.id), ['2.lab.a.sent', '2.lab.a.replies', '2.lab.b.sent']);
  t.is(rows[0]!.ratio, 0.5);
  t.regex(rows[0]!.verdict, /^LOSS: 2\.0x slower$/);
  t.is(rows[1]!.outcome, 'tie');
  t.deepEqual(rows[0]!.notes, ['a: counters agree']);
});

test('runsFor never goes below 3 runs', (t) => {
  t.is(MIN_RUNS, 3);
  t.is(runsFor(null, true, 5), 3);
  t.is(runsFor(null, false, 5), 5);
  t.is(runsFor(7, true, 5), 7);
  t.is(runsFor(1, false, 5), 3);
});

test('--only selects groups by name or row number, in run order, and names the valid ones', (t) => {
  const g = (id: string, number: string): BenchGroup => ({ id, number, title: id, run: async () => [] });
  const groups = [g('build-parse', '1'), g('flood', '2'), g('checksum', '5'), g('pcap-read', '5')];
  t.deepEqual(selectGroups(null, groups).map((x) => x.id), ['build-parse', 'flood', 'checksum', 'pcap-read']);
  t.deepEqual(selectGroups(['5', 'build-parse'], groups).map((x) => x.id), ['build-parse', 'checksum', 'pcap-read']);
  t.deepEqual(selectGroups(['flood'], groups).map((x) => x.id), ['flood']);
  t.throws(() => selectGroups(['nope'], groups), { message: /no group "nope"; groups: 1 build-parse, 2 flood/ });
  t.throws(() => selectGroups([], groups), { message: /at least one/ });
});
