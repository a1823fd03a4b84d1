// RawSocket.messages(): received messages as an async iterator, with back-pressure. Messages
// are buffered up to highWaterMark; past that, receiving pauses (the kernel keeps the rest, up to
// SO_RCVBUF) until the loop has taken half of them. Ending the loop (break, return, throw) closes
// the socket unless asked not to; an 'error' ends the iteration by throwing it.
import type { EventEmitter } from 'node:events';

import type { SocketError } from './errors.js';
import type { MessageInfo, RawSocketEvents, ReceivedMessage } from './values.js';

/** What the iterator needs of its socket. */
export interface MessageSource {
  readonly emitter: EventEmitter<RawSocketEvents>;
  readonly closed: boolean;
  readonly paused: boolean;
  /** Stops receiving until resume(): the kernel holds what comes meanwhile. */
  pause(): void;
  resume(): void;
  close(): void;
}

type Waiter = { resolve: (r: IteratorResult<ReceivedMessage>) => void; reject: (e: unknown) => void };

const DONE: IteratorResult<ReceivedMessage> = { value: undefined, done: true };

export class MessageIterator implements AsyncIterableIterator<ReceivedMessage> {
  #source: MessageSource;
  #highWaterMark: number;
  #closeOnEnd: boolean;
  #queue: ReceivedMessage[] = [];
  #waiting: Waiter[] = [];
  #finished: boolean;
  #failure: unknown = null;

  constructor(source: MessageSource, highWaterMark: number, closeOnEnd: boolean) {
    this.#source = source;
    this.#highWaterMark = highWaterMark;
    this.#closeOnEnd = closeOnEnd;
    this.#finished = source.closed;
    if (!this.#finished) {
      const emitter = source.emitter;
      emitter.on('error', this.#onError);
      emitter.on('close', this.#onEnd);
      emitter.on('end', this.#onEnd);
      emitter.on('message', this.#onMessage); // starts receiving
    }
  }

  next(): Promise<IteratorResult<ReceivedMessage>> {
    const value = this.#queue.shift();
    const source = this.#source;
    if (value !== undefined) {
      if (source.paused && this.#queue.length <= this.#highWaterMark >>> 1 && !source.closed) source.resume();
      return Promise.resolve({ value, done: false });
    }
    if (this.#failure !== null) {
      const error = this.#failure;
      this.#failure = null;
      this.#finished = true;
      return Promise.reject(error);
    }
    if (this.#finished) return Promise.resolve(DONE);
    return new Promise((resolve, reject) => this.#waiting.push({ resolve, reject }));
  }

  return(): Promise<IteratorResult<ReceivedMessage>> {
    return Promise.resolve(this.#stop());
  }

  throw(error?: unknown): Promise<IteratorResult<ReceivedMessage>> {
    this.#stop();
    return Promise.reject(error);
  }

  [Symbol.asyncIterator](): AsyncIterableIterator<ReceivedMessage> {
    return this;
  }

  #onMessage = (msg: Buffer, info: MessageInfo): void => {
    const waiter = this.#waiting.shift();
    if (waiter !== undefined) {
      waiter.resolve({ value: { msg, info }, done: false });
      return;
    }
    this.#queue.push({ msg, info });
    const source = this.#source;
    if (this.#queue.length >= this.#highWaterMark && !source.paused && !source.closed) source.pause();
  };

  #onError = (error: SocketError): void => {
    this.#failure = error;
    for (const w of this.#waiting.splice(0)) w.reject(error);
    this.#detach();
  };

  #onEnd = (): void => {
    this.#finished = true;
    for (const w of this.#waiting.splice(0)) w.resolve(DONE);
    this.#detach();
  };

  #detach(): void {
    const { emitter } = this.#source;
    emitter.off('message', this.#onMessage);
    emitter.off('error', this.#onError);
    emitter.off('close', this.#onEnd);
    emitter.off('end', this.#onEnd);
    if (this.#source.paused && !this.#source.closed) this.#source.resume();
  }

  #stop(): IteratorResult<ReceivedMessage> {
    this.#finished = true;
    this.#queue.length = 0;
    for (const w of this.#waiting.splice(0)) w.resolve(DONE);
    this.#detach();
    if (this.#closeOnEnd) this.#source.close();
    return DONE;
  }
}
