// A command run on a real terminal: a detached tmux session of a given size, for what rawprobe
// does only when stdout or stderr is a terminal (progress lines, tables fitted to the width).
//
//   const term = await onTerminal(t, ['ip', 'netns', 'exec', ns, ...rawprobeArgv('sweep', ...)], { width: 100 });
//   await term.until((screen) => /sent \d+/.test(screen), 'a progress line');
//   const { code, screen, bytes } = await term.done;
//
// Every byte written to the terminal is also kept (tmux pipe-pane), so a test can look for what
// was drawn and redrawn, not only at the last screen; keys can be typed into it (a live view's q)
// and the pane's state read (alternate screen, cursor). The session is killed when the test ends.
// Waits have limits only so a broken build fails instead of hanging.
import type { ExecutionContext } from 'ava';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { MAIN, ROOT } from './cli.js';
import { tempDir } from './tmp.js';

export interface Terminal {
  /** The screen now, with lines the terminal wrapped joined again (capture-pane -J), history included. */
  screen(): string;
  /** Every byte written to the terminal so far. */
  bytes(): string;
  /** Resolves once `test(screen, bytes)` holds; rejects (naming `what`) after `limitMs`. */
  until(test: (screen: string, bytes: string) => boolean, what: string, limitMs?: number): Promise<void>;
  /** The command's exit code, the final screen and every byte it wrote, once it has ended. */
  done: Promise<{ code: number; screen: string; bytes: Buffer }>;
  /** Types keys into it, as tmux send-keys names them ('q', 'C-c', 'Enter'). */
  keys(...keys: string[]): void;
  /** One of the pane's tmux formats: 'alternate_on' ('1' on the alternate screen), 'cursor_flag' ('1' when shown)... */
  flag(name: string): string;
}

/** `node dist/app/main.js ...args`: the CLI as ./rawprobe runs it. */
export function rawprobeArgv(...args: string[]): string[] {
  return [process.execPath, MAIN, ...args];
}

function tmux(args: readonly string[]): string {
  const r = spawnSync('tmux', args, { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`tmux ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}

const quote = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;

let sessions = 0;

/** Runs `argv` on a terminal `width` x `height` (default 100 x 40), in the repository. */
export function onTerminal(t: ExecutionContext, argv: readonly string[], size: { width?: number; height?: number; env?: Record<string, string> } = {}): Terminal {
  const dir = tempDir(t, 'tmux');
  const name = `rawprobe-${process.pid}-${++sessions}`;
  const bytesFile = join(dir, 'bytes');
  const exitFile = join(dir, 'exit');
  const goFile = join(dir, 'go');
  const env = Object.entries(size.env ?? {}).map(([k, v]) => `${k}=${quote(v)} `).join('');
  // The exit code goes to a file, then the shell waits, so the last screen stays to be read.
  const script = `cd ${quote(ROOT)} && ${env}${argv.map(quote).join(' ')}; echo $? > ${quote(exitFile)}; sleep 600`;
  // The command starts only once every byte it writes is being kept (the go file, after pipe-pane).
  const start = `while [ ! -e ${quote(goFile)} ]; do sleep 0.02; done; ${script}`;
  tmux(['new-session', '-d', '-s', name, '-x', String(size.width ?? 100), '-y', String(size.height ?? 40), 'sh', '-c', start]);
  // Set when the test ends: the polls still running (`done`, when a test failed before awaiting
  // it) stop instead of failing on the session gone, which ava would report as unhandled.
  let ended = false;
  t.teardown(() => {
    ended = true;
    spawnSync('tmux', ['kill-session', '-t', name]);
  });
  tmux(['pipe-pane', '-t', name, '-o', `cat >> ${quote(bytesFile)}`]);
  writeFileSync(goFile, '');
  // -J joins wrapped lines and so keeps trailing blanks, and tmux counts cells a longer earlier
  // frame wrote and ESC[K then cleared as blanks of the line: they are not what the screen says.
  const screen = (): string => tmux(['capture-pane', '-p', '-J', '-S', '-', '-t', name]).replace(/[ \t]+$/gm, '');
  const bytes = (): string => (existsSync(bytesFile) ? readFileSync(bytesFile, 'utf8') : '');
  const until = (test: (screen: string, bytes: string) => boolean, what: string, limitMs = 60_000): Promise<void> =>
    new Promise((resolve, reject) => {
      const started = Date.now();
      const poll = (): void => {
        if (ended) return;
        let now = '';
        try {
          now = screen();
        } catch (e) {
          reject(e as Error);
          return;
        }
        if (test(now, bytes())) resolve();
        else if (Date.now() - started > limitMs) reject(new Error(`${what}: not on the terminal after ${limitMs} ms; screen:\n${now}`));
        else setTimeout(poll, 50);
      };
      poll();
    });
  const done = until(() => existsSync(exitFile) && readFileSync(exitFile, 'utf8').endsWith('\n'), 'the end of the command', 120_000).then(() => ({
    code: Number(readFileSync(exitFile, 'utf8').trim()),
    screen: screen(),
    bytes: existsSync(bytesFile) ? readFileSync(bytesFile) : Buffer.alloc(0),
  }));
  const keys = (...k: string[]): void => void tmux(['send-keys', '-t', name, ...k]);
  const flag = (format: string): string => tmux(['display-message', '-p', '-t', name, `#{${format}}`]).trim();
  return { screen, bytes, until, done, keys, flag };
}
