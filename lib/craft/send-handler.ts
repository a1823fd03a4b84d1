// `rawprobe send`'s side of the probe engine: packet n is crafted packet n % count, sent until
// `count` have gone; each one sent, refused or answered is counted and reported; after the last
// one the run lingers waitMs for answers (or ends as soon as every packet that can be answered
// was). A refusal before anything went out ends the run: the caller throws it, as sendto would.
import { messageInfoAt } from '../socket/values.js';
import { NS_PER_MS } from '../socket/clock.js';
import type { SocketError } from '../socket/errors.js';
import type { ProbeEngine } from '../probe/engine/engine.js';
import type { Match, ProbeSlot } from '../probe/engine/protocol.js';
import { Alarm } from '../probe/engine/alarm.js';
import { NEXT, type EngineClock, type Next, type Outcome, type ProbeHandler } from '../probe/engine/types.js';
import type { CraftedProtocol } from './protocol.js';
import type { Reply, SendStats, SentEvent } from './send.js';

export interface SendPlan {
  /** Packets to send in all. */
  count: number;
  /** How long to listen after the last one, ms (0: not at all). */
  waitMs: number;
  /** Each crafted packet's engine target index (its destination's). */
  targetOf: readonly number[];
  /** Each crafted packet's length. */
  lengths: readonly number[];
  /**
   * How long a packet nothing will answer stays in flight after it is sent, ms: 0, or with the
   * socket's send thread (rate max) long enough for a refusal to come back from the thread, which
   * sends it after the engine counted it sent.
   */
  queuedMs: number;
  /** Each crafted packet's wait after the one before, ms (a capture's timing), or null: the engine paces. */
  gapsMs: readonly number[] | null;
  /** The engine's clock, for the gaps. */
  clock: EngineClock;
  onSent: ((event: SentEvent) => void) | null;
  onReply: ((reply: Reply) => void) | null;
}

export class SendHandler implements ProbeHandler {
  readonly #engine: ProbeEngine;
  readonly #protocol: CraftedProtocol;
  readonly #plan: SendPlan;
  readonly #stats: SendStats = { sent: 0, bytes: 0, sendMs: 0, replies: 0, errors: 0, firstError: null, aborted: false };
  /** The error of a first packet refused before any went out. */
  #refusal: Error | null = null;
  #lastSentAt = Number.NaN;
  /** With gaps: when packet #dueFor may go, clock ns; the alarm that wakes the engine then. */
  #due = Number.NaN;
  #dueFor = -1;
  readonly #alarm: Alarm;

  constructor(engine: ProbeEngine, protocol: CraftedProtocol, plan: SendPlan) {
    this.#engine = engine;
    this.#protocol = protocol;
    this.#plan = plan;
    this.#alarm = new Alarm(plan.clock, () => engine.wake());
  }

  next(slot: ProbeSlot): Next {
    const n = slot.number;
    const plan = this.#plan;
    if (n >= plan.count) return NEXT.done;
    if (plan.gapsMs !== null && !this.#gapPassed(n, plan.gapsMs)) return NEXT.wait;
    slot.target = plan.targetOf[n % plan.targetOf.length]!;
    // Listening, a packet that can be answered stays in flight until it is (or the run ends);
    // otherwise it is done with as soon as it leaves (the send thread has it: queuedMs).
    slot.timeoutMs = plan.waitMs > 0 && this.#protocol.answerable(n) ? Number.POSITIVE_INFINITY : plan.queuedMs;
    return NEXT.send;
  }

  /**
   * Whether packet n's gap has passed; if not, the alarm is set for it. Each due time counts from
   * the one before, not from when that packet left, so a late send does not delay the rest.
   */
  #gapPassed(n: number, gapsMs: readonly number[]): boolean {
    const now = this.#plan.clock.now();
    if (this.#dueFor !== n) {
      const i = n % gapsMs.length;
      this.#due = n === 0 ? now : this.#due + (i === 0 ? 0 : gapsMs[i]! * NS_PER_MS);
      this.#dueFor = n;
    }
    if (now >= this.#due) return true;
    this.#alarm.set(this.#due);
    return false;
  }

  /** Packet n went (or was refused); `later`: the send thread refused it after it was counted sent (its onSent was told). */
  sent(n: number, error: Error | null, later = false): void {
    const stats = this.#stats;
    const at = this.#engine.sentAt(n);
    if (later) {
      stats.sent--;
      stats.bytes -= this.#plan.lengths[n % this.#plan.lengths.length]!;
      stats.errors++;
      stats.firstError ??= error as SocketError;
      return;
    }
    if (error === null) {
      stats.sent++;
      stats.bytes += this.#plan.lengths[n % this.#plan.lengths.length]!;
      this.#lastSentAt = at;
      this.#plan.onSent?.({ index: n, packet: this.#protocol.bytesOf(n), sentAt: at });
    } else if (stats.sent === 0 && stats.errors === 0) {
      this.#refusal = error;
      this.#engine.stop();
      return;
    } else {
      stats.errors++;
      stats.firstError ??= error as SocketError;
    }
    if (n === this.#plan.count - 1) {
      this.#engine.noMoreProbes();
      this.#engine.finishAt(at + this.#plan.waitMs * NS_PER_MS);
    }
  }

  answer(n: number, _outcome: Outcome, m: Match, receivedAt: number): void {
    this.#stats.replies++;
    const onReply = this.#plan.onReply;
    if (onReply === null || m.batch === null) return;
    const sentAt = this.#engine.sentAt(n);
    const family = this.#protocol.family;
    onReply({
      kind: family.replyKind(m),
      probe: n,
      sentAt,
      bytes: family.answerPacket(m, this.#protocol.bytesOf(n)),
      info: messageInfoAt(m.batch, m.index),
      rttMs: Number.isNaN(sentAt) ? null : (receivedAt - sentAt) / NS_PER_MS,
    });
  }

  /** The totals (aborted is the caller's to say), and the refusal that stopped the run before anything went out. */
  result(): { stats: SendStats; refusal: Error | null } {
    this.#alarm.cancel(); // a gap still to wait when the run was stopped
    const stats = this.#stats;
    stats.sendMs = Number.isNaN(this.#lastSentAt) ? 0 : (this.#lastSentAt - this.#engine.startedAt) / NS_PER_MS;
    return { stats, refusal: this.#refusal };
  }
}
