// The launcher's NODE_EXTRA_CA_CERTS rule (./rawprobe, cli/ca-certs.ts): node starts without the
// variable, so it does not parse certificates rawprobe never uses (Node 20 does that before any
// code runs, and warns when the file cannot be read), and the programs rawprobe runs get it back
// as the user set it. A file that does not exist makes both halves visible: node's warning, and
// the value a program run by `lab exec` sees.
import test from 'ava';
import { join } from 'node:path';
import { KEPT_CA_CERTS, restoreExtraCaCerts } from '../../cli/ca-certs.js';
import { ROOT, runCommand, type CliResult } from '../helpers/cli.js';
import { withLab } from '../helpers/lab.js';
import { rootTest } from '../helpers/privilege.js';

const LAUNCHER = join(ROOT, 'rawprobe');
const MISSING = '/nonexistent/rawprobe-test-ca.pem';

/** Runs argv with NODE_EXTRA_CA_CERTS=MISSING; resolves with its exit code and output. */
function runWithCaCerts(argv: readonly string[]): Promise<CliResult> {
  return runCommand(argv, { env: { NODE_EXTRA_CA_CERTS: MISSING } });
}

test('node itself reads NODE_EXTRA_CA_CERTS as it starts; rawprobe started by its launcher does not', async (t) => {
  const node = await runWithCaCerts([process.execPath, '-e', '0']);
  t.regex(node.stderr, /extra certs/i, 'the control: node warns about the file it could not read');
  const ours = await runWithCaCerts([LAUNCHER, '--version']);
  t.is(ours.code, 0);
  t.regex(ours.stdout, /^\d+\.\d+\.\d+\n$/);
  t.is(ours.stderr, '', 'no certificate was read: no warning');
});

test('restoreExtraCaCerts puts the kept value back, and leaves an environment the launcher did not touch alone', (t) => {
  const moved: NodeJS.ProcessEnv = { [KEPT_CA_CERTS]: '', PATH: '/bin' };
  restoreExtraCaCerts(moved);
  t.deepEqual(moved, { NODE_EXTRA_CA_CERTS: '', PATH: '/bin' }, 'an empty value is a value');
  const untouched: NodeJS.ProcessEnv = { NODE_EXTRA_CA_CERTS: '/etc/ca.pem' };
  restoreExtraCaCerts(untouched);
  t.deepEqual(untouched, { NODE_EXTRA_CA_CERTS: '/etc/ca.pem' });
});

rootTest()('a program run by `rawprobe lab exec` sees NODE_EXTRA_CA_CERTS as the user set it', async (t) => {
  const lab = await withLab(t, { name: 'caenv', nodes: { h1: { role: 'host' }, h2: { role: 'host' } }, links: [{ between: ['h1', 'h2'] }] });
  const r = await runWithCaCerts([LAUNCHER, 'lab', 'exec', `${lab.name}.h1`, '--', 'sh', '-c', `echo "\${NODE_EXTRA_CA_CERTS-unset} \${${KEPT_CA_CERTS}-unset}"`]);
  t.is(r.code, 0, r.stderr);
  t.is(r.stdout, `${MISSING} unset\n`);
  t.notRegex(r.stderr, /extra certs/i, 'rawprobe itself still read none');
});
