// The one line a usage error gets (issue 20): the command, what is wrong, and the closest real
// thing when there is one.
//
//   rawprobe: ping: unknown option --cout (did you mean --count?)
//   rawprobe: ping: unknown option -a (rawprobe ping --help lists the options)
//   rawprobe: unknown command pong (did you mean ping?)
//   rawprobe: lab: unknown command foo (up, down, exec or show)
//   rawprobe: ping: missing <host>: rawprobe ping <host> [options]
//
// yargs finds these, but words them for its own parse: an unknown option before the host
// (`ping -a 127.0.0.1`) takes the host as its value, and yargs then reports "Not enough
// non-option arguments" or "Unknown command: 127.0.0.1". So the command line is read again here,
// with the options the command declares, before yargs' message is used. Loaded at every start
// (cli/main.ts): no imports.

/** What usageLine needs of the parser, as yargs has it when a command's validation fails. */
export interface ParserView {
  /** The command path that was being parsed: [] at the top, ['lab', 'exec']... */
  commands: readonly string[];
  /** Its usage: 'ping <host>'; null at the top. */
  usage: string | null;
  /** The subcommands it has (the top's commands, lab's up/down/...). */
  subcommands: readonly string[];
  /** Its options as yargs keeps them (getOptions()). */
  options: {
    key: Record<string, unknown>;
    alias: Record<string, string[]>;
    boolean: string[];
    configuration: Record<string, unknown>;
  };
}

/** Edit distance with transpositions (optimal string alignment), for "did you mean": --dprot is one from --dport. */
function distance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) best = Math.min(best, d[i - 2]![j - 2]! + 1);
      d[i]![j] = best;
    }
  }
  return d[a.length]![b.length]!;
}

/** The closest of `names` to `word` (a prefix counts as close), or null when none is close. */
export function closest(word: string, names: readonly string[]): string | null {
  let best: string | null = null;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const name of names) {
    const d = name.startsWith(word) || word.startsWith(name) ? Math.min(1, distance(word, name)) : distance(word, name);
    if (d < bestDistance) {
      best = name;
      bestDistance = d;
    }
  }
  return best !== null && bestDistance <= Math.max(1, Math.floor(Math.max(word.length, best.length) / 3)) ? best : null;
}

const kebab = (name: string): string => name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
const dash = (name: string): string => (name.length === 1 ? `-${name}` : `--${name}`);

interface Known {
  names: Set<string>;
  takesValue(name: string): boolean;
}

function knownOptions(view: ParserView): Known {
  const names = new Set<string>();
  for (const key of Object.keys(view.options.key)) names.add(key);
  for (const [key, aliases] of Object.entries(view.options.alias)) {
    names.add(key);
    for (const a of aliases) names.add(a);
  }
  const booleans = new Set<string>();
  for (const key of view.options.boolean) {
    booleans.add(key);
    for (const a of view.options.alias[key] ?? []) booleans.add(a);
  }
  return { names, takesValue: (name) => !booleans.has(name) };
}

/** The first option of `args` (what follows the command's words) that the command does not have. */
export function unknownOption(args: readonly string[], view: ParserView): string | null {
  const known = knownOptions(view);
  const negation = view.options.configuration['boolean-negation'] !== false;
  const isKnown = (name: string): boolean =>
    known.names.has(name) || known.names.has(kebab(name)) || (negation && name.startsWith('no-') && known.names.has(name.slice(3)) && !known.takesValue(name.slice(3)));
  let valueNext = false;
  for (const arg of args) {
    if (arg === '--') break;
    const wasValue = valueNext;
    valueNext = false;
    if (!arg.startsWith('-') || arg === '-') continue;
    if (wasValue && /^-\d/.test(arg)) continue; // a negative number given to the option before
    if (arg.startsWith('--')) {
      const eq = arg.indexOf('=');
      const name = arg.slice(2, eq < 0 ? undefined : eq);
      if (!isKnown(name)) return `--${name}`;
      valueNext = eq < 0 && known.takesValue(name);
      continue;
    }
    // A group of short options (-fq), read as yargs reads it: an option that takes a value takes
    // the rest of the group only when that is a number (-c3); otherwise the next letters are
    // options too, and the last one takes the next argument (-fc 3).
    for (let i = 1; i < arg.length; i++) {
      const letter = arg[i]!;
      if (!isKnown(letter)) return `-${letter}`;
      if (known.takesValue(letter) && /^-?\d+(\.\d*)?(e-?\d+)?$/.test(arg.slice(i + 1))) break;
      valueNext = i === arg.length - 1 && known.takesValue(letter);
    }
  }
  return null;
}

/** The command's own options, as someone would type them: -c, --count... */
function spellings(view: ParserView): string[] {
  const positionals = new Set(positionalNames(view.usage));
  return [...knownOptions(view).names].filter((n) => !positionals.has(n) && n !== '$0' && n !== '_').map(dash);
}

function positionalNames(usage: string | null): string[] {
  return [...(usage ?? '').matchAll(/[<[]([^\]>.]+)(?:\.\.)?[\]>]/g)].map((m) => m[1]!);
}

/** The options after the command's words in `argv` (the command line without the program). */
function afterCommand(argv: readonly string[], commands: readonly string[]): string[] {
  let at = 0;
  for (const word of commands) {
    const i = argv.indexOf(word, at);
    if (i < 0) break;
    at = i + 1;
  }
  return argv.slice(at);
}

function orList(words: readonly string[]): string {
  return words.length <= 1 ? words.join('') : `${words.slice(0, -1).join(', ')} or ${words[words.length - 1]}`;
}

/**
 * The line for a usage error yargs reported as `message`, on `argv` (the command line after the
 * program's name), parsed as `view` says; without the "rawprobe: " prefix.
 */
export function usageLine(message: string, argv: readonly string[], view: ParserView): string {
  const where = view.commands.join(' ');
  const prefix = where === '' ? '' : `${where}: `;
  const help = `rawprobe ${where === '' ? '' : `${where} `}--help`;
  const option = unknownOption(afterCommand(argv, view.commands), view);
  if (option !== null) {
    const letter = option.length === 2 ? option[1]! : null;
    const names = spellings(view);
    // A short option's nearest is the same letter in the other case, if the command has it.
    const near = letter !== null ? names.find((n) => n === `-${letter === letter.toLowerCase() ? letter.toUpperCase() : letter.toLowerCase()}`) ?? null : closest(option, names.filter((n) => n.startsWith('--')));
    const dashDash = view.options.configuration['populate--'] === true ? '; the command goes after --' : '';
    return `${prefix}unknown option ${option} (${near === null ? `${help} lists the options` : `did you mean ${near}?`}${dashDash})`;
  }
  const unknownCommand = /^Unknown commands?: ([^,\s]+)/.exec(message);
  if (unknownCommand !== null) {
    const word = unknownCommand[1]!;
    if (view.subcommands.length === 0) return `${prefix}unexpected argument "${word}": rawprobe ${view.usage ?? where} [options]`;
    const near = closest(word, view.subcommands);
    return `${prefix}unknown command ${word} (${near === null ? orList(view.subcommands) : `did you mean ${near}?`})`;
  }
  if (/^Not enough non-option arguments/.test(message)) {
    if (view.usage === null) return message;
    const missing = (view.usage.match(/<[^>]+>/g) ?? []).join(' ');
    return `${prefix}missing ${missing === '' ? 'an argument' : missing}: rawprobe ${view.usage} [options]`;
  }
  const unknownArgument = /^Unknown arguments?: ([^,\s]+)/.exec(message);
  if (unknownArgument !== null) return `${prefix}unknown option ${unknownArgument[1]!.length === 1 ? '-' : '--'}${unknownArgument[1]} (${help} lists the options)`;
  const choice = /^Invalid values:\s*Argument: ([\w-]+), Given: (.*), Choices: (.*)$/s.exec(message);
  if (choice !== null) {
    const name = positionalNames(view.usage).includes(choice[1]!) ? `<${choice[1]}>` : dash(choice[1]!);
    return `${prefix}${name} ${choice[2]!.trim()}: give one of ${choice[3]!.trim()}`;
  }
  // yargs' other checks (conflicts) and ours (.check) already say what is wrong, on one line.
  return message.replace(/\s*\n\s*/g, ' ');
}

interface YargsInternals {
  getOptions(): ParserView['options'];
  getInternalMethods(): {
    getContext(): { commands: string[]; fullCommands: string[] };
    getCommandInstance(): { getCommandHandlers(): Record<string, unknown> };
  };
}

/** The parser's state where it failed: yargs keeps the failing command's options on the instance. */
export function viewOf(parser: unknown): ParserView {
  const y = parser as YargsInternals;
  const internal = y.getInternalMethods();
  const context = internal.getContext();
  return {
    commands: context.commands,
    usage: context.fullCommands.length === 0 ? null : context.fullCommands.join(' '),
    subcommands: Object.keys(internal.getCommandInstance().getCommandHandlers()).filter((c) => c !== '$0'),
    options: y.getOptions(),
  };
}
