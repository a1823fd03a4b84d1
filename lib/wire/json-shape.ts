// Reading hand-written or edited JSON back into encoder inits, driven by a declared shape, so a
// protocol with twenty message kinds is described once (json6.ts) instead of read by hand.
//
// Every value is checked and an error names its JSON path and what is allowed
// ("icmpv6.options[1].mtu: 70000 is out of range 0-4294967295"). Unknown keys are errors (a typo
// must not be silently ignored). Derived keys (headerLength, checksumValid, ...) are accepted
// and dropped. Computed keys (lengths, checksums, Next Header) are kept, written as given, unless
// `recompute` asks for them to be dropped and computed again. Keys absent or undefined stay
// absent, so the init looks hand-written.

import { parseHex } from './bytes.js';
import { checkBool, checkUint, EncodeError, parseField, showValue } from './errors.js';
import { ipv6OrNull } from './ipv6-address.js';

interface Common {
  /** Must be present (a "missing" error otherwise). */
  req?: boolean;
  /** null is a value (kept as null). */
  nullable?: boolean;
  /** Dropped when recomputing. */
  computed?: boolean;
}
export type Field =
  | (Common & { t: 'uint'; max: number })
  | (Common & { t: 'bool' })
  | (Common & { t: 'hex'; maxBytes?: number })
  | (Common & { t: 'addr6' })
  | (Common & { t: 'text'; pattern: RegExp; help: string })
  | (Common & { t: 'oneOf'; values: readonly (string | number)[] })
  | { t: 'derived'; check?: 'uint' | 'bool' | 'bool-or-null' }
  | (Common & { t: 'array'; of: Field })
  | (Common & { t: 'object'; shape: Shape; recompute?: boolean })
  | (Common & { t: 'kinds'; kinds: Record<string, Shape>; kindOfType?: (type: number) => string; what: string; recompute?: boolean });
export type Shape = Record<string, Field>;

export const uint = (max: number, extra: Common = {}): Field => ({ t: 'uint', max, ...extra });
export const U8 = uint(255);
export const U16 = uint(0xffff);
export const U32 = uint(0xffffffff);
export const BOOL: Field = { t: 'bool' };
export const HEX: Field = { t: 'hex' };
export const ADDR6: Field = { t: 'addr6' };
export const DERIVED: Field = { t: 'derived' };
export const DERIVED_UINT: Field = { t: 'derived', check: 'uint' };
export const DERIVED_BOOL: Field = { t: 'derived', check: 'bool' };
export const DERIVED_VALID: Field = { t: 'derived', check: 'bool-or-null' };
/** A field computed when absent: written as given, dropped when recomputing. */
export const computed = (f: Field): Field => ({ ...f, computed: true }) as Field;
export const required = (f: Field): Field => ({ ...f, req: true }) as Field;
export const nullable = (f: Field): Field => ({ ...f, nullable: true }) as Field;

type Obj = Record<string, unknown>;

export function join(path: string, key: string | number): string {
  if (typeof key === 'number') return `${path}[${key}]`;
  return path === '' ? key : `${path}.${key}`;
}

function allowedOf(f: Field): string {
  switch (f.t) {
    case 'uint':
      return `0-${f.max}`;
    case 'bool':
      return 'true or false';
    case 'hex':
      return 'hex string';
    case 'addr6':
      return 'IPv6 address';
    case 'text':
      return f.help;
    case 'oneOf':
      return f.values.join(' or ');
    case 'array':
      return 'an array';
    default:
      return 'an object';
  }
}

/** Reads `v` at `path` as field `f`; undefined for an absent optional value. */
export function readField(v: unknown, f: Field, path: string, recompute: boolean): unknown {
  if (f.t === 'derived') {
    if (v === undefined) return undefined;
    if (f.check === 'uint') checkUint(v, Number.MAX_SAFE_INTEGER, path);
    else if (f.check === 'bool') checkBool(v, path);
    else if (f.check === 'bool-or-null' && v !== null) checkBool(v, path);
    return undefined;
  }
  if (v === undefined) {
    if (f.req) throw new EncodeError(path, undefined, `missing (allowed ${allowedOf(f)})`, allowedOf(f));
    return undefined;
  }
  if (v === null && f.nullable) return null;
  switch (f.t) {
    case 'uint':
      return checkUint(v, f.max, path);
    case 'bool':
      return checkBool(v, path);
    case 'hex':
      return hexValue(v, path, f.maxBytes);
    case 'addr6':
      if (typeof v !== 'string' || ipv6OrNull(v) === null) {
        throw new EncodeError(path, v, `${showValue(v)} is not an IPv6 address (e.g. "2001:db8::1")`, 'IPv6 address');
      }
      return v;
    case 'text':
      if (typeof v !== 'string' || !f.pattern.test(v)) throw new EncodeError(path, v, `${showValue(v)} is not ${f.help}`, f.help);
      return v;
    case 'oneOf':
      if (!f.values.includes(v as string | number)) throw new EncodeError(path, v, `${showValue(v)} is not one of ${f.values.join(', ')}`, allowedOf(f));
      return v;
    case 'array':
      if (!Array.isArray(v)) throw new EncodeError(path, v, `${showValue(v)} is not an array`, 'an array');
      return v.map((x, k) => readField(x, f.of, join(path, k), recompute));
    case 'object':
      return readShape(v, f.shape, path, f.recompute === false ? false : recompute);
    case 'kinds':
      return readKinds(v, f, path, f.recompute === false ? false : recompute);
  }
}

/** Reads an object of the given shape (unknown keys are errors). */
export function readShape(v: unknown, shape: Shape, path: string, recompute: boolean): Obj {
  if (v === null || typeof v !== 'object' || Array.isArray(v) || v instanceof Uint8Array) {
    throw new EncodeError(path || 'packet', v, `${showValue(v)} is not an object`, 'an object');
  }
  const o = v as Obj;
  for (const key of Object.keys(o)) {
    if (!(key in shape)) {
      const allowed = Object.keys(shape).join(', ');
      throw new EncodeError(join(path, key), o[key], `unknown field (allowed: ${allowed})`, allowed);
    }
  }
  const out: Obj = {};
  for (const [key, f] of Object.entries(shape)) {
    const value = readField(o[key], f, join(path, key), recompute);
    if (value !== undefined && !(recompute && f.t !== 'derived' && f.computed)) out[key] = value;
  }
  return out;
}

function readKinds(v: unknown, f: Extract<Field, { t: 'kinds' }>, path: string, recompute: boolean): Obj {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) {
    throw new EncodeError(path, v, `${showValue(v)} is not ${f.what} object`, 'an object');
  }
  let kind = (v as Obj).kind;
  if (kind === undefined && f.kindOfType !== undefined) {
    const type = (v as Obj).type;
    if (type !== undefined) kind = f.kindOfType(checkUint(type, 255, join(path, 'type')));
  }
  if (typeof kind !== 'string' || !(kind in f.kinds)) {
    const allowed = Object.keys(f.kinds).join(', ');
    throw new EncodeError(join(path, 'kind'), kind, `${kind === undefined ? 'missing' : showValue(kind)}: not ${f.what} kind (allowed ${allowed})`, allowed);
  }
  return { ...readShape({ ...(v as Obj), kind }, f.kinds[kind]!, path, recompute), kind };
}

function hexValue(v: unknown, path: string, maxBytes?: number): Buffer {
  if (typeof v !== 'string') throw new EncodeError(path, v, `${showValue(v)} is not a hex string (e.g. "6000000000083a40")`, 'hex string');
  const b = parseField(path, v, 'hex string', parseHex);
  if (maxBytes !== undefined && b.length > maxBytes) {
    throw new EncodeError(path, v, `${b.length} bytes is more than the ${maxBytes} that fit`, `0-${maxBytes} bytes`);
  }
  return b;
}
