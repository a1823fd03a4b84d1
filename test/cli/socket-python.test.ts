// `rawprobe socket` against Python's socket module, a peer we did not write, on every family x
// type the kernel offers (seqpacket on unix only), in both roles. Bytes are compared exactly both
// ways; message boundaries on seqpacket and dgram are checked in the call log, one recv line per
// message; the log's first and last lines are checked whole, descriptors matched by pattern.
import test from 'ava';

import { startRawprobe } from '../helpers/cli.js';
import { CLIENT_MESSAGES, SERVER_MESSAGES, combinations, familyOf, hex, joined, kinds, peerAddressArg, pythonPeer, pythonTest, tempDir, type Place } from '../socket/classic/helpers.js';
import { FAMILY_CONSTANT, TEXT_MESSAGES, TYPE_CONSTANT, assertInOrder, callLines, connectText, listenText, serving, shownAddress, textBytes } from './socket-helpers.js';

const ptest = pythonTest(test);

/** The recv lines' byte counts, in order (the end of stream's 0 included). */
function recvSizes(log: string): number[] {
  return callLines(log)
    .filter((l) => /^recv(from)?\(/.test(l) && !/= -1 /.test(l))
    .map((l) => Number(/ = (\d+) bytes/.exec(l)?.[1]));
}

/** What Python's recvs got: one string on a stream (the kernel groups bytes as it likes), else one per message. */
function asSeen(type: string, chunks: readonly string[]): string[] {
  return type === 'stream' ? [joined(chunks)] : [...chunks];
}

function expectedBy(type: string, messages: readonly Buffer[]): string[] {
  return type === 'stream' ? [joined(kinds(messages))] : kinds(messages);
}

/** A unix dgram client needs an address of its own to be answered. */
function clientBind(place: Place, dir: string): string | null {
  if (place === 'unix') return `${dir}/client.sock`;
  if (place === 'unix-abstract') return `@rawprobe-cli-client-${process.pid}-${Math.random().toString(36).slice(2)}`;
  return null;
}

/** The peer's address as accept shows it: (unnamed) on unix, the client's address and port otherwise. */
function acceptedPeer(place: Place): string {
  if (place === 'inet') return '127.0.0.1:{cport}';
  if (place === 'inet6') return '[::1]:{cport}';
  return '(unnamed)';
}

for (const { place, type } of combinations()) {
  const family = familyOf(place);
  const connection = type !== 'dgram';
  const head = `socket(${FAMILY_CONSTANT[family]}, ${TYPE_CONSTANT[type as 'stream']}, 0) = {s}`;

  ptest(`${place} ${type}: rawprobe socket listen, Python's client`, async (t) => {
    const dir = tempDir(t);
    const where = listenText(place, dir);
    // A connection gets our text messages; datagrams are echoed to their sender.
    const answer = connection ? TEXT_MESSAGES.flatMap((m) => ['--send', m]) : ['--echo', '--count', String(CLIENT_MESSAGES.length)];
    const cli = startRawprobe(t, ['socket', 'listen', where, '--type', type, ...answer]);
    // With --echo there is no data for stdout: the log goes there.
    const logStream = connection ? 'stderr' : 'stdout';
    const port = await serving(cli, type, family === 'unix', logStream);
    const options: Record<string, string> = { '--send': hex(CLIENT_MESSAGES) };
    const own = clientBind(place, dir);
    if (!connection) options['--expect'] = String(CLIENT_MESSAGES.length);
    if (!connection && own !== null) options['--bind'] = own;
    const py = pythonPeer(t, 'client', family, type, connectText(place, where, port), options);
    const report = await py.report();
    const r = await cli.done;
    t.is(r.code, 0, r.stderr);
    const log = connection ? r.stderr : r.stdout;
    const lines = callLines(log);
    const bound = shownAddress(place, where, 0); // bind shows what was asked: port 0
    if (connection) {
      t.deepEqual(cli.stdoutBytes(), Buffer.concat(CLIENT_MESSAGES), 'what Python sent, byte for byte, on stdout');
      t.deepEqual(asSeen(type, report.received), expectedBy(type, textBytes(TEXT_MESSAGES)));
      assertInOrder(t, lines, [
        head,
        `bind({s}, ${bound}) = 0`,
        'listen({s}, 128) = 0',
        `accept({s}) = {c}  peer: ${acceptedPeer(place)}`,
        "shutdown({c}, SHUT_WR) = 0   (FIN: once it has read the rest, the peer's recv returns 0)",
        'close({c}) = 0',
        'close({s}) = 0',
      ]);
    } else {
      t.deepEqual(report.received, kinds(CLIENT_MESSAGES), 'every datagram echoed back whole');
      assertInOrder(t, lines, [head, `bind({s}, ${bound}) = 0`, 'close({s}) = 0']);
      t.is(lines.filter((l) => l.startsWith('sendto(')).length, CLIENT_MESSAGES.length);
    }
    const sizes = recvSizes(log);
    const sent = CLIENT_MESSAGES.map((m) => m.length);
    if (type === 'stream') t.is(sizes.reduce((a, b) => a + b, 0), sent.reduce((a, b) => a + b, 0));
    else t.deepEqual(sizes, connection ? [...sent, 0] : sent, 'one recv per message: boundaries kept');
    if (place === 'unix') t.regex(log, /^unlink\(".*server\.sock"\) = 0 /m);
  });

  ptest(`${place} ${type}: Python's server, rawprobe socket connect`, async (t) => {
    const dir = tempDir(t);
    const where = listenText(place, dir);
    const options: Record<string, string> = { '--send': hex(SERVER_MESSAGES) };
    if (!connection) options['--expect'] = String(TEXT_MESSAGES.length);
    const py = pythonPeer(t, 'server', family, type, where, options);
    const bound = await py.ready();
    const target = connectText(place, where, bound.port);
    const args = ['socket', 'connect', target, '--type', type, ...TEXT_MESSAGES.flatMap((m) => ['--send', m])];
    const own = clientBind(place, dir);
    if (!connection) args.push('--count', String(SERVER_MESSAGES.length), '--timeout', '20');
    if (!connection && own !== null) args.push('--bind', own);
    const cli = startRawprobe(t, args);
    const r = await cli.done;
    const report = await py.report();
    t.is(r.code, 0, r.stderr);
    t.deepEqual(cli.stdoutBytes(), Buffer.concat(SERVER_MESSAGES), "Python's bytes, exactly, on stdout");
    t.deepEqual(asSeen(type, report.received), expectedBy(type, textBytes(TEXT_MESSAGES)));
    const sizes = recvSizes(r.stderr);
    const sent = SERVER_MESSAGES.map((m) => m.length);
    if (type === 'stream') t.is(sizes.reduce((a, b) => a + b, 0), sent.reduce((a, b) => a + b, 0));
    else t.deepEqual(sizes, connection ? [...sent, 0] : sent, 'one recv per message: boundaries kept');
    const to = shownAddress(place, target, bound.port);
    const connected = `connect({s}, ${to}) = 0${connection ? '' : '   (no packet is sent: this sets where send() goes)'}`;
    const bindLine = !connection && own !== null ? [`bind({s}, ${JSON.stringify(own)}) = 0`] : [];
    assertInOrder(t, callLines(r.stderr), [head, ...bindLine, connected, 'close({s}) = 0']);
  });
}
