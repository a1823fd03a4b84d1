// Usage errors as the CLI promises them (issue 20): one line naming the command, the option or
// word that is wrong and the closest real one, exit 2; never yargs' "Not enough non-option
// arguments" or "Unknown command: 127.0.0.1", which an unknown option before the host used to
// give (yargs takes the host as that option's value). Nothing is sent: every line is refused
// before a socket opens.
import test from 'ava';
import { closest } from '../../cli/usage.js';
import { assertUsageError, rawprobe } from '../helpers/cli.js';

test('closest: a near spelling or a prefix, never a far one', (t) => {
  t.is(closest('--cout', ['--count', '--interval', '--size']), '--count');
  t.is(closest('--jsn', ['--json', '--verbose']), '--json');
  t.is(closest('--dprot', ['--proto', '--dport']), '--dport', 'a transposition is one edit');
  t.is(closest('--pcap', ['--pcap-out', '--json']), '--pcap-out');
  t.is(closest('pong', ['ping', 'trace', 'tos']), 'ping');
  t.is(closest('--frobnicate', ['--count', '--json']), null);
});

const cases: [string[], string][] = [
  [['ping', '-a', '127.0.0.1'], 'ping: unknown option -a (rawprobe ping --help lists the options)'],
  [['ping', '-4', '127.0.0.1'], 'ping: unknown option -4 ('],
  [['ping', '127.0.0.1', '-a'], 'ping: unknown option -a ('],
  [['ping', '--cout', '3', '127.0.0.1'], 'ping: unknown option --cout (did you mean --count?)'],
  [['ping', '-fz', '127.0.0.1'], 'ping: unknown option -z ('],
  [['ping', '-w', '-1', '-q', '-y', '127.0.0.1'], 'ping: unknown option -y ('],
  [['ping', '-W', '1', '-d', '127.0.0.1'], 'ping: unknown option -d (did you mean -D?)'],
  [['trace', '-e', '127.0.0.1'], 'trace: unknown option -e ('],
  [['trace', '--max-hop', '3', '127.0.0.1'], 'trace: unknown option --max-hop (did you mean --max-hops?)'],
  [['tos', '--valeus', '0', '127.0.0.1'], 'tos: unknown option --valeus (did you mean --values?)'],
  [['sweep', '-g', '198.51.100.0/30'], 'sweep: unknown option -g ('],
  [['decode', '--jsn', 'x'], 'decode: unknown option --jsn (did you mean --json?)'],
  [['checksum', '--fixx', 'out.pcap', 'x'], 'checksum: unknown option --fixx (did you mean --fix?)'],
  [['capture', '-Z'], 'capture: unknown option -Z ('],
  [['send', '--dprot', '53', '127.0.0.1'], 'send: unknown option --dprot (did you mean --dport?)'],
  [['sockopt', '--famliy', 'inet'], 'sockopt: unknown option --famliy (did you mean --family?)'],
  [['lab', 'exec', 'h1', 'ping', '-c', '1', '198.51.100.1'], 'lab exec: unknown option -c (rawprobe lab exec --help lists the options; the command goes after --)'],
  [['pong', '127.0.0.1'], 'unknown command pong (did you mean ping?)'],
  [['lab', 'upp', 'x.json'], 'lab: unknown command upp (did you mean up?)'],
  [['lab', 'frob'], 'lab: unknown command frob (up, down, exec or show)'],
  [['ping'], 'ping: missing <host>: rawprobe ping <host> [options]'],
  [['lab', 'exec'], 'lab exec: missing <node>: rawprobe lab exec <node> [cmd..] [options]'],
  [['ping', '127.0.0.1', '127.0.0.2'], 'ping: unexpected argument "127.0.0.2": rawprobe ping <host> [options]'],
  [['-z'], 'unknown option -z (rawprobe --help lists the options)'],
];

for (const [args, line] of cases) {
  test(`rawprobe ${args.join(' ')}: "${line}"`, async (t) => {
    const r = await rawprobe(args);
    assertUsageError(t, r, `rawprobe: ${line}`);
    t.notRegex(r.stderr, /non-option|Unknown command|Unknown argument/);
  });
}

test('options yargs accepts stay accepted: camelCase, --no- for a flag, a value that looks negative, -c3', async (t) => {
  for (const args of [['ping', '--pcapOut', '/nonexistent/x', '127.0.0.1'], ['ping', '--no-json', '-c', '0', '127.0.0.1'], ['ping', '-W', '-1', '127.0.0.1'], ['ping', '-c3', '-c', '0', '127.0.0.1']]) {
    const r = await rawprobe(args);
    t.is(r.code, 2, args.join(' '));
    t.notRegex(r.stderr, /unknown option/, `${args.join(' ')}: ${r.stderr}`);
  }
});
