// The command lines people type most, parsed without yargs. Loading yargs and giving it every
// command's declarations costs more than Node's own start-up (README, Performance), and a
// one-probe ping is mostly start-up. So cli/start.ts first tries this parse, which reads the same
// declarations (cli/options/<name>.ts, through the command's lazyCommand) and gives run() the
// values yargs would give it; yargs still parses everything else: --help, completions, errors,
// and any line this parse does not know for certain it reads exactly as yargs does.
//
// It knows getopt's plain forms only: `--name VALUE`, `--name=VALUE`, `-x VALUE`, `-x`, a bundle
// of yes/no letters (`-nq`), and positionals that do not start with "-". For anything else (an
// unknown option, a missing or extra positional, `--`, `--no-x`, `-c5`, a value starting with
// "-" or empty, a repeated yes/no flag, conflicting options, an option declared in a way not
// listed below) it answers null and yargs decides. test/cli/quick-parse.test.ts checks, over
// random command lines, that every answer it gives is yargs' own.
import type { Options, PositionalOptions } from 'yargs';
import { everyValue, lastValue, type CommandHelp } from './options/define.js';

/** What a command declares, as its builder hands it to yargs. */
export interface Declaration {
  help: CommandHelp;
  positionals: Readonly<Record<string, PositionalOptions>>;
  options: Readonly<Record<string, Options>>;
  /** `.conflicts(a, [b, ...])` of the builder: this parse leaves lines naming both to yargs. */
  conflicts?: readonly (readonly [string, readonly string[]])[];
  /** Words the peer tool reads as one option where getopt would not (traceroute's `-UL`), and how we spell them. */
  spellings?: Readonly<Record<string, string>>;
}

/**
 * The command line `args` (the command first) with the command's own spellings rewritten
 * (`trace -UL` is `trace --udplite`), up to a `--`: what both parsers then read.
 */
export function respelled(args: readonly string[], spellings: Declaration['spellings']): readonly string[] {
  if (spellings === undefined) return args;
  const end = args.indexOf('--');
  return args.map((word, i) => (end >= 0 && i > end ? word : (spellings[word] ?? word)));
}

/** The values handed to run(): every name and alias yargs sets, its camelCase forms, `_` and `$0`. */
export type QuickArgs = Record<string, unknown> & { _: string[]; $0: string };

/** How an option's value is kept: yes/no, the last text given, or every text given. */
const KIND = { flag: 0, last: 1, every: 2 } as const;
type Kind = (typeof KIND)[keyof typeof KIND];

/** Keys a plain option may have: those define.ts's value(), values(), text() and flag() write. */
const PLAIN_KEYS = new Set(['type', 'describe', 'alias', 'requiresArg', 'coerce', 'default', 'defaultDescription', 'group']);

/** How this parse reads an option, or null when it does not read it (its presence hands the line to yargs). */
function kindOf(o: Options): Kind | null {
  for (const key of Object.keys(o)) if (!PLAIN_KEYS.has(key)) return null;
  if (o.type === 'boolean') return o.default === false && o.coerce === undefined ? KIND.flag : null;
  if (o.type !== 'string') return null;
  if (o.coerce === lastValue) return KIND.last;
  if (o.coerce === everyValue) return o.default === undefined ? KIND.every : null;
  return null;
}

interface Slot {
  name: string;
  required: boolean;
  /** `[name..]`: every positional from here on, as an array. */
  rest: boolean;
}

const SLOT = /^([<[])([A-Za-z][\w-]*)(\.\.)?[>\]]$/;

/** The positionals of 'trace <host> [packetlen]' in order, or null when they are not all plain. */
function slotsOf(d: Declaration): Slot[] | null {
  const slots: Slot[] = [];
  for (const word of d.help.command.split(' ').slice(1)) {
    const m = SLOT.exec(word);
    if (m === null) return null;
    const decl = d.positionals[m[2]!];
    const rest = m[3] !== undefined;
    if (decl === undefined || decl.type !== 'string' || (decl.array === true) !== rest) return null;
    slots.push({ name: m[2]!, required: m[1] === '<', rest });
  }
  return slots;
}

function aliasesOf(o: Options): string[] {
  if (o.alias === undefined) return [];
  return typeof o.alias === 'string' ? [o.alias] : [...o.alias];
}

/** yargs' camel-case expansion: 'pcap-out' is also 'pcapOut'. */
function camel(name: string): string {
  return name.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
}

/** Sets `value` under `name` and its camelCase form. */
function put(out: QuickArgs, name: string, value: unknown): void {
  out[name] = value;
  out[camel(name)] = value;
}

/** A value this parse takes as yargs would: not empty, not "-", not looking like an option. */
function plainValue(v: string | undefined): v is string {
  return v !== undefined && v !== '' && !v.startsWith('-');
}

/**
 * `args` (what follows the command's name) as yargs hands them to the command's handler, or null
 * when this parse does not read that line (yargs must).
 */
export function quickParse(name: string, d: Declaration, args: readonly string[]): QuickArgs | null {
  const slots = slotsOf(d);
  if (slots === null) return null;
  // Every spelling of every option: long names, aliases, single letters.
  const names = new Map<string, string>();
  for (const [key, o] of Object.entries(d.options)) {
    names.set(key, key);
    for (const a of aliasesOf(o)) names.set(a, key);
  }
  const given = new Map<string, string[] | true>();
  const positional: string[] = [];
  const take = (key: string, value: string | undefined): boolean => {
    const kind = kindOf(d.options[key]!);
    if (kind === null) return false;
    const before = given.get(key);
    if (kind === KIND.flag) {
      if (value !== undefined || before !== undefined) return false;
      given.set(key, true);
      return true;
    }
    if (!plainValue(value)) return false;
    given.set(key, [...((before as string[] | undefined) ?? []), value]);
    return true;
  };
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a.startsWith('--')) {
      const eq = a.indexOf('=');
      const spelled = eq < 0 ? a.slice(2) : a.slice(2, eq);
      const key = spelled.length > 1 ? names.get(spelled) : undefined;
      if (key === undefined) return null;
      let value = eq < 0 ? undefined : a.slice(eq + 1);
      if (value === undefined && kindOf(d.options[key]!) !== KIND.flag) value = args[++i];
      if (!take(key, value)) return null;
    } else if (a.startsWith('-') && a.length > 1) {
      const letters = a.slice(1);
      if (letters.length === 1) {
        const key = names.get(letters);
        if (key === undefined) return null;
        if (!take(key, kindOf(d.options[key]!) === KIND.flag ? undefined : args[++i])) return null;
      } else {
        // A bundle: yes/no letters only (yargs reads `-c5` and `-fc 5` in ways of its own).
        for (const letter of letters) {
          const key = names.get(letter);
          if (key === undefined || kindOf(d.options[key]!) !== KIND.flag || !take(key, undefined)) return null;
        }
      }
    } else if (a === '' || a === '-') {
      return null;
    } else {
      positional.push(a);
    }
  }

  const out: QuickArgs = { _: [name], $0: 'rawprobe' };
  let p = 0;
  for (const slot of slots) {
    if (slot.rest) {
      put(out, slot.name, positional.slice(p));
      if (p < positional.length) given.set(slot.name, true);
      p = positional.length;
    } else if (p < positional.length) {
      put(out, slot.name, positional[p++]);
      given.set(slot.name, true);
    } else if (slot.required) {
      return null;
    }
  }
  if (p < positional.length) return null;
  for (const [key, others] of d.conflicts ?? []) {
    if (given.has(key) && others.some((o) => given.has(o))) return null;
  }
  putOptions(out, d, given);
  return out;
}

/** Every option's value into `out` under its name and aliases, as yargs gives them: the last one given, all for an array, or the default. */
function putOptions(out: QuickArgs, d: Declaration, given: ReadonlyMap<string, string[] | true>): void {
  for (const [key, o] of Object.entries(d.options)) {
    const kind = kindOf(o);
    const values = given.get(key);
    let value: unknown;
    if (kind === KIND.flag) value = values === true;
    else if (Array.isArray(values)) value = kind === KIND.every ? values : values[values.length - 1];
    else if (o.default !== undefined) value = o.coerce === undefined ? o.default : o.coerce(o.default);
    else continue;
    put(out, key, value);
    for (const a of aliasesOf(o)) put(out, a, value);
  }
}

/** A command line as the quick parse read it: respelled, and the values for run() (null: yargs must read it). */
export interface QuickLine {
  line: readonly string[];
  argv: QuickArgs | null;
}

/**
 * `args` (all of rawprobe's arguments, the command's name first) as the command declared in `d`
 * spells them, and the values run() gets from that line, or null for them when yargs must read it.
 */
export function quickLine(d: Declaration, args: readonly string[]): QuickLine {
  const line = respelled(args, d.spellings);
  return { line, argv: quickParse(line[0]!, d, line.slice(1)) };
}
