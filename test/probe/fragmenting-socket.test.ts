// FragmentingSocket (lib/probe/fragmenting-socket.ts) over a recording fake: what it hands the
// real socket, and how a kernel that stops part way is reported to the engine in whole probes.
import { readFileSync } from 'node:fs';
import test from 'ava';
import { FragmentingSocket } from '../../lib/probe/engine/fragmenting-socket.js';
import { routeMtu } from '../../lib/socket/route.js';
import { encodePacket, type PacketInit } from '../../lib/wire/packet.js';

function probe(dataBytes: number, sequence: number): Buffer {
  return encodePacket({ ip: { src: '203.0.113.1', dst: '203.0.113.6', id: sequence }, icmp: { kind: 'echo-request', identifier: 1, sequence, data: Buffer.alloc(dataBytes) } } as PacketInit);
}

class Recorder {
  calls: { pieces: Uint8Array[]; target: string | number[] }[] = [];
  sendToCalls = 0;
  /** What the next sendMany reports: pieces sent and the error that stopped it. */
  next: { sent: number; error: Error | null } | null = null;
  closed = false;
  sendTo(): { bytes: number; sentAt: number } {
    this.sendToCalls++;
    return { bytes: 0, sentAt: 1 };
  }
  sendMany(pieces: readonly Uint8Array[], target: string | Uint32Array): { sent: number; sentAt: number; error: Error | null } {
    this.calls.push({ pieces: [...pieces], target: typeof target === 'string' ? target : [...target] });
    const r = this.next ?? { sent: pieces.length, error: null };
    this.next = null;
    return { ...r, sentAt: 5 };
  }
  on(): this {
    return this;
  }
  off(): this {
    return this;
  }
  close(): void {
    this.closed = true;
  }
}

test('probes larger than the MTU go as their fragments, each to its probe\'s address, in one sendMany', (t) => {
  const inner = new Recorder();
  const socket = new FragmentingSocket(inner, 1500);
  const r = socket.sendMany([probe(2000, 1), probe(2000, 2), probe(2000, 3)], Uint32Array.of(1, 2, 3));
  // Three probes, six pieces: the pieces' send-stamp keys do not name the probes, so none is given.
  t.deepEqual(r, { sent: 3, sentAt: 5, error: null, firstKey: -1 });
  t.is(inner.calls.length, 1);
  t.deepEqual(inner.calls[0]!.pieces.map((p) => p.byteLength), [1500, 548, 1500, 548, 1500, 548]);
  t.deepEqual(inner.calls[0]!.target, [1, 1, 2, 2, 3, 3]);
});

test('a kernel that stops part way: a probe counts as sent when its first piece went, and the error is passed on', (t) => {
  const inner = new Recorder();
  const socket = new FragmentingSocket(inner, 1500);
  const again = Object.assign(new Error('EAGAIN'), { code: 'EAGAIN' });
  inner.next = { sent: 3, error: again }; // pieces 0, 1 (probe 1) and 2 (first of probe 2)
  const r = socket.sendMany([probe(2000, 1), probe(2000, 2), probe(2000, 3)], '203.0.113.6');
  t.is(r.sent, 2);
  t.is(r.error, again);
  t.is(inner.calls[0]!.target, '203.0.113.6');
});

test('probes that fit pass through untouched; sendTo cuts only when it must, and throws when nothing went', (t) => {
  const inner = new Recorder();
  const socket = new FragmentingSocket(inner, 1500);
  const small = probe(56, 1);
  socket.sendMany([small, small], Uint32Array.of(7, 8));
  t.is(inner.calls[0]!.pieces[0], small, 'the same buffer, not a copy');
  socket.sendTo(small, '203.0.113.6');
  t.is(inner.sendToCalls, 1);
  t.is(socket.sendTo(probe(2000, 2), '203.0.113.6').bytes, 2028);
  t.is(inner.calls.length, 2, 'a large one went through sendMany, as its two pieces');
  const refused = Object.assign(new Error('ENETUNREACH'), { code: 'ENETUNREACH' });
  inner.next = { sent: 0, error: refused };
  t.is(t.throws(() => socket.sendTo(probe(2000, 3), '203.0.113.6')), refused);
  socket.close();
  t.true(inner.closed);
});

test('routeMtu: loopback\'s MTU (as IP_MTU reports it, at most 65535), null where there is no route', (t) => {
  const lo = Number(readFileSync('/sys/class/net/lo/mtu', 'utf8').trim());
  t.is(routeMtu('127.0.0.1'), Math.min(lo, 65535));
  t.is(routeMtu('0.0.0.0', '198.51.100.77'), null, 'a source that is not ours: no answer, no throw');
});

test('with a send thread: probes that fit are queued as they are; one that does not, as its pieces under its own tag', (t) => {
  const queued: { lengths: number[]; target: string | number[]; tag: number }[] = [];
  const inner = Object.assign(new Recorder(), {
    queueMany(pieces: readonly Uint8Array[], target: string | Uint32Array | readonly string[], tag: number): { sentAt: number; firstKey: number } {
      queued.push({ lengths: pieces.map((p) => p.length), target: typeof target === 'string' ? target : [...(target as Uint32Array)], tag });
      return { sentAt: 7 + queued.length, firstKey: 3 };
    },
  });
  const s = new FragmentingSocket(inner, 1500);
  t.deepEqual(s.queueMany!([probe(100, 1), probe(100, 2)], '203.0.113.6', 40), { sentAt: 8, firstKey: 3 }, 'they fit: queued in one call, keys as the socket gives them');
  const r = s.queueMany!([probe(100, 3), probe(2000, 4)], Uint32Array.of(0xcb007106, 0xcb007107), 50);
  t.deepEqual(queued.slice(1).map((q) => [q.lengths, q.target, q.tag]), [
    [[128], [0xcb007106], 50],
    [[1500], [0xcb007107], 51],
    [[548], [0xcb007107], 51],
  ]);
  t.deepEqual(r, { sentAt: 9, firstKey: -1 }, 'the first queueing\'s time; no keys once pieces are in the batch');
  t.is(new FragmentingSocket(new Recorder(), 1500).queueMany, undefined, 'none when the socket has no thread');
});
