// `rawprobe send`, the work behind cli/commands/send.ts: the packets from the options
// (send-craft.ts for IPv4, send-ipv6.ts for IPv6), from JSON or from hex (send-files.ts), the
// kernel warning, the sending paced as asked (lib/craft), and what was sent and answered
// (cli/format/send.ts).
import { availableParallelism } from 'node:os';
import { familyOf, kernelChanges, openSender, type PacketSender, type SendStats } from '../../lib/craft/index.js';
import { MAX_SEND_THREADS } from '../../lib/socket/socket.js';
import { CliError, describeError, EXIT_ERROR, EXIT_NEGATIVE, EXIT_OK } from '../errors.js';
import { printJsonLine } from '../format/json.js';
import { changeText, kernelWarningLine, morePacketsLine, packetJson, packetText, replyJson, replyText, sendingLine, sentLine, totalsJson, totalsLine, type Pacing } from '../format/send.js';
import { numberIn, wholeIn } from '../numbers.js';
import type { SendArgs } from '../options/send.js';
import { stoppable } from '../stopping.js';
import { fromFlags, IPV6_ONLY, wantsIpv6, type Built } from './send-craft.js';
import { fragmentMtuOf, fragOf, fromFlags6 } from './send-ipv6.js';
import { fromHex, fromJson, oneVersion, sourceName } from './send-files.js';
import { resolveDestination } from './send-target.js';
import { craftedList, type CraftedList } from './send-walk.js';
/** The command's declarations, loaded with its work: cli/start.ts parses its lines from them (cli/quick-commands.ts). */
export { send as command } from '../commands/send.js';

/** Packets of a walk's list that the text output shows before it says how many more. */
const SHOWN_PACKETS = 16;

/** The options that craft a packet: they have no place beside --from-json or --from-hex. */
const CRAFTING = ['src', 'rand-source', 'dst', 'ttl', 'tos', 'id', 'proto', 'type', 'sport', 'dport', 'payload', 'payload-hex', 'payload-file', 'flags'] as const;

/** The destination given as the positional or as --dst (once); "-" is stdin for --from-*. */
function destinationOf(a: SendArgs): string | undefined {
  // yargs reads "--from-json -" as an empty value followed by a positional "-" (handed over as "").
  let target = a.target;
  if (target === '' || target === '-') {
    if (a['from-json'] === '' || a['from-hex'] === '') target = undefined;
    else throw new CliError('send: "-" (stdin) goes after --from-json or --from-hex', EXIT_ERROR);
  }
  if (target === undefined) return a.dst;
  if (a.dst !== undefined) throw new CliError(`send: give the destination once (${target} and --dst ${a.dst})`, EXIT_ERROR);
  return target;
}

/** Every packet to send: from the file named, or those the options craft (one, or one per packet when fields walk). */
async function packetsOf(a: SendArgs): Promise<CraftedList> {
  if (a['from-json'] !== undefined || a['from-hex'] !== undefined) {
    const crafted = [...CRAFTING, ...IPV6_ONLY].filter((k) => a[k] !== undefined);
    if (crafted.length > 0) throw new CliError(`send: --${crafted[0]} crafts a packet; with --from-json/--from-hex the packets come from the file (edit them there)`, EXIT_ERROR);
  }
  if (a.recompute && a['from-json'] === undefined) throw new CliError('send: --recompute applies to --from-json', EXIT_ERROR);
  const listed = (built: Built[]): CraftedList => ({ built, defaultCount: built.length, varied: false });
  if (a['from-json'] !== undefined) return listed(oneVersion(await fromJson(a['from-json'], a.recompute), a.ipv6 === true, sourceName(a['from-json'])));
  if (a['from-hex'] !== undefined) return listed(oneVersion(await fromHex(a['from-hex']), a.ipv6 === true, sourceName(a['from-hex'])));
  return craftedList(a, wantsIpv6(a) ? fromFlags6 : fromFlags);
}

/** The packets' destinations, in order of first use; one line and exit 2 when they mix IP versions. */
function destinationsOf(built: readonly Built[]): string[] {
  let family;
  try {
    family = familyOf(built.map((b) => b.bytes));
  } catch (e) {
    throw new CliError(`send: ${(e as Error).message}`, EXIT_ERROR);
  }
  return [...new Set(built.map((b) => family.destinationOf(b.bytes)))];
}

/**
 * --count, --interval, --rate and --wait, numbers as every command reads them. Packets from a
 * file go at the times they were captured (a capture file, or decode --json's frame.time), or
 * one after the other without pause when it has no times (hex text), unless --interval or --rate
 * says otherwise (--rate max: as fast as the socket takes them). Crafted ones: one a second.
 */
export function pacingOf(a: SendArgs, built: readonly Built[], defaultCount = built.length): Pacing {
  const count = a.count === undefined ? defaultCount : wholeIn('--count', 'count', a.count, 1, 1e9);
  const fromFile = a['from-json'] !== undefined || a['from-hex'] !== undefined;
  const paced = a.interval !== undefined || a.rate !== undefined;
  const gapsMs = fromFile && !paced ? capturedGaps(built) : null;
  const intervalMs = a.interval === undefined ? (fromFile ? 0 : 1000) : wholeIn('--interval', 'interval', a.interval, 0, 3_600_000);
  let rate: number | 'max' | null = null;
  if (a.rate !== undefined) {
    // send says what --rate takes whatever is wrong with it: not a number, or not a rate.
    rate = a.rate.trim().toLowerCase() === 'max' ? 'max' : numberIn(a.rate);
    if (rate === null || (rate !== 'max' && !(rate > 0 && rate <= 10_000_000))) throw new CliError(`--rate ${a.rate}: give packets per second (e.g. 1000) or max`, EXIT_ERROR);
  }
  const waitMs = a.wait === undefined ? 0 : wholeIn('--wait', 'wait', a.wait, 0, 3_600_000);
  return { count, rate, intervalMs, gapsMs, waitMs, threads: sendThreadsOf(a, rate) };
}

/** Most send threads by default: past that, one socket's shared counters cost more than a CPU gives. */
const DEFAULT_MAX_SEND_THREADS = 4;

/** The send threads of --rate max without --send-threads: one per CPU, up to DEFAULT_MAX_SEND_THREADS. */
export function defaultSendThreads(): number {
  return Math.min(availableParallelism(), DEFAULT_MAX_SEND_THREADS);
}

/** --send-threads, or defaultSendThreads() at --rate max; other rates send from one. */
function sendThreadsOf(a: SendArgs, rate: number | 'max' | null): number {
  const given = a['send-threads'];
  if (given === undefined) return rate === 'max' ? defaultSendThreads() : 1;
  const threads = wholeIn('--send-threads', 'send threads', given, 1, MAX_SEND_THREADS);
  if (rate !== 'max') throw new CliError('--send-threads goes with --rate max: other pacing sends from one thread', EXIT_ERROR);
  return threads;
}

/** Each packet's time after the one before as captured (the first 0; never negative), or null when one has no time. */
function capturedGaps(built: readonly Built[]): number[] | null {
  if (built.length < 2 || built.some((b) => b.timeMs === null)) return null;
  return built.map((b, i) => (i === 0 ? 0 : Math.max(0, b.timeMs! - built[i - 1]!.timeMs!)));
}

/** The changes the user asked for that the kernel will undo, each with how many packets it touches. */
function undoneByKernel(built: readonly Built[]): Map<string, number> {
  const seen = new Map<string, number>();
  for (const b of built) {
    for (const c of kernelChanges(b.bytes)) {
      if (!b.userSet.has(c.field)) continue;
      const text = changeText(c);
      seen.set(text, (seen.get(text) ?? 0) + 1);
    }
  }
  return seen;
}

/** The sockets open (CAP_NET_RAW), before anything is printed; the error as one line. */
function openOrFail(a: SendArgs, built: readonly Built[], pacing: Pacing, fragmentMtu: number | null, varied: boolean): PacketSender {
  try {
    return openSender(
      built.map((b) => b.bytes),
      {
        count: pacing.count,
        intervalMs: pacing.intervalMs,
        gapsMs: pacing.gapsMs,
        rate: pacing.rate,
        waitMs: pacing.waitMs,
        sendThreads: pacing.threads,
        fragmentMtu,
        sequencePerPacket: varied,
        device: a.interface ?? null,
        onSent: a.verbose && !a.json ? (e) => process.stdout.write(sentLine(e.packet, e.index)) : undefined,
        onReply: a.json ? (r) => printJsonLine(replyJson(r)) : (r) => process.stdout.write(replyText(r)),
      },
    );
  } catch (e) {
    throw sendError(e);
  }
}

/** A socket error as send's one line: the addon's "syscall ECODE: " prefix off, the code once at the end. */
function sendError(e: unknown): CliError {
  const code = (e as { code?: unknown }).code;
  const why = describeError(e).replace(/^[a-z]+ E[A-Z]+: /, '');
  // An errno name (EPERM) is worth saying; rawprobe's own codes (ERR_PROBE_ROUTE) are not.
  return new CliError(`send: ${why}${typeof code === 'string' && /^E[A-Z0-9]+$/.test(code) ? ` (${code})` : ''}`, EXIT_ERROR);
}

/**
 * What `rawprobe send` does once yargs has parsed its options (cli/options/send.ts). The sockets
 * open before the first line, so a missing privilege is the only thing said; Ctrl-C, SIGTERM and
 * SIGHUP stop the sending and the wait, and the totals follow (cli/stopping.ts).
 */
export async function run(a: SendArgs): Promise<void> {
  await stoppable(async (stopping) => {
    const dst = await resolveDestination(destinationOf(a), a.ipv6 === true);
    const { built, defaultCount, varied } = await packetsOf({ ...a, dst });
    const destinations = destinationsOf(built);
    const frag = fragOf(a);
    if (frag?.kind === 'header' && built.some((b) => b.bytes[0]! >>> 4 !== 6)) {
      throw new CliError('--frag offset=/m/id= puts in a Fragment header: IPv6 only (IPv4 has --frag-offset and --mf)', EXIT_ERROR);
    }
    const pacing = pacingOf(a, built, defaultCount);
    const fragmentMtu = fragmentMtuOf(frag, destinations[0]!);
    const sender = a['dry-run'] ? null : openOrFail(a, built, pacing, fragmentMtu, varied);
    stopping.onStop(() => sender?.stop());
    const warning = kernelWarningLine(undoneByKernel(built), built.length);
    if (warning !== null) process.stderr.write(warning);

    // The packets as built. The field table (-v) needs the `table` package, slow to load: only then.
    const fields = a.verbose && !a.json ? await import('../format/fields.js') : null;
    const how = { dryRun: a['dry-run'], verbose: a.verbose, fieldTable: fields?.fieldTable ?? null };
    // A walk's list can hold thousands of packets: text shows the first few (a file's, all).
    const shown = a.json || !varied ? built.length : Math.min(built.length, SHOWN_PACKETS);
    built.slice(0, shown).forEach((b, i) => {
      if (a.json) printJsonLine(packetJson(b.bytes, i, kernelChanges(b.bytes)));
      else process.stdout.write(packetText(b.bytes, i, how, kernelChanges(b.bytes)));
    });
    if (shown < built.length) process.stdout.write(morePacketsLine(built.length - shown));
    if (sender === null) {
      process.exitCode = EXIT_OK;
      return;
    }
    if (!a.json) process.stdout.write(sendingLine(destinations, { ...pacing, threads: sender.sendThreads }));
    let stats: SendStats;
    try {
      stats = await sender.run();
    } catch (e) {
      throw sendError(e);
    }
    const error = stats.firstError === null ? null : describeError(stats.firstError);
    if (a.json) printJsonLine(totalsJson(stats, error));
    else process.stdout.write(totalsLine(stats, pacing.waitMs, error));
    process.exitCode = pacing.waitMs > 0 && stats.replies === 0 ? EXIT_NEGATIVE : stats.errors > 0 && stats.sent === 0 ? EXIT_ERROR : EXIT_OK;
  });
}
