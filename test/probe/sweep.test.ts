// The sweep on the probe engine with a fake clock and a fake socket standing for a network:
// alive mode (retries, backoff, ICMP errors), count mode (per-probe replies and timeouts,
// xmt/rcv/%loss), answers never credited to another target (late replies after a target is done
// and its lane reused, forged keys), twenty thousand targets in flight answered in shuffled order,
// refused sends, names resolved while the sweep runs, a bad line on stdin, stop(). No kernel.
import test from 'ava';
import { Readable } from 'node:stream';
import { writeFileSync } from 'node:fs';
import { configureSweep, SweepSession, type SweepEvent, type SweepOptions, type SweepResult, type SweepSummary } from '../../lib/probe/sweep/index.js';
import type { CheckedFiles } from '../../lib/probe/sweep/checked.js';
import { checkFiles } from '../../lib/probe/sweep/options.js';
import { decodePacket } from '../../lib/wire/packet.js';
import { formatIpv4, parseIpv4 } from '../../lib/wire/bytes.js';
import { tempFiles } from '../helpers/tmp.js';
import { echoReplyFor, FakeClock, FakeSocket, icmpErrorFor, runOnFakeNetwork, type SentPacket } from './fakes.js';

const ROUTER = '203.0.113.254';
const NS_PER_MS = 1e6;

/** What the fake network does with one echo request: answers to deliver after some ms. */
type Network = (p: SentPacket, index: number) => { afterMs: number; bytes: Buffer }[];

interface Run {
  summary: SweepSummary;
  events: SweepEvent[];
  results: Map<string, SweepResult>;
  socket: FakeSocket;
  clock: FakeClock;
  session: SweepSession;
}

/** Runs a sweep against a fake network, 1 ms of fake time per step, until it ends. */
async function sweep(
  options: SweepOptions,
  network: Network,
  extra: {
    stdin?: NodeJS.ReadableStream;
    checked?: CheckedFiles;
    resultsOnly?: boolean;
    setup?: (socket: FakeSocket) => void;
    during?: (r: { clock: FakeClock; session: SweepSession; events: SweepEvent[] }) => void;
  } = {},
): Promise<Run> {
  const clock = new FakeClock();
  const socket = new FakeSocket(clock);
  extra.setup?.(socket);
  const session = new SweepSession(configureSweep(options), { socket, clock, ...(extra.stdin ? { stdin: extra.stdin } : {}), ...(extra.checked ? { checked: extra.checked } : {}) }, options.resolve);
  const events: SweepEvent[] = [];
  const done = session.run({ onEvent: (e) => events.push(e), resultsOnly: extra.resultsOnly ?? false });
  try {
    await runOnFakeNetwork(clock, socket, network, done, 200_000, () => extra.during?.({ clock, session, events }));
  } catch {
    session.stop();
    throw new Error('the sweep did not end within 200 s of fake time');
  }
  const summary = await done;
  const results = new Map<string, SweepResult>();
  for (const e of events) if (e.type === 'result') results.set(e.host, e);
  return { summary, events, results, socket, clock, session };
}

function destination(p: SentPacket): string {
  return decodePacket(p.bytes).ip.dst;
}

/** A network that numbers the requests to each address: k = 0, 1, 2... */
function perTarget(answer: (to: string, k: number, p: SentPacket) => { afterMs: number; bytes: Buffer }[]): Network {
  const seen = new Map<string, number>();
  return (p) => {
    const to = destination(p);
    const k = seen.get(to) ?? 0;
    seen.set(to, k + 1);
    return answer(to, k, p);
  };
}

function aliveSet(r: Run): string[] {
  return [...r.results.values()].filter((x) => x.alive).map((x) => x.host).sort();
}

function deadSet(r: Run): string[] {
  return [...r.results.values()].filter((x) => !x.alive).map((x) => x.host).sort();
}

test('alive mode: replies, Host Unreachable from a router, silence; retries wait longer each time', async (t) => {
  const reply = new Set(['198.51.100.1', '198.51.100.2', '198.51.100.3']);
  const r = await sweep({ targets: ['198.51.100.0/29'], retries: 2, timeoutMs: 100, backoff: 1.5, rate: null }, (p) => {
    const to = destination(p);
    if (reply.has(to)) return [{ afterMs: 3, bytes: echoReplyFor(p.bytes) }];
    if (to === '198.51.100.4') return [{ afterMs: 2, bytes: icmpErrorFor(p.bytes, ROUTER, 'destination-unreachable', 1) }];
    return [];
  });
  t.deepEqual(aliveSet(r), ['198.51.100.1', '198.51.100.2', '198.51.100.3']);
  t.deepEqual(deadSet(r), ['198.51.100.4', '198.51.100.5', '198.51.100.6']);
  for (const host of reply) {
    const x = r.results.get(host)!;
    t.like(x, { alive: true, sent: 1, received: 1, loss: 0, rttNs: 3 * NS_PER_MS });
  }
  // A silent target: tries at 0, 100 and 100 + 150 ms (the timeout times 1.5 each retry).
  const sends = r.socket.sent.filter((p) => destination(p) === '198.51.100.5').map((p) => (p.at - r.socket.sent[0]!.at) / NS_PER_MS);
  t.deepEqual(sends, [0, 100, 250]);
  t.like(r.results.get('198.51.100.5')!, { alive: false, sent: 3, resolved: 3, received: 0, loss: 100, errors: 0 });
  // The unreachable one: each error ends its try; the next goes when the try's time is up.
  const errorSends = r.socket.sent.filter((p) => destination(p) === '198.51.100.4').map((p) => (p.at - r.socket.sent[0]!.at) / NS_PER_MS);
  t.deepEqual(errorSends, [0, 100, 250]);
  const icmp = r.events.filter((e) => e.type === 'icmp');
  t.is(icmp.length, 3);
  t.like(icmp[0]!, { type: 'icmp', kind: 'error', host: '198.51.100.4', from: ROUTER, icmpType: 3, icmpCode: 1, seq: 0 });
  t.like(r.results.get('198.51.100.4')!, { alive: false, sent: 3, errors: 3 });
  // Timeouts as fping counts them: every try that ended without a reply (errors included).
  t.like(r.summary, { targets: 6, alive: 3, unreachable: 3, unknown: 0, sent: 3 + 3 * 3, replies: 3, otherIcmp: 3, timeouts: 9, duplicates: 0, late: 0, interrupted: false, inputError: null });
  t.is(r.summary.minNs, 3 * NS_PER_MS);
  t.is(r.summary.avgNs, 3 * NS_PER_MS);
});

test('count mode: one probe per period, each reply and loss reported, then xmt/rcv/%loss and min/avg/max', async (t) => {
  const rtts = [2, 6, 4];
  const network = perTarget((to, k, p) => {
    if (to === '198.51.100.1') return [{ afterMs: rtts[k]!, bytes: echoReplyFor(p.bytes) }];
    if (to === '198.51.100.2' && k === 1) return [{ afterMs: 5, bytes: echoReplyFor(p.bytes) }];
    return [];
  });
  const r = await sweep({ targets: ['198.51.100.1', '198.51.100.2'], count: 3, periodMs: 50, timeoutMs: 40, rate: null }, network);
  const first = r.socket.sent[0]!.at;
  t.deepEqual(
    r.socket.sent.filter((p) => destination(p) === '198.51.100.1').map((p) => (p.at - first) / NS_PER_MS),
    [0, 50, 100],
  );
  const one = r.events.filter((e) => e.host === '198.51.100.1' && e.type === 'reply');
  t.deepEqual(
    one.map((e) => (e.type === 'reply' ? [e.seq, e.rttNs / NS_PER_MS, e.avgNs / NS_PER_MS, e.loss, e.bytes] : [])),
    [
      [0, 2, 2, 0, 64],
      [1, 6, 4, 0, 64],
      [2, 4, 4, 0, 64],
    ],
  );
  const two = r.events.filter((e) => e.host === '198.51.100.2' && (e.type === 'reply' || e.type === 'timeout'));
  t.deepEqual(
    two.map((e) => [e.type, e.type === 'reply' || e.type === 'timeout' ? e.seq : -1, e.type === 'reply' || e.type === 'timeout' ? e.loss : -1]),
    [
      ['timeout', 0, 100],
      ['reply', 1, 50],
      ['timeout', 2, 66],
    ],
  );
  t.like(r.results.get('198.51.100.1')!, { resolved: 3, received: 3, loss: 0, minNs: 2 * NS_PER_MS, avgNs: 4 * NS_PER_MS, maxNs: 6 * NS_PER_MS });
  t.like(r.results.get('198.51.100.2')!, { alive: true, resolved: 3, received: 1, loss: 66 });
  t.like(r.summary, { targets: 2, alive: 2, unreachable: 0, sent: 6, replies: 4, timeouts: 2 });
});

test('duplicates are counted, never received twice; a late reply after its target is done is not credited to the next one', async (t) => {
  // At 10 probes per second one target starts every 100 ms and reuses the engine index (lane)
  // of the one before, which is done by then. .10 answers twice; .11 answers after 500 ms, when
  // its lane probes .16; the others are silent.
  const targets = ['198.51.100.10-198.51.100.17'];
  const r = await sweep({ targets, retries: 0, timeoutMs: 20, rate: 10 }, (p) => {
    const to = destination(p);
    if (to === '198.51.100.10') return [1, 2].map((ms) => ({ afterMs: ms, bytes: echoReplyFor(p.bytes) }));
    if (to === '198.51.100.11') return [{ afterMs: 500, bytes: echoReplyFor(p.bytes) }];
    return [];
  });
  t.deepEqual(aliveSet(r), ['198.51.100.10']);
  // Alive mode reports a target at its first reply: the copy after it counts in the totals.
  t.like(r.results.get('198.51.100.10')!, { alive: true, received: 1, duplicates: 0 });
  t.like(r.results.get('198.51.100.11')!, { alive: false, received: 0 });
  t.like(r.summary, { targets: 8, alive: 1, unreachable: 7, duplicates: 1, late: 1, replies: 3, stray: 0 });
  t.is(r.events.filter((e) => e.type === 'duplicate').length, 1);
  t.is(r.session.lanes, 1, 'one engine index served all eight targets');
});

test('late and duplicate replies thousands of probes later, when the engine\'s table has forgotten the probe: still counted for their own target', async (t) => {
  // Two probes a fake millisecond, each answered 1 ms later: a few are in flight at once, so the
  // engine's table stays small and forgets each probe long before 3,000 probes have gone. The
  // sweep's own records still know them: .0's first probe is answered again after 1,200 ms (a
  // duplicate), .1's first probe after 1,300 ms (late: its timeout is 100 ms). Both targets are
  // still being probed then (their second probe is due at 2,000 ms), so both are credited.
  const n = 3000;
  const first = parseIpv4('10.60.0.0');
  const network = perTarget((to, k, p) => {
    const a = parseIpv4(to) - first;
    if (a === 0 && k === 0) return [1, 1200].map((ms) => ({ afterMs: ms, bytes: echoReplyFor(p.bytes) }));
    if (a === 1 && k === 0) return [{ afterMs: 1300, bytes: echoReplyFor(p.bytes) }];
    return [{ afterMs: 1, bytes: echoReplyFor(p.bytes) }];
  });
  const r = await sweep({ targets: [`10.60.0.0-${formatIpv4(first + n - 1)}`], count: 2, periodMs: 2000, timeoutMs: 100, rate: 2000 }, network);
  const dupAt = r.socket.sent.findIndex((p) => p.at - r.socket.sent[0]!.at >= 1200 * NS_PER_MS);
  t.true(dupAt > 2000, `${dupAt} probes went before the duplicate came`);
  t.like(r.results.get('10.60.0.0')!, { received: 2, duplicates: 1, late: 0 });
  t.like(r.results.get('10.60.0.1')!, { received: 1, duplicates: 0, late: 1, loss: 50 });
  const dup = r.events.find((e) => e.type === 'duplicate');
  t.like(dup, { host: '10.60.0.0', seq: 0 });
  t.is(dup?.type === 'duplicate' ? dup.rttNs : -1, 1200 * NS_PER_MS, 'timed from its own send');
  t.like(r.summary, { targets: n, alive: n, sent: 2 * n, duplicates: 1, late: 1, stray: 0 });
});

test('after its target is done, a copy of a reply the engine\'s table forgot is a duplicate in the totals, credited to nobody', async (t) => {
  // Alive mode: .0 is done at its first reply; a second copy comes 1,200 ms later, some 2,400
  // probes on, and a reply from an address no probe went to comes too.
  const n = 3000;
  const first = parseIpv4('10.61.0.0');
  const r = await sweep({ targets: [`10.61.0.0-${formatIpv4(first + n - 1)}`], retries: 0, timeoutMs: 100, rate: 2000 }, (p) => {
    const replies = [{ afterMs: 1, bytes: echoReplyFor(p.bytes) }];
    if (destination(p) === '10.61.0.0') replies.push({ afterMs: 1200, bytes: echoReplyFor(p.bytes) }, { afterMs: 1201, bytes: echoReplyFor(p.bytes, { from: '10.62.0.9' }) });
    return replies;
  });
  t.like(r.results.get('10.61.0.0')!, { alive: true, received: 1, duplicates: 0 });
  t.like(r.summary, { targets: n, alive: n, duplicates: 1, late: 0, replies: n + 1 });
  t.like(r.events.find((e) => e.type === 'duplicate'), { host: '10.61.0.0', address: '10.61.0.0', seq: 0 });
});

test('answers from the wrong address credit nobody', async (t) => {
  const r = await sweep({ targets: ['198.51.100.20', '198.51.100.21'], retries: 0, timeoutMs: 30, rate: null }, (p) => {
    // Each probe is answered from the other target's address (a reply with the right key from
    // the wrong host): neither target answered.
    const other = destination(p) === '198.51.100.20' ? '198.51.100.21' : '198.51.100.20';
    return [{ afterMs: 2, bytes: echoReplyFor(p.bytes, { from: other }) }];
  });
  t.deepEqual(aliveSet(r), []);
  t.like(r.summary, { alive: 0, unreachable: 2, stray: 2, replies: 0 });
});

test('twenty thousand targets in flight, answered in shuffled order: each reply to its own target, with its own time', async (t) => {
  const n = 20_000;
  const start = parseIpv4('10.20.0.0');
  // Every reply waits until all probes are out, then they come back in an order unrelated to
  // the sending order, each after a delay that is a function of its address: a target credited
  // with another's reply would show the wrong time.
  const delayOf = (a: number): number => 300 + ((a * 7919) % 997);
  const r = await sweep({ targets: [`10.20.0.0-${formatIpv4(start + n - 1)}`], retries: 0, timeoutMs: 2000, rate: null }, (p) => {
    const a = parseIpv4(destination(p));
    if (a % 1000 === 999) return []; // some never answer
    return [{ afterMs: delayOf(a), bytes: echoReplyFor(p.bytes) }];
  });
  t.is(r.results.size, n);
  const wrong: string[] = [];
  let silent = 0;
  for (const x of r.results.values()) {
    const a = parseIpv4(x.address);
    if (a % 1000 === 999) {
      silent++;
      if (x.alive) wrong.push(x.address);
    } else if (!x.alive || x.rttNs !== delayOf(a) * NS_PER_MS) {
      wrong.push(x.address);
    }
  }
  t.deepEqual(wrong.slice(0, 5), []);
  t.is(silent, 20);
  t.like(r.summary, { targets: n, alive: n - silent, unreachable: silent, sent: n, replies: n - silent, stray: 0, late: 0, duplicates: 0 });
  t.is(r.session.lanes, n, 'all were in flight at once');
});

test('past the engine\'s memory of 65,536 probes, the next waits for the oldest to time out (never timed out early)', async (t) => {
  const n = 70_000;
  const r = await sweep({ targets: [`10.50.0.0-${formatIpv4(parseIpv4('10.50.0.0') + n - 1)}`], retries: 0, timeoutMs: 1000, rate: null }, () => []);
  t.like(r.summary, { targets: n, unreachable: n, timeouts: n, sent: n });
  const first = r.socket.sent[0]!.at;
  t.true(r.socket.sent[65_535]!.at - first < 1000 * NS_PER_MS);
  t.true(r.socket.sent[65_536]!.at - first >= 1000 * NS_PER_MS, 'probe 65,536 waited for probe 0 to time out');
  t.is(r.session.lanes, 65_536);
});

test('memory follows what is in flight: answered as they go, a long list uses few lanes', async (t) => {
  const r = await sweep({ targets: ['10.30.0.0/18'], retries: 0, timeoutMs: 100, rate: 20_000 }, (p) => [{ afterMs: 1, bytes: echoReplyFor(p.bytes) }]);
  t.is(r.summary.alive, 16_382);
  // 20 probes per fake millisecond, each answered 1 ms later: a few dozen targets at once.
  t.true(r.session.lanes < 200, `${r.session.lanes} lanes`);
});

test('a refused send: reported, the target unreachable at once, no retry', async (t) => {
  const r = await sweep({ targets: ['198.51.100.32'], retries: 3, timeoutMs: 50, rate: null }, () => [], {
    setup: (socket) => (socket.failure = { code: 'EHOSTUNREACH', times: 1 }),
  });
  t.like(r.events.find((e) => e.type === 'send-error')!, { host: '198.51.100.32', code: 'EHOSTUNREACH', seq: 0 });
  t.like(r.results.get('198.51.100.32')!, { alive: false, sent: 1, errors: 1 });
  t.like(r.summary, { targets: 1, unreachable: 1, sendErrors: 1, sent: 1 });
  t.is(r.socket.sent.length, 0);
});

test('names resolve while the sweep runs; one that does not is reported and counted', async (t) => {
  const resolve = async (name: string): Promise<string> => {
    await new Promise((res) => setTimeout(res, 20));
    if (name === 'gw.lab') return '198.51.100.40';
    throw new Error(`${name}: Name or service not known`);
  };
  const r = await sweep({ targets: ['198.51.100.41', 'gw.lab', 'nope.lab'], retries: 0, timeoutMs: 50, rate: null, resolve }, (p) => [
    { afterMs: 1, bytes: echoReplyFor(p.bytes) },
  ]);
  t.deepEqual(aliveSet(r), ['198.51.100.41', 'gw.lab']);
  t.is(r.results.get('gw.lab')!.address, '198.51.100.40');
  t.like(r.events.find((e) => e.type === 'unknown')!, { host: 'nope.lab', reason: 'Name or service not known', file: null });
  t.like(r.summary, { targets: 2, alive: 2, unknown: 1 });
});

test('a bad line read from stdin stops the list there; what came before is swept', async (t) => {
  const stdin = Readable.from(['198.51.100.50\n# fine\n198.51.100.51\n198.51.100.999\n198.51.100.52\n']);
  const r = await sweep({ files: ['-'], retries: 0, timeoutMs: 20, rate: null }, (p) => [{ afterMs: 1, bytes: echoReplyFor(p.bytes) }], { stdin });
  t.deepEqual(aliveSet(r), ['198.51.100.50', '198.51.100.51']);
  t.regex(r.summary.inputError ?? '', /^stdin:4: "198\.51\.100\.999" is not an IPv4 address/);
});

test('a checked file is swept as the check read it, not read again; a file with a name is read again', async (t) => {
  const { plain, named } = tempFiles(t, 'sweep-checked', { plain: '198.51.100.60\n198.51.100.64/31\n', named: '198.51.100.70\ngw.lab\n' });
  const checked = await checkFiles([plain, named]);
  t.deepEqual([...checked.keys()], [plain]);
  // Rewritten between the check and the sweep: the plain file's new text is never read.
  writeFileSync(plain, '198.51.100.99\n');
  writeFileSync(named, '198.51.100.71\ngw.lab\n');
  const resolve = async (name: string): Promise<string> => (name === 'gw.lab' ? '198.51.100.80' : Promise.reject(new Error('Name or service not known')));
  const r = await sweep({ files: [plain, named], retries: 0, timeoutMs: 20, rate: null, resolve }, (p) => [{ afterMs: 1, bytes: echoReplyFor(p.bytes) }], { checked });
  t.deepEqual(r.socket.sent.map(destination), ['198.51.100.60', '198.51.100.64', '198.51.100.65', '198.51.100.71', '198.51.100.80']);
  t.deepEqual(aliveSet(r), ['198.51.100.60', '198.51.100.64', '198.51.100.65', '198.51.100.71', 'gw.lab']);
});

test('stop(): the targets being probed are reported as they stand, the summary says interrupted', async (t) => {
  let stopped = false;
  const r = await sweep({ targets: ['10.40.0.0/24'], retries: 5, timeoutMs: 1000, rate: 100 }, (p) => (destination(p).endsWith('.1') ? [{ afterMs: 1, bytes: echoReplyFor(p.bytes) }] : []), {
    during: ({ clock, session }) => {
      if (!stopped && clock.t > 1_000 * NS_PER_MS + 100 * NS_PER_MS) {
        stopped = true;
        session.stop();
      }
    },
  });
  t.true(r.summary.interrupted);
  t.is(r.summary.alive, 1);
  // About 100 ms at 100 per second: some ten targets started, all reported.
  t.true(r.summary.targets >= 5 && r.summary.targets <= 15, `${r.summary.targets} targets`);
  t.is(r.results.size, r.summary.targets);
});

test('stop(): targets unanswered but still being probed are unknown, not unreachable (issue 18)', async (t) => {
  let stopped = false;
  let start = Number.NaN;
  // Retries 5 with 1 s timeouts: 100 ms after the start no silent target has spent its tries.
  const r = await sweep({ targets: ['10.40.0.0/24'], retries: 5, timeoutMs: 1000, rate: 100 }, (p) => (destination(p).endsWith('.1') ? [{ afterMs: 1, bytes: echoReplyFor(p.bytes) }] : []), {
    during: ({ clock, session }) => {
      if (Number.isNaN(start)) start = clock.t;
      if (!stopped && clock.t > start + 100 * NS_PER_MS) {
        stopped = true;
        session.stop();
      }
    },
  });
  t.true(r.summary.interrupted);
  t.is(r.summary.alive, 1);
  t.is(r.summary.unreachable, 0);
  t.true(r.summary.unfinished >= 4, `${r.summary.unfinished} unfinished`);
  t.is(r.summary.targets, r.summary.alive + r.summary.unfinished);
  const silent = [...r.results.values()].filter((x) => !x.alive);
  t.is(silent.length, r.summary.unfinished);
  t.true(silent.every((x) => x.unfinished));
  t.false(r.results.get('10.40.0.1')!.unfinished);
});

test('options out of range are refused by name', (t) => {
  t.throws(() => configureSweep({}), { message: /no targets/ });
  t.throws(() => configureSweep({ targets: ['198.51.100.1'], count: 0 }), { message: /count 0 is out of range/ });
  t.throws(() => configureSweep({ targets: ['198.51.100.1'], backoff: 6 }), { message: /backoff 6 is out of range 1.0-5.0/ });
  t.throws(() => configureSweep({ targets: ['198.51.100.1'], rate: 0 }), { message: /rate 0 is out of range/ });
  t.throws(() => configureSweep({ targets: ['198.51.100.1'], ttl: 0 }), { message: /ttl 0 is out of range 1-255/ });
  t.throws(() => configureSweep({ targets: ['198.51.100.1'], files: ['-', '-'] }), { message: /stdin \(-\) can be read only once/ });
  t.throws(() => configureSweep({ targets: ['198.51.100.1/33'] }), { message: /prefix length/ });
  t.like(configureSweep({ targets: ['198.51.100.1'], count: 3, periodMs: 100 }), { timeoutMs: 100, count: 3 });
  t.like(configureSweep({ targets: ['198.51.100.1'], count: 3 }), { timeoutMs: 1000 });
  t.like(configureSweep({ targets: ['198.51.100.1'] }), { timeoutMs: 500, retries: 3, backoff: 1.5, rate: 1000, count: null });
});
