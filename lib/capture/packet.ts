// What a capture hands out, in two shapes:
//  - the batch of one wake-up (one Buffer holding every packet's bytes back to back, one
//    Float64Array of facts: native/capture.h), read in place with batchRecord() into a reused
//    RecordView (lib/pcap's shape), so a flood goes to a pcap writer or a formatter without an
//    object per packet. The addon reuses both arrays for the next batch: they are valid while the
//    'batch' listeners run, and whatever is kept must be copied;
//  - one CapturedPacket per packet, with its own copy of the bytes, times and IPv4 decoded: for
//    scripts and tests.
import type { RecordView } from '../pcap/view.js';
import { locateIpv4, describeNotIpv4, newIpv4Location } from '../pcap/link.js';
import { constants } from '../socket/constants.js';
import { DecodeError, decodePacket, type Packet } from '../wire/index.js';
import { CAPTURE_BATCH } from './native.js';

/** One wake-up's packets. Its arrays are reused by the next batch: read them in the listener. */
export interface CaptureBatch {
  /** Every packet's bytes, link header included, back to back. */
  readonly data: Buffer;
  /** CAPTURE_BATCH.stride numbers per packet (native.ts). */
  readonly meta: Float64Array;
  readonly count: number;
  /** Index of the batch's first packet in the capture (0-based, in arrival order). */
  readonly firstIndex: number;
  /** The capture's link type (LINKTYPE_*). */
  readonly linkType: number;
  /** Each packet in `data` follows a 16-byte classic pcap record header (CaptureOptions.pcapRecords). */
  readonly pcapRecords: boolean;
}

/**
 * With pcapRecords: the bytes of the batch's first `n` packets as pcap records (nanosecond
 * timestamps, host byte order), ready for PcapWriter.writeEncoded.
 */
export function batchRecords(batch: CaptureBatch, n: number): Buffer {
  if (!batch.pcapRecords) throw new Error('batchRecords: the capture was not opened with pcapRecords');
  if (n <= 0) return batch.data.subarray(0, 0);
  const base = (Math.min(n, batch.count) - 1) * CAPTURE_BATCH.stride;
  return batch.data.subarray(0, batch.meta[base + CAPTURE_BATCH.offset]! + batch.meta[base + CAPTURE_BATCH.captured]!);
}

/** sockaddr_ll.sll_pkttype in words; a number for a type Linux may add later. */
export type PacketDirection = 'host' | 'broadcast' | 'multicast' | 'otherhost' | 'outgoing' | number;

export interface CapturedPacket {
  /** 0-based position in the capture. */
  index: number;
  /** The frame as captured, link header included (cut at the snaplen): its own bytes. */
  data: Buffer;
  /** Its length on the wire (more than data.length when cut). */
  originalLength: number;
  /** The kernel's receive time: seconds since the epoch and nanoseconds. */
  time: { sec: number; nsec: number };
  /** The same time in lib/socket's clock units (ns since the clock base): compare with a send's sentAt. */
  timestamp: number;
  linkType: number;
  /** Index of the interface it crossed. */
  interfaceIndex: number;
  direction: PacketDirection;
  /** EtherType (0x0800 IPv4, 0x86dd IPv6, 0x0806 ARP). */
  protocol: number;
  /** The VLAN tag's TCI when the kernel had taken one off (it is put back in `data` on Ethernet), else null. */
  vlanTci: number | null;
  /** The IPv4 packet decoded by lib/wire; null when not IPv4 or malformed (see `problem`). */
  packet: Packet | null;
  /** Why `packet` is null: "IPv6", "ARP (ethertype 0x0806)", or the decode error. */
  problem: string | null;
}

/** Fills `view` with packet i of the batch; returns it. No allocation. */
export function batchRecord(batch: CaptureBatch, i: number, view: RecordView): RecordView {
  const m = batch.meta;
  const base = i * CAPTURE_BATCH.stride;
  view.buffer = batch.data;
  view.index = batch.firstIndex + i;
  view.offset = m[base + CAPTURE_BATCH.offset]!;
  view.fileOffset = -1;
  view.capturedLength = m[base + CAPTURE_BATCH.captured]!;
  view.originalLength = m[base + CAPTURE_BATCH.original]!;
  view.tsSec = m[base + CAPTURE_BATCH.seconds]!;
  view.tsNsec = m[base + CAPTURE_BATCH.nanos]!;
  view.hasTimestamp = true;
  view.linkType = batch.linkType;
  view.fcsLength = 0;
  view.interfaceId = 0;
  return view;
}

export function directionName(packetType: number): PacketDirection {
  const c = constants;
  if (packetType === c.PACKET_HOST) return 'host';
  if (packetType === c.PACKET_BROADCAST) return 'broadcast';
  if (packetType === c.PACKET_MULTICAST) return 'multicast';
  if (packetType === c.PACKET_OTHERHOST) return 'otherhost';
  if (packetType === c.PACKET_OUTGOING) return 'outgoing';
  return packetType;
}

const LOC = newIpv4Location();

/** Packet i of the batch as an object of its own, IPv4 decoded. */
export function capturedPacket(batch: CaptureBatch, i: number): CapturedPacket {
  const m = batch.meta;
  const base = i * CAPTURE_BATCH.stride;
  const offset = m[base + CAPTURE_BATCH.offset]!;
  const data = Buffer.from(batch.data.subarray(offset, offset + m[base + CAPTURE_BATCH.captured]!)); // its own copy
  const vlan = m[base + CAPTURE_BATCH.vlanTci]!;
  let packet: Packet | null = null;
  let problem: string | null = null;
  const loc = locateIpv4(data, 0, data.length, batch.linkType, LOC);
  if (loc.reason !== null) problem = describeNotIpv4(loc);
  else {
    try {
      packet = decodePacket(data.subarray(loc.offset, loc.offset + loc.length));
    } catch (e) {
      if (!(e instanceof DecodeError)) throw e;
      problem = `malformed: ${e.reason} (at byte ${e.offset + loc.offset})`;
    }
  }
  return {
    index: batch.firstIndex + i,
    data,
    originalLength: m[base + CAPTURE_BATCH.original]!,
    time: { sec: m[base + CAPTURE_BATCH.seconds]!, nsec: m[base + CAPTURE_BATCH.nanos]! },
    timestamp: m[base + CAPTURE_BATCH.timestamp]!,
    linkType: batch.linkType,
    interfaceIndex: m[base + CAPTURE_BATCH.ifindex]!,
    direction: directionName(m[base + CAPTURE_BATCH.packetType]!),
    protocol: m[base + CAPTURE_BATCH.protocol]!,
    vlanTci: vlan < 0 ? null : vlan,
    packet,
    problem,
  };
}
