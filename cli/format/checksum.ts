// What `rawprobe checksum` prints: the per-layer table and the list of bad checksums (text), or
// one JSON object (--json) in the shape the issue fixed:
//   {"packets":N,"bad":{"ipv4":N,"icmp":N,"udp":N,"tcp":N,"icmpv6":N},"unverifiable":N,
//    "badPackets":[{"index":I,"layer":"icmp","found":X,"expected":Y,...}], ...}
// UDP and TCP count over both IP versions; IPv6 has no header checksum, ICMPv6 its own row.
// `notIpv4` (the name from before IPv6 was checked) counts the packets that are neither.
import { LAYERS, type ChecksumSummary, type PacketChecksums } from '../../lib/check/index.js';
import { STATUS } from '../../lib/check/index.js';
import { hex16 } from './hex.js';
import { renderTable } from './table.js';

export interface ChecksumRunFacts {
  /** The input's name for the heading. */
  name: string;
  /** --fix: where the corrected copy went, and what changed. */
  fix: { path: string; records: number; fixed: number } | null;
  /** Why reading stopped early (the one-line error), or null. */
  error: string | null;
}

/** The --json object. */
export function checksumJson(s: ChecksumSummary, facts: ChecksumRunFacts): Record<string, unknown> {
  const bad: Record<string, number> = {};
  for (const layer of LAYERS) bad[layer] = s.layers[layer].bad;
  return {
    packets: s.packets,
    bad,
    unverifiable: s.unverifiablePackets,
    badPackets: s.bad.map((b) => ({
      index: b.index,
      layer: b.layer,
      found: b.found,
      expected: b.expected,
      offloaded: b.offloaded,
      fileOffset: b.fileOffset,
    })),
    badPacketCount: s.badPacketCount,
    layers: s.layers,
    notIpv4: s.notIpv4,
    malformed: s.malformed,
    malformedPackets: s.malformedPackets,
    badListTruncated: s.badListTruncated,
    fix: facts.fix,
    error: facts.error,
  };
}

const OFFLOAD_NOTE =
  'offloaded: the UDP/TCP checksum holds only the pseudo-header sum. The capture was taken on the sending host ' +
  'with checksum offload on (always so on loopback): the kernel leaves the sum for the network card, which the ' +
  'capture never sees. The packet left fine; tshark reports it bad too.';

/** The text report: heading, per-layer table, bad checksums (at most maxListed; 0 = all), notes. */
export function checksumText(s: ChecksumSummary, facts: ChecksumRunFacts, maxListed: number): string {
  const badChecksums = LAYERS.reduce((n, l) => n + s.layers[l].bad, 0);
  let out = `${facts.name}: ${s.packets} packet${s.packets === 1 ? '' : 's'}, ` +
    (badChecksums === 0 ? 'no bad checksum' : `${badChecksums} bad checksum${badChecksums === 1 ? '' : 's'} in ${s.badPacketCount} packet${s.badPacketCount === 1 ? '' : 's'}`) +
    (s.unverifiablePackets > 0 ? `, ${s.unverifiablePackets} unverifiable` : '') +
    (s.malformed > 0 ? `, ${s.malformed} malformed` : '') +
    '\n';
  const rows = LAYERS.map((layer) => {
    const c = s.layers[layer];
    return [layer, c.good, c.bad, c.unverifiable, layer === 'udp' ? c.absent : '-'];
  });
  out += renderTable(['LAYER', 'GOOD', 'BAD', 'UNVERIFIABLE', 'NONE SENT'], rows, {
    columns: [{}, { alignment: 'right' }, { alignment: 'right' }, { alignment: 'right' }, { alignment: 'right' }],
  });
  const skipped: string[] = [];
  if (s.notIpv4 > 0) skipped.push(`${s.notIpv4} not IP`);
  if (s.malformed > 0) skipped.push(`${s.malformed} malformed`);
  if (skipped.length > 0) out += `not checked: ${skipped.join(', ')}\n`;
  const listed = maxListed > 0 ? s.bad.slice(0, maxListed) : s.bad;
  if (listed.length > 0) {
    out += 'bad checksums:\n';
    out += renderTable(
      ['PACKET', 'LAYER', 'FOUND', 'EXPECTED', 'NOTE'],
      listed.map((b) => [b.index, b.layer, hex16(b.found), b.expected >= 0 ? hex16(b.expected) : '?', b.offloaded ? 'offloaded' : b.expected < 0 ? 'never 0 over IPv6' : '']),
      { columns: [{ alignment: 'right' }, {}, {}, {}, {}] },
    );
    const hidden = badChecksums - listed.length;
    if (hidden > 0) out += `... and ${hidden} more (--max-listed 0 lists them all; --json gives every one)\n`;
  }
  for (const m of s.malformedPackets.slice(0, maxListed > 0 ? maxListed : undefined)) {
    // Byte offsets count from the file's first byte; without a file (hex), from the packet's.
    out += `malformed: packet index ${m.index}, byte offset ${m.fileOffset >= 0 ? m.fileOffset : m.offset}: ${m.reason}\n`;
  }
  if (s.bad.some((b) => b.offloaded)) out += `note: ${OFFLOAD_NOTE}\n`;
  if (facts.fix !== null) {
    out += `wrote ${facts.fix.path}: ${facts.fix.records} packets, ${facts.fix.fixed} checksum${facts.fix.fixed === 1 ? '' : 's'} corrected\n`;
  }
  return out;
}

/** `--compute`: one row per layer with the value found, the right one and the verdict. */
export function computeText(c: PacketChecksums): string {
  if (c.malformed !== null) return `malformed: packet index 0, byte offset ${c.malformedOffset}: ${c.malformed}\n`;
  const verdict = (status: number): string =>
    status === STATUS.GOOD ? 'correct' : status === STATUS.BAD ? 'WRONG' : status === STATUS.ABSENT ? 'none sent (0)' : 'unverifiable';
  const ipWhy = c.ipv4 === STATUS.UNVERIFIABLE && c.ipv4Unverifiable !== null ? `: ${c.ipv4Unverifiable}` : '';
  const rows: unknown[][] = c.version === 6 ? [] : [['ipv4', hex16(c.ipv4Found), c.ipv4Expected >= 0 ? hex16(c.ipv4Expected) : '?', verdict(c.ipv4) + ipWhy]];
  if (c.transport >= 0) {
    rows.push([
      LAYERS[c.transport],
      hex16(c.transportFound),
      c.transportExpected >= 0 ? hex16(c.transportExpected) : '?',
      verdict(c.transportStatus) + (c.offloaded ? ' (offloaded)' : '') + (c.transportStatus === STATUS.UNVERIFIABLE && c.unverifiable ? `: ${c.unverifiable}` : ''),
    ]);
  }
  return renderTable(['LAYER', 'FOUND', 'RIGHT VALUE', 'VERDICT'], rows);
}

/** `--compute --json`. */
export function computeJson(c: PacketChecksums): Record<string, unknown> {
  const name = (s: number): string => ['none', 'good', 'bad', 'unverifiable', 'absent'][s]!;
  return {
    malformed: c.malformed,
    offset: c.malformed === null ? null : c.malformedOffset,
    ipv4: c.version === 6 ? null : { found: c.ipv4Found, expected: c.ipv4Expected >= 0 ? c.ipv4Expected : null, status: name(c.ipv4), unverifiable: c.ipv4Unverifiable },
    transport:
      c.transport < 0
        ? null
        : {
            layer: LAYERS[c.transport],
            found: c.transportFound,
            expected: c.transportExpected >= 0 ? c.transportExpected : null,
            status: name(c.transportStatus),
            offloaded: c.offloaded,
            unverifiable: c.unverifiable,
          },
  };
}
