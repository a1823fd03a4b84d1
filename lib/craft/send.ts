// Sending crafted IPv4 or IPv6 packets through a raw IPPROTO_RAW socket (IP_HDRINCL implied, or
// IPV6_HDRINCL: every byte of the IP header is ours, except what hdrincl.ts lists), on the same
// probe engine and pacer as ping (lib/probe/engine), paced three ways:
//
//   interval   one packet every intervalMs (the first at once), like ping -i
//   rate N     N packets per second, in sendmmsg batches (the pacer's bucket: a stall is made up
//              for by up to a tenth of a second of packets)
//   rate max   as fast as the socket takes them, in batches of 256, bounded by count, on the
//              socket's send threads (one, or sendThreads: the kernel's work on as many CPUs)
//   gaps       each packet of the list its own time after the one before (a capture's timing,
//              as tcpreplay replays it), one sendto each
//
// openSender opens the sockets (CAP_NET_RAW) before anything is said or sent, so a caller can
// fail before its first line; run() sends.
//
// A full socket buffer (EAGAIN, ENOBUFS) holds the packets back for a millisecond and sends them
// again, whatever the pacing (the engine's one list of transient errors); any other refusal is
// counted and the next packet goes. With waitMs > 0, raw sockets listen (from before the first
// send) for the answers the packets' family recognises (family4.ts, family6.ts), until waitMs
// after the last send or until every packet has been answered. Echo and timestamp requests count
// their sequence up per round (like ping); their checksum then follows by RFC 1624 incremental
// update, unless it was wrong on purpose. With fragmentMtu, a packet larger than it goes out as
// fragments (RFC 791, or RFC 8200 Fragment headers for IPv6): the kernel never fragments what a
// raw socket hands it.
import type { MessageInfo } from '../socket/values.js';
import type { SocketError } from '../socket/errors.js';
import { ProbeSession, type SessionParts } from '../probe/engine/session.js';
import { bindToDevice } from '../probe/engine/probe-socket.js';
import type { SocketGroup } from '../probe/engine/socket-group.js';
import { CraftedProtocol, familyOf } from './protocol.js';
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
  /**
   * At rate max, the threads that hand packets to the kernel (RawSocket.setSendThreads): the
   * kernel's work for each packet runs on the CPU of the thread that sent it. With more than one,
   * packets leave in about the order given, not exactly. Default 1.
   */
  sendThreads?: number;
  /** After the last send, listen this long for replies; 0 (default) opens no listening socket. */
  waitMs?: number;
  /** Count ICMP echo/timestamp sequence numbers up by one per round (default true). */
  incrementSequence?: boolean;
  /**
   * The list is one packet varied packet by packet (send's --dport 20-25, ++N, --rand-source):
   * echo sequences count up per packet sent, not per round of the list. Default false.
   */
  sequencePerPacket?: boolean;
  /** Send (and listen) through this interface only (SO_BINDTODEVICE, hping3 -I), or null. */
  device?: string | null;
  /** Cut a packet larger than this many bytes into fragments (null, the default: send it whole, or EMSGSIZE). */
  fragmentMtu?: number | null;
  signal?: AbortSignal;
  /** Called after each packet leaves (in batch mode once per packet, after its batch). */
  onSent?: (event: SentEvent) => void;
  onReply?: (reply: Reply) => void;
}

export interface Reply extends ReplyMatch {
  /** The answer as a whole IP packet; over IPv6 with its header rebuilt (family6.ts: answerPacket). */
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
/** How long after opening the listening sockets the first packet waits (engine/session.ts). */
const LISTEN_SETTLE_MS = 3;
/** The engine's memory of sent packets (answers to older ones are not matched). */
const MAX_MEMORY = 65536;
/** Without listening nothing is matched: the ring only has to hold what is being sent. */
const UNHEARD_MEMORY = 4 * BATCH;
/**
 * At rate max the socket's thread sends what the engine queued (native/send-queue.h: up to 4096
 * waiting, a chunk being sent): each packet is remembered until long after the thread had it,
 * so a refusal it reports finds its packet.
 */
const QUEUED_MEMORY = 8192;
const QUEUED_MS = 1000;

/**
 * The sockets for `packets` opened (CAP_NET_RAW: the socket error, EPERM with advice, is thrown
 * here), ready to send them as options say. `parts` stand in for the socket and the clock (tests).
 */
export function openSender(packets: readonly Buffer[], options: SendOptions = {}, parts: Omit<SessionParts, 'capture'> = {}): PacketSender {
  return new PacketSender(packets, options, parts);
}

/**
 * Sends `packets` (whole IP packets, all IPv4 or all IPv6) as options say: openSender, then
 * run(). The error of a first packet the kernel refuses is thrown too. Resolves with the totals.
 */
export async function sendPackets(packets: readonly Buffer[], options: SendOptions = {}, parts: Omit<SessionParts, 'capture'> = {}): Promise<SendStats> {
  return openSender(packets, options, parts).run();
}

/** `group` after `steps`; every socket of it closed again when they throw. */
function configured(group: SocketGroup, steps: (group: SocketGroup) => void): SocketGroup {
  try {
    steps(group);
  } catch (e) {
    for (const s of [group.sender, ...group.receivers]) s.close();
    throw e;
  }
  return group;
}

/** Every socket of `group` bound to `device` (when given). */
function onDevice(group: SocketGroup, device: string | null): SocketGroup {
  if (device === null) return group;
  return configured(group, (g) => {
    for (const s of [g.sender, ...g.receivers]) bindToDevice(s, device);
  });
}

export class PacketSender {
  readonly #options: SendOptions;
  readonly #destinations: string[];
  readonly #lengths: number[];
  readonly #protocol: CraftedProtocol;
  readonly #session: ProbeSession;
  readonly #count: number;
  #stopped = false;
  #sendThreads = 1;

  constructor(packets: readonly Buffer[], options: SendOptions, parts: Omit<SessionParts, 'capture'>) {
    if (packets.length === 0) throw new RangeError('nothing to send: no packets');
    const count = options.count ?? packets.length;
    const rate = options.rate ?? null;
    const waitMs = options.waitMs ?? 0;
    if (!Number.isInteger(count) || count < 0) throw new RangeError(`count ${count} is not a whole number`);
    if (typeof rate === 'number' && !(rate > 0 && Number.isFinite(rate))) throw new RangeError(`rate ${rate} is not a positive number`);
    const gaps = options.gapsMs ?? null;
    if (gaps !== null && (gaps.length !== packets.length || gaps.some((g) => !(g >= 0 && Number.isFinite(g))))) throw new RangeError('gapsMs: one time of 0 ms or more per packet');
    const family = familyOf(packets);
    this.#options = options;
    this.#count = count;
    this.#destinations = packets.map((p) => family.destinationOf(p));
    this.#lengths = packets.map((p) => p.length);
    this.#protocol = new CraftedProtocol(packets, options.incrementSequence !== false, waitMs > 0, family, options.sequencePerPacket === true);
    const device = options.device ?? null;
    const mtu = options.fragmentMtu ?? null;
    this.#session = new ProbeSession(
      {
        openSocket: () => this.#threaded(onDevice(family.openSockets(packets, waitMs), device), rate === 'max' ? (options.sendThreads ?? 1) : 1),
        fragmentMtu: mtu !== null && this.#protocol.maxProbeLength > mtu ? mtu : null,
        settleMs: waitMs > 0 ? LISTEN_SETTLE_MS : 0,
      },
      parts,
    );
  }

  /** The threads that send (more than one only at rate max, as options.sendThreads asked). */
  get sendThreads(): number {
    return this.#sendThreads;
  }

  /** `group` with its sender's send threads asked for. */
  #threaded(group: SocketGroup, threads: number): SocketGroup {
    if (threads === 1) return group;
    return configured(group, (g) => void (this.#sendThreads = g.sender.setSendThreads(threads)));
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
              queuedMs: rate === 'max' ? QUEUED_MS : 0,
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
          memory: waitMs > 0 ? Math.min(MAX_MEMORY, Math.max(1, this.#count)) : rate === 'max' ? QUEUED_MEMORY : UNHEARD_MEMORY,
          maxBatch: rate === null ? 1 : BATCH,
          // As fast as they go: the sending (and a lab's forwarding inside it) on the socket's own thread.
          sendThread: rate === 'max',
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
