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

export function packetQueue(capture: Capture, options: PacketsOptions): AsyncIterableIterator<CapturedPacket> {
  const highWaterMark = options.highWaterMark ?? 4096;
  const closeOnEnd = options.close ?? true;
  if (!Number.isInteger(highWaterMark) || highWaterMark < 1) throw new RangeError('highWaterMark must be a positive integer');
  const queue: CapturedPacket[] = [];
  const waiting: Waiter[] = [];
  let finished = capture.closed;
  let failure: unknown = null;
  let paused = false;

  const onPacket = (p: CapturedPacket): void => {
    const waiter = waiting.shift();
    if (waiter !== undefined) return waiter.resolve({ value: p, done: false });
    queue.push(p);
    if (queue.length >= highWaterMark && !paused) {
      paused = true;
      capture.pause();
    }
  };
  const onError = (error: CaptureError): void => {
    failure = error;
    for (const w of waiting.splice(0)) w.reject(error);
    detach();
  };
  const onClose = (): void => {
    finished = true;
    for (const w of waiting.splice(0)) w.resolve({ value: undefined, done: true });
    detach();
  };
  const detach = (): void => {
    capture.off('packet', onPacket);
    capture.off('error', onError);
    capture.off('close', onClose);
    if (paused) {
      paused = false;
      capture.resume();
    }
  };
  const stop = (): IteratorResult<CapturedPacket> => {
    finished = true;
    queue.length = 0;
    for (const w of waiting.splice(0)) w.resolve({ value: undefined, done: true });
    detach();
    if (closeOnEnd) capture.close();
    return { value: undefined, done: true };
  };

  if (!finished) {
    capture.on('error', onError);
    capture.on('close', onClose);
    capture.on('packet', onPacket); // starts reading
  }

  const iterator: AsyncIterableIterator<CapturedPacket> = {
    next(): Promise<IteratorResult<CapturedPacket>> {
      const value = queue.shift();
      if (value !== undefined) {
        if (paused && queue.length <= highWaterMark >>> 1) {
          paused = false;
          capture.resume();
        }
        return Promise.resolve({ value, done: false });
      }
      if (failure !== null) {
        const error = failure;
        failure = null;
        finished = true;
        return Promise.reject(error);
      }
      if (finished) return Promise.resolve({ value: undefined, done: true });
      return new Promise((resolve, reject) => waiting.push({ resolve, reject }));
    },
    return: (): Promise<IteratorResult<CapturedPacket>> => Promise.resolve(stop()),
    throw: (error?: unknown): Promise<IteratorResult<CapturedPacket>> => {
      stop();
      return Promise.reject(error);
    },
    [Symbol.asyncIterator]() {
      return iterator;
    },
  };
  return iterator;
}
