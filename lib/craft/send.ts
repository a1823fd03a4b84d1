// Sending crafted IPv4 packets through a raw IPPROTO_RAW socket (IP_HDRINCL implied: every byte
// of the IP header is ours, except what hdrincl.ts lists), paced three ways:
//
//   interval   one packet every intervalMs (the first at once), like ping -i
//   rate N     N packets per second, in sendmmsg batches: each timer tick sends what is due
//   rate max   as fast as the socket takes them, in batches of 256, bounded by count; when the
//              socket buffer is full (EAGAIN/ENOBUFS) it waits a millisecond and goes on
//
// With waitMs > 0, raw sockets listen (from before the first send) for the answers ReplyMatcher
// recognises, until waitMs after the last send or until every packet has been answered.
// Echo and timestamp requests can count their sequence up per packet (like ping); their ICMP
// checksum then follows by RFC 1624 incremental update, unless it was wrong on purpose.

import { setTimeout as sleep } from 'node:timers/promises';
import { readIpv4 } from '../wire/bytes.js';
import { incrementalUpdate, sum16 } from '../wire/checksum.js';
import { firstFragmentPayloadOffset } from '../wire/peek.js';
import { echoReplyFilterV4, now, openSocket, rawIcmpSocket, type MessageInfo, type RawSocket, type SocketError } from '../socket/index.js';
import { ReplyMatcher, type ReplyMatch } from './match.js';

export interface SendOptions {
  /** Packets to send in all; the list is sent round-robin. Default: the list's length. */
  count?: number;
  /** Milliseconds between packets when no rate is given. Default 1000. */
  intervalMs?: number;
  /** Packets per second (batched), 'max', or null for interval pacing. */
  rate?: number | 'max' | null;
  /** After the last send, listen this long for replies; 0 (default) opens no listening socket. */
  waitMs?: number;
  /** Count ICMP echo/timestamp sequence numbers up by one per round (default true). */
  incrementSequence?: boolean;
  signal?: AbortSignal;
  /** Called after each packet leaves (in batch mode once per packet, after its batch). */
  onSent?: (event: SentEvent) => void;
  onReply?: (reply: Reply) => void;
}

export interface SentEvent {
  /** 0-based, in sending order. */
  index: number;
  /** The bytes handed to the kernel (valid during the callback only in batch modes). */
  packet: Buffer;
  /** lib/socket clock, ns. */
  sentAt: number;
}

export interface Reply extends ReplyMatch {
  bytes: Buffer;
  info: MessageInfo;
  /** Round trip in milliseconds (kernel receive time minus send time), or null. */
  rttMs: number | null;
}

export interface SendStats {
  sent: number;
  bytes: number;
  /** From the first send to the last, ms. */
  sendMs: number;
  replies: number;
  /** Packets the kernel refused (a full buffer in rate max is retried, not counted). */
  errors: number;
  firstError: SocketError | null;
  aborted: boolean;
}

/** What one template needs to count its sequence up: offsets of the ICMP sequence and checksum. */
interface Counter {
  seqOffset: number;
  sumOffset: number;
  seq: number;
  checksum: number;
  /** The template's ICMP checksum is right: keep it right as the sequence changes. */
  fixSum: boolean;
}

function counterFor(packet: Buffer): Counter | null {
  const hl = firstFragmentPayloadOffset(packet, 0, packet.length);
  if (hl < 0 || packet[9] !== 1 || hl + 8 > packet.length) return null;
  if (packet[hl] !== 8 && packet[hl] !== 13) return null;
  const end = Math.min(packet.length, packet.readUInt16BE(2) >= hl ? packet.readUInt16BE(2) : packet.length);
  return {
    seqOffset: hl + 6,
    sumOffset: hl + 2,
    seq: packet.readUInt16BE(hl + 6),
    checksum: packet.readUInt16BE(hl + 2),
    fixSum: sum16(packet, hl, end - hl) === 0xffff,
  };
}

/** The destination the kernel routes by: the packet's own IPv4 destination. */
function destinationOf(packet: Buffer): string {
  if (packet.length < 20) throw new RangeError(`a ${packet.length}-byte packet has no IPv4 header to send`);
  return readIpv4(packet, 16);
}

const BATCH = 256;
const RETRYABLE = new Set(['EAGAIN', 'EWOULDBLOCK', 'ENOBUFS']);

/**
 * Sends `packets` (whole IPv4 packets) as options say. Needs CAP_NET_RAW: the socket error
 * (EPERM, with advice) is thrown before anything is sent. Resolves with the totals.
 */
export async function sendPackets(packets: readonly Buffer[], options: SendOptions = {}): Promise<SendStats> {
  if (packets.length === 0) throw new RangeError('nothing to send: no packets');
  const count = options.count ?? packets.length;
  const rate = options.rate ?? null;
  const interval = options.intervalMs ?? 1000;
  const waitMs = options.waitMs ?? 0;
  const signal = options.signal;
  if (!Number.isInteger(count) || count < 0) throw new RangeError(`count ${count} is not a whole number`);
  if (typeof rate === 'number' && !(rate > 0 && Number.isFinite(rate))) throw new RangeError(`rate ${rate} is not a positive number`);
  const targets = packets.map(destinationOf);
  const counters = options.incrementSequence === false ? packets.map(() => null) : packets.map(counterFor);
  const stats: SendStats = { sent: 0, bytes: 0, sendMs: 0, replies: 0, errors: 0, firstError: null, aborted: false };

  const out = openSocket({ family: 'inet', type: 'raw', protocol: 'raw' });
  const listeners: RawSocket[] = [];
  const matcher = new ReplyMatcher();
  try {
    if (waitMs > 0) listen(packets, listeners, matcher, stats, options.onReply ?? null);

    // The bytes of packet k: the template itself, or a copy with its sequence counted up.
    const scratch: Buffer[] = [];
    const packetFor = (k: number, slot: number): Buffer => {
      const t = k % packets.length;
      const template = packets[t]!;
      const c = counters[t];
      const round = Math.floor(k / packets.length);
      if (c === null || c === undefined || round === 0) return template;
      let buf = scratch[slot];
      if (buf === undefined || buf.length < template.length) buf = scratch[slot] = Buffer.allocUnsafe(Math.max(template.length, 1500));
      template.copy(buf, 0);
      const seq = (c.seq + round) & 0xffff;
      buf.writeUInt16BE(seq, c.seqOffset);
      if (c.fixSum) buf.writeUInt16BE(incrementalUpdate(c.checksum, c.seq, seq), c.sumOffset);
      return buf.subarray(0, template.length);
    };
    const record = (k: number, packet: Buffer, sentAt: number): void => {
      stats.sent++;
      stats.bytes += packet.length;
      if (waitMs > 0) matcher.noteSent(packet, sentAt);
      options.onSent?.({ index: k, packet, sentAt });
    };
    const refused = (e: unknown): void => {
      stats.errors++;
      stats.firstError ??= e as SocketError;
    };

    const started = now();
    let last = started;
    if (rate === null) {
      for (let k = 0; k < count; k++) {
        if (signal?.aborted) break;
        if (k > 0 && interval > 0) {
          // Scheduled from the start, so the pace does not drift by the time each send takes.
          const due = started / 1e6 + k * interval - now() / 1e6;
          if (due > 0) await sleep(due, undefined, { signal }).catch(() => undefined);
          if (signal?.aborted) break;
        }
        const packet = packetFor(k, 0);
        try {
          const r = out.sendTo(packet, targets[k % packets.length]!);
          last = r.sentAt;
          record(k, packet, r.sentAt);
        } catch (e) {
          if (k === 0) throw e; // nothing went out: the cause is the answer (EPERM, EMSGSIZE...)
          refused(e);
        }
      }
    } else {
      let k = 0;
      let batches = 0;
      const batch: Buffer[] = [];
      const batchTargets: string[] = [];
      while (k < count && !signal?.aborted) {
        let n: number;
        if (rate === 'max') n = Math.min(BATCH, count - k);
        else {
          const due = Math.min(count, Math.floor(((now() - started) / 1e9) * rate) + 1);
          n = Math.min(BATCH, due - k);
          if (n <= 0) {
            // Sleep until the next packet is due (at least a millisecond: timers are no finer).
            const nextAt = started + (k / rate) * 1e9;
            await sleep(Math.max(1, (nextAt - now()) / 1e6), undefined, { signal }).catch(() => undefined);
            continue;
          }
        }
        batch.length = 0;
        batchTargets.length = 0;
        for (let j = 0; j < n; j++) {
          batch.push(packetFor(k + j, j));
          batchTargets.push(targets[(k + j) % packets.length]!);
        }
        let result;
        try {
          result = packets.length === 1 ? out.sendMany(batch, batchTargets[0]!) : out.sendMany(batch, batchTargets);
        } catch (e) {
          const code = (e as SocketError).code;
          if (rate === 'max' && RETRYABLE.has(code)) {
            await sleep(1);
            continue;
          }
          if (stats.sent === 0) throw e;
          refused(e);
          k += 1; // skip the packet the kernel refuses, keep the rest going
          continue;
        }
        for (let j = 0; j < result.sent; j++) record(k + j, batch[j]!, result.sentAt);
        last = result.sentAt;
        k += result.sent;
        if (result.error !== null) {
          if (!(rate === 'max' && RETRYABLE.has(result.error.code))) {
            refused(result.error);
            k += 1;
          }
          await sleep(1);
        } else if (rate === 'max' && ++batches % 16 === 0) {
          // Let the event loop deliver replies now and then.
          await new Promise((resolve) => setImmediate(resolve));
        }
      }
    }
    stats.sendMs = (last - started) / 1e6;
    stats.aborted = signal?.aborted === true;

    if (waitMs > 0 && !stats.aborted) {
      const until = Date.now() + waitMs;
      while (Date.now() < until && !matcher.allAnswered && !signal?.aborted) {
        await sleep(Math.min(20, until - Date.now()), undefined, { signal }).catch(() => undefined);
      }
      stats.aborted = signal?.aborted === true;
    }
    return stats;
  } finally {
    out.close();
    for (const s of listeners) s.close();
  }
}

/** The ICMP echo/timestamp identifiers the packets carry. */
function echoIdentifiers(packets: readonly Buffer[]): Set<number> {
  const ids = new Set<number>();
  for (const p of packets) {
    const c = counterFor(p);
    if (c !== null) ids.add(p.readUInt16BE(c.seqOffset - 2));
  }
  return ids;
}

/** Opens the sockets that can see the answers: raw ICMP always, raw TCP/UDP when we send those. */
function listen(packets: readonly Buffer[], listeners: RawSocket[], matcher: ReplyMatcher, stats: SendStats, onReply: ((r: Reply) => void) | null): void {
  const onMessage = (msg: Buffer, info: MessageInfo): void => {
    const m = matcher.match(msg);
    if (m === null) return;
    stats.replies++;
    onReply?.({ ...m, bytes: Buffer.from(msg), info, rttMs: m.sentAt === null ? null : (info.timestamp - m.sentAt) / 1e6 });
  };
  const icmp = rawIcmpSocket({ passTypes: [0, 3, 4, 5, 11, 12, 14] });
  listeners.push(icmp);
  // A raw ICMP socket gets a copy of every ICMP message on the host: let the kernel drop other
  // processes' echo replies (iputils ping's filter) so a busy host cannot fill our buffer.
  // With several identifiers (a file of different pings) every echo reply is let through.
  const ids = echoIdentifiers(packets);
  if (ids.size <= 1) icmp.attachFilter(echoReplyFilterV4(ids.size === 1 ? [...ids][0]! : 0));
  icmp.on('message', onMessage);
  const protocols = new Set(packets.map((p) => p[9]));
  for (const [number, name] of [[17, 'udp'], [6, 'tcp']] as const) {
    if (!protocols.has(number)) continue;
    const s = openSocket({ family: 'inet', type: 'raw', protocol: name });
    listeners.push(s);
    s.on('message', onMessage);
  }
}
