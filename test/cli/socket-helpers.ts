// Shared bits of the `rawprobe socket` tests: call log lines matched with descriptor numbers as
// patterns, the port a `listen ...:0` was given, addresses per family, and text messages.
import { readFileSync } from 'node:fs';

import type { ExecutionContext } from 'ava';

import { createSocket } from '../../lib/socket/index.js';
import type { RunningCli } from '../helpers/cli.js';
import { uniqueName } from '../socket/helpers.js';
import { familyOf, type Place } from '../socket/classic/helpers.js';

/** What `--send` takes: text, non-ASCII UTF-8 included (bytes compared exactly), and a long one. */
export const TEXT_MESSAGES: readonly string[] = ['hello', 'wörld ✓', 'Z'.repeat(3000)];
export const textBytes = (messages: readonly string[]): Buffer[] => messages.map((m) => Buffer.from(m, 'utf8'));

/** The call log lines of some output: every line that looks like `name(...) = ...`, or an unlink. */
export function callLines(text: string): string[] {
  return text.split('\n').filter((l) => /^[a-z_0-9]+\(.*\) = /.test(l));
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * `template` as a pattern: `{name}` stands for a descriptor number; the first time a name is met
 * it takes the number in the line, later uses must show the same number (`fds` keeps them).
 */
export function linePattern(template: string, fds: Map<string, string>): { regex: RegExp; names: string[] } {
  const names: string[] = [];
  let source = '';
  let rest = template;
  for (let m = /\{(\w+)\}/.exec(rest); m !== null; m = /\{(\w+)\}/.exec(rest)) {
    source += escapeRegExp(rest.slice(0, m.index));
    const name = m[1] as string;
    const known = fds.get(name);
    if (known !== undefined) source += known;
    else if (names.includes(name)) source += `\\k<${name}>`;
    else {
      source += `(?<${name}>\\d+)`;
      names.push(name);
    }
    rest = rest.slice(m.index + m[0].length);
  }
  return { regex: new RegExp(`^${source}${escapeRegExp(rest)}$`), names };
}

/** Asserts `lines` (a run of consecutive call lines) match `templates` one for one. */
export function assertLines(t: ExecutionContext, lines: readonly string[], templates: readonly string[], fds = new Map<string, string>()): Map<string, string> {
  t.is(lines.length, templates.length, `lines:\n${lines.join('\n')}`);
  templates.forEach((template, i) => {
    const { regex, names } = linePattern(template, fds);
    const got = regex.exec(lines[i] ?? '');
    t.truthy(got, `line ${i}: ${JSON.stringify(lines[i])} does not match ${JSON.stringify(template)}`);
    for (const name of names) fds.set(name, got?.groups?.[name] ?? '?');
  });
  return fds;
}

/** Asserts that `lines` hold a line matching each template, in this order (others may come between). */
export function assertInOrder(t: ExecutionContext, lines: readonly string[], templates: readonly string[], fds = new Map<string, string>()): Map<string, string> {
  let from = 0;
  for (const template of templates) {
    const { regex, names } = linePattern(template, fds);
    const at = lines.findIndex((l, i) => i >= from && regex.test(l));
    t.true(at >= 0, `no line matching ${JSON.stringify(template)} after line ${from} in:\n${lines.join('\n')}`);
    if (at < 0) return fds;
    const got = regex.exec(lines[at] as string);
    for (const name of names) fds.set(name, got?.groups?.[name] ?? '?');
    from = at + 1;
  }
  return fds;
}

/** A TCP/UDP port on 127.0.0.1 nobody holds now (the kernel's pick, released). */
export function freePort(type: 'stream' | 'dgram' = 'stream'): number {
  const s = createSocket({ family: 'inet', type }).bind('127.0.0.1', 0);
  const port = s.address().port as number;
  s.close();
  return port;
}

/**
 * Waits until a `listen` serves: its listen() line (stream, seqpacket) or its bind() line (dgram),
 * and resolves with the port getsockname showed for an address with port 0 (null for unix).
 */
export async function serving(cli: RunningCli, type: string, unix: boolean, stream: 'stdout' | 'stderr' = 'stderr'): Promise<number | null> {
  let port: number | null = null;
  if (unix) {
    if (type === 'dgram') await cli.line(stream, /^bind\(\d+, .*\) = 0$/);
  } else {
    const line = await cli.line(stream, /^getsockname\(\d+\) = 0  /);
    port = Number(/:(\d+)   \(port 0/.exec(line)?.[1]);
  }
  if (type === 'stream' || type === 'seqpacket') await cli.line(stream, /^listen\(\d+, \d+\) = 0$/);
  return port;
}

/** Resolves once a socket listens on 127.0.0.1:port (state 0A in /proc/net/tcp): for a --quiet listen, or a peer tool. */
export async function listeningOn(port: number, limitMs = 30_000): Promise<void> {
  const local = `0100007F:${port.toString(16).toUpperCase().padStart(4, '0')}`;
  const listens = (): boolean =>
    readFileSync('/proc/net/tcp', 'utf8')
      .split('\n')
      .some((line) => {
        const f = line.trim().split(/\s+/);
        return f[1] === local && f[3] === '0A';
      });
  for (let waited = 0; !listens(); waited += 10) {
    if (waited > limitMs) throw new Error(`nothing listens on 127.0.0.1:${port} after ${limitMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** Where rawprobe listens for `place`: ADDRESS as the CLI takes it (port 0: the kernel picks). */
export function listenText(place: Place, dir: string, name = 'server'): string {
  if (place === 'inet') return '127.0.0.1:0';
  if (place === 'inet6') return '[::1]:0';
  if (place === 'unix') return `${dir}/${name}.sock`;
  return `@${uniqueName(`rawprobe-cli-${name}`)}`;
}

/** The same place with its port filled in: what a client connects to. */
export function connectText(place: Place, listened: string, port: number | null): string {
  return familyOf(place) === 'unix' ? listened : listened.replace(/:0$/, `:${port}`);
}

/** The address as the log shows it: 127.0.0.1:PORT, [::1]:PORT, "PATH", "@name". */
export function shownAddress(place: Place, text: string, port: number | null): string {
  if (familyOf(place) !== 'unix') return text.replace(/:0$/, `:${port}`);
  return JSON.stringify(text);
}

export const FAMILY_CONSTANT = { inet: 'AF_INET', inet6: 'AF_INET6', unix: 'AF_UNIX' } as const;
export const TYPE_CONSTANT = { stream: 'SOCK_STREAM', dgram: 'SOCK_DGRAM', seqpacket: 'SOCK_SEQPACKET' } as const;
