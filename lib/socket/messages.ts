// RawSocket.messages(): received datagrams as an async iterator, `for await (const { msg, info }
// of socket)`. Messages wait in a queue up to highWaterMark; past that, receiving pauses (the
// kernel keeps the rest, up to SO_RCVBUF) until the loop has taken half of them. Ending the loop
// (break, return, throw) closes the socket unless `close: false`; an 'error' ends it by
// throwing; 'end' and 'close' end it quietly.
import { ErrorCode, socketError, type SocketError } from './errors.js';
import type { MessageInfo, MessagesOptions, ReceivedMessage, RawSocketEvents } from './types.js';

/** What the iterator needs of the socket: its events, and receiving paused and resumed. */
export interface MessageSource {
  readonly closed: boolean;
  on<E extends keyof RawSocketEvents>(event: E, listener: (...args: RawSocketEvents[E]) => void): unknown;
  off<E extends keyof RawSocketEvents>(event: E, listener: (...args: RawSocketEvents[E]) => void): unknown;
  close(): void;
}

/** Receiving paused and resumed without waking the socket's own "start on a new listener". */
export interface ReceiveControl {
  pause(): void;
  resume(): void;
  paused(): boolean;
}

type Waiter = { resolve: (r: IteratorResult<ReceivedMessage>) => void; reject: (e: unknown) => void };

const DONE: IteratorResult<ReceivedMessage> = { value: undefined, done: true };

class MessageQueue {
  readonly #socket: MessageSource;
  readonly #control: ReceiveControl;
  readonly #highWaterMark: number;
  readonly #closeOnEnd: boolean;
  readonly #queue: ReceivedMessage[] = [];
  readonly #waiting: Waiter[] = [];
  #finished: boolean;
  #failure: unknown = null;

  constructor(socket: MessageSource, control: ReceiveControl, highWaterMark: number, closeOnEnd: boolean) {
    this.#socket = socket;
    this.#control = control;
    this.#highWaterMark = highWaterMark;
    this.#closeOnEnd = closeOnEnd;
    this.#finished = socket.closed;
    if (!this.#finished) {
      socket.on('error', this.#onError);
      socket.on('close', this.#onEnd);
      socket.on('end', this.#onEnd);
      socket.on('message', this.#onMessage); // starts receiving
    }
  }

  next(): Promise<IteratorResult<ReceivedMessage>> {
    const value = this.#queue.shift();
    if (value !== undefined) {
      if (this.#control.paused() && this.#queue.length <= this.#highWaterMark >>> 1 && !this.#socket.closed) this.#control.resume();
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

  /** The loop ended early: drop what is queued, stop listening, close unless told not to. */
  stop(): IteratorResult<ReceivedMessage> {
    this.#finished = true;
    this.#queue.length = 0;
    for (const w of this.#waiting.splice(0)) w.resolve(DONE);
    this.#detach();
    if (this.#closeOnEnd) this.#socket.close();
    return DONE;
  }

  #onMessage = (msg: Buffer, info: MessageInfo): void => {
    const waiter = this.#waiting.shift();
    if (waiter !== undefined) {
      waiter.resolve({ value: { msg, info }, done: false });
      return;
    }
    this.#queue.push({ msg, info });
    if (this.#queue.length >= this.#highWaterMark && !this.#control.paused() && !this.#socket.closed) this.#control.pause();
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
    this.#socket.off('message', this.#onMessage);
    this.#socket.off('error', this.#onError);
    this.#socket.off('close', this.#onEnd);
    this.#socket.off('end', this.#onEnd);
    if (this.#control.paused() && !this.#socket.closed) this.#control.resume();
  }
}

export function messageIterator(socket: MessageSource, options: MessagesOptions, control: ReceiveControl): AsyncIterableIterator<ReceivedMessage> {
  const highWaterMark = options.highWaterMark ?? 1024;
  if (!Number.isInteger(highWaterMark) || highWaterMark < 1) {
    throw socketError(ErrorCode.invalidArgValue, 'highWaterMark must be a positive integer', 'RangeError');
  }
  const queue = new MessageQueue(socket, control, highWaterMark, options.close ?? true);
  const iterator: AsyncIterableIterator<ReceivedMessage> = {
    next: () => queue.next(),
    return: () => Promise.resolve(queue.stop()),
    throw: (error?: unknown) => {
      queue.stop();
      return Promise.reject(error);
    },
    [Symbol.asyncIterator]() {
      return iterator;
    },
  };
  return iterator;
}
