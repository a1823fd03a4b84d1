// One way to print the call log as strace does (the later `rawprobe socket` command owns the
// real printer, in cli/format): here only to show that each record holds what such a line
// needs, and to compare whole lines in the tests.
import type { CallArg, SocketAddress, SocketCall } from '../../../lib/socket/index.js';

function isAddress(arg: CallArg): arg is SocketAddress {
  return typeof arg === 'object' && arg !== null && 'family' in arg && 'address' in arg;
}

export function showAddress(a: SocketAddress): string {
  if (a.family === 'unix') return a.address === '' ? '(unnamed)' : JSON.stringify(a.address.replace(/^\0/, '@'));
  return a.family === 'inet6' ? `[${a.address}]:${a.port}` : `${a.address}:${a.port}`;
}

function showArg(arg: CallArg): string {
  if (typeof arg === 'number' || typeof arg === 'string') return String(arg);
  if (typeof arg === 'boolean') return arg ? '1' : '0';
  if (isAddress(arg)) return showAddress(arg);
  if ('bytes' in arg && Object.keys(arg).length === 1) return `${String(arg['bytes'])} bytes`;
  return JSON.stringify(arg);
}

const RECEIVES = new Set(['recv', 'recvfrom', 'recvmsg']);

export function straceLine(c: SocketCall): string {
  const args = [...(c.fd === null ? [] : [String(c.fd)]), ...c.args.map(showArg)].join(', ');
  let result: string;
  if (c.error !== null) result = `-1 ${c.error.code}`;
  else if (RECEIVES.has(c.call)) result = `${c.result} bytes ${JSON.stringify(c.data?.toString('latin1') ?? '')}`;
  else if (c.fds !== null && c.call === 'socketpair') result = `${c.result} [${c.fds.join(', ')}]`;
  else result = String(c.result);
  const peer = c.call === 'accept' && c.peer !== null ? `  peer: ${showAddress(c.peer)}` : '';
  return `${c.call}(${args}) = ${result}${peer}`;
}
