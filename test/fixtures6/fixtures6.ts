// The IPv6 packet fixtures of fixtures/packets6/, as the tests and the fixture-making scripts see
// them (the IPv6 twin of test/fixtures/fixtures.ts).
//
//   <name>.hex   one IPv6 packet, exactly as it is: '#' lines saying what it is, then one line of hex
//   <name>.pcap  a capture; every record holds one IPv6 packet behind an Ethernet header
//   <name>.json  the expected decode beside it: for .hex one Expected6, for .pcap an array of them
//
// An Expected6 is what packet6ToJson prints, or, when decodePacket6 refuses the bytes, the
// DecodeError: {error: {reason, offset, partial}}, offset counted from the first byte of the
// IPv6 header. Each packet is decoded knowing its length on the wire (decodePacket6's
// wireLength): a .hex packet is all there is; a pcap record's original length, less the link
// header, is. So a capture cut by its snaplen is `truncated`, and a payload length that lies
// is an error. fixtures/make/expect6.mjs writes the .json files with expectedFor6 below.

import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { readPcapBuffer } from '../../lib/pcap/index.js';
import { parseHex } from '../../lib/wire/bytes.js';
import { DecodeError } from '../../lib/wire/errors.js';
import { jsonify } from '../../lib/wire/json.js';
import { packet6ToJson, type Packet6Json } from '../../lib/wire/json6.js';
import { decodePacket6 } from '../../lib/wire/packet6.js';

/** fixtures/packets6/, from dist/test/fixtures6/ (compiled) or test/fixtures6/. */
export const PACKETS6_DIR = fileURLToPath(new URL('../../../fixtures/packets6/', import.meta.url));

const ETHERNET_HEADER = 14;
const ETHERTYPE_IPV6 = 0x86dd;

export interface Fixture6 {
  name: string;
  format: 'hex' | 'pcap';
  path: string;
  jsonPath: string;
}

export interface ExpectedError6 {
  error: { reason: string; offset: number; partial: unknown };
}
export type Expected6 = Packet6Json | ExpectedError6;

export function listFixtures6(dir: string = PACKETS6_DIR): Fixture6[] {
  const out: Fixture6[] = [];
  for (const file of readdirSync(dir).sort()) {
    const m = /^(.+)\.(hex|pcap)$/.exec(file);
    if (m === null) continue;
    out.push({ name: m[1]!, format: m[2] as 'hex' | 'pcap', path: `${dir}${file}`, jsonPath: `${dir}${m[1]}.json` });
  }
  return out;
}

export interface Packet6Bytes {
  /** 0 for a .hex fixture; the record index in a pcap. */
  index: number;
  /** The IPv6 packet as captured (its own copy). */
  bytes: Buffer;
  /** Its length on the wire. */
  wireLength: number;
}

export function readHexFixture6(path: string): Buffer {
  const lines = readFileSync(path, 'utf8')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'));
  if (lines.length !== 1) throw new Error(`${path}: ${lines.length} hex lines; a .hex fixture holds exactly one packet`);
  return parseHex(lines[0]!);
}

/** The packets of a fixture. A pcap record that is not Ethernet + IPv6 is an error: our captures hold nothing else. */
export function packets6(f: Fixture6): Packet6Bytes[] {
  if (f.format === 'hex') {
    const bytes = readHexFixture6(f.path);
    return [{ index: 0, bytes, wireLength: bytes.length }];
  }
  const out: Packet6Bytes[] = [];
  readPcapBuffer(readFileSync(f.path), (v) => {
    const frame = v.buffer.subarray(v.offset, v.offset + v.capturedLength);
    if (v.linkType !== 1 || frame.length < ETHERNET_HEADER || ((frame[12]! << 8) | frame[13]!) !== ETHERTYPE_IPV6) {
      throw new Error(`${f.path} record ${v.index}: not Ethernet + IPv6`);
    }
    out.push({ index: v.index, bytes: Buffer.from(frame.subarray(ETHERNET_HEADER)), wireLength: v.originalLength - ETHERNET_HEADER });
  }, { name: f.path });
  return out;
}

/** The expected decode of one packet: packet6ToJson, or the DecodeError it raises. */
export function expectedOf6(p: Packet6Bytes): Expected6 {
  try {
    return packet6ToJson(decodePacket6(p.bytes, 0, p.bytes.length, { wireLength: p.wireLength }));
  } catch (e) {
    if (e instanceof DecodeError) return { error: { reason: e.reason, offset: e.offset, partial: jsonify(e.partial) } };
    throw e;
  }
}

export function expectedFor6(f: Fixture6): Expected6 | Expected6[] {
  const all = packets6(f).map(expectedOf6);
  return f.format === 'hex' ? all[0]! : all;
}

export function readExpected6(f: Fixture6): Expected6 | Expected6[] {
  return JSON.parse(readFileSync(f.jsonPath, 'utf8')) as Expected6 | Expected6[];
}

export function isError6(e: Expected6): e is ExpectedError6 {
  return 'error' in e;
}
