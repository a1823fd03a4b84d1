// Child for test/cli/ping.test.ts: two ping sessions at once in this one process, one of them
// probing three loopback addresses in turn. Prints the summaries as one JSON line. Run it in a
// private network namespace (its own lo), as the test does.
import { openPing } from '../../../lib/probe/index.js';

const [many, one] = await Promise.all([
  openPing({ host: ['127.0.0.1', '127.0.0.2', '127.0.0.3'], count: 20, intervalMs: 2 }).then((s) => s.run()),
  openPing({ host: '127.0.0.1', count: 300, flood: true, preload: 8 }).then((s) => s.run()),
]);
process.stdout.write(`${JSON.stringify({ many, one })}\n`);
