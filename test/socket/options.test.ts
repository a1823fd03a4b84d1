// Every option in the table, set and read back on every socket kind: exact values where
// Linux allows the option, the kernel's own error where it does not. The table's `on` lists
// are checked here against the running kernel.
import test from 'ava';

import {
  OPTIONS,
  OPTION_NAMES,
  constants,
  icmpFilterMask,
  icmpv6FilterBytes,
  openSocket,
  optionTable,
  type OptionName,
  type RawSocket,
  type SocketError,
  type SocketKind,
} from '../../lib/socket/index.js';
import { isRoot, rootTest } from '../helpers/privilege.js';

// What each settable option is set to, and what Linux then reads back. Several values per
// option so a kernel that ignored the write could not pass by accident.
const RECORD_ROUTE = Buffer.from([7, 15, 4, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]); // RFC 791 RR, 3 slots, then EOL padding
const WRITES: Partial<Record<OptionName, ReadonlyArray<readonly [set: unknown, read: unknown]>>> = {
  SO_REUSEADDR: [[true, true], [false, false]],
  SO_KEEPALIVE: [[true, true], [false, false]],
  // Turning linger off leaves the kernel's old time in place (sock_setsockopt only clears
  // the flag): {false, 0} after {true, 7} reads {false, 7}. The table's note says so.
  SO_LINGER: [[{ enabled: true, seconds: 7 }, { enabled: true, seconds: 7 }], [{ enabled: false, seconds: 0 }, { enabled: false, seconds: 7 }]],
  SO_BROADCAST: [[true, true], [false, false]],
  SO_OOBINLINE: [[true, true], [false, false]],
  SO_DONTROUTE: [[true, true], [false, false]],
  SO_MARK: [[42, 42], [0, 0]],
  // Set without the NUL, read back with it; empty unbinds.
  SO_BINDTODEVICE: [[Buffer.from('lo'), Buffer.from('lo\0')], [Buffer.alloc(0), Buffer.alloc(0)]],
  // socket(7): the kernel doubles the value; what you read back is the doubled value.
  SO_SNDBUF: [[65536, 131072], [32768, 65536]],
  SO_RCVBUF: [[65536, 131072], [32768, 65536]],
  SO_DEBUG: [[true, true], [false, false]],
  SO_RCVLOWAT: [[16, 16], [1, 1]],
  // Microseconds chosen as whole ticks for HZ 100, 250, 300 and 1000.
  SO_RCVTIMEO: [[{ seconds: 1, microseconds: 500000 }, { seconds: 1, microseconds: 500000 }], [{ seconds: 0, microseconds: 0 }, { seconds: 0, microseconds: 0 }]],
  SO_SNDTIMEO: [[{ seconds: 2, microseconds: 200000 }, { seconds: 2, microseconds: 200000 }], [{ seconds: 0, microseconds: 0 }, { seconds: 0, microseconds: 0 }]],
  SO_PRIORITY: [[5, 5], [0, 0]],
  SO_TIMESTAMPNS: [[true, true], [false, false]],
  IP_HDRINCL: [[true, true], [false, false]],
  IP_OPTIONS: [[RECORD_ROUTE, RECORD_ROUTE], [Buffer.alloc(0), Buffer.alloc(0)]],
  IP_TOS: [[0xb8, 0xb8], [0x10, 0x10]],
  IP_TTL: [[42, 42], [1, 1], [255, 255]],
  IP_MULTICAST_LOOP: [[false, false], [true, true]],
  IP_RECVERR: [[true, true], [false, false]],
  IP_MTU_DISCOVER: [[2, 2], [0, 0]], // values checked against the constants below
  IP_RECVTTL: [[true, true], [false, false]],
  IP_RECVTOS: [[true, true], [false, false]],
  TCP_MAXSEG: [[1200, 1200], [536, 536]],
  TCP_NODELAY: [[true, true], [false, false]],
  IPV6_HDRINCL: [[true, true], [false, false]],
  IPV6_UNICAST_HOPS: [[42, 42], [255, 255]],
  IPV6_TCLASS: [[0xb8, 0xb8], [0x10, 0x10]],
  IPV6_V6ONLY: [[true, true], [false, false]],
  IPV6_RECVERR: [[true, true], [false, false]],
  IPV6_MTU_DISCOVER: [[2, 2], [0, 0]],
  IPV6_RECVHOPLIMIT: [[true, true], [false, false]],
  IPV6_RECVTCLASS: [[true, true], [false, false]],
  ICMP_FILTER: [[icmpFilterMask([0, 3, 11]), 0xfffff7f6], [0, 0]],
  ICMPV6_FILTER: [[icmpv6FilterBytes([129]), icmpv6FilterBytes([129])], [Buffer.alloc(32), Buffer.alloc(32)]],
};

const KINDS: ReadonlyArray<{ kind: SocketKind; open: () => RawSocket; root: boolean }> = [
  { kind: 'inet raw', open: () => openSocket({ family: 'inet', type: 'raw', protocol: 'icmp' }), root: true },
  { kind: 'inet dgram', open: () => openSocket({ family: 'inet', type: 'dgram' }), root: false },
  { kind: 'inet stream', open: () => openSocket({ family: 'inet', type: 'stream' }), root: false },
  { kind: 'inet6 raw', open: () => openSocket({ family: 'inet6', type: 'raw', protocol: 'icmpv6' }), root: true },
  { kind: 'inet6 dgram', open: () => openSocket({ family: 'inet6', type: 'dgram' }), root: false },
  { kind: 'inet6 stream', open: () => openSocket({ family: 'inet6', type: 'stream' }), root: false },
  { kind: 'unix stream', open: () => openSocket({ family: 'unix', type: 'stream' }), root: false },
  { kind: 'unix dgram', open: () => openSocket({ family: 'unix', type: 'dgram' }), root: false },
  { kind: 'unix seqpacket', open: () => openSocket({ family: 'unix', type: 'seqpacket' }), root: false },
];

// What Linux says when an option does not exist on a socket kind (measured on Linux 6.x).
function refusal(name: OptionName, kind: SocketKind): string {
  if (kind.startsWith('unix ')) return 'EOPNOTSUPP'; // unix sockets have SOL_SOCKET options only
  if (name === 'IPV6_V6ONLY' && kind === 'inet6 raw') return 'EINVAL';
  return 'ENOPROTOOPT';
}

function show(value: unknown): string {
  if (Buffer.isBuffer(value)) return `<${value.toString('hex')}>`;
  return JSON.stringify(value);
}

function outcome(call: () => unknown): string {
  try {
    return show(call());
  } catch (error) {
    return (error as SocketError).code;
  }
}

function typeConstant(kind: SocketKind): number {
  const type = kind.split(' ')[1];
  return type === 'raw' ? constants.SOCK_RAW : type === 'dgram' ? constants.SOCK_DGRAM : type === 'stream' ? constants.SOCK_STREAM : constants.SOCK_SEQPACKET;
}

/** Runs every option on a fresh socket of `kind`; returns [actual, expected] line maps. */
function exercise(kind: SocketKind, open: () => RawSocket): [Record<string, string>, Record<string, string>] {
  const actual: Record<string, string> = {};
  const expected: Record<string, string> = {};
  for (const name of OPTION_NAMES) {
    const spec = OPTIONS[name];
    const allowed = (spec.on as readonly SocketKind[]).includes(kind);
    const s = open(); // fresh socket per option: earlier writes cannot leak into later reads
    try {
      switch (spec.access) {
        case 'read-write': {
          const writes = WRITES[name];
          if (writes === undefined) throw new Error(`no test values for ${name}`);
          writes.forEach(([set, read], i) => {
            const key = `${name} #${i} set ${show(set)}`;
            if (!allowed) {
              expected[key] = refusal(name, kind);
              actual[key] = outcome(() => s.setOption(name, set as never));
              return;
            }
            if (name === 'SO_DEBUG' && set === true && !isRoot) {
              expected[key] = 'EACCES'; // turning SO_DEBUG on needs CAP_NET_ADMIN
              actual[key] = outcome(() => s.setOption(name, set as never));
              return;
            }
            // A mark needs CAP_NET_RAW or CAP_NET_ADMIN; changing a device binding once made, CAP_NET_RAW.
            if (!isRoot && (name === 'SO_MARK' || (name === 'SO_BINDTODEVICE' && i > 0))) {
              expected[key] = 'EPERM';
              actual[key] = outcome(() => s.setOption(name, set as never));
              return;
            }
            expected[key] = show(read);
            actual[key] = outcome(() => {
              s.setOption(name, set as never);
              return s.getOption(name);
            });
          });
          break;
        }
        case 'read-only': {
          const reads: Partial<Record<OptionName, number>> = {
            SO_TYPE: typeConstant(kind),
            SO_ERROR: 0,
            SO_DOMAIN: kind.startsWith('inet6') ? constants.AF_INET6 : kind.startsWith('inet') ? constants.AF_INET : constants.AF_UNIX,
            SO_PROTOCOL: s.protocol === 0 ? (kind === 'inet dgram' || kind === 'inet6 dgram' ? constants.IPPROTO_UDP : kind.startsWith('inet') ? constants.IPPROTO_TCP : 0) : s.protocol,
          };
          expected[`${name} read`] = show(reads[name]);
          actual[`${name} read`] = outcome(() => s.getOption(name));
          expected[`${name} set`] = 'ENOPROTOOPT';
          actual[`${name} set`] = outcome(() => s.setOption([constants.SOL_SOCKET, constants[name]], 1));
          break;
        }
        case 'fixed': {
          // SO_SNDLOWAT: always 1, and Linux refuses to change it.
          expected[`${name} read`] = '1';
          actual[`${name} read`] = outcome(() => s.getOption(name));
          expected[`${name} set`] = 'ENOPROTOOPT';
          actual[`${name} set`] = outcome(() => s.setOption(name, 16 as never));
          break;
        }
        case 'ignored': {
          // SO_BSDCOMPAT: the table refuses to pretend; by number the kernel's silence shows.
          expected[`${name} set true`] = 'ERR_OPTION_IGNORED';
          actual[`${name} set true`] = outcome(() => s.setOption(name, true as never));
          expected[`${name} set false, read`] = 'false';
          actual[`${name} set false, read`] = outcome(() => {
            s.setOption(name, false as never);
            return s.getOption(name);
          });
          expected[`${name} set 1 by number, read`] = '0';
          actual[`${name} set 1 by number, read`] = outcome(() => {
            s.setOption([constants.SOL_SOCKET, constants.SO_BSDCOMPAT], 1);
            return s.getOption([constants.SOL_SOCKET, constants.SO_BSDCOMPAT]);
          });
          break;
        }
      }
    } finally {
      s.close();
    }
  }
  return [actual, expected];
}

for (const { kind, open, root } of KINDS) {
  (root ? rootTest() : test)(`every option on ${kind}: set, read back, or refused as Linux does`, (t) => {
    const [actual, expected] = exercise(kind, open);
    t.deepEqual(actual, expected);
  });
}

test('the test values use the constants the table describes', (t) => {
  t.is(constants.IP_PMTUDISC_DO, 2);
  t.is(constants.IP_PMTUDISC_DONT, 0);
  t.is(icmpFilterMask([0, 3, 11]), 0xfffff7f6);
});

rootTest()('TCP_MAXSEG on a raw socket: setsockopt says ENOPROTOOPT, getsockopt EOPNOTSUPP, both explained', (t) => {
  const s = openSocket({ family: 'inet', type: 'raw', protocol: 'icmp' });
  const set = t.throws<SocketError>(() => s.setOption('TCP_MAXSEG', 1200));
  t.is(set?.code, 'ENOPROTOOPT');
  t.is(set?.errno, -constants.ENOPROTOOPT);
  t.is(set?.syscall, 'setsockopt');
  t.regex(set?.message ?? '', /TCP_MAXSEG: TCP options exist only on TCP/);
  const get = t.throws<SocketError>(() => s.getOption('TCP_MAXSEG'));
  t.is(get?.code, 'EOPNOTSUPP');
  t.is(get?.syscall, 'getsockopt');
  s.close();
});

test('SO_SNDLOWAT: the refusal says Linux fixes it at 1', (t) => {
  const s = openSocket({ family: 'inet', type: 'dgram' });
  const error = t.throws<SocketError>(() => s.setOption('SO_SNDLOWAT', 16));
  t.is(error?.code, 'ENOPROTOOPT');
  t.regex(error?.message ?? '', /Linux does not let you change SO_SNDLOWAT/);
  s.close();
});

test('SO_BSDCOMPAT: setOption refuses with ERR_OPTION_IGNORED and says why', (t) => {
  const s = openSocket({ family: 'inet', type: 'dgram' });
  const error = t.throws<SocketError>(() => s.setOption('SO_BSDCOMPAT', true));
  t.is(error?.code, 'ERR_OPTION_IGNORED');
  t.is(error?.errno, null);
  t.is(error?.message, 'Linux accepts SO_BSDCOMPAT but ignores it (removed in 2.6); it always reads 0');
  s.close();
});

test('IP_TOS on TCP: the kernel keeps the ECN bits for itself', (t) => {
  const s = openSocket({ family: 'inet', type: 'stream' });
  s.setOption('IP_TOS', 0xbb);
  t.is(s.getOption('IP_TOS'), 0xb8);
  s.close();
});

test('SO_SNDBUF/SO_RCVBUF: doubled, and capped at wmem_max/rmem_max before doubling', async (t) => {
  const { readFile } = await import('node:fs/promises');
  const wmemMax = Number((await readFile('/proc/sys/net/core/wmem_max', 'utf8')).trim());
  const s = openSocket({ family: 'inet', type: 'dgram' });
  s.setOption('SO_SNDBUF', wmemMax + 4096);
  t.is(s.getOption('SO_SNDBUF'), wmemMax * 2);
  s.close();
});

test('out-of-range values fail with EINVAL from the kernel, wrong shapes before the kernel', (t) => {
  const s = openSocket({ family: 'inet', type: 'dgram' });
  t.is(t.throws<SocketError>(() => s.setOption('IP_TTL', 0))?.code, 'EINVAL');
  t.is(t.throws<SocketError>(() => s.setOption('IP_TTL', 256))?.code, 'EINVAL');
  t.is(t.throws<SocketError>(() => s.setOption('IP_TTL', true as never))?.code, 'ERR_INVALID_ARG_TYPE');
  t.is(t.throws<SocketError>(() => s.setOption('SO_LINGER', { enabled: true } as never))?.code, 'ERR_INVALID_ARG_TYPE');
  t.is(t.throws<SocketError>(() => s.setOption('SO_RCVTIMEO', { seconds: 1, microseconds: 1e6 }))?.code, 'ERR_INVALID_ARG_VALUE');
  t.is(t.throws<SocketError>(() => s.setOption('NO_SUCH' as never, 1 as never))?.code, 'ERR_UNKNOWN_OPTION');
  // -1 restores the default TTL.
  s.setOption('IP_TTL', 42);
  s.setOption('IP_TTL', -1);
  t.is(s.getOption('IP_TTL'), 64);
  s.close();
});

test('options by number read and write the same values as by name', (t) => {
  const s = openSocket({ family: 'inet', type: 'dgram' });
  s.setOption(['IPPROTO_IP', constants.IP_TTL], 33);
  t.is(s.getOption('IP_TTL'), 33);
  t.is(s.getOption([constants.IPPROTO_IP, constants.IP_TTL]), 33);
  s.setOption([constants.SOL_SOCKET, constants.SO_LINGER], { enabled: true, seconds: 3 });
  t.deepEqual(s.getOption([constants.SOL_SOCKET, constants.SO_LINGER], 'linger'), { enabled: true, seconds: 3 });
  s.close();
});

test('the option table: one line of meaning per option, levels and names the addon knows', (t) => {
  const rows = optionTable();
  t.is(rows.length, OPTION_NAMES.length);
  for (const row of rows) {
    t.true(row.meaning.length > 10 && !row.meaning.includes('\n'), row.name);
    t.is(typeof constants[row.level], 'number', row.level);
    t.is(typeof constants[row.name], 'number', row.name);
    t.is(row.kind === 'bytes', row.size !== null, row.name);
  }
  for (const required of ['SO_REUSEADDR', 'SO_KEEPALIVE', 'SO_LINGER', 'SO_BROADCAST', 'SO_OOBINLINE', 'SO_SNDBUF', 'SO_RCVBUF', 'SO_TYPE', 'SO_ERROR', 'SO_DEBUG', 'SO_RCVLOWAT', 'SO_SNDLOWAT', 'SO_RCVTIMEO', 'SO_SNDTIMEO', 'SO_BSDCOMPAT', 'IP_HDRINCL', 'IP_OPTIONS', 'IP_TOS', 'IP_TTL', 'TCP_MAXSEG', 'TCP_NODELAY', 'IPV6_UNICAST_HOPS', 'IPV6_TCLASS', 'IP_RECVERR', 'IP_MTU_DISCOVER', 'IPV6_V6ONLY', 'ICMP_FILTER']) {
    t.true(OPTION_NAMES.includes(required as OptionName), required);
  }
});
