// Child for classic/errors.test.ts, run inside a fresh network namespace whose loopback is
// down: no route reaches anything, so connect fails at once with ENETUNREACH (nothing is sent).
import { createSocket, type SocketError } from '../../../lib/socket/index.js';

const asValue = createSocket({ family: 'inet', type: 'stream' });
const value = await asValue.connectEx('127.0.0.1', 9, { timeout: 10_000 });
asValue.close();
const asError = createSocket({ family: 'inet', type: 'stream' });
let error: SocketError | null = null;
try {
  await asError.connect('127.0.0.1', 9, { timeout: 10_000 });
} catch (e) {
  error = e as SocketError;
}
asError.close();
process.stdout.write(`${JSON.stringify({ value, code: error?.code, errno: error?.errno, syscall: error?.syscall, message: error?.message })}\n`);
