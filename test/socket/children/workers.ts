// Child for lifecycle.test.ts: worker threads that open receiving sockets and are
// terminated without closing them (or right after closing them). The environment cleanup
// must close the descriptors, and the poll handles' close callbacks must still find the
// addon loaded. Prints the socket descriptor count before and after, then "done".
import { readdirSync, readlinkSync } from 'node:fs';
import { Worker } from 'node:worker_threads';

const socketIndex = new URL('../../../lib/socket/index.js', import.meta.url).href;
const body = (closeFirst: boolean): string => `
  const { parentPort } = await import('node:worker_threads');
  const { openSocket } = await import(${JSON.stringify(socketIndex)});
  const s = openSocket({ family: 'inet', type: 'dgram' }).bind('127.0.0.1', 0);
  s.on('message', () => {});
  ${closeFirst ? 's.close();' : ''}
  parentPort.postMessage('ready');
`;

// Count only socket descriptors: Node's own worker plumbing opens other kinds.
function sockets(): number {
  let n = 0;
  for (const fd of readdirSync('/proc/self/fd')) {
    try {
      if (readlinkSync(`/proc/self/fd/${fd}`).startsWith('socket:')) n++;
    } catch {
      // closed while we looked (the directory's own descriptor)
    }
  }
  return n;
}

const before = sockets();
for (let i = 0; i < 6; i++) {
  const worker = new Worker(new URL(`data:text/javascript,${encodeURIComponent(body(i % 2 === 1))}`));
  await new Promise((resolve, reject) => {
    worker.once('message', resolve);
    worker.once('error', reject);
  });
  await worker.terminate();
}
const after = sockets();
process.stdout.write(`fds ${before} ${after}\ndone\n`);
