// The event loop and a receiving socket: it keeps the process alive while it receives,
// lets it exit after close() or unref(), with no timer or exit call anywhere in the child.
import { createSocket } from 'node:dgram';

import test from 'ava';

import { openSocket } from '../../lib/socket/index.js';
import { childScript, delay, runChild, type RunningChild } from './helpers.js';

function sendUdp(port: number, text: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const s = createSocket('udp4');
    s.send(text, port, '127.0.0.1', (error) => {
      s.close();
      if (error) reject(error);
      else resolve();
    });
  });
}

async function portOf(child: RunningChild): Promise<number> {
  const line = await child.nextLine((l) => l.startsWith('port '));
  return Number(line.slice(5));
}

test('a child that receives one datagram and closes exits by itself', async (t) => {
  const child = runChild(process.execPath, [childScript('receive-once')]);
  t.teardown(() => child.child.kill('SIGKILL'));
  const port = await portOf(child);
  await sendUdp(port, 'hello child');
  t.is(await child.nextLine((l) => l.startsWith('got ')), 'got hello child');
  const { code, signal } = await child.exited();
  t.is(signal, null, child.stderr());
  t.is(code, 0, child.stderr());
});

test('a child that keeps receiving stays alive across idle gaps until told to close', async (t) => {
  const child = runChild(process.execPath, [childScript('receive-until-told')]);
  t.teardown(() => child.child.kill('SIGKILL'));
  const port = await portOf(child);
  for (let i = 1; i <= 3; i++) {
    await sendUdp(port, 'ping');
    t.is(await child.nextLine((l) => l.startsWith('pong ')), `pong ${i}`);
    // Idle: only the receiving socket is left to keep the child's loop alive.
    await delay(150);
    t.is(child.child.exitCode, null, `still running after idle gap ${i}`);
  }
  await sendUdp(port, 'close');
  await child.nextLine((l) => l === 'closing');
  const { code } = await child.exited();
  t.is(code, 0, child.stderr());
});

test('a receiving socket that was unref()d lets the child exit without any datagram', async (t) => {
  const child = runChild(process.execPath, [childScript('unref')]);
  t.teardown(() => child.child.kill('SIGKILL'));
  t.is(await child.nextLine((l) => l.startsWith('receiving ')), 'receiving true');
  const { code } = await child.exited();
  t.is(code, 0, child.stderr());
  t.false(child.lines.includes('unexpected message'));
});

test('ref() and unref() switch back and forth while receiving', (t) => {
  const s = openSocket({ family: 'inet', type: 'dgram' }).bind('127.0.0.1', 0);
  t.teardown(() => s.close());
  s.startReceiving();
  t.true(s.refed);
  t.is(s.unref(), s);
  t.false(s.refed);
  t.is(s.ref(), s);
  t.true(s.refed);
  s.stopReceiving();
  t.false(s.receiving);
  s.unref().startReceiving(); // unref before receiving applies when it starts
  t.true(s.receiving);
  t.false(s.refed);
});

test('closing inside a message listener stops delivery of the rest of the batch', async (t) => {
  const rx = openSocket({ family: 'inet', type: 'dgram' }).bind('127.0.0.1', 0);
  const tx = openSocket({ family: 'inet', type: 'dgram' });
  t.teardown(() => tx.close());
  let delivered = 0;
  const closed = new Promise<void>((resolve) => rx.once('close', resolve));
  rx.on('message', () => {
    delivered++;
    rx.close();
  });
  tx.sendMany([Buffer.from('1'), Buffer.from('2'), Buffer.from('3')], { address: '127.0.0.1', port: rx.address().port ?? 0 });
  await closed;
  t.is(delivered, 1);
});

test('a listener that throws reaches uncaughtException, and the socket goes on receiving', async (t) => {
  const child = runChild(process.execPath, [
    '--input-type=module',
    '-e',
    `
    import { openSocket } from ${JSON.stringify(new URL('../../lib/socket/index.js', import.meta.url).href)};
    const s = openSocket({ family: 'inet', type: 'dgram' }).bind('127.0.0.1', 0);
    let n = 0;
    process.on('uncaughtException', (e) => console.log('uncaught ' + e.message));
    s.on('message', (m) => { n++; if (n === 1) throw new Error('listener failed'); console.log('second ' + m); s.close(); });
    const tx = openSocket({ family: 'inet', type: 'dgram' });
    tx.sendTo(Buffer.from('a'), '127.0.0.1', s.address().port);
    tx.sendTo(Buffer.from('b'), '127.0.0.1', s.address().port);
    tx.close();
    `,
  ]);
  t.teardown(() => child.child.kill('SIGKILL'));
  t.is((await child.exited()).code, 0, child.stderr());
  // The rest of the batch is delivered first, then the error is thrown.
  t.deepEqual(child.lines, ['second b', 'uncaught listener failed']);
});

test('worker threads terminated while receiving release their sockets and do not crash the process', async (t) => {
  const child = runChild(process.execPath, [childScript('workers')]);
  t.teardown(() => child.child.kill('SIGKILL'));
  const { code, signal } = await child.exited();
  t.is(signal, null, `child died by ${signal}: ${child.stderr()}`);
  t.is(code, 0, child.stderr());
  const fds = child.lines.find((l) => l.startsWith('fds '))?.split(' ').map(Number) ?? [];
  t.is(fds[2], fds[1], 'as many sockets open after the workers as before');
  t.true(child.lines.includes('done'));
});
