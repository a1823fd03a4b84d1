// The one probe session (lib/probe/engine/session.ts) closes everything on every path out: an
// engine that cannot be made (a target that is no address, got that far), a hook that throws inside a
// receive batch or a timer, a socket error, a socket that will not open, a first send the kernel
// refuses, stop() before the start. After each, the socket is closed once, the capture flushed
// and closed once, no listener is left on the socket and no timer is pending, so a process has
// nothing left to wait for. Fakes only: no kernel, no privilege.
import test from 'ava';
import { ProbeSession, openWithCapture } from '../../lib/probe/engine/session.js';
import { PingSession } from '../../lib/probe/ping/index.js';
import { SweepSession, configureSweep } from '../../lib/probe/sweep/index.js';
import { TraceSession } from '../../lib/probe/trace/index.js';
import { echoReplyFor, FakeCapture, FakeClock, FakeSocket, pingConfig, runOnFakeNetwork, type Responder } from './fakes.js';
import { traceConfig } from './trace-path.js';

interface Parts {
  clock: FakeClock;
  socket: FakeSocket;
  capture: FakeCapture;
}

function parts(): Parts {
  const clock = new FakeClock();
  return { clock, socket: new FakeSocket(clock), capture: new FakeCapture() };
}

/** Everything the session held is let go: socket and capture closed once, no listener, no timer. */
function allClosed(t: import('ava').ExecutionContext, p: Parts): void {
  t.is(p.socket.closes, 1, 'the socket is closed once');
  t.is(p.capture.closes, 1, 'the capture is flushed and closed once');
  t.is(p.socket.listening, 0, 'no listener left on the socket');
  t.is(p.clock.pending, 0, 'no timer left');
}

const answers: Responder = (p) => [{ afterMs: 2, bytes: echoReplyFor(p.bytes) }];

test('an engine that cannot be made (a target that is no address, in the configuration): run() rejects, everything closed', async (t) => {
  // (The engine takes IPv6 targets since send -6; an address of neither version still stops it.)
  const p = parts();
  const session = new PingSession(pingConfig({ count: 3, targets: [{ host: 'nowhere', address: 'nowhere', numeric: true }] }), p);
  await t.throwsAsync(session.run(), { message: /"nowhere" is not an IPv4 address/ });
  allClosed(t, p);
});

test('a hook that throws inside a receive batch: run() rejects with its error, everything closed', async (t) => {
  const p = parts();
  const session = new PingSession(pingConfig({ count: 3, timeoutMs: 2000 }), p);
  const running = session.run({
    onEvent: () => {
      throw new Error('the output went away');
    },
  });
  await runOnFakeNetwork(p.clock, p.socket, answers, running);
  await t.throwsAsync(running, { message: 'the output went away' });
  t.is(p.socket.sent.length, 1, 'nothing was sent after the failure');
  allClosed(t, p);
});

test('a hook that throws inside a timer (the next send): run() rejects, everything closed', async (t) => {
  const p = parts();
  const session = new PingSession(pingConfig({ count: 3, timeoutMs: 2000, outstanding: true }), p);
  // -O reports the unanswered probe from the timer that sends the next one.
  const running = session.run({
    onEvent: (e) => {
      if (e.type === 'no-answer') throw new Error('no room to say it');
    },
  });
  await runOnFakeNetwork(p.clock, p.socket, () => [], running);
  await t.throwsAsync(running, { message: 'no room to say it' });
  allClosed(t, p);
});

test('a socket error while running: run() rejects with it, everything closed', async (t) => {
  const p = parts();
  const session = new PingSession(pingConfig({ count: 3, timeoutMs: 2000 }), p);
  const running = session.run();
  await new Promise((r) => setImmediate(r));
  p.socket.emit('error', Object.assign(new Error('recvmmsg ENOMEM: out of memory'), { code: 'ENOMEM' }));
  await t.throwsAsync(running, { message: /ENOMEM/ });
  allClosed(t, p);
});

test('a first send the kernel refuses (EPERM) with -c 1: counted as sent and failed, the run ends, everything closed', async (t) => {
  const p = parts();
  p.socket.failure = { code: 'EPERM', times: 1 };
  const session = new PingSession(pingConfig({ count: 1 }), p);
  const events: string[] = [];
  const running = session.run({ onEvent: (e) => events.push(e.type === 'send-error' ? `send-error ${e.code}` : e.type) });
  await runOnFakeNetwork(p.clock, p.socket, answers, running);
  const [summary] = await running;
  t.like(summary, { transmitted: 1, received: 0, errors: 1 });
  t.deepEqual(events, ['send-error EPERM']);
  allClosed(t, p);
});

test('stop() before run(): nothing is sent, run() resolves, everything closed', async (t) => {
  const p = parts();
  const session = new PingSession(pingConfig({ count: 3, timeoutMs: 2000 }), p);
  session.stop();
  const [summary] = await session.run();
  t.is(summary!.transmitted, 0);
  t.is(p.socket.sent.length, 0);
  allClosed(t, p);
});

test('trace: a hook that throws on a hop rejects the run; sockets and capture closed', async (t) => {
  const p = parts();
  const session = new TraceSession(traceConfig({ maxTtl: 3 }), p);
  const running = session.run({
    onHop: () => {
      throw new Error('hop printer failed');
    },
  });
  await runOnFakeNetwork(p.clock, p.socket, answers, running);
  await t.throwsAsync(running, { message: 'hop printer failed' });
  allClosed(t, p);
});

test('sweep: a hook that throws on a result rejects the run; the socket is closed', async (t) => {
  const clock = new FakeClock();
  const socket = new FakeSocket(clock);
  const session = new SweepSession(configureSweep({ targets: ['198.51.100.1-198.51.100.4'], rate: null }), { socket, clock });
  const running = session.run({
    onEvent: () => {
      throw new Error('result printer failed');
    },
  });
  await runOnFakeNetwork(clock, socket, answers, running);
  await t.throwsAsync(running, { message: 'result printer failed' });
  t.is(socket.closes, 1);
  t.is(socket.listening, 0);
  t.is(clock.pending, 0);
});

test('a socket that will not open (no CAP_NET_RAW): the capture opened before it is closed, the error goes on', (t) => {
  const capture = new FakeCapture();
  const refusal = Object.assign(new Error('socket EPERM: Operation not permitted'), { code: 'EPERM' });
  t.throws(
    () =>
      new ProbeSession(
        {
          openSocket: () => {
            throw refusal;
          },
          fragmentMtu: null,
          settleMs: 0,
        },
        { capture },
      ),
    { is: refusal },
  );
  t.is(capture.closes, 1);
});

test('openWithCapture: a session that cannot be made closes the capture it was given', async (t) => {
  const capture = new FakeCapture();
  await t.throwsAsync(
    openWithCapture('/unused', { capture }, () => {
      throw new Error('no socket');
    }),
    { message: 'no socket' },
  );
  t.is(capture.closes, 1);
});

test('a run that ends normally closes everything too, and its capture saw every packet', async (t) => {
  const p = parts();
  const session = new PingSession(pingConfig({ count: 2 }), p);
  const running = session.run();
  await runOnFakeNetwork(p.clock, p.socket, answers, running);
  const [summary] = await running;
  t.like(summary, { transmitted: 2, received: 2 });
  t.deepEqual(p.capture.packets.map((x) => x.sent), [true, false, true, false]);
  allClosed(t, p);
});
