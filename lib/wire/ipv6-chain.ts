// The chain of IPv6 extension headers (RFC 8200 section 4.1): each header's Next Header names
// the one after it, until an upper layer (TCP, UDP, ICMPv6, anything we do not walk), No Next
// Header (59), ESP (its next header is encrypted), or the data of a fragment that is not the
// first (its first byte is somewhere in the middle of someone's payload).
//
// A chain cannot loop in bytes (every header moves us at least 8 bytes on), but a packet can be
// built of nothing else: more than MAX_EXTENSION_HEADERS headers is refused as a DecodeError at
// the header past the limit (RFC 8200 section 4.1 expects at most one of each, Destination
// Options twice: 7 in all). A header that runs past the bytes given is a DecodeError at its
// first byte; for a quoted datagram (lenient) the walk stops there instead and says so.

import { DecodeError, EncodeError } from './errors.js';
import {
  claimedLength,
  decode as decodeExtension,
  encode as encodeExtension,
  encodingLength as extensionLength,
  EXTENSION_TYPE,
  extensionKindOf,
  type FragmentHeader,
  type Ipv6Extension,
  type Ipv6ExtensionInit,
} from './ipv6-ext.js';

/** Most extension headers decodeChain walks before refusing the packet. */
export const MAX_EXTENSION_HEADERS = 32;

export interface Chain {
  extensions: Ipv6Extension[];
  /** The Next Header value after the last extension (the upper layer); null after ESP. */
  upperLayer: number | null;
  /** Offset of the first byte after the chain: the upper-layer header, or fragment data. */
  end: number;
  /** The Fragment header, if any, and its offset (-1 when none). */
  fragment: FragmentHeader | null;
  fragmentAt: number;
  /** Offset of the first Routing header with segments left (it names the final destination), or -1. */
  routingOffset: number;
  /** False when a header ran past the bytes (lenient walks only): `end` is where it starts. */
  complete: boolean;
}

/**
 * Walks the chain that starts with Next Header `nextHeader` at b[start, end). Throws DecodeError
 * (partial: the extensions read so far, and the one that failed as far as it was read) when a
 * header is cut or malformed, unless `lenient`, which stops the walk at a cut header instead.
 */
export function decodeChain(b: Uint8Array, start: number, end: number, nextHeader: number, lenient = false): Chain {
  const chain: Chain = { extensions: [], upperLayer: nextHeader, end: start, fragment: null, fragmentAt: -1, routingOffset: -1, complete: true };
  let i = start;
  let next: number | null = nextHeader;
  while (next !== null && extensionKindOf(next) !== null) {
    if (chain.extensions.length === MAX_EXTENSION_HEADERS) {
      throw new DecodeError(`more than ${MAX_EXTENSION_HEADERS} IPv6 extension headers`, i, chain.extensions);
    }
    if (lenient && claimedLength(b, i, end - i, next) > end - i) {
      chain.complete = false;
      break;
    }
    let h: Ipv6Extension;
    try {
      h = decodeExtension(b, i, end - i, next);
    } catch (e) {
      if (!(e instanceof DecodeError)) throw e;
      e.partial = e.partial === null ? chain.extensions : [...chain.extensions, e.partial];
      throw e;
    }
    chain.extensions.push(h);
    if (h.kind === 'routing' && h.segmentsLeft > 0 && chain.routingOffset < 0) chain.routingOffset = i;
    const at = i;
    i += h.headerLength;
    next = h.nextHeader;
    if (h.kind === 'fragment') {
      chain.fragment = h;
      chain.fragmentAt = at;
      if (h.fragmentOffset !== 0) break; // the rest is the middle of a payload
    }
  }
  chain.upperLayer = next;
  chain.end = i;
  return chain;
}

// ---- walk: the chain's shape without decoding it -------------------------------------------------

/** What walkChain found. Reuse one across packets (newChainWalk): walkChain overwrites every field. */
export interface ChainWalk {
  /** Next Header after the chain (the upper layer); -1 after ESP or inside a non-first fragment. */
  upperLayer: number;
  /** Offset of the first byte after the chain. */
  end: number;
  /** Offset of the Fragment header, -1 when none; its offset in bytes and M flag. */
  fragmentAt: number;
  fragmentOffset: number;
  mf: boolean;
  /** Offset of the first Routing header with segments left (it names the final destination), or -1. */
  routingOffset: number;
  /** Why the chain cannot be walked (constant text), or null; and the offset of the header at fault. */
  problem: string | null;
  problemOffset: number;
}

export function newChainWalk(): ChainWalk {
  return { upperLayer: -1, end: 0, fragmentAt: -1, fragmentOffset: 0, mf: false, routingOffset: -1, problem: null, problemOffset: 0 };
}

/** walkChain's problems: constant text, so a walk allocates nothing. */
export const WALK_PROBLEM = {
  CUT: 'an IPv6 extension header runs past the end of the packet',
  TOO_MANY: `more than ${MAX_EXTENSION_HEADERS} IPv6 extension headers`,
} as const;

/**
 * Walks the chain that starts with Next Header `nextHeader` at b[start, end) by the headers'
 * lengths alone (options and routing data unread), into `out`: where the upper layer starts
 * and which it is, the Fragment header, the Routing header naming the final destination. For
 * loops over whole captures (checksums); decodeChain reads every field.
 */
export function walkChain(b: Uint8Array, start: number, end: number, nextHeader: number, out: ChainWalk): ChainWalk {
  out.fragmentAt = -1;
  out.fragmentOffset = 0;
  out.mf = false;
  out.routingOffset = -1;
  out.problem = null;
  out.problemOffset = 0;
  let i = start;
  let next = nextHeader;
  let count = 0;
  while (extensionKindOf(next) !== null) {
    if (count++ === MAX_EXTENSION_HEADERS) return walkProblem(out, WALK_PROBLEM.TOO_MANY, i);
    const length = claimedLength(b, i, end - i, next);
    if (i + length > end) return walkProblem(out, WALK_PROBLEM.CUT, i);
    if (next === EXTENSION_TYPE.esp) {
      next = -1; // the rest, its next header included, is encrypted
      i += length;
      break;
    }
    if (next === EXTENSION_TYPE.routing && b[i + 3] !== 0 && out.routingOffset < 0) out.routingOffset = i;
    const header = next;
    next = b[i]!;
    if (header === EXTENSION_TYPE.fragment) {
      const word = (b[i + 2]! << 8) | b[i + 3]!;
      out.fragmentAt = i;
      out.fragmentOffset = (word >>> 3) * 8;
      out.mf = (word & 1) !== 0;
      if (out.fragmentOffset !== 0) {
        next = -1; // the rest is the middle of a payload
        i += length;
        break;
      }
    }
    i += length;
  }
  out.upperLayer = next;
  out.end = i;
  return out;
}

function walkProblem(out: ChainWalk, problem: string, at: number): ChainWalk {
  out.problem = problem;
  out.problemOffset = at;
  out.upperLayer = -1;
  out.end = at;
  return out;
}

// ---- encode -------------------------------------------------------------------------------------

export interface ChainEncodeOptions {
  fixLengths?: boolean;
  /** Prefix for error field names. Default "extensions". */
  field?: string;
}

function checkList(inits: readonly Ipv6ExtensionInit[] | undefined, field: string): readonly Ipv6ExtensionInit[] {
  if (inits === undefined) return [];
  if (!Array.isArray(inits)) throw new EncodeError(field, inits, 'not an array of extension headers', 'an array');
  inits.forEach((x, k) => {
    if (x !== null && typeof x === 'object' && x.kind === 'esp' && k < inits.length - 1) {
      throw new EncodeError(`${field}[${k + 1}]`, inits[k + 1], 'nothing can follow ESP in the clear: its Next Header is encrypted with its payload', 'ESP last');
    }
  });
  return inits;
}

/** Bytes the chain takes. */
export function chainEncodingLength(inits: readonly Ipv6ExtensionInit[] | undefined, opts: ChainEncodeOptions = {}): number {
  const field = opts.field ?? 'extensions';
  let n = 0;
  checkList(inits, field).forEach((x, k) => {
    n += extensionLength(x, { fixLengths: opts.fixLengths, field: `${field}[${k}]` });
  });
  return n;
}

/** The Next Header value that starts the chain: its first header's type, or `upperLayer`. */
export function firstNextHeader(inits: readonly Ipv6ExtensionInit[] | undefined, upperLayer: number): number {
  const first = inits?.[0];
  return first === undefined ? upperLayer : EXTENSION_TYPE[first.kind];
}

export interface EncodedChain {
  /** Bytes written. */
  length: number;
  /** Offset (absolute) of the first Routing header with segments left, or -1, and its bytes. */
  routingOffset: number;
  routingLength: number;
}

/**
 * Writes the chain at b[o...], each header's absent Next Header set to the next header's type,
 * the last one's to `upperLayer`. Room must have been checked (chainEncodingLength).
 */
export function encodeChain(
  inits: readonly Ipv6ExtensionInit[] | undefined,
  b: Uint8Array,
  o: number,
  upperLayer: number,
  opts: ChainEncodeOptions = {},
): EncodedChain {
  const field = opts.field ?? 'extensions';
  const list = checkList(inits, field);
  let i = o;
  let routingOffset = -1;
  let routingLength = 0;
  list.forEach((x, k) => {
    const after = list[k + 1];
    const nextHeader = after === undefined ? upperLayer : EXTENSION_TYPE[after.kind];
    const written = encodeExtension(x, b, i, { fixLengths: opts.fixLengths, nextHeader, field: `${field}[${k}]` });
    if (x.kind === 'routing' && routingOffset < 0 && b[i + 3] !== 0) {
      routingOffset = i;
      routingLength = written.length;
    }
    i += written.length;
  });
  return { length: i - o, routingOffset, routingLength };
}
