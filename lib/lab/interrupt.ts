// An interruptible `lab up`: Ctrl-C (or SIGTERM, SIGHUP) half-way through must leave nothing, as a
// failed step leaves nothing. The caller aborts an AbortSignal; the UpRunner that runs the up's
// tools then stops every tool still running (a 30 s `ip -batch` is not waited for), and the up
// checks it between steps, removes what it made and rejects with LabInterruptedError.
import type { ChildProcess } from 'node:child_process';
import { LabInterruptedError } from './errors.js';
import { run } from './system.js';
import type { RunOptions, RunResult } from './system.js';

export class UpRunner {
  private readonly live = new Set<ChildProcess>();
  private readonly stopAll = (): void => {
    for (const child of this.live) child.kill('SIGKILL');
  };

  constructor(private readonly signal: AbortSignal | undefined) {
    signal?.addEventListener('abort', this.stopAll, { once: true });
  }

  /** system.run(), stopped when the up is interrupted. */
  run(file: string, args: readonly string[], options: RunOptions = {}): Promise<RunResult> {
    if (this.signal?.aborted === true) return Promise.reject(this.interruption('', 0)!);
    return run(file, args, {
      ...options,
      onSpawn: (child) => {
        this.live.add(child);
        child.once('close', () => this.live.delete(child));
      },
    });
  }

  /** Throws once the up is interrupted: before anything was made, that is the answer itself. */
  check(lab: string): void {
    if (this.signal?.aborted === true) throw this.interruption(lab, 0);
  }

  /** The error for an interrupted up that removed `removed` namespaces, or null if not interrupted. */
  interruption(lab: string, removed: number): LabInterruptedError | null {
    if (this.signal?.aborted !== true) return null;
    const reason: unknown = this.signal.reason;
    return new LabInterruptedError(lab, typeof reason === 'string' ? reason : 'SIGINT', removed);
  }

  dispose(): void {
    this.signal?.removeEventListener('abort', this.stopAll);
  }
}
