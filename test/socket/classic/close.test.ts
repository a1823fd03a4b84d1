// close() with calls still waiting: each is rejected with ERR_SOCKET_CLOSED, and nothing is
// left behind: the descriptors are released and no poll handle or timer keeps the process alive.
import test from 'ava';

import { ErrorCode } from '../../../lib/socket/index.js';
import { childScript, runChild } from '../helpers.js';

test('closing sockets with accept, recv, connect and sendAll waiting rejects each, and the process exits by itself', async (t) => {
  const child = runChild(process.execPath, [childScript('classic-close')]);
  t.teardown(() => child.child.kill('SIGKILL'));
  const { code, signal } = await child.exited(30_000);
  t.is(signal, null, child.stderr());
  t.is(code, 0, child.stderr());
  const report = JSON.parse(child.lines[0] ?? '{}') as { outcome: Record<string, Record<string, unknown>>; before: number; after: number };
  const closed = (syscall: string): Record<string, unknown> => ({ code: ErrorCode.socketClosed, syscall });
  t.deepEqual(report.outcome['accept'], closed('accept'));
  t.deepEqual(report.outcome['recv'], closed('recv'));
  t.deepEqual(report.outcome['recv with a timeout'], closed('recv'));
  t.deepEqual(report.outcome['connect'], closed('connect'));
  // The iteration of connections ends quietly when its socket closes.
  t.deepEqual(report.outcome['iteration'], { value: 0 });
  const sendAll = report.outcome['sendAll'] as { code: string; syscall: string; bytesSent: number };
  t.deepEqual([sendAll.code, sendAll.syscall], [ErrorCode.socketClosed, 'send']);
  t.true(sendAll.bytesSent > 0 && sendAll.bytesSent < 64 * 1024 * 1024, `${sendAll.bytesSent} bytes went before close`);
  t.is(report.after, report.before, 'every descriptor opened was closed');
});
