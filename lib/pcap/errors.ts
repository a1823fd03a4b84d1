// The one error a capture file can raise: PcapError, for a file that is not a capture we can
// read or that breaks part-way. It names where: the index of the packet that could not be read
// (= the number of packets delivered before it) and the byte offset of the structure that broke,
// so "keep the first <offset> bytes" is a valid repair.

import { GLOBAL_HEADER } from './format.js';

/** Why a capture could not be read further. Values are stable strings, fit for tests and JSON. */
export const PCAP_ERROR = {
  EMPTY_FILE: 'empty-file',
  BAD_MAGIC: 'bad-magic',
  UNSUPPORTED_FORMAT: 'unsupported-format',
  UNSUPPORTED_VERSION: 'unsupported-version',
  TRUNCATED_GLOBAL_HEADER: 'truncated-global-header',
  TRUNCATED_RECORD_HEADER: 'truncated-record-header',
  TRUNCATED_PACKET: 'truncated-packet',
  /** incl_len above MAX_CAPTURED_LENGTH (a record above the snaplen is read whole, as Wireshark reads it). */
  BAD_CAPTURED_LENGTH: 'bad-captured-length',
  /** pcapng: a block cut by the end of the file. */
  TRUNCATED_BLOCK: 'truncated-block',
  /** pcapng: a block whose lengths, byte-order magic, interface or options make no sense. */
  CORRUPT_BLOCK: 'corrupt-block',
} as const;

export type PcapErrorReason = (typeof PCAP_ERROR)[keyof typeof PCAP_ERROR];

export class PcapError extends Error {
  /** Machine-readable cause. */
  readonly reason: PcapErrorReason;
  /** 0-based index of the packet that could not be read; also the count delivered before it. */
  readonly packetIndex: number;
  /** Byte offset in the file of the header, record or block that broke. */
  readonly offset: number;

  constructor(reason: PcapErrorReason, message: string, packetIndex: number, offset: number) {
    super(message);
    this.name = 'PcapError';
    this.reason = reason;
    this.packetIndex = packetIndex;
    this.offset = offset;
  }
}

/** "<name>: <what> at packet index N, byte offset X: <detail>": how every record or block error reads. */
export function recordError(name: string, reason: PcapErrorReason, index: number, at: number, what: string, detail: string): PcapError {
  return new PcapError(reason, `${name}: ${what} at packet index ${index}, byte offset ${at}: ${detail}`, index, at);
}

/** A file that ends inside its first header: `left` of the classic header's 24 bytes. */
export function truncatedGlobalHeader(name: string, at: number, left: number): PcapError {
  return new PcapError(
    PCAP_ERROR.TRUNCATED_GLOBAL_HEADER,
    `${name}: truncated global header at byte offset ${at}: ${left} of ${GLOBAL_HEADER.LENGTH} bytes`,
    0,
    at,
  );
}
