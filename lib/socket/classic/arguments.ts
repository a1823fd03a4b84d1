// The arguments of the classic calls, checked before any syscall, and the words for waits
// that end without an answer.
import { ErrorCode, socketError } from '../errors.js';
import type { OptionRef } from '../option-calls.js';
import { OPTIONS, type OptionName } from '../options.js';
import type { CallArg } from './call-log.js';

export const DEFAULT_RECV_SIZE = 65536;
export type ShutdownHow = 'read' | 'write' | 'both';

export const SHUT: Record<ShutdownHow, 'SHUT_RD' | 'SHUT_WR' | 'SHUT_RDWR'> = { read: 'SHUT_RD', write: 'SHUT_WR', both: 'SHUT_RDWR' };

/** What each waiting call was waiting for, for its timeout message. */
export const WAITING_FOR: Record<string, string> = {
  accept: 'no connection came',
  connect: 'the connection was not made (the kernel was still trying: close the socket)',
  recv: 'nothing arrived',
  recvfrom: 'nothing arrived',
  recvmsg: 'nothing arrived',
  send: 'the kernel took no bytes (bytesSent says how many went)',
  sendto: 'the kernel took no bytes',
  sendmsg: 'the kernel took no bytes (bytesSent says how many went)',
};

export function checkTimeout(value: unknown): number | null {
  if (value === null) return null;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw socketError(ErrorCode.invalidArgValue, `timeout must be null or a number of milliseconds >= 0 (got ${String(value)})`, 'RangeError');
  }
  return value;
}

export function checkSize(size: unknown, what: string): number {
  if (typeof size !== 'number' || !Number.isInteger(size) || size < 1) {
    throw socketError(ErrorCode.invalidArgValue, `${what} must be a positive integer (got ${String(size)})`, 'RangeError');
  }
  return size;
}

export function checkBuffer(buffer: unknown): Uint8Array {
  if (!(buffer instanceof Uint8Array)) throw socketError(ErrorCode.invalidArgType, 'buffer must be a Buffer or a Uint8Array', 'TypeError');
  if (buffer.length === 0) throw socketError(ErrorCode.invalidArgValue, 'buffer must hold at least one byte', 'RangeError');
  return buffer;
}

export function bytesOf(data: Uint8Array | string): Uint8Array {
  if (typeof data === 'string') return Buffer.from(data, 'utf8');
  if (data instanceof Uint8Array) return data;
  throw socketError(ErrorCode.invalidArgType, 'data must be a Buffer, a Uint8Array or a string', 'TypeError');
}

/** The option as the call log shows it: its level and name, by name when it has one. */
export function optionArgs(option: OptionRef): CallArg[] {
  if (typeof option !== 'string') return [option[0], option[1]];
  const spec = (OPTIONS as Partial<Record<string, (typeof OPTIONS)[OptionName]>>)[option];
  return [spec?.level ?? '?', option];
}
