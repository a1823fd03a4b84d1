// Capture filters: libpcap's program, listed exactly as `tcpdump -d` lists it (Ethernet, Linux
// cooked v2, optimizer on and off), the cooked fix-up pcap-linux.c makes for "any", where a compile
// error is, and the command's one-line refusals of bad input. Nothing here opens a socket, except
// the privilege test, which must be refused.
import test from 'ava';
import { spawnSync } from 'node:child_process';
import { CAPTURE_ERROR, CaptureError, compileFilter, cookedProgram, decodeProgram, errorPosition } from '../../lib/capture/index.js';
import { encodeProgram } from '../../lib/socket/bpf.js';
import { constants } from '../../lib/socket/index.js';
import { LINKTYPE } from '../../lib/pcap/index.js';
import { isRoot } from '../helpers/privilege.js';
import { MAIN, rawprobe } from '../helpers/cli.js';
import { toolTest } from '../helpers/tools.js';

const EXPRESSIONS = [
  'icmp',
  'icmp or udp port 33434',
  'host 203.0.113.6 and ip[1] & 0xfc != 0',
  'ip6 and icmp6',
  'tcp[tcpflags] & (tcp-syn|tcp-ack) = tcp-syn',
  'net 198.51.100.0/24 and not udp',
  'arp or ip[6:2] & 0x1fff != 0',
  'ip[8] < 64 or (udp and greater 100)',
];

const tcpdumpTest = toolTest(['tcpdump']);

function tcpdumpListing(expression: string, extra: string[] = []): string[] {
  const r = spawnSync('tcpdump', ['-d', ...extra, expression], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`tcpdump -d ${expression}: ${r.stderr}`);
  return r.stdout.split('\n').filter((l) => l !== '');
}

tcpdumpTest('the compiled program is tcpdump -d\'s, instruction for instruction, on Ethernet and Linux cooked v2, optimized or not', (t) => {
  for (const expression of EXPRESSIONS) {
    t.deepEqual(compileFilter(expression, { linkType: LINKTYPE.ETHERNET }).listing, tcpdumpListing(expression), expression);
    t.deepEqual(compileFilter(expression, { linkType: LINKTYPE.LINUX_SLL2 }).listing, tcpdumpListing(expression, ['-y', 'LINUX_SLL2']), `${expression} (SLL2)`);
    t.deepEqual(compileFilter(expression, { linkType: LINKTYPE.ETHERNET, optimize: false }).listing, tcpdumpListing(expression, ['-O']), `${expression} (-O)`);
  }
  t.deepEqual(compileFilter('icmp', { linkType: LINKTYPE.ETHERNET, snaplen: 96 }).listing, tcpdumpListing('icmp', ['-s', '96']));
  t.deepEqual(compileFilter('vlan and icmp', { linkType: LINKTYPE.ETHERNET }).listing, tcpdumpListing('vlan and icmp'));
});

tcpdumpTest('rawprobe capture -d prints what tcpdump -d prints (with -i any: the cooked program; -s 0 is 262144)', async (t) => {
  for (const expression of ['icmp or udp port 33434', 'host 203.0.113.6 and ip[1] & 0xfc != 0']) {
    const ours = await rawprobe(['capture', '-d', ...expression.split(' ')]);
    t.is(ours.code, 0, ours.stderr);
    t.deepEqual(ours.stdout.split('\n').filter((l) => l !== ''), tcpdumpListing(expression));
    const any = await rawprobe(['capture', '-d', '-i', 'any', '-s', '0', expression]);
    t.deepEqual(any.stdout.split('\n').filter((l) => l !== ''), tcpdumpListing(expression, ['-y', 'LINUX_SLL2', '-s', '0']));
  }
  const small = await rawprobe(['capture', '-d', '-s', '100', 'icmp']);
  t.regex(small.stdout, /ret +#100\n/);
  if (isRoot) {
    // With -i, libpcap compiles for the interface opened live: `vlan` then tests the tag the kernel
    // took off ([vlanp]), as tcpdump -i lo -d shows.
    const vlan = await rawprobe(['capture', '-d', '-i', 'lo', 'vlan and icmp']);
    t.deepEqual(vlan.stdout.split('\n').filter((l) => l !== ''), tcpdumpListing('vlan and icmp', ['-i', 'lo']));
    t.regex(vlan.stdout, /\[vlanp\]/);
  }
});

test('instructions survive encoding for the kernel and decoding back', (t) => {
  const f = compileFilter('icmp or udp port 33434', { linkType: LINKTYPE.ETHERNET });
  t.true(f.instructions.length > 4);
  t.deepEqual(decodeProgram(encodeProgram(f.instructions)), f.instructions);
});

test('on "any" the program is fixed as libpcap fixes it: loads move back 20 bytes, header fields become ancillary loads', (t) => {
  const c = constants;
  const ad = (field: number): number => (c.SKF_AD_OFF + field) >>> 0;
  const icmp = cookedProgram(compileFilter('icmp', { linkType: LINKTYPE.LINUX_SLL2 }));
  // SLL2: ldh [0] (protocol) -> the kernel's protocol; ldb [29] (IPv4 protocol, 20 + 9) -> [9]
  t.deepEqual(icmp.slice(0, 4).map((i) => i.k), [ad(c.SKF_AD_PROTOCOL), 0x800, 9, 1]);
  const inbound = cookedProgram(compileFilter('inbound', { linkType: LINKTYPE.LINUX_SLL2 }));
  t.true(inbound.some((i) => i.k === ad(c.SKF_AD_PKTTYPE)), 'the packet type byte [10] is the kernel\'s pkttype');
  const ifindex = cookedProgram(compileFilter('link[4:4] = 2', { linkType: LINKTYPE.LINUX_SLL2 }));
  t.true(ifindex.some((i) => i.k === ad(c.SKF_AD_IFINDEX)));
  const err = t.throws(() => cookedProgram(compileFilter('link[12] = 1', { linkType: LINKTYPE.LINUX_SLL2 })), { instanceOf: CaptureError });
  t.is(err.code, CAPTURE_ERROR.filterNotInKernel);
  t.regex(err.message, /byte 12 of the Linux cooked header/);
});

test('a compile error carries libpcap\'s message and where the expression went wrong', (t) => {
  const at = (expression: string): string | null => {
    const where = errorPosition(expression, (text) => {
      try {
        compileFilter(text, { linkType: LINKTYPE.ETHERNET });
        return true;
      } catch {
        return false;
      }
    });
    return where === null ? null : `${where.text}@${where.index}`;
  };
  t.is(at('host 1.2.3.4 andd icmp'), 'andd@13');
  t.is(at('icmp or udp port 334343'), '334343@17');
  t.is(at('icmp or foo'), 'foo@8');
  t.is(at('tcp and (port 80 or'), null, 'the expression only ends too soon');
  const err = t.throws(() => compileFilter('host 1.2.3.4 andd', { linkType: LINKTYPE.ETHERNET }), { instanceOf: CaptureError });
  t.is(err.code, CAPTURE_ERROR.filter);
  t.is(err.message, 'filter "host 1.2.3.4 andd": can\'t parse filter expression: syntax error (at "andd", character 14)');
});

test('bad input is one line and exit 2: no such interface, a filter that does not compile, -c 0, -s 300000', async (t) => {
  const cases: [string[], RegExp][] = [
    [['capture', '-i', 'nosuch0', 'icmp'], /^rawprobe: nosuch0: no such interface \(interfaces here: .*\blo\b.*, or any\)\n$/],
    [['capture', '-i', 'lo', 'icmp', 'or', 'udp', 'port', '334343'], /^rawprobe: filter "icmp or udp port 334343": illegal port number 334343 > 65535 \(at "334343", character 18\)\n$/],
    [['capture', '-i', 'lo', 'host', '1.2.3.4', 'andd'], /^rawprobe: filter "host 1.2.3.4 andd": can't parse filter expression: syntax error \(at "andd", character 14\)\n$/],
    [['capture', '-i', 'lo', '-c', '0'], /^rawprobe: -c 0: give a whole number of packets, 1 or more\n$/],
    [['capture', '-i', 'lo', '-s', '300000'], /^rawprobe: -s 300000: the snaplen is 1 to 262144 bytes \(0 means 262144\)\n$/],
    [['capture', '-i', 'lo', '--ring-block-size', '5000'], /^rawprobe: ring block size 5000: must be a power of two/],
  ];
  for (const [args, expected] of cases) {
    const r = await rawprobe(args);
    t.is(r.code, 2, args.join(' '));
    t.regex(r.stderr, expected, args.join(' '));
    t.is(r.stdout, '');
  }
});

test('without CAP_NET_RAW: one line saying how to get it (setup-privileges, never setcap on node), exit 2', async (t) => {
  // As root, drop to nobody with no capabilities; otherwise this process already lacks them.
  const argv = ['capture', '-i', 'lo', '-c', '1', 'icmp'];
  const r = isRoot
    ? spawnSync('setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', '--inh-caps=-all', process.execPath, MAIN, ...argv], { encoding: 'utf8', timeout: 60_000 })
    : spawnSync(process.execPath, [MAIN, ...argv], { encoding: 'utf8', timeout: 60_000 });
  if (r.error !== undefined) return t.fail(`could not run: ${r.error.message}`);
  t.is(r.status, 2, r.stderr);
  t.is(r.stderr, 'rawprobe: capturing needs CAP_NET_RAW: run as root, or let one group use it through rawprobe with `sudo rawprobe setup-privileges --group GROUP`\n');
  t.is(r.stdout, '');
});
