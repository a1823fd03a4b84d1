// Tests that open raw sockets or build namespaces need root (CAP_NET_RAW + CAP_NET_ADMIN).
// Without it they are skipped, and the reason is printed once so the skip is never silent.
//
//   const asRoot = rootTest();           asRoot('title', fn)
//   rootTest().serial('title', fn)       rootTest().serial.failing(...), rootTest().failing(...)
//
// Every form ava's `test` offers for a test (plain, serial, failing, serial.failing, and their
// hooks) works skipped: ava reports each as "[skip]", so a non-root run shows what it left out.
import test from 'ava';

export const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;

let warned = false;

/** `test` when running as root, otherwise the same chain with every test skipped, plus one visible line saying why. */
export function rootTest(): typeof test {
  if (isRoot) return test;
  if (!warned) {
    warned = true;
    process.stderr.write(
      'rawprobe tests: skipping tests that need root (raw sockets, network namespaces); run as root to include them\n',
    );
  }
  return skippedTest;
}

type Fn = (...args: never[]) => unknown;

/** A callable that forwards to `call`, carrying `props` (a chain step such as `.serial`). */
function step(call: Fn, props: Record<string, unknown> = {}): Fn {
  const forward = (...args: never[]): unknown => call(...args);
  return Object.assign(forward, props);
}

/** A hook (before, after, ...) that never runs: ava's `.skip` form of it. */
function skippedHook(hook: { skip: Fn; always?: { skip: Fn } }): Fn {
  const skip = step(hook.skip, { skip: hook.skip });
  return hook.always === undefined ? skip : Object.assign(skip, { always: step(hook.always.skip, { skip: hook.always.skip }) });
}

function skippedHooks(chain: typeof test | typeof test.serial): Record<string, Fn> {
  return {
    before: skippedHook(chain.before),
    beforeEach: skippedHook(chain.beforeEach),
    after: skippedHook(chain.after),
    afterEach: skippedHook(chain.afterEach),
  };
}

/**
 * ava's chain with `.skip` at the end of every path: `test.skip`, `test.serial.skip`,
 * `test.failing.skip`, `test.serial.failing.skip` (ava allows `skip` only last, so
 * `test.skip.serial` does not exist: this is what `rootTest().serial` needs when not root).
 */
export const skippedTest = step(test.skip, {
  skip: test.skip,
  todo: test.todo,
  failing: step(test.failing.skip, { skip: test.failing.skip }),
  serial: step(test.serial.skip, {
    skip: test.serial.skip,
    todo: test.serial.todo,
    failing: step(test.serial.failing.skip, { skip: test.serial.failing.skip }),
    ...skippedHooks(test.serial),
  }),
  ...skippedHooks(test),
  macro: test.macro,
  meta: test.meta,
}) as unknown as typeof test;
