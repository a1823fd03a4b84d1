// What a netcat session does on a socket once it is set up: the two directions of a connection
// (stream, seqpacket), a datagram server's recvfrom loop, a datagram client's sends and answers.
//
// A connection (netcat's rule): what we send comes from the input, and when the input ends the
// socket is shut down for writing (the peer's recv returns 0), or closed with --close. What
// arrives goes to the output, or back to the peer with --echo. The conversation ends at the
// peer's end of stream (a recv of 0 bytes), at --count messages received (connect), or when a
// call fails; input not yet sent then is dropped.
import type { Endpoint, Message, Socket, SocketError, SocketType } from '../socket/index.js';
import type { Input } from './input.js';
import type { NetcatEvent, NetcatOptions } from './session.js';

/** What the exchanges need of their session (session.ts). */
export interface Exchange {
  readonly options: NetcatOptions;
  readonly recvSize: number;
  readonly stopping: boolean;
  readonly messagesIn: number;
  touch(): void;
  received(bytes: number): void;
  sent(bytes: number): void;
  input(): Input | null;
  inputSent(): void;
  event(event: NetcatEvent): void;
}

/** Types with connections (listen/accept, an end of stream); the others exchange datagrams. */
export function isConnectionType(type: SocketType): boolean {
  return type === 'stream' || type === 'seqpacket';
}

/** A call that ended because the session closed its socket (stop, --timeout, --close): not a failure. */
export function closedByUs(error: unknown, socket: Socket): boolean {
  return socket.closed && (error as SocketError | null)?.code === 'ERR_SOCKET_CLOSED';
}

/** A stream takes bytes (sendall); seqpacket and datagrams take one message per send. */
function sendPiece(socket: Socket, data: Uint8Array): Promise<number> {
  return socket.type === 'stream' ? socket.sendAll(data) : socket.send(data);
}

function countReached(x: Exchange): boolean {
  const count = x.options.count ?? null;
  return x.options.role === 'connect' && count !== null && x.messagesIn >= count;
}

/** Sends the input, then shuts down writing (or closes, with closeAfterSend). */
async function sendInput(x: Exchange, conn: Socket, input: Input, over: () => boolean): Promise<void> {
  for (;;) {
    const data = await input.next();
    if (data === null || over()) break;
    x.sent(await sendPiece(conn, data));
  }
  if (over()) return;
  if (x.options.closeAfterSend === true) conn.close();
  else conn.shutdown('write');
}

/**
 * Receives until the end of stream or --count, writing or echoing what comes. One buffer serves
 * every recv (recv_into): the output and the echo are done with the bytes before the next.
 */
async function receiveAll(x: Exchange, conn: Socket): Promise<void> {
  const echo = x.options.echo === true;
  const output = x.options.output ?? null;
  const buffer = Buffer.allocUnsafe(x.recvSize);
  while (!countReached(x)) {
    const n = await conn.recvInto(buffer);
    if (n === 0) return; // the peer's end of stream
    x.received(n);
    const data = buffer.subarray(0, n);
    if (echo) x.sent(await sendPiece(conn, data));
    else if (output !== null) await output.write(data);
  }
}

/**
 * One connection, both directions at once, until the peer's end of stream (or --count, or a
 * failure). A failed send (EPIPE, ECONNRESET) ends the receiving too; its error is thrown.
 */
export async function streamConversation(x: Exchange, conn: Socket): Promise<void> {
  const input = x.options.echo === true ? null : x.input();
  let over = false;
  let sendError: unknown = null;
  let sendingDone = input === null;
  const sending =
    input === null
      ? Promise.resolve()
      : sendInput(x, conn, input, () => over || conn.closed)
          .catch((error: unknown) => {
            if (closedByUs(error, conn)) return;
            sendError = error;
            conn.close();
          })
          .finally(() => {
            sendingDone = true;
          });
  try {
    await receiveAll(x, conn);
  } catch (error) {
    if (!closedByUs(error, conn)) throw error;
  } finally {
    over = true;
    input?.close();
    // A send still waiting for room would wait for a peer that has finished: the conversation is over.
    if (!sendingDone) conn.close();
    await sending;
  }
  if (sendError !== null) throw sendError;
}

/** Where to answer a datagram's sender; null for an unnamed unix sender (nothing can reach it). */
function senderEndpoint(m: Message): Endpoint | null {
  const from = m.from;
  if (from === null || from.address === '') return null;
  return from.port === null ? from.address : { address: from.address, port: from.port };
}

/** Answers one datagram: itself (--echo) or the input's messages. */
async function answer(x: Exchange, server: Socket, m: Message): Promise<void> {
  const to = senderEndpoint(m);
  if (to === null) {
    x.event({ type: 'unanswerable', fd: server.fd });
    return;
  }
  if (x.options.echo === true) {
    x.sent(await server.sendTo(m.data, to));
    return;
  }
  const input = x.input();
  if (input === null) return;
  try {
    for (let data = await input.next(); data !== null && !server.closed; data = await input.next()) {
      x.sent(await server.sendTo(data, to));
    }
  } finally {
    input.close();
  }
}

/**
 * listen on dgram/raw: recvfrom until --count datagrams (or stop, or --timeout); each is echoed,
 * or written to the output and answered with the input's messages when there is an input.
 */
export async function datagramServer(x: Exchange, server: Socket): Promise<void> {
  const count = x.options.count ?? null;
  const output = x.options.output ?? null;
  const echo = x.options.echo === true;
  const answers = (x.options.input ?? null) !== null;
  let served = 0;
  while (!x.stopping && (count === null || served < count)) {
    let m: Message;
    try {
      m = await server.recvFrom(x.recvSize);
    } catch (error) {
      if (closedByUs(error, server)) return;
      throw error;
    }
    served += 1;
    x.received(m.data.length);
    if (!echo && output !== null) await output.write(m.data);
    if (echo || answers) await answer(x, server, m);
  }
  server.close();
}

/**
 * connect on dgram/raw: sends the input, one datagram per piece, while receiving answers; once
 * the input is sent, answers are awaited for the session's answer window (inputSent()).
 */
export async function datagramClient(x: Exchange, socket: Socket): Promise<void> {
  const input = x.input();
  let sendError: unknown = null;
  const sending = (async (): Promise<void> => {
    if (input !== null) {
      for (let data = await input.next(); data !== null && !socket.closed; data = await input.next()) x.sent(await socket.send(data));
    }
    if (!socket.closed) x.inputSent();
  })().catch((error: unknown) => {
    if (closedByUs(error, socket)) return;
    sendError = error;
    socket.close();
  });
  const output = x.options.output ?? null;
  try {
    while (!countReached(x)) {
      const data = await socket.recv(x.recvSize);
      x.received(data.length);
      if (output !== null) await output.write(data);
    }
  } catch (error) {
    if (!closedByUs(error, socket)) throw error;
  } finally {
    input?.close();
    await sending;
  }
  if (sendError !== null) throw sendError;
}
