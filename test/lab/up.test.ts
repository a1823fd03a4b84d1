// Each example lab brought up for real and checked with the kernel's own tools (iputils ping,
// tracepath, traceroute, tcpdump): reachability end to end, and every impairment acting.
// Needs root; every lab has a unique name and is taken down in the test's teardown.
import type { ExecutionContext } from 'ava';
import { runIn, pingSummary } from './tools.js';
import { rootTest } from '../helpers/privilege.js';
import { toolTest } from '../helpers/tools.js';
import { withLab } from '../helpers/lab.js';
import type { Lab } from '../../lib/lab/index.js';
import { LabError, labUp, loadLabFile } from '../../lib/lab/index.js';
import { listNamespaces, run } from '../../lib/lab/system.js';
import { labFixture, uniqueLabName } from '../helpers/lab.js';

const test = rootTest();

/** traceroute -n from `from` to `to`: per TTL, the answering address or '*'. */
async function traceroute(t: ExecutionContext, lab: Lab, from: string, to: string, family: 4 | 6 = 4): Promise<string[]> {
  const r = await runIn(t, lab, from, ['traceroute', `-${family}`, '-n', '-q', '1', '-w', '5,30,30', '-m', '8', to]);
  t.is(r.code, 0, r.stderr);
  return r.stdout
    .split('\n')
    .slice(1)
    .filter((l) => l.trim() !== '')
    .map((l) => l.trim().split(/\s+/)[1]!);
}

/** Starts tcpdump in `node`, runs `trigger`, and returns tcpdump's verbose line(s) for the first match. */
async function captureOne(lab: Lab, node: string, filter: string, trigger: () => Promise<unknown>): Promise<string> {
  const child = lab.spawn(node, ['tcpdump', '-i', 'eth0', '-n', '-l', '-v', '-c', '1', filter], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (b: Buffer) => (stdout += b.toString()));
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
  try {
    await new Promise<void>((resolve, reject) => {
      child.stderr!.on('data', (b: Buffer) => {
        stderr += b.toString();
        if (stderr.includes('listening on')) resolve();
      });
      void exited.then(() => reject(new Error(`tcpdump ended before listening: ${stderr}`)));
    });
    await trigger();
    await exited;
    return stdout;
  } finally {
    clearTimeout(timer);
    child.kill('SIGKILL');
  }
}

/** The TOS byte tcpdump -v printed: "IP (tos 0x22, ttl ...". */
function tosOf(line: string): number {
  const m = /IP \(tos (0x[0-9a-f]+)/.exec(line);
  if (m === null) throw new Error(`no tos in tcpdump output: ${line}`);
  return Number(m[1]);
}

toolTest(['ping', 'traceroute', 'tracepath'], test)('chain3: ping and traceroute cross three routers, answering from the addresses the plan says', async (t) => {
  const rootLinksBefore = (await run('ip', ['-o', 'link', 'show'])).stdout.split('\n').map((l) => l.split(':')[1]?.trim()).sort();
  const lab = await withLab(t, 'chain3');
  const h2 = lab.address('h2');
  t.is(h2, '203.0.113.6');

  const ping = await runIn(t, lab, 'h1', ['ping', '-c', '3', '-i', '0.2', '-W', '2', h2]);
  t.is(ping.code, 0, ping.stdout);
  t.deepEqual(pingSummary(ping.stdout), { transmitted: 3, received: 3, duplicates: 0, errors: 0 });
  t.regex(ping.stdout, /ttl=61 /, 'three routers each took one from the TTL');

  const path = lab.path('h1', 'h2');
  t.deepEqual(path.hops.map((h) => h.node), ['r1', 'r2', 'r3', 'h2']);
  t.deepEqual(await traceroute(t, lab, 'h1', h2), path.hops.map((h) => h.address));

  const tp = await runIn(t, lab, 'h1', ['tracepath', '-n', '-m', '8', h2]);
  t.regex(tp.stdout, /Resume: pmtu 1500 hops 4 back 4/);

  // Nothing of the lab is in the root namespace: same links, and no lab address.
  const rootLinksAfter = (await run('ip', ['-o', 'link', 'show'])).stdout.split('\n').map((l) => l.split(':')[1]?.trim()).sort();
  t.deepEqual(rootLinksAfter, rootLinksBefore);
  const rootAddresses = (await run('ip', ['-o', 'addr', 'show'])).stdout;
  t.false(rootAddresses.includes(h2));
  t.false(rootAddresses.includes(lab.address('h1')));
});

toolTest(['ping', 'traceroute'], test)('chain3-silent: r2 forwards but never sends Time Exceeded', async (t) => {
  const lab = await withLab(t, 'chain3-silent');
  const path = lab.path('h1', 'h2');
  t.deepEqual(path.hops.map((h) => h.silent), [false, true, false, false]);
  const hops = await traceroute(t, lab, 'h1', lab.address('h2'));
  t.deepEqual(hops, [path.hops[0]!.address, '*', path.hops[2]!.address, lab.address('h2')]);
  const ping = await runIn(t, lab, 'h1', ['ping', '-c', '1', '-W', '2', lab.address('h2')]);
  t.is(ping.code, 0, 'the silent router still forwards');
});

toolTest(['ping', 'tcpdump'], test)('dscp-rewrite: r1 re-marks forwarded packets to CS1 and leaves ECN alone', async (t) => {
  const lab = await withLab(t, 'dscp-rewrite');
  const h2 = lab.address('h2');
  // Sent with DSCP 0 and ECT(0): h1 sees it leave unchanged, h2 receives CS1 with ECT(0).
  const sent = await captureOne(lab, 'r1', 'icmp[icmptype] == icmp-echo', () => runIn(t, lab, 'h1', ['ping', '-c', '1', '-W', '2', '-Q', '0x02', h2]));
  t.is(tosOf(sent), 0x02, 'r1 receives what h1 sent');
  const received = await captureOne(lab, 'h2', 'icmp[icmptype] == icmp-echo', () => runIn(t, lab, 'h1', ['ping', '-c', '1', '-W', '2', '-Q', '0x02', h2]));
  t.is(tosOf(received), (8 << 2) | 0x02);
});

toolTest(['ping', 'tcpdump'], test)('a router can rewrite DSCP and ECN together (EF, CE)', async (t) => {
  const lab = await withLab(t, 'dscp-rewrite', { nodes: { r1: { rewriteTos: { dscp: 'ef', ecn: 'ce' } } } });
  const received = await captureOne(lab, 'h2', 'icmp[icmptype] == icmp-echo', () =>
    runIn(t, lab, 'h1', ['ping', '-c', '1', '-W', '2', lab.address('h2')]),
  );
  t.is(tosOf(received), (46 << 2) | 3);
});

toolTest(['ping', 'tracepath'], test)('mtu1400: r1 refuses a larger DF packet with Fragmentation Needed, mtu 1400', async (t) => {
  const lab = await withLab(t, 'mtu1400');
  const h2 = lab.address('h2');
  const big = await runIn(t, lab, 'h1', ['ping', '-M', 'do', '-s', '1373', '-c', '1', '-W', '2', h2]);
  t.is(big.code, 1);
  t.regex(big.stdout, new RegExp(`From ${lab.address('r1').replace(/\./g, '\\.')} icmp_seq=1 Frag needed and DF set \\(mtu = 1400\\)`));
  const fits = await runIn(t, lab, 'h1', ['ping', '-M', 'do', '-s', '1372', '-c', '1', '-W', '2', h2]);
  t.is(fits.code, 0, 'a 1400-byte packet passes');
  const tp = await runIn(t, lab, 'h1', ['tracepath', '-n', '-m', '8', h2]);
  t.regex(tp.stdout, /Resume: pmtu 1400 hops 3 back 3/);
});

toolTest(['ping'], test)('lossy-dup: the link loses and duplicates packets', async (t) => {
  const lab = await withLab(t, 'lossy-dup');
  // 10% loss and 10% duplication on each side of r1-h2: a reply survives with p ~ 0.81 and some
  // packet is doubled with p ~ 0.19 per echo. Over 300 echoes, seeing no loss (0.81^300) or no
  // duplicate (0.81^300) is below 1e-27: not flaky.
  const r = await runIn(t, lab, 'h1', ['ping', '-c', '300', '-i', '0.002', '-W', '1', '-q', lab.address('h2')]);
  const s = pingSummary(r.stdout);
  t.is(s.transmitted, 300);
  t.true(s.received > 0 && s.received < 300, `received ${s.received} of 300`);
  t.true(s.duplicates > 0, `${s.duplicates} duplicates`);
  // And the clean link before it loses nothing: r1 answers every echo.
  const clean = await runIn(t, lab, 'h1', ['ping', '-c', '50', '-i', '0.002', '-W', '1', '-q', lab.address('r1')]);
  t.deepEqual(pingSummary(clean.stdout), { transmitted: 50, received: 50, duplicates: 0, errors: 0 });
});

toolTest(['ping', 'traceroute'], test)('a host that ignores echo requests is still reachable', async (t) => {
  const lab = await withLab(t, 'chain3', { nodes: { h2: { role: 'host', ignoreEcho: true } } });
  const ping = await runIn(t, lab, 'h1', ['ping', '-c', '2', '-i', '0.2', '-W', '1', lab.address('h2')]);
  t.is(ping.code, 1);
  t.is(pingSummary(ping.stdout).received, 0);
  const hops = await traceroute(t, lab, 'h1', lab.address('h2'));
  t.is(hops.at(-1), lab.address('h2'), 'UDP probes still get Port Unreachable from h2');
});

toolTest(['ping'], test)('ICMP rate limit: on, it throttles Time Exceeded; off, every probe is answered; switchable at runtime', async (t) => {
  const lab = await withLab(t, 'chain3', { nodes: { r1: { role: 'router', icmpRatelimit: true } } });
  // 20 probes that expire at r1, 10 ms apart. The kernel's limit (a token per 1000 ms, a burst
  // of 6) lets about 6 Time Exceeded through; with the limit off all 20 come back.
  const burst = async (): Promise<number> => {
    const r = await runIn(t, lab, 'h1', ['ping', '-t', '1', '-c', '20', '-i', '0.01', '-W', '1', lab.address('h2')]);
    return (r.stdout.match(/Time to live exceeded/g) ?? []).length;
  };
  const sysctl = async (): Promise<string> => (await runIn(t, lab, 'r1', ['sysctl', '-n', 'net.ipv4.icmp_ratelimit'])).stdout.trim();

  t.is(await sysctl(), '1000');
  const limited = await burst();
  t.true(limited > 0 && limited < 20, `${limited} Time Exceeded with the limit on`);

  await lab.setIcmpRatelimit('r1', false);
  t.is(await sysctl(), '0');
  t.is(await burst(), 20);

  await lab.setIcmpRatelimit('r1', true);
  const again = await burst();
  t.true(again < 20, `${again} Time Exceeded with the limit back on`);
});

toolTest(['ping', 'traceroute'], test)('diamond (IPv6 too): ping -6 and traceroute -6 follow the planned path', async (t) => {
  const lab = await withLab(t, 'diamond');
  const h2 = lab.address('h2', { family: 6 });
  t.is(h2, '2001:db8:0:5::2');
  // Right after up: no address (link-local included) may still be tentative, or this is lost.
  const ping = await runIn(t, lab, 'h1', ['ping', '-6', '-c', '2', '-i', '0.2', '-W', '2', h2]);
  t.deepEqual(pingSummary(ping.stdout), { transmitted: 2, received: 2, duplicates: 0, errors: 0 });
  const path = lab.path('h1', 'h2', 6);
  t.deepEqual(path.hops.map((h) => h.node), ['r1', 'r2', 'r4', 'h2']);
  t.deepEqual(await traceroute(t, lab, 'h1', h2, 6), path.hops.map((h) => h.address));
  t.deepEqual(await traceroute(t, lab, 'h1', lab.address('h2')), lab.path('h1', 'h2').hops.map((h) => h.address));
});

test('delay: netem where the kernel has it, a clear refusal that leaves nothing where it has not', async (t) => {
  const spec = await loadLabFile(labFixture('chain3'));
  spec.links[1]!.delayMs = 20;
  const name = uniqueLabName('delay');
  let lab: Lab | null = null;
  try {
    lab = await labUp(spec, { name, temporary: true });
  } catch (err) {
    t.true(err instanceof LabError);
    const e = err as LabError;
    t.is(e.step, 'add delay (netem)');
    t.regex(e.message, new RegExp(`^lab ${name}: add delay \\(netem\\) failed: links\\[1\\] \\(r1-r2\\) asks for 20 ms of delay, but this kernel has no netem qdisc`));
    t.deepEqual((await listNamespaces()).filter((ns) => ns.startsWith(`${name}.`)), []);
    return;
  }
  try {
    const qdisc = await run('tc', ['-n', lab.namespace('r1'), 'qdisc', 'show', 'dev', 'eth1']);
    t.regex(qdisc.stdout, /netem .*delay 20ms/);
  } finally {
    await lab.down();
  }
});

toolTest(['traceroute'], test)('IPv6: the silent router stays silent for traceroute -6 too', async (t) => {
  const lab = await withLab(t, 'chain3-silent', { ipv6: true });
  const h2 = lab.address('h2', { family: 6 });
  const path = lab.path('h1', 'h2', 6);
  t.deepEqual(await traceroute(t, lab, 'h1', h2, 6), [path.hops[0]!.address, '*', path.hops[2]!.address, h2]);
});

toolTest(['ping'], test)('a lab built in the test, with explicit addresses', async (t) => {
  const lab = await withLab(t, {
    name: 'inline',
    nodes: { h1: { role: 'host' }, r1: { role: 'router' }, h2: { role: 'host' } },
    links: [
      { between: ['h1', 'r1'], addresses: { h1: '192.0.2.1/25', r1: '192.0.2.126/25' } },
      { between: ['r1', 'h2'], addresses: { r1: '192.0.2.129/25', h2: '192.0.2.254/25' } },
    ],
  });
  t.regex(lab.name, /^rp[0-9]+-[0-9]+-inline$/);
  t.deepEqual(lab.path('h1', 'h2').hops.map((h) => h.address), ['192.0.2.126', '192.0.2.254']);
  const ping = await runIn(t, lab, 'h1', ['ping', '-c', '1', '-W', '2', '192.0.2.254']);
  t.is(ping.code, 0);
  t.regex(ping.stdout, /ttl=63 /);
});
