// `npm run bench`: every benchmark row, rawprobe against the tools people use instead, measured on
// this machine in this run. Installs the Debian tools it compares against when missing, brings up
// its own labs and always takes them down (Ctrl-C included), writes results JSON and prints a
// markdown table to stdout (progress goes to stderr).
//
//   npm run bench                      full run            -> bench/results.json
//   npm run bench -- --quick           under a minute      -> bench/results-quick.json
//   npm run bench -- --only flood,6    some groups (names or row numbers) -> bench/results-partial.json
//   npm run bench -- --runs 7          runs per comparison (at least 3)
//
// Exit code 0 when every row was measured or is pending/skipped with its reason, 1 when a row
// failed (a tool crashed or gave a wrong answer), 2 on bad arguments.

import { writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join, relative } from 'node:path';
import { parseArgs } from 'node:util';
import { labPrivilegeProblem } from '../lib/lab/index.js';
import type { BenchContext } from './context.js';
import { markdownNotes, markdownTable } from './format.js';
import { BENCH_GROUPS, selectGroups } from './groups.js';
import { BETTER, MIN_RUNS, ROW_STATUS, skippedRow, type Row } from './harness.js';
import { BenchLabs, REPO_ROOT } from './lab.js';
import { machineFacts } from './machine.js';
import { killAllChildren } from './proc.js';
import { ensureTools } from './tools.js';

const HELP = `usage: npm run bench -- [--quick] [--only GROUP,...] [--runs N] [--out FILE] [--no-install]

  --quick       shorter runs (finishes in under a minute); writes bench/results-quick.json
  --only LIST   groups by name or row number: ${BENCH_GROUPS.map((g) => `${g.number} ${g.id}`).join(', ')}
  --runs N      runs per comparison (default per group; at least ${MIN_RUNS})
  --out FILE    where to write the results JSON
  --no-install  do not apt-get install missing tools (their rows are skipped)`;

function usage(message: string): never {
  process.stderr.write(`bench: ${message}\n${HELP}\n`);
  process.exit(2);
}

function parse(): { quick: boolean; only: string[] | null; runs: number | null; out: string | null; install: boolean } {
  let values;
  try {
    ({ values } = parseArgs({
      options: {
        quick: { type: 'boolean', default: false },
        only: { type: 'string' },
        runs: { type: 'string' },
        out: { type: 'string' },
        'no-install': { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
      strict: true,
    }));
  } catch (err) {
    usage((err as Error).message);
  }
  if (values.help === true) {
    process.stdout.write(`${HELP}\n`);
    process.exit(0);
  }
  let runs: number | null = null;
  if (values.runs !== undefined) {
    runs = Number(values.runs);
    if (!Number.isInteger(runs) || runs < MIN_RUNS) usage(`--runs ${values.runs}: a whole number of at least ${MIN_RUNS} (a median needs 3 runs)`);
  }
  const only = values.only === undefined ? null : values.only.split(',').map((s) => s.trim()).filter((s) => s !== '');
  return { quick: values.quick === true, only, runs, out: values.out ?? null, install: values['no-install'] !== true };
}

async function main(): Promise<void> {
  const args = parse();
  let groups;
  try {
    groups = selectGroups(args.only);
  } catch (err) {
    usage((err as Error).message);
  }
  const started = Date.now();
  const log = (line: string): void => {
    process.stderr.write(`[${((Date.now() - started) / 1000).toFixed(1).padStart(5)} s] ${line}\n`);
  };
  const labs = new BenchLabs();
  let stopping = false;
  const stop = (signal: NodeJS.Signals): void => {
    if (stopping) return;
    stopping = true;
    log(`${signal}: stopping, ending ${killAllChildren()} running tools and taking the labs down`);
    void labs.downAll().finally(() => process.exit(signal === 'SIGINT' ? 130 : 143));
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);

  const date = new Date().toISOString();
  const machine = machineFacts();
  log(`rawprobe bench${args.quick ? ' --quick' : ''}: ${machine.cpuModel}, ${machine.cores} cores, Linux ${machine.kernel}, Node ${machine.node}`);
  if (machine.loadAverage > 0.5 * machine.cores) {
    log(`load average ${machine.loadAverage} on ${machine.cores} cores: something else is running, figures will be noisy`);
  }
  const tools = await ensureTools(log, args.install);
  const privilege = await labPrivilegeProblem();
  if (privilege !== null) log(`labs cannot be built (${privilege}): lab rows will fail`);

  const ctx: BenchContext = { quick: args.quick, runs: args.runs, labs, tools, log };
  const rows: Row[] = [];
  try {
    for (const group of groups) {
      log(`${group.number} ${group.id}: ${group.title}`);
      try {
        rows.push(...(await group.run(ctx)));
      } catch (err) {
        if (stopping) return;
        const message = (err as Error).message.split('\n')[0];
        log(`${group.id} failed: ${message}`);
        const metric = { key: '', what: group.title, units: '', better: BETTER.higher };
        rows.push(skippedRow(`${group.number}.${group.id}`, group.id, metric, 'rawprobe', '', `failed: ${message}`, ROW_STATUS.failed));
      }
    }
  } finally {
    const down = await labs.downAll();
    if (down.length > 0) log(`labs down: ${down.join(', ')}`);
  }
  if (stopping) return;

  const out = args.out ?? join(REPO_ROOT, 'bench', args.quick ? 'results-quick.json' : args.only !== null ? 'results-partial.json' : 'results.json');
  const results = {
    date,
    quick: args.quick,
    only: args.only,
    seconds: Math.round((Date.now() - started) / 100) / 10,
    machine: { ...machine, loadAverageAtEnd: Math.round(loadavg()[0]! * 100) / 100 },
    tools: tools.versions,
    missingTools: tools.missing,
    rows,
  };
  writeFileSync(out, `${JSON.stringify(results, null, 2)}\n`);
  log(`wrote ${relative(process.cwd(), out) || out} (${rows.length} rows, ${results.seconds} s)`);

  const versions = Object.entries(tools.versions)
    .filter(([, v]) => v !== null)
    .map(([k, v]) => `${k} ${v}`)
    .join(', ');
  process.stdout.write(
    `rawprobe benchmarks, ${date.slice(0, 10)}${args.quick ? ' (--quick)' : ''}: ${machine.cpuModel}, ${machine.cores} cores, ` +
      `Linux ${machine.kernel}, Node ${machine.node}.\nCompared against: ${versions}.\n` +
      `Cells: median (min–max) of the runs; ours/theirs is the ratio of medians.\n\n`,
  );
  process.stdout.write(`${markdownTable(rows)}\n`);
  const notes = markdownNotes(rows);
  if (notes !== '') process.stdout.write(`\nNotes:\n${notes}\n`);
  if (rows.some((r) => r.status === ROW_STATUS.failed)) process.exitCode = 1;
}

await main();
