// The man pages (issue 21): made at build time from the commands' declarations (cli/format/man.ts,
// cli/man-pages.ts) into dist/man/, listed in package.json's "man" so that a global install links
// them where man(1) looks. Here man -l renders each page, and every option of ping, every alias
// included, is on both rawprobe(1) and rawprobe-ping(1).
import test from 'ava';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Options } from 'yargs';
import { options as pingOptions } from '../../cli/options/ping.js';
import { ROOT, runCommand } from '../helpers/cli.js';
import { toolTest } from '../helpers/tools.js';

const MAN = join(ROOT, 'dist/man');
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { man: string[]; files: string[] };

/** The page as man renders it for a reader: plain text, wide lines, no pager. */
async function render(page: string): Promise<string> {
  const r = await runCommand(['man', '-l', join(MAN, page)], { env: { MANWIDTH: '200', MANPAGER: 'cat', PAGER: 'cat', LANG: 'C.UTF-8', MAN_KEEP_FORMATTING: '' } });
  if (r.code !== 0) throw new Error(`man -l ${page}: ${r.stderr}`);
  return r.stdout.replace(/.\x08/g, ''); // overstrike bold and underline, if any
}

/** Every spelling of ping's options: -c, --count, ... */
function pingSpellings(): string[] {
  return Object.entries(pingOptions as Record<string, Options>).flatMap(([key, o]) => {
    const aliases = o.alias === undefined ? [] : typeof o.alias === 'string' ? [o.alias] : [...o.alias];
    return [key, ...aliases].map((n) => (n.length === 1 ? `-${n}` : `--${n}`));
  });
}

test('the build wrote every page package.json lists, and ships them', (t) => {
  t.true(pkg.man.length >= 13);
  for (const page of pkg.man) t.true(existsSync(join(ROOT, page)), page);
  t.true(pkg.files.includes('dist/man/*.1'));
});

const withMan = toolTest(['man', 'nroff']);

withMan('man -l rawprobe-ping.1 and rawprobe.1 render every option of ping', async (t) => {
  for (const page of ['rawprobe-ping.1', 'rawprobe.1']) {
    const text = await render(page);
    const words = new Set(text.split(/[\s,]+/));
    const missing = pingSpellings().filter((s) => !words.has(s));
    t.deepEqual(missing, [], page);
    t.regex(text, /-c, --count COUNT\n\s+stop after COUNT replies/);
    t.regex(text, /--pcap-out PCAP-OUT\n\s+write every packet sent and received to FILE \(pcap\)/);
  }
  const ping = await render('rawprobe-ping.1');
  t.regex(ping, /^RAWPROBE-PING\(1\)/);
  t.regex(ping, /\nSYNOPSIS\n\s+rawprobe ping <host> \[hops\.\.\] \[options\]\n/);
  t.regex(ping, /\nRAWPROBE OPTIONS\n/, 'the help\'s groups are the page\'s sections');
  t.regex(ping, /\nEXIT STATUS\n/);
});

withMan('every page renders: its name, its synopsis, its options', async (t) => {
  for (const file of pkg.man) {
    const page = file.split('/').pop()!;
    const text = await render(page);
    t.regex(text, /\nNAME\n\s+rawprobe/, page);
    t.true(text.includes('--help'), page);
  }
  const main = await render('rawprobe.1');
  for (const command of ['ping', 'trace', 'tos', 'sweep', 'checksum', 'decode', 'capture', 'send', 'sockopt', 'lab up', 'lab exec', 'setup-privileges', 'completion']) t.true(main.includes(`rawprobe ${command} `), command);
});
