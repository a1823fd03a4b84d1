// toStream(), the makefile idea: a classic socket as a Node Duplex, through stream.pipeline.
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';

import test from 'ava';

import { createSocket, socketpair } from '../../../lib/socket/index.js';
import { tempDir } from './helpers.js';

const sha = (data: Buffer): string => createHash('sha256').update(data).digest('hex');

test('a file through TCP with two pipelines: file -> socket stream, socket stream -> file', async (t) => {
  const dir = tempDir(t);
  const original = randomBytes(16 * 1024 * 1024 + 7);
  writeFileSync(join(dir, 'in.bin'), original);
  const server = createSocket({ family: 'inet', type: 'stream' }).bind('127.0.0.1', 0).listen();
  t.teardown(() => server.close());
  const client = createSocket({ family: 'inet', type: 'stream' });
  const [{ socket: accepted }] = await Promise.all([server.accept(), client.connect('127.0.0.1', server.address().port as number)]);
  t.teardown(() => {
    client.close();
    accepted.close();
  });
  await Promise.all([
    pipeline(createReadStream(join(dir, 'in.bin')), client.toStream()),
    pipeline(accepted.toStream(), createWriteStream(join(dir, 'out.bin'))),
  ]);
  t.is(sha(readFileSync(join(dir, 'out.bin'))), sha(original));
});

test('seqpacket through streams: each chunk written is one message, each message read is one chunk', async (t) => {
  const [a, b] = socketpair('unix', 'seqpacket');
  const messages = ['first', 'second message', 'x'.repeat(5000)];
  const received: string[] = [];
  await Promise.all([
    pipeline(Readable.from(messages.map((m) => Buffer.from(m))), a.toStream()),
    pipeline(
      b.toStream(),
      new Writable({
        objectMode: true,
        write(chunk: Buffer, _encoding, callback): void {
          received.push(chunk.toString());
          callback();
        },
      }),
    ),
  ]);
  t.deepEqual(received, messages);
});

test('destroying the stream closes the socket and rejects nothing it was not waiting for', async (t) => {
  const [a, b] = socketpair('unix', 'stream');
  t.teardown(() => b.close());
  const stream = a.toStream();
  stream.resume(); // a recv is now waiting
  await new Promise((resolve) => setImmediate(resolve));
  stream.destroy();
  await new Promise((resolve) => stream.on('close', resolve));
  t.true(a.closed);
  t.is(stream.errored, null);
  // the other end sees the end
  t.is((await b.recv(10, { timeout: 10_000 })).length, 0);
});
