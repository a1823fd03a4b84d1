// Capture: what arrives on an interface, live, as tcpdump sees it.
//
//   const cap = openCapture({ interface: 'lo', filter: 'icmp' });
//   sock.sendTo(request, '127.0.0.1');
//   const echo = await cap.waitFor((p) => p.packet?.icmp?.kind === 'echo-request', { timeoutMs: 2000 });
//   for await (const p of cap) console.log(p.time, p.packet?.ip.src);     // every packet, decoded
//   cap.on('batch', (b) => ...);     // a wake-up's packets, in place: valid during the listener only
//   const { captured, received, dropped } = await cap.stop();
//
// Opening binds the socket at once: from then on every packet that passes the filter waits in the
// kernel ring until someone reads it (the first 'packet'/'batch' listener, packets() or waitFor()
// starts reading), or is counted as dropped when the ring is full. stop() delivers every packet
// that arrived before it was called, then closes; close() closes at once. Both are safe twice.
import { EventEmitter } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import { constants } from '../socket/constants.js';
import { CaptureError, CAPTURE_ERROR, errnoCode } from './errors.js';
import { compileFilter, kernelProgram, type CompiledFilter } from './filter.js';
import { captureTarget, loopbackIndex, SLL2_HEADER_LENGTH, type CaptureTarget } from './interfaces.js';
import { captureAddon, CAPTURE_EVENT, type NativeCapture } from './native.js';
import { resolveOptions, type CaptureOptions, type ResolvedOptions } from './options.js';
import { capturedPacket, type CaptureBatch, type CapturedPacket } from './packet.js';
import { packetQueue, type PacketsOptions } from './queue.js';

export interface CaptureStats {
  /** Packets delivered to this process. */
  captured: number;
  /** Packets that passed the filter (tcpdump's "received by filter"), dropped ones included. */
  received: number;
  /** Of those, dropped by the kernel because the ring was full (tcpdump's "dropped by kernel"). */
  dropped: number;
  /** Times every block of the ring was full at once. */
  freezes: number;
}

export interface CaptureEvents {
  /** A wake-up's packets, in place: the batch's bytes are reused by the next one (copy what you keep). */
  batch: [batch: CaptureBatch];
  /** One packet with its own bytes, IPv4 decoded. */
  packet: [packet: CapturedPacket];
  /**
   * The interface went down or away, or the socket failed; 'close' follows. Without an 'error'
   * listener the capture just closes, and `failure` says why.
   */
  error: [error: CaptureError];
  close: [];
}

export interface WaitOptions {
  /** Give up after this long (resolve null). Default: wait until the capture closes. */
  timeoutMs?: number;
}

export class Capture extends EventEmitter<CaptureEvents> {
  /** The interface as named, its index (0 for any) and link type. */
  readonly target: CaptureTarget;
  readonly linkType: number;
  readonly snaplen: number;
  /** The compiled filter, or null without one. */
  readonly filter: CompiledFilter | null;
  readonly options: ResolvedOptions;
  #native: NativeCapture;
  #closed = false;
  #started = false;
  #paused = false;
  #stopping: Promise<CaptureStats> | null = null;
  #stats: CaptureStats = { captured: 0, received: 0, dropped: 0, freezes: 0 };
  #failure: CaptureError | null = null;

  constructor(native: NativeCapture, target: CaptureTarget, filter: CompiledFilter | null, options: ResolvedOptions, snaplen: number) {
    super();
    this.#native = native;
    this.target = target;
    this.linkType = target.linkType;
    this.filter = filter;
    this.options = options;
    this.snaplen = snaplen;
    // Reading starts when someone listens (the ring holds what arrives until then).
    (this as EventEmitter).on('newListener', (event: string | symbol) => {
      if (event === 'batch' || event === 'packet') this.resume();
    });
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** Why the capture ended on its own (the interface went away), or null. */
  get failure(): CaptureError | null {
    return this.#failure;
  }

  /** Counts so far: the kernel's (read now, while open) and ours. */
  stats(): CaptureStats {
    if (!this.#closed) {
      const k = this.#native.stats();
      this.#stats.received += k.packets;
      this.#stats.dropped += k.drops;
      this.#stats.freezes += k.freezes;
    }
    return { ...this.#stats };
  }

  /** Keep the process alive while the capture is open (the default), or not (unref). */
  ref(): this {
    if (!this.#closed) this.#native.ref();
    return this;
  }

  unref(): this {
    if (!this.#closed) this.#native.unref();
    return this;
  }

  /** Reading resumes (or starts): packets waiting in the ring are delivered. */
  resume(): void {
    if (this.#closed || (this.#started && !this.#paused)) return;
    this.#native.start(this.#onNative);
    this.#started = true;
    this.#paused = false;
  }

  /** Reading pauses: packets wait in the ring (and are dropped once it is full). */
  pause(): void {
    if (this.#closed || !this.#started || this.#paused) return;
    this.#native.stop();
    this.#paused = true;
  }

  /** Every packet, decoded, in arrival order; ending the loop closes the capture unless `close: false`. */
  packets(options: PacketsOptions = {}): AsyncIterableIterator<CapturedPacket> {
    return packetQueue(this, options);
  }

  [Symbol.asyncIterator](): AsyncIterableIterator<CapturedPacket> {
    return this.packets();
  }

  /** The first packet from now on for which `match` is true (null on timeout or close). Keeps the capture open. */
  waitFor(match: (p: CapturedPacket) => boolean, options: WaitOptions = {}): Promise<CapturedPacket | null> {
    return new Promise((resolve) => {
      let timer: NodeJS.Timeout | null = null;
      const done = (p: CapturedPacket | null): void => {
        if (timer !== null) clearTimeout(timer);
        this.off('packet', onPacket);
        this.off('close', onClose);
        resolve(p);
      };
      const onPacket = (p: CapturedPacket): void => {
        if (match(p)) done(p);
      };
      const onClose = (): void => done(null);
      if (this.#closed) return resolve(null);
      if (options.timeoutMs !== undefined) timer = setTimeout(() => done(null), options.timeoutMs);
      this.on('packet', onPacket);
      this.on('close', onClose);
    });
  }

  /**
   * Delivers every packet that arrived before this call (the block the kernel is filling is handed
   * over within the retire time), then closes. Resolves with the final counts.
   */
  stop(): Promise<CaptureStats> {
    this.#stopping ??= (async () => {
      if (!this.#closed && this.#started) {
        await sleep(2 * this.options.retireMs + 5);
        if (!this.#closed) this.#native.drain();
      }
      return this.close();
    })();
    return this.#stopping;
  }

  /** Closes now (packets not yet delivered are lost) and returns the final counts. */
  close(): CaptureStats {
    if (this.#closed) return { ...this.#stats };
    let final: CaptureStats;
    try {
      final = this.stats();
    } catch {
      final = { ...this.#stats };
    }
    this.#closed = true;
    this.#native.close();
    this.emit('close');
    return final;
  }

  #onNative = (kind: number, a?: unknown, b?: unknown, c?: unknown, d?: unknown): void => {
    if (kind === CAPTURE_EVENT.batch) {
      const batch: CaptureBatch = {
        data: Buffer.from(a as ArrayBuffer, 0, d as number),
        meta: b as Float64Array,
        count: c as number,
        firstIndex: this.#stats.captured,
        linkType: this.linkType,
        pcapRecords: this.options.pcapRecords,
      };
      this.#stats.captured += batch.count;
      this.emit('batch', batch);
      if (this.listenerCount('packet') > 0) for (let i = 0; i < batch.count; i++) this.emit('packet', capturedPacket(batch, i));
      return;
    }
    if (kind === CAPTURE_EVENT.error) this.#fail(a);
  };

  #fail(cause: unknown): void {
    const down = errnoCode(cause) === 'ENETDOWN';
    const error = down
      ? new CaptureError(CAPTURE_ERROR.interfaceDown, `${this.target.name}: the interface went down or away`, { cause })
      : new CaptureError(CAPTURE_ERROR.system, `${this.target.name}: capturing failed: ${(cause as Error).message}`, { cause });
    this.#failure = error;
    if (this.listenerCount('error') > 0) this.emit('error', error);
    this.close();
  }
}

/** Opens a capture (see Capture). Throws CaptureError with one line saying what is wrong. */
export function openCapture(options: CaptureOptions): Capture {
  const o = resolveOptions(options);
  const target = captureTarget(o.interface);
  if (target.flags !== null && target.flags >= 0 && (target.flags & constants.IFF_UP) === 0) {
    throw new CaptureError(CAPTURE_ERROR.interfaceDown, `${target.name}: the interface is down (ip link set ${target.name} up)`);
  }
  if (o.promiscuous && target.index === 0) {
    throw new CaptureError(CAPTURE_ERROR.badOption, 'promiscuous mode is not possible on "any": name one interface');
  }
  // libpcap keeps at least one byte after a cooked header.
  const snaplen = target.cooked ? Math.max(o.snaplen, SLL2_HEADER_LENGTH + 1) : o.snaplen;
  // Compiled for the interface opened live (not for "any": cooked v2 has no VLAN tests to change).
  const live = target.cooked ? {} : { interface: target.name };
  const filter = o.filter === null ? null : compileFilter(o.filter, { linkType: target.linkType, snaplen, optimize: o.optimize, ...live });
  const program = filter === null ? null : kernelProgram(filter, target.cooked);
  let native: NativeCapture;
  try {
    native = new (captureAddon().Capture)({
      ifindex: target.index,
      cooked: target.cooked,
      promiscuous: o.promiscuous,
      snaplen,
      blockSize: o.ringBlockSize,
      blockCount: o.ringBlocks,
      retireMs: o.retireMs,
      filter: program,
      skipOutgoingIfindex: loopbackIndex(),
      pcapRecords: o.pcapRecords,
    });
  } catch (e) {
    throw openError(e, target, o);
  }
  return new Capture(native, target, filter, o, snaplen);
}

/** One line for what the kernel refused at open. */
function openError(e: unknown, target: CaptureTarget, o: ResolvedOptions): unknown {
  const code = errnoCode(e);
  const syscall = (e as { syscall?: unknown }).syscall;
  if (code === 'EPERM' || code === 'EACCES') {
    return new CaptureError(
      CAPTURE_ERROR.permission,
      // The raw socket's advice (native/errors.cc), not setcap on node: that would let every Node
      // program of every user capture (README, Without root).
      'capturing needs CAP_NET_RAW: run as root, or let one group use it through rawprobe with `sudo rawprobe setup-privileges --group GROUP`',
      { cause: e },
    );
  }
  if (code === 'ENETDOWN' || code === 'ENXIO' || code === 'ENODEV') {
    return new CaptureError(CAPTURE_ERROR.interfaceDown, `${target.name}: the interface is down or gone`, { cause: e });
  }
  if (syscall === 'setsockopt PACKET_RX_RING' || syscall === 'mmap') {
    return new CaptureError(
      CAPTURE_ERROR.system,
      `the kernel refused a ring of ${o.ringBlocks} blocks of ${o.ringBlockSize} bytes (${code ?? 'error'}): use smaller or fewer blocks`,
      { cause: e },
    );
  }
  if (e instanceof Error) return new CaptureError(CAPTURE_ERROR.system, `${target.name}: ${e.message}`, { cause: e });
  return e;
}
