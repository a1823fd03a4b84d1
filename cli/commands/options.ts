// What the command definitions share: the two shapes nearly every option has, and the options
// several commands take with the same words (ping, trace, tos, sweep). Types only from yargs, no
// lib/ import: every command definition loads at every start (see index.ts).
import type { Options, PositionalOptions } from 'yargs';

/** An option's value as yargs leaves it: text, or one text per repetition. */
export type Value = string | string[] | undefined;

/**
 * An option that takes a value, kept as text (type string, so "0x10" and "1e3" reach cli/run/
 * as given): cli/run/ parses it and words what is wrong with it.
 */
export function value(alias: string | readonly string[] | null, describe: string): Options {
  const o: Options = { type: 'string', requiresArg: true, describe };
  if (alias !== null) o.alias = alias as string | string[];
  return o;
}

/** A yes/no option, off unless given. */
export function flag(alias: string | null, describe: string): Options {
  const o: Options = { type: 'boolean', default: false, describe };
  if (alias !== null) o.alias = alias;
  return o;
}

/** The target of ping, trace and tos. */
export const HOST: PositionalOptions = { type: 'string', demandOption: true, describe: 'host name or IPv4 address' };

// ping, sweep and trace (-Q), ping and sweep (-s, the TTL)
export const TOS_DESCRIBE = 'IPv4 TOS byte: 0-255, 0x00-0xff or a DSCP name (EF, AF41, CS1...)';
export const SIZE = value('size', 'data bytes per probe, 0-65507 (default 56)');
export const TTL_DESCRIBE = 'IPv4 time to live, 1-255 (default 64)';

// ping, trace and tos
export const SOURCE = value('source', 'source address');
export const NUMERIC = flag('numeric', 'no reverse name lookups');
export const PCAP_OUT = value(null, 'write every packet sent and received to FILE (pcap)');

// trace and tos: the probe kind, its port, how many in flight
export const PROTOCOL = value('protocol', 'probe kind: icmp (default), udp or tcp');
export const ICMP = flag('icmp', 'ICMP echo probes (-P icmp)');
export const PORT = value('port', 'udp: first destination port (default 33434); tcp: destination port (default 80)');
export const SIM_QUERIES = value('sim-queries', 'probes in flight at once (default 16)');
