// `rawprobe sockopt`: rows for raw, dgram and stream sockets checked against values set
// beforehand with --set (what Linux reads back, doubling and all), refusals shown with their
// errno, the same rows in --json, a socket type the kernel refuses as one line, and bad --set.
import test from 'ava';
import { formatOptionValue, parseOptionValue } from '../../lib/sockopt/index.js';
import { icmpFilterMask, optionTable } from '../../lib/socket/index.js';
import { rawprobe } from '../helpers/cli.js';
import { rootTest } from '../helpers/privilege.js';
import { toolTest } from '../helpers/tools.js';

interface Row {
  family: string;
  type: string;
  protocol: number;
  level: string;
  name: string;
  value: unknown;
  display: string | null;
  error: { code: string; errno: number | null } | null;
  set: { requested: unknown; error: { code: string } | null } | null;
  meaning: string;
}

async function rows(args: string[]): Promise<{ code: number | null; rows: Map<string, Row>; stderr: string }> {
  const r = await rawprobe(['sockopt', ...args, '--json']);
  const list = r.stdout.trim() === '' ? [] : r.stdout.trim().split('\n').map((l) => JSON.parse(l) as Row);
  return { code: r.code, rows: new Map(list.map((row) => [row.name, row])), stderr: r.stderr };
}

/** The VALUE cell of an option in the text table. */
function cell(text: string, name: string): string {
  const line = text.split('\n').find((l) => l.includes(`│ ${name} `));
  if (line === undefined) throw new Error(`no row for ${name}`);
  return line.split('│')[3]!.trim();
}

test('dgram: values set beforehand read back as Linux keeps them', async (t) => {
  const sets = ['SO_RCVBUF=65536', 'SO_SNDBUF=32768', 'IP_TTL=42', 'IP_TOS=0x10', 'SO_LINGER=on:7', 'SO_RCVTIMEO=1.5', 'SO_KEEPALIVE=on', 'SO_PRIORITY=5', 'IP_MTU_DISCOVER=do', 'IP_RECVTTL=on'];
  const r = await rows(['--type', 'dgram', ...sets.flatMap((s) => ['--set', s])]);
  t.is(r.code, 0, r.stderr);
  const v = (name: string): unknown => r.rows.get(name)!.value;
  t.is(v('SO_RCVBUF'), 131072, 'doubled (socket(7))');
  t.is(v('SO_SNDBUF'), 65536, 'doubled');
  t.is(v('IP_TTL'), 42);
  t.is(v('IP_TOS'), 0x10);
  t.deepEqual(v('SO_LINGER'), { enabled: true, seconds: 7 });
  t.deepEqual(v('SO_RCVTIMEO'), { seconds: 1, microseconds: 500000 });
  t.is(v('SO_KEEPALIVE'), true);
  t.is(v('SO_PRIORITY'), 5);
  t.is(r.rows.get('IP_MTU_DISCOVER')!.display, 'IP_PMTUDISC_DO (2)');
  t.is(v('IP_RECVTTL'), true);
  t.is(v('SO_TYPE'), 2);
  t.is(r.rows.get('SO_TYPE')!.display, 'SOCK_DGRAM (2)');
  t.is(r.rows.get('SO_PROTOCOL')!.display, 'IPPROTO_UDP (17)');
  t.like(r.rows.get('SO_RCVBUF')!.set, { requested: 65536, error: null });
  // Options that do not exist on this socket: the kernel's errno.
  t.like(r.rows.get('TCP_NODELAY')!, { value: null, error: { code: 'EOPNOTSUPP' } });
  t.like(r.rows.get('ICMP_FILTER')!, { value: null, error: { code: 'EOPNOTSUPP' } });
  t.like(r.rows.get('IPV6_TCLASS')!, { value: null, error: { code: 'EOPNOTSUPP' } });
  t.is(r.rows.get('IP_HDRINCL')!.value, false);
});

test('the text table shows the same rows: value, what was set, refusals', async (t) => {
  const r = await rawprobe(['sockopt', '--set', 'SO_RCVBUF=65536', '--set', 'IP_TTL=42']);
  t.is(r.code, 0);
  t.regex(r.stdout, /^inet dgram socket, protocol 0: \d+ options, \d+ read, \d+ refused by the kernel\n/);
  t.is(cell(r.stdout, 'SO_RCVBUF'), '131072 (set 65536)');
  t.is(cell(r.stdout, 'IP_TTL'), '42 (set)');
  t.is(cell(r.stdout, 'TCP_NODELAY'), 'refused: EOPNOTSUPP');
  t.is(cell(r.stdout, 'SO_TYPE'), 'SOCK_DGRAM (2)');
  const json = await rows(['--set', 'SO_RCVBUF=65536', '--set', 'IP_TTL=42']);
  const names = [...json.rows.keys()];
  t.deepEqual(names, optionTable().map((o) => o.name), 'every option of the table, in order');
  for (const name of names) t.true(r.stdout.includes(`│ ${name} `), name);
  t.true(r.stdout.includes('the time to live of outgoing unicast packets'), 'the meaning column');
});

test('stream: TCP options exist; the kernel keeps the ECN bits of IP_TOS for itself', async (t) => {
  const r = await rows(['--type', 'stream', '--set', 'TCP_NODELAY=on', '--set', 'TCP_MAXSEG=1200', '--set', 'IP_TOS=0xbb', '--set', 'SO_REUSEADDR=on']);
  t.is(r.code, 0, r.stderr);
  t.is(r.rows.get('TCP_NODELAY')!.value, true);
  t.is(r.rows.get('TCP_MAXSEG')!.value, 1200);
  t.is(r.rows.get('IP_TOS')!.value, 0xb8, 'set 0xbb, read 0xb8');
  t.is(r.rows.get('SO_REUSEADDR')!.value, true);
  t.is(r.rows.get('SO_PROTOCOL')!.display, 'IPPROTO_TCP (6)');
  t.like(r.rows.get('ICMP_FILTER')!, { error: { code: 'EOPNOTSUPP' } });
});

test('inet6 and unix sockets: their own options, the rest refused', async (t) => {
  const v6 = await rows(['--family', 'inet6', '--type', 'dgram', '--set', 'IPV6_UNICAST_HOPS=42', '--set', 'IPV6_V6ONLY=on', '--set', 'IPV6_TCLASS=EF']);
  t.is(v6.code, 0, v6.stderr);
  t.is(v6.rows.get('IPV6_UNICAST_HOPS')!.value, 42);
  t.is(v6.rows.get('IPV6_V6ONLY')!.value, true);
  t.is(v6.rows.get('IPV6_TCLASS')!.value, 0xb8);
  t.is(v6.rows.get('SO_DOMAIN')!.display, 'AF_INET6 (10)');
  const unix = await rows(['--family', 'unix', '--type', 'seqpacket']);
  t.is(unix.code, 0);
  t.is(unix.rows.get('SO_TYPE')!.display, 'SOCK_SEQPACKET (5)');
  t.true(unix.rows.get('IP_TTL')!.error !== null);
});

const asRoot = rootTest();

asRoot('raw: ICMP_FILTER, IP_HDRINCL and a raw socket\'s own defaults', async (t) => {
  const r = await rows(['--type', 'raw', '--set', 'ICMP_FILTER=pass:0,3,11', '--set', 'IP_HDRINCL=on', '--set', 'IP_TTL=7']);
  t.is(r.code, 0, r.stderr);
  t.is(r.rows.get('ICMP_FILTER')!.value, icmpFilterMask([0, 3, 11]));
  t.is(r.rows.get('ICMP_FILTER')!.display, '0xfffff7f6 (passes 0, 3, 11)');
  t.is(r.rows.get('IP_HDRINCL')!.value, true);
  t.is(r.rows.get('IP_TTL')!.value, 7);
  t.is(r.rows.get('SO_REUSEADDR')!.value, true, 'raw sockets report it on from the start');
  t.is(r.rows.get('SO_TYPE')!.display, 'SOCK_RAW (3)');
  t.is(r.rows.get('SO_PROTOCOL')!.display, 'IPPROTO_ICMP (1)');
  t.like(r.rows.get('TCP_MAXSEG')!, { error: { code: 'EOPNOTSUPP' } });
  const udp = await rows(['--type', 'raw', '--protocol', 'udp']);
  t.is(udp.rows.get('SO_PROTOCOL')!.display, 'IPPROTO_UDP (17)');
  t.like(udp.rows.get('ICMP_FILTER')!, { value: null }, 'ICMP_FILTER needs a raw ICMP socket');
});

toolTest(['setpriv'], asRoot)('raw without CAP_NET_RAW: one line, EPERM, exit 2', async (t) => {
  const r = await rawprobe(['sockopt', '--type', 'raw'], { via: ['setpriv', '--reuid=65534', '--regid=65534', '--clear-groups'] });
  t.is(r.code, 2);
  t.is(r.stdout, '');
  t.regex(r.stderr, /^rawprobe: sockopt: the kernel refuses an inet raw socket \(EPERM\): opening a raw socket needs CAP_NET_RAW[^\n]*\n$/);
});

test('rdm on inet (and unix): one clear line, exit 2', async (t) => {
  const r = await rawprobe(['sockopt', '--family', 'inet', '--type', 'rdm']);
  t.is(r.code, 2);
  t.is(r.stdout, '');
  t.is(r.stderr, 'rawprobe: sockopt: the kernel refuses an inet rdm socket (ESOCKTNOSUPPORT): Linux does not offer SOCK_RDM on AF_INET: that socket type exists only on other families (AF_TIPC, AF_RDS)\n');
  const u = await rawprobe(['sockopt', '--family', 'unix', '--type', 'rdm', '--json']);
  t.is(u.code, 2);
  t.regex(u.stderr, /^rawprobe: sockopt: the kernel refuses a unix rdm socket \(ESOCKTNOSUPPORT\)/);
});

test('a --set the kernel refuses is shown in its row, exit 1; bad --set text is a usage error, exit 2', async (t) => {
  const r = await rows(['--set', 'IP_TTL=0']);
  t.is(r.code, 1);
  t.like(r.rows.get('IP_TTL')!, { value: 64, set: { requested: 0, error: { code: 'EINVAL' } } });
  const text = await rawprobe(['sockopt', '--set', 'IP_TTL=0']);
  t.is(cell(text.stdout, 'IP_TTL'), '64 (set 0 refused: EINVAL)');
  for (const [set, message] of [
    ['NO_SUCH=1', /^rawprobe: --set unknown socket option "NO_SUCH" \(known: SO_REUSEADDR, /],
    ['IP_TTL=ten', /^rawprobe: --set IP_TTL=ten: not a whole number/],
    ['SO_KEEPALIVE=maybe', /^rawprobe: --set SO_KEEPALIVE=maybe: give on or off/],
    ['IP_TTL', /^rawprobe: --set IP_TTL: write NAME=VALUE/],
  ] as const) {
    const bad = await rawprobe(['sockopt', '--set', set]);
    t.is(bad.code, 2, set);
    t.regex(bad.stderr, message);
    t.is(bad.stderr.split('\n').length, 2);
  }
});

test('SO_BSDCOMPAT=on: accepted by the kernel, the value ignored by Linux (reads 0), said so; exit 0 (issue 18)', async (t) => {
  const r = await rows(['--set', 'SO_BSDCOMPAT=on']);
  t.is(r.code, 0, r.stderr);
  t.like(r.rows.get('SO_BSDCOMPAT')!, { value: false, error: null, set: { requested: true, error: null, ignored: true } });
  const text = await rawprobe(['sockopt', '--set', 'SO_BSDCOMPAT=on']);
  t.is(text.code, 0, text.stderr);
  t.is(cell(text.stdout, 'SO_BSDCOMPAT'), 'off (set on: accepted,', 'the cell wraps after "accepted,"');
  t.regex(text.stdout, /│ SO_BSDCOMPAT +│ off \(set on: accepted, +│[^\n]*\n│ +│ +│ ignored by Linux\) +│/);
});

test('parseOptionValue and formatOptionValue: the text forms of every kind', (t) => {
  t.deepEqual(parseOptionValue('SO_KEEPALIVE', 'yes'), { name: 'SO_KEEPALIVE', value: true });
  t.deepEqual(parseOptionValue('IP_TTL', '0x20'), { name: 'IP_TTL', value: 32 });
  t.deepEqual(parseOptionValue('IP_TTL', '-1'), { name: 'IP_TTL', value: -1 });
  t.deepEqual(parseOptionValue('IP_TOS', 'af41'), { name: 'IP_TOS', value: 34 << 2 });
  t.deepEqual(parseOptionValue('SO_LINGER', 'off'), { name: 'SO_LINGER', value: { enabled: false, seconds: 0 } });
  t.deepEqual(parseOptionValue('SO_LINGER', '9'), { name: 'SO_LINGER', value: { enabled: true, seconds: 9 } });
  t.deepEqual(parseOptionValue('SO_SNDTIMEO', '250ms'), { name: 'SO_SNDTIMEO', value: { seconds: 0, microseconds: 250000 } });
  t.deepEqual(parseOptionValue('ICMP_FILTER', 'pass:0'), { name: 'ICMP_FILTER', value: 0xfffffffe });
  t.deepEqual(parseOptionValue('IP_OPTIONS', '07 07 04 00 00 00 00'), { name: 'IP_OPTIONS', value: Buffer.from('07070400000000', 'hex') });
  t.is(formatOptionValue('SO_LINGER', { enabled: false, seconds: 7 }), 'off (7 s kept)');
  t.is(formatOptionValue('SO_RCVTIMEO', { seconds: 0, microseconds: 0 }), '0 (wait forever)');
  t.is(formatOptionValue('IP_OPTIONS', Buffer.alloc(0)), '(none)');
  t.is(formatOptionValue('SO_ERROR', 111), 'ECONNREFUSED (111)');
  t.is(formatOptionValue('ICMP_FILTER', 0), '0x00000000 (every type passes)');
});
