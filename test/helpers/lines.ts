// A child process's output as lines, and waiting for the next line that matches: what
// startRawprobe (cli.ts) and the bench's startProcess (bench/proc.ts) both watch a running program
// with. A wait reads on from where the last one stopped; it ends when a line matches, when the
// program has ended with no such line left, or after its time limit.

/** Returns a 'data' listener that adds each line a chunk completes to `lines` (the unfinished rest kept for the next chunk), then calls `added`. */
export function lineSplitter(lines: string[], added: () => void): (chunk: string) => void {
  let partial = '';
  return (chunk) => {
    partial += chunk;
    for (let nl = partial.indexOf('\n'); nl >= 0; nl = partial.indexOf('\n')) {
      lines.push(partial.slice(0, nl));
      partial = partial.slice(nl + 1);
    }
    added();
  };
}

/** The waits open on one running program. */
export class LineWaits {
  readonly #waiters = new Set<() => void>();
  #ended = false;

  /** A line came (or the program ended): every open wait looks again. */
  wake(): void {
    for (const w of [...this.#waiters]) w();
  }

  /** The program ended: a wait that finds no matching line left rejects. */
  end(): void {
    this.#ended = true;
    this.wake();
  }

  /**
   * The first line `next` gives (the next unread one, undefined when none is left yet) that
   * `accept` takes. Rejects with `late()`'s words after limitMs, `ended()`'s once the program ended
   * without one.
   */
  line(next: () => string | undefined, accept: (line: string) => boolean, limitMs: number, late: () => string, ended: () => string): Promise<string> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => finish(new Error(late())), limitMs);
      const finish = (error: Error | null, line?: string): void => {
        clearTimeout(timer);
        this.#waiters.delete(check);
        if (error === null) resolve(line as string);
        else reject(error);
      };
      const check = (): void => {
        for (let line = next(); line !== undefined; line = next()) if (accept(line)) return finish(null, line);
        if (this.#ended) finish(new Error(ended()));
      };
      this.#waiters.add(check);
      check();
    });
  }
}
