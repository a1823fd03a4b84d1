// Row 6: whole-process start-up, the time a user waits before anything happens.
//
//   rawprobe --version        against node -e 0 (the floor any Node CLI stands on: what we add
//                             over Node itself) and ping -V (what a C tool costs: the honest
//                             comparison for a user, which Node cannot win)
//   rawprobe ping -c 1 127.0.0.1   against node -e 0 (what a one-probe ping adds to Node's own
//                             start) and iputils ping -c 1 127.0.0.1: start, one probe, exit
//
// When NODE_EXTRA_CA_CERTS is set (it is on our bench machine), every Node process parses those
// certificates before it runs any code, and rawprobe's launcher starts node without them (it
// opens no TLS connection): so node -e 0 is measured twice, as the environment has it and without
// the variable, Node's own floor.
//
// Wall time from spawn to exit, and peak memory (GNU time %M). Each run is one process.

import { benchGroup, progress } from '../context.js';
import { BETTER, rowsFor, runRounds, SIDE, type Contender, type Metric, type Row, type RunOutcome } from '../harness.js';
import { expectExit, runProcess, type ProcResult } from '../proc.js';
import { pendingUnless, rawprobeArgv, rawprobeStartProblem } from '../rawprobe.js';
import { toolPath, toolProblem } from '../tools.js';

const METRICS: Metric[] = [
  { key: 'ms', what: 'start-up: whole process, spawn to exit', units: 'ms', better: BETTER.lower },
  { key: 'rssMb', what: 'start-up: peak memory (max RSS)', units: 'MB', better: BETTER.lower, words: { better: 'smaller', worse: 'larger' } },
];

function figures(r: ProcResult): Record<string, number | null> {
  return { ms: r.ms, rssMb: r.maxRssKb === null ? null : r.maxRssKb / 1024 };
}

function processContender(name: string, side: Contender['side'], argv: string[], unavailable: string | null, check?: (r: ProcResult) => void, env?: NodeJS.ProcessEnv): Contender {
  return {
    name,
    side,
    command: argv.join(' '),
    unavailable,
    async run(): Promise<RunOutcome> {
      const r = expectExit(await runProcess(argv, { memory: true, timeoutMs: 20_000, env }), name);
      check?.(r);
      return { values: figures(r) };
    },
  };
}

/** The name of node -e 0 run without NODE_EXTRA_CA_CERTS, when the environment sets it. */
const NODE_FLOOR = 'node -e 0, no NODE_EXTRA_CA_CERTS';

/** node -e 0 without NODE_EXTRA_CA_CERTS, when the bench's environment sets it (null otherwise). */
function nodeFloor(): Contender | null {
  if (process.env['NODE_EXTRA_CA_CERTS'] === undefined) return null;
  const env = { ...process.env };
  delete env['NODE_EXTRA_CA_CERTS'];
  return processContender(NODE_FLOOR, SIDE.theirs, [process.execPath, '-e', '0'], null, undefined, env);
}

/** A one-probe ping must have got its reply, or it measured something else. */
function oneReply(name: string): (r: ProcResult) => void {
  return (r) => {
    if (!/\b1 packets transmitted, 1 received\b/.test(r.stdout)) throw new Error(`${name}: no "1 packets transmitted, 1 received" in its output`);
  };
}

export const startupGroup = benchGroup('startup', '6', 'whole-process start-up', async (ctx) => {
  const pingProblem = toolProblem(ctx.tools, 'iputils-ping');
  const ping = pingProblem === null ? toolPath(ctx.tools, 'ping') : 'ping';
  const starts = await rawprobeStartProblem();
  const contenders: Contender[] = [
    processContender('rawprobe --version', SIDE.ours, rawprobeArgv(['--version']), starts === null ? null : `failed: rawprobe does not start: ${starts}`),
    processContender('node -e 0', SIDE.theirs, [process.execPath, '-e', '0'], null),
    processContender('ping -V', SIDE.theirs, [ping, '-V'], pingProblem),
    processContender('rawprobe ping -c 1 127.0.0.1', SIDE.ours, rawprobeArgv(['ping', '-c', '1', '127.0.0.1']), await pendingUnless('ping', ['-c']), oneReply('rawprobe ping')),
    processContender('ping -c 1 127.0.0.1', SIDE.theirs, [ping, '-c', '1', '127.0.0.1'], pingProblem, oneReply('ping')),
  ];
  const floor = nodeFloor();
  if (floor !== null) contenders.push(floor);
  const results = await runRounds(contenders, { runs: ctx.runs ?? (ctx.quick ? 3 : 20), warmup: 1, onRun: progress(ctx, 'startup') });
  return rowsFor('startup', '6', results, [
    { ours: 'rawprobe --version', theirs: 'node -e 0', id: 'version-vs-node' },
    { ours: 'rawprobe --version', theirs: 'ping -V', id: 'version-vs-ping' },
    { ours: 'rawprobe ping -c 1 127.0.0.1', theirs: 'node -e 0', id: 'one-probe-vs-node' },
    { ours: 'rawprobe ping -c 1 127.0.0.1', theirs: 'ping -c 1 127.0.0.1', id: 'one-probe' },
    ...(floor === null
      ? []
      : [
          { ours: 'rawprobe --version', theirs: NODE_FLOOR, id: 'version-vs-node-floor' },
          { ours: 'rawprobe ping -c 1 127.0.0.1', theirs: NODE_FLOOR, id: 'one-probe-vs-node-floor' },
        ]),
  ], METRICS);
});
