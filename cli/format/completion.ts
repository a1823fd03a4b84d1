// The completion scripts `rawprobe completion bash|zsh` prints. On each Tab the shell function runs
// `rawprobe __complete N -- WORDS...` (N: the index of the word being completed among the words
// after the program) and offers what it prints: one candidate per line, or the line ":files" when
// a file name goes there, which the shell completes itself (compgen -f, _files).
import type { Completion } from '../run/complete.js';
import type { Shell } from '../options/completion.js';

/** What the __complete request prints for `c`. */
export function completionText(c: Completion): string {
  if (c.kind === 'files') return ':files\n';
  return c.words.map((w) => `${w}\n`).join('');
}

const BASH = `# rawprobe completion for bash. In this shell:  source <(rawprobe completion bash)
# For good: add that line to ~/.bashrc, or save the script as
# /etc/bash_completion.d/rawprobe (or ~/.local/share/bash-completion/completions/rawprobe).
_rawprobe() {
  local cur=\${COMP_WORDS[COMP_CWORD]}
  local IFS=$'\\n'
  local -a out
  out=($("\${COMP_WORDS[0]}" __complete "$((COMP_CWORD - 1))" -- "\${COMP_WORDS[@]:1}" 2>/dev/null))
  if [[ \${out[0]} == :files ]]; then
    compopt -o filenames 2>/dev/null
    [[ $cur == = ]] && cur=
    COMPREPLY=($(compgen -f -- "$cur"))
  else
    [[ $cur == = ]] && cur=
    COMPREPLY=($(compgen -W "\${out[*]}" -- "$cur"))
  fi
}
complete -F _rawprobe rawprobe
`;

const ZSH = `#compdef rawprobe
# rawprobe completion for zsh. In this shell (after compinit):  source <(rawprobe completion zsh)
# For good: save it as _rawprobe in a folder of your $fpath, e.g.
#   rawprobe completion zsh > "\${fpath[1]}/_rawprobe"   then start a new shell.
_rawprobe() {
  local -a out
  out=("\${(@f)$("\${words[1]}" __complete "$((CURRENT - 2))" -- "\${(@)words[2,-1]}" 2>/dev/null)}")
  if [[ \${out[1]} == :files ]]; then
    _files
  elif (( \${#out} > 0 )) && [[ -n \${out[1]} ]]; then
    compadd -a out
  fi
}
if [[ "\${zsh_eval_context[-1]}" == loadautofunc ]]; then
  _rawprobe "$@"
else
  compdef _rawprobe rawprobe
fi
`;

/** The script for `shell`. */
export function completionScript(shell: Shell): string {
  return shell === 'zsh' ? ZSH : BASH;
}
