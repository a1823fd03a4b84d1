// --pcap-out: every datagram the engine sends and receives, as a classic pcap with
// LINKTYPE_RAW (bare IPv4 or IPv6) and nanosecond timestamps, which tshark, tcpdump and Wireshark read.
// Timestamps are the addon's (send: at the syscall; receive: the kernel's SO_TIMESTAMPNS),
// turned into epoch time with the clock's base.
//
// Records go out in timestamp order. Sends and receives reach us in the order the event loop
// handles them, and a busy loop can send the next probe before it reads a reply that arrived
// earlier. So a sent packet is held back (copied: the engine reuses its buffers) until a
// received one with a later timestamp is written, or until too many are waiting; receives
// arrive in kernel order and are written at once, after any older sends.
import { FIELD as IP6, HEADER_LENGTH as IPV6_HEADER_LENGTH } from '../../wire/ipv6.js';
import { answerPacket6 } from '../family/family6.js';
import { PcapWriter, type FrameSource } from '../../pcap/index.js';
import { clockBase } from '../../socket/index.js';
import type { PacketTap } from './engine.js';
import { optionError } from '../errors.js';

export interface Capture {
  readonly tap: PacketTap;
  /** Packets written so far (held-back sends included once close() ran). */
  readonly count: number;
  close(): Promise<void>;
}

const NS_PER_S = 1e9;
/** Most sent packets held back waiting for an older reply (a flood to a silent host). */
const MAX_HELD = 4096;

/** Opens (creates or truncates) `path` at once, so a bad path fails before anything is sent. */
export function openCapture(path: string): Capture {
  const writer = new PcapWriter(path, { nanosecond: true });
  const base = clockBase().epochNs;
  const baseSec = Number(base / 1_000_000_000n);
  const baseNsec = Number(base % 1_000_000_000n);
  const frame: FrameSource = { buffer: new Uint8Array(0), offset: 0, capturedLength: 0, originalLength: 0, tsSec: 0, tsNsec: 0 };
  const held: { bytes: Buffer; timestamp: number }[] = [];
  let first = 0; // held[first..] are still waiting

  const write = (bytes: Uint8Array, offset: number, length: number, timestamp: number): void => {
    const ns = baseNsec + Math.round(timestamp);
    const carry = Math.floor(ns / NS_PER_S);
    frame.buffer = bytes;
    frame.offset = offset;
    frame.capturedLength = length;
    frame.originalLength = length;
    frame.tsSec = baseSec + carry;
    frame.tsNsec = ns - carry * NS_PER_S;
    writer.writeRecord(frame);
  };
  const release = (upTo: number): void => {
    while (first < held.length && held[first]!.timestamp <= upTo) {
      const h = held[first++]!;
      write(h.bytes, 0, h.bytes.length, h.timestamp);
    }
    if (first === held.length) {
      held.length = 0;
      first = 0;
    }
  };

  /** The source of the last IPv6 packet sent: the destination of an IPv6 answer, which the kernel does not tell. */
  let ours6: Uint8Array | string = '::';
  const tap: PacketTap = (bytes, offset, length, timestamp, sent, batch, index) => {
    if (sent) {
      const copy = Buffer.from(bytes.subarray(offset, offset + length));
      if (copy.length >= IPV6_HEADER_LENGTH && copy[0]! >>> 4 === 6) ours6 = copy.subarray(IP6.SRC, IP6.SRC + 16);
      held.push({ bytes: copy, timestamp });
      if (held.length - first > MAX_HELD) release(held[first]!.timestamp);
      return;
    }
    release(timestamp);
    // A raw IPv6 socket hands over no header: the record gets the one the kernel told of.
    if (batch?.addresses != null && index !== undefined) {
      const whole = answerPacket6(bytes, offset, length, batch, index, ours6);
      write(whole, 0, whole.length, timestamp);
    } else write(bytes, offset, length, timestamp);
  };
  return {
    tap,
    get count() {
      return writer.records;
    },
    close: () => {
      release(Number.POSITIVE_INFINITY);
      return writer.close();
    },
  };
}

/** openCapture for a session's pcapOut option: a path that cannot be written is a ProbeError naming it. */
export function openPcapOut(path: string): Capture {
  try {
    return openCapture(path);
  } catch (e) {
    const reason = (e as NodeJS.ErrnoException).code ?? (e as Error).message;
    throw optionError('pcapOut', `cannot write ${path}: ${reason}`);
  }
}
