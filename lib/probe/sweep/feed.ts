// The targets of a sweep, one address at a time, generated as the sweep asks for them.
//
// Two sides. The producer (async) reads the command-line specs, then each file line by line,
// resolves names (a few lookups at once, results kept in list order) and queues specs: a block
// or a range is one queue entry however large, and the queue is short (HIGH_WATER entries; the
// producer waits when it is full). The consumer is the probe engine's next(), which cannot wait:
// take() hands out the next address at once, or says "none yet" (starved: the producer calls
// onReady() when it has more) or "no more" (end).
//
// So memory holds a few specs and lookups, never the expanded list: a /8 or a ten-million-line
// file costs what a /24 costs.
import { parseIpv4, u32 } from '../../wire/bytes.js';
import { parseIpv6 } from '../../wire/ipv6-address.js';
import type { CheckedFiles, CheckedList } from './checked.js';
import { resolveTarget, type IpVersion } from '../resolve.js';
import { readTargetBatches, TARGET_KIND, targetCount, type TargetOrigin, type TargetSpec } from './targets.js';

/**
 * What take() found:
 *
 *   target   `out` holds the next target
 *   starved  nothing queued yet: names are being looked up or a file is being read (onReady follows)
 *   end      the list is exhausted (or stopped by an error: see `error`)
 */
export const FEED = { target: 0, starved: 1, end: 2 } as const;
export type FeedState = (typeof FEED)[keyof typeof FEED];

/** The target take() hands out; one object, overwritten by every call. */
export interface FeedTarget {
  /** The address (u32); IPv6: its low 32 bits. */
  address: number;
  /** The name as the user wrote it, for a name; null for addresses, blocks and ranges. */
  name: string | null;
  /** IPv6: the upper 12 bytes of the address (shared, read-only); absent or null for IPv4. */
  high?: Uint8Array | null;
}

export interface TargetFeedOptions {
  /** Command-line targets, already parsed (parseTargetArguments). */
  args: readonly TargetSpec[];
  /** Files, one target per line; `-` is `stdin`. */
  files?: readonly string[];
  stdin?: NodeJS.ReadableStream;
  /** Files the check kept (checked.ts): their targets are taken from there, the file not read again. */
  checked?: CheckedFiles;
  /** The IP version of the sweep (default 4): how file lines are read and names looked up. */
  version?: IpVersion;
  /** Name to address (default: resolveTarget, getaddrinfo for `version`). Rejects with a one-line reason. */
  resolve?: (name: string) => Promise<string>;
  /** A name that did not resolve: counted and reported, the sweep goes on (fping does). */
  onUnknown?: (name: string, reason: string, origin: TargetOrigin | null) => void;
  /** More targets (or the end) after take() said starved. */
  onReady?: () => void;
}

/** Queue entries the producer keeps ahead of the sweep. */
const HIGH_WATER = 1024;
/** Name lookups in flight at once. */
const LOOKUPS = 16;

interface Entry {
  first: number;
  last: number;
  name: string | null;
  high: Uint8Array | null;
  /** A whole file the check kept (checked.ts): its targets are walked where they lie, no entry each. */
  list?: CheckedList;
}

function resolverFor(version: IpVersion): (name: string) => Promise<string> {
  return async (name) => (await resolveTarget(name, version, version === 4)).address;
}

export class TargetFeed {
  /** Why the list stopped early (a bad line read from stdin, an unreadable file), else null. */
  error: Error | null = null;
  /** Addresses handed out so far. */
  taken = 0;
  /** How many targets the list holds, when that is known before reading it (no files); else null. */
  readonly total: number | null;

  readonly #options: TargetFeedOptions;
  readonly #resolve: (name: string) => Promise<string>;
  readonly #version: IpVersion;
  readonly #queue: (Entry | undefined)[] = [];
  #head = 0;
  /** The range being handed out: #cursor..#last, with its name and upper bits. */
  #cursor = 0;
  #last = -1;
  #name: string | null = null;
  #high: Uint8Array | null = null;
  /** A kept file being walked, and its next target's index. */
  #list: CheckedList | null = null;
  #listAt = 0;
  #produced = false; // the producer has queued everything it will
  #starved = false;
  #closed = false;
  #room: (() => void) | null = null;
  #readyWaiters: (() => void)[] = [];
  #started = false;

  constructor(options: TargetFeedOptions) {
    this.#options = options;
    this.#version = options.version ?? 4;
    this.#resolve = options.resolve ?? resolverFor(this.#version);
    const files = options.files ?? [];
    this.total = files.length > 0 ? null : options.args.reduce((n, spec) => n + targetCount(spec), 0);
  }

  /** Starts reading; resolves once the first target is queued or the list turned out empty. */
  start(): Promise<void> {
    if (!this.#started) {
      this.#started = true;
      void this.#produce().then(
        () => this.#finish(null),
        (e: unknown) => this.#finish(e instanceof Error ? e : new Error(String(e))),
      );
    }
    return this.#readyOrDone();
  }

  /** Stops reading (the sweep was interrupted): take() says end from now on. */
  close(): void {
    this.#closed = true;
    this.#releaseRoom();
  }

  /** Fills `out` with the next target (FEED.target), or says why not. Never waits. */
  take(out: FeedTarget): FeedState {
    if (this.#closed) return FEED.end;
    for (;;) {
      if (this.#cursor <= this.#last) {
        out.address = this.#cursor;
        out.name = this.#name;
        out.high = this.#high;
        this.#cursor++;
        this.taken++;
        return FEED.target;
      }
      const list = this.#list;
      if (list !== null && this.#listAt < list.length) {
        const i = this.#listAt++;
        this.#range(list.first(i), list.last(i), null, list.high(i));
        continue;
      }
      this.#list = null;
      const next = this.#shift();
      if (next === undefined) {
        if (this.#produced) return FEED.end;
        this.#starved = true;
        return FEED.starved;
      }
      if (next.list !== undefined) {
        this.#list = next.list;
        this.#listAt = 0;
      } else {
        this.#range(next.first, next.last, next.name, next.high);
      }
    }
  }

  #range(first: number, last: number, name: string | null, high: Uint8Array | null): void {
    this.#cursor = first;
    this.#last = last;
    this.#name = name;
    this.#high = high;
  }

  /** True when nothing more will come (take() would say end once the current entry is used). */
  get exhausted(): boolean {
    return this.#closed || (this.#produced && this.#head >= this.#queue.length);
  }

  // ---- the producer ---------------------------------------------------------------------------

  async #produce(): Promise<void> {
    const lookups: Promise<Entry | null>[] = [];
    const drain = async (keep: number): Promise<void> => {
      while (lookups.length > keep) {
        const entry = await lookups.shift()!;
        if (entry !== null) this.#push(entry);
      }
    };
    // A spec queued at once when it can be (no name before it still resolving, room in the
    // queue): a file of addresses costs no promise per line. False: it must wait (add()).
    const addNow = (spec: TargetSpec): boolean => {
      if (spec.kind === TARGET_KIND.name || lookups.length > 0 || this.#full()) return false;
      this.#push({ first: spec.first, last: spec.last, name: null, high: spec.high ?? null });
      return true;
    };
    const add = async (spec: TargetSpec, origin: () => TargetOrigin): Promise<void> => {
      if (spec.kind === TARGET_KIND.name) {
        lookups.push(this.#lookup(spec.text, origin()));
        await drain(LOOKUPS - 1);
      } else {
        await drain(0); // names before this one come first
        this.#push({ first: spec.first, last: spec.last, name: null, high: spec.high ?? null });
      }
      await this.#waitForRoom();
    };
    let position = 0;
    for (const spec of this.#options.args) {
      position++;
      if (this.#closed) return;
      const line = position;
      await add(spec, () => ({ file: null, line }));
    }
    for (const file of this.#options.files ?? []) {
      const kept = this.#options.checked?.get(file);
      if (kept !== undefined) {
        await drain(0);
        if (this.#closed) return;
        this.#push({ first: 0, last: -1, name: null, high: null, list: kept });
        await this.#waitForRoom();
        continue;
      }
      for await (const { specs, lines } of readTargetBatches(file, this.#options.stdin, this.#version)) {
        for (let i = 0; i < specs.length; i++) {
          if (this.#closed) return;
          if (!addNow(specs[i]!)) await add(specs[i]!, () => ({ file, line: lines[i]! }));
        }
      }
    }
    await drain(0);
  }

  async #lookup(name: string, origin: TargetOrigin | null): Promise<Entry | null> {
    try {
      const address = await this.#resolve(name);
      if (this.#version === 4) {
        const value = parseIpv4(address);
        return { first: value, last: value, name, high: null };
      }
      const bytes = parseIpv6(address);
      const low = u32(bytes, 12);
      return { first: low, last: low, name, high: bytes.subarray(0, 12) };
    } catch (e) {
      const message = e instanceof Error ? e.message : String(e);
      // resolveTarget words it "name: reason"; keep the reason only.
      const reason = message.startsWith(`${name}: `) ? message.slice(name.length + 2) : message;
      this.#options.onUnknown?.(name, reason, origin);
      return null;
    }
  }

  #push(entry: Entry): void {
    if (this.#closed) return;
    this.#queue.push(entry);
    this.#notify();
  }

  #shift(): Entry | undefined {
    if (this.#head >= this.#queue.length) return undefined;
    const entry = this.#queue[this.#head];
    this.#queue[this.#head] = undefined;
    this.#head++;
    if (this.#head > 256 && this.#head * 2 > this.#queue.length) {
      this.#queue.splice(0, this.#head);
      this.#head = 0;
    }
    if (this.#queue.length - this.#head < HIGH_WATER / 2) this.#releaseRoom();
    return entry;
  }

  /** The queue holds HIGH_WATER entries: the producer waits. */
  #full(): boolean {
    return this.#queue.length - this.#head >= HIGH_WATER;
  }

  #waitForRoom(): Promise<void> | void {
    if (this.#closed || !this.#full()) return;
    return new Promise<void>((resolve) => {
      this.#room = resolve;
    });
  }

  #releaseRoom(): void {
    const room = this.#room;
    this.#room = null;
    room?.();
  }

  #finish(error: Error | null): void {
    if (error !== null && this.error === null) this.error = error;
    this.#produced = true;
    this.#notify();
  }

  /** Tells the consumer (and start()) that something changed. */
  #notify(): void {
    if (this.#readyWaiters.length > 0) for (const w of this.#readyWaiters.splice(0)) w();
    if (this.#starved) {
      this.#starved = false;
      this.#options.onReady?.();
    }
  }

  #readyOrDone(): Promise<void> {
    if (this.#produced || this.#head < this.#queue.length || this.#closed) return Promise.resolve();
    return new Promise<void>((resolve) => this.#readyWaiters.push(resolve));
  }
}
