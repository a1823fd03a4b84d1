// rootTest() without root: every chain form a test file uses must register a skipped test, never
// crash the file (issue 18: `rootTest().serial` was `test.skip.serial`, undefined) and never run
// the body. Each form is used below exactly as a test file would; the bodies fail if run.
import test from 'ava';
import { skippedTest } from './privilege.js';

const never = (t: { fail(message: string): void }): void => t.fail('a skipped test ran');
const neverHook = (): void => {
  throw new Error('a skipped hook ran');
};

skippedTest('rootTest() form: plain (skipped on purpose)', never);
skippedTest.serial('rootTest() form: .serial (skipped on purpose)', never);
skippedTest.failing('rootTest() form: .failing (skipped on purpose)', never);
skippedTest.serial.failing('rootTest() form: .serial.failing (skipped on purpose)', never);
skippedTest.before(neverHook);
skippedTest.serial.afterEach.always(neverHook);

test('every form of the skipped chain is a function, as on the real chain', (t) => {
  const forms = {
    '': skippedTest,
    '.serial': skippedTest.serial,
    '.failing': skippedTest.failing,
    '.serial.failing': skippedTest.serial.failing,
    '.skip': skippedTest.skip,
    '.serial.skip': skippedTest.serial.skip,
    '.todo': skippedTest.todo,
    '.before': skippedTest.before,
    '.after.always': skippedTest.after.always,
    '.serial.beforeEach': skippedTest.serial.beforeEach,
  };
  for (const [name, form] of Object.entries(forms)) t.is(typeof form, 'function', `rootTest()${name}`);
});
