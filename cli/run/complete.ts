// What Tab offers for the word being completed (the `rawprobe __complete` request the completion
// script makes): command and subcommand names, a command's options, the values an option takes
// (choices, interfaces, lab names), lab nodes for `lab exec`, and file names where a file goes
// (pcaps, JSON, lab files). Read from the commands' own declarations (cli/options/catalog.ts),
// so a new option completes as soon as it is declared.
import type { Options, PositionalOptions } from 'yargs';
import type { CommandEntry } from '../options/catalog.js';

/** The shell lists file names, or these words. */
export type Completion = { kind: 'files' } | { kind: 'words'; words: string[] };

/** What completion reads from the system, passed in so that tests can choose it. */
export interface Sources {
  /** The labs that are up, with their node names. */
  labs(): Promise<{ name: string; nodes: readonly string[] }[]>;
  /** The network interfaces. */
  interfaces(): Promise<string[]>;
}

/** Options whose value is a file (a pcap to write or read, JSON, a list of targets, a node binary). */
const FILE_OPTIONS = new Set(['pcap-out', 'write', 'fix', 'from-json', 'from-hex', 'file', 'node', 'send-file']);
/** Positionals that are files: a capture or hex file, a lab file. */
const FILE_POSITIONALS = new Set(['decode input', 'checksum input', 'lab up file']);
/** Positionals that name a lab that is up (lab down also takes a file: then Tab after a / or a .). */
const LAB_POSITIONALS = new Set(['lab down lab', 'lab show name']);

const FILES: Completion = { kind: 'files' };
const words = (list: readonly string[], prefix: string): Completion => ({ kind: 'words', words: list.filter((w) => w.startsWith(prefix)) });

/** The option a word names (`--count`, `-c`, `--count=3`), as its key in `options`, or null. */
function optionKey(word: string, options: Readonly<Record<string, Options>>): string | null {
  const name = word.replace(/^-+/, '').split('=')[0]!;
  for (const [key, o] of Object.entries(options)) {
    const aliases: readonly string[] = o.alias === undefined ? [] : typeof o.alias === 'string' ? [o.alias] : o.alias;
    if (key === name || aliases.includes(name)) return key;
  }
  return null;
}

function takesValue(o: Options | undefined): boolean {
  return o !== undefined && o.type !== 'boolean';
}

/** Every spelling of the command's options: --count, -c, ... then --help. */
function spellings(options: Readonly<Record<string, Options>>): string[] {
  const out: string[] = [];
  for (const [key, o] of Object.entries(options)) {
    out.push(key.length === 1 ? `-${key}` : `--${key}`);
    const aliases: readonly string[] = o.alias === undefined ? [] : typeof o.alias === 'string' ? [o.alias] : o.alias;
    for (const a of aliases) out.push(a.length === 1 ? `-${a}` : `--${a}`);
  }
  return [...out, '--help'];
}

interface Parsed {
  command: CommandEntry | null;
  /** The positionals given before the word being completed. */
  positionals: string[];
  /** Options given, by key, with their values. */
  given: Map<string, string>;
  /** The word is after `--` (lab exec's command). */
  afterDashDash: boolean;
  /** The option whose value the word is, or null. */
  valueOf: string | null;
}

/** Reads the words before the one being completed: the command, its positionals and options. */
function parse(commands: readonly CommandEntry[], before: readonly string[]): Parsed | null {
  const p: Parsed = { command: null, positionals: [], given: new Map(), afterDashDash: false, valueOf: null };
  let list: readonly CommandEntry[] = commands;
  for (let i = 0; i < before.length; i++) {
    const word = before[i]!;
    if (word === '--') {
      p.afterDashDash = true;
      break;
    }
    const options = p.command?.options ?? {};
    if (word.startsWith('-') && word !== '-') {
      const key = optionKey(word, options);
      if (key !== null && takesValue(options[key]) && !word.includes('=')) {
        // bash splits --opt=value at the = : [--opt, =, value]
        const next = before[i + 1] === '=' ? i + 2 : i + 1;
        if (next >= before.length) p.valueOf = key;
        else p.given.set(key, before[next]!);
        i = next;
      }
      continue;
    }
    if (p.command === null || (p.command.subcommands !== undefined && p.positionals.length === 0)) {
      const found = list.find((c) => c.path[c.path.length - 1] === word);
      if (found === undefined) return null;
      p.command = found;
      list = found.subcommands ?? [];
      continue;
    }
    p.positionals.push(word);
  }
  return p;
}

/** Values for option `key` of `command`: its choices, interfaces, labs, or files. */
async function optionValues(command: CommandEntry, key: string, current: string, sources: Sources): Promise<Completion> {
  const o = command.options[key];
  if (o?.choices !== undefined) return words(o.choices.map(String), current);
  if (FILE_OPTIONS.has(key)) return FILES;
  if (key === 'interface') return words(['any', ...(await sources.interfaces())], current);
  if (key === 'lab' || (key === 'name' && command.path.join(' ') === 'lab down')) return words((await sources.labs()).map((l) => l.name), current);
  return words([], current);
}

/** lab exec's NODE: LAB.NODE for every lab that is up, or the nodes of --lab's lab. */
async function nodes(lab: string | undefined, current: string, sources: Sources): Promise<Completion> {
  const labs = await sources.labs();
  if (lab !== undefined) return words(labs.find((l) => l.name === lab)?.nodes ?? [], current);
  return words(labs.flatMap((l) => l.nodes.map((n) => `${l.name}.${n}`)), current);
}

async function positionalValues(command: CommandEntry, p: Parsed, current: string, sources: Sources): Promise<Completion> {
  const names = Object.keys(command.positionals);
  const name = names[Math.min(p.positionals.length, names.length - 1)];
  if (name === undefined) return words([], current);
  const where = `${command.path.join(' ')} ${name}`;
  const declared: PositionalOptions | undefined = command.positionals[name];
  if (declared?.choices !== undefined) return words(declared.choices.map(String), current);
  if (where === 'lab exec node') return nodes(p.given.get('lab'), current, sources);
  if (where === 'lab exec cmd') return FILES;
  if (FILE_POSITIONALS.has(where)) return FILES;
  if (LAB_POSITIONALS.has(where)) {
    if (current.includes('/') || current.startsWith('.')) return FILES;
    return words((await sources.labs()).map((l) => l.name), current);
  }
  return words([], current);
}

/**
 * The candidates for `words[cword]`, `words` being what follows `rawprobe` on the command line
 * (the word being completed may be '' or a part).
 */
export async function completeWords(commands: readonly CommandEntry[], line: readonly string[], cword: number, sources: Sources): Promise<Completion> {
  const current = line[cword] === '=' ? '' : (line[cword] ?? '');
  const p = parse(commands, line.slice(0, line[cword] === '=' ? cword + 1 : cword));
  if (p === null) return words([], current);
  if (p.afterDashDash) return FILES;
  const command = p.command;
  if (command === null) return current.startsWith('-') ? words(['--help', '--version'], current) : words(commands.map((c) => c.path[0]!), current);
  if (p.valueOf !== null) return optionValues(command, p.valueOf, current, sources);
  if (command.subcommands !== undefined) return current.startsWith('-') ? words(['--help'], current) : words(command.subcommands.map((c) => c.path[c.path.length - 1]!), current);
  if (current.startsWith('-')) return words(spellings(command.options), current);
  return positionalValues(command, p, current, sources);
}
