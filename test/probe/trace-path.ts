// A fake path for driving a TraceSession without the kernel: routers that answer Time Exceeded
// (or stay silent, or drop some answers as ICMP rate limiting does), a destination that answers
// each probe kind as Linux does, a router that re-marks the TOS, an MTU bottleneck, an
// unreachable. Answers quote the probe as it arrived (TTL left, TOS as rewritten), come back
// after a round trip that grows with the hop, and are delivered on the fake socket when the
// fake clock gets there. Time is fake: assertions on it are about the logic, not the machine.
import { FAMILY4 } from '../../lib/probe/family/index.js';
import { setImmediate as tick } from 'node:timers/promises';
import { internetChecksum } from '../../lib/wire/checksum.js';
import { decodePacket, encodePacket } from '../../lib/wire/packet.js';
import { TRACE_DEFAULTS, type TraceConfig } from '../../lib/probe/trace/index.js';

/** traceroute's defaults, as a configuration holds them (the TCP port is the probe's business). */
const { tcpPort: _tcpPort, ...TRACE_CONFIG_DEFAULTS } = TRACE_DEFAULTS;
import type { FakeClock, FakeSocket } from './fakes.js';

export const SRC = '203.0.113.1';
export const TARGET = '203.0.113.6';
export const ROUTERS = ['203.0.113.2', '198.51.100.2', '198.51.100.6'];

export interface SentProbe {
  /** Index in the order sent. */
  index: number;
  ttl: number;
  tos: number;
  /** The hop it reaches: its TTL, or the destination's hop when the TTL is larger. */
  hop: number;
}

export interface FakeNetwork {
  routers?: string[];
  target?: string;
  /** Hops (1-based) whose router never answers. */
  silent?: readonly number[];
  /** true: this answer is lost (rate limiting, loss). */
  drop?: (p: SentProbe) => boolean;
  /** Round trip to a hop, ms. Default 0.1 ms per hop. */
  rttMs?: (hop: number) => number;
  /** Routers after hop `after` see this TOS (a re-marking router at hop `after`). */
  rewriteTos?: { after: number; tos: number };
  /** Hop whose router answers Fragmentation Needed (mtu 1400) to packets over 1400 bytes. */
  mtu1400After?: number;
  /** Hop whose router answers host unreachable to everything. */
  unreachableAt?: number;
  /** false: the destination never answers. */
  destinationAnswers?: boolean;
  /** A load-balanced hop: its router is routers[by(probe bytes) mod routers.length]. */
  balance?: { hop: number; routers: readonly string[]; by: (probe: Buffer) => number };
  /** The router at this hop adds an RFC 4884 extension structure (these bytes) to its Time Exceeded. */
  extensionsAt?: { hop: number; extensions: Buffer };
  /**
   * Packets over `mtu` bytes with DF do not get past hop `after`: Fragmentation Needed, giving
   * `advertise` as the next-hop MTU (default `mtu`), unless `silent`.
   */
  bottleneck?: { after: number; mtu: number; silent: boolean; advertise?: number };
}

/** An ICMP Time Exceeded from `from` quoting `arrived` padded to 128 bytes (RFC 4884 length 32), then `extensions`. */
export function timeExceededWithExtensions(from: string, ttl: number, arrived: Buffer, extensions: Buffer): Buffer {
  const quote = Buffer.alloc(128);
  arrived.copy(quote, 0, 0, Math.min(128, arrived.length));
  const icmp = Buffer.concat([Buffer.from([11, 0, 0, 0, 0, 32, 0, 0]), quote, extensions]);
  icmp.writeUInt16BE(internetChecksum(icmp), 2);
  return encodePacket({ ip: { src: from, dst: SRC, ttl, protocol: 1 }, payload: icmp });
}

export function traceConfig(overrides: Partial<TraceConfig> = {}): TraceConfig {
  return {
    target: { host: TARGET, address: TARGET, numeric: true },
    family: FAMILY4,
    kind: 'icmp',
    fixedPort: false,
    protocol: null,
    port: null,
    ...TRACE_CONFIG_DEFAULTS,
    tos: [0],
    df: false,
    fragmentMtu: null,
    source: SRC,
    sourceGiven: false,
    device: null,
    ipOptions: [],
    identifier: 0x5151,
    sourcePort: 40000,
    sourcePortGiven: false,
    compareTtl: true,
    pcapOut: null,
    flow: { mode: 'classic', flows: 1 },
    tcpOptions: null,
    ecn: false,
    ...overrides,
  };
}

function fixIpChecksum(b: Buffer): void {
  const hl = (b[0]! & 0x0f) * 4;
  b.writeUInt16BE(0, 10);
  let sum = 0;
  for (let i = 0; i < hl; i += 2) sum += b.readUInt16BE(i);
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  b.writeUInt16BE(~sum & 0xffff, 10);
}

export class PathSim {
  readonly sent: SentProbe[] = [];
  readonly #socket: FakeSocket;
  readonly #clock: FakeClock;
  readonly #net: FakeNetwork;
  #seen = 0;
  #pending: { at: number; bytes: Buffer }[] = [];

  constructor(socket: FakeSocket, clock: FakeClock, net: FakeNetwork = {}) {
    this.#socket = socket;
    this.#clock = clock;
    this.#net = net;
  }

  get routers(): string[] {
    return this.#net.routers ?? ROUTERS;
  }

  get target(): string {
    return this.#net.target ?? TARGET;
  }

  /** Schedules the answers to what was sent since the last call. */
  collect(): void {
    const net = this.#net;
    const destinationHop = this.routers.length + 1;
    for (; this.#seen < this.#socket.sent.length; this.#seen++) {
      const s = this.#socket.sent[this.#seen]!;
      const p = decodePacket(s.bytes);
      const probe: SentProbe = { index: this.#seen, ttl: p.ip.ttl, tos: p.ip.tos, hop: Math.min(p.ip.ttl, destinationHop) };
      this.sent.push(probe);
      const answer = this.#answer(s.bytes, probe, destinationHop);
      if (answer === null || net.drop?.(probe) === true) continue;
      const rtt = (net.rttMs ?? ((h: number) => 0.1 * h))(probe.hop);
      this.#pending.push({ at: s.at + rtt * 1e6, bytes: answer });
    }
    this.#pending.sort((a, b) => a.at - b.at);
  }

  #answer(bytes: Buffer, probe: SentProbe, destinationHop: number): Buffer | null {
    const net = this.#net;
    // The probe as the node at probe.hop receives it.
    const arrived = Buffer.from(bytes);
    arrived[8] = probe.ttl - probe.hop + 1;
    if (net.rewriteTos !== undefined && probe.hop > net.rewriteTos.after) arrived[1] = net.rewriteTos.tos;
    fixIpChecksum(arrived);
    const error = (from: string, icmp: Record<string, unknown>): Buffer =>
      encodePacket({ ip: { src: from, dst: SRC, ttl: 64 - probe.hop + 1 }, icmp: icmp as never, payload: arrived.subarray(0, Math.min(arrived.length, 548)) });
    for (let h = 1; h <= probe.hop && h < destinationHop; h++) {
      const router = this.#router(h, bytes);
      if (net.unreachableAt === h) return error(router, { kind: 'destination-unreachable', code: 1 });
      const limit = net.mtu1400After === h ? { mtu: 1400, silent: false, advertise: 1400 } : net.bottleneck?.after === h ? net.bottleneck : null;
      if (limit !== null && h < probe.hop && bytes.length > limit.mtu && (bytes[6]! & 0x40) !== 0) {
        if (limit.silent) return null;
        const at = Buffer.from(bytes);
        at[8] = probe.ttl - h + 1;
        fixIpChecksum(at);
        return encodePacket({ ip: { src: router, dst: SRC, ttl: 64 }, icmp: { kind: 'destination-unreachable', code: 4, nextHopMtu: limit.advertise ?? limit.mtu }, payload: at.subarray(0, 548) });
      }
    }
    if (probe.hop < destinationHop) {
      if ((net.silent ?? []).includes(probe.hop)) return null;
      const router = this.#router(probe.hop, bytes);
      if (net.extensionsAt?.hop === probe.hop) return timeExceededWithExtensions(router, 64 - probe.hop + 1, arrived, net.extensionsAt.extensions);
      return error(router, { kind: 'time-exceeded', code: 0 });
    }
    if (net.destinationAnswers === false) return null;
    const p = decodePacket(arrived);
    if (p.icmp?.kind === 'echo-request') {
      return encodePacket({
        ip: { src: this.target, dst: SRC, ttl: 64 - destinationHop + 1, tos: arrived[1]! },
        icmp: { kind: 'echo-reply', identifier: p.icmp.identifier, sequence: p.icmp.sequence, data: p.icmp.data },
      });
    }
    if (p.udp !== null) return error(this.target, { kind: 'destination-unreachable', code: 3 });
    if (p.tcp !== null) {
      return encodePacket({
        ip: { src: this.target, dst: SRC, ttl: 61, tos: arrived[1]! },
        tcp: { srcPort: p.tcp.dstPort, dstPort: p.tcp.srcPort, sequence: 99, acknowledgment: (p.tcp.sequence + 1) >>> 0, flags: { syn: true, ack: true }, window: 65535 },
      });
    }
    return null;
  }

  /** The router at hop h for this probe (a balanced hop's choice). */
  #router(h: number, probe: Buffer): string {
    const b = this.#net.balance;
    if (b !== undefined && b.hop === h) return b.routers[b.by(probe) % b.routers.length]!;
    return this.routers[h - 1]!;
  }

  /** Delivers every answer due by now, one batch each (as they would come). */
  deliverDue(): void {
    while (this.#pending.length > 0 && this.#pending[0]!.at <= this.#clock.t) {
      const a = this.#pending.shift()!;
      this.#socket.deliver([a.bytes], a.at);
    }
  }

  /** When the next answer is due (ns), Infinity when none. */
  nextAt(): number {
    return this.#pending[0]?.at ?? Number.POSITIVE_INFINITY;
  }
}

/**
 * Runs the fake network until `done` settles or `limitMs` of fake time passed: answers go out as
 * the clock reaches them, timers fire in between. Returns the fake ms spent.
 */
export async function drive(sim: PathSim, clock: FakeClock, done: Promise<unknown>, limitMs = 60_000): Promise<number> {
  let finished = false;
  void done.then(
    () => (finished = true),
    () => (finished = true),
  );
  const start = clock.t;
  const end = start + limitMs * 1e6;
  await tick();
  while (!finished && clock.t < end) {
    sim.collect();
    const to = Math.min(sim.nextAt(), clock.t + 1e6);
    clock.advance(Math.max(0, to - clock.t) / 1e6);
    sim.collect();
    sim.deliverDue();
    await tick();
  }
  return (clock.t - start) / 1e6;
}
