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
  NOT_NETWORK,
  PcapWriter,
  describeNotNetwork,
  locateNetworkInRecord,
  newNetworkLocation,
  readPcapBuffer,
  readPcapFile,
  type PcapInfo,
  type PcapSource,
  type RecordView,
} from '../pcap/index.js';
import { ChecksumFixer } from './fix.js';
import { ChecksumLane } from './lane.js';
import { ChecksumTally } from './tally.js';
import { newPacketChecksums, type PacketChecksums, type VerifyOptions } from './status.js';
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
  private readonly verifyOptions: VerifyOptions = { originalLength: 0 };
  private readonly onChecked: CaptureCheckerOptions['onChecked'];

  constructor(options: CaptureCheckerOptions = {}) {
    this.tally = options.tally ?? new ChecksumTally();
    this.fix = options.fix ?? null;
    this.onChecked = options.onChecked ?? null;
  }

  /** Checks one record; usable directly as an OnRecord callback. */
  readonly onRecord = (v: CheckRecord): boolean => {
    const loc = locateNetworkInRecord(v, this.loc);
    if (loc.reason === NOT_NETWORK.TRUNCATED_LINK_HEADER) {
      // A frame cut inside its link header (an MPLS stack without its bottom entry, a cut NFLOG
      // TLV) is a malformed packet, broken where its bytes end.
      const end = Math.max(0, v.capturedLength - v.fcsLength);
      this.tally.addMalformed(v.index, describeNotNetwork(loc.reason, loc.value), end, v.fileOffset < 0 ? -1 : v.fileOffset + end);
      if (this.fix !== null) this.fix.write(v, 0, null);
      return true;
    }
    if (loc.reason !== null) {
      this.tally.addNotIpv4();
      if (this.fix !== null) this.fix.write(v, 0, null);
      return true;
    }
    // On the wire the packet spanned the record's original length, less the link header (a TSO
    // header's length 0 stands for that, when the capture cut it).
    this.verifyOptions.originalLength = v.originalLength - v.fcsLength - (loc.offset - v.offset);
    const r = verifyIp(v.buffer, loc.offset, loc.length, this.result, this.verifyOptions);
    const linkHeaderLength = loc.offset - v.offset;
    this.tally.add(v.index, r, v.fileOffset < 0 ? -1 : v.fileOffset + linkHeaderLength, linkHeaderLength);
    if (this.fix !== null) this.fix.write(v, loc.offset, r);
    if (this.onChecked && this.onChecked(v, r) === false) return false;
    return true;
  };
}

export interface CheckCaptureOptions {
  tally?: ChecksumTally;
  /** Write a corrected copy to this path (classic pcap, same link type, byte order and precision; snaplen 262144, so no record is cut). */
  fixPath?: string | null;
  onChecked?: CaptureCheckerOptions['onChecked'];
  /** Called once with the file header. */
  onInfo?: (info: PcapInfo) => void;
  signal?: AbortSignal;
  /**
   * Let the addon take the runs of good records (lane.ts), when it is built: the default, with
   * no fixPath and no onChecked (which see every record). false: JavaScript alone. The results
   * are the same.
   */
  native?: boolean;
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
        snaplen: MAX_CAPTURED_LENGTH, // a record over the input's snaplen is read whole: copy it whole
      });
      fixer = new ChecksumFixer(writer);
    }
    checker = new CaptureChecker({ tally, fix: fixer, onChecked: options.onChecked ?? null });
    options.onInfo?.(info);
  };
  const onRecord = (v: RecordView): boolean => checker!.onRecord(v);
  const wholeRecords = Boolean(options.fixPath) || Boolean(options.onChecked);
  const batch = options.native !== false && !wholeRecords ? ChecksumLane.open(tally) : null;
  try {
    const summary =
      source instanceof Uint8Array
        ? readPcapBuffer(source, onRecord, { onInfo, batch })
        : await readPcapFile(source, onRecord, { onInfo, batch, ...(options.signal ? { signal: options.signal } : {}) });
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
