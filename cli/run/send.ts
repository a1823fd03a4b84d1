// `rawprobe send`, the work behind cli/commands/send.ts: the packets from the options
// (send-craft.ts for IPv4, send-ipv6.ts for IPv6), from JSON or from hex (send-files.ts), the
// kernel warning, the sending paced as asked (lib/craft), and what was sent and answered
// (cli/format/send.ts).
import { familyOf, kernelChanges, sendPackets, type SendStats } from '../../lib/craft/index.js';
import { CliError, describeError, EXIT_ERROR, EXIT_NEGATIVE, EXIT_OK } from '../errors.js';
import { printJsonLine } from '../format/json.js';
import { changeText, kernelWarningLine, packetJson, packetText, replyJson, replyText, sendingLine, sentLine, totalsJson, totalsLine, type Pacing } from '../format/send.js';
import { numberIn, wholeIn } from '../numbers.js';
import type { SendArgs } from '../options/send.js';
import { fromFlags, wantsIpv6, type Built } from './send-craft.js';
import { fragmentMtuOf, fragOf, fromFlags6 } from './send-ipv6.js';
import { fromHex, fromJson } from './send-files.js';

/** The options that craft a packet: they have no place beside --from-json or --from-hex. */
const CRAFTING = ['src', 'dst', 'ttl', 'tos', 'id', 'proto', 'type', 'sport', 'dport', 'payload', 'payload-hex', 'flags', 'hop-limit', 'tclass', 'flow-label', 'routing'] as const;

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

/** Every packet to send: from the file named, or the one the options craft. */
async function packetsOf(a: SendArgs): Promise<Built[]> {
  if (a['from-json'] !== undefined || a['from-hex'] !== undefined) {
    const crafted = CRAFTING.filter((k) => a[k] !== undefined);
    if (crafted.length > 0) throw new CliError(`send: --${crafted[0]} crafts a packet; with --from-json/--from-hex the packets come from the file (edit them there)`, EXIT_ERROR);
  }
  if (a.recompute && a['from-json'] === undefined) throw new CliError('send: --recompute applies to --from-json', EXIT_ERROR);
  if (a['from-json'] !== undefined) return fromJson(a['from-json'], a.recompute);
  if (a['from-hex'] !== undefined) return fromHex(a['from-hex']);
  return [wantsIpv6(a) ? fromFlags6(a) : fromFlags(a)];
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

/** --count, --interval, --rate and --wait, numbers as every command reads them. */
export function pacingOf(a: SendArgs, packets: number): Pacing {
  const count = a.count === undefined ? packets : wholeIn('--count', 'count', a.count, 1, 1e9);
  const intervalMs = a.interval === undefined ? 1000 : wholeIn('--interval', 'interval', a.interval, 0, 3_600_000);
  let rate: number | 'max' | null = null;
  if (a.rate !== undefined) {
    // send says what --rate takes whatever is wrong with it: not a number, or not a rate.
    rate = a.rate.trim().toLowerCase() === 'max' ? 'max' : numberIn(a.rate);
    if (rate === null || (rate !== 'max' && !(rate > 0 && rate <= 10_000_000))) throw new CliError(`--rate ${a.rate}: give packets per second (e.g. 1000) or max`, EXIT_ERROR);
  }
  const waitMs = a.wait === undefined ? 0 : wholeIn('--wait', 'wait', a.wait, 0, 3_600_000);
  return { count, rate, intervalMs, waitMs };
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

/** Sends, paced; Ctrl-C stops the sending and the wait, and the totals follow. */
async function sendAll(a: SendArgs, built: readonly Built[], pacing: Pacing, fragmentMtu: number | null): Promise<SendStats> {
  const controller = new AbortController();
  const onSigint = (): void => controller.abort();
  process.once('SIGINT', onSigint);
  try {
    return await sendPackets(
      built.map((b) => b.bytes),
      {
        count: pacing.count,
        intervalMs: pacing.intervalMs,
        rate: pacing.rate,
        waitMs: pacing.waitMs,
        fragmentMtu,
        signal: controller.signal,
        onSent: a.verbose && !a.json ? (e) => process.stdout.write(sentLine(e.packet, e.index)) : undefined,
        onReply: a.json ? (r) => printJsonLine(replyJson(r)) : (r) => process.stdout.write(replyText(r)),
      },
    );
  } catch (e) {
    // The addon's messages start "syscall ECODE: "; say the code once, at the end.
    const code = (e as { code?: unknown }).code;
    const why = describeError(e).replace(/^[a-z]+ E[A-Z]+: /, '');
    throw new CliError(`send: ${why}${typeof code === 'string' && code.startsWith('E') ? ` (${code})` : ''}`, EXIT_ERROR);
  } finally {
    process.off('SIGINT', onSigint);
  }
}

/** What `rawprobe send` does once yargs has parsed its options (cli/options/send.ts). */
export async function run(a: SendArgs): Promise<void> {
  const dst = destinationOf(a);
  const built = await packetsOf({ ...a, dst });
  const destinations = destinationsOf(built);
  const frag = fragOf(a);
  if (frag?.kind === 'header' && built.some((b) => b.bytes[0]! >>> 4 !== 6)) {
    throw new CliError('--frag offset=/m/id= puts in a Fragment header: IPv6 only (IPv4 has --frag-offset and --mf)', EXIT_ERROR);
  }
  const pacing = pacingOf(a, built.length);
  const fragmentMtu = fragmentMtuOf(frag, destinations[0]!);
  const warning = kernelWarningLine(undoneByKernel(built), built.length);
  if (warning !== null) process.stderr.write(warning);

  // The packets as built. The field table (-v) needs the `table` package, slow to load: only then.
  const fields = a.verbose && !a.json ? await import('../format/fields.js') : null;
  const how = { dryRun: a['dry-run'], verbose: a.verbose, fieldTable: fields?.fieldTable ?? null };
  built.forEach((b, i) => {
    if (a.json) printJsonLine(packetJson(b.bytes, i, kernelChanges(b.bytes)));
    else process.stdout.write(packetText(b.bytes, i, how, kernelChanges(b.bytes)));
  });
  if (a['dry-run']) {
    process.exitCode = EXIT_OK;
    return;
  }
  if (!a.json) process.stdout.write(sendingLine(destinations, pacing));

  const stats = await sendAll(a, built, pacing, fragmentMtu);
  const error = stats.firstError === null ? null : describeError(stats.firstError);
  if (a.json) printJsonLine(totalsJson(stats, error));
  else process.stdout.write(totalsLine(stats, pacing.waitMs, error));
  process.exitCode = pacing.waitMs > 0 && stats.replies === 0 ? EXIT_NEGATIVE : stats.errors > 0 && stats.sent === 0 ? EXIT_ERROR : EXIT_OK;
}
