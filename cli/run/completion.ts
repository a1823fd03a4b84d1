// `rawprobe completion [bash|zsh]` prints the completion script (cli/format/completion.ts); the
// hidden `rawprobe __complete N -- WORDS...` answers one Tab (cli/run/complete.ts) with what is on
// this machine: the labs that are up and their nodes, the network interfaces.
import { readdir } from 'node:fs/promises';
import { catalog } from '../options/catalog.js';
import type { CompleteArgs, CompletionArgs, Shell } from '../options/completion.js';
import { completionScript, completionText } from '../format/completion.js';
import { completeWords, type Sources } from './complete.js';

/** `rawprobe completion [shell]`: bash unless told, or unless $SHELL is zsh. */
export async function script(argv: CompletionArgs): Promise<void> {
  const shell: Shell = argv.shell ?? ((process.env['SHELL'] ?? '').endsWith('zsh') ? 'zsh' : 'bash');
  process.stdout.write(completionScript(shell));
}

/** The labs that are up (lib/lab's records) and the interfaces (/sys/class/net); nothing when they cannot be read. */
const system: Sources = {
  labs: async () => {
    try {
      const { listLabs, openLab } = await import('../../lib/lab/index.js');
      const labs = [];
      for (const name of await listLabs()) {
        const lab = await openLab(name).catch(() => null);
        if (lab !== null) labs.push({ name, nodes: lab.nodes });
      }
      return labs;
    } catch {
      return [];
    }
  },
  interfaces: async () => (await readdir('/sys/class/net').catch(() => [] as string[])).sort(),
};

/** `rawprobe __complete N -- WORDS...`: the candidates for word N, one per line. */
export async function complete(argv: CompleteArgs): Promise<void> {
  const line = (argv['--'] ?? []).map(String);
  const cword = Number(argv.cword);
  const answer = Number.isInteger(cword) && cword >= 0 ? await completeWords(await catalog(), line, cword, system) : { kind: 'words' as const, words: [] };
  process.stdout.write(completionText(answer));
}
