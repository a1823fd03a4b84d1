import test from 'ava';
import fc from 'fast-check';
import { advantage, formatFactor, median, outcome, percentile, ratio, spread, verdict } from '../../bench/stats.js';

test('median of an odd count is the middle sample, whatever the order', (t) => {
  t.is(median([5, 1, 3]), 3);
  t.is(median([9]), 9);
  t.is(median([2, 100, 7, 7, 1]), 7);
});

test('median of an even count is the mean of the two middle samples', (t) => {
  t.is(median([4, 1, 3, 2]), 2.5);
  t.is(median([10, 20]), 15);
});

test('median does not reorder its input', (t) => {
  const xs = [3, 1, 2];
  median(xs);
  t.deepEqual(xs, [3, 1, 2]);
});

test('median, spread and percentile refuse no samples and non-finite ones', (t) => {
  t.throws(() => median([]), { instanceOf: RangeError, message: /no samples/ });
  t.throws(() => spread([]), { instanceOf: RangeError });
  t.throws(() => median([1, Number.NaN, 2]), { instanceOf: RangeError, message: /NaN/ });
  t.throws(() => percentile([1, Number.POSITIVE_INFINITY], 50), { instanceOf: RangeError });
});

test('spread is the median with the smallest and largest samples', (t) => {
  t.deepEqual(spread([7, 3, 9, 4, 5]), { median: 5, min: 3, max: 9 });
  t.deepEqual(spread([2]), { median: 2, min: 2, max: 2 });
});

test('spread always has min <= median <= max', (t) => {
  const samples = fc.array(fc.double({ noNaN: true, noDefaultInfinity: true, min: -1e9, max: 1e9 }), { minLength: 1, maxLength: 50 });
  const property = fc.property(samples, (xs) => {
    const s = spread(xs);
    return s.min <= s.median && s.median <= s.max && xs.includes(s.min) && xs.includes(s.max);
  });
  t.notThrows(() => fc.assert(property));
});

test('percentile uses nearest rank: always one of the samples', (t) => {
  const xs = Array.from({ length: 200 }, (_, i) => i + 1); // 1..200
  t.is(percentile(xs, 99), 198);
  t.is(percentile(xs, 50), 100);
  t.is(percentile(xs, 100), 200);
  t.is(percentile(xs, 0), 1);
  t.is(percentile([0.05, 0.01, 0.9], 99), 0.9);
  t.throws(() => percentile(xs, 101), { instanceOf: RangeError });
  t.throws(() => percentile(xs, -1), { instanceOf: RangeError });
});

test('ratio is ours / theirs, null when theirs is zero', (t) => {
  t.is(ratio(300, 100), 3);
  t.is(ratio(50, 200), 0.25);
  t.is(ratio(1, 0), null);
});

test('advantage points the same way for rates and for times', (t) => {
  t.is(advantage(300, 100, 'higher'), 3); // three times the packets/s
  t.is(advantage(100, 300, 'lower'), 3); // a third of the seconds
  t.is(advantage(300, 100, 'lower'), 1 / 3);
  t.is(advantage(0, 5, 'lower'), null);
});

test('outcome: win, loss, and a tie within 5%', (t) => {
  t.is(outcome(200, 100, 'higher'), 'win');
  t.is(outcome(100, 200, 'higher'), 'loss');
  t.is(outcome(100, 200, 'lower'), 'win');
  t.is(outcome(200, 100, 'lower'), 'loss');
  t.is(outcome(103, 100, 'higher'), 'tie');
  t.is(outcome(97, 100, 'lower'), 'tie');
  t.is(outcome(110, 100, 'higher'), 'win');
});

test('outcome with a zero figure on one side', (t) => {
  t.is(outcome(0, 5, 'lower'), 'win');
  t.is(outcome(0, 5, 'higher'), 'loss');
  t.is(outcome(5, 0, 'higher'), 'win');
  t.is(outcome(0, 0, 'higher'), 'tie');
});

test('a loss says LOSS and by how much; a win says how many times better', (t) => {
  t.is(verdict(100, 250, 'higher'), 'LOSS: 2.5x slower');
  t.is(verdict(250, 100, 'higher'), '2.5x faster');
  t.is(verdict(170, 3.5, 'lower'), 'LOSS: 49x slower');
  t.is(verdict(57, 39, 'lower', { better: 'smaller', worse: 'larger' }), 'LOSS: 1.5x larger');
  t.is(verdict(101, 100, 'higher'), 'tie (within 5%)');
  t.regex(verdict(0, 5, 'higher'), /^LOSS/);
});

test('every loss verdict starts with LOSS and no win verdict does', (t) => {
  const figure = fc.double({ min: 0.001, max: 1e6, noNaN: true });
  const direction = fc.constantFrom('higher' as const, 'lower' as const);
  const property = fc.property(figure, figure, direction, (a, b, better) => verdict(a, b, better).startsWith('LOSS') === (outcome(a, b, better) === 'loss'));
  t.notThrows(() => fc.assert(property));
});

test('factors are shown with sensible precision', (t) => {
  t.is(formatFactor(1.04), '1.04');
  t.is(formatFactor(3.21), '3.2');
  t.is(formatFactor(41.7), '42');
});

test('a zero figure gives no factor: the verdict says who lost without "Infinityx"', (t) => {
  t.is(advantage(0, 78_000, 'higher'), null);
  t.is(outcome(0, 78_000, 'higher'), 'loss');
  t.is(verdict(0, 78_000, 'higher'), 'LOSS: ours slower');
  t.is(verdict(78_000, 0, 'higher'), 'ours faster');
  t.is(verdict(5, 0, 'lower'), 'LOSS: ours slower');
});
