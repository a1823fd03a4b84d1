// What stands in for node:os on a probe's way, each against Node's own answer: the addon's
// interface addresses (getifaddrs) against os.networkInterfaces(), the host byte order against
// os.endianness(), the machine's name against os.hostname().
import { endianness, hostname, networkInterfaces } from 'node:os';

import test from 'ava';

import { interfaceHolding, interfaceHolds } from '../../lib/socket/interfaces.js';
import { hostName } from '../../lib/socket/system.js';
import { HOST_LITTLE_ENDIAN } from '../../lib/wire/bytes.js';

test('every address os.networkInterfaces() lists is held by the interface(s) it names, and no other', (t) => {
  const byAddress = new Map<string, Set<string>>();
  for (const [name, addresses] of Object.entries(networkInterfaces())) {
    for (const a of addresses ?? []) {
      if (!byAddress.has(a.address)) byAddress.set(a.address, new Set());
      byAddress.get(a.address)!.add(name);
    }
  }
  t.true(byAddress.has('127.0.0.1'), 'loopback is there to compare');
  for (const [address, names] of byAddress) {
    const held = interfaceHolding(address);
    t.true(held !== null && names.has(held), `${address}: ${held} among ${[...names].join(', ')}`);
    for (const name of names) t.true(interfaceHolds(name, address), `${name} holds ${address}`);
  }
  t.is(interfaceHolding('192.0.2.254'), null, 'an address no interface holds (TEST-NET-1)');
  t.false(interfaceHolds('lo', '192.0.2.254'));
  t.false(interfaceHolds('no-such-if', '127.0.0.1'));
});

test('the host byte order is os.endianness()', (t) => {
  t.is(HOST_LITTLE_ENDIAN, endianness() === 'LE');
});

test('the machine\'s name is os.hostname()', (t) => {
  t.is(hostName(), hostname());
});
