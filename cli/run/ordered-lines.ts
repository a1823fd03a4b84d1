// Lines written in the order their events came, when some wait for reverse name lookups (ping and
// trace without -n, as iputils' pr_addr() and traceroute's print_addr() show "name (address)"):
// a line that needs names waits for them, and every line after it waits for that line. Without
// names, lines go out at once.
import { writeStdout } from '../stdout.js';
import { AddressNames } from './names.js';

/** What a line shows for an answering address: "name (address)", or the address itself. */
export type Who = (address: string) => string;

export class OrderedLines {
  readonly #names: AddressNames | null;
  #chain: Promise<void> = Promise.resolve();

  constructor(names: boolean) {
    this.#names = names ? new AddressNames() : null;
  }

  /** Writes `make(who)` and a newline to stdout once the names of `addresses` are known. */
  line(addresses: readonly string[], make: (who: Who) => string): void {
    const names = this.#names;
    if (names === null) {
      writeStdout(`${make((a) => a)}\n`);
      return;
    }
    for (const a of addresses) void names.of(a); // every lookup of the line starts now
    this.#chain = this.#chain.then(async () => {
      const shown = new Map<string, string>();
      for (const a of addresses) shown.set(a, await names.of(a));
      writeStdout(`${make((a) => shown.get(a) ?? a)}\n`);
    });
  }

  /** Writes `text` to stderr after every line queued before it. */
  afterQueued(text: string): void {
    this.#chain = this.#chain.then(() => {
      process.stderr.write(text);
    });
  }

  /** Everything queued has been written. */
  drained(): Promise<void> {
    return this.#chain;
  }
}
