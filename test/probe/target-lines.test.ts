// The check of a target file reads it as line ranges in one string per read (lines.ts
// fileLineChunksSync) and plain addresses where they lie (targets.ts): the same lines as the
// string splitter finds, whatever the line ends and wherever a read cuts, and the same targets,
// counts and errors as parsing every line on its own. No privilege, no network.
import test from 'ava';
import fc from 'fast-check';
import { createReadStream, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileLineChunksSync, lineBatches } from '../../lib/probe/sweep/lines.js';
import { checkTargetFile, parseTargetLine, targetCount, TargetListError, type TargetSpec } from '../../lib/probe/sweep/targets.js';
import { AddressLane } from '../../lib/probe/sweep/address-lane.js';
import { CheckedList } from '../../lib/probe/sweep/checked.js';
import type { IpVersion } from '../../lib/probe/resolve.js';
import { tempDir } from '../helpers/tmp.js';

function rangesOf(path: string, size: number, addonSplit: boolean): string[] {
  const lines: string[] = [];
  for (const chunk of fileLineChunksSync(path, size, addonSplit)) {
    for (let k = 0; k < chunk.count; k++) lines.push(chunk.bytes.toString('utf8', chunk.starts[k], chunk.ends[k]));
  }
  return lines;
}

/** The lines lineBatches (the string splitter a list read as a stream goes through) finds in the file. */
async function splitterLines(path: string): Promise<string[]> {
  const lines: string[] = [];
  for await (const batch of lineBatches(createReadStream(path))) lines.push(...batch);
  return lines;
}

// Split in the addon (native/address-lane.cc) and here: the same lines either way.
for (const addonSplit of [true, false]) test(`line ranges${addonSplit ? ', split in the addon' : ''}: the lines the string splitter finds, at the same numbers, for every line end and read size`, async (t) => {
  const dir = tempDir(t, 'lines');
  const piece = fc.constantFrom('198.51.100.1', '2001:db8::1', '', ' ', '# é comment', '\n', '\r\n', '\r', 'x'.repeat(40));
  let runs = 0;
  await fc.assert(
    fc.asyncProperty(fc.array(piece, { maxLength: 40 }), fc.integer({ min: 1, max: 64 }), async (pieces, size) => {
      const path = join(dir, `l${runs++}.txt`);
      writeFileSync(path, pieces.join(''));
      // Numbered, blank lines left out: the splitter counts no empty line after a last lone \r.
      const numbered = (lines: string[]): string => lines.map((line, i) => (line === '' ? '' : `${i + 1}:${line}`)).filter((l) => l !== '').join('|');
      return numbered(rangesOf(path, size, addonSplit)) === numbered(await splitterLines(path));
    }),
    { numRuns: 300 },
  );
  t.pass();
});

test('line ranges: a read of thousands of lines (the ranges grown in the middle of one) splits the same in the addon and here', (t) => {
  const ends = ['\n', '\r\n', '\r'];
  const text = Array.from({ length: 6000 }, (_, i) => `l${i}${ends[i % 3]}`).join('') + 'last';
  const path = join(tempDir(t, 'many'), 'many.txt');
  writeFileSync(path, text);
  const addon = rangesOf(path, 1 << 16, true);
  t.is(addon.length, 6001);
  t.deepEqual(addon, rangesOf(path, 1 << 16, false));
});

/** What checking a file finds, line by line through parseTargetLine (the way every target goes). */
function byLine(text: string, version: IpVersion): { count: number; rows: string[] } | { line: number } {
  const lines = text.split(/\r\n|\r|\n/);
  if (lines[lines.length - 1] === '') lines.pop();
  let count = 0;
  const rows: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    let spec: TargetSpec | null;
    try {
      spec = parseTargetLine(lines[i]!, { file: 'f', line: i + 1 }, version);
    } catch {
      return { line: i + 1 };
    }
    if (spec === null) continue;
    count += targetCount(spec);
    rows.push(`${spec.first}-${spec.last}-${spec.high === undefined ? '' : Buffer.from(spec.high).toString('hex')}`);
  }
  return { count, rows };
}

const FOUR = ['198.51.100.1', '10.0.0.255', '0.0.0.0', '255.255.255.255', '010.1.2.3', '1.2.3', '1.2.3.4.5', '256.1.1.1', '198.51.100.8/30', '203.0.113.5-7', ' 198.51.100.9 ', 'localhost', '198.51.100.1 # c', '2001:db8::1', '', '1.2.3.04', '1..2.3'];
const SIX = ['2001:db8::1', '2001:DB8:0:0:0:0:0:FF', '::', '::1', 'fe80::1%lo', '::ffff:1.2.3.4', '2001:db8::/126', '2001:db8::1-2001:db8::3', 'cafe', 'dead:beef', '1:2:3:4:5:6:7:8:9', ':1', '1::2::3', '198.51.100.1', '', '1:2:3:4:5:6:7::', '1:2:3:4:5:6:7:8', '0001:0dB8::00fF:1', '00001::1', ':::', '1::', '1:', '2001:db8:ff::fffe', '2001:db8:ff::fffe '];

// With the addon's address lane (address-lane.ts: runs of plain lines read natively) and without it
// (every line read here): the same as parsing each line on its own, either way.
for (const lane of [true, false]) {
  test(`the check reads plain addresses in place${lane ? ' through the address lane' : ''}: the same targets, counts and bad lines as parsing each line`, async (t) => {
    const dir = tempDir(t, 'check');
    const addressLane = lane ? AddressLane.open() : null;
    if (lane && addressLane === null) return t.fail('the addon has no address lane: npm run build');
    let runs = 0;
    await fc.assert(
      fc.asyncProperty(fc.constantFrom<IpVersion>(4, 6), fc.array(fc.nat(40), { maxLength: 30 }), fc.constantFrom('\n', '\r\n'), async (version, picks, end) => {
        const list = version === 4 ? FOUR : SIX;
        const text = picks.map((i) => list[i % list.length]!).join(end) + end;
        const path = join(dir, `c${runs++}.txt`);
        writeFileSync(path, text);
        const expected = byLine(text, version);
        const keep = new CheckedList();
        try {
          const count = await checkTargetFile(path, version, keep, addressLane);
          if (!('count' in expected) || count !== expected.count) return false;
          if (!keep.kept) return true; // a name: nothing kept, as before
          const rows = Array.from({ length: keep.length }, (_, i) => `${keep.first(i)}-${keep.last(i)}-${keep.high(i) === null ? '' : Buffer.from(keep.high(i)!).toString('hex')}`);
          return rows.length === expected.rows.length && rows.every((r, i) => r === expected.rows[i]);
        } catch (e) {
          return e instanceof TargetListError && 'line' in expected && e.line === expected.line;
        }
      }),
      { numRuns: 300 },
    );
    t.pass();
  });
}

test('the address lane: a list longer than one run, its first 12 bytes changing within reads, kept as parsing each line keeps it', async (t) => {
  const lane = AddressLane.open();
  if (lane === null) return t.fail('the addon has no address lane: npm run build');
  const lines: string[] = [];
  for (let i = 0; i < 10_000; i++) lines.push(`2001:db8:${(i / 3000) | 0}::${(i % 0xffff).toString(16)}`);
  lines.splice(5000, 0, '# a comment in the middle', '2001:db8::5-2001:db8::9', '2001:db8:ff::/126');
  const text = `${lines.join('\n')}\n`;
  const path = join(tempDir(t, 'long'), 'long.txt');
  writeFileSync(path, text);
  const expected = byLine(text, 6);
  if (!('count' in expected)) return t.fail(`line ${expected.line} did not parse`);
  const keep = new CheckedList();
  t.is(await checkTargetFile(path, 6, keep, lane), expected.count);
  const rows = Array.from({ length: keep.length }, (_, i) => `${keep.first(i)}-${keep.last(i)}-${Buffer.from(keep.high(i)!).toString('hex')}`);
  t.deepEqual(rows, expected.rows);
});
