// Every round trip the probing commands report is timed by the kernel at both ends
// (SO_TIMESTAMPING), and none is 0 or below: on loopback a reply can be read before the
// sendmmsg that sent its request has returned, and a flood or a sweep at --rate max once showed
// RTTs of 0.000 (issue 18, item 5: 110 of 600 in `sweep --rate max -c 3`). -v says where the
// times come from. Each run happens in a network namespace of its own with only lo (root).
import test from 'ava';
import { rawprobe, type CliResult } from '../helpers/cli.js';
import { rootTest } from '../helpers/privilege.js';

const rootOnly = rootTest();

function inNetns(args: string[]): Promise<CliResult> {
  return rawprobe(args, { where: 'netns', timeoutMs: 60_000 });
}

function jsonLines(r: CliResult): Record<string, unknown>[] {
  return r.stdout
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

// IPv6 probes go out through an IPPROTO_RAW socket and their answers come in on a raw ICMPv6
// one, which reads the sender's send stamps with its own batches: the same kernel times as IPv4's.
for (const [version, address] of [['', '127.0.0.1'], [' -6', '::1']] as const) {
  rootOnly(`ping${version} -v says the times are kernel stamps at both ends, and how each reply was timed`, async (t) => {
    const r = await inNetns(['ping', '-v', '-c', '3', '-i', '0.01', address]);
    t.is(r.code, 0, r.stderr);
    const lines = r.stdout.split('\n');
    t.is(lines[1], 'times: kernel stamps at both ends (SO_TIMESTAMPING, software)');
    t.is(lines.filter((l) => l.startsWith('timed: ')).join('\n'), 'timed: 3 with kernel stamps at both ends');
    const plain = await inNetns(['ping', '-c', '1', address]);
    t.false(/^(times|timed): /m.test(plain.stdout), 'without -v, the output is iputils\'');
  });

  rootOnly(`ping${version} -f on loopback: every reply timed by the kernel at both ends, the smallest above 0`, async (t) => {
    const r = await inNetns(['ping', '-f', '-c', '5000', '--json', address]);
    t.is(r.code, 0, r.stderr);
    const objects = jsonLines(r);
    const start = objects.find((o) => o.type === 'start')!;
    t.like(start.timestamps as object, { send: 'kernel', receive: 'kernel', refused: null });
    const summary = objects.find((o) => o.type === 'summary')!;
    t.is(summary.received, 5000);
    const timing = summary.timing as { kernel: number; userSend: number; userReceive: number };
    t.is(timing.kernel, 5000, JSON.stringify(timing));
    t.is(timing.userSend, 0);
    t.true((summary.rtt as { min: number }).min > 0, JSON.stringify(summary.rtt));
  });
}

rootOnly('sweep --rate max -c 3 over 200 loopback addresses: 600 replies, no round trip of 0', async (t) => {
  const r = await inNetns(['sweep', '--rate', 'max', '-c', '3', '--json', '127.0.0.1-127.0.0.200']);
  t.is(r.code, 0, r.stderr);
  const replies = jsonLines(r).filter((o) => o.type === 'reply');
  t.is(replies.length, 600);
  const zero = replies.filter((o) => !((o.rttMs as number) > 0));
  t.deepEqual(zero, [], `${zero.length} of 600 round trips were not above 0`);
});
