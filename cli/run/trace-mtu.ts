// trace --mtu: the path MTU (lib/probe/trace/mtu-session.ts), printed as traceroute's hops with
// tracepath's "pmtu N" where it drops (cli/format/trace-mtu.ts). A packet length given on the
// command line is the first size (traceroute --mtu's), else the route's MTU. Exit status: 0 when
// the destination answered, 1 when it did not.
import { openPathMtu } from '../../lib/probe/trace/mtu-session.js';
import type { MtuHop } from '../../lib/probe/trace/mtu-events.js';
import type { TraceOptions } from '../../lib/probe/trace/index.js';
import { EXIT_NEGATIVE, EXIT_OK } from '../errors.js';
import { printJsonLine } from '../format/json.js';
import { mtuDoneJson, mtuHopJson, mtuHopLine, resumeLine } from '../format/trace-mtu.js';
import { headerLine } from '../format/trace.js';
import type { TraceArgs } from '../options/trace.js';
import { OrderedLines } from './ordered-lines.js';
import type { Stopping } from '../stopping.js';
import { openOrFail } from './session.js';
import { writeStdout } from '../stdout.js';

export async function runMtu(argv: TraceArgs, options: TraceOptions, stopping: Stopping): Promise<void> {
  const { length, ...rest } = options;
  const session = await openOrFail(() => openPathMtu({ ...rest, startLength: length ?? null }));
  stopping.onStop(() => session.stop());
  if (!argv.json) writeStdout(`${headerLine(session.start)}\n`);
  const text = new OrderedLines(!argv.json && !argv.numeric);
  const onHop = argv.json
    ? (hop: MtuHop): void => printJsonLine(mtuHopJson(hop))
    : (hop: MtuHop): void => text.line(hop.probes.flatMap((p) => (p.from === null ? [] : [p.from])), (who) => mtuHopLine(hop, who, { extensions: argv.extensions }));
  const done = await session.run({ onHop });
  await text.drained();
  if (argv.json) printJsonLine(mtuDoneJson(done));
  else writeStdout(`${resumeLine(done)}\n`);
  process.exitCode = done.reached ? EXIT_OK : EXIT_NEGATIVE;
}
