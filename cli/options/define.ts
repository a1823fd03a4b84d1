// How a command's options are declared: once, in cli/options/<name>.ts, as plain objects that
// yargs takes as they are (cli/commands/<name>.ts hands them to `.positional()` and `.options()`),
// and whose values cli/run/<name>.ts reads under the type yargs infers from the same objects
// (`ArgsOf`). Nothing here imports lib/ values: the declarations load at every start.
//
// Every option that takes a value keeps the last one when given more than once, as getopt does
// (`-c 1 -c 5` is `-c 5`): the `coerce` below says so to yargs, and to TypeScript (one string).
import type { InferredOptionType, Options, PositionalOptions } from 'yargs';

/** The last value of an option given more than once. */
export function lastValue(v: string | string[]): string {
  return Array.isArray(v) ? (v[v.length - 1] ?? '') : v;
}

/** Every value of a repeatable option, in order. */
export function everyValue(v: string | string[]): string[] {
  return Array.isArray(v) ? v : [v];
}

type Alias = string | readonly string[];

/** What `rawprobe --help` and `rawprobe <command> --help` say about a command beyond its options. */
export interface CommandHelp {
  /** The command and its positionals, as yargs reads them: 'ping <host>'. */
  command: string;
  describe: string;
  /** [command line, what it does], shown in this order. */
  examples?: readonly (readonly [string, string])[];
  /** The closing paragraphs. */
  epilog?: string;
}

/** A text option as yargs reads it: the last value kept (yargs gives one text per repetition). */
export interface TextOption extends Options {
  type: 'string';
  describe: string;
  coerce: (v: string | string[]) => string;
}

/** An option whose every repetition counts (`-f a -f b`): all values, in order. */
export interface RepeatedOption extends Options {
  type: 'string';
  describe: string;
  coerce: (v: string | string[]) => string[];
}

/** A yes/no option, off unless given. */
export interface FlagOption extends Options {
  type: 'boolean';
  default: false;
  describe: string;
}

function withAlias<O extends Options>(o: O, alias: Alias | null): O {
  if (alias !== null) o.alias = alias;
  return o;
}

/**
 * An option that takes a value (`-c 5`), kept as text so that "0x10" and "1e3" reach cli/run/ as
 * typed: cli/run/ parses it (cli/numbers.ts) and words what is wrong with it. `requiresArg`: a
 * bare `-c` is a usage error rather than an empty value.
 */
export function value(alias: Alias | null, describe: string, group?: string): TextOption & { requiresArg: true } {
  return withAlias({ type: 'string', requiresArg: true, describe, coerce: lastValue, ...groupOf(group) }, alias);
}

/** Like value(), for an option given as often as needed (`-f a -f b`). */
export function values(alias: Alias | null, describe: string, group?: string): RepeatedOption & { requiresArg: true } {
  return withAlias({ type: 'string', requiresArg: true, describe, coerce: everyValue, ...groupOf(group) }, alias);
}

/** The help group an option is listed under, when it has one. */
function groupOf(group: string | undefined): { group?: string } {
  return group === undefined ? {} : { group };
}

/**
 * A text option that may be given empty (`--from-json -` reaches yargs as ""), in a help group
 * when `group` is given: send's, checksum's and lab's.
 */
export function text(describe: string, more: { alias?: Alias; group?: string } = {}): TextOption {
  return { ...more, type: 'string', describe, coerce: lastValue };
}

/** A yes/no option, off unless given. */
export function flag(alias: Alias | null, describe: string, group?: string): FlagOption {
  return withAlias({ type: 'boolean', default: false, describe, ...groupOf(group) }, alias);
}

/**
 * The help's heading for the options a command shares with its peer tool, and for rawprobe's own:
 * each command lists its options once, grouped as the peer's own help groups them (iputils ping's
 * "Options", fping's "Probing options" and "Output options"...), then what rawprobe adds.
 */
export const GROUP = {
  options: 'Options:',
  rawprobe: 'rawprobe options:',
} as const;

/** `options`, each listed under `group` in the help and the man page, in this order. */
export function inGroup<O extends Record<string, Options>>(group: string, options: O): { [K in keyof O]: O[K] & { group: string } } {
  const out: Record<string, Options> = {};
  for (const [key, o] of Object.entries(options)) out[key] = { ...o, group };
  return out as { [K in keyof O]: O[K] & { group: string } };
}

/** A positional argument that must be given. */
export function required(describe: string): PositionalOptions & { type: 'string'; demandOption: true; describe: string } {
  return { type: 'string', demandOption: true, describe };
}

/** A positional argument that may be left out. */
export function optional(describe: string): PositionalOptions & { type: 'string'; describe: string } {
  return { type: 'string', describe };
}

type Inferred<O> = { [K in keyof O]: O[K] extends Options | PositionalOptions ? InferredOptionType<O[K]> : never };

/** The keys that may be undefined become optional: yargs leaves an option not given out of argv. */
type AbsentWhenUndefined<T> = { [K in keyof T as undefined extends T[K] ? K : never]?: Exclude<T[K], undefined> } & {
  [K in keyof T as undefined extends T[K] ? never : K]: T[K];
};

/**
 * What cli/run/ receives for these positionals and options: the types yargs infers from them
 * (cli/commands/lazy.ts checks that the builder declares them so).
 */
export type ArgsOf<P extends Record<string, PositionalOptions>, O extends Record<string, Options>> = AbsentWhenUndefined<Inferred<P> & Inferred<O>>;
