// Local fragmentation for probes larger than the route's MTU. Linux refuses an IP_HDRINCL
// datagram longer than the interface MTU (EMSGSIZE) instead of fragmenting it, while iputils'
// `ping -s 2000` over Ethernet works because the kernel cuts its datagrams. A session whose
// probes do not fit sends through this wrapper, which cuts each one with lib/wire's
// fragmentIpv4 and sends the pieces in one sendmmsg. The replies come back whole: the kernel
// reassembles before a raw socket sees them. A capture (--pcap-out) keeps the datagram as the
// engine built it, as the kernel's own captures on the socket side would.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { openSocket } from '../../socket/socket.js';
import { constants } from '../../socket/constants.js';
import { fragmentIpv4, MIN_IPV4_MTU } from '../../wire/fragment.js';
import type { ProbeSocket } from './engine.js';

/**
 * The MTU of the route to `address` (the interface's, or a smaller path MTU the kernel learnt
 * from Fragmentation Needed): IP_MTU on a UDP socket connected there (ip(7)); nothing is sent.
 * null when there is no route, so that the send reports it as it always does.
 */
export function routeMtu(address: string, source: string | null = null): number | null {
  let socket: ReturnType<typeof openSocket> | null = null;
  try {
    socket = openSocket({ family: 'inet', type: 'dgram' });
    if (source !== null) socket.bind(source);
    socket.connect(address, 9); // any port: connecting only looks the route up
    return socket.getOption(['IPPROTO_IP', constants.IP_MTU]) as number;
  } catch {
    return null;
  } finally {
    socket?.close();
  }
}

/**
 * The smallest MTU among the network interfaces that are up (/sys/class/net/<name>/mtu, flags
 * bit IFF_UP), or null when none is. A datagram of that size fits out of any of them; a router
 * with a smaller link cuts it again, DF being clear.
 */
export function smallestInterfaceMtu(): number | null {
  let smallest: number | null = null;
  let names: string[];
  try {
    names = readdirSync(SYS_NET);
  } catch {
    return null;
  }
  for (const name of names) {
    try {
      const flags = Number(readFileSync(join(SYS_NET, name, 'flags'), 'utf8').trim());
      if ((flags & constants.IFF_UP) === 0) continue;
      const mtu = Number(readFileSync(join(SYS_NET, name, 'mtu'), 'utf8').trim());
      if (Number.isInteger(mtu) && mtu >= MIN_IPV4_MTU && (smallest === null || mtu < smallest)) smallest = mtu;
    } catch {
      // gone meanwhile, or not an interface: skip it
    }
  }
  return smallest === null ? null : Math.min(smallest, 65535);
}

/** Each interface's flags file holds its IFF_* bits in hex ("0x1003"), its mtu file the MTU. */
const SYS_NET = '/sys/class/net';

/** The MTU to cut probes of `packetSize` bytes for: `mtu` when they exceed it, else null (they fit). */
export function fragmentMtuFor(packetSize: number, mtu: number | null): number | null {
  return mtu !== null && packetSize > mtu ? mtu : null;
}

type ClosableProbeSocket = ProbeSocket & { close(): void };

export class FragmentingSocket implements ProbeSocket {
  readonly #inner: ClosableProbeSocket;
  readonly #mtu: number;

  /** `mtu`: the largest datagram `inner` may send whole. */
  constructor(inner: ClosableProbeSocket, mtu: number) {
    this.#inner = inner;
    this.#mtu = mtu;
  }

  sendTo(buffer: Uint8Array, address: string): { bytes: number; sentAt: number } {
    if (buffer.byteLength <= this.#mtu) return this.#inner.sendTo(buffer, address);
    const pieces = fragmentIpv4(buffer, this.#mtu);
    const r = this.#inner.sendMany(pieces, address);
    // A probe whose first piece left counts as sent: the rest lost is a lost probe, as on a
    // lossy link; sending it again could only make overlapping pieces, which Linux discards.
    if (r.sent === 0 && r.error !== null) throw r.error;
    return { bytes: buffer.byteLength, sentAt: r.sentAt };
  }

  sendMany(buffers: readonly Uint8Array[], target: string | Uint32Array): { sent: number; sentAt: number; error: Error | null } {
    const pieces: Uint8Array[] = [];
    /** Index in `pieces` of each probe's first piece. */
    const first: number[] = [];
    const perPiece: number[] = [];
    for (let i = 0; i < buffers.length; i++) {
      first.push(pieces.length);
      for (const piece of fragmentIpv4(buffers[i]!, this.#mtu)) {
        pieces.push(piece);
        if (typeof target !== 'string') perPiece.push(target[i]!);
      }
    }
    const r = this.#inner.sendMany(pieces, typeof target === 'string' ? target : Uint32Array.from(perPiece));
    let sent = 0;
    while (sent < first.length && first[sent]! < r.sent) sent++;
    return { sent, sentAt: r.sentAt, error: sent < buffers.length ? r.error : null };
  }

  on(event: 'batch' | 'error', listener: (arg: never) => void): this {
    this.#inner.on(event as 'batch', listener as never);
    return this;
  }

  off(event: 'batch' | 'error', listener: (arg: never) => void): this {
    this.#inner.off(event as 'batch', listener as never);
    return this;
  }

  close(): void {
    this.#inner.close();
  }
}
