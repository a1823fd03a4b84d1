// The addon's shapes turned into ours: addresses, error-queue entries, and the MessageInfo of a
// datagram in a receive batch (for 'message' listeners and anyone holding a batch).
import { formatIpv4 } from '../wire/bytes.js';
import type { NativeAddress, NativeErrQueueEntry } from './addon.js';
import { BATCH, FLAG_KERNEL_TIMESTAMP, type ReceiveBatch } from './batch.js';
import { constants } from './constants.js';
import { familyName } from './kinds.js';
import type { ErrorOrigin, MessageInfo, QueuedError, SocketAddress } from './types.js';

const ORIGINS: ReadonlyArray<readonly [ErrorOrigin, 'SO_EE_ORIGIN_NONE' | 'SO_EE_ORIGIN_LOCAL' | 'SO_EE_ORIGIN_ICMP' | 'SO_EE_ORIGIN_ICMP6']> = [
  ['none', 'SO_EE_ORIGIN_NONE'],
  ['local', 'SO_EE_ORIGIN_LOCAL'],
  ['icmp', 'SO_EE_ORIGIN_ICMP'],
  ['icmp6', 'SO_EE_ORIGIN_ICMP6'],
];

export function toAddress(native: NativeAddress | null): SocketAddress | null {
  if (native === null) return null;
  return {
    family: familyName(native.family),
    address: native.address ?? '',
    port: native.port,
    scopeId: native.scopeId,
  };
}

export function toQueuedError(e: NativeErrQueueEntry): QueuedError {
  let origin: ErrorOrigin | null = null;
  if (e.origin !== null) {
    origin = 'other';
    for (const [name, constant] of ORIGINS) if (constants[constant] === e.origin) origin = name;
  }
  return {
    code: e.code,
    errno: e.errno,
    origin,
    icmpType: e.icmpType,
    icmpCode: e.icmpCode,
    info: e.info,
    data: e.data,
    offender: toAddress(e.offender),
    destination: toAddress(e.destination),
    payload: e.payload,
    size: e.wireLength,
    timestamp: e.timestamp,
    kernelTimestamp: e.kernelTimestamp,
  };
}

/** What batch.meta says about datagram i, as a MessageInfo (an object per datagram: not for hot paths). */
export function messageInfoAt(batch: ReceiveBatch, i: number): MessageInfo {
  const { meta, addresses } = batch;
  const base = i * BATCH.stride;
  const length = meta[base + BATCH.length] as number;
  const size = meta[base + BATCH.wireLength] as number;
  const family = meta[base + BATCH.family] as number;
  const port = meta[base + BATCH.port] as number;
  const scopeId = meta[base + BATCH.scopeId] as number;
  const hopLimit = meta[base + BATCH.hopLimit] as number;
  const tos = meta[base + BATCH.tos] as number;
  return {
    address: family === constants.AF_INET ? formatIpv4(meta[base + BATCH.sourceV4] as number) : ((addresses?.[i] as string | undefined) ?? ''),
    family: familyName(family),
    port: port < 0 ? null : port,
    scopeId: scopeId < 0 ? null : scopeId,
    timestamp: meta[base + BATCH.timestamp] as number,
    kernelTimestamp: ((meta[base + BATCH.flags] as number) & FLAG_KERNEL_TIMESTAMP) !== 0,
    size,
    truncated: size > length,
    hopLimit: hopLimit < 0 ? null : hopLimit,
    tos: tos < 0 ? null : tos,
    flags: meta[base + BATCH.msgFlags] as number,
  };
}
