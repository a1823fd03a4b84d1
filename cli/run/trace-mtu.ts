import type { TraceOptions } from '../../lib/probe/trace/index.js';
import { CliError } from '../errors.js';
import type { TraceArgs } from '../options/trace.js';
export async function runMtu(_argv: TraceArgs, _options: TraceOptions): Promise<void> {
  throw new CliError('not yet');
}
