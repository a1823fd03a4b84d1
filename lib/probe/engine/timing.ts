// What a round trip is timed from. A probe's send time is first the clock read just before its
// send call (outbox.ts): every probe of a batch left after it. When the socket gives kernel send
// stamps (SO_TIMESTAMPING, lib/probe/engine/timestamps.ts), each probe's own stamp replaces it as
// soon as it comes, matched by its key (send-keys.ts); the addon hands a wake-up's stamps over
// before its answers (native/receive.cc), so an answer normally finds its probe's stamp there.
//
// Each answer is timed with one clock at both ends, never an estimate:
//   - the interface's clock, with --hw-timestamps, when both the probe and the answer carry it;
//   - else the kernel's software clock: its send stamp and the answer's receive stamp;
//   - else, lacking the send stamp, the clock before the send call (an upper bound on the trip).
// A send stamp that would put the send at or after the answer cannot be that probe's (a key that
// went astray): the clock before the call is used. So every time reported is positive.
import { TX, type SendStamps } from '../../socket/batch.js';
import { constants } from '../../socket/constants.js';
import type { Ledger } from './ledger.js';
import { SendKeys } from './send-keys.js';
import { SEND_CLOCK, type ProbeTable } from './table.js';

/** How the answers so far were timed (engine.timing). */
export interface TimingCounts {
  /** Kernel software stamps at both ends. */
  kernel: number;
  /** The interface's stamps at both ends (--hw-timestamps). */
  hardware: number;
  /** No kernel send stamp to use: the send side is the clock read before the send call. */
  userSend: number;
  /** No kernel receive stamp (the answer came before the kernel stamped receptions): the time it was read. */
  userReceive: number;
}

export class AnswerTiming {
  readonly counts: TimingCounts = { kernel: 0, hardware: 0, userSend: 0, userReceive: 0 };
  /** Send stamps that matched a probe. */
  stamped = 0;
  readonly #table: ProbeTable;
  readonly #ledger: Ledger;
  /** Made with the first probe that will get a stamp: a run without send stamps never needs it. */
  #keys: SendKeys | null = null;
  readonly #hardware: boolean;

  constructor(ledger: Ledger, hardware: boolean) {
    this.#ledger = ledger;
    this.#table = ledger.table;
    this.#hardware = hardware;
  }

  /** Probes first .. first+k-1 went out as the datagrams keyed firstKey, firstKey + 1, ... (-1: no stamps will come). */
  sent(first: number, k: number, firstKey: number): void {
    if (firstKey < 0) return;
    // As many keys as probes remembered at most: a probe's stamp comes long before it is forgotten.
    const keys = (this.#keys ??= new SendKeys(this.#table.maxCapacity));
    for (let i = 0; i < k; i++) keys.record((firstKey + i) % 2 ** 32, first + i);
  }

  /** The kernel's send stamps ('txstamps'): each is its probe's send time from now on. */
  readonly onStamps = (s: SendStamps): void => {
    const { stamps, count } = s;
    const keys = this.#keys;
    if (keys === null) return;
    const sent = constants.SCM_TSTAMP_SND;
    for (let i = 0; i < count; i++) {
      const base = i * TX.stride;
      if (stamps[base + TX.type] !== sent) continue;
      const n = keys.probeOf(stamps[base + TX.key] as number);
      if (n >= 0 && this.#ledger.stamp(n, stamps[base + TX.timestamp] as number, stamps[base + TX.hwTimestamp] as number)) this.stamped++;
    }
  };

  /**
   * The receive time to time an answer to probe n with, the probe's sentAt set to the send time
   * on the same clock. `receivedAt` is the answer's kernel receive time (`kernelReceive` false:
   * the time it was read), `hardwareAt` the interface's, -1 when none.
   */
  answer(n: number, receivedAt: number, kernelReceive: boolean, hardwareAt: number): number {
    const t = this.#table;
    const s = t.slot(n);
    const c = this.counts;
    const hardwareSent = t.hardwareSentAt === null ? Number.NaN : (t.hardwareSentAt[s] as number);
    if (this.#hardware && hardwareAt >= 0 && hardwareSent < hardwareAt) {
      t.sentAt[s] = hardwareSent;
      t.sendClock[s] = SEND_CLOCK.hardware;
      c.hardware++;
      return hardwareAt;
    }
    const kernelSent = t.kernelSentAt[s] as number;
    if (kernelSent < receivedAt) {
      t.sentAt[s] = kernelSent;
      t.sendClock[s] = SEND_CLOCK.kernel;
      if (kernelReceive) c.kernel++;
    } else {
      t.sentAt[s] = t.requestedAt[s] as number;
      t.sendClock[s] = SEND_CLOCK.user;
      c.userSend++;
    }
    if (!kernelReceive) c.userReceive++;
    return receivedAt;
  }
}
