// A fake clock and a fake raw socket for driving the probe engine without the kernel: time moves
// only when a test says so, every send is recorded, and received datagrams are delivered as the
// addon delivers them (one batch: data + meta in the BATCH layout).
import { FAMILY4 } from '../../lib/probe/family/index.js';
import { EventEmitter } from 'node:events';
import { BATCH, FLAG_HARDWARE_TIMESTAMP, FLAG_KERNEL_TIMESTAMP, TX, type ReceiveBatch } from '../../lib/socket/batch.js';
import { constants } from '../../lib/socket/constants.js';
import { decodePacket, encodePacket } from '../../lib/wire/packet.js';
import { formatIpv4 } from '../../lib/wire/bytes.js';
import { formatIpv6Words } from '../../lib/wire/ipv6-address.js';
import type { EngineClock, PacketTap, ProbeSocket } from '../../lib/probe/engine/engine.js';
import type { Capture } from '../../lib/probe/engine/capture.js';
import type { PingConfig } from '../../lib/probe/ping/index.js';

const NS_PER_MS = 1e6;

export class FakeClock implements EngineClock {
  t = 1_000 * NS_PER_MS; // ns
  #timers: { at: number; fn: () => void; id: number }[] = [];
  #ids = 0;

  now(): number {
    return this.t;
  }

  #deferring: Set<number> | null = null;

  setTimeout(fn: () => void, ms: number): unknown {
    const id = ++this.#ids;
    if (ms === 0) this.#deferring?.add(id);
    this.#timers.push({ at: this.t + ms * NS_PER_MS, fn, id });
    return id;
  }

  clearTimeout(handle: unknown): void {
    this.#timers = this.#timers.filter((x) => x.id !== handle);
  }

  get pending(): number {
    return this.#timers.length;
  }

  /**
   * Moves time forward by `ms`, running every timer that falls due, in order. A 0 ms timer set
   * by a timer in this call waits for the next call: it stands for "the next turn of the event
   * loop", after I/O (a test delivers datagrams between the two calls).
   */
  advance(ms: number): void {
    const end = this.t + ms * NS_PER_MS;
    const deferred = new Set<number>();
    this.#deferring = deferred;
    for (;;) {
      this.#timers.sort((a, b) => a.at - b.at || a.id - b.id);
      const next = this.#timers.find((x) => !deferred.has(x.id));
      if (next === undefined || next.at > end) break;
      this.#timers.splice(this.#timers.indexOf(next), 1);
      if (next.at > this.t) this.t = next.at;
      next.fn();
    }
    this.#deferring = null;
    this.t = end;
  }
}

export interface SentPacket {
  bytes: Buffer;
  address: string;
  at: number;
}

/** Fails the next sends with this code (EAGAIN, EMSGSIZE...), `times` times. */
interface SendFailure {
  code: string;
  times: number;
}

/** How a delivered datagram was stamped (FakeSocket.deliver). */
export interface DeliveryStamps {
  kernel?: boolean;
  hardwareAt?: number;
}

/** A delivery as a raw IPv6 socket makes it (FakeSocket.deliver). */
export interface Ipv6Delivery {
  protocol: number;
  source: string;
  hopLimit: number;
  tclass: number;
}

export class FakeSocket extends EventEmitter implements ProbeSocket {
  /** Listeners attached now, of both events (a stopped engine leaves none). */
  get listening(): number {
    return this.listenerCount('batch') + this.listenerCount('error');
  }

  readonly sent: SentPacket[] = [];
  sendManyCalls = 0;
  failure: SendFailure | null = null;
  /** Sends give send-stamp keys (0, 1, 2... one per datagram), as a socket with SO_TIMESTAMPING does. */
  keyed = false;
  #nextKey = 0;

  constructor(protected readonly clock: FakeClock) {
    super();
  }

  #failing(): Error | null {
    if (this.failure === null || this.failure.times <= 0) return null;
    this.failure.times--;
    return Object.assign(new Error(`send ${this.failure.code}: refused`), { code: this.failure.code });
  }

  sendTo(buffer: Uint8Array, address: string): { bytes: number; sentAt: number; key: number } {
    const error = this.#failing();
    if (error !== null) throw error;
    this.sent.push({ bytes: Buffer.from(buffer), address, at: this.clock.now() });
    return { bytes: buffer.length, sentAt: this.clock.now(), key: this.keyed ? this.#nextKey++ : -1 };
  }

  sendMany(buffers: readonly Uint8Array[], target: string | Uint32Array | readonly string[]): { sent: number; sentAt: number; error: Error | null; firstKey: number } {
    this.sendManyCalls++;
    const at = this.clock.now();
    const firstKey = this.keyed ? this.#nextKey : -1;
    let sent = 0;
    for (const [i, b] of buffers.entries()) {
      const error = this.#failing();
      if (error !== null) {
        if (sent === 0) throw error;
        if (this.keyed) this.#nextKey += sent;
        return { sent, sentAt: at, error, firstKey };
      }
      const address = typeof target === 'string' ? target : target instanceof Uint32Array ? numberedAddress(target, buffers.length, i) : target[i]!;
      this.sent.push({ bytes: Buffer.from(b), address, at });
      sent++;
    }
    if (this.keyed) this.#nextKey += sent;
    return { sent, sentAt: at, error: null, firstKey };
  }

  /** Delivers kernel send stamps (a 'txstamps' event): datagram `key` left at `at` (and at `hardwareAt` by the interface's clock). */
  stamp(stamps: readonly { key: number; at: number; hardwareAt?: number }[]): void {
    const out = new Float64Array(stamps.length * TX.stride);
    stamps.forEach((s, i) => {
      out[i * TX.stride + TX.key] = s.key;
      out[i * TX.stride + TX.type] = constants.SCM_TSTAMP_SND;
      out[i * TX.stride + TX.timestamp] = s.at;
      out[i * TX.stride + TX.hwTimestamp] = s.hardwareAt ?? -1;
    });
    this.emit('txstamps', { stamps: out, count: stamps.length });
  }

  /**
   * Delivers datagrams as one receive batch, each stamped `at` (default now): by the kernel
   * unless `kernel` is false (read before the kernel stamped receptions), and by the interface
   * at `hardwareAt` when given. With an IPv6 `protocol`: as a raw IPv6 socket of that protocol
   * delivers them (no IPv6 header; the source as text, the hop limit and traffic class from
   * control messages).
   */
  deliver(datagrams: readonly Uint8Array[], at = this.clock.now(), how: DeliveryStamps | Ipv6Delivery | null = null): void {
    const ipv6 = how !== null && 'protocol' in how ? how : null;
    const stamps: DeliveryStamps = how !== null && !('protocol' in how) ? how : {};
    const data = Buffer.concat(datagrams.map((d) => Buffer.from(d)));
    const meta = new Float64Array(datagrams.length * BATCH.stride);
    let offset = 0;
    datagrams.forEach((d, i) => {
      const base = i * BATCH.stride;
      meta[base + BATCH.offset] = offset;
      meta[base + BATCH.length] = d.length;
      meta[base + BATCH.wireLength] = d.length;
      meta[base + BATCH.timestamp] = at;
      meta[base + BATCH.family] = ipv6 === null ? 2 : 10;
      meta[base + BATCH.sourceV4] = -1;
      meta[base + BATCH.hopLimit] = ipv6?.hopLimit ?? -1;
      meta[base + BATCH.tos] = ipv6?.tclass ?? -1;
      meta[base + BATCH.flags] = (stamps.kernel === false ? 0 : FLAG_KERNEL_TIMESTAMP) | (stamps.hardwareAt === undefined ? 0 : FLAG_HARDWARE_TIMESTAMP);
      meta[base + BATCH.hwTimestamp] = stamps.hardwareAt ?? -1;
      offset += d.length;
    });
    const batch: ReceiveBatch =
      ipv6 === null
        ? { data, meta, count: datagrams.length, addresses: null }
        : { data, meta, count: datagrams.length, addresses: datagrams.map(() => ipv6.source), protocol: ipv6.protocol };
    this.emit('batch', batch);
  }

  /** How many times close() was called (a session closes its socket once, whatever happened). */
  closes = 0;

  close(): void {
    this.closes++;
  }
}

/**
 * A FakeSocket with a send thread (RawSocket.queueMany): queued probes wait until run(), which
 * sends them in order, refusing those whose tags are in `refuse` (ENETUNREACH); the refusals
 * then come from takeSendFailures().
 */
export class ThreadedFakeSocket extends FakeSocket {
  readonly refuse = new Set<number>();
  #queued: { bytes: Buffer; address: string; tag: number }[] = [];
  #failures: { tag: number; error: Error }[] = [];

  get queuedTags(): number[] {
    return this.#queued.map((q) => q.tag);
  }

  queueMany(buffers: readonly Uint8Array[], target: string | Uint32Array | readonly string[], tag: number): { sentAt: number; firstKey: number } {
    buffers.forEach((b, i) => {
      const address = typeof target === 'string' ? target : target instanceof Uint32Array ? formatIpv4(target[i]!) : target[i]!;
      this.#queued.push({ bytes: Buffer.from(b), address, tag: tag + i });
    });
    return { sentAt: this.clock.now(), firstKey: -1 };
  }

  /** The thread sends what is queued. */
  run(): void {
    for (const q of this.#queued) {
      if (this.refuse.has(q.tag)) this.#failures.push({ tag: q.tag, error: Object.assign(new Error('sendmmsg ENETUNREACH'), { code: 'ENETUNREACH' }) });
      else this.sent.push({ bytes: q.bytes, address: q.address, at: this.clock.now() });
    }
    this.#queued = [];
  }

  flushQueued(): void {
    this.run();
  }

  takeSendFailures(): { tag: number; error: Error }[] | null {
    if (this.#failures.length === 0) return null;
    const out = this.#failures;
    this.#failures = [];
    return out;
  }
}

/** A capture that records what it was given and whether it was closed (--pcap-out without a file). */
export class FakeCapture implements Capture {
  readonly packets: { sent: boolean; length: number }[] = [];
  closes = 0;
  readonly tap: PacketTap = (_bytes, _offset, length, _timestamp, sent) => {
    this.packets.push({ sent, length });
  };

  get count(): number {
    return this.packets.length;
  }

  close(): Promise<void> {
    this.closes++;
    return Promise.resolve();
  }
}

/** The echo reply a host would send for an echo request we sent (optionally changed). */
export function echoReplyFor(
  request: Uint8Array,
  change: { from?: string; ttl?: number; tos?: number; corrupt?: boolean; identifier?: number } = {},
): Buffer {
  const p = decodePacket(request);
  if (p.icmp?.kind !== 'echo-request') throw new Error('not an echo request');
  const reply = encodePacket({
    ip: { src: change.from ?? p.ip.dst, dst: p.ip.src, ttl: change.ttl ?? 64, tos: change.tos ?? p.ip.tos },
    icmp: { kind: 'echo-reply', identifier: change.identifier ?? p.icmp.identifier, sequence: p.icmp.sequence, data: p.icmp.data },
  });
  if (change.corrupt === true) reply[reply.length - 1] = reply[reply.length - 1]! ^ 0xff;
  return reply;
}

/** An ICMP error from `router` quoting the first 28 bytes of `request` (RFC 792). */
export function icmpErrorFor(
  request: Uint8Array,
  router: string,
  kind: 'time-exceeded' | 'destination-unreachable' | 'redirect',
  code = 0,
  nextHopMtu: number | null = null,
): Buffer {
  const p = decodePacket(request);
  const quoted = Buffer.from(request.subarray(0, p.ip.headerLength + 8));
  const icmp =
    kind === 'destination-unreachable'
      ? { kind, code, nextHopMtu }
      : kind === 'redirect'
        ? { kind, code, gateway: router }
        : { kind, code };
  return encodePacket({ ip: { src: router, dst: p.ip.src, ttl: 63 }, icmp: icmp as never, payload: quoted });
}

/** What a fake network answers to one sent packet: datagrams to deliver, each after some ms. */
/** What arrives, how long after the packet that set it off; `ipv6`: as a raw IPv6 socket hands it over (FakeSocket.deliver). */
export interface FakeAnswer {
  afterMs: number;
  bytes: Buffer;
  ipv6?: { protocol: number; source: string; hopLimit: number; tclass: number };
}
export type Responder = (p: SentPacket, index: number) => FakeAnswer[];

/**
 * Runs `done` (a session's run()) against a fake network, a millisecond of fake time per step:
 * each step lets the event loop turn, schedules the answers to what was sent, delivers what is
 * due (one batch per arrival time, stamped with it), and moves the clock on. Returns the fake ms
 * it took; throws when it did not end within limitMs of fake time.
 */
export async function runOnFakeNetwork(
  clock: FakeClock,
  socket: FakeSocket,
  respond: Responder,
  done: Promise<unknown>,
  limitMs = 120_000,
  eachStep?: () => void,
): Promise<number> {
  let finished = false;
  void done.then(
    () => (finished = true),
    () => (finished = true),
  );
  const start = clock.t;
  const pending: { at: number; bytes: Buffer; ipv6: FakeAnswer['ipv6'] | null }[] = [];
  let handled = 0;
  while (!finished) {
    await new Promise((r) => setImmediate(r));
    for (; handled < socket.sent.length; handled++) {
      const p = socket.sent[handled]!;
      for (const a of respond(p, handled)) pending.push({ at: p.at + a.afterMs * NS_PER_MS, bytes: a.bytes, ipv6: a.ipv6 ?? null });
    }
    pending.sort((a, b) => a.at - b.at);
    while (pending.length > 0 && pending[0]!.at <= clock.t) {
      // One batch per arrival time and socket (an IPv6 answer's source and protocol are its batch's).
      const { at, ipv6 } = pending[0]!;
      const batch: Buffer[] = [];
      while (pending.length > 0 && pending[0]!.at === at && JSON.stringify(pending[0]!.ipv6) === JSON.stringify(ipv6)) batch.push(pending.shift()!.bytes);
      socket.deliver(batch, at, ipv6);
    }
    await new Promise((r) => setImmediate(r)); // what the answers set off, before time moves on
    eachStep?.();
    if (finished) break;
    if (clock.t - start > limitMs * NS_PER_MS) throw new Error(`still running after ${limitMs} ms of fake time`);
    clock.advance(1);
  }
  return (clock.t - start) / NS_PER_MS;
}

/** A ping configuration as configurePing() makes it, without resolving anything: to 198.51.100.10 from 203.0.113.1. */
export function pingConfig(overrides: Partial<PingConfig> = {}): PingConfig {
  return {
    targets: [{ host: '198.51.100.10', address: '198.51.100.10', numeric: true }],
    family: FAMILY4,
    flowLabel: 0,
    fragment: true,
    count: null,
    intervalMs: 1000,
    flood: false,
    size: 56,
    ttl: 64,
    tos: 0,
    timeoutMs: 10_000,
    deadlineMs: null,
    pattern: null,
    source: '203.0.113.1',
    sourceGiven: false,
    df: true,
    routeMtu: null,
    fragmentMtu: null,
    identifier: 0x4242,
    preload: 1,
    outstanding: false,
    pcapOut: null,
    device: null,
    anySource: false,
    broadcastTarget: false,
    bindSource: false,
    connect: false,
    debug: false,
    mark: null,
    dontRoute: false,
    sendBuffer: null,
    noLoop: false,
    ipOption: null,
    ipOptions: [],
    stampAt: -1,
    adaptive: false,
    userLatency: false,
    hardwareTimestamps: false,
    ...overrides,
  };
}

/** Buffer i's destination in a Uint32Array: an IPv4 number, or an IPv6 address's four words (RawSocket.sendMany). */
function numberedAddress(target: Uint32Array, buffers: number, i: number): string {
  return target.length === buffers * 4 ? formatIpv6Words(target, i * 4) : formatIpv4(target[i]!);
}
