// The man pages, in roff (man(7) macros), from the same declarations as --help
// (cli/options/catalog.ts): rawprobe(1), every command with all its options, and one page per
// command, rawprobe-ping(1), rawprobe-lab(1)... as git has git-log(1). Options are listed under
// the groups of their --help (the peer tool's), with their aliases, their value and its default.
import type { Options, PositionalOptions } from 'yargs';
import type { CommandEntry } from '../options/catalog.js';

/** Text as roff reads it: backslashes escaped, every - a minus (so that "--count" copies as typed), no line starting with . or '. */
function roff(text: string): string {
  return text
    .replace(/\\/g, '\\e')
    .replace(/-/g, '\\-')
    .split('\n')
    .map((line) => (/^[.']/.test(line) ? `\\&${line}` : line))
    .join('\n');
}

const aliasesOf = (o: Options): string[] => (o.alias === undefined ? [] : typeof o.alias === 'string' ? [o.alias] : [...o.alias]);
const dash = (name: string): string => (name.length === 1 ? `-${name}` : `--${name}`);

/** ".TP" and "-c, --count COUNT" for one option, then what it does. */
function optionItem(key: string, o: Options): string {
  const names = [...aliasesOf(o), key].sort((a, b) => a.length - b.length).map((n) => `\\fB${roff(dash(n))}\\fR`);
  const value = o.type === 'boolean' ? '' : ` \\fI${roff(key.toUpperCase())}\\fR`;
  let what = String(o.describe ?? '');
  if (o.choices !== undefined) what += `; one of: ${[...o.choices].join(', ')}`;
  if (o.default !== undefined && o.type !== 'boolean') what += ` (default: ${String(o.default)})`;
  return `.TP\n${names.join(', ')}${value}\n${roff(what)}\n`;
}

/** The options under their --help headings, in declaration order; the ungrouped under "Options". */
function optionsText(options: Readonly<Record<string, Options>>, heading: (title: string) => string): string {
  const groups = new Map<string, string[]>();
  for (const [key, o] of Object.entries(options)) {
    const group = typeof o.group === 'string' ? o.group.replace(/:$/, '') : 'Options';
    groups.set(group, [...(groups.get(group) ?? []), optionItem(key, o)]);
  }
  const help = optionItem('help', { type: 'boolean', alias: 'h', describe: 'show the help and exit' });
  groups.set('Options', [...(groups.get('Options') ?? []), help]);
  return [...groups].map(([title, items]) => heading(title) + items.join('')).join('');
}

function positionalsText(positionals: Readonly<Record<string, PositionalOptions>>): string {
  return Object.entries(positionals)
    .map(([name, p]) => `.TP\n\\fI${roff(name)}\\fR\n${roff(String(p.describe ?? ''))}${p.choices === undefined ? '' : roff(`; one of: ${[...p.choices].join(', ')}`)}\n`)
    .join('');
}

/** Paragraphs of a help's closing words; indented lines (a table) kept as they are. */
function paragraphs(text: string): string {
  return text
    .split('\n\n')
    .map((p) => (/^ /m.test(p) ? `.PP\n.nf\n${roff(p)}\n.fi\n` : `.PP\n${roff(p.replace(/\n/g, ' '))}\n`))
    .join('');
}

function examplesText(c: CommandEntry): string {
  return (c.help.examples ?? []).map(([line, what]) => `.TP\n\\fB${roff(line.replace(/\$0/g, 'rawprobe'))}\\fR\n${roff(what)}\n`).join('');
}

/** The usage line: "rawprobe ping <host> [options]". */
function synopsis(c: CommandEntry): string {
  const words = c.usage ?? `$0 ${[...c.path.slice(0, -1), c.help.command].join(' ')}`;
  const options = c.subcommands === undefined ? ' [options]' : ' <command> [options]';
  return roff(words.replace(/\$0/g, 'rawprobe') + (c.usage === undefined ? options : ''));
}

/** One command as sections (.SH) of its own page, or as a subsection (.SS) of rawprobe(1). */
function commandText(c: CommandEntry, level: 'page' | 'section'): string {
  const sh = (title: string): string => (level === 'page' ? `.SH ${title.toUpperCase()}\n` : `.PP\n\\fB${roff(title)}\\fR\n`);
  let out = level === 'page' ? `.SH SYNOPSIS\n${synopsis(c)}\n.SH DESCRIPTION\n${roff(c.help.describe)}\n` : `.SS "${synopsis(c)}"\n${roff(c.help.describe)}\n`;
  if (Object.keys(c.positionals).length > 0) out += sh('Arguments') + positionalsText(c.positionals);
  if (c.subcommands === undefined) out += optionsText(c.options, (title) => sh(title));
  if (c.help.examples !== undefined) out += sh('Examples') + examplesText(c);
  if (c.help.epilog !== undefined) out += (level === 'page' ? '.SH NOTES\n' : '') + paragraphs(c.help.epilog);
  for (const sub of c.subcommands ?? []) out += level === 'page' ? `.SH "${roff(sub.path.join(' ').toUpperCase())}"\n${commandText(sub, 'section')}` : commandText(sub, 'section');
  return out;
}

const EXIT_STATUS = [
  '.SH EXIT STATUS',
  '.TP\n0\nsuccess: a reply came, every checksum is good, the trace reached its destination',
  '.TP\n1\na negative answer: no reply, a bad checksum found, a target unreachable',
  '.TP\n2\nbad usage or input, or a system error (e.g. CAP_NET_RAW missing); one line on stderr',
  '.TP\n128 + n\nended by signal n after printing its summary: 130 (SIGINT, Ctrl\\-C, where the command gives no code of its own), 143 (SIGTERM), 129 (SIGHUP)',
  '',
].join('\n');

const SEE_ALSO = '.SH SEE ALSO\n.BR ping (8),\n.BR traceroute (8),\n.BR fping (8),\n.BR tcpdump (1),\n.BR hping3 (8),\n.BR tshark (1),\n.BR raw (7),\n.BR socket (7)\n';

function header(title: string, version: string): string {
  return `.\\" Generated from rawprobe's option declarations (cli/format/man.ts); do not edit.\n.TH ${roff(title.toUpperCase())} 1 "" "rawprobe ${roff(version)}" "User Commands"\n.nh\n.ad l\n`;
}

/** The file name of a command's page: rawprobe-ping.1. */
export function pageName(c: CommandEntry | null): string {
  return c === null ? 'rawprobe.1' : `rawprobe-${c.path.join('-')}.1`;
}

/** rawprobe(1): what it is, every command with every option, exit status. */
export function mainPage(commands: readonly CommandEntry[], version: string): string {
  let out = header('rawprobe', version);
  out += '.SH NAME\nrawprobe \\- raw IPv4 packet crafting and network diagnostics: ping, trace, tos, sweep, capture, decode, checksum, send, sockopt, lab\n';
  out += '.SH SYNOPSIS\n\\fBrawprobe\\fR \\fIcommand\\fR [\\fIoptions\\fR] [\\fIarguments\\fR]\n';
  out += '.SH DESCRIPTION\nrawprobe builds every IPv4 header itself and sends it through a raw socket with IP_HDRINCL, reads the kernel\'s answers with kernel timestamps, and says what the path did to the header. Each command has \\fB\\-\\-help\\fR and its own page, \\fBrawprobe\\-\\fR\\fIcommand\\fR(1).\n';
  out += '.SH COMMANDS\n';
  for (const c of commands) out += commandText(c, 'section');
  return out + EXIT_STATUS + SEE_ALSO;
}

/** rawprobe-<command>(1). */
export function commandPage(c: CommandEntry, version: string): string {
  const name = `rawprobe-${c.path.join('-')}`;
  return `${header(name, version)}.SH NAME\n${roff(name)} \\- ${roff(c.help.describe)}\n${commandText(c, 'page')}${EXIT_STATUS}.SH SEE ALSO\n.BR rawprobe (1)\n`;
}
