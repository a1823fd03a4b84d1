// What the probe protocol tests share (trace-protocols.test.ts, trace-methods.test.ts): a probe
// slot, a probe encoded into a 0xa5-filled buffer, the ICMP error a router or the destination
// sends back quoting it, and match() run on an answer placed at a non-zero offset.
import { newMatch, type ProbeSlot } from '../../lib/probe/engine/protocol.js';
import type { TraceProtocol } from '../../lib/probe/protocols/trace-protocol.js';
import { parseIpv4 } from '../../lib/wire/bytes.js';
import { encodePacket } from '../../lib/wire/packet.js';

export const SRC = '203.0.113.1';
export const DST = '203.0.113.6';
export const ROUTER = '198.51.100.2';
export const header = { source: SRC, df: true, length: 60, ipIdBase: 1000 };

export function slot(number: number, ttl: number, tos = 0): ProbeSlot {
  return { number, target: 0, address: DST, addressValue: parseIpv4(DST), targets6: { words6: new Uint32Array(4) }, ttl, tos, timeoutMs: 5000, key: -1 };
}

export function encode(p: TraceProtocol, s: ProbeSlot, lead = 0): Buffer {
  const buf = Buffer.alloc(p.maxProbeLength + lead, 0xa5);
  const view = buf.subarray(lead);
  const n = p.encode(s, view);
  return Buffer.from(view.subarray(0, n));
}

/** What a router (or the destination) sends back: an ICMP error quoting `probe` as it arrived (TTL `left`). */
export function errorFor(probe: Buffer, from: string, type: 'time-exceeded' | 'destination-unreachable', code: number, left = 1, edit?: (q: Buffer) => void): Buffer {
  const quote = Buffer.from(probe);
  quote[8] = left;
  edit?.(quote);
  const icmp = type === 'time-exceeded' ? { kind: type, code } : { kind: type, code, nextHopMtu: code === 4 ? 1400 : null };
  return encodePacket({ ip: { src: from, dst: SRC, ttl: 63, tos: 0xc0 }, icmp: icmp as never, payload: quote });
}

export function matchOf(p: TraceProtocol, bytes: Buffer, lead = 4): ReturnType<typeof newMatch> {
  const b = Buffer.alloc(bytes.length + lead, 0xa5);
  bytes.copy(b, lead);
  const m = newMatch();
  p.match(b, lead, bytes.length, bytes.length, m);
  last = { offset: m.offset, length: m.length };
  return m;
}
let last: { offset: number; length: number } | null = null;

/** Where the last matchOf() found the datagram. */
export function lastMatched(): { offset: number; length: number } | null {
  return last;
}

