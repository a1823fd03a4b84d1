// Sending crafted IPv4 packets through a raw IPPROTO_RAW socket (IP_HDRINCL implied: every byte
// of the IP header is ours, except what hdrincl.ts lists), on the same probe engine and pacer as
// ping (lib/probe/engine), paced three ways:
//
//   interval   one packet every intervalMs (the first at once), like ping -i
//   rate N     N packets per second, in sendmmsg batches (the pacer's bucket: a stall is made up
//              for by up to a tenth of a second of packets)
//   rate max   as fast as the socket takes them, in batches of 256, bounded by count
//   gaps       each packet of the list its own time after the one before (a capture's timing,
//              as tcpreplay replays it), one sendto each
//
// openSender opens the sockets (CAP_NET_RAW) before anything is said or sent, so a caller can
// fail before its first line; run() sends.
//
// A full socket buffer (EAGAIN, ENOBUFS) holds the packets back for a millisecond and sends them
// again, whatever the pacing (the engine's one list of transient errors); any other refusal is
// counted and the next packet goes. With waitMs > 0, raw sockets listen (from before the first
// send) for the answers protocol.ts recognises, until waitMs after the last send or until every
// packet has been answered. Echo and timestamp requests count their sequence up per round (like
// ping); their ICMP checksum then follows by RFC 1624 incremental update, unless it was wrong on
// purpose.
import { readIpv4 } from '../wire/bytes.js';
import { FIELD as IP, MIN_HEADER_LENGTH, PROTOCOL } from '../wire/ipv4.js';
import { echoReplyFilterV4 } from '../socket/bpf.js';
import type { RawSocket } from '../socket/socket.js';
import type { MessageInfo } from '../socket/values.js';
import { openSocket, rawIcmpSocket } from '../socket/socket.js';
import type { SocketError } from '../socket/errors.js';
import { ProbeSession, type SessionParts, type SessionSocket } from '../probe/engine/session.js';
import { SocketGroup } from '../probe/engine/socket-group.js';
import { counterFor, CraftedProtocol } from './protocol.js';
import { SendHandler } from './send-handler.js';
import type { ReplyMatch } from './match.js';

export interface SentEvent {
  /** 0-based, in sending order. */
  index: number;
  /** The bytes handed to the kernel (valid during the callback only in batch modes). */
  packet: Buffer;
  /** lib/socket clock, ns. */
  sentAt: number;
}

export interface SendOptions {
  /** Packets to send in all; the list is sent round-robin. Default: the list's length. */
  count?: number;
  /** Milliseconds between packets when no rate is given. Default 1000. */
  intervalMs?: number;
  /**
   * Instead of an interval: the milliseconds each packet of the list waits after the one before
   * it (the first's is ignored: it goes at once, and again right after the last in later rounds).
   */
  gapsMs?: readonly number[] | null;
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
  /** Packets the kernel refused (a full buffer is retried, not counted). */
  errors: number;
  firstError: SocketError | null;
  aborted: boolean;
}

/** Packets per sendmmsg when batching (rate N, rate max). */
const BATCH = 256;
/** Receive slots of each listening socket, and most datagrams taken per wake-up. */
const RECEIVE = { slotCount: 64, slotSize: 65536, maxPerWake: 1024 } as const;
/** How long after opening the listening sockets the first packet waits (engine/session.ts). */
const LISTEN_SETTLE_MS = 3;
/** The engine's memory of sent packets (answers to older ones are not matched). */
const MAX_MEMORY = 65536;
/** Without listening nothing is matched: the ring only has to hold what is being sent. */
const UNHEARD_MEMORY = 4 * BATCH;

/** The destination the kernel routes by: the packet's own IPv4 destination. */
function destinationOf(packet: Buffer): string {
  if (packet.length < MIN_HEADER_LENGTH) throw new RangeError(`a ${packet.length}-byte packet has no IPv4 header to send`);
  return readIpv4(packet, IP.DST);
}

/**
 * The sockets for `packets` opened (CAP_NET_RAW: the socket error, EPERM with advice, is thrown
 * here), ready to send them as options say. `parts` stand in for the socket and the clock (tests).
 */
export function openSender(packets: readonly Buffer[], options: SendOptions = {}, parts: Omit<SessionParts, 'capture'> = {}): PacketSender {
  return new PacketSender(packets, options, parts);
}

/**
 * Sends `packets` (whole IPv4 packets) as options say: openSender, then run(). The error of a
 * first packet the kernel refuses is thrown too. Resolves with the totals.
 */
export async function sendPackets(packets: readonly Buffer[], options: SendOptions = {}, parts: Omit<SessionParts, 'capture'> = {}): Promise<SendStats> {
  return openSender(packets, options, parts).run();
}

export class PacketSender {
  readonly #options: SendOptions;
  readonly #destinations: string[];
  readonly #lengths: number[];
  readonly #protocol: CraftedProtocol;
  readonly #session: ProbeSession;
  readonly #count: number;
  #stopped = false;

  constructor(packets: readonly Buffer[], options: SendOptions, parts: Omit<SessionParts, 'capture'>) {
    if (packets.length === 0) throw new RangeError('nothing to send: no packets');
    const count = options.count ?? packets.length;
    const rate = options.rate ?? null;
    const waitMs = options.waitMs ?? 0;
    if (!Number.isInteger(count) || count < 0) throw new RangeError(`count ${count} is not a whole number`);
    if (typeof rate === 'number' && !(rate > 0 && Number.isFinite(rate))) throw new RangeError(`rate ${rate} is not a positive number`);
    const gaps = options.gapsMs ?? null;
    if (gaps !== null && (gaps.length !== packets.length || gaps.some((g) => !(g >= 0 && Number.isFinite(g))))) throw new RangeError('gapsMs: one time of 0 ms or more per packet');
    this.#options = options;
    this.#count = count;
    this.#destinations = packets.map(destinationOf);
    this.#lengths = packets.map((p) => p.length);
    this.#protocol = new CraftedProtocol(packets, options.incrementSequence !== false, waitMs > 0);
    this.#session = new ProbeSession({ openSocket: () => openSendSockets(packets, waitMs), fragmentMtu: null, settleMs: waitMs > 0 ? LISTEN_SETTLE_MS : 0 }, parts);
  }

  /** Ends the run now (Ctrl-C): run() resolves with what was sent, aborted set. */
  stop(): void {
    this.#stopped = true;
    this.#session.stop();
  }

  /** Sends, paced; resolves with the totals (a first packet refused: its error is thrown). Closes the sockets. */
  async run(): Promise<SendStats> {
    const options = this.#options;
    const rate = options.rate ?? null;
    const waitMs = options.waitMs ?? 0;
    const targets = [...new Set(this.#destinations)];
    const signal = options.signal;
    const abort = (): void => this.stop();
    if (signal?.aborted === true) this.stop();
    signal?.addEventListener('abort', abort);
    try {
      const { stats, refusal } = await this.#session.run(
        {
          protocol: this.#protocol,
          handler: (engine) =>
            new SendHandler(engine, this.#protocol, {
              count: this.#count,
              waitMs,
              targetOf: this.#destinations.map((d) => targets.indexOf(d)),
              lengths: this.#lengths,
              gapsMs: options.gapsMs ?? null,
              clock: this.#session.clock,
              onSent: options.onSent ?? null,
              onReply: options.onReply ?? null,
            }),
          targets,
          timeoutMs: 0,
          intervalMs: rate === null && options.gapsMs == null ? (options.intervalMs ?? 1000) : 0,
          rate: typeof rate === 'number' ? rate : 0,
          window: Number.POSITIVE_INFINITY,
          // Listening, every packet is remembered for its answer; otherwise a few batches' worth will do.
          memory: waitMs > 0 ? Math.min(MAX_MEMORY, Math.max(1, this.#count)) : UNHEARD_MEMORY,
          maxBatch: rate === null ? 1 : BATCH,
        },
        (handler) => handler.result(),
      );
      if (refusal !== null) throw refusal; // nothing went out: the cause is the answer (EPERM, EMSGSIZE...)
      stats.aborted = this.#stopped;
      return stats;
    } finally {
      signal?.removeEventListener('abort', abort);
    }
  }
}

/** The ICMP echo/timestamp identifiers the packets carry. */
function echoIdentifiers(packets: readonly Buffer[]): Set<number> {
  const ids = new Set<number>();
  for (const p of packets) {
    const c = counterFor(p);
    if (c !== null) ids.add(c.identifier);
  }
  return ids;
}

/**
 * The sending socket (raw IPPROTO_RAW: the datagram is ours whatever its protocol), and with
 * waitMs the sockets that can see the answers: raw ICMP always, raw TCP/UDP when we send those.
 */
function openSendSockets(packets: readonly Buffer[], waitMs: number): SessionSocket {
  const sender = openSocket({ family: 'inet', type: 'raw', protocol: 'raw' });
  const receivers: RawSocket[] = [];
  try {
    if (waitMs > 0) {
      const icmp = rawIcmpSocket({ passTypes: new CraftedProtocol(packets, false).icmpTypes });
      receivers.push(icmp);
      // A raw ICMP socket gets a copy of every ICMP message on the host: let the kernel drop
      // other processes' echo replies (iputils ping's filter) so a busy host cannot fill our
      // buffer. With several identifiers (a file of different pings) every echo reply passes.
      const ids = echoIdentifiers(packets);
      if (ids.size <= 1) icmp.attachFilter(echoReplyFilterV4(ids.size === 1 ? [...ids][0]! : 0));
      const protocols = new Set(packets.map((p) => p[IP.PROTOCOL]));
      for (const [number, name] of [[PROTOCOL.UDP, 'udp'], [PROTOCOL.TCP, 'tcp']] as const) {
        if (protocols.has(number)) receivers.push(openSocket({ family: 'inet', type: 'raw', protocol: name }));
      }
      for (const r of receivers) r.startReceiving(RECEIVE);
    }
  } catch (e) {
    for (const s of [sender, ...receivers]) s.close();
    throw e;
  }
  return new SocketGroup(sender, receivers);
}
