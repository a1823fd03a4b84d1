// The checksum lane: runs of plainly good records checked in the addon (native/checksum-lane.cc),
// one call for thousands of records instead of a JavaScript callback each. It is a RecordBatch
// for the classic pcap reader: it takes the records whose every checksum holds and counts them
// in the tally; the reader hands every other record (a bad or unverifiable checksum, anything
// malformed, not IP, behind VLAN tags or extension headers, of another link type) to
// CaptureChecker.onRecord, which reads it as ever. So the tally comes out the same with or without
// the lane, and where the addon is not built, the JavaScript path does it all.
//
//   const lane = ChecksumLane.open(tally);              // null without the addon
//   await readPcapFile(path, checker.onRecord, { batch: lane });

import { LINKTYPE, MAX_CAPTURED_LENGTH, type RecordBatch } from '../pcap/index.js';
import { addonIfBuilt, type NativeAddon, type NativeLaneLayout } from '../socket/addon.js';
import { LAYER, STATUS } from './status.js';
import { countIndex, type ChecksumTally } from './tally.js';

type CheckRecords = NonNullable<NativeAddon['checkRecords']>;

/** A run shorter than this did not pay for its call. */
const WORTH_A_CALL = 8;
/** Records at most left to onRecord after short runs before the addon is asked again. */
const MAX_SKIPPED = 255;

export class ChecksumLane implements RecordBatch {
  next = 0;
  private readonly out: Float64Array;
  /** Records to leave to onRecord before asking the addon again, and the last such wait. */
  private skip = 0;
  private misses = 0;
  /** Pairs: where the addon leaves a count in `out`, where it adds up in the tally's counts. */
  private readonly cells: number[];

  private constructor(
    private readonly checkRecords: CheckRecords,
    private readonly layout: NativeLaneLayout,
    private readonly tally: ChecksumTally,
    private readonly backoff: boolean,
  ) {
    this.out = new Float64Array(layout.facts);
    this.cells = [
      layout.ipv4Good, countIndex(LAYER.IPV4, STATUS.GOOD),
      layout.ipv6, countIndex(LAYER.IPV4, STATUS.NONE), // IPv6 has no header checksum
      layout.icmpGood, countIndex(LAYER.ICMP, STATUS.GOOD),
      layout.udpGood, countIndex(LAYER.UDP, STATUS.GOOD),
      layout.udpAbsent, countIndex(LAYER.UDP, STATUS.ABSENT),
      layout.tcpGood, countIndex(LAYER.TCP, STATUS.GOOD),
      layout.icmpv6Good, countIndex(LAYER.ICMPV6, STATUS.GOOD),
    ];
  }

  /**
   * A lane counting into `tally`, or null when the addon is not built (or predates the lane).
   * backoff false: the addon is asked before every record, however short the runs (tests: so
   * that every record meets its rules).
   */
  static open(tally: ChecksumTally, options: { backoff?: boolean } = {}): ChecksumLane | null {
    const native = addonIfBuilt();
    if (native?.checkRecords === undefined || native.laneLayout === undefined) return null;
    return new ChecksumLane(native.checkRecords, native.laneLayout, tally, options.backoff !== false);
  }

  take(buf: Buffer, pos: number, end: number, littleEndian: boolean, linkType: number, fcsLength: number): number {
    if (this.skip > 0) {
      this.skip--;
      return 0;
    }
    const ethernet = linkType === LINKTYPE.ETHERNET;
    const rawIp = linkType === LINKTYPE.RAW || linkType === LINKTYPE.IPV4 || linkType === LINKTYPE.IPV6;
    if (fcsLength !== 0 || !(ethernet || rawIp)) return 0;
    const out = this.out;
    this.checkRecords(buf, pos, end, (littleEndian ? 1 : 0) | (ethernet ? 2 : 0), MAX_CAPTURED_LENGTH, out);
    const records = out[this.layout.records]!;
    // A call costs about as much as checking a few records here: where runs are short (many bad
    // checksums, VLAN tags), the records after a short one go to onRecord without asking, more
    // of them each time, until a long run comes.
    if (this.backoff) {
      this.misses = records >= WORTH_A_CALL ? 0 : Math.min(this.misses * 2 + 1, MAX_SKIPPED);
      this.skip = this.misses;
    }
    if (records === 0) return 0;
    this.next = out[this.layout.next]!;
    const { counts } = this.tally;
    const cells = this.cells;
    for (let i = 0; i < cells.length; i += 2) counts[cells[i + 1]!]! += out[cells[i]!]!;
    this.tally.packets += records;
    return records;
  }
}
