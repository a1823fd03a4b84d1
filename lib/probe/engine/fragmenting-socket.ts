// Local fragmentation for probes larger than the route's MTU. Linux refuses an IP_HDRINCL (or
// IPV6_HDRINCL) datagram longer than the interface MTU (EMSGSIZE) instead of fragmenting it,
// while iputils' `ping -s 2000` over Ethernet works because the kernel cuts its datagrams. A
// session whose probes do not fit sends through this wrapper, which cuts each one with lib/wire's
// fragmentIpv4 or fragmentIpv6 (by its version) and sends the pieces in one sendmmsg. The
// replies come back whole: the kernel reassembles before a raw socket sees them. A capture
// (--pcap-out) keeps the datagram as the engine built it, as the kernel's own captures on the
// socket side would. The MTU to cut for comes from the system (lib/socket: routeMtu,
// smallestInterfaceMtu). A probe's send time is its first piece's: a probe sent alone carries
// that piece's send-stamp key; in a batch the pieces' keys do not line up with the probes', and
// none is given (the send call's time is).
import { fragmentIpv4 } from '../../wire/fragment.js';
import { fragmentIpv6 } from '../../wire/fragment6.js';
import type { ProbeSocket } from './engine.js';

/** The datagram cut for `mtu` as its version wants: RFC 791 fragments or a Fragment header each (RFC 8200). */
function fragment(datagram: Uint8Array, mtu: number): Uint8Array[] {
  return datagram[0]! >>> 4 === 6 ? fragmentIpv6(datagram, mtu) : fragmentIpv4(datagram, mtu);
}

/** The MTU to cut probes of `packetSize` bytes for: `mtu` when they exceed it, else null (they fit). */
export function fragmentMtuFor(packetSize: number, mtu: number | null): number | null {
  return mtu !== null && packetSize > mtu ? mtu : null;
}

type ClosableProbeSocket = ProbeSocket & { close(): void };

export class FragmentingSocket implements ProbeSocket {
  readonly #inner: ClosableProbeSocket;
  #mtu: number;
  /** The inner socket's send thread, when it has one (queueMany); pieces queue under their probe's tag. */
  readonly queueMany?: ProbeSocket['queueMany'];

  /** `mtu`: the largest datagram `inner` may send whole. */
  constructor(inner: ClosableProbeSocket, mtu: number) {
    this.#inner = inner;
    this.#mtu = mtu;
    const queue = inner.queueMany?.bind(inner);
    if (queue !== undefined) this.queueMany = (buffers, target, tag) => this.#queue(queue, buffers, target, tag);
  }

  #queue(queue: NonNullable<ProbeSocket['queueMany']>, buffers: readonly Uint8Array[], target: string | Uint32Array | readonly string[], tag: number): { sentAt: number; firstKey: number } {
    if (buffers.every((b) => b.byteLength <= this.#mtu)) return queue(buffers, target, tag);
    // Each probe's pieces under its own tag, so that a refusal names the probe; the pieces'
    // send-stamp keys do not line up with the probes', so none is given.
    let sentAt = Number.NaN;
    // Numbers: one per probe (IPv4) or four (IPv6 words).
    const per = target instanceof Uint32Array ? target.length / buffers.length : 1;
    for (let i = 0; i < buffers.length; i++) {
      const to = typeof target === 'string' ? target : target instanceof Uint32Array ? target.subarray(i * per, (i + 1) * per) : [target[i]!];
      for (const piece of fragment(buffers[i]!, this.#mtu)) {
        const r = queue([piece], to, tag + i);
        if (Number.isNaN(sentAt)) sentAt = r.sentAt;
      }
    }
    return { sentAt, firstKey: -1 };
  }

  flushQueued(): void {
    this.#inner.flushQueued?.();
  }

  takeSendFailures(): { tag: number; error: Error }[] | null {
    return this.#inner.takeSendFailures?.() ?? null;
  }

  /** The largest datagram sent whole now. */
  get mtu(): number {
    return this.#mtu;
  }

  /** Cuts for a smaller MTU from now on (what a Packet Too Big told); never a larger one. */
  lowerMtu(mtu: number): void {
    if (mtu < this.#mtu) this.#mtu = mtu;
  }

  sendTo(buffer: Uint8Array, address: string): { bytes: number; sentAt: number; key: number } {
    if (buffer.byteLength <= this.#mtu) {
      const whole = this.#inner.sendTo(buffer, address);
      return { bytes: whole.bytes, sentAt: whole.sentAt, key: whole.key ?? -1 };
    }
    const pieces = fragment(buffer, this.#mtu);
    const r = this.#inner.sendMany(pieces, address);
    // A probe whose first piece left counts as sent: the rest lost is a lost probe, as on a
    // lossy link; sending it again could only make overlapping pieces, which Linux discards.
    if (r.sent === 0 && r.error !== null) throw r.error;
    return { bytes: buffer.byteLength, sentAt: r.sentAt, key: r.firstKey ?? -1 };
  }

  sendMany(buffers: readonly Uint8Array[], target: string | Uint32Array | readonly string[]): { sent: number; sentAt: number; error: Error | null; firstKey: number } {
    if (buffers.every((b) => b.byteLength <= this.#mtu)) {
      const whole = this.#inner.sendMany(buffers, target);
      return { ...whole, firstKey: whole.firstKey ?? -1 };
    }
    const pieces: Uint8Array[] = [];
    /** Index in `pieces` of each probe's first piece. */
    const first: number[] = [];
    const perPiece: (number | string)[] = [];
    // Numbers: one per probe (IPv4) or four (IPv6 words), repeated for each of its pieces.
    const per = target instanceof Uint32Array ? target.length / buffers.length : 1;
    for (let i = 0; i < buffers.length; i++) {
      first.push(pieces.length);
      for (const piece of fragment(buffers[i]!, this.#mtu)) {
        pieces.push(piece);
        if (typeof target !== 'string') for (let w = 0; w < per; w++) perPiece.push(target[i * per + w]!);
      }
    }
    const each = target instanceof Uint32Array ? Uint32Array.from(perPiece as number[]) : (perPiece as string[]);
    const r = this.#inner.sendMany(pieces, typeof target === 'string' ? target : each);
    let sent = 0;
    while (sent < first.length && first[sent]! < r.sent) sent++;
    return { sent, sentAt: r.sentAt, error: sent < buffers.length ? r.error : null, firstKey: -1 };
  }

  on(event: 'batch' | 'txstamps' | 'error', listener: (arg: never) => void): this {
    this.#inner.on(event as 'batch', listener as never);
    return this;
  }

  off(event: 'batch' | 'txstamps' | 'error', listener: (arg: never) => void): this {
    this.#inner.off(event as 'batch', listener as never);
    return this;
  }

  close(): void {
    this.#inner.close();
  }
}
