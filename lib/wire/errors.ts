// The three ways wire code can refuse input, each one line and each naming where the problem is:
//   DecodeError  bytes that cannot be a packet (structure, not values: a bad checksum is data)
//   EncodeError  a value that cannot be written (field name + allowed range)
//   ParseError   text that cannot be read (hex dumps, dotted quads, TOS names)
// All extend WireError so a caller can catch the family at once.

export class WireError extends Error {
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

/**
 * Structurally malformed input. `offset` is absolute: counted from the start of the buffer the
 * caller handed to decode, not from the header being read. `partial` holds whatever had been
 * decoded before the problem (e.g. the IPv4 header when the UDP header is cut short), or null.
 */
export class DecodeError extends WireError {
  readonly offset: number;
  readonly reason: string;
  partial: unknown;
  constructor(reason: string, offset: number, partial: unknown = null) {
    super(`${reason} (at byte ${offset})`);
    this.reason = reason;
    this.offset = offset;
    this.partial = partial;
  }
}

/**
 * `parse(text)` for a value encode was given: its ParseError becomes the EncodeError on `field`
 * ("ip.src: 10.0.0.300 ..."), `allowed` saying what would do. One rule for every text field.
 */
export function parseField<T>(field: string, text: string, allowed: string, parse: (text: string) => T): T {
  try {
    return parse(text);
  } catch (e) {
    if (e instanceof ParseError) throw new EncodeError(field, text, e.message, allowed);
    throw e;
  }
}

/** How typeOfKind names what it checks, in its errors. */
export interface KindWords {
  /** What the init should have been: "an ICMP message object". */
  object: string;
  /** What its kind should have been: "an ICMP kind". */
  kind: string;
  /** The `allowed` of that error: "ICMP kind". */
  allowed: string;
  /** Before "kind" and "type" in the field names: '' for a message, "options[2]." for an option. */
  at: string;
}

/**
 * The type an init's kind stands for (`kinds`: kind -> type), or for kind 'unknown' its own type;
 * EncodeError when the init is no object, its kind is none of them, or the type given disagrees.
 * One rule for ICMP messages, IPv6 options and ND options.
 */
export function typeOfKind(init: { kind?: unknown; type?: unknown } | null, kinds: Readonly<Record<string, number>>, field: string, words: KindWords): number {
  checkInitObject(init, field, words.object);
  if (init.kind === 'unknown') return checkUint(init.type, 255, `${words.at}type`);
  const expected = kinds[init.kind as string];
  if (expected === undefined) {
    throw new EncodeError(`${words.at}kind`, init.kind, `${show(init.kind)} is not ${words.kind} (allowed ${[...Object.keys(kinds), 'unknown'].join(', ')})`, words.allowed);
  }
  if (init.type !== undefined && init.type !== expected) {
    throw new EncodeError(`${words.at}type`, init.type, `${show(init.type)} does not match kind ${String(init.kind)} (type ${expected}); use kind "unknown" for other types`, String(expected));
  }
  return expected;
}

/** Every encode's first check: `init` must be an object ("ip: 5 is not an IPv4 header object"). */
export function checkInitObject<T>(init: T, field: string, what: string): asserts init is NonNullable<T> {
  if (init === null || typeof init !== 'object') throw new EncodeError(field, init, `${show(init)} is not ${what}`, 'an object');
}

/** The encode options the header codecs share, with their defaults: lengths and checksums computed, no payload. */
export function encodeDefaults(opts: { fixLengths?: boolean; computeChecksums?: boolean; payloadLength?: number }) {
  return { fixLengths: opts.fixLengths ?? true, computeChecksums: opts.computeChecksums ?? true, payloadLength: opts.payloadLength ?? 0 };
}

/**
 * Decodes one part of `whole` (its options, a layer) into whole[key]. A DecodeError from the
 * part keeps what the part did read in whole[key] and leaves with `whole` as its partial, so the
 * caller sees everything read before the problem: one rule for every codec that nests another.
 */
export function decodePart<T, K extends keyof T>(whole: T, key: K, decode: () => T[K]): T[K] {
  try {
    return (whole[key] = decode());
  } catch (e) {
    if (e instanceof DecodeError) {
      whole[key] = e.partial as T[K];
      e.partial = whole;
    }
    throw e;
  }
}

/**
 * A value that cannot be put on the wire. `field` is the name (or JSON path) of the value,
 * `allowed` says what would have been accepted. The message reads "ip.ttl: 300 is out of range 0-255".
 */
export class EncodeError extends WireError {
  readonly field: string;
  readonly value: unknown;
  readonly problem: string;
  readonly allowed: string;
  constructor(field: string, value: unknown, problem: string, allowed = '') {
    super(`${field}: ${problem}`);
    this.field = field;
    this.value = value;
    this.problem = problem;
    this.allowed = allowed;
  }

  /** The same error with `prefix.` in front of the field, for errors raised by a nested encoder. */
  under(prefix: string): EncodeError {
    if (prefix === '') return this;
    const e = new EncodeError(`${prefix}.${this.field}`, this.value, this.problem, this.allowed);
    e.stack = this.stack;
    return e;
  }
}

/** Text that cannot be parsed. `position` is the 0-based character index of the problem, or null. */
export class ParseError extends WireError {
  readonly input: string;
  readonly position: number | null;
  constructor(message: string, input: string, position: number | null = null) {
    super(message);
    this.input = input;
    this.position = position;
  }
}

// ---- value checks shared by every encoder -------------------------------------------------------

function show(v: unknown): string {
  if (typeof v === 'string') return JSON.stringify(v);
  if (typeof v === 'number' || typeof v === 'boolean' || v === null || v === undefined) return String(v);
  if (v instanceof Uint8Array) return `<${v.length} bytes>`;
  if (Array.isArray(v)) return 'an array';
  return typeof v;
}

/** Throws EncodeError unless `v` is an integer in [0, max]. Returns it, typed. */
export function checkUint(v: unknown, max: number, field: string): number {
  if (v === undefined) {
    throw new EncodeError(field, v, `missing (allowed 0-${max})`, `0-${max}`);
  }
  if (typeof v !== 'number' || !Number.isInteger(v)) {
    throw new EncodeError(field, v, `${show(v)} is not an integer (allowed 0-${max})`, `0-${max}`);
  }
  if (v < 0 || v > max) {
    throw new EncodeError(field, v, `${v} is out of range 0-${max}`, `0-${max}`);
  }
  return v;
}

/**
 * A 16-bit length field (IPv4 total length, UDP length, IPv6 payload length): as the caller gave
 * it, else 0 when lengths are not fixed, else `computed`, which must fit (`more`: what else the
 * error has to say, after the maximum).
 */
export function lengthField(given: unknown, field: string, fixLengths: boolean, computed: number, more = ''): number {
  if (given !== undefined) return checkUint(given, 0xffff, field);
  if (!fixLengths) return 0;
  if (computed > 0xffff) throw new EncodeError(field, computed, `${computed} bytes do not fit the 16-bit field (max 65535${more})`, '0-65535');
  return computed;
}

export function checkBool(v: unknown, field: string): boolean {
  if (typeof v !== 'boolean') {
    throw new EncodeError(field, v, `${show(v)} is not a boolean (allowed true or false)`, 'true or false');
  }
  return v;
}

export function checkBytes(v: unknown, field: string, maxLength = 65535): Uint8Array {
  if (!(v instanceof Uint8Array)) {
    throw new EncodeError(field, v, `${show(v)} is not bytes (allowed a Buffer or Uint8Array)`, 'bytes');
  }
  if (v.length > maxLength) {
    throw new EncodeError(field, v, `${v.length} bytes is more than the ${maxLength} that fit`, `0-${maxLength} bytes`);
  }
  return v;
}

export { show as showValue };
