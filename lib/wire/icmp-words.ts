// The machinery behind the words iputils and traceroute print for ICMP and ICMPv6 messages
// (icmp-names.ts, icmpv6-names.ts hold the tables): a message's words from a table by type, and
// traceroute's mark after a hop's time from a table of unreachable codes and a few rules.

/** What a message carries that its words may name. */
export interface IcmpDetail {
  /** ICMPv4 unreachable code 4: the next-hop MTU; ICMPv6 packet too big: the MTU. */
  nextHopMtu?: number | null;
  mtu?: number | null;
  /** ICMPv4 redirect: the new gateway. */
  gateway?: string | null;
  /** Parameter problem: the pointer. */
  pointer?: number | null;
}

/** The words of each type: fixed text, or made from the code and the detail. */
export type WordTable = Readonly<Record<number, string | ((code: number, detail: IcmpDetail) => string)>>;

/** The words `table` gives a message, `unknown(type)` for a type it lacks. */
export function wordsFrom(table: WordTable, unknown: (type: number) => string, type: number, code: number, detail: IcmpDetail): string {
  const words = table[type];
  if (words === undefined) return unknown(type);
  return typeof words === 'string' ? words : words(code, detail);
}

/** The text of a code from a table by code, or `fallback` for one it lacks. */
export function codeText(table: Readonly<Record<number, string>>, code: number, fallback: string): string {
  return table[code] ?? fallback;
}

/** How traceroute marks the answers of one ICMP version. */
export interface MarkRules {
  /** [type, code] of the answers it marks with nothing (an ordinary hop, the target answering); code null: any. */
  silent: readonly (readonly [number, number | null])[];
  /** "Too big" (ICMPv4 3/4, ICMPv6 2): !F-<mtu>. */
  tooBig: { type: number; code: number | null };
  /** The unreachable type and the mark of each of its codes (null: none); any other code is !<code>. */
  unreachable: number;
  codes: Readonly<Record<number, string | null>>;
}

/** traceroute's mark for this answer, or null; `mtu` for !F-. Any other message is !<type-code>. */
export function traceMarkFrom(rules: MarkRules, type: number, code: number, mtu: number | null | undefined): string | null {
  if (rules.silent.some(([t, c]) => t === type && (c === null || c === code))) return null;
  if (type === rules.tooBig.type && (rules.tooBig.code === null || rules.tooBig.code === code)) return `!F-${mtu ?? 0}`;
  if (type !== rules.unreachable) return `!<${type}-${code}>`;
  const mark = rules.codes[code];
  return mark === undefined ? `!<${code}>` : mark;
}
