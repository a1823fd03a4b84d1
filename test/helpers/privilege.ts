// Tests that open raw sockets or build namespaces need root (CAP_NET_RAW + CAP_NET_ADMIN).
// Without it they are skipped, and the reason is printed once so the skip is never silent.
import test from 'ava';

export const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;

let warned = false;

/** `test` when running as root, otherwise `test.skip` plus one visible line saying why. */
export function rootTest(): typeof test {
  if (isRoot) return test;
  if (!warned) {
    warned = true;
    process.stderr.write(
      'rawprobe tests: skipping tests that need root (raw sockets, network namespaces); run as root to include them\n',
    );
  }
  return test.skip as unknown as typeof test;
}
