// The machine's interfaces and their addresses, from the addon (getifaddrs): what
// os.networkInterfaces() says, without node:os, which a probing command would otherwise load at
// every start for the rare line that asks (-I, hardware timestamps).
import { addon } from './addon.js';

/** The interfaces that hold `address` (as inet_ntop writes it, no zone), in getifaddrs' order. */
function interfacesHolding(address: string): string[] {
  const pairs = addon().interfaceAddresses();
  const names: string[] = [];
  for (let i = 0; i + 1 < pairs.length; i += 2) if (pairs[i + 1] === address) names.push(pairs[i]!);
  return names;
}

/** The interface that holds `address`, or null (the first, when several do). */
export function interfaceHolding(address: string): string | null {
  return interfacesHolding(address)[0] ?? null;
}

/** Whether interface `name` holds `address`. */
export function interfaceHolds(name: string, address: string): boolean {
  return interfacesHolding(address).includes(name);
}
