// What one trace probe's outcome says, as a TraceProbe: who answered, the round trip, the ICMP
// type and traceroute's mark, and every field the path changed in our header (changes.ts), read
// from the quote the answer carries (the Match holds the answer's bytes). To compare, the probe
// is encoded again as it was sent (the protocols encode deterministically), and when it went in
// fragments, a router's quote is compared with the first fragment, the one it received.
import { fragmentIpv4 } from '../../wire/fragment.js';
import { fragmentIpv6 } from '../../wire/fragment6.js';
import { HEADER_LENGTH as ICMP_HEADER_LENGTH, ICMP_TYPE } from '../../wire/icmpv4-codes.js';
import { ICMPV6_TYPE } from '../../wire/icmpv6-codes.js';
import { isFragment } from '../../wire/ipv4.js';
import { FIELD as IP6, HEADER_LENGTH as IPV6_HEADER_LENGTH, NEXT_HEADER } from '../../wire/ipv6.js';
import { ipv6WordsOf } from '../../wire/ipv6-address.js';
import { quotedHeaderOffset } from '../../wire/peek.js';
import { errnoName } from '../errors.js';
import type { ProbeEngine } from '../engine/engine.js';
import type { Match, ProbeSlot } from '../engine/protocol.js';
import { rttMicros } from '../engine/stats.js';
import { OUTCOME, type Outcome } from '../engine/types.js';
import type { TraceProtocol } from '../protocols/trace-protocol.js';
import { compareQuoted, type HeaderChange } from './changes.js';
import { fieldEnd, unknownPart } from '../../wire/quote-diff.js';
import { noAnswer, type TraceProbe } from './events.js';
import { answerExtensions } from './extensions.js';
import type { TraceConfig } from './options.js';

/** traceroute's marks for what the kernel refused locally (no route, too long...). */
const SEND_ERROR_MARKS: Readonly<Record<string, string>> = { EMSGSIZE: '!F', EHOSTUNREACH: '!H', ENETUNREACH: '!N', EACCES: '!X', EPERM: '!X' };

/**
 * A probe the kernel refused to send: no answer, traceroute's mark for the reason (it reports
 * locally-found errors with the same marks as remote ones), and the errno name.
 */
export function refusedProbe(error: Error): TraceProbe {
  const name = errnoName(error) ?? 'EIO';
  return { ...noAnswer(), mark: SEND_ERROR_MARKS[name] ?? `!<${name}>`, sendError: name };
}

/**
 * The hop the destination really is at, from its answer `p` to a probe sent with TTL `ttl`: a
 * destination that limits its port unreachables may answer only a probe sent further, and its
 * quote tells the TTL the probe had left on arrival, so it is hop ttl - quotedTtl + 1 (never
 * before the first TTL). Without that comparison (tos without --path), `ttl` itself.
 */
export function destinationHop(config: Pick<TraceConfig, 'compareTtl' | 'firstTtl'>, ttl: number, p: TraceProbe): number {
  if (!config.compareTtl || p.quotedTtl === null || p.quotedTtl <= 1) return ttl;
  return Math.max(config.firstTtl, ttl - p.quotedTtl + 1);
}

export class TraceAnswers {
  readonly #engine: ProbeEngine;
  readonly #config: TraceConfig;
  readonly #protocol: TraceProtocol;
  // for encoding again what a probe carried (the header comparison)
  readonly #scratch: Buffer;
  readonly #slot: ProbeSlot;

  constructor(engine: ProbeEngine, config: TraceConfig, protocol: TraceProtocol) {
    this.#engine = engine;
    this.#config = config;
    this.#protocol = protocol;
    this.#scratch = Buffer.alloc(protocol.maxProbeLength);
    this.#slot = { number: 0, target: 0, address: config.target.address, addressValue: 0, targets6: { words6: wordsOf(config.target.address) }, ttl: 0, tos: 0, timeoutMs: 0, key: -1 };
  }

  /**
   * What answer `m` says about probe n when it settles it: a reply or an error; null for what a
   * trace leaves aside (duplicates, late and corrupted replies, redirects and source quench).
   */
  answerOf(n: number, outcome: Outcome, m: Match, receivedAt: number): TraceProbe | null {
    return outcome === OUTCOME.reply || outcome === OUTCOME.error ? this.probe(n, outcome, m, receivedAt) : null;
  }

  /** Probe n's reply or error `m`, received at receivedAt (clock ns), as a TraceProbe. */
  probe(n: number, outcome: Outcome, m: Match, receivedAt: number): TraceProbe {
    const rttUs = rttMicros(Math.max(0, receivedAt - this.#engine.sentAt(n)));
    const family = this.#config.family;
    const isIcmp = family.protocolOf(m.data, m.offset, m) === family.icmpProtocol;
    const quote = isIcmp && family.errorTypes.includes(m.type) ? this.#compare(n, outcome, m) : null;
    const probe: TraceProbe = {
      from: family.fromText(m),
      rttMs: rttUs / 1000,
      rttUs,
      icmp: isIcmp ? { type: m.type, code: m.code } : null,
      // An unreachable from the destination itself is its answer, with traceroute's mark: none
      // for UDP's port unreachable, !P for a raw probe's protocol unreachable.
      mark: isIcmp && (outcome === OUTCOME.error || m.type === family.portUnreachable[0]) ? family.traceMark(m.type, m.code, m.info >= 0 ? m.info : null) : null,
      reply: outcome === OUTCOME.reply,
      tcpFlags: isIcmp ? null : m.type,
      ttl: m.ttl,
      tos: m.tos,
      quotedTos: quote === null ? null : m.quotedTos,
      quotedTtl: quote === null ? null : m.quotedTtl,
      changes: quote ?? [],
      extensions: isIcmp && family.version === 4 && family.errorTypes.includes(m.type) ? answerExtensions(m.data, m.offset, m.length) : null,
      sendError: null,
    };
    if (quote !== null) probe.quoteBytes = m.offset + m.length - this.#quoteAt(m);
    return probe;
  }

  /** What a quote of `bytes` leaves unknown of our probes ("tcp options"), null when nothing (quote-diff.ts unknownPart). */
  unknownPart(bytes: number): string | null {
    const length = this.#sentBytes(0);
    // The destination quotes the whole datagram; a fragmented probe's router quotes the first fragment.
    const mtu = this.#config.fragmentMtu;
    return unknownPart(this.#scratch, 0, mtu !== null && length > mtu ? Math.min(length, mtu) : length, bytes);
  }

  /** Bytes a quote must hold to show `change`'s field in our probes (quote-diff.ts fieldEnd). */
  fieldEnd(change: HeaderChange): number {
    const length = this.#sentBytes(0);
    return Math.min(length, fieldEnd(this.#scratch, 0, change));
  }

  /** Where the quoted datagram starts in the ICMP error `m`, -1 when it quotes no header. */
  #quoteAt(m: Match): number {
    // An ICMPv6 message starts the datagram (a raw IPv6 socket keeps the header); the quote follows its 8 bytes.
    if (this.#config.family.version === 6) return m.length >= ICMP_HEADER_LENGTH + IPV6_HEADER_LENGTH ? m.offset + ICMP_HEADER_LENGTH : -1;
    return quotedHeaderOffset(m.data, m.offset, m.length);
  }

  /** What the path changed in probe n's header, from the quote in `m`; null when it quotes no header. */
  #compare(n: number, outcome: Outcome, m: Match): HeaderChange[] | null {
    const v6 = this.#config.family.version === 6;
    const inner = this.#quoteAt(m);
    if (inner < 0) return null;
    let sent: Uint8Array = this.#scratch;
    let length = this.#sentBytes(n);
    // A router quotes the fragment that reached it: compare with the first one we sent. (The
    // destination quotes the datagram it put back together: compare with the whole probe.)
    const mtu = this.#config.fragmentMtu;
    const quotesFragment = v6 ? m.data[inner + IP6.NEXT_HEADER] === NEXT_HEADER.FRAGMENT : isFragment(m.data, inner);
    if (mtu !== null && length > mtu && quotesFragment) {
      const whole = this.#scratch.subarray(0, length);
      sent = (v6 ? fragmentIpv6(whole, mtu) : fragmentIpv4(whole, mtu))[0]!;
      length = sent.byteLength;
    }
    // The quoted TTL means something for a probe that expired, or that reached the
    // destination: then it arrived with 1 left. An unreachable from a router on the way
    // (!F, !H...) is about another limit, the TTL left is whatever it was.
    const exceeded = v6 ? ICMPV6_TYPE.TIME_EXCEEDED : ICMP_TYPE.TIME_EXCEEDED;
    const expiring = this.#config.compareTtl && (m.type === exceeded || outcome === OUTCOME.reply);
    return compareQuoted(sent, 0, length, m.data, inner, m.offset + m.length - inner, { expectedTtl: expiring ? 1 : null });
  }

  /** Writes what probe n carried into the scratch buffer; returns its length. */
  #sentBytes(n: number): number {
    const engine = this.#engine;
    const slot = this.#slot;
    slot.number = n;
    slot.target = 0;
    slot.addressValue = engine.targetValues[0]!;
    slot.address = engine.targets[0]!;
    slot.ttl = engine.ttlOf(n);
    slot.tos = engine.tosOf(n);
    return this.#protocol.encode(slot, this.#scratch);
  }
}

/** The trace target's address as ProbeSlot.targets6's words (its only target, index 0); zeros for IPv4. */
function wordsOf(address: string): Uint32Array {
  const words = new Uint32Array(4);
  if (address.includes(':')) ipv6WordsOf(address, words, 0);
  return words;
}
