// ping -R and -T: the IPv4 option every probe carries, as iputils asks the kernel for it
// (ping.c, ping4_run) and as the kernel then sends it.
//
// iputils hands the option to the kernel with IP_OPTIONS, and the kernel fills the sender's own
// slot when it builds each packet (ip_options_build): Record Route gets the source address, a
// timestamp option the time (and the address, with tsandaddr; with tsprespec only when the
// first prespecified address is ours). With IP_HDRINCL the kernel leaves our header alone, so we
// fill that slot ourselves, the same way: the route and timestamps a reply brings back then
// start with us, as iputils' do. The time is written as each probe goes (ProbeTemplate's stamp).
//
//   -R              NOP, then Record Route with room for 9 addresses           40 bytes
//   -T tsonly       Timestamp, flag 0: 9 timestamps                             40 bytes
//   -T tsandaddr    Timestamp, flag 1: 4 address + timestamp pairs              36 bytes
//   -T tsprespec    Timestamp, flag 3: the given addresses (1 to 4), a timestamp each
//
// iputils hands the kernel its whole 40-byte buffer, so a shorter timestamp option is followed by
// End of Options and zeros up to 40 bytes: every -R and -T probe is 40 bytes longer ("56(124)").
import { MIN_HEADER_LENGTH } from '../../wire/ipv4.js';
import { MAX_OPTIONS_LENGTH, optionsLength, TIMESTAMP_FLAG, type Ipv4OptionInit } from '../../wire/ipv4-options.js';

/** iputils -T's three kinds. */
export const TIMESTAMP_KINDS = ['tsonly', 'tsandaddr', 'tsprespec'] as const;
export type TimestampKind = (typeof TIMESTAMP_KINDS)[number];

/** What -R or -T asks for (tsprespec's addresses resolved by the caller). */
export type PingIpOption = { kind: 'record-route' } | { kind: 'timestamp'; type: TimestampKind; hops?: readonly string[] };

/** Addresses Record Route has room for in iputils' 39-byte option (NROUTES). */
export const RECORD_ROUTE_SLOTS = 9;
/** tsonly: 9 timestamps; tsandaddr: 4 pairs (iputils' 40 and 36 bytes). */
const TSONLY_SLOTS = 9;
const TSANDADDR_SLOTS = 4;
/** Most addresses tsprespec takes (iputils: four hops before the destination). */
export const MAX_PRESPECIFIED = 4;

/** The option bytes of a probe and where its send time goes. */
export interface ProbeIpOption {
  options: Ipv4OptionInit[];
  /** Offset in the datagram of the timestamp written as each probe goes, or -1. */
  stampAt: number;
}

/**
 * The option for `option` sent from `source`, its first slot filled as Linux fills a sender's.
 * `ours(address)`: whether an address is this machine's (tsprespec's first slot is ours to fill
 * only then).
 */
export function probeIpOption(option: PingIpOption, source: string, ours: (address: string) => boolean): ProbeIpOption {
  const probe = unpadded(option, source, ours);
  const used = optionsLength(probe.options);
  if (used < MAX_OPTIONS_LENGTH) probe.options.push({ kind: 'end', padding: new Uint8Array(MAX_OPTIONS_LENGTH - used - 1) });
  return probe;
}

function unpadded(option: PingIpOption, source: string, ours: (address: string) => boolean): ProbeIpOption {
  // Offsets: the option starts right after the fixed header; the first entry 4 bytes in.
  const firstEntry = MIN_HEADER_LENGTH + 4;
  if (option.kind === 'record-route') {
    const addresses: (string | number)[] = [source, ...new Array<number>(RECORD_ROUTE_SLOTS - 1).fill(0)];
    return { options: [{ kind: 'nop' }, { kind: 'record-route', pointer: 8, addresses }], stampAt: -1 };
  }
  switch (option.type) {
    case 'tsonly':
      return {
        options: [{ kind: 'timestamp', flag: TIMESTAMP_FLAG.TIMESTAMPS_ONLY, pointer: 9, entries: new Array(TSONLY_SLOTS).fill(null).map(() => ({ timestamp: 0 })) }],
        stampAt: firstEntry,
      };
    case 'tsandaddr': {
      const entries = [{ address: source, timestamp: 0 }, ...new Array(TSANDADDR_SLOTS - 1).fill(null).map(() => ({ address: 0, timestamp: 0 }))];
      return { options: [{ kind: 'timestamp', flag: TIMESTAMP_FLAG.WITH_ADDRESSES, pointer: 13, entries }], stampAt: firstEntry + 4 };
    }
    case 'tsprespec': {
      const hops = option.hops ?? [];
      const first = hops[0] !== undefined && ours(hops[0]);
      const entries = hops.map((address) => ({ address, timestamp: 0 }));
      return { options: [{ kind: 'timestamp', flag: TIMESTAMP_FLAG.PRESPECIFIED, pointer: first ? 13 : 5, entries }], stampAt: first ? firstEntry + 4 : -1 };
    }
  }
}
