// TCP options (lib/wire/tcp-options.ts): the list a SYN carries, read by kind; a list cut short
// (an ICMP quote) or with a bad length is incomplete, never an exception; the SYN options
// --tcp-options names, written in Linux's order.
import test from 'ava';
import { decodeOptions, DEFAULT_SYN_OPTIONS, encodeSynOptions, optionName, parseSynOptions } from '../../lib/wire/tcp-options.js';
import { ParseError } from '../../lib/wire/errors.js';

// Linux's SYN options (tcpdump: mss 1460,sackOK,TS val 1 ecr 0,nop,wscale 7).
const LINUX = Buffer.from('020405b4' + '0402' + '080a0000000100000000' + '01' + '030307', 'hex');

test('a SYN\'s options by kind: MSS, SACK-permitted, timestamps, window scale; NOPs are padding', (t) => {
  const list = decodeOptions(LINUX, 0, LINUX.length);
  t.true(list.complete);
  t.deepEqual(list.options.map((o) => [o.kind, o.name, o.value, o.at, o.length]), [
    [2, 'mss', '1460', 0, 4],
    [4, 'sackOK', '', 4, 2],
    [8, 'timestamps', '1,0', 6, 10],
    [3, 'wscale', '7', 17, 3],
  ]);
  t.is(optionName(30), 'kind 30');
  const unknown = decodeOptions(Buffer.from('1e04abcd00000000', 'hex'), 0, 8);
  t.deepEqual(unknown.options.map((o) => [o.name, o.value]), [['kind 30', 'abcd']]);
  t.true(unknown.complete, 'the end-of-list option ends it');
});

test('cut inside an option, or a bad length byte: the options before it, and incomplete', (t) => {
  for (const end of [5, 7, 12]) {
    const list = decodeOptions(LINUX, 0, end);
    t.false(list.complete, `cut at ${end}`);
    t.deepEqual(list.options.map((o) => o.name), end < 6 ? ['mss'] : ['mss', 'sackOK'], `cut at ${end}`);
  }
  t.false(decodeOptions(Buffer.from('0201', 'hex'), 0, 2).complete, 'length 1');
  t.deepEqual(decodeOptions(LINUX, 0, 0), { options: [], complete: true });
});

test('encodeSynOptions: Linux\'s 20 bytes by default; any subset padded with NOPs to whole words', (t) => {
  t.is(encodeSynOptions(DEFAULT_SYN_OPTIONS, 1).toString('hex'), LINUX.toString('hex'));
  t.is(encodeSynOptions({ mss: 1300, sackOK: false, timestamps: false, wscale: null }).toString('hex'), '02040514');
  t.is(encodeSynOptions({ mss: null, sackOK: true, timestamps: false, wscale: 14 }).toString('hex'), '01010402' + '0103030e');
  t.is(encodeSynOptions({ mss: null, sackOK: false, timestamps: true, wscale: null }).toString('hex'), '0101080a0000000000000000');
  t.is(encodeSynOptions({ mss: null, sackOK: false, timestamps: false, wscale: null }).length, 0);
  for (const o of [DEFAULT_SYN_OPTIONS, { mss: null, sackOK: true, timestamps: true, wscale: 3 }]) {
    const bytes = encodeSynOptions(o);
    t.is(bytes.length % 4, 0);
    t.true(decodeOptions(bytes, 0, bytes.length).complete);
  }
});

test('parseSynOptions: none, names, values; a bad one is one ParseError naming it', (t) => {
  t.deepEqual(parseSynOptions('none'), { mss: null, sackOK: false, timestamps: false, wscale: null });
  t.deepEqual(parseSynOptions('mss,sack,ts,wscale'), DEFAULT_SYN_OPTIONS);
  t.deepEqual(parseSynOptions('mss=1200, wscale=0'), { mss: 1200, sackOK: false, timestamps: false, wscale: 0 });
  for (const [bad, words] of [['mss=70000', /mss=70000: give a whole number from 0 to 65535/], ['wscale=15', /0 to 14/], ['sack=1', /only mss and wscale take a value/], ['nop', /unknown TCP option "nop"/], ['mss=x', /mss=x/]] as const) {
    const e = t.throws(() => parseSynOptions(bad), { instanceOf: ParseError }, bad);
    t.regex(e.message, words);
  }
});
