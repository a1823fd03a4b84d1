// checkCapture on the generated capture with planted problems (a small version of the
// benchmark file, here mixed IPv4 and IPv6): it must find exactly what was planted, from a path,
// a stream and a buffer; its --fix copy must check clean; and tshark (when installed) must count
// the same at every layer, ICMPv6 and UDP/TCP over IPv6 included.
import test from 'ava';
import { createReadStream, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { countTshark, TSHARK_ARGS } from '../../bench/checksum.js';
import { makeChecksumPcap, type PlantedCounts } from '../../bench/make-checksum-pcap.js';
import { ChecksumTally, LAYERS, checkCapture, type ChecksumSummary } from '../../lib/check/index.js';
import { PcapError, readPcapBuffer } from '../../lib/pcap/index.js';
import { runCommand } from '../helpers/cli.js';
import { sharedTempDir } from '../helpers/tmp.js';
import { toolTest } from '../helpers/tools.js';

const dir = sharedTempDir('check');
const file = join(dir, 'planted.pcap');
let planted: PlantedCounts;

test.before(async () => {
  // Probabilities raised so a 3,000-packet file has several of each problem at every layer.
  planted = await makeChecksumPcap(file, { packets: 3000, seed: 7, badIpv4: 0.01, badTransport: 0.02, truncated: 0.01, udpWithoutChecksum: 0.03, ipv6: 0.4 });
});

function sameAsPlanted(t: import('ava').ExecutionContext, s: ChecksumSummary): void {
  t.is(s.packets, planted.packets);
  for (const layer of LAYERS) t.deepEqual(s.layers[layer], planted.layers[layer], layer);
  t.deepEqual(
    s.bad.map((b) => `${b.index}/${b.layer}`),
    planted.bad.map((b) => `${b.index}/${b.layer}`),
  );
  t.is(s.malformed, 0);
  t.is(s.notIpv4, 0);
}

test('the planted file has some of every problem at every layer', (t) => {
  for (const layer of LAYERS) t.true(planted.layers[layer].bad >= 3, `${layer} bad`);
  for (const layer of ['icmp', 'udp', 'tcp', 'icmpv6'] as const) t.true(planted.layers[layer].unverifiable >= 1, `${layer} unverifiable`);
  t.true(planted.layers.udp.absent >= 3);
});

test('checkCapture(path) finds exactly the planted counts and bad packets', async (t) => {
  const { tally, info } = await checkCapture(file);
  t.is(info.linkType, 1);
  sameAsPlanted(t, tally.summary());
});

test('the same from a stream and from a buffer', async (t) => {
  const a = await checkCapture(createReadStream(file));
  sameAsPlanted(t, a.tally.summary());
  const b = await checkCapture(readFileSync(file));
  sameAsPlanted(t, b.tally.summary());
});

test('bad checksums carry the byte offset of their field in the file', async (t) => {
  const bytes = readFileSync(file);
  const { tally } = await checkCapture(bytes);
  for (const bad of tally.summary().bad) {
    t.is(bytes.readUInt16BE(bad.fileOffset), bad.found, `packet ${bad.index} ${bad.layer}`);
  }
});

test('fixPath: the copy has every bad checksum corrected and nothing else changed', async (t) => {
  const out = join(dir, 'fixed.pcap');
  const r = await checkCapture(file, { fixPath: out });
  t.is(r.fixedRecords, planted.packets);
  t.is(r.fixedChecksums, planted.bad.length);
  const again = (await checkCapture(out)).tally.summary();
  for (const layer of LAYERS) {
    t.is(again.layers[layer].bad, 0, layer);
    t.is(again.layers[layer].good, planted.layers[layer].good + planted.layers[layer].bad, `${layer} good`);
    t.is(again.layers[layer].unverifiable, planted.layers[layer].unverifiable, `${layer} unverifiable kept`);
    t.is(again.layers[layer].absent, planted.layers[layer].absent, `${layer} absent kept`);
  }
  // Record by record, only the planted checksum fields differ.
  const before: Buffer[] = [];
  const after: Buffer[] = [];
  readPcapBuffer(readFileSync(file), (v) => void before.push(Buffer.from(v.buffer.subarray(v.offset, v.offset + v.capturedLength))));
  readPcapBuffer(readFileSync(out), (v) => void after.push(Buffer.from(v.buffer.subarray(v.offset, v.offset + v.capturedLength))));
  t.is(after.length, before.length);
  const plantedIndex = new Set(planted.bad.map((b) => b.index));
  let differing = 0;
  for (let i = 0; i < before.length; i++) {
    if (!before[i]!.equals(after[i]!)) {
      differing++;
      t.true(plantedIndex.has(i), `record ${i} changed but had nothing planted`);
    }
  }
  t.is(differing, plantedIndex.size);
});

test('a capture broken part-way: the PcapError names the packet, and the tally holds the packets before it', async (t) => {
  const bytes = readFileSync(file);
  // Cut in the middle of some record: find where record 1000 starts.
  let offset = 0;
  readPcapBuffer(bytes, (v) => {
    if (v.index === 1000) offset = v.fileOffset;
  });
  const tally = new ChecksumTally();
  const e = await t.throwsAsync(checkCapture(bytes.subarray(0, offset + 20), { tally }), { instanceOf: PcapError });
  t.is(e!.packetIndex, 1000);
  t.is(e!.offset, offset - 16);
  t.is(tally.packets, 1000);
});

toolTest(['tshark'])('tshark with checksum validation counts the same per layer, IPv4 and IPv6', async (t) => {
  const r = await runCommand(['tshark', '-r', file, ...TSHARK_ARGS]);
  t.is(r.code, 0, r.stderr);
  const counted = countTshark(r.stdout);
  t.is(counted.packets, planted.packets);
  for (const layer of LAYERS) t.deepEqual(counted.layers[layer], planted.layers[layer], layer);
});
