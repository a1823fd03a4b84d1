// queueMany: datagrams handed to the socket's own send thread (native/send-queue.h), the way a
// flood sends. Over UDP on 127.0.0.1, without privileges: everything queued arrives, in the order
// queued, once flushQueued() returns; a datagram the kernel refuses comes back from
// takeSendFailures() under its tag, and the ones after it still go; close() while the thread
// holds datagrams ends it without a hang. setSendThreads(n): n threads, the same datagrams each
// once and the same tags, in about the order queued; a socket that stamps its sends keeps one.
import { readdirSync } from 'node:fs';

import test from 'ava';

import { constants, now, openSocket, type RawSocket } from '../../lib/socket/index.js';
import { delay } from './helpers.js';

/** Waits (at most 10 s: a guard against a hang, not a timing) until `ready()`. */
async function until(ready: () => boolean): Promise<void> {
  for (let waited = 0; !ready() && waited < 10_000; waited += 5) await delay(5);
}

function pair(t: { teardown(fn: () => void): void }): { rx: RawSocket; tx: RawSocket; port: number; got: string[] } {
  const rx = openSocket({ family: 'inet', type: 'dgram' }).bind('127.0.0.1', 0);
  const tx = openSocket({ family: 'inet', type: 'dgram' });
  t.teardown(() => (rx.close(), tx.close()));
  const got: string[] = [];
  rx.on('message', (m) => got.push(m.toString()));
  return { rx, tx, port: rx.address().port ?? 0, got };
}

test('queueMany: 120 datagrams in three calls arrive in the order queued; flushQueued waits for them; no failures', async (t) => {
  const { tx, port, got } = pair(t);
  const to = { address: '127.0.0.1', port };
  const sent: string[] = [];
  for (let call = 0; call < 3; call++) {
    // Few enough that the receive buffer (rmem_default) holds them all while nobody reads.
    const buffers = Array.from({ length: 40 }, (_, i) => Buffer.from(`q${call * 40 + i}`));
    sent.push(...buffers.map((b) => b.toString()));
    const before = now();
    const r = tx.queueMany(buffers, to, call * 40);
    t.true(r.sentAt >= before && r.sentAt <= now(), 'sentAt is read as the batch is queued');
    t.is(r.firstKey, -1, 'no send stamps asked for');
  }
  tx.flushQueued();
  await until(() => got.length >= 120);
  t.deepEqual(got, sent);
  t.is(tx.takeSendFailures(), null);
});

test('queueMany: a refused datagram comes back under its tag, and those after it still go', async (t) => {
  const { tx, port, got } = pair(t);
  const ok = { address: '127.0.0.1', port };
  // Without SO_BROADCAST the kernel refuses the limited broadcast address (EACCES; ENETUNREACH
  // where no interface could carry it).
  tx.queueMany([Buffer.from('a'), Buffer.from('refused'), Buffer.from('c')], [ok, { address: '255.255.255.255', port }, ok], 40);
  tx.flushQueued();
  const failures = tx.takeSendFailures();
  t.is(failures?.length, 1, JSON.stringify(failures));
  t.is(failures![0]!.tag, 41);
  t.true(['EACCES', 'ENETUNREACH'].includes(failures![0]!.error.code), failures![0]!.error.code);
  t.is(tx.takeSendFailures(), null, 'taken once');
  await until(() => got.length >= 2);
  t.deepEqual(got, ['a', 'c']);
});

test('close() while the send thread holds datagrams ends it; calls after close throw or do nothing', (t) => {
  const tx = openSocket({ family: 'inet', type: 'dgram' });
  const buffers = Array.from({ length: 1000 }, () => Buffer.alloc(1000));
  tx.queueMany(buffers, { address: '127.0.0.1', port: 9 }, 0);
  tx.close();
  t.is(tx.takeSendFailures(), null);
  t.notThrows(() => tx.flushQueued());
  const error = t.throws(() => tx.queueMany([Buffer.from('x')], { address: '127.0.0.1', port: 9 }, 0));
  t.is((error as { code?: string }).code, 'ERR_SOCKET_CLOSED');
});

/**
 * Queues 6000 datagrams in calls of 150, tags from 1000 on, to the discard port where nobody
 * listens (what goes is dropped there). Every 97th goes to the limited broadcast address, which
 * the kernel refuses (no SO_BROADCAST): the refusals' tags say whether tags and addresses stayed
 * together through every chunk a thread took. Returns the tags that must come back, in order.
 */
function queueWithRefusals(tx: RawSocket): number[] {
  const sink = { address: '127.0.0.1', port: 9 };
  const refused = { address: '255.255.255.255', port: 9 };
  const expected: number[] = [];
  for (let first = 0; first < 6000; first += 150) {
    const buffers = Array.from({ length: 150 }, (_, i) => Buffer.alloc(1 + ((first + i) % 64)));
    const targets = buffers.map((_, i) => ((first + i) % 97 === 5 ? refused : sink));
    for (let i = 0; i < 150; i++) if ((first + i) % 97 === 5) expected.push(1000 + first + i);
    tx.queueMany(buffers, targets, 1000 + first);
  }
  tx.flushQueued();
  return expected;
}

test('queueMany: a long queue (6000 datagrams, past the 4096 that make queueMany wait) keeps each datagram with its tag and its address', (t) => {
  const tx = openSocket({ family: 'inet', type: 'dgram' });
  t.teardown(() => tx.close());
  const expected = queueWithRefusals(tx);
  const failures = tx.takeSendFailures() ?? [];
  t.deepEqual(failures.map((f) => f.tag), expected);
  t.true(failures.every((f) => ['EACCES', 'ENETUNREACH'].includes(f.error.code)), JSON.stringify(failures.slice(0, 3)));
});

/** The threads of this process now (/proc/self/task). */
function threadCount(): number {
  return readdirSync('/proc/self/task').length;
}

test('setSendThreads(3): queueMany makes three send threads; 200 datagrams in five calls each arrive once; no failures', async (t) => {
  const { rx, tx, port, got } = pair(t);
  rx.setOption('SO_RCVBUF', 1 << 20); // all of them held while the test thread waits in flushQueued
  t.is(tx.setSendThreads(3), 3);
  const to = { address: '127.0.0.1', port };
  const sent: string[] = [];
  const before = threadCount();
  for (let call = 0; call < 5; call++) {
    const buffers = Array.from({ length: 40 }, (_, i) => Buffer.from(`m${call * 40 + i}`));
    sent.push(...buffers.map((b) => b.toString()));
    tx.queueMany(buffers, to, call * 40);
    if (call === 0) t.true(threadCount() >= before + 3, `threads ${before} -> ${threadCount()}`);
  }
  tx.flushQueued();
  await until(() => got.length >= 200);
  // Chunks go out on whichever thread took them: the same datagrams, each once, in about that order.
  t.deepEqual([...got].sort(), [...sent].sort());
  t.is(tx.takeSendFailures(), null);
});

test('setSendThreads(4): 6000 queued datagrams keep their tags and addresses on every thread', (t) => {
  const tx = openSocket({ family: 'inet', type: 'dgram' });
  t.teardown(() => tx.close());
  t.is(tx.setSendThreads(4), 4);
  const expected = queueWithRefusals(tx);
  // Each thread reports its own refusals as it meets them: the same tags, in about that order.
  t.deepEqual((tx.takeSendFailures() ?? []).map((f) => f.tag).sort((a, b) => a - b), expected);
});

test('a socket that stamps its sends keeps one send thread (the stamps keys follow the order sent); 0 or 17 threads is refused', (t) => {
  const tx = openSocket({ family: 'inet', type: 'dgram' });
  t.teardown(() => tx.close());
  t.is(tx.setSendThreads(2), 2);
  const c = constants;
  tx.setTimestamping(c.SOF_TIMESTAMPING_TX_SOFTWARE | c.SOF_TIMESTAMPING_SOFTWARE | c.SOF_TIMESTAMPING_OPT_ID | c.SOF_TIMESTAMPING_OPT_TSONLY);
  t.is(tx.setSendThreads(2), 1);
  const before = threadCount();
  tx.queueMany([Buffer.from('x')], { address: '127.0.0.1', port: 9 }, 0);
  tx.flushQueued();
  t.is(threadCount(), before + 1);
  for (const n of [0, 17, 1.5]) t.throws(() => tx.setSendThreads(n), undefined, String(n));
});
