// How a trace treats flows, the five fields a per-flow load balancer hashes (addresses, protocol,
// ports; for ICMP the first bytes of its header):
//
//   classic    traceroute's probes: a UDP port or TCP source port per probe, an ICMP checksum that
//              follows the sequence number; each probe may be balanced another way, so one hop
//              can list several routers (traceroute prints them one after the other)
//   paris      (Paris traceroute, trace --paris) one flow for every probe: one consistent path
//   multipath  (Dublin traceroute's idea, trace --multipath[=K]) K flows, each of them kept: the
//              addresses seen at a hop, and how many flows went through each, map the balancing
//
// The flow probes (protocols/flow-*.ts) tell probes apart by a field no balancer hashes: the IPv4
// identification (UDP), the sequence number (TCP), the echo sequence with the checksum held by two
// data bytes (ICMP).
import { optionError, wholeIn } from '../errors.js';
import type { ProbeKind } from '../protocols/trace-protocol.js';

export const FLOW_MODES = ['classic', 'paris', 'multipath'] as const;
export type FlowMode = (typeof FLOW_MODES)[number];

/** Dublin traceroute explores 20 flows by default; 16 covers a 4- or 8-way balance with room to spare. */
export const DEFAULT_MULTIPATH_FLOWS = 16;
export const MAX_MULTIPATH_FLOWS = 256;

/** Smallest ICMP probe that keeps its checksum: IPv4 (20) + ICMP (8) + the 2-byte compensation word. */
export const MIN_PARIS_ICMP_LENGTH = 30;

export interface FlowChoice {
  mode: FlowMode;
  /** Flows the probes are spread over: 1 for classic (it has none to keep) and paris, K for multipath. */
  flows: number;
}

/** paris / multipath as the options give them: one flow mode, checked (throws ProbeError naming the option). */
export function chooseFlows(paris: boolean | undefined, multipath: number | null | undefined, kind: ProbeKind, length: number): FlowChoice {
  if (paris === true && multipath != null) throw optionError('multipath', 'choose --paris (one flow) or --multipath (several), not both');
  if (multipath != null) wholeIn('multipath', 'flows', multipath, 1, MAX_MULTIPATH_FLOWS);
  const choice: FlowChoice = multipath != null ? { mode: 'multipath', flows: multipath } : { mode: paris === true ? 'paris' : 'classic', flows: 1 };
  if (choice.mode !== 'classic' && kind === 'icmp' && length < MIN_PARIS_ICMP_LENGTH) {
    throw optionError('length', `${length}-byte ICMP probes cannot keep their flow: give a packet length of at least ${MIN_PARIS_ICMP_LENGTH} (two data bytes keep the checksum)`);
  }
  return choice;
}
