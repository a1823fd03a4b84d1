// Row 5 (reading): lib/pcap reading a generated 200,000-packet, ~37 MB pcap against tshark and
// the npm package pcap-parser, through bench/pcap-read.ts (its owner's benchmark, which checks
// that every reader saw every packet).
//
// benchPcapRead runs its readers one after another in a fixed order; asking it for one run per
// call and calling it once per round makes each reader alternate with the others run by run, as
// every row here does. Each call writes its file afresh (not timed) and reads it into the page
// cache before timing.
//
// Our readers and pcap-parser run in this process; tshark is a whole process, its start-up
// (about 0.2 s) included: the row notes it.

import { benchPcapRead } from '../pcap-read.js';
import { benchGroup } from '../context.js';
import { BETTER, rowsFor, runsFor, SIDE, type ContenderResult, type Metric, type Row } from '../harness.js';
import { toolProblem } from '../tools.js';

const OURS = 'readPcapFile (streaming, 4 MiB chunks)';
const PCAP_PARSER = 'pcap-parser 0.2.1';
const TSHARK = 'tshark -T fields -e frame.number';

export const pcapReadGroup = benchGroup('pcap-read', '5', 'reading a pcap: lib/pcap vs pcap-parser and tshark', async (ctx) => {
  const packets = ctx.quick ? 20_000 : 200_000;
  const runs = runsFor(ctx.runs, ctx.quick, 5);
  const tsharkProblem = toolProblem(ctx.tools, 'tshark');
  const results = new Map<string, ContenderResult>();
  const add = (name: string, side: ContenderResult['side'], command: string, unavailable: string | null): void => {
    results.set(name, { name, side, command, unavailable, error: null, outcomes: [] });
  };
  add(OURS, SIDE.ours, 'readPcapFile(file, onRecord) in-process', null);
  add(PCAP_PARSER, SIDE.theirs, "require('pcap-parser').parse(file) in-process", null);
  add(TSHARK, SIDE.theirs, 'tshark -r FILE -T fields -e frame.number (whole process)', tsharkProblem);
  let bytes = 0;
  for (let round = 0; round < runs; round++) {
    ctx.log(`  pcap-read: round ${round + 1} of ${runs} (${packets} packets)`);
    const r = await benchPcapRead({ packets, runs: 1, tshark: tsharkProblem === null });
    bytes = r.bytes;
    for (const t of r.timings) {
      const target = results.get(t.name);
      if (target !== undefined) target.outcomes.push({ values: { rate: packets / (t.ms / 1000) } });
    }
  }
  const metric: Metric = {
    key: 'rate',
    what: `read a ${packets / 1000}k-packet ${(bytes / 1e6).toFixed(0)} MB pcap, every packet touched`,
    units: 'packets/s',
    better: BETTER.higher,
  };
  const rows = rowsFor('pcap-read', '5', results, [
    { ours: OURS, theirs: PCAP_PARSER, id: 'pcap-parser' },
    { ours: OURS, theirs: TSHARK, id: 'tshark' },
  ], [metric]);
  for (const row of rows) {
    if (row.theirsTool === TSHARK) row.notes.push('tshark is timed as a whole process (start-up included); our reader in-process');
    if (row.theirsTool === PCAP_PARSER) row.notes.push('both in the harness process, on the same page-cached file');
  }
  return rows;
});
