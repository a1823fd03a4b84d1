// `rawprobe completion [bash|zsh]`, declared once: the shell completion script, and the hidden
// request the script makes on each Tab (`rawprobe __complete N -- WORDS...`). cli/commands/
// completion.ts gives them to yargs, cli/run/completion.ts does the work.
import type { ArgsOf, CommandHelp } from './define.js';

export const SHELLS = ['bash', 'zsh'] as const;
export type Shell = (typeof SHELLS)[number];

export const help: CommandHelp = {
  command: 'completion [shell]',
  describe: 'Print the shell completion script for bash or zsh (default: your $SHELL): commands, options, lab and node names, file names',
  examples: [
    ['source <($0 completion bash)', 'Tab completion in this bash session (add the line to ~/.bashrc to keep it)'],
    ['$0 completion zsh > "${fpath[1]}/_rawprobe"', 'zsh: installed as a completion function (then compinit)'],
  ],
};

export const positionals = {
  shell: { type: 'string', choices: SHELLS, describe: 'the shell to complete in' },
} as const;

export const options = {};

export type CompletionArgs = ArgsOf<typeof positionals, typeof options>;

/** The request the script makes: the index of the word being completed, then every word after `rawprobe` (after --). */
export const REQUEST = {
  command: '__complete <cword>',
  positionals: { cword: { type: 'string', demandOption: true, describe: 'index of the word being completed, from 0 after the program' } },
} as const;

export type CompleteArgs = ArgsOf<typeof REQUEST.positionals, {}> & { '--'?: (string | number)[] };
