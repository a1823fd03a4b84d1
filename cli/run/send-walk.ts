// send's fields that change per packet, as hping3's do: --sport, --dport, --id, --ttl and
// --hop-limit as N-M or ++N, and --rand-source PREFIX (lib/craft/walk.ts reads them). The options
// then describe a list of packets, packet i with each field's i-th value, which the sender sends
// round-robin, echo sequences counting up per packet sent. The list is as long as the walks take
// to come back to where they started (the ranges' least common multiple, ++N's run to the
// field's end), or --count when less, and never over MAX_LIST packets: a longer run sends the
// list again (random sources too).
import { parsePrefix, parseWalk, randomAddressIn, walkLength, walkValue, type FieldWalk } from '../../lib/craft/walk.js';
import { CliError, EXIT_ERROR } from '../errors.js';
import { wholeIn } from '../numbers.js';
import type { SendArgs } from '../options/send.js';
import { userError, wantsIpv6, type Built } from './send-craft.js';

/** The options that may walk, and their largest values. */
const WALKED = { sport: 0xffff, dport: 0xffff, id: 0xffff, ttl: 255, 'hop-limit': 255 } as const;
type Walked = keyof typeof WALKED;

/** The most packets a list holds (64 Ki: every value of a 16-bit field once). */
export const MAX_LIST = 0x10000;

function gcd(a: number, b: number): number {
  return b === 0 ? a : gcd(b, a % b);
}

/** Least common multiple, saturating above `cap`. */
function lcm(values: readonly number[], cap: number): number {
  let out = 1;
  for (const v of values) {
    out = (out / gcd(out, v)) * v;
    if (out > cap) return cap + 1;
  }
  return out;
}

export interface CraftedList {
  built: Built[];
  /** Packets to send when --count is not given: one per value of the ranges (1 without). */
  defaultCount: number;
  /** The list is one packet varied: echo sequences count up per packet (SendOptions.sequencePerPacket). */
  varied: boolean;
}

/** The walks given, by option; a single value walks nowhere. */
function walksOf(a: SendArgs): Map<Walked, FieldWalk> {
  const walks = new Map<Walked, FieldWalk>();
  for (const key of Object.keys(WALKED) as Walked[]) {
    const text = a[key];
    // Each number read as every option reads one (cli/numbers.ts: the same words everywhere).
    if (typeof text === 'string') walks.set(key, userError(() => parseWalk(text, WALKED[key], (n) => wholeIn(`--${key}`, key, n, 0, WALKED[key])), key));
  }
  return walks;
}

/** The packets the crafting options describe, `build` making each (send-craft.ts or send-ipv6.ts). */
export function craftedList(a: SendArgs, build: (a: SendArgs) => Built): CraftedList {
  const walks = [...walksOf(a)].filter(([, w]) => walkLength(w) > 1);
  const prefix = a['rand-source'] === undefined ? null : userError(() => parsePrefix(a['rand-source']!), 'rand-source');
  if (walks.length === 0 && prefix === null) return { built: [build(a)], defaultCount: 1, varied: false };
  if (prefix !== null && wantsIpv6(a) !== (prefix.bytes.length === 16)) {
    throw new CliError(`--rand-source ${a['rand-source']}: give a prefix of the destination's IP version (IPv${wantsIpv6(a) ? 6 : 4})`, EXIT_ERROR);
  }
  // ++N runs as long as packets go; N-M once through by default.
  const ranges = walks.filter(([key, w]) => !(typeof a[key] === 'string' && a[key].trim().startsWith('++'))).map(([, w]) => walkLength(w));
  const defaultCount = lcm(ranges, 1e9);
  const count = a.count === undefined ? defaultCount : wholeIn('--count', 'count', a.count, 1, 1e9);
  const period = prefix === null ? lcm(walks.map(([, w]) => walkLength(w)), MAX_LIST) : MAX_LIST;
  const length = Math.min(count, period, MAX_LIST);
  // One source port for every packet unless it walks (not a new random one per packet).
  const fixed: SendArgs = a.sport === undefined && a.dport !== undefined ? { ...a, sport: String(32768 + Math.floor(Math.random() * 28000)) } : a;
  const built: Built[] = [];
  for (let i = 0; i < length; i++) {
    const each: SendArgs = { ...fixed };
    for (const [key, w] of walks) each[key] = String(walkValue(w, i));
    if (prefix !== null) each.src = randomAddressIn(prefix);
    built.push(build(each));
  }
  return { built, defaultCount, varied: true };
}
