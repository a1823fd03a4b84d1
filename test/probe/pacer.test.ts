// The engine's pacing on its own (lib/probe/engine/pacer.ts), with a number for a clock: the
// interval's schedule (fixed at the start, restarted after a stall, never a burst), the rate's
// bucket (a tenth of a second of catch-up, at least a batch), the window and its stall rule,
// the back-off after a full socket buffer, and nextAt() agreeing with room() about when the
// next probe may go. No engine, no socket, no timers.
import test from 'ava';
import { BACKOFF_MS, Pacer, RATE_CATCH_UP_S } from '../../lib/probe/engine/pacer.js';

const MS = 1e6; // ns
const T0 = 5_000 * MS;

/** Sends whatever the pacer allows at `now`, one probe at a time; returns how many went. */
function sendAll(p: Pacer, now: number, outstanding = 0, most = 1_000_000): number {
  let sent = 0;
  while (sent < most && p.room(now, outstanding + sent) > 0) {
    p.spend(now);
    sent++;
  }
  return sent;
}

test('interval: one probe at the start, then one per interval on a schedule fixed at the start', (t) => {
  const p = new Pacer({ intervalMs: 100, window: Infinity, maxBatch: 64 });
  t.true(p.paced);
  p.start(T0);
  t.is(sendAll(p, T0), 1, 'the first goes at once');
  t.is(p.room(T0 + 50 * MS, 0), 0);
  t.is(p.nextAt(T0 + 50 * MS, 0), T0 + 100 * MS);
  // Sent 3 ms late: the next one is still due at 200 ms, not 203 (no drift).
  t.is(sendAll(p, T0 + 103 * MS), 1);
  t.is(p.nextAt(T0 + 103 * MS, 0), T0 + 200 * MS);
  t.is(sendAll(p, T0 + 200 * MS), 1);
});

test('interval: after a stall longer than an interval, one probe, and the schedule restarts from then (no burst)', (t) => {
  const p = new Pacer({ intervalMs: 100, window: Infinity, maxBatch: 64 });
  p.start(T0);
  sendAll(p, T0);
  t.is(sendAll(p, T0 + 450 * MS), 1, 'four intervals late: still one probe');
  t.is(p.room(T0 + 460 * MS, 0), 0);
  t.is(p.nextAt(T0 + 460 * MS, 0), T0 + 550 * MS, 'the next one an interval after the late one');
});

test('preload: that many at once at the start (ping -l), then the interval', (t) => {
  const p = new Pacer({ intervalMs: 1000, window: Infinity, preload: 3, maxBatch: 64 });
  p.start(T0);
  t.is(sendAll(p, T0), 3);
  t.is(sendAll(p, T0 + 999 * MS), 0);
  t.is(sendAll(p, T0 + 1000 * MS), 1);
});

test('rate: probes per second on average, the first at once, whole probes only', (t) => {
  const p = new Pacer({ rate: 1000, window: Infinity, maxBatch: 4 });
  p.start(T0);
  t.is(sendAll(p, T0), 1);
  t.is(sendAll(p, T0 + 0.5 * MS), 0, 'half a token');
  t.is(p.nextAt(T0 + 0.5 * MS, 0), T0 + 1 * MS);
  let total = 1;
  for (let ms = 1; ms <= 1000; ms++) total += sendAll(p, T0 + ms * MS);
  t.is(total, 1001, 'one second at 1000/s, plus the first');
});

test('rate: a stall is made up for up to a tenth of a second of probes (at least one batch), not more', (t) => {
  const rate = 10_000;
  const p = new Pacer({ rate, window: Infinity, maxBatch: 64 });
  p.start(T0);
  sendAll(p, T0);
  // Held up for 50 ms: all 500 probes go at once, so the average holds.
  t.is(sendAll(p, T0 + 50 * MS), 500);
  // Held up for a whole second: only RATE_CATCH_UP_S of them.
  t.is(sendAll(p, T0 + 1050 * MS), rate * RATE_CATCH_UP_S);
  // A slow rate still keeps a batch of catch-up.
  const slow = new Pacer({ rate: 10, window: Infinity, maxBatch: 8 });
  slow.start(T0);
  sendAll(slow, T0);
  t.is(sendAll(slow, T0 + 60_000 * MS), 8);
});

test('window: full means nothing goes until an answer makes room; nextAt is Infinity without a stall rule', (t) => {
  const p = new Pacer({ window: 4, maxBatch: 64 });
  t.false(p.paced);
  p.start(T0);
  t.is(sendAll(p, T0, 0), 4);
  t.is(p.room(T0 + 1000 * MS, 4), 0);
  t.is(p.nextAt(T0, 4), Infinity);
  t.is(p.room(T0, 1), 3, 'three answered: three may go');
});

test('window with a stall rule (ping -f): one more after stallMs without a send, then wait again', (t) => {
  const p = new Pacer({ window: 2, stallMs: 10, maxBatch: 64 });
  p.start(T0);
  t.is(sendAll(p, T0), 2);
  t.is(p.room(T0 + 9 * MS, 2), 0);
  t.is(p.nextAt(T0 + 9 * MS, 2), T0 + 10 * MS);
  t.is(p.room(T0 + 10 * MS, 2), 1);
  p.spend(T0 + 10 * MS);
  t.is(p.room(T0 + 15 * MS, 3), 0);
  t.is(p.nextAt(T0 + 15 * MS, 3), T0 + 20 * MS);
});

test('back-off: nothing for a millisecond after a transient error, then the pacing as before', (t) => {
  const p = new Pacer({ window: Infinity, maxBatch: 64 });
  p.start(T0);
  t.is(p.room(T0, 0), Infinity);
  p.backOff(T0);
  t.is(p.room(T0 + 0.5 * MS, 0), 0);
  t.is(p.nextAt(T0 + 0.5 * MS, 0), T0 + BACKOFF_MS * MS);
  t.is(p.room(T0 + BACKOFF_MS * MS, 0), Infinity);
});

test('the rules combine: the smallest room wins (interval and window both in force)', (t) => {
  const p = new Pacer({ intervalMs: 10, window: 1, maxBatch: 64 });
  p.start(T0);
  t.is(sendAll(p, T0), 1);
  t.is(p.room(T0 + 10 * MS, 1), 0, 'the interval allows one, the full window none');
  t.is(p.nextAt(T0 + 10 * MS, 1), Infinity);
  t.is(p.room(T0 + 10 * MS, 0), 1, 'answered: the window has room, the credit is there');
});
