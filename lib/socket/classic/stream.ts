// The makefile idea: a classic Socket as a Node Duplex, for stream.pipeline and friends.
//
//   await pipeline(createReadStream('big.iso'), socket.toStream());   // sendAll, then shutdown('write')
//   await pipeline(socket.toStream(), createWriteStream('copy.iso'));  // recv until the peer's end
//
// Writing uses sendAll, so a write's callback runs when the kernel has every byte: that is
// the stream's back-pressure. On a stream socket ending the writable side shuts the socket
// down for writing (the peer reads its end of stream); a recv of 0 bytes ends the readable
// side. On seqpacket and dgram sockets each chunk is one message both ways (the readable side
// is in object mode, so boundaries survive); ending a seqpacket writable shuts it down too.
// Destroying the stream closes the socket unless `closeOnDestroy: false`.
import { Duplex } from 'node:stream';

import type { Socket } from './socket.js';

export interface StreamOptions {
  /** Bytes asked for per recv (default 65536). */
  readSize?: number;
  /** Close the socket when the stream is destroyed (default true). */
  closeOnDestroy?: boolean;
}

export function socketStream(socket: Socket, options: StreamOptions = {}): Duplex {
  const readSize = options.readSize ?? 65536;
  const closeOnDestroy = options.closeOnDestroy ?? true;
  const messages = socket.type !== 'stream';
  let reading = false;
  return new Duplex({
    readableObjectMode: messages,
    read(): void {
      if (reading) return;
      reading = true;
      socket.recv(readSize).then(
        (data) => {
          reading = false;
          // 0 bytes: the end of a stream (or a seqpacket connection); a dgram may be empty.
          if (data.length === 0 && socket.type !== 'dgram') this.push(null);
          else this.push(data);
        },
        (error: unknown) => {
          reading = false;
          this.destroy(error as Error);
        },
      );
    },
    write(chunk: Buffer, _encoding, callback): void {
      const sent = messages ? socket.send(chunk) : socket.sendAll(chunk);
      sent.then(
        () => callback(),
        (error: unknown) => callback(error as Error),
      );
    },
    final(callback): void {
      if (socket.type === 'dgram') {
        callback();
        return;
      }
      try {
        socket.shutdown('write');
        callback();
      } catch (error) {
        callback(error as Error);
      }
    },
    destroy(error, callback): void {
      if (closeOnDestroy) socket.close();
      callback(error);
    },
  });
}
