// Several sockets as one ProbeSocket for the engine: sends go through one (trace's raw ICMP
// socket, send's IPPROTO_RAW socket), answers come in from each of the others (a raw TCP socket
// for SYN-ACKs, raw UDP and ICMP sockets for send --wait). The sender's send timestamps come from
// the sender (IPv6's sender is never polled: one of the receivers reads them for it). The engine
// never knows there are more than one.
import type { ReceiveBatch, SendStamps } from '../../socket/batch.js';
import type { RawSocket } from '../../socket/socket.js';
import type { SessionSocket } from './session.js';

/** Sends through one socket, receives from several. */
/** The group's events and their listeners. */
interface GroupEvents {
  batch: (batch: ReceiveBatch) => void;
  txstamps: (stamps: SendStamps) => void;
  error: (error: Error) => void;
}

export class SocketGroup implements SessionSocket {
  readonly sender: RawSocket;
  readonly receivers: readonly RawSocket[];
  /** The receiver that reads the sender's send stamps with its batches (RawSocket.readStampsOf), or null: the sender's own. */
  readonly stampReader: RawSocket | null;

  constructor(sender: RawSocket, receivers: readonly RawSocket[], stampReader: RawSocket | null = null) {
    this.sender = sender;
    this.receivers = receivers;
    this.stampReader = stampReader;
  }

  sendTo(buffer: Uint8Array, address: string): { bytes: number; sentAt: number; key: number } {
    return this.sender.sendTo(buffer, address);
  }

  sendMany(buffers: readonly Uint8Array[], target: string | Uint32Array | readonly string[]): { sent: number; sentAt: number; error: Error | null; firstKey: number } {
    return this.sender.sendMany(buffers, target);
  }

  queueMany(buffers: readonly Uint8Array[], target: string | Uint32Array | readonly string[], tag: number): { sentAt: number; firstKey: number } {
    return this.sender.queueMany(buffers, target, tag);
  }

  flushQueued(): void {
    this.sender.flushQueued();
  }

  takeSendFailures(): { tag: number; error: Error }[] | null {
    return this.sender.takeSendFailures();
  }

  on<E extends keyof GroupEvents>(event: E, listener: GroupEvents[E]): this {
    return this.#listen('on', event, listener);
  }

  off<E extends keyof GroupEvents>(event: E, listener: GroupEvents[E]): this {
    return this.#listen('off', event, listener);
  }

  /** Send stamps are the sender's (read by the stamp reader, when there is one); batches and errors come from every receiver. */
  #listen(method: 'on' | 'off', event: keyof GroupEvents, listener: GroupEvents[keyof GroupEvents]): this {
    if (event === 'txstamps') (this.stampReader ?? this.sender)[method](event, listener as GroupEvents['txstamps']);
    else for (const r of this.receivers) r[method](event as 'batch', listener as GroupEvents['batch']);
    return this;
  }

  close(): void {
    for (const r of new Set([this.sender, ...this.receivers])) r.close();
  }
}
