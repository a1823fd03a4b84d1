// Small helpers the lab tests share: run a command in a node (bounded in time), read the summary
// line iputils ping prints.
import type { ExecutionContext } from 'ava';
import type { Lab, RunResult } from '../../lib/lab/index.js';

/** `lab.exec` with a 60 s bound; the command and its output go to the test log if it fails. */
export async function runIn(t: ExecutionContext, lab: Lab, node: string, argv: string[]): Promise<RunResult> {
  const r = await lab.exec(node, argv, { timeoutMs: 60_000 });
  if (r.code !== 0) t.log(`${node}$ ${argv.join(' ')} -> ${String(r.code ?? r.signal)}\n${r.stdout}${r.stderr}`);
  return r;
}

export interface PingSummary {
  transmitted: number;
  received: number;
  duplicates: number;
  errors: number;
}

/** "300 packets transmitted, 245 received, +31 duplicates, +2 errors, 18% packet loss" */
export function pingSummary(stdout: string): PingSummary {
  const m = /(\d+) packets transmitted, (\d+) received(?:, \+(\d+) duplicates)?(?:, \+(\d+) errors)?/.exec(stdout);
  if (m === null) throw new Error(`no ping summary in: ${stdout}`);
  return {
    transmitted: Number(m[1]),
    received: Number(m[2]),
    duplicates: Number(m[3] ?? 0),
    errors: Number(m[4] ?? 0),
  };
}
