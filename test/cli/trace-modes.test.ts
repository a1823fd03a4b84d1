// trace's report, live view, flows and path MTU from the command line, without a network: options
// that do not go together and values out of range are one line and exit 2 before anything is
// sent; and the words of each mode (cli/format/trace-report.ts, trace-mtu.ts, watch.ts,
// extensions.ts; cli/watch/terminal.ts's keys): mtr's columns at mtr's places, traceroute -e's
// brackets, tracepath's pmtu and Resume, the blocks of the live views.
import test from 'ava';
import { assertUsageError, rawprobe } from '../helpers/cli.js';
import { HopStats } from '../../lib/probe/trace/hop-stats.js';
import type { ReportHop } from '../../lib/probe/trace/report.js';
import type { RoundsStart } from '../../lib/probe/trace/rounds-session.js';
import type { MtuHop } from '../../lib/probe/trace/mtu-events.js';
import type { TraceProbe } from '../../lib/probe/trace/index.js';
import { multipathHeaderLine, multipathHopLine, reportJson, reportLines } from '../../cli/format/trace-report.js';
import { mtuHopLine, resumeLine } from '../../cli/format/trace-mtu.js';
import { blocks, pingFrame, traceFrame } from '../../cli/format/watch.js';
import { fit, keyAction } from '../../cli/watch/terminal.js';

const badInput: [string[], string][] = [
  [['--report', '--watch'], '--report and --watch: choose one'],
  [['-c', '5'], '-c counts rounds: give --report, --watch or --multipath'],
  [['--interval', '1'], '--interval spaces rounds: give --report, --watch or --multipath'],
  [['--mtu', '--report'], '--mtu finds the path MTU once: it does not go with --report, --watch or --multipath'],
  [['--paris', '--multipath=4'], 'choose --paris (one flow) or --multipath (several), not both'],
  [['--multipath=abc'], '--multipath: "abc" is not a number of flows'],
  [['--multipath=0'], 'flows 0 is out of range: give a whole number from 1 to 256'],
  [['--report', '-c', '0'], '0 rounds: give a whole number from 1 to 1000000'],
  [['--report', '--interval', '-1'], '--interval'],
  [['-I', '--paris', '-n'], 'ICMP probes cannot keep their flow: give a packet length of at least 30'],
  [['--report', '-M', 'default', '-p', '62000'], 'port 62000 leaves room for 3536 probes, and this trace may send 4096: give a lower port'],
  [['-M', 'default', '--multipath=8', '-p', '65530'], '8 flows need the ports 65530-65537: give a lower port'],
  // -U's flows are source ports (its destination port stays 53).
  [['-U', '--multipath=8', '--sport', '65530'], '8 flows need the ports 65530-65537: give a lower source port'],
  [['-P', '1', '--multipath=4'], 'raw probes have no ports to make flows of'],
  [['--mtu', '127.0.0.1', '40'], 'packet length 40 is out of range: give a whole number from 68 to 65535'],
];

for (const [args, message] of badInput) {
  test(`bad input ${args.join(' ')}: one line, exit 2, nothing sent`, async (t) => {
    // The ICMP --paris case needs a packet length too short to keep the checksum.
    const tail = args.includes('--paris') && args.includes('-I') ? ['127.0.0.1', '29'] : args.includes('127.0.0.1') ? [] : ['127.0.0.1'];
    assertUsageError(t, await rawprobe(['trace', '-n', ...args.filter((a) => a !== '-n'), ...tail]), message);
  });
}

test('trace --help lists the report, live view, flow, extension and MTU options', async (t) => {
  const r = await rawprobe(['trace', '--help']);
  t.is(r.code, 0);
  for (const flag of ['--report', '--watch', '-c', '--interval', '--paris', '--multipath', '--sport', '-e', '--mtu']) {
    t.regex(r.stdout, new RegExp(`(^|[\\s,])${flag}(?![\\w-])`, 'm'), flag);
  }
});

const START: RoundsStart = {
  type: 'start', host: 'h2.lab', address: '203.0.113.6', source: '203.0.113.1', kind: 'udp', port: 33434, firstTtl: 1, maxTtl: 30,
  probesPerHop: 1, packetLength: 60, tos: [0], df: false, flow: { mode: 'multipath', flows: 4 }, rounds: 10, intervalMs: 0,
};

/** A report row from round trips (µs, null for a loss). */
function row(ttl: number, hosts: [string, number, number[]][], rtts: (number | null)[], extra: Partial<ReportHop> = {}): ReportHop {
  const s = new HopStats();
  for (const r of rtts) s.record(r);
  return {
    ttl,
    host: hosts[0]?.[0] ?? null,
    hosts: hosts.map(([address, count, flows]) => ({ address, count, flows, extensions: null })),
    figures: s.figures(),
    silentFlows: [],
    changes: [],
    marks: [],
    destination: false,
    history: s.history(),
    ...extra,
  };
}

test('the report: mtr -r\'s header and columns at mtr\'s places, other addresses below their hop, ??? for silence', (t) => {
  const hops = [
    row(1, [['203.0.113.2', 2, [0]]], [120, 80]),
    row(2, [['198.51.100.2', 1, [0]], ['198.51.100.6', 1, [1]]], [1500, null, 2500], { changes: [{ field: 'tos', sent: 0xb8, quoted: 0x20 }] }),
    row(3, [], [null, null]),
  ];
  const lines = reportLines({ ...START, startedAt: Date.UTC(2026, 11, 5, 3, 4, 5) }, hops);
  t.regex(lines[0]!, /^Start: 2026-12-05T\d\d:\d\d:05[+-]\d{4}$/);
  // mtr 0.95's: the figures from column 33 on, six wide, a space before Last.
  t.is(lines[1]!.slice(33), ' Loss%   Snt   Last   Avg  Best  Wrst StDev  Javg  Jmax');
  t.is(lines[2], '  1.|-- 203.0.113.2                0.0%     2    0.1   0.1   0.1   0.1   0.0   0.0   0.0');
  t.is(lines[3], '  2.|-- 198.51.100.2              33.3%     3    2.5   2.0   1.5   2.5   0.7   1.0   1.0 [tos 0xb8->0x20]');
  t.is(lines[4], '        198.51.100.6');
  t.is(lines[5], '  3.|-- ???                      100.0%     2    0.0   0.0   0.0   0.0   0.0   0.0   0.0');
  const json = reportJson({ ...START, startedAt: 0 }, { completed: 3, reached: false, hops }) as { report: { hubs: Record<string, unknown>[] } };
  t.like(json.report.hubs[1]!, { count: 2, host: '198.51.100.2', 'Loss%': 33.333, Snt: 3, Rcv: 2, Last: 2.5, Best: 1.5, Wrst: 2.5, Javg: 1, Jmax: 1 });
  t.like(json.report.hubs[2]!, { host: null, Last: null, Avg: null, StDev: null, Javg: null });
});

test('--multipath: each address with its flows, * for the flows nobody answered', (t) => {
  t.is(multipathHeaderLine(START), 'traceroute to h2.lab (203.0.113.6), 30 hops max, 60 byte packets, 4 flows');
  const hop = row(2, [['198.51.100.2', 3, [0, 2, 3]]], [40, 60], { silentFlows: [1] });
  t.is(multipathHopLine(hop), ' 2  198.51.100.2 (3 flows)  * (1 flow)  0.050 ms');
});

test('--mtu: pmtu on the hop where it dropped, "(black hole)" when found by shrinking; tracepath\'s Resume', (t) => {
  const probe = (from: string | null, rttUs: number | null): TraceProbe => ({
    from, rttMs: rttUs === null ? null : rttUs / 1000, rttUs, icmp: null, mark: null, reply: false, tcpFlags: null, ttl: null, tos: null,
    quotedTos: null, quotedTtl: null, changes: [], extensions: null, sendError: null,
  });
  const hop: MtuHop = { type: 'hop', ttl: 2, size: 1400, probes: [probe('198.51.100.2', 44), probe(null, null)], changes: [], pmtu: 1400, blackHole: true, final: false };
  t.is(mtuHopLine(hop), ' 2  198.51.100.2  0.044 ms * pmtu 1400 (black hole)');
  t.is(mtuHopLine({ ...hop, pmtu: null, blackHole: false, changes: [{ field: 'df', sent: 1, quoted: 0 }] }), ' 2  198.51.100.2  0.044 ms * [df 1->0]');
  t.is(resumeLine({ type: 'done', reached: true, hops: 3, pmtu: 1400, back: 3 }), '     Resume: pmtu 1400 hops 3 back 3');
  t.is(resumeLine({ type: 'done', reached: false, hops: 7, pmtu: 1492, back: null }), '     Resume: pmtu 1492 hops 7');
});

test('the live views: blocks from fastest to slowest, ? for a loss; the table and the history; ping\'s summary', (t) => {
  t.is(blocks([100, 200, 300, 400, 500, 600, 700, 800, Number.NaN]), '▁▂▃▄▅▆▇█?');
  t.is(blocks([5, 5, 5]), '▁▁▁', 'one value: the lowest block');
  t.is(blocks([100, 800], 100, 1600), '▁▄', 'a shared scale');
  const hops = [row(1, [['203.0.113.2', 3, [0]]], [100, 300, null]), row(2, [['198.51.100.2', 3, [0]]], [200, 200, 200])];
  const base = { start: START, hops, completed: 3, paused: true, finished: false, columns: 100, who: (a: string) => a, extensions: false, flows: false };
  const stats = traceFrame({ ...base, display: 'stats' });
  t.regex(stats[0]!, /^rawprobe trace to h2\.lab \(203\.0\.113\.6\) +round 3 of 10 \[paused\]$/);
  t.is(stats[0]!.length, 100);
  t.is(stats[1], 'Keys: q quit  p pause  r reset  d display mode');
  t.regex(stats[4]!, /^ {2}1\. 203\.0\.113\.2 +33\.3% +3 /);
  const history = traceFrame({ ...base, display: 'history', finished: true });
  t.regex(history[0]!, /3 rounds: done, q to quit$/);
  t.deepEqual(history.slice(4).map((l) => l.trim().split(/\s+/).at(-1)), ['▁█?', '▅▅▅']);
  const ping = pingFrame({ host: 'h2', address: '203.0.113.6', size: 56, packetSize: 84, history: [50, 70, Number.NaN], last: '64 bytes from 203.0.113.6: icmp_seq=3 ttl=61 time=0.070 ms', transmitted: 3, received: 2, rtt: { min: 50, avg: 60, max: 70, mdev: 10 }, paused: false, finished: false, columns: 80 });
  t.deepEqual(ping.slice(3), ['▁█?', '', '64 bytes from 203.0.113.6: icmp_seq=3 ttl=61 time=0.070 ms', '3 sent, 2 received, 33.3% loss, rtt min/avg/max/mdev = 0.050/0.060/0.070/0.010 ms']);
});

test('keys: mtr\'s letters either case, Ctrl-C quits (raw mode sends it as a byte); lines cut to the width', (t) => {
  t.deepEqual(['q', 'Q', '\x03', 'p', 'r', 'd', 'x', ' '].map(keyAction), ['quit', 'quit', 'quit', 'pause', 'reset', 'display', null, null]);
  t.is(fit('▁▂▃▄▅', 3), '▁▂▃', 'block characters are one column each');
  t.is(fit('short', 10), 'short');
});
