// The machine's interfaces and their addresses, from the addon (getifaddrs): what
// os.networkInterfaces() says, without node:os, which a probing command would otherwise load at
// every start for the rare line that asks (-I, hardware timestamps).
import { addon } from './addon.js';

/** The interface that holds `address` (as inet_ntop writes it, no zone), or null. */
export function interfaceHolding(address: string): string | null {
  const pairs = addon().interfaceAddresses();
  for (let i = 0; i + 1 < pairs.length; i += 2) if (pairs[i + 1] === address) return pairs[i]!;
  return null;
}

/** Whether interface `name` holds `address`. */
export function interfaceHolds(name: string, address: string): boolean {
  const pairs = addon().interfaceAddresses();
  for (let i = 0; i + 1 < pairs.length; i += 2) if (pairs[i] === name && pairs[i + 1] === address) return true;
  return false;
}
