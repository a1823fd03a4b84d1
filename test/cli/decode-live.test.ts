// `decode` on a live pipe (issue 18 item 6, issue 19): each packet is printed as soon as it has
// arrived, not when 256 have or the pipe closes, and Ctrl-C (SIGINT) prints what was read and exits
// 0. The writer here is the test: it sends the next packet only once decode has printed the line
// of the one before, so a decode that held its output back never gets the next packet and fails
// at the wait's limit instead of passing.
import test from 'ava';
import { encodePcap, encodePcapHeader } from '../../lib/pcap/index.js';
import { encodePacket } from '../../lib/wire/index.js';
import { live, packetLines } from '../capture/live.js';

function echo(sequence: number): Buffer {
  return encodePacket({
    ip: { src: '127.0.0.1', dst: '127.0.0.1', ttl: 64, id: sequence },
    icmp: { kind: 'echo-request', identifier: 0x1234, sequence, data: Buffer.from('live') },
  });
}

/** One pcap record (no global header) for `packet` at second `sec`. */
function record(packet: Buffer, sec: number): Buffer {
  return encodePcap([{ data: packet, timestamp: { sec, nsec: 0 } }]).subarray(24);
}

test('decode prints each packet of a pcap pipe as it arrives, and Ctrl-C ends it with what was read', async (t) => {
  const p = live(['decode']);
  t.teardown(() => p.kill());
  p.child.stdin!.write(encodePcapHeader({ linkType: 101 }));
  for (let i = 0; i < 3; i++) {
    p.child.stdin!.write(record(echo(i + 1), 1000 + i));
    await p.until((out) => packetLines(out).length === i + 1, `the line of packet ${i} before packet ${i + 1} is written`);
  }
  // Half of a fourth record, then Ctrl-C while decode waits for the rest.
  p.child.stdin!.write(record(echo(4), 1003).subarray(0, 20));
  p.child.kill('SIGINT');
  const end = await p.exited;
  t.is(end.code, 0, p.stderr());
  t.is(p.stderr(), '');
  const lines = packetLines(p.stdout());
  t.is(lines.length, 3);
  t.regex(lines[0]!, /^#0 00:16:40\.000000 127\.0\.0\.1 > 127\.0\.0\.1 ICMP Echo Request \(8\/0\) id 0x1234 seq 1,/);
  t.regex(lines[2]!, /seq 3,/);
});

test('decode prints each hex line of a pipe as it arrives', async (t) => {
  const p = live(['decode']);
  t.teardown(() => p.kill());
  p.child.stdin!.write(`${echo(1).toString('hex')}\n`);
  await p.until((out) => packetLines(out).length === 1, 'the first hex packet');
  p.child.stdin!.write(`# a comment\n${echo(2).toString('hex')}\n`);
  await p.until((out) => packetLines(out).length === 2, 'the second hex packet');
  p.child.kill('SIGINT');
  const end = await p.exited;
  t.is(end.code, 0, p.stderr());
  t.deepEqual(packetLines(p.stdout()).map((l) => /seq (\d+)/.exec(l)?.[1]), ['1', '2']);
});

test('a pipe that ends normally still reports a record cut short', async (t) => {
  const p = live(['decode']);
  t.teardown(() => p.kill());
  p.child.stdin!.write(encodePcapHeader({ linkType: 101 }));
  p.child.stdin!.write(record(echo(1), 1000));
  await p.until((out) => packetLines(out).length === 1, 'the first packet');
  p.child.stdin!.end(record(echo(2), 1001).subarray(0, 20));
  const end = await p.exited;
  t.is(end.code, 2);
  t.regex(p.stderr(), /^rawprobe: stdin: truncated .*packet index 1/m);
});
