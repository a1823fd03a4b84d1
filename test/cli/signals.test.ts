// How every probing command ends on a signal (issue 21, cli/stopping.ts): SIGINT prints the summary
// with the command's own exit code; SIGTERM and SIGHUP print it too, complete a --pcap-out file
// and exit 143 and 129 as a shell expects; the handlers are in place from the first line on, so a
// signal sent as soon as it appears finds them; a reader that goes away (`| head -1`) ends the
// run quietly with its capture file complete.
//
// The probes go into a network namespace of the test's own where nothing answers: lo, and a veth
// pair whose one end holds 198.51.100.1/24 and whose other end, without an address, drops whatever
// is sent to the rest of the /24. So a run waits for answers that never come until a signal ends it.
import test, { type ExecutionContext } from 'ava';
import { join } from 'node:path';
import { encodePcap, encodePcapHeader } from '../../lib/pcap/index.js';
import { encodePacket } from '../../lib/wire/index.js';
import { framesOf } from '../capture/helpers.js';
import { live, packetLines, type Live } from '../capture/live.js';
import { MAIN } from '../helpers/cli.js';
import { rootTest } from '../helpers/privilege.js';
import { tempDir } from '../helpers/tmp.js';
import { toolTest } from '../helpers/tools.js';

const asRoot = toolTest(['unshare', 'ip'], rootTest());
const DEAD_END = '198.51.100.2';

/** `rawprobe ...args` in a namespace of its own with lo up and 198.51.100.1/24 on a link where nothing answers. */
function inDeadEnd(t: ExecutionContext, args: readonly string[]): Live {
  const setup = [
    'ip link set lo up',
    // v1 has no address: what v0 sends there (no ARP asked: arp off) is dropped on arrival.
    'ip link add v0 type veth peer name v1',
    'ip link set v0 arp off',
    'ip addr add 198.51.100.1/24 dev v0',
    'ip link set v0 up',
    'ip link set v1 up',
    'exec "$@"',
  ].join(' && ');
  const p = live(['--net', '--', 'sh', '-c', setup, 'sh', process.execPath, MAIN, ...args], { command: 'unshare' });
  t.teardown(() => p.kill());
  return p;
}

/** Sends `signal` once `seen` holds, and resolves with how the process ended. */
async function signalWhen(p: Live, seen: (out: string, err: string) => boolean, what: string, signal: NodeJS.Signals) {
  await p.until(seen, what);
  p.child.kill(signal);
  return p.exited;
}

const lines = (text: string): string[] => text.split('\n').filter((l) => l !== '');

asRoot('ping: SIGTERM ends the run with the summary and a complete --pcap-out, exit 143', async (t) => {
  const file = join(tempDir(t, 'signals'), 'ping.pcap');
  const p = inDeadEnd(t, ['ping', '-i', '0.05', '--pcap-out', file, DEAD_END]);
  await p.until((out) => out.startsWith('PING '), 'the header');
  await new Promise((resolve) => setTimeout(resolve, 300)); // a few probes out, as a rule
  p.child.kill('SIGTERM');
  const end = await p.exited;
  t.deepEqual(end, { code: 143, signal: null }, p.stderr());
  // On a busy machine the signal may still come before the first probe: then iputils' words for
  // nothing sent (no loss figure, no time), and an empty but complete file.
  const m = /\n(\d+) packets transmitted, 0 received(?:, 100% packet loss, time \d+ms)?\n/.exec(p.stdout());
  t.truthy(m, p.stdout());
  t.regex(p.stdout(), new RegExp(`\\n--- ${DEAD_END.replace(/\./g, '\\.')} ping statistics ---\\n`));
  // Every request that went out is in the file, which reads to its end.
  t.is(framesOf(file).length, Number(m![1]));
});

asRoot('ping: SIGHUP ends the run with the summary, exit 129', async (t) => {
  const p = inDeadEnd(t, ['ping', '-i', '0.05', DEAD_END]);
  const end = await signalWhen(p, (out) => out.startsWith('PING '), 'the header', 'SIGHUP');
  t.deepEqual(end, { code: 129, signal: null }, p.stderr());
  t.regex(p.stdout(), /\n--- 198\.51\.100\.2 ping statistics ---\n\d+ packets transmitted, 0 received(?:, 100% packet loss, time \d+ms)?\n/);
});

asRoot('ping: Ctrl-C as soon as the header is out finds the handler: the summary, exit 1 (no reply)', async (t) => {
  const p = inDeadEnd(t, ['ping', DEAD_END]);
  const end = await signalWhen(p, (out) => out.includes('bytes of data.\n'), 'the header', 'SIGINT');
  t.deepEqual(end, { code: 1, signal: null }, p.stderr());
  t.regex(p.stdout(), /ping statistics ---\n\d+ packets transmitted, 0 received/);
});

asRoot('ping --pcap-out f | head -1: the run ends quietly and f holds every packet it sent and received', async (t) => {
  const file = join(tempDir(t, 'signals'), 'ping.pcap');
  // On lo, where replies come: the second line (the first reply) finds the pipe closed.
  const script = `ip link set lo up && "$@" | head -1`;
  const p = live(['--net', '--', 'sh', '-c', script, 'sh', process.execPath, MAIN, 'ping', '-i', '0.05', '-c', '50', '--pcap-out', file, '127.0.0.1'], { command: 'unshare' });
  t.teardown(() => p.kill());
  const end = await p.exited;
  t.is(end.code, 0, p.stderr());
  t.is(p.stdout(), 'PING 127.0.0.1 (127.0.0.1) 56(84) bytes of data.\n');
  t.is(p.stderr(), '');
  const frames = framesOf(file);
  t.true(frames.length >= 2 && frames.length < 100, `${frames.length} frames`);
  // Every reply follows its request; the last request may still have been on its way back when
  // the closed pipe ended the run (a busy machine is slow to find it closed).
  const typeOf = (f: { bytes: Buffer }): number => f.bytes[(f.bytes[0]! & 0x0f) * 4]!;
  const requests = frames.filter((f) => typeOf(f) === 8).length;
  const replies = frames.filter((f) => typeOf(f) === 0).length;
  t.is(requests + replies, frames.length, 'only echo requests and replies');
  t.true(replies >= 1 && requests - replies >= 0 && requests - replies <= 1, `${requests} requests, ${replies} replies`);
});

asRoot('sweep -l | head -1: the loop ends quietly when its reader goes (sweep writes without the stdout stream)', async (t) => {
  // A loop over lo, a line a reply: the second finds the pipe closed. Without the stop the loop
  // would go on until the test's limit.
  const script = `ip link set lo up && "$@" | head -1; exit \${PIPESTATUS[0]}`;
  const p = live(['--net', '--', 'bash', '-c', script, 'bash', process.execPath, MAIN, 'sweep', '-l', '-p', '20', '127.0.0.1'], { command: 'unshare' });
  t.teardown(() => p.kill());
  const end = await p.exited;
  t.is(end.code, 0, p.stderr());
  t.regex(p.stdout(), /^127\.0\.0\.1 : \[0\], 64 bytes, [\d.]+ ms \([\d.]+ avg, 0% loss\)\n$/);
  // fping's per-target counts on stderr after its blank line, and nothing else: no error, no stack.
  t.regex(p.stderr(), /^\n127\.0\.0\.1 : xmt\/rcv\/%loss = \d+\/\d+\/\d+%, min\/avg\/max = [\d./]+\n$/);
});

asRoot('trace: SIGTERM prints the hops so far, exit 143', async (t) => {
  const p = inDeadEnd(t, ['trace', '-n', '-w', '30', '-N', '1', DEAD_END]);
  const end = await signalWhen(p, (out) => out.startsWith('traceroute to '), 'the header', 'SIGTERM');
  t.deepEqual(end, { code: 143, signal: null }, p.stderr());
  t.regex(p.stdout(), /^traceroute to 198\.51\.100\.2 /);
});

asRoot('tos: SIGHUP prints the table of what was answered (nothing), exit 129', async (t) => {
  const p = inDeadEnd(t, ['tos', '--values', '0,0x10', '-w', '30', DEAD_END]);
  const end = await signalWhen(p, (out) => out.length > 0, 'the header', 'SIGHUP');
  t.deepEqual(end, { code: 129, signal: null }, p.stderr());
  t.regex(p.stdout(), /│ 0x00 │ CS0 \(0\) +│ Not-ECT │ - +│/);
  t.regex(p.stdout(), /│ 0x10 │ 4 +│ Not-ECT │ - +│/);
});

asRoot('sweep: SIGTERM prints the summary, exit 143; Ctrl-C counts the targets in flight as unknown, not unreachable', async (t) => {
  // Count mode: each silent probe's timeout is a line, so the test knows when all 14 are in flight.
  const args = ['sweep', '-s', '-c', '100', '-p', '300', '-t', '100', '198.51.100.16/28'];
  const firstTimeouts = (out: string): boolean => lines(out).filter((l) => / : \[0\], timed out/.test(l)).length >= 14;
  const term = inDeadEnd(t, args);
  t.deepEqual(await signalWhen(term, firstTimeouts, 'every target\'s first timeout', 'SIGTERM'), { code: 143, signal: null }, term.stderr());
  t.regex(term.stderr(), /\n\s+14 targets\n/);

  const int = inDeadEnd(t, args);
  const end = await signalWhen(int, firstTimeouts, 'every target\'s first timeout', 'SIGINT');
  t.is(end.code, 1, int.stderr());
  t.regex(int.stderr(), /\n\s+14 targets\n\s+0 alive\n\s+0 unreachable\n\s+14 unknown \(still being probed when stopped\)\n/);
});

asRoot('send: SIGTERM stops the sending with the totals, exit 143', async (t) => {
  const p = inDeadEnd(t, ['send', '--dst', DEAD_END, '--count', '100', '--interval', '500']);
  const end = await signalWhen(p, (out) => out.includes('\nsending 100 packets'), 'the sending line', 'SIGTERM');
  t.deepEqual(end, { code: 143, signal: null }, p.stderr());
  t.regex(p.stdout(), /\n--- sent \d+ packets? \(\d+ bytes\) in [\d.]+ ms.* \(interrupted\)\n$/);
});

asRoot('capture: SIGTERM and SIGHUP end it with the statistics and a complete -w file, exit 143 and 129', async (t) => {
  for (const [signal, code] of [['SIGTERM', 143], ['SIGHUP', 129]] as const) {
    const file = join(tempDir(t, 'signals'), 'capture.pcap');
    const p = inDeadEnd(t, ['capture', '-i', 'lo', '-w', file]);
    const end = await signalWhen(p, (_out, err) => err.startsWith('listening on lo'), 'the listening line', signal);
    t.deepEqual(end, { code, signal: null }, p.stderr());
    t.regex(p.stderr(), /\n0 packets captured\n\d+ packets received by filter\n0 packets dropped by kernel\n$/);
    t.deepEqual(framesOf(file), [], 'the file has its header and nothing else');
  }
});

function echo(sequence: number): Buffer {
  return encodePacket({ ip: { src: '127.0.0.1', dst: '127.0.0.1', id: sequence }, icmp: { kind: 'echo-request', identifier: 0x4321, sequence } });
}

test('decode: SIGTERM and SIGHUP on a live pipe print what was read, exit 143 and 129', async (t) => {
  for (const [signal, code] of [['SIGTERM', 143], ['SIGHUP', 129]] as const) {
    const p = live(['decode']);
    t.teardown(() => p.kill());
    p.child.stdin!.write(encodePcapHeader({ linkType: 101 }));
    p.child.stdin!.write(encodePcap([{ data: echo(1), timestamp: { sec: 1000, nsec: 0 } }]).subarray(24));
    const end = await signalWhen(p, (out) => packetLines(out).length === 1, 'the first packet', signal);
    t.deepEqual(end, { code, signal: null }, p.stderr());
    t.is(p.stderr(), '');
    t.regex(packetLines(p.stdout())[0]!, /seq 1,/);
  }
});
