// One number grammar for the whole command line (cli/numbers.ts): the same text is the same
// number in every command that takes it (`--id 0x10`, `-c 0x10`, `--ttl 0x40`, `--dport 0x50`),
// and text that is not a number gets the same words everywhere, naming the option as that
// command documents it. Values are read through each command's own option declarations
// (parseArgs) and its own cli/run/ parser; nothing is sent.
import test from 'ava';
import { decode } from '../../cli/commands/decode.js';
import { ping } from '../../cli/commands/ping.js';
import { send } from '../../cli/commands/send.js';
import { sweep } from '../../cli/commands/sweep.js';
import { tos } from '../../cli/commands/tos.js';
import { trace } from '../../cli/commands/trace.js';
import { CliError } from '../../cli/errors.js';
import { decimal, whole, wholeIn } from '../../cli/numbers.js';
import { decodeCount } from '../../cli/run/decode.js';
import { pingOptions } from '../../cli/run/ping.js';
import { craftSpec } from '../../cli/run/send-craft.js';
import { pacingOf } from '../../cli/run/send.js';
import { sweepOptions } from '../../cli/run/sweep.js';
import { tosOptions } from '../../cli/run/tos.js';
import { traceOptions } from '../../cli/run/trace.js';
import { parseArgs, pcapFixture, rawprobe } from '../helpers/cli.js';

test('whole numbers: decimal or 0x hex; no sign but +, no fraction', (t) => {
  for (const [text, n] of [['16', 16], ['+16', 16], ['0x10', 16], ['0X1f', 31], [' 64 ', 64], ['0', 0], ['0xffffffff', 0xffffffff]] as const) {
    t.is(whole('-c', 'count', text), n, text);
  }
  for (const text of ['x', '1.5', '-1', '0x', '0x1g', '', '1e3', '16 17']) {
    const e = t.throws(() => whole('-c', 'count', text), { instanceOf: CliError });
    t.is(e!.message, `-c: count "${text}" is not a whole number (decimal, or hex like 0x1f)`);
    t.is(e!.exitCode, 2);
  }
  t.is(wholeIn('--ttl', 'ttl', '0xff', 0, 255), 255);
  t.is(t.throws(() => wholeIn('--ttl', 'ttl', '0x100', 0, 255))!.message, '--ttl 0x100: out of range 0-255');
});

test('numbers with a fraction: decimal, exponent, or hex; the same words when it is none', (t) => {
  for (const [text, n] of [['0.2', 0.2], ['.5', 0.5], ['5', 5], ['1e3', 1000], ['2.5E-1', 0.25], ['0x10', 16]] as const) t.is(decimal('-i', 'interval', text), n, text);
  for (const text of ['fast', '1,5', '-1', '']) t.is(t.throws(() => decimal('-i', 'interval', text))!.message, `-i: interval "${text}" is not a number`);
});

const HOST = '127.0.0.1';
const CRAFT = ['--dst', HOST, '--src', HOST];

test('--id 0x10, --ttl 0x40: the same number in ping and send (and --ttl in sweep)', async (t) => {
  const p = pingOptions(await parseArgs(ping, ['--id', '0x10', '--ttl', '0x40', HOST]));
  const s = craftSpec(await parseArgs(send, [...CRAFT, '--id', '0x10', '--ttl', '0x40', '--icmp-id', '0x10']));
  const w = sweepOptions(await parseArgs(sweep, ['--ttl', '0x40', HOST]));
  t.deepEqual([p.identifier, p.ttl], [16, 64]);
  t.deepEqual([s.id, s.ttl, s.icmp?.identifier], [16, 64, 16]);
  t.is(w.ttl, 64);
  // and written in decimal, the same
  t.deepEqual(pingOptions(await parseArgs(ping, ['--id', '16', '-t', '64', HOST])), p);
});

test('-c 0x10: sixteen in ping, sweep, send and decode', async (t) => {
  t.is(pingOptions(await parseArgs(ping, ['-c', '0x10', HOST])).count, 16);
  t.is(sweepOptions(await parseArgs(sweep, ['-c', '0x10', HOST])).count, 16);
  t.is(pacingOf(await parseArgs(send, [...CRAFT, '-c', '0x10']), [{ bytes: Buffer.alloc(20), userSet: new Set(), timeMs: null }]).count, 16);
  t.is(decodeCount(await parseArgs(decode, ['-c', '0x10'])), 16);
});

test('a port: --dport 0x50 in send, -p 0x50 in trace and tos are all port 80', async (t) => {
  t.is(craftSpec(await parseArgs(send, [...CRAFT, '--proto', 'udp', '--dport', '0x50'])).udp?.dstPort, 80);
  t.is(craftSpec(await parseArgs(send, [...CRAFT, '--proto', '0x11', '--dport', '80'])).udp?.dstPort, 80, '--proto 0x11 is udp');
  t.is(traceOptions(await parseArgs(trace, ['-T', '-p', '0x50', HOST])).port, 80);
  t.is(tosOptions(await parseArgs(tos, ['-T', '-p', '0x50', HOST])).port, 80);
  t.deepEqual([traceOptions(await parseArgs(trace, ['-m', '0x10', '-N', '0x8', HOST, '0x40']))].map((o) => [o.maxTtl, o.simultaneous, o.length]), [[16, 8, 64]]);
});

test('repeated, the last value counts in every command, as getopt keeps it', async (t) => {
  t.is(pingOptions(await parseArgs(ping, ['-c', '1', '-c', '0x10', HOST])).count, 16);
  t.is(craftSpec(await parseArgs(send, [...CRAFT, '--ttl', '1', '--ttl', '0x40'])).ttl, 64);
  t.is(decodeCount(await parseArgs(decode, ['-c', '1', '--count', '3'])), 3);
});

/** The error line without the option's name, which each command spells as it documents it. */
function wording(stderr: string): string {
  return stderr.replace(/^rawprobe: (-\w|--[\w-]+): /, 'rawprobe: OPTION: ');
}

test('text that is not a number: the same line from ping, sweep, send and decode, exit 2, nothing sent', async (t) => {
  const runs = await Promise.all([
    rawprobe(['ping', '-c', '0x1g', HOST]),
    rawprobe(['sweep', '-c', '0x1g', HOST]),
    rawprobe(['send', ...CRAFT, '-c', '0x1g', '--dry-run']),
    rawprobe(['decode', '-c', '0x1g', pcapFixture('lo-eth-usec.pcap')]),
  ]);
  for (const r of runs) {
    t.is(r.code, 2, r.stderr);
    t.is(r.stdout, '');
    t.is(wording(r.stderr), 'rawprobe: OPTION: count "0x1g" is not a whole number (decimal, or hex like 0x1f)\n');
  }
  const ttl = await Promise.all([rawprobe(['ping', '-t', 'ten', HOST]), rawprobe(['sweep', '--ttl', 'ten', HOST]), rawprobe(['send', ...CRAFT, '--ttl', 'ten', '--dry-run'])]);
  t.deepEqual(ttl.map((r) => wording(r.stderr)), ttl.map(() => 'rawprobe: OPTION: ttl "ten" is not a whole number (decimal, or hex like 0x1f)\n'));
});
