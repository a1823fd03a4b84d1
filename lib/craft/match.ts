// Which received packets answer the ones we sent: echo and timestamp replies carrying our
// identifier and sequence, ICMP errors whose quoted datagram is one of ours (by its ICMP
// identifier/sequence, its ports, or for other protocols its destination and protocol), and
// TCP/UDP segments coming back from the destination port to our source port. Keys are numbers
// read straight from the bytes (as lib/wire/peek does): nothing is decoded to decide.

import { u16, u32 } from '../wire/bytes.js';
import { isError } from '../wire/icmpv4.js';
import { echoKey, firstFragmentPayloadOffset } from '../wire/peek.js';

export type ReplyKind = 'echo-reply' | 'timestamp-reply' | 'icmp-error' | 'tcp' | 'udp';

export interface ReplyMatch {
  kind: ReplyKind;
  /** Index (0-based, in sending order) of the packet this answers (the latest with that key). */
  probe: number;
  /** When that packet was sent, in lib/socket clock units (ns), or null. */
  sentAt: number | null;
}

interface Probe {
  index: number;
  sentAt: number;
  dst: number;
  answered: boolean;
}

export class ReplyMatcher {
  /** echo / timestamp requests by echoKey(identifier, sequence) */
  private readonly echo = new Map<number, Probe>();
  /** UDP and TCP probes by (srcPort << 16 | dstPort) */
  private readonly udp = new Map<number, Probe>();
  private readonly tcp = new Map<number, Probe>();
  /** Other protocols: by protocol and destination */
  private readonly other = new Map<string, Probe>();
  private probes = 0;
  /** Probes that can still be answered: in a map, not answered, not replaced by a later one. */
  private awaiting = 0;

  /** Records a packet as sent (call for every packet, in order). */
  noteSent(packet: Uint8Array, sentAt: number): void {
    const index = this.probes++;
    const p = firstFragmentPayloadOffset(packet, 0, packet.length);
    if (p < 0) return;
    const protocol = packet[9]!;
    const probe: Probe = { index, sentAt, dst: u32(packet, 16), answered: false };
    if (protocol === 1 && p + 8 <= packet.length && (packet[p] === 8 || packet[p] === 13)) {
      this.remember(this.echo, echoKey(u16(packet, p + 4), u16(packet, p + 6)), probe);
    } else if ((protocol === 17 || protocol === 6) && p + 4 <= packet.length) {
      this.remember(protocol === 17 ? this.udp : this.tcp, ((u16(packet, p) << 16) | u16(packet, p + 2)) >>> 0, probe);
    } else if (protocol !== 1) {
      this.remember(this.other, `${protocol}/${probe.dst}`, probe);
    }
    // Other ICMP messages (errors, replies we craft) get no answer that could be matched.
  }

  private remember<K>(map: Map<K, Probe>, key: K, probe: Probe): void {
    const old = map.get(key);
    if (old !== undefined && !old.answered) this.awaiting--; // a later packet with the same key takes its place
    map.set(key, probe);
    this.awaiting++;
  }

  /** True once something was sent and no packet sent can still be answered. */
  get allAnswered(): boolean {
    return this.probes > 0 && this.awaiting === 0;
  }

  /** The probe `bytes` (a received IPv4 packet) answers, or null. */
  match(bytes: Uint8Array): ReplyMatch | null {
    const p = firstFragmentPayloadOffset(bytes, 0, bytes.length);
    if (p < 0) return null;
    const protocol = bytes[9]!;
    const src = u32(bytes, 12);
    if (protocol === 1) {
      if (p + 8 > bytes.length) return null;
      const type = bytes[p]!;
      if (type === 0 || type === 14) {
        const probe = this.echo.get(echoKey(u16(bytes, p + 4), u16(bytes, p + 6)));
        if (probe === undefined || probe.dst !== src) return null;
        return this.hit(type === 0 ? 'echo-reply' : 'timestamp-reply', probe);
      }
      if (isError(type)) return this.matchError(bytes, p + 8);
      return null;
    }
    if ((protocol === 17 || protocol === 6) && p + 4 <= bytes.length) {
      // Coming back: their source port is our destination port, and the other way round.
      const key = ((u16(bytes, p + 2) << 16) | u16(bytes, p)) >>> 0;
      const probe = (protocol === 17 ? this.udp : this.tcp).get(key);
      if (probe === undefined || probe.dst !== src) return null;
      return this.hit(protocol === 17 ? 'udp' : 'tcp', probe);
    }
    return null;
  }

  /** An ICMP error whose quoted datagram starts at b[q]. */
  private matchError(b: Uint8Array, q: number): ReplyMatch | null {
    const end = b.length;
    if (q + 20 > end || b[q]! >>> 4 !== 4) return null;
    const qp = q + (b[q]! & 0x0f) * 4;
    const protocol = b[q + 9]!;
    const dst = u32(b, q + 16);
    let probe: Probe | undefined;
    if (protocol === 1 && qp + 8 <= end && (b[qp] === 8 || b[qp] === 13)) probe = this.echo.get(echoKey(u16(b, qp + 4), u16(b, qp + 6)));
    else if ((protocol === 17 || protocol === 6) && qp + 4 <= end) {
      probe = (protocol === 17 ? this.udp : this.tcp).get(((u16(b, qp) << 16) | u16(b, qp + 2)) >>> 0);
    } else if (protocol !== 1 && protocol !== 17 && protocol !== 6) probe = this.other.get(`${protocol}/${dst}`);
    if (probe === undefined || probe.dst !== dst) return null;
    return this.hit('icmp-error', probe);
  }

  private hit(kind: ReplyKind, probe: Probe): ReplyMatch {
    if (!probe.answered) {
      probe.answered = true;
      this.awaiting--;
    }
    return { kind, probe: probe.index, sentAt: probe.sentAt };
  }
}
