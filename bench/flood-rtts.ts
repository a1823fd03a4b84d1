// A ping flood's round-trip times, one per reply, for the RTT row under flood (bench/rows/rtt.ts):
// `rawprobe ping -f` prints no per-reply line (iputils' -f neither), so this runs the same ping
// session through the library, 64 probes in flight as the CLI's -f keeps, and prints every reply's
// time. iputils is asked the same with `ping -n -i 0 -l 64`, which prints a line per reply.
//
//   node dist/bench/flood-rtts.js TARGET COUNT     -> {"rttMs":[...],"transmitted":N,"received":N}
import { openPing } from '../lib/probe/index.js';

const [target, count] = process.argv.slice(2);
if (target === undefined || count === undefined) {
  process.stderr.write('usage: flood-rtts TARGET COUNT\n');
  process.exit(2);
}
const rtts: number[] = [];
const ping = await openPing({ host: target, flood: true, count: Number(count), intervalMs: 0 });
const [summary] = await ping.run({ onEvent: (e) => void (e.type === 'reply' && rtts.push(e.rttMs)) });
process.stdout.write(`${JSON.stringify({ rttMs: rtts, transmitted: summary!.transmitted, received: summary!.received, timing: summary!.timing })}\n`);
