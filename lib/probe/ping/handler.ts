// ping's side of the probe engine: iputils ping's rules (ping_common.c) as a ProbeHandler.
//
//   - probe n carries icmp_seq n + 1 (the protocol's sequenceOf) and goes to the targets in turn;
//   - it stops when count replies + errors have come (for every target), or at the deadline
//     (-w, the engine's), or after the last probe has had its linger: twice the largest RTT seen
//     (at least the interval), or the -W timeout when nothing came back at all;
//   - with a deadline it keeps sending past the count until count replies came, and the first
//     error ends it;
//   - -O reports, before each send, a previous probe to the same target still unanswered;
//   - -A paces the probes by the round trip (adaptive.ts).
import { headerLengthOf, MIN_HEADER_LENGTH } from '../../wire/ipv4.js';
import { NS_PER_MS, toEpochMs } from '../../socket/clock.js';
import { errnoName, firstLine } from '../errors.js';
import type { ProbeEngine } from '../engine/engine.js';
import { MATCH_FLAG, type Match, type ProbeSlot } from '../engine/protocol.js';
import { rttMicros } from '../engine/stats.js';
import { PROBE_STATE } from '../engine/table.js';
import { NEXT, OUTCOME, type EngineClock, type Next, type Outcome, type ProbeHandler } from '../engine/types.js';
import type { IcmpEchoProtocol } from '../protocols/icmp-echo.js';
import type { PingEvent, PingHooks, PingProgress } from './events.js';
import type { PingConfig } from './options.js';
import { AdaptivePace } from './adaptive.js';

/** iputils' stop rules and the events, on top of the engine. */
export class PingHandler implements ProbeHandler {
  readonly #engine: ProbeEngine;
  readonly #protocol: IcmpEchoProtocol;
  readonly #config: PingConfig;
  readonly #hooks: PingHooks;
  readonly #progress: Required<PingProgress> = { sent: 0, replies: 0, corrupted: 0, errors: 0, sendErrors: 0, refusedLater: 0 };
  readonly #lastProbe: number[];
  readonly #limit: number;
  readonly #onMtu: (mtu: number) => void;
  /** -A's pacing, or null. */
  readonly #pace: AdaptivePace | null;
  #sends = 0;
  #paused = false;

  /** `onMtu`: an error told the MTU of the path (IPv6 cuts its probes for it from then on). */
  constructor(engine: ProbeEngine, protocol: IcmpEchoProtocol, config: PingConfig, hooks: PingHooks, clock: EngineClock, onMtu: (mtu: number) => void = () => undefined) {
    this.#engine = engine;
    this.#onMtu = onMtu;
    this.#protocol = protocol;
    this.#config = config;
    this.#hooks = hooks;
    this.#lastProbe = config.targets.map(() => -1);
    this.#limit = config.count === null ? Number.POSITIVE_INFINITY : config.count * config.targets.length;
    const root = typeof process.getuid === 'function' && process.getuid() === 0;
    this.#pace = config.adaptive ? new AdaptivePace(engine, clock, config.intervalMs, config.preload, root) : null;
  }

  /** The run is over (the session calls this once the engine stopped): no timer left behind. */
  close(): void {
    this.#pace?.close();
  }

  /** ping --watch's p: no new probes until resume(); the ones in flight still count. */
  pause(): void {
    this.#paused = true;
  }

  resume(): void {
    if (!this.#paused) return;
    this.#paused = false;
    this.#engine.wake();
  }

  get paused(): boolean {
    return this.#paused;
  }

  next(probe: ProbeSlot): Next {
    const config = this.#config;
    // With a deadline, iputils goes on sending past the count until count replies came.
    if (this.#sends >= this.#limit && config.deadlineMs === null) return NEXT.done;
    if (this.#paused) return NEXT.wait;
    if (this.#pace !== null) {
      if (!this.#pace.mayGo()) return NEXT.wait;
      this.#pace.handedOut();
    }
    const target = this.#sends % config.targets.length;
    probe.target = target;
    probe.ttl = config.ttl;
    probe.tos = config.tos;
    const engine = this.#engine;
    const previous = this.#lastProbe[target]!;
    if (config.outstanding && previous >= 0 && this.#hooks.onEvent !== undefined) {
      const st = engine.stateOf(previous);
      if (st !== PROBE_STATE.replied && st !== PROBE_STATE.late && st !== PROBE_STATE.free) {
        const t = config.targets[target]!;
        this.#hooks.onEvent({ type: 'no-answer', host: t.host, target: t.address, seq: this.#protocol.sequenceOf(previous), at: Date.now() });
      }
    }
    this.#lastProbe[target] = probe.number;
    this.#sends++;
    return NEXT.send;
  }

  sent(n: number, error: Error | null, later = false): void {
    const engine = this.#engine;
    if (!later) this.#pace?.went();
    if (error === null) {
      this.#progress.sent++;
    } else {
      if (later) this.#progress.refusedLater++;
      else this.#progress.sendErrors++;
      if (this.#hooks.onEvent !== undefined) {
        const t = this.#config.targets[engine.targetOf(n)]!;
        this.#hooks.onEvent({
          type: 'send-error',
          host: t.host,
          target: t.address,
          seq: this.#protocol.sequenceOf(n),
          code: errnoName(error),
          message: firstLine(String(error.message)),
        });
      }
      this.#checkStop();
    }
    if (later) return;
    // After the last probe, linger as iputils does: twice the largest RTT (at least one
    // interval) when replies came, else the -W timeout.
    if (this.#sends >= this.#limit && this.#config.deadlineMs === null && n === engine.count - 1) {
      let received = 0;
      let maxUs = 0;
      for (let i = 0; i < this.#config.targets.length; i++) {
        const s = engine.stats(i);
        received += s.received;
        if (s.maxUs > maxUs) maxUs = s.maxUs;
      }
      const lingerNs = received > 0 ? Math.max(2 * maxUs * 1000, this.#config.intervalMs * NS_PER_MS) : this.#config.timeoutMs * NS_PER_MS;
      const at = engine.sentAt(n);
      engine.finishAt((Number.isNaN(at) ? engine.startedAt : at) + lingerNs);
    }
  }

  answer(n: number, outcome: Outcome, m: Match, receivedAt: number): void {
    const p = this.#progress;
    if (outcome === OUTCOME.reply || outcome === OUTCOME.duplicate) p.replies++;
    else if (outcome === OUTCOME.corrupted) p.corrupted++;
    else if (outcome === OUTCOME.error) p.errors++;
    if (outcome === OUTCOME.error) {
      const mtu = this.#config.family.detailOf(m).mtu;
      if (mtu !== null && mtu > 0) this.#onMtu(mtu);
    }
    if (this.#hooks.onEvent !== undefined) this.#hooks.onEvent(this.#event(n, outcome, m, receivedAt));
    if (outcome === OUTCOME.reply || outcome === OUTCOME.error) this.#checkStop();
  }

  timeout(n: number): void {
    if (this.#hooks.onEvent === undefined) return;
    const engine = this.#engine;
    const t = this.#config.targets[engine.targetOf(n)]!;
    this.#hooks.onEvent({ type: 'timeout', host: t.host, target: t.address, seq: this.#protocol.sequenceOf(n) });
  }

  flush(): void {
    const p = this.#progress;
    if (this.#hooks.onProgress !== undefined && (p.sent | p.replies | p.corrupted | p.errors | p.sendErrors | p.refusedLater) !== 0) {
      this.#hooks.onProgress(p);
    }
    p.sent = 0;
    p.replies = 0;
    p.corrupted = 0;
    p.errors = 0;
    p.sendErrors = 0;
    p.refusedLater = 0;
  }

  /** iputils: stop when received + errors reach the count (for every target); with -w, at the first error. */
  #checkStop(): void {
    const engine = this.#engine;
    const config = this.#config;
    let errors = 0;
    let reached = config.count !== null;
    for (let i = 0; i < config.targets.length; i++) {
      const s = engine.stats(i);
      errors += s.errors;
      if (config.count !== null && s.received + s.errors < config.count) reached = false;
    }
    if (reached || (config.deadlineMs !== null && errors > 0)) engine.stop();
  }

  #event(n: number, outcome: Outcome, m: Match, receivedAt: number): PingEvent {
    const engine = this.#engine;
    const t = this.#config.targets[engine.targetOf(n)]!;
    const rttUs = rttMicros(receivedAt - engine.sentAt(n));
    const base = {
      host: t.host,
      target: t.address,
      seq: this.#protocol.sequenceOf(n),
      from: this.#config.family.fromText(m),
      receivedAt: toEpochMs(receivedAt),
      rttMs: rttUs / 1000,
      rttUs,
    };
    if (outcome === OUTCOME.error || outcome === OUTCOME.notice) {
      const family = this.#config.family;
      const detail = family.detailOf(m);
      return {
        type: outcome === OUTCOME.error ? 'error' : 'notice',
        ...base,
        icmpType: m.type,
        icmpCode: m.code,
        message: family.describe(m.type, m.code, detail),
        ...detail,
        quotedTos: m.quotedTos,
        quotedTtl: m.quotedTtl,
        badChecksum: (m.flags & MATCH_FLAG.badChecksum) !== 0,
      };
    }
    return {
      type: 'reply',
      ...base,
      bytes: m.bytes,
      ttl: m.ttl,
      tos: m.tos,
      sentTos: engine.tosOf(n),
      duplicate: outcome === OUTCOME.duplicate,
      late: outcome === OUTCOME.late,
      badChecksum: outcome === OUTCOME.corrupted,
      truncated: (m.flags & MATCH_FLAG.truncated) !== 0,
      wrongData: (m.flags & MATCH_FLAG.wrongData) !== 0,
      ipOptions: this.#config.family.version === 4 ? ipOptionsOf(m) : null,
    };
  }
}

/** The option bytes of the answer's own IPv4 header (what -R and -T print), or null without any. */
function ipOptionsOf(m: Match): Buffer | null {
  const hl = headerLengthOf(m.data, m.offset);
  return hl > MIN_HEADER_LENGTH ? Buffer.from(m.data.subarray(m.offset + MIN_HEADER_LENGTH, m.offset + hl)) : null;
}
