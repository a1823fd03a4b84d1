// What trace --mtu tells (mtu.ts): each hop once no later probe can change it, with the size its
// probes had and, on the hop where the path MTU dropped, the new MTU and how it was found; then
// the end, with the path MTU (tracepath's "Resume: pmtu N hops H back B").
import type { HeaderChange } from './changes.js';
import type { TraceProbe } from './events.js';

export interface MtuHop {
  type: 'hop';
  ttl: number;
  /** Bytes of this hop's probes (the path MTU as far as this hop). */
  size: number;
  probes: TraceProbe[];
  /** Changes to our header seen first at this hop. */
  changes: HeaderChange[];
  /** The MTU dropped here, to this (tracepath's "pmtu N" on the hop); null elsewhere. */
  pmtu: number | null;
  /** The drop was found without a Fragmentation Needed: a router before it dropped bigger probes silently. */
  blackHole: boolean;
  final: boolean;
}

export interface MtuDone {
  type: 'done';
  reached: boolean;
  /** TTL of the last hop reported. */
  hops: number;
  /** The path MTU: the largest probe that went all the way (or as far as any hop answered). */
  pmtu: number;
  /** Hops the destination's reply came back (from its TTL), null without a reply. */
  back: number | null;
}

export interface MtuHooks {
  onHop?: (hop: MtuHop) => void;
}
