// Checking every packet of a capture: the record loop around verifyIp (IPv4 and IPv6). One
// RecordView, one NetworkLocation and one PacketChecksums serve every record, so a file of good
// packets is checked without allocating per packet.
//
//   const tally = new ChecksumTally();
//   await checkCapture('big.pcap', { tally });            // throws PcapError if the file breaks;
//   tally.summary();                                      // the tally holds what came before
//
// For other inputs (hex text, packets in memory) feed RecordView-shaped frames to a
// CaptureChecker's onRecord yourself.

import {
  LINKTYPE,
  MAX_CAPTURED_LENGTH,
  PcapWriter,
  locateNetworkInRecord,
  newNetworkLocation,
  readPcapBuffer,
  readPcapFile,
  type PcapInfo,
  type PcapSource,
  type RecordView,
} from '../pcap/index.js';
import { ChecksumFixer } from './fix.js';
import { ChecksumTally } from './tally.js';
import { newPacketChecksums, type PacketChecksums } from './status.js';
import { verifyIp } from './verify.js';

/** What CaptureChecker needs of a record (a RecordView has all of it). */
export type CheckRecord = Pick<
  RecordView,
  'buffer' | 'index' | 'offset' | 'fileOffset' | 'capturedLength' | 'originalLength' | 'tsSec' | 'tsNsec' | 'linkType' | 'fcsLength'
>;

export interface CaptureCheckerOptions {
  tally?: ChecksumTally;
  /** Copy every record here, bad checksums corrected. */
  fix?: ChecksumFixer | null;
  /**
   * Called after each IP packet is checked, with the reused result: read it in the callback.
   * Return false to stop.
   */
  onChecked?: ((record: CheckRecord, r: PacketChecksums) => void | boolean) | null;
}

export class CaptureChecker {
  readonly tally: ChecksumTally;
  readonly fix: ChecksumFixer | null;
  private readonly loc = newNetworkLocation();
  private readonly result = newPacketChecksums();
  private readonly onChecked: CaptureCheckerOptions['onChecked'];

  constructor(options: CaptureCheckerOptions = {}) {
    this.tally = options.tally ?? new ChecksumTally();
    this.fix = options.fix ?? null;
    this.onChecked = options.onChecked ?? null;
  }

  /** Checks one record; usable directly as an OnRecord callback. */
  readonly onRecord = (v: CheckRecord): boolean => {
    const loc = locateNetworkInRecord(v, this.loc);
    if (loc.reason !== null) {
      this.tally.addNotIpv4();
      if (this.fix !== null) this.fix.write(v, 0, null);
      return true;
    }
    const wireLength = v.originalLength - (loc.offset - v.offset) - v.fcsLength;
    const r = verifyIp(v.buffer, loc.offset, loc.length, this.result, wireLength);
    this.tally.add(v.index, r, v.fileOffset < 0 ? -1 : v.fileOffset + (loc.offset - v.offset), loc.offset - v.offset);
    if (this.fix !== null) this.fix.write(v, loc.offset, r);
    if (this.onChecked && this.onChecked(v, r) === false) return false;
    return true;
  };
}

export interface CheckCaptureOptions {
  tally?: ChecksumTally;
  /** Write a corrected copy to this path (classic pcap, same link type, byte order, precision and snaplen). */
  fixPath?: string | null;
  onChecked?: CaptureCheckerOptions['onChecked'];
  /** Called once with the file header. */
  onInfo?: (info: PcapInfo) => void;
  signal?: AbortSignal;
}

export interface CheckCaptureResult {
  info: PcapInfo;
  tally: ChecksumTally;
  /** Records written to fixPath, and checksums corrected in them. */
  fixedRecords: number;
  fixedChecksums: number;
}

/**
 * Checks every packet of a capture (a path, a Readable such as stdin, or the bytes). Streams:
 * memory stays flat whatever the file size. On a broken file it throws the PcapError after
 * counting every packet before the break in `options.tally` (and writing them to fixPath).
 */
export async function checkCapture(source: PcapSource | Uint8Array, options: CheckCaptureOptions = {}): Promise<CheckCaptureResult> {
  const tally = options.tally ?? new ChecksumTally();
  let writer: PcapWriter | null = null;
  let fixer: ChecksumFixer | null = null;
  let checker: CaptureChecker | null = null;
  // The header comes before any record, and the corrected copy is written with its settings:
  // the checker (and its fixer) are made then.
  const onInfo = (info: PcapInfo): void => {
    if (options.fixPath) {
      const first = info.interfaces[0];
      writer = new PcapWriter(options.fixPath, {
        linkType: first?.linkType ?? info.linkType ?? LINKTYPE.RAW,
        nanosecond: info.nanosecond,
        byteOrder: info.byteOrder,
        ...(info.snaplen ? { snaplen: Math.min(info.snaplen, MAX_CAPTURED_LENGTH) } : {}),
      });
      fixer = new ChecksumFixer(writer);
    }
    checker = new CaptureChecker({ tally, fix: fixer, onChecked: options.onChecked ?? null });
    options.onInfo?.(info);
  };
  const onRecord = (v: RecordView): boolean => checker!.onRecord(v);
  try {
    const summary =
      source instanceof Uint8Array
        ? readPcapBuffer(source, onRecord, { onInfo })
        : await readPcapFile(source, onRecord, { onInfo, ...(options.signal ? { signal: options.signal } : {}) });
    return {
      info: summary.info,
      tally,
      fixedRecords: (fixer as ChecksumFixer | null)?.records ?? 0,
      fixedChecksums: (fixer as ChecksumFixer | null)?.fixed ?? 0,
    };
  } finally {
    await (writer as PcapWriter | null)?.close();
  }
}
