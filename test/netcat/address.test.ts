// lib/netcat/address.ts: every address form `rawprobe socket` takes, and the one-line refusals.
import test from 'ava';

import { AddressError, parseTarget, type Target, type TargetHints } from '../../lib/netcat/index.js';

const cases: [string, TargetHints, Target][] = [
  ['tcp://127.0.0.1:8080', {}, { family: 'inet', type: 'stream', address: '127.0.0.1', port: 8080 }],
  ['TCP://127.0.0.1:0', {}, { family: 'inet', type: 'stream', address: '127.0.0.1', port: 0 }],
  ['tcp://[::1]:8080', {}, { family: 'inet6', type: 'stream', address: '::1', port: 8080 }],
  ['udp://[::1]:9', {}, { family: 'inet6', type: 'dgram', address: '::1', port: 9 }],
  ['udp://0.0.0.0:53', { family: 'inet', type: 'dgram' }, { family: 'inet', type: 'dgram', address: '0.0.0.0', port: 53 }],
  ['unix:./lesson.sock', {}, { family: 'unix', type: 'stream', address: './lesson.sock', port: null }],
  ['unix:///run/x.sock', { type: 'seqpacket' }, { family: 'unix', type: 'seqpacket', address: '/run/x.sock', port: null }],
  ['unix:lesson.sock', { type: 'dgram' }, { family: 'unix', type: 'dgram', address: 'lesson.sock', port: null }],
  ['unix-abstract:lesson', {}, { family: 'unix', type: 'stream', address: '\0lesson', port: null }],
  ['@lesson', { type: 'seqpacket' }, { family: 'unix', type: 'seqpacket', address: '\0lesson', port: null }],
  ['./lesson.sock', { type: 'seqpacket' }, { family: 'unix', type: 'seqpacket', address: './lesson.sock', port: null }],
  ['lesson.sock', { family: 'unix', type: 'seqpacket' }, { family: 'unix', type: 'seqpacket', address: 'lesson.sock', port: null }],
  ['127.0.0.1:7000', {}, { family: 'inet', type: 'stream', address: '127.0.0.1', port: 7000 }],
  ['[::1]:7000', { type: 'dgram' }, { family: 'inet6', type: 'dgram', address: '::1', port: 7000 }],
  ['127.0.0.1', { type: 'raw' }, { family: 'inet', type: 'raw', address: '127.0.0.1', port: null }],
  ['::1', { type: 'raw' }, { family: 'inet6', type: 'raw', address: '::1', port: null }],
  ['127.0.0.1:7000', { type: 'seqpacket' }, { family: 'inet', type: 'seqpacket', address: '127.0.0.1', port: 7000 }],
];

for (const [text, hints, target] of cases) {
  test(`${text} ${JSON.stringify(hints)}`, (t) => {
    t.deepEqual(parseTarget(text, hints), target);
  });
}

const refused: [string, TargetHints, RegExp][] = [
  ['tcp://localhost:80', {}, /"localhost" is not an IP address; rawprobe socket resolves no names/],
  ['tcp://1.2.3:80', {}, /"1\.2\.3" is not an IP address/],
  ['tcp://127.0.0.1', {}, /give a port/],
  ['tcp://127.0.0.1:65536', {}, /the port must be a number from 0 to 65535 \(got "65536"\)/],
  ['tcp://127.0.0.1:http', {}, /the port must be a number/],
  // ::1:80 is an IPv6 address in its own right (0:0:0:0:0:0:1:80), so it lacks a port;
  // ::1:99999 cannot be one, so the end must have been meant as a port.
  ['tcp://::1:80', {}, /give a port \(\[::1\]:PORT/],
  ['tcp://::1:99999', {}, /write an IPv6 address with a port as \[::1\]:PORT/],
  ['tcp://[127.0.0.1]:80', {}, /brackets are for IPv6 addresses/],
  ['tcp:127.0.0.1:80', {}, /write tcp:\/\/HOST:PORT/],
  ['tcp://127.0.0.1:80', { type: 'dgram' }, /is type stream, but --type says dgram/],
  ['udp://[::1]:9', { family: 'inet' }, /is family inet6, but --family says inet/],
  ['unix:/tmp/x', { family: 'inet' }, /is family unix, but --family says inet/],
  ['unix:', {}, /no path or name after the scheme/],
  ['unix-abstract:', {}, /no path or name after the scheme/],
  ['127.0.0.1:80', { type: 'raw' }, /raw sockets have no ports/],
  ['lesson.sock', {}, /write tcp:\/\/HOST:PORT, udp:\/\/HOST:PORT, unix:PATH/],
  ['', {}, /no address/],
];

for (const [text, hints, message] of refused) {
  test(`refused: "${text}" ${JSON.stringify(hints)}`, (t) => {
    const error = t.throws(() => parseTarget(text, hints), { instanceOf: AddressError });
    t.regex(error?.message ?? '', message);
  });
}
