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
  [['ping', '-k', '127.0.0.1'], 'ping: unknown option -k (rawprobe ping --help lists the options)'],
  [['ping', '-j', '127.0.0.1'], 'ping: unknown option -j ('],
  [['ping', '127.0.0.1', '-k'], 'ping: unknown option -k ('],
  [['ping', '-8', '127.0.0.1'], 'ping: unknown option -8 ('],
  [['ping', '--cout', '3', '127.0.0.1'], 'ping: unknown option --cout (did you mean --count?)'],
  [['ping', '-fz', '127.0.0.1'], 'ping: unknown option -z ('],
  [['ping', '-w', '-1', '-q', '-y', '127.0.0.1'], 'ping: unknown option -y ('],
  [['ping', '-W', '1', '-u', '127.0.0.1'], 'ping: unknown option -u (did you mean -U?)'],
  [['trace', '-z', '127.0.0.1'], 'trace: unknown option -z ('],
  [['trace', '--max-hop', '3', '127.0.0.1'], 'trace: unknown option --max-hop (did you mean --max-hops?)'],
  [['tos', '--valeus', '0', '127.0.0.1'], 'tos: unknown option --valeus (did you mean --values?)'],
  [['sweep', '-j', '198.51.100.0/30'], 'sweep: unknown option -j ('],
  [['decode', '--jsn', 'x'], 'decode: unknown option --jsn (did you mean --json?)'],
  [['checksum', '--fixx', 'out.pcap', 'x'], 'checksum: unknown option --fixx (did you mean --fix?)'],
  [['capture', '-Z'], 'capture: unknown option -Z ('],
  [['send', '--dprot', '53', '127.0.0.1'], 'send: unknown option --dprot (did you mean --dport?)'],
  [['sockopt', '--famliy', 'inet'], 'sockopt: unknown option --famliy (did you mean --family?)'],
  [['lab', 'exec', 'h1', 'ping', '-c', '1', '198.51.100.1'], 'lab exec: unknown option -c (rawprobe lab exec --help lists the options; the command goes after --)'],
  [['pong', '127.0.0.1'], 'unknown command pong (did you mean ping?)'],
  [['lab', 'upp', 'x.json'], 'lab: unknown command upp (did you mean up?)'],
  [['lab', 'frob'], 'lab: unknown command frob (up, down, exec or show)'],
  [['ping'], 'ping: missing <host>: rawprobe ping <host> [hops..] [options]'],
  [['lab', 'exec'], 'lab exec: missing <node>: rawprobe lab exec <node> [cmd..] [options]'],
  [['ping', '127.0.0.1', '127.0.0.2'], 'ping: "127.0.0.1" before the host 127.0.0.2: addresses before the host go with -T tsprespec only'],
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

/** The options a --help text lists, each with the heading it is under: "-c, --count" -> ["-c", "--count"]. */
function listed(help: string): { heading: string; names: string[] }[] {
  const out: { heading: string; names: string[] }[] = [];
  let heading = '';
  for (const line of help.split('\n')) {
    if (/^\S.*:$/.test(line)) heading = line;
    const m = /^ {2}((?:-{1,2}[\w-]+, )*-{1,2}[\w-]+)  /.exec(line.replace(/^ {6}/, '  '));
    if (m !== null && heading !== 'Examples:') out.push({ heading, names: m[1]!.split(', ') });
  }
  return out;
}

test('every help text lists each option once, grouped as the peer tool groups them', async (t) => {
  const commands = [['ping'], ['trace'], ['tos'], ['sweep'], ['capture'], ['decode'], ['checksum'], ['send'], ['sockopt'], ['lab', 'up'], ['lab', 'exec'], ['lab', 'show'], ['lab', 'down'], ['setup-privileges']];
  const groups = new Map<string, Map<string, string>>();
  for (const command of commands) {
    const r = await rawprobe([...command, '--help']);
    t.is(r.code, 0, command.join(' '));
    const options = listed(r.stdout);
    t.true(options.length >= 2, `${command.join(' ')}: ${r.stdout}`);
    const names = options.flatMap((o) => o.names);
    t.deepEqual(names.filter((n, i) => names.indexOf(n) !== i), [], `${command.join(' ')} lists an option twice`);
    groups.set(command.join(' '), new Map(options.flatMap((o) => o.names.map((n) => [n, o.heading] as const))));
  }
  const under = (command: string, option: string): string | undefined => groups.get(command)!.get(option);
  // iputils ping: its letters under "Options:", ours apart.
  for (const letter of ['-a', '-A', '-B', '-c', '-C', '-D', '-d', '-e', '-f', '-H', '-I', '-i', '-L', '-l', '-m', '-M', '-n', '-O', '-p', '-q', '-Q', '-r', '-s', '-S', '-t', '-U', '-v', '-V', '-w', '-W']) {
    t.is(under('ping', letter), 'Options:', letter);
  }
  for (const letter of ['-4', '-b', '-R', '-T']) t.is(under('ping', letter), 'IPv4 options:', letter);
  for (const own of ['--json', '--pcap-out']) t.is(under('ping', own), 'rawprobe options:', own);
  // fping: "Probing options:" and "Output options:".
  for (const letter of ['-b', '-B', '-c', '-f', '-g', '-H', '-l', '-O', '-p', '-r', '-S', '-t']) t.is(under('sweep', letter), 'Probing options:', letter);
  for (const letter of ['-a', '-C', '-e', '-i', '-q', '-Q', '-s', '-u']) t.is(under('sweep', letter), 'Output options:', letter);
  for (const own of ['--rate', '--json']) t.is(under('sweep', own), 'rawprobe options:', own);
  // traceroute and tcpdump: their letters under "Options:".
  for (const letter of ['-4', '-F', '-f', '-I', '-T', '-i', '-m', '-N', '-n', '-p', '-t', '-w', '-q', '-s', '-e', '-M', '--sport', '-U', '--udplite', '-P', '--mtu']) t.is(under('trace', letter), 'Options:', letter);
  for (const own of ['--interval', '--report', '--json']) t.is(under('trace', own), 'rawprobe options:', own);
  for (const letter of ['-c', '-d', '-i', '-O', '-p', '-s', '-v', '-w', '-x']) t.is(under('capture', letter), 'Options:', letter);
  // The iputils order: the help lists ping's letters as iputils' help does.
  const ping = await rawprobe(['ping', '--help']);
  const order = listed(ping.stdout).filter((o) => o.heading === 'Options:').map((o) => o.names[0]!).filter((n) => /^-\w$/.test(n));
  // traceroute's order (its --help), for the letters trace takes.
  const trace = await rawprobe(['trace', '--help']);
  const traceOrder = listed(trace.stdout).filter((o) => o.heading === 'Options:').map((o) => o.names[0]!).filter((n) => /^-\w$/.test(n));
  t.deepEqual(traceOrder, ['-4', '-6', '-F', '-f', '-I', '-T', '-i', '-m', '-N', '-n', '-p', '-Q', '-w', '-q', '-s', '-e', '-M', '-U', '-P', '-h']);
  t.deepEqual(order, ['-a', '-A', '-B', '-c', '-C', '-D', '-d', '-e', '-f', '-H', '-I', '-i', '-L', '-l', '-m', '-M', '-n', '-O', '-p', '-q', '-Q', '-r', '-s', '-S', '-t', '-U', '-v', '-w', '-W', '-h', '-V']);
});

test('a value outside its choices: one line naming the option or argument and the choices', async (t) => {
  assertUsageError(t, await rawprobe(['sockopt', '--type', 'foo']), 'rawprobe: sockopt: --type "foo": give one of "raw", "dgram", "stream", "seqpacket", "rdm"');
  assertUsageError(t, await rawprobe(['completion', 'fish']), 'rawprobe: completion: <shell> "fish": give one of "bash", "zsh"');
});
