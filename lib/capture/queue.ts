// A capture's packets as an async iterator (Capture.packets()): decoded packets queue up to a
// high-water mark; past it reading pauses and the kernel ring holds the rest (then drops, and
// counts the drops), so a slow loop never makes memory grow without bound.
import type { Capture } from './capture.js';
import type { CaptureError } from './errors.js';
import type { CapturedPacket } from './packet.js';

export interface PacketsOptions {
  /** Packets queued before reading pauses (default 4096). */
  highWaterMark?: number;
  /** Close the capture when the loop ends (break, return, throw). Default true, as streams do. */
  close?: boolean;
}

type Waiter = { resolve: (r: IteratorResult<CapturedPacket>) => void; reject: (e: unknown) => void };

const DONE: IteratorResult<CapturedPacket> = { value: undefined, done: true };

class PacketQueue implements AsyncIterableIterator<CapturedPacket> {
  private readonly queue: CapturedPacket[] = [];
  private readonly waiting: Waiter[] = [];
  private finished: boolean;
  private failure: unknown = null;
  private paused = false;

  constructor(
    private readonly capture: Capture,
    private readonly highWaterMark: number,
    private readonly closeOnEnd: boolean,
  ) {
    this.finished = capture.closed;
    if (!this.finished) {
      capture.on('error', this.onError);
      capture.on('close', this.onClose);
      capture.on('packet', this.onPacket); // starts reading
    }
  }

  next(): Promise<IteratorResult<CapturedPacket>> {
    const value = this.queue.shift();
    if (value !== undefined) {
      if (this.paused && this.queue.length <= this.highWaterMark >>> 1) {
        this.paused = false;
        this.capture.resume();
      }
      return Promise.resolve({ value, done: false });
    }
    if (this.failure !== null) {
      const error = this.failure;
      this.failure = null;
      this.finished = true;
      return Promise.reject(error);
    }
    if (this.finished) return Promise.resolve(DONE);
    return new Promise((resolve, reject) => this.waiting.push({ resolve, reject }));
  }

  return(): Promise<IteratorResult<CapturedPacket>> {
    this.stop();
    return Promise.resolve(DONE);
  }

  throw(error?: unknown): Promise<IteratorResult<CapturedPacket>> {
    this.stop();
    return Promise.reject(error);
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  private readonly onPacket = (p: CapturedPacket): void => {
    const waiter = this.waiting.shift();
    if (waiter !== undefined) return waiter.resolve({ value: p, done: false });
    this.queue.push(p);
    if (this.queue.length >= this.highWaterMark && !this.paused) {
      this.paused = true;
      this.capture.pause();
    }
  };

  private readonly onError = (error: CaptureError): void => {
    this.failure = error;
    for (const w of this.waiting.splice(0)) w.reject(error);
    this.detach();
  };

  private readonly onClose = (): void => {
    this.finished = true;
    for (const w of this.waiting.splice(0)) w.resolve(DONE);
    this.detach();
  };

  private detach(): void {
    this.capture.off('packet', this.onPacket);
    this.capture.off('error', this.onError);
    this.capture.off('close', this.onClose);
    if (this.paused) {
      this.paused = false;
      this.capture.resume();
    }
  }

  private stop(): void {
    this.finished = true;
    this.queue.length = 0;
    for (const w of this.waiting.splice(0)) w.resolve(DONE);
    this.detach();
    if (this.closeOnEnd) this.capture.close();
  }
}

export function packetQueue(capture: Capture, options: PacketsOptions): AsyncIterableIterator<CapturedPacket> {
  const highWaterMark = options.highWaterMark ?? 4096;
  if (!Number.isInteger(highWaterMark) || highWaterMark < 1) throw new RangeError('highWaterMark must be a positive integer');
  return new PacketQueue(capture, highWaterMark, options.close ?? true);
}
