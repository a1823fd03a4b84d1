// Several sockets as one ProbeSocket for the engine: sends go through one (trace's raw ICMP
// socket, send's IPPROTO_RAW socket), answers come in from each of the others (a raw TCP socket
// for SYN-ACKs, raw UDP and ICMP sockets for send --wait). The sender's send timestamps come from
// the sender. The engine never knows there are more than one.
import type { ReceiveBatch, SendStamps } from '../../socket/batch.js';
import type { RawSocket } from '../../socket/socket.js';
import type { SessionSocket } from './session.js';

/** Sends through one socket, receives from several. */
export class SocketGroup implements SessionSocket {
  readonly sender: RawSocket;
  readonly receivers: readonly RawSocket[];

  constructor(sender: RawSocket, receivers: readonly RawSocket[]) {
    this.sender = sender;
    this.receivers = receivers;
  }

  sendTo(buffer: Uint8Array, address: string): { bytes: number; sentAt: number; key: number } {
    return this.sender.sendTo(buffer, address);
  }

  sendMany(buffers: readonly Uint8Array[], target: string | Uint32Array | readonly string[]): { sent: number; sentAt: number; error: Error | null; firstKey: number } {
    return this.sender.sendMany(buffers, target);
  }

  on(event: 'batch', listener: (batch: ReceiveBatch) => void): this;
  on(event: 'txstamps', listener: (stamps: SendStamps) => void): this;
  on(event: 'error', listener: (error: Error) => void): this;
  on(event: 'batch' | 'txstamps' | 'error', listener: ((batch: ReceiveBatch) => void) | ((stamps: SendStamps) => void) | ((error: Error) => void)): this {
    if (event === 'txstamps') this.sender.on(event, listener as (stamps: SendStamps) => void);
    else for (const r of this.receivers) r.on(event as 'batch', listener as (batch: ReceiveBatch) => void);
    return this;
  }

  off(event: 'batch', listener: (batch: ReceiveBatch) => void): this;
  off(event: 'txstamps', listener: (stamps: SendStamps) => void): this;
  off(event: 'error', listener: (error: Error) => void): this;
  off(event: 'batch' | 'txstamps' | 'error', listener: ((batch: ReceiveBatch) => void) | ((stamps: SendStamps) => void) | ((error: Error) => void)): this {
    if (event === 'txstamps') this.sender.off(event, listener as (stamps: SendStamps) => void);
    else for (const r of this.receivers) r.off(event as 'batch', listener as (batch: ReceiveBatch) => void);
    return this;
  }

  close(): void {
    for (const r of new Set([this.sender, ...this.receivers])) r.close();
  }
}
