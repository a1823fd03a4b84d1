// A capture's options: their defaults and their limits, checked once before anything is opened.
import { MAX_CAPTURED_LENGTH } from '../pcap/format.js';
import { CaptureError, CAPTURE_ERROR } from './errors.js';

export interface CaptureOptions {
  /** An interface name ("eth0", "lo"), or "any" for every interface (Linux cooked v2 framing). */
  interface: string;
  /** A tcpdump filter expression ("icmp or udp port 33434"), compiled by libpcap; none by default. */
  filter?: string | null;
  /** Bytes kept of each packet, link header included: 1 to 262144 (the default, as tcpdump). */
  snaplen?: number;
  /**
   * Put the interface in promiscuous mode for the capture's life (packets for other hosts too).
   * Default false; not possible with "any". (`rawprobe capture` turns it on, as tcpdump does.)
   */
  promiscuous?: boolean;
  /**
   * The TPACKET_V3 ring: blocks of ringBlockSize bytes (a power of two, at least 4096; default
   * 1 MiB), ringBlocks of them (default 8). A packet longer than a block is cut to it.
   */
  ringBlockSize?: number;
  ringBlocks?: number;
  /**
   * The longest a packet waits in a block that is not full before the kernel hands the block over
   * (tp_retire_blk_tov), milliseconds: 1 to 60000, default 10. Lower shows packets sooner; a
   * flood fills blocks long before.
   */
  retireMs?: number;
  /** libpcap's optimizer for the filter (default true; tcpdump -O turns it off). */
  optimize?: boolean;
  /**
   * Lay each batch out as a run of classic pcap records (a 16-byte record header, host byte order,
   * nanosecond timestamps, before each packet), so a nanosecond pcap file takes a batch's bytes as
   * they are (PcapWriter.writeEncoded): no work per packet. Default false.
   */
  pcapRecords?: boolean;
}

export interface ResolvedOptions {
  interface: string;
  filter: string | null;
  snaplen: number;
  promiscuous: boolean;
  ringBlockSize: number;
  ringBlocks: number;
  retireMs: number;
  optimize: boolean;
  pcapRecords: boolean;
}

export const CAPTURE_DEFAULTS = {
  snaplen: MAX_CAPTURED_LENGTH,
  ringBlockSize: 1 << 20,
  ringBlocks: 8,
  retireMs: 10,
} as const;

/** The smallest block: one page. The largest: 1 GiB, and a ring of at most 16 GiB. */
const MIN_BLOCK = 4096;
const MAX_BLOCK = 1 << 30;
const MAX_RING = 2 ** 34;

function bad(message: string): CaptureError {
  return new CaptureError(CAPTURE_ERROR.badOption, message);
}

function integer(value: number | undefined, fallback: number, name: string, min: number, max: number): number {
  const v = value ?? fallback;
  if (!Number.isInteger(v) || v < min || v > max) throw bad(`${name} ${String(v)}: must be a whole number from ${min} to ${max}`);
  return v;
}

export function resolveOptions(o: CaptureOptions): ResolvedOptions {
  if (typeof o.interface !== 'string' || o.interface === '') throw bad('interface: name one ("eth0"), or "any"');
  const blockSize = integer(o.ringBlockSize, CAPTURE_DEFAULTS.ringBlockSize, 'ring block size', MIN_BLOCK, MAX_BLOCK);
  if ((blockSize & (blockSize - 1)) !== 0) throw bad(`ring block size ${blockSize}: must be a power of two (4096, 8192, ... bytes)`);
  const blocks = integer(o.ringBlocks, CAPTURE_DEFAULTS.ringBlocks, 'ring blocks', 1, 1 << 20);
  if (blockSize * blocks > MAX_RING) throw bad(`ring of ${blocks} blocks of ${blockSize} bytes: more than 16 GiB`);
  const filter = o.filter ?? null;
  if (filter !== null && typeof filter !== 'string') throw bad('filter: a tcpdump expression as a string');
  return {
    interface: o.interface,
    filter: filter === null || filter.trim() === '' ? null : filter,
    snaplen: integer(o.snaplen, CAPTURE_DEFAULTS.snaplen, 'snaplen', 1, MAX_CAPTURED_LENGTH),
    promiscuous: o.promiscuous ?? false,
    ringBlockSize: blockSize,
    ringBlocks: blocks,
    retireMs: integer(o.retireMs, CAPTURE_DEFAULTS.retireMs, 'retire time', 1, 60000),
    optimize: o.optimize ?? true,
    pcapRecords: o.pcapRecords ?? false,
  };
}
