// Per-layer checksum counters over many packets, and the list of bad checksums. Counting is a
// few array increments per packet; an object is made only for a bad checksum, a malformed
// packet, or (when asked) an unverifiable one.

import { CHECKSUM_FIELD, LAYERS, STATUS, STATUS_NAME, type Layer, type PacketChecksums, type StatusName } from './status.js';

/** Counts for one layer. `absent` is UDP only (checksum 0 = none sent). */
export interface LayerCounts {
  good: number;
  bad: number;
  unverifiable: number;
  absent: number;
}

/** One bad checksum. */
export interface BadChecksum {
  /** 0-based packet index in the input. */
  index: number;
  layer: Layer;
  found: number;
  expected: number;
  /** UDP/TCP checksum equal to the pseudo-header sum: captured before checksum offload completed it. */
  offloaded: boolean;
  /** Byte offset of the checksum field in the input file (-1 when the input is not a file). */
  fileOffset: number;
}

/** A packet that could not be read as IP far enough to check it. */
export interface MalformedPacket {
  index: number;
  reason: string;
  /** Byte offset of the field that broke it, from the frame's first byte (link header included). */
  offset: number;
  /** The same byte's offset in the input file (-1 when not a file). */
  fileOffset: number;
}

export interface ChecksumSummary {
  /** Packets read. */
  packets: number;
  /** Packets that are neither IPv4 nor IPv6 (ARP, ...): not checked. The name is from before IPv6 was checked. */
  notIpv4: number;
  /** IP packets too broken to check. */
  malformed: number;
  /** Packets with at least one bad checksum. */
  badPacketCount: number;
  /** Packets with at least one unverifiable checksum. */
  unverifiablePackets: number;
  layers: Record<Layer, LayerCounts>;
  bad: BadChecksum[];
  malformedPackets: MalformedPacket[];
  /** True when more bad checksums were found than kept (see TallyOptions.keepBad). */
  badListTruncated: boolean;
}

export interface TallyOptions {
  /** Most bad checksums kept in the list (counts stay exact). Default: all. */
  keepBad?: number;
}

const STATUSES = STATUS_NAME.length;

/** Where ChecksumTally.counts holds a layer's count of a status (LAYER, STATUS values). */
export function countIndex(layer: number, status: number): number {
  return layer * STATUSES + status;
}

/** Accumulates PacketChecksums results. */
export class ChecksumTally {
  packets = 0;
  notIpv4 = 0;
  malformed = 0;
  badPackets = 0;
  unverifiablePackets = 0;
  /** counts[layer * 5 + status] */
  readonly counts = new Float64Array(LAYERS.length * STATUSES);
  readonly bad: BadChecksum[] = [];
  readonly malformedPackets: MalformedPacket[] = [];
  badListTruncated = false;
  private readonly keepBad: number;

  constructor(options: TallyOptions = {}) {
    this.keepBad = options.keepBad ?? Infinity;
  }

  /** A record that holds no IP packet. */
  addNotIpv4(): void {
    this.packets++;
    this.notIpv4++;
  }

  /**
   * A packet too broken to check: `offset` of the byte where it broke from the frame's first
   * byte, `fileOffset` the same byte in the input file (-1 when not a file).
   */
  addMalformed(index: number, reason: string, offset: number, fileOffset: number): void {
    this.packets++;
    this.malformed++;
    this.malformedPackets.push({ index, reason, offset, fileOffset });
  }

  /**
   * Counts one verified packet. `fileOffset` is where its IP header starts in the input file
   * (-1 when unknown), for locating bad fields; `linkHeaderLength` the bytes of frame before it.
   */
  add(index: number, r: PacketChecksums, fileOffset = -1, linkHeaderLength = 0): void {
    if (r.malformed !== null) {
      this.addMalformed(index, r.malformed, linkHeaderLength + r.malformedOffset, fileOffset < 0 ? -1 : fileOffset + r.malformedOffset);
      return;
    }
    this.packets++;
    const counts = this.counts;
    counts[r.ipv4]!++; // layer 0 is ipv4
    if (r.transport >= 0) counts[r.transport * STATUSES + r.transportStatus]!++;
    if (r.ipv4 === STATUS.UNVERIFIABLE || r.transportStatus === STATUS.UNVERIFIABLE) this.unverifiablePackets++;
    const ipBad = r.ipv4 === STATUS.BAD;
    const transportBad = r.transportStatus === STATUS.BAD;
    if (!ipBad && !transportBad) return;
    this.badPackets++;
    if (ipBad) this.keep(index, 'ipv4', r.ipv4Found, r.ipv4Expected, false, fileOffset < 0 ? -1 : fileOffset + CHECKSUM_FIELD[0]);
    if (transportBad) {
      const field = CHECKSUM_FIELD[r.transport]!;
      this.keep(
        index,
        LAYERS[r.transport]!,
        r.transportFound,
        r.transportExpected,
        r.offloaded,
        fileOffset < 0 ? -1 : fileOffset + r.transportOffset + field,
      );
    }
  }

  private keep(index: number, layer: Layer, found: number, expected: number, offloaded: boolean, fileOffset: number): void {
    if (this.bad.length >= this.keepBad) {
      this.badListTruncated = true;
      return;
    }
    this.bad.push({ index, layer, found, expected, offloaded, fileOffset });
  }

  count(layer: Layer, status: StatusName): number {
    return this.counts[LAYERS.indexOf(layer) * STATUSES + STATUS_NAME.indexOf(status)]!;
  }

  /** Total bad checksums over all layers. */
  get badChecksums(): number {
    let n = 0;
    for (let l = 0; l < LAYERS.length; l++) n += this.counts[l * STATUSES + STATUS.BAD]!;
    return n;
  }

  summary(): ChecksumSummary {
    const layers = {} as Record<Layer, LayerCounts>;
    for (const layer of LAYERS) {
      layers[layer] = {
        good: this.count(layer, 'good'),
        bad: this.count(layer, 'bad'),
        unverifiable: this.count(layer, 'unverifiable'),
        absent: this.count(layer, 'absent'),
      };
    }
    return {
      packets: this.packets,
      notIpv4: this.notIpv4,
      malformed: this.malformed,
      badPacketCount: this.badPackets,
      unverifiablePackets: this.unverifiablePackets,
      layers,
      bad: this.bad,
      malformedPackets: this.malformedPackets,
      badListTruncated: this.badListTruncated,
    };
  }
}
