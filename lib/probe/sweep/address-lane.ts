// The address lane: runs of target-list lines that are each a plain address, read in the addon
// (native/address-lane.cc) in one call instead of a JavaScript parse per line. checkTargetFile
// (targets.ts) asks it before each line it has not read yet; the lane takes the run of plain
// addresses that starts there, and every other line (a name, a block, a range, a comment, an
// error) is read by targets.ts as ever, with its verdict and its words. So a check comes out the
// same with or without the lane, and where the addon is not built the JavaScript path does it all.
import { addonIfBuilt, type NativeAddon } from '../../socket/addon.js';
import type { IpVersion } from '../resolve.js';
import type { LineChunk } from './lines.js';

type PlainAddresses = NonNullable<NativeAddon['plainAddresses']>;

/** Addresses taken per call at most. */
const RUN = 4096;
/** A run shorter than this did not pay for its call: the lines after it are read without asking, more each time. */
const WORTH_A_CALL = 4;
const MAX_SKIPPED = 255;

export class AddressLane {
  /** The run's addresses: IPv4 whole, IPv6 its last 32 bits. */
  readonly low = new Uint32Array(RUN);
  /** IPv6: the first 12 bytes the run's addresses share. */
  readonly high = new Uint8Array(12);
  #skip = 0;
  #misses = 0;

  private constructor(private readonly plainAddresses: PlainAddresses) {}

  /** The lane, or null when the addon is not built (or predates it). */
  static open(): AddressLane | null {
    const native = addonIfBuilt();
    return native?.plainAddresses === undefined ? null : new AddressLane(native.plainAddresses);
  }

  /**
   * Reads the plain addresses that begin at line k of the chunk into low (and, IPv6, the first 12
   * bytes they all share into high); returns how many (0: read line k yourself).
   */
  take(chunk: LineChunk, k: number, version: IpVersion): number {
    if (this.#skip > 0) {
      this.#skip--;
      return 0;
    }
    const n = this.plainAddresses(chunk.bytes, chunk.starts, chunk.ends, k, chunk.count, version, this.low, this.high);
    // A call costs about as much as reading a few lines here: in a list of names or blocks, the
    // lines after a short run are read without asking, more of them each time, until a long run.
    this.#misses = n >= WORTH_A_CALL ? 0 : Math.min(this.#misses * 2 + 1, MAX_SKIPPED);
    this.#skip = this.#misses;
    return n;
  }
}
