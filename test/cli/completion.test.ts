// Shell completion (issue 21): `rawprobe completion bash|zsh` prints a script whose function, run
// as the shell runs it on Tab, completes commands, options, option values, lab nodes and file
// names. Each case calls the function itself in a real bash (or zsh, with compadd and _files
// standing in for zsh's completion system, which exists only inside an interactive widget).
import test, { type ExecutionContext } from 'ava';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { catalog } from '../../cli/options/catalog.js';
import { completeWords, type Completion } from '../../cli/run/complete.js';
import { ROOT, runCommand } from '../helpers/cli.js';
import { withLab } from '../helpers/lab.js';
import { rootTest } from '../helpers/privilege.js';
import { tempDir } from '../helpers/tmp.js';
import { toolTest } from '../helpers/tools.js';

const LAUNCHER = join(ROOT, 'rawprobe');

/** What bash's Tab offers for the command line `words` (the last word being completed), run in `cwd`. */
async function bashTab(words: string[], cwd = ROOT): Promise<string[]> {
  const script = [
    `source <(${JSON.stringify(LAUNCHER)} completion bash)`,
    `COMP_WORDS=(${[LAUNCHER, ...words].map((w) => `'${w}'`).join(' ')})`,
    `COMP_CWORD=${words.length}`,
    `cd ${JSON.stringify(cwd)}`,
    '_rawprobe',
    'printf "%s\\n" "${COMPREPLY[@]}"',
  ].join('\n');
  const r = await runCommand(['bash', '-c', script]);
  if (r.code !== 0) throw new Error(`bash: ${r.stderr}`);
  return r.stdout.split('\n').filter((l) => l !== '');
}

/** The same in zsh: compadd prints what it is given, _files says it was called. */
async function zshTab(words: string[]): Promise<string[]> {
  const script = [
    'compdef() { : }',
    'compadd() { [[ $1 == -a ]] && print -l -- "${(@P)2}" }',
    '_files() { print -- ":files" }',
    `source <(${JSON.stringify(LAUNCHER)} completion zsh)`,
    `words=(${[LAUNCHER, ...words].map((w) => `'${w}'`).join(' ')})`,
    `CURRENT=${words.length + 1}`,
    '_rawprobe',
  ].join('\n');
  const r = await runCommand(['zsh', '-f', '-c', script]);
  if (r.code !== 0) throw new Error(`zsh: ${r.stderr}`);
  return r.stdout.split('\n').filter((l) => l !== '');
}

const onBash = toolTest(['bash']);

onBash('bash: rawprobe pi<Tab> is ping; ping --pc<Tab> is --pcap-out; lab <Tab> its subcommands', async (t) => {
  t.deepEqual(await bashTab(['pi']), ['ping']);
  t.deepEqual(await bashTab(['ping', '--pc']), ['--pcap-out']);
  t.deepEqual(await bashTab(['lab', '']), ['up', 'down', 'exec', 'show']);
  t.deepEqual(await bashTab(['s']), ['sweep', 'send', 'sockopt', 'socket', 'setup-privileges']);
  t.deepEqual(await bashTab(['sockopt', '--type', 'r']), ['raw', 'rdm']);
  t.deepEqual(await bashTab(['trace', '-n', '--ma']), ['--max-hops']);
  t.true((await bashTab(['ping', '-'])).includes('-c'));
});

onBash('bash: file names where a capture or a file goes, from the current folder', async (t) => {
  const dir = tempDir(t, 'completion');
  for (const f of ['one.pcap', 'two.pcap', 'lab.json']) writeFileSync(join(dir, f), '');
  t.deepEqual((await bashTab(['decode', ''], dir)).sort(), ['lab.json', 'one.pcap', 'two.pcap']);
  t.deepEqual(await bashTab(['ping', '--pcap-out', 'o'], dir), ['one.pcap']);
  t.deepEqual(await bashTab(['checksum', 'x.pcap', '--fix', 't'], dir), ['two.pcap']);
  t.deepEqual(await bashTab(['lab', 'up', 'l'], dir), ['lab.json']);
  t.deepEqual((await bashTab(['send', '--from-json', ''], dir)).sort(), ['lab.json', 'one.pcap', 'two.pcap']);
});

toolTest(['zsh'])('zsh: the same function: commands, options, files', async (t) => {
  t.deepEqual(await zshTab(['pi']), ['ping']);
  t.deepEqual(await zshTab(['ping', '--pc']), ['--pcap-out']);
  t.deepEqual(await zshTab(['ping', '--pcap-out', '']), [':files']);
  t.deepEqual(await zshTab(['lab', 'e']), ['exec']);
});

toolTest(['bash'], rootTest())('bash: lab exec <Tab> offers the nodes of a lab that is up; --lab LAB narrows to its nodes', async (t) => {
  const lab = await withLab(t, 'chain3');
  const nodes = await bashTab(['lab', 'exec', `${lab.name}.`]);
  t.deepEqual(nodes.sort(), ['h1', 'h2', 'r1', 'r2', 'r3'].map((n) => `${lab.name}.${n}`));
  t.deepEqual((await bashTab(['lab', 'exec', '--lab', lab.name, ''])).sort(), ['h1', 'h2', 'r1', 'r2', 'r3']);
  t.true((await bashTab(['lab', 'show', ''])).includes(lab.name));
  t.true((await bashTab(['lab', 'exec', '--lab', ''])).includes(lab.name));
});

/** completeWords with no labs and two interfaces. */
async function tab(t: ExecutionContext, line: string[]): Promise<Completion> {
  void t;
  return completeWords(await catalog(), line, line.length - 1, { labs: async () => [{ name: 'chain3', nodes: ['h1', 'r1'] }], interfaces: async () => ['eth0', 'lo'] });
}

test('completeWords: option values, --opt=value, positionals after options, the command after --', async (t) => {
  t.deepEqual(await tab(t, ['capture', '-i', '']), { kind: 'words', words: ['any', 'eth0', 'lo'] });
  t.deepEqual(await tab(t, ['capture', '--interface', '=', 'e']), { kind: 'words', words: ['eth0'] });
  t.deepEqual(await tab(t, ['ping', '-c', '3', '--pcap-out', '=', '']), { kind: 'files' });
  t.deepEqual(await tab(t, ['decode', '--json', '']), { kind: 'files' });
  t.deepEqual(await tab(t, ['decode', '-c', '5', '']), { kind: 'files' }, '-c takes 5; the next word is the input');
  t.deepEqual(await tab(t, ['lab', 'exec', 'c']), { kind: 'words', words: ['chain3.h1', 'chain3.r1'] });
  t.deepEqual(await tab(t, ['lab', 'exec', 'chain3.h1', '--', 'pi']), { kind: 'files' });
  t.deepEqual(await tab(t, ['completion', '']), { kind: 'words', words: ['bash', 'zsh'] });
  t.deepEqual(await tab(t, ['pong', '']), { kind: 'words', words: [] }, 'after an unknown command, nothing');
  t.deepEqual(await tab(t, ['--']), { kind: 'words', words: ['--help', '--version'] });
  t.deepEqual(await tab(t, ['']), { kind: 'words', words: (await catalog()).map((c) => c.path[0]!) });
});
