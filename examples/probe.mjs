// Ping 127.0.0.1 three times and trace it, from code, with the engines `rawprobe ping` and
// `rawprobe trace` run on. Run as root (raw sockets need CAP_NET_RAW): node examples/probe.mjs
import { probe } from 'rawprobe';

const ping = await probe.openPing({ host: '127.0.0.1', count: 3, intervalMs: 200 });
const [summary] = await ping.run({
  onEvent: (e) => {
    if (e.type === 'reply') console.log(`reply from ${e.from}: icmp_seq=${e.seq} time=${e.rttMs} ms`);
  },
});
console.log(`${summary.received}/${summary.transmitted} replies, rtt avg ${summary.rtt?.avg ?? '-'} ms`);

const trace = await probe.openTrace({ host: '127.0.0.1', kind: 'udp', probesPerHop: 1 });
const [lane] = await trace.run();
for (const hop of lane.hops) console.log(hop.ttl, hop.probes.map((p) => p.from ?? '*').join(' '), JSON.stringify(hop.changes));
console.log(lane.reached ? 'reached' : 'not reached');
