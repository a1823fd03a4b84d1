// Every expected JSON of fixtures/packets6/ against tshark, field by field (crosscheck6.ts), on
// every test run: regenerating the expected files with a changed decoder passes decode6.test.ts,
// but not this, unless tshark agrees with the new reading. Skipped, visibly, without tshark.
import test from 'ava';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encodePcap, LINKTYPE } from '../../lib/pcap/index.js';
import { crossCheck, ours, tsharkComplains, type Layers } from './crosscheck6.js';
import { isError6, listFixtures6, packets6, readExpected6, type Expected6 } from './fixtures6.js';

function hasTshark(): boolean {
  try {
    execFileSync('tshark', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

const tsharkTest = hasTshark() ? test : test.skip;
if (!hasTshark()) process.stderr.write('rawprobe tests: tshark is not installed; skipping the tshark cross-check of fixtures/packets6\n');

const TSHARK_OPTIONS = [
  '-n',
  '-o', 'udp.check_checksum:TRUE',
  '-o', 'tcp.check_checksum:TRUE',
  '-o', 'ipv6.defragment:FALSE',
  '-o', 'tcp.relative_sequence_numbers:FALSE',
  '-o', 'tcp.analyze_sequence_numbers:FALSE',
  '-T', 'json',
  '--no-duplicate-keys',
];

/**
 * Packets we refuse and tshark 4.0 dissects without a word, each with the reason we keep
 * refusing them. The fields read before the refusal are still compared.
 */
const KNOWN_SILENT: Record<string, string> = {
  'malformed-fragment-offset':
    'RFC 8200 section 4.5: a fragment whose offset and length make a reassembled payload over 65535 bytes is discarded (Parameter Problem pointing at the offset); tshark does not check it, reassembling or not',
  'malformed-fragment-length':
    'RFC 8200 section 4.5: a fragment with M set whose data is not a multiple of 8 bytes is discarded (Parameter Problem pointing at the payload length); tshark does not check it',
};

function tshark(path: string): Layers[] {
  const out = execFileSync('tshark', ['-r', path, ...TSHARK_OPTIONS], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, stdio: ['ignore', 'pipe', 'pipe'] });
  return (JSON.parse(out) as { _source: { layers: Layers } }[]).map((p) => p._source.layers);
}

/** tshark's layers for every packet of every fixture: name -> layers[]. Hex packets go in one RAW pcap. */
function dissectAll(): Map<string, Layers[]> {
  const dir = mkdtempSync(join(tmpdir(), 'rawprobe-tshark6-'));
  try {
    const fixtures = listFixtures6();
    const byName = new Map<string, Layers[]>();
    const hex = fixtures.filter((f) => f.format === 'hex');
    const path = join(dir, 'hex6.pcap');
    writeFileSync(path, encodePcap(hex.map((f) => ({ data: packets6(f)[0]!.bytes })), { linkType: LINKTYPE.RAW }));
    const layers = tshark(path);
    hex.forEach((f, i) => byName.set(f.name, [layers[i]!]));
    for (const f of fixtures.filter((x) => x.format === 'pcap')) byName.set(f.name, tshark(f.path));
    return byName;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

tsharkTest('tshark agrees with every expected IPv6 decode, field by field', (t) => {
  const all = dissectAll();
  let agree = 0;
  let notShown = 0;
  const problems: string[] = [];
  let refused = 0;
  for (const f of listFixtures6()) {
    const expected = readExpected6(f);
    const list: Expected6[] = Array.isArray(expected) ? expected : [expected];
    const layers = all.get(f.name)!;
    t.is(layers.length, list.length, `${f.name}: tshark read every packet`);
    list.forEach((e, i) => {
      const label = list.length > 1 ? `${f.name}[${i}]` : f.name;
      const fields = isError6(e) ? ours((e.error.partial ?? {}) as Record<string, unknown>) : ours(e);
      if (isError6(e)) {
        refused += 1;
        const complains = tsharkComplains(layers[i]!);
        if (!complains && KNOWN_SILENT[f.name] === undefined) problems.push(`${label}: we refuse it (${e.error.reason}), tshark does not complain`);
        if (complains && KNOWN_SILENT[f.name] !== undefined) problems.push(`${label}: listed as known-silent but tshark complains now: drop it from KNOWN_SILENT`);
      }
      const r = crossCheck(fields, layers[i]!);
      agree += r.agree;
      notShown += r.notShown;
      for (const d of r.disagree) problems.push(`${label}: ${d}`);
    });
  }
  for (const [name, why] of Object.entries(KNOWN_SILENT)) t.log(`known: ${name}: ${why}`);
  t.log(`${agree} fields agree with tshark, ${notShown} not shown by tshark, ${problems.length} problems; ${refused} packets refused, tshark flags all but the known ones`);
  t.deepEqual(problems, []);
  // It compared something real: every kind of layer, over a thousand fields.
  t.true(agree > 1000, `${agree} fields agree`);
  t.true(refused >= 6, `${refused} refused packets`);
});

tsharkTest('the cross-check can fail: a planted wrong value is reported, with both sides', (t) => {
  const f = listFixtures6().find((x) => x.name === 'nd-router-advertisement')!;
  const layers = dissectAll().get(f.name)!;
  const expected = readExpected6(f) as Exclude<Expected6, { error: unknown }>;
  t.deepEqual(crossCheck(ours(expected), layers[0]!).disagree, []);
  const wrong = JSON.parse(JSON.stringify(expected));
  wrong.ip.hopLimit = 254;
  wrong.icmpv6.options[2].prefix = '2001:db8:9::';
  const r = crossCheck(ours(wrong), layers[0]!);
  t.deepEqual(r.disagree, ['ipv6.hlim[0]: ours 254, tshark "255"', 'icmpv6.opt.prefix[0]: ours "2001:db8:9::", tshark "2001:db8:1::"']);
});
