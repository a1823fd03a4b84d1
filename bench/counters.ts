// Interface packet counters of a lab node (`ip -s -j link show DEV` in its namespace): the
// kernel's own count of what crossed the wire, to cross-check what each flood tool says it sent
// and received, and the only reply count for tools that do not read replies (hping3 --flood).

import { performance } from 'node:perf_hooks';
import { findTool, type Lab } from '../lib/lab/index.js';
import { expectExit, runProcess } from './proc.js';

export interface LinkCounters {
  txPackets: number;
  rxPackets: number;
}

interface IpLinkStats {
  stats64?: { rx: { packets: number }; tx: { packets: number } };
  stats?: { rx: { packets: number }; tx: { packets: number } };
}

/** Parses `ip -s -j link show DEV` output. */
export function parseLinkCounters(json: string): LinkCounters {
  const list = JSON.parse(json) as IpLinkStats[];
  const s = list[0]?.stats64 ?? list[0]?.stats;
  if (s === undefined) throw new Error('ip -s -j link printed no statistics');
  return { txPackets: s.tx.packets, rxPackets: s.rx.packets };
}

/** The counters now, read over netlink into the node's namespace (`ip -n NS`, no exec inside). */
export async function linkCounters(lab: Lab, node: string, dev: string): Promise<LinkCounters> {
  ip ??= findTool('ip').then((p) => p ?? 'ip');
  const r = expectExit(await runProcess([await ip, '-n', lab.namespace(node), '-s', '-j', 'link', 'show', 'dev', dev], { timeoutMs: 10_000 }), 'ip -s link');
  return parseLinkCounters(r.stdout);
}

let ip: Promise<string> | null = null;

/** Counters with the time they were read (the middle of the call), for rates. */
export interface TimedCounters extends LinkCounters {
  /** performance.now() milliseconds. */
  at: number;
}

export async function timedCounters(lab: Lab, node: string, dev: string): Promise<TimedCounters> {
  const t0 = performance.now();
  const c = await linkCounters(lab, node, dev);
  return { ...c, at: (t0 + performance.now()) / 2 };
}

export function counterDelta(before: LinkCounters, after: LinkCounters): LinkCounters {
  return { txPackets: after.txPackets - before.txPackets, rxPackets: after.rxPackets - before.rxPackets };
}
