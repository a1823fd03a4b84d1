// The quick parse (cli/quick-parse.ts) gives run() exactly what yargs gives it, or leaves the line
// to yargs. Checked over random command lines built from each command's own declarations (every
// spelling of every option, values and positionals of the kinds people type and of the kinds that
// trip parsers up), against yargs parsing the same line with the same command definition
// (parseArgs). And the lines people type most do take the quick way, or start-up would quietly
// lose what it gains. Nothing runs, nothing is sent.
import test from 'ava';
import fc from 'fast-check';
import type { Options } from 'yargs';
import { capture } from '../../cli/commands/capture.js';
import { checksum } from '../../cli/commands/checksum.js';
import { decode } from '../../cli/commands/decode.js';
import type { LazyCommand } from '../../cli/commands/lazy.js';
import { ping } from '../../cli/commands/ping.js';
import { send } from '../../cli/commands/send.js';
import { sweep } from '../../cli/commands/sweep.js';
import { tos } from '../../cli/commands/tos.js';
import { trace } from '../../cli/commands/trace.js';
import { QUICK_COMMANDS, quickWork } from '../../cli/quick-commands.js';
import { quickParse, respelled, type Declaration } from '../../cli/quick-parse.js';
import { parseArgs } from '../helpers/cli.js';


/** Every name yargs sets for the declarations: options, aliases, positionals, their camelCase forms. */
function keysOf(d: Declaration): string[] {
  const keys: string[] = [];
  const add = (k: string): void => void keys.push(k, k.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase()));
  for (const [k, o] of Object.entries(d.options)) {
    add(k);
    for (const a of o.alias === undefined ? [] : typeof o.alias === 'string' ? [o.alias] : o.alias) add(a);
  }
  for (const k of Object.keys(d.positionals)) add(k);
  return [...new Set(keys)];
}

const VALUES = ['1', '3', '0x10', '1e3', 'EF', 'max', '127.0.0.1', 'a,b'];
const ODD_VALUES = ['-1', '-', '', 'x=y', '--json'];
const POSITIONALS = ['127.0.0.1', '203.0.113.6', '60', 'file.pcap', '0', 'icmp', 'port'];
const ODD = ['--', '--no-json', '--help', '-h', '--version', '-c5', '-nq', '-fq', '-qn', '--count=2', '--json=true', '--ttl=-1', '-x', '--nope', '--pcapOut', '-', '-1'];

function spellingsOf(o: Options, key: string): string[] {
  const aliases = o.alias === undefined ? [] : typeof o.alias === 'string' ? [o.alias] : [...o.alias];
  return [`--${key}`, ...aliases.map((a) => (a.length === 1 ? `-${a}` : `--${a}`))];
}

/**
 * A random line for the command: a few options, each spelled some way, with a value when it
 * takes one (`--name=value` too), the positionals, in any order; and now and then a token or a
 * value of the kinds parsers disagree on.
 */
function lineOf(d: Declaration): fc.Arbitrary<string[]> {
  const entries = Object.entries(d.options);
  const option = fc.tuple(fc.constantFrom(...entries), fc.nat(), fc.constantFrom(...VALUES), fc.boolean()).map(([[key, o], i, v, glued]) => {
    if (o.type !== 'boolean' && d.options[key]!.coerce !== undefined && i % 5 === 0) return [`--${key}`, v, `--${key}`, VALUES[i % VALUES.length]!]; // given twice
    const spellings = spellingsOf(o, key);
    const s = spellings[i % spellings.length]!;
    if (o.type === 'boolean') return [s];
    return glued && s.startsWith('--') ? [`${s}=${v}`] : [s, v];
  });
  // As many positionals as the command takes (the optional ones or not), now and then one more.
  const words = d.help.command.split(' ').slice(1);
  const required = words.filter((w) => w.startsWith('<')).length;
  const most = words.some((w) => w.endsWith('..]') || w.endsWith('..>')) ? required + 3 : words.length;
  const positional = fc.constantFrom(...POSITIONALS).map((p) => [p]);
  const count = fc.oneof({ weight: 7, arbitrary: fc.integer({ min: required, max: most }) }, { weight: 1, arbitrary: fc.constantFrom(most + 1, Math.max(0, required - 1)) });
  const positionals = count.chain((n) => fc.array(positional, { minLength: n, maxLength: n }));
  const odd = fc.oneof(fc.constantFrom(...ODD).map((o) => [o]), fc.tuple(fc.constantFrom(...entries.map(([k]) => `--${k}`)), fc.constantFrom(...ODD_VALUES)).map(([s, v]) => [s, v]));
  return fc
    .tuple(fc.uniqueArray(option, { maxLength: 6, selector: (words) => words[0]!.replace(/=.*/, '') }), positionals, fc.oneof({ weight: 4, arbitrary: fc.constant(null) }, { weight: 1, arbitrary: odd }))
    .chain(([options, positionals, oddOne]) => fc.shuffledSubarray([...options, ...positionals, ...(oddOne === null ? [] : [oddOne])], { minLength: options.length + positionals.length }))
    .map((parts) => parts.flat());
}

/** The test for one command: every line the quick parse reads, it reads as yargs does. */
function agreesWithYargs<A>(command: LazyCommand<A>): void {
  const name = String(command.command).split(' ')[0]!;
  const d = command.quick?.declaration;
  // Serial: each of these takes seconds of yargs parsing (tens of ms a line, 300 lines). Run
  // concurrently they all end together, after minutes under load, and ava's timeout (no test
  // ended for 120 s) can fall before any of them ends; one after the other, each ends in turn.
  test.serial(`${name}: every line the quick parse reads, it reads as yargs does`, async (t) => {
    if (d === undefined) return t.fail(`${name} has no declaration for the quick parse`);
    let read = 0;
    await fc.assert(
      fc.asyncProperty(lineOf(d), async (args) => {
        const quick = quickParse(name, d, args);
        if (quick === null) return;
        read++;
        const parsed = (await parseArgs(command, args)) as Record<string, unknown>;
        for (const key of keysOf(d)) t.deepEqual(quick[key], parsed[key], `${name} ${args.join(' ')}: ${key}`);
        t.deepEqual(quick._, parsed._);
      }),
      { numRuns: 300 },
    );
    t.true(read > 100, `the quick parse read ${read} of the lines`);
  });
}

agreesWithYargs(ping);
agreesWithYargs(trace);
agreesWithYargs(tos);
agreesWithYargs(sweep);
agreesWithYargs(checksum);
agreesWithYargs(decode);
agreesWithYargs(capture);
agreesWithYargs(send);

test('the lines people type most take the quick way', (t) => {
  const lines = [
    'ping -c 1 127.0.0.1',
    'ping -f -c 100000 -q 127.0.0.1',
    'ping -c 3 --json --pcap-out ping.pcap 127.0.0.1',
    'trace -n 203.0.113.6',
    'trace -n -T -p 443 203.0.113.6 1500',
    'tos --values 0,0x10,EF --path 203.0.113.6',
    'sweep --rate max -a 198.18.0.0/16',
    'sweep -c 3 -p 100 -f hosts.txt',
    'checksum capture.pcap',
    'checksum capture.pcap --json',
    'decode capture.pcap -v',
    'capture -i any -c 10 udp port 33434',
    'send 127.0.0.1 --ttl 3 --tos EF --count 3 --interval 200 --wait 1000',
    'send --dst 127.0.0.1 --rate max --count 300000',
  ];
  for (const line of lines) {
    const [name, ...args] = line.split(' ');
    const command = QUICK.get(name!);
    t.not(command, undefined, name);
    t.not(quickParse(name!, command!.declaration, args), null, line);
  }
});

/** The commands with declarations the quick parse reads, by name. */
const QUICK = new Map([ping, trace, tos, sweep, checksum, decode, capture, send].map((c) => [c.quick!.declaration.help.command.split(' ')[0]!, c.quick!]));

test('a quick command\'s line loads its work, which hands over that command\'s declarations; help, other commands and nothing go to yargs', async (t) => {
  t.deepEqual([...QUICK_COMMANDS].sort(), [...QUICK.keys()].sort());
  for (const [name, quick] of QUICK) {
    const work = quickWork([name, '127.0.0.1']);
    t.not(work, null, name);
    t.is((await work!()).command.quick?.declaration, quick.declaration, `${name}'s work hands over ${name}'s declarations`);
  }
  for (const args of [['lab', 'up', 'x.json'], ['sockopt'], ['setup-privileges'], ['nope'], [], ['ping', '--help'], ['trace', '-h', '203.0.113.6']]) {
    t.is(quickWork(args), null, args.join(' '));
  }
});

test('traceroute\'s -UL is one option to trace (getopt would read -U -L): rewritten before either parser reads the line', async (t) => {
  const spellings = trace.quick!.declaration.spellings;
  t.deepEqual(respelled(['trace', '-n', '-UL', '203.0.113.6'], spellings), ['trace', '-n', '--udplite', '203.0.113.6']);
  t.deepEqual(respelled(['trace', '-n', '--', '-UL'], spellings), ['trace', '-n', '--', '-UL'], 'after --: a positional');
  t.deepEqual(ping.quick!.parse(['ping', '-UL', '127.0.0.1']).line, ['ping', '-UL', '127.0.0.1'], 'another command keeps its words');
  const quick = trace.quick!.parse(['trace', '-UL', '203.0.113.6']);
  t.deepEqual(quick.line, ['trace', '--udplite', '203.0.113.6']);
  t.true(quick.argv?.udplite, 'the quick parse reads the respelled line');
  const argv = await parseArgs(trace, quick.line.slice(1));
  t.true(argv.udplite);
  t.false(argv.udp);
});
