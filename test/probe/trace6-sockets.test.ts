// trace -T's raw TCP socket hears its target only: it is connected to it, so the kernel hands it
// no other host's segments (an IPv6 raw socket's BPF program sees no IPv6 header, so the
// program could not check the source itself). Read back from /proc/self/net/raw6 and raw: the
// TCP socket's remote address is the target's. And the kept-flow modes refuse IPv6 in one line.
import test from 'ava';
import { readFileSync } from 'node:fs';
import { configureTrace, openTraceSocket, traceProtocol } from '../../lib/probe/trace/index.js';
import { ProbeError } from '../../lib/probe/errors.js';
import { rootTest } from '../helpers/privilege.js';

/** The remote addresses (as /proc writes them, hex) of this process's raw sockets of protocol 6 (TCP). */
function rawTcpPeers(table: 'raw' | 'raw6'): string[] {
  return readFileSync(`/proc/self/net/${table}`, 'utf8')
    .split('\n')
    .slice(1)
    .map((l) => l.trim().split(/\s+/))
    .filter((f) => f.length > 2 && f[1]!.endsWith(':0006'))
    .map((f) => f[2]!.split(':')[0]!);
}

for (const [host, version, table, peer] of [
  ['::1', 6, 'raw6', '00000000000000000000000001000000'],
  ['127.0.0.1', 4, 'raw', '0100007F'],
] as const) {
  rootTest()(`trace -${version} -T: the raw TCP socket is connected to the target (${host})`, async (t) => {
    const config = await configureTrace({ host, version, kind: 'tcp', port: 22 });
    const protocol = traceProtocol(config);
    const socket = openTraceSocket(protocol, config.family, { source: null, target: config.target.address });
    try {
      t.true(rawTcpPeers(table).includes(peer), `raw TCP sockets' peers: ${JSON.stringify(rawTcpPeers(table))}`);
    } finally {
      socket.close();
    }
  });
}

test('--paris and --multipath with an IPv6 target: one line naming the option', async (t) => {
  for (const [options, message] of [
    [{ paris: true }, '--paris keeps flows over IPv4 only: give -4, or leave it out for IPv6'],
    [{ multipath: 4 }, '--multipath keeps flows over IPv4 only: give -4, or leave it out for IPv6'],
  ] as const) {
    const e = await t.throwsAsync(configureTrace({ host: '::1', ...options }), { instanceOf: ProbeError });
    t.is(e!.message, message);
  }
});
