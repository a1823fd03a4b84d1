// Answering addresses as ping (pr_addr()) and traceroute (print_addr()) show them without -n:
// "name (address)", or the address alone when getnameinfo finds no name. One lookup per address.
import { reverseName } from '../../lib/probe/resolve.js';

export class AddressNames {
  readonly #shown = new Map<string, Promise<string>>();

  /** What to print for `address` (the lookup starts at the first call). */
  of(address: string): Promise<string> {
    let p = this.#shown.get(address);
    if (p === undefined) {
      p = reverseName(address).then((name) => `${name ?? address} (${address})`);
      this.#shown.set(address, p);
    }
    return p;
  }
}
