// What the addon exports for packet capture (native/capture.h, native/pcap-filter.cc), typed, and
// the one place lib/capture reaches it. The addon is loaded by lib/socket/addon.ts on first use;
// a build older than the capture code fails here with what to do, not with "not a function".
import { addon, type NativeAddon } from '../socket/addon.js';
import { ErrorCode, socketError } from '../socket/errors.js';

/** What `new Capture(config)` takes: mechanism only, every choice made by lib/capture. */
export interface NativeCaptureConfig {
  /** Interface index; 0 means every interface (bind to none). */
  ifindex: number;
  /** SOCK_DGRAM: the kernel gives no link header and the addon builds a Linux cooked v2 one. */
  cooked: boolean;
  promiscuous: boolean;
  /** Longest captured length, link header included. */
  snaplen: number;
  /** TPACKET_V3 block size (a multiple of the page size) and count. */
  blockSize: number;
  blockCount: number;
  /** The kernel hands a partly filled block over after this long. */
  retireMs: number;
  /** struct sock_filter[] for SO_ATTACH_FILTER, or null for none. */
  filter: Uint8Array | null;
  /** Drop PACKET_OUTGOING copies seen on this interface (loopback's index), -1 for none. */
  skipOutgoingIfindex: number;
  /** Put a classic pcap record header (16 bytes, host order, nanoseconds) before each packet in a batch. */
  pcapRecords: boolean;
}

export interface NativeCaptureStats {
  /** Packets that passed the filter since the last read, dropped ones included. */
  packets: number;
  /** Of those, dropped because the ring was full. */
  drops: number;
  /** Times the ring froze (every block full). */
  freezes: number;
}

/**
 * kind is NativeCaptureLayout.eventBatch (bytes: ArrayBuffer, meta: Float64Array, count, used: the
 * packets are bytes[0, used)) or eventError (error). Both arrays are the capture's scratch, reused
 * by the next batch: valid during the call only.
 */
export type NativeCaptureCallback = (kind: number, a?: unknown, b?: unknown, c?: unknown, d?: unknown) => void;

export interface NativeCapture {
  readonly fd: number;
  start(callback: NativeCaptureCallback): void;
  /** Stops polling; the ring goes on filling. */
  stop(): void;
  /** Delivers the blocks already handed over, now; returns the packets delivered. */
  drain(): number;
  stats(): NativeCaptureStats;
  /** true if this call closed it. */
  close(): boolean;
  ref(): void;
  unref(): void;
}

export interface NativeCaptureLayout {
  readonly stride: number;
  readonly offset: number;
  readonly captured: number;
  readonly original: number;
  readonly seconds: number;
  readonly nanos: number;
  readonly timestamp: number;
  readonly ifindex: number;
  readonly packetType: number;
  readonly hatype: number;
  readonly protocol: number;
  readonly vlanTci: number;
  readonly pcapRecordHeader: number;
  readonly eventBatch: number;
  readonly eventError: number;
}

export interface NativeInterface {
  index: number;
  /** ARPHRD_* (-1 when the kernel would not say). */
  hardwareType: number;
  /** IFF_* flags (-1 when unknown). */
  flags: number;
  mtu: number;
}

export interface NativeCompiled {
  /** struct bpf_insn[] (the layout of struct sock_filter), host byte order. */
  program: Buffer;
  /** bpf_image() of each instruction: "(000) ldh      [12]". */
  listing: string[];
  /** Compiled for the device opened live (as tcpdump -i does), not on pcap_open_dead. */
  live: boolean;
}

export interface CaptureAddon {
  Capture: new (config: NativeCaptureConfig) => NativeCapture;
  captureLayout: NativeCaptureLayout;
  captureInterface(name: string): NativeInterface;
  compileFilter(linkType: number, snaplen: number, expression: string, optimize: boolean, device?: string | null): NativeCompiled;
}

/** The batch layout lib/capture reads with constant indices; checked against the addon's once. */
export const CAPTURE_BATCH = {
  stride: 11,
  offset: 0,
  captured: 1,
  original: 2,
  seconds: 3,
  nanos: 4,
  timestamp: 5,
  ifindex: 6,
  packetType: 7,
  hatype: 8,
  protocol: 9,
  vlanTci: 10,
} as const;

export const CAPTURE_EVENT = { batch: 0, error: 1 } as const;

/** Bytes of the pcap record header before each packet of a batch made with pcapRecords. */
export const PCAP_RECORD_HEADER = 16;

let checked: CaptureAddon | null = null;

/** The addon's capture half; throws ERR_ADDON_LOAD when the build predates it or lays batches out differently. */
export function captureAddon(): CaptureAddon {
  if (checked !== null) return checked;
  const native = addon() as NativeAddon & Partial<CaptureAddon>;
  const layout = native.captureLayout;
  const expected: Record<string, number> = { ...CAPTURE_BATCH, pcapRecordHeader: PCAP_RECORD_HEADER, eventBatch: CAPTURE_EVENT.batch, eventError: CAPTURE_EVENT.error };
  const stale =
    typeof native.Capture !== 'function' ||
    typeof native.compileFilter !== 'function' ||
    typeof native.captureInterface !== 'function' ||
    layout === undefined ||
    Object.entries(expected).some(([k, v]) => layout[k as keyof NativeCaptureLayout] !== v);
  if (stale) {
    throw socketError(ErrorCode.addonLoad, 'the rawprobe addon is out of date (no packet capture, or another batch layout): rebuild it with npm run build');
  }
  checked = native as NativeAddon & CaptureAddon;
  return checked;
}
