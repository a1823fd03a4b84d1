// sendAll of 64 MiB through a stream socket to a slow reader (Python, sleeping between reads):
// the kernel takes part of each send and then nothing (EAGAIN), sendAll waits for the socket
// to be writable and goes on, and every byte arrives, in order (same SHA-256).
import { createHash, randomBytes } from 'node:crypto';

import test from 'ava';

import { createSocket, type SocketCall } from '../../../lib/socket/index.js';
import { runChild } from '../helpers.js';
import { pythonTest } from './helpers.js';

const SLOW_READER = `
import hashlib, socket, sys, time
s = socket.socket()
s.settimeout(60)
s.bind(('127.0.0.1', 0))
s.listen(1)
print(s.getsockname()[1], flush=True)
conn, _ = s.accept()
conn.settimeout(60)
digest, total, reads = hashlib.sha256(), 0, 0
while True:
    data = conn.recv(65536)
    if not data:
        break
    digest.update(data)
    total += len(data)
    reads += 1
    if reads % 16 == 0:
        time.sleep(0.01)
print(total, digest.hexdigest(), flush=True)
`;

pythonTest(test)('sendAll of 64 MiB to a slow reader arrives whole and in order, with back-pressure on the way', async (t) => {
  const data = randomBytes(64 * 1024 * 1024);
  const reader = runChild('python3', ['-c', SLOW_READER]);
  t.teardown(() => reader.child.kill('SIGKILL'));
  const port = Number(await reader.nextLine(() => true));
  const sends: SocketCall[] = [];
  const client = createSocket({ family: 'inet', type: 'stream', onCall: (c) => c.call === 'send' && sends.push(c) });
  t.teardown(() => client.close());
  await client.connect('127.0.0.1', port, { timeout: 20_000 });
  t.is(await client.sendAll(data, { timeout: 120_000 }), data.length);
  client.shutdown('write');
  const [total, digest] = (await reader.nextLine(() => true, 120_000)).split(' ');
  t.is(Number(total), data.length);
  t.is(digest, createHash('sha256').update(data).digest('hex'));
  const blocked = sends.filter((c) => c.error?.code === 'EAGAIN').length;
  const partial = sends.filter((c) => c.result > 0).length;
  t.true(blocked > 0, `${blocked} sends found the buffer full and waited`);
  t.true(partial > 1, `${partial} sends each took a part`);
  t.is(sends.reduce((sum, c) => sum + Math.max(c.result, 0), 0), data.length, 'the parts add up to the whole');
  t.is((await reader.exited()).code, 0, reader.stderr());
});
