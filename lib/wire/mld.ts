// Multicast Listener Discovery (MLDv1 RFC 2710, MLDv2 RFC 3810), the part after ICMPv6's type,
// code and checksum (icmpv6.ts hands it here).
//
//   130 Query      | Maximum Response Code (16) | Reserved (16) | Multicast Address (16 bytes) |
//                  MLDv2 adds: | Resv (4) | S | QRV (3) | QQIC (8) | Number of Sources (16) | Sources
//                  (RFC 3810 section 8.1: 24 bytes is a version 1 query, 28 or more version 2)
//   131 Report, 132 Done (MLDv1)   | Maximum Response Delay (16) | Reserved (16) | Multicast Address |
//   143 Version 2 Report           | Reserved (16) | Number of Records (16) | records:
//                  | Record Type | Aux Data Len (32-bit words) | Number of Sources | Multicast Address |
//                  | Sources (16 bytes each) | Auxiliary Data |
//
// Maximum Response Code and QQIC of an MLDv2 query use a floating-point form above 32767 and
// 127 (RFC 3810 sections 5.1.3 and 5.1.9); maxResponseDelay and queryInterval are their values.
// Bytes past the structure the message describes are kept in `data`.

import { put16, u16, view } from './bytes.js';
import { checkBool, checkBytes, checkUint, DecodeError, EncodeError } from './errors.js';
import { address6Value, formatIpv6 } from './ipv6-address.js';
import type { Icmpv6Base } from './icmpv6-base.js';

export type MldKind = 'mld-query' | 'mld-report' | 'mld-done' | 'mldv2-report';

export const MLD_MIN_LENGTH: Record<MldKind, number> = {
  'mld-query': 24,
  'mld-report': 24,
  'mld-done': 24,
  'mldv2-report': 8,
};

const V2_QUERY_LENGTH = 28;
const RECORD_HEADER_LENGTH = 20;

/** MLDv2 multicast address record types (RFC 3810 section 5.2.12). */
export const MLD_RECORD_TYPE = {
  MODE_IS_INCLUDE: 1,
  MODE_IS_EXCLUDE: 2,
  CHANGE_TO_INCLUDE_MODE: 3,
  CHANGE_TO_EXCLUDE_MODE: 4,
  ALLOW_NEW_SOURCES: 5,
  BLOCK_OLD_SOURCES: 6,
} as const;

export interface MldQuery extends Icmpv6Base {
  kind: 'mld-query';
  /** 1 for a 24-byte query, 2 for 28 bytes or more. */
  version: 1 | 2;
  maxResponseCode: number;
  /** Milliseconds: the code itself for MLDv1, decoded per RFC 3810 5.1.3 for MLDv2. */
  maxResponseDelay: number;
  reserved: number;
  multicastAddress: string;
  /** MLDv2 only (null for version 1): the 4 bits before S. */
  flagsReserved: number | null;
  suppressRouterProcessing: boolean | null;
  /** Querier's robustness variable. */
  qrv: number | null;
  /** Querier's query interval code, and its value in seconds. */
  qqic: number | null;
  queryInterval: number | null;
  numberOfSources: number | null;
  sources: string[] | null;
  data: Buffer;
}
export interface MldV1Message extends Icmpv6Base {
  kind: 'mld-report' | 'mld-done';
  maxResponseDelay: number;
  reserved: number;
  multicastAddress: string;
  data: Buffer;
}
export interface MulticastAddressRecord {
  recordType: number;
  /** In 32-bit words, as on the wire. */
  auxDataLength: number;
  numberOfSources: number;
  multicastAddress: string;
  sources: string[];
  auxData: Buffer;
}
export interface MldV2Report extends Icmpv6Base {
  kind: 'mldv2-report';
  reserved: number;
  numberOfRecords: number;
  records: MulticastAddressRecord[];
  data: Buffer;
}
export type MldMessage = MldQuery | MldV1Message | MldV2Report;

/** RFC 3810 5.1.3 (Maximum Response Code) and 5.1.9 (QQIC): the value a code stands for. */
export function floatingCode(code: number, bits: 16 | 8): number {
  const limit = bits === 16 ? 0x8000 : 0x80;
  if (code < limit) return code;
  const mantissa = bits === 16 ? code & 0xfff : code & 0xf;
  const exponent = bits === 16 ? (code >>> 12) & 7 : (code >>> 4) & 7;
  return (mantissa | (bits === 16 ? 0x1000 : 0x10)) * 2 ** (exponent + 3);
}

function addresses(b: Uint8Array, o: number, n: number): string[] {
  const out: string[] = new Array(n);
  for (let k = 0; k < n; k++) out[k] = formatIpv6(b, o + 16 * k);
  return out;
}

/** Decodes the message at b[o, end) (length already checked against MLD_MIN_LENGTH). */
export function decodeMld(kind: MldKind, b: Uint8Array, o: number, end: number, base: Icmpv6Base): MldMessage {
  if (kind === 'mldv2-report') return decodeV2Report(b, o, end, base);
  if (kind !== 'mld-query') {
    return { kind, ...base, maxResponseDelay: u16(b, o + 4), reserved: u16(b, o + 6), multicastAddress: formatIpv6(b, o + 8), data: view(b, o + 24, end - o - 24) };
  }
  const code = u16(b, o + 4);
  const v2 = end - o >= V2_QUERY_LENGTH;
  const q: MldQuery = {
    kind,
    ...base,
    version: v2 ? 2 : 1,
    maxResponseCode: code,
    maxResponseDelay: v2 ? floatingCode(code, 16) : code,
    reserved: u16(b, o + 6),
    multicastAddress: formatIpv6(b, o + 8),
    flagsReserved: null,
    suppressRouterProcessing: null,
    qrv: null,
    qqic: null,
    queryInterval: null,
    numberOfSources: null,
    sources: null,
    data: view(b, o + 24, end - o - 24),
  };
  if (!v2) return q;
  const f = b[o + 24]!;
  q.flagsReserved = f >>> 4;
  q.suppressRouterProcessing = (f & 8) !== 0;
  q.qrv = f & 7;
  q.qqic = b[o + 25]!;
  q.queryInterval = floatingCode(q.qqic, 8);
  const n = u16(b, o + 26);
  q.numberOfSources = n;
  if (o + V2_QUERY_LENGTH + 16 * n > end) {
    throw new DecodeError(`MLDv2 query says ${n} sources (${16 * n} bytes), ${end - o - V2_QUERY_LENGTH} present`, o + 26, q);
  }
  q.sources = addresses(b, o + V2_QUERY_LENGTH, n);
  q.data = view(b, o + V2_QUERY_LENGTH + 16 * n, end - o - V2_QUERY_LENGTH - 16 * n);
  return q;
}

function decodeV2Report(b: Uint8Array, o: number, end: number, base: Icmpv6Base): MldV2Report {
  const count = u16(b, o + 6);
  const m: MldV2Report = { kind: 'mldv2-report', ...base, reserved: u16(b, o + 4), numberOfRecords: count, records: [], data: view(b, end, 0) };
  let i = o + 8;
  for (let r = 0; r < count; r++) {
    if (end - i < RECORD_HEADER_LENGTH) {
      throw new DecodeError(`MLDv2 record ${r + 1} of ${count} needs ${RECORD_HEADER_LENGTH} bytes, ${end - i} present`, i, m);
    }
    const aux = b[i + 1]!;
    const n = u16(b, i + 2);
    const size = RECORD_HEADER_LENGTH + 16 * n + 4 * aux;
    if (i + size > end) {
      throw new DecodeError(`MLDv2 record ${r + 1} of ${count} needs ${size} bytes (${n} sources, ${aux} aux words), ${end - i} present`, i, m);
    }
    m.records.push({
      recordType: b[i]!,
      auxDataLength: aux,
      numberOfSources: n,
      multicastAddress: formatIpv6(b, i + 4),
      sources: addresses(b, i + RECORD_HEADER_LENGTH, n),
      auxData: view(b, i + RECORD_HEADER_LENGTH + 16 * n, 4 * aux),
    });
    i += size;
  }
  m.data = view(b, i, end - i);
  return m;
}

// ---- encode -------------------------------------------------------------------------------------

interface InitBase {
  type?: number;
  code?: number;
  checksum?: number;
  data?: Uint8Array;
}
export interface MulticastAddressRecordInit {
  recordType: number;
  auxDataLength?: number;
  numberOfSources?: number;
  multicastAddress: string | Uint8Array;
  sources?: (string | Uint8Array)[];
  auxData?: Uint8Array;
}
export type MldMessageInit =
  | (InitBase & {
      kind: 'mld-query';
      /** Default: 2 when any MLDv2 field is given, else 1. */
      version?: 1 | 2;
      maxResponseCode?: number;
      reserved?: number;
      multicastAddress?: string | Uint8Array;
      flagsReserved?: number | null;
      suppressRouterProcessing?: boolean | null;
      qrv?: number | null;
      qqic?: number | null;
      numberOfSources?: number | null;
      sources?: (string | Uint8Array)[] | null;
    })
  | (InitBase & { kind: 'mld-report' | 'mld-done'; maxResponseDelay?: number; reserved?: number; multicastAddress: string | Uint8Array })
  | (InitBase & { kind: 'mldv2-report'; reserved?: number; numberOfRecords?: number; records?: MulticastAddressRecordInit[] });

type QueryInit = Extract<MldMessageInit, { kind: 'mld-query' }>;

function queryVersion(q: QueryInit): 1 | 2 {
  if (q.version !== undefined) {
    if (q.version !== 1 && q.version !== 2) throw new EncodeError('version', q.version, `${String(q.version)} is not an MLD query version (1 or 2)`, '1 or 2');
    return q.version;
  }
  const v2 = [q.flagsReserved, q.suppressRouterProcessing, q.qrv, q.qqic, q.numberOfSources, q.sources].some((x) => x !== undefined && x !== null);
  return v2 ? 2 : 1;
}

function recordLength(r: MulticastAddressRecordInit, k: number): number {
  return RECORD_HEADER_LENGTH + 16 * (r.sources?.length ?? 0) + (r.auxData === undefined ? 0 : checkBytes(r.auxData, `records[${k}].auxData`).length);
}

/** Bytes after the first 8. */
export function mldBodyLength(init: MldMessageInit): number {
  const data = init.data === undefined ? 0 : checkBytes(init.data, 'data').length;
  switch (init.kind) {
    case 'mld-query':
      return 16 + (queryVersion(init) === 2 ? 4 + 16 * (init.sources?.length ?? 0) : 0) + data;
    case 'mldv2-report':
      return (init.records ?? []).reduce((n, r, k) => n + recordLength(r, k), 0) + data;
    default:
      return 16 + data;
  }
}

/** The 32-bit word at bytes 4-7. */
export function mldRestOfHeader(init: MldMessageInit): number {
  const reserved = init.reserved === undefined ? 0 : checkUint(init.reserved, 0xffff, 'reserved');
  switch (init.kind) {
    case 'mld-query':
      return ((init.maxResponseCode === undefined ? 10000 : checkUint(init.maxResponseCode, 0xffff, 'maxResponseCode')) * 0x10000) + reserved;
    case 'mldv2-report': {
      const n = init.numberOfRecords ?? init.records?.length ?? 0;
      return reserved * 0x10000 + checkUint(n, 0xffff, 'numberOfRecords');
    }
    default:
      return (init.maxResponseDelay === undefined ? 0 : checkUint(init.maxResponseDelay, 0xffff, 'maxResponseDelay')) * 0x10000 + reserved;
  }
}

/** Writes the body (mldBodyLength bytes) at b[o...], o being the message offset + 8. */
export function writeMldBody(init: MldMessageInit, b: Uint8Array, o: number): void {
  let i = o;
  if (init.kind === 'mldv2-report') {
    (init.records ?? []).forEach((r, k) => {
      i += writeRecord(r, b, i, `records[${k}]`);
    });
  } else {
    b.set(init.multicastAddress === undefined ? new Uint8Array(16) : address6Value(init.multicastAddress, 'multicastAddress'), i);
    i += 16;
    if (init.kind === 'mld-query' && queryVersion(init) === 2) {
      const flags =
        ((init.flagsReserved ?? 0) === 0 ? 0 : checkUint(init.flagsReserved, 15, 'flagsReserved') << 4) |
        (init.suppressRouterProcessing !== undefined && init.suppressRouterProcessing !== null && checkBool(init.suppressRouterProcessing, 'suppressRouterProcessing') ? 8 : 0) |
        (init.qrv === undefined || init.qrv === null ? 2 : checkUint(init.qrv, 7, 'qrv'));
      b[i] = flags;
      b[i + 1] = init.qqic === undefined || init.qqic === null ? 125 : checkUint(init.qqic, 255, 'qqic');
      const sources = init.sources ?? [];
      put16(b, i + 2, init.numberOfSources === undefined || init.numberOfSources === null ? sources.length : checkUint(init.numberOfSources, 0xffff, 'numberOfSources'));
      i += 4;
      sources.forEach((s, k) => {
        b.set(address6Value(s, `sources[${k}]`), i);
        i += 16;
      });
    }
  }
  if (init.data !== undefined) b.set(init.data, i);
}

function writeRecord(r: MulticastAddressRecordInit, b: Uint8Array, o: number, field: string): number {
  if (r === null || typeof r !== 'object') throw new EncodeError(field, r, 'not a multicast address record object', 'an object');
  const sources = r.sources ?? [];
  const aux = r.auxData === undefined ? 0 : r.auxData.length;
  if (r.auxDataLength === undefined && aux % 4 !== 0) {
    throw new EncodeError(`${field}.auxData`, r.auxData, `${aux} bytes is not a whole number of 32-bit words`, 'a multiple of 4 bytes');
  }
  b[o] = checkUint(r.recordType, 255, `${field}.recordType`);
  b[o + 1] = r.auxDataLength === undefined ? aux / 4 : checkUint(r.auxDataLength, 255, `${field}.auxDataLength`);
  put16(b, o + 2, r.numberOfSources === undefined ? sources.length : checkUint(r.numberOfSources, 0xffff, `${field}.numberOfSources`));
  b.set(address6Value(r.multicastAddress, `${field}.multicastAddress`), o + 4);
  sources.forEach((s, k) => b.set(address6Value(s, `${field}.sources[${k}]`), o + RECORD_HEADER_LENGTH + 16 * k));
  if (r.auxData !== undefined) b.set(r.auxData, o + RECORD_HEADER_LENGTH + 16 * sources.length);
  return RECORD_HEADER_LENGTH + 16 * sources.length + aux;
}
