// ICMP extension objects (RFC 4884) as traceroute -e prints them (traceroute 2.1, extension.c),
// between angle brackets after the address, objects separated by ';':
//
//   <MPLS:L=16005,E=0,S=1,T=1>                          RFC 4950 label stack, entries joined by '/'
//   <MPLS:L=24001,E=0,S=0,T=1/L=16005,E=0,S=1,T=1>      two labels (E is the traffic class, RFC 5462)
//   <INC:2,198.51.100.1,"eth0",mtu=1500>                RFC 5837 interface information: role (INC,
//                                                       SUB, OUT, NXT), then the fields it carries
//   <4/1:0000002a>                                      anything else: class/c-type, then its words
//
// and as JSON: the objects with their fields (Buffers as hex).
import type { IcmpExtensionObject } from '../../lib/wire/icmp-extensions.js';

const ROLES = ['INC', 'SUB', 'OUT', 'NXT'] as const;

/** An interface name as traceroute prints it: printable ASCII kept, anything else (and % ") as %XX. */
function safeName(name: string): string {
  let out = '';
  for (const byte of Buffer.from(name, 'utf8')) {
    const printable = byte > 0x20 && byte < 0x7f && byte !== 0x25 && byte !== 0x22;
    out += printable ? String.fromCharCode(byte) : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

/** One object, as traceroute -e writes it. */
export function extensionObjectText(o: IcmpExtensionObject): string {
  switch (o.kind) {
    case 'mpls-label-stack':
      return `MPLS:${o.entries.map((e) => `L=${e.label},E=${e.tc},S=${e.s ? 1 : 0},T=${e.ttl}`).join('/')}`;
    case 'interface-information': {
      const fields: string[] = [];
      if (o.ifIndex !== null) fields.push(String(o.ifIndex));
      if (o.address !== null) fields.push(o.address);
      if (o.name !== null) fields.push(`"${safeName(o.name)}"`);
      if (o.mtu !== null) fields.push(`mtu=${o.mtu}`);
      return `${ROLES[o.role & 3]}:${fields.join(',')}`;
    }
    default: {
      const words: string[] = [];
      for (let i = 0; i + 4 <= o.data.length; i += 4) words.push(o.data.readUInt32BE(i).toString(16).padStart(8, '0'));
      return `${o.classNum}/${o.cType}:${words.join(',')}`;
    }
  }
}

/** " <MPLS:...;INC:...>", or "" for none. */
export function extensionsSuffix(objects: readonly IcmpExtensionObject[] | null): string {
  return objects === null || objects.length === 0 ? '' : ` <${objects.map(extensionObjectText).join(';')}>`;
}

/** The objects for --json: MPLS entries as {label, tc, s, ttl}, interface fields by name, other bytes as hex. */
export function extensionsJson(objects: readonly IcmpExtensionObject[] | null): Record<string, unknown>[] | null {
  if (objects === null) return null;
  return objects.map((o) => {
    switch (o.kind) {
      case 'mpls-label-stack':
        return { kind: o.kind, entries: o.entries.map((e) => ({ label: e.label, tc: e.tc, s: e.s, ttl: e.ttl })) };
      case 'interface-information':
        return { kind: o.kind, role: ROLES[o.role & 3], ifIndex: o.ifIndex, address: o.address, name: o.name, mtu: o.mtu };
      default:
        return { kind: o.kind, classNum: o.classNum, cType: o.cType, data: o.data.toString('hex') };
    }
  });
}
