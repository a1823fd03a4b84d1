// Classic BPF socket filters (SO_ATTACH_FILTER): let the kernel drop packets meant for
// someone else before they wake us. A program is a list of struct sock_filter
// {u16 code; u8 jt; u8 jf; u32 k}, 8 bytes each in HOST byte order (the kernel reads them
// as C structs, not as wire data). Opcode numbers come from linux/filter.h via the addon.
import { FIELD as ICMP, ICMP_TYPE } from '../wire/icmpv4-codes.js';
import { ICMPV6_TYPE } from '../wire/icmpv6-codes.js';
import { constants } from './constants.js';

export interface BpfInstruction {
  code: number;
  jt: number;
  jf: number;
  k: number;
}

/** An instruction that does not jump: BPF_STMT(code, k). */
export function stmt(code: number, k: number): BpfInstruction {
  return { code, jt: 0, jf: 0, k };
}

/** A conditional jump: BPF_JUMP(code, k, jt, jf); jt/jf count instructions to skip. */
export function jump(code: number, k: number, jt: number, jf: number): BpfInstruction {
  return { code, jt, jf, k };
}

/** The program as attachFilter() takes it: 8 bytes per instruction, host byte order. */
export function encodeProgram(program: readonly BpfInstruction[]): Buffer {
  const out = Buffer.alloc(program.length * 8);
  const view = new DataView(out.buffer, out.byteOffset, out.byteLength);
  const little = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
  program.forEach((ins, i) => {
    const o = i * 8;
    view.setUint16(o, ins.code, little);
    view.setUint8(o + 2, ins.jt);
    view.setUint8(o + 3, ins.jf);
    view.setUint32(o + 4, ins.k >>> 0, little);
  });
  return out;
}

/**
 * The three rules of iputils ping's filter, where the program finds the ICMP header at `at` (X
 * loaded with the IPv4 header length, BPF_IND; or 0, BPF_ABS): pass messages carrying our echo
 * identifier, pass every message that is not an echo reply (errors quote our probe, the engine
 * matches them), drop other processes' echo replies.
 */
function echoReplyRules(mode: number, identifier: number, echoReply: number): BpfInstruction[] {
  const c = constants;
  return [
    stmt(c.BPF_LD | c.BPF_H | mode, ICMP.IDENTIFIER), // A = echo identifier (the same place in ICMPv6)
    jump(c.BPF_JMP | c.BPF_JEQ | c.BPF_K, identifier & 0xffff, 0, 1),
    stmt(c.BPF_RET | c.BPF_K, 0xffffffff), // ours: pass all of it
    stmt(c.BPF_LD | c.BPF_B | mode, ICMP.TYPE), // A = type
    jump(c.BPF_JMP | c.BPF_JEQ | c.BPF_K, echoReply, 1, 0),
    stmt(c.BPF_RET | c.BPF_K, 0xffffffff), // not an echo reply: pass
    stmt(c.BPF_RET | c.BPF_K, 0), // someone else's echo reply: drop
  ];
}

/** iputils ping's filter for a raw IPv4 ICMP socket: the program sees the IPv4 header first. */
export function echoReplyFilterV4(identifier: number): BpfInstruction[] {
  const c = constants;
  return [
    stmt(c.BPF_LDX | c.BPF_B | c.BPF_MSH, 0), // X = IP header length (4 * IHL)
    ...echoReplyRules(c.BPF_IND, identifier, ICMP_TYPE.ECHO_REPLY),
  ];
}

/**
 * iputils ping6's filter for a raw ICMPv6 socket, where the program sees the ICMPv6 message
 * first (the kernel keeps the IPv6 header).
 */
export function echoReplyFilterV6(identifier: number): BpfInstruction[] {
  return echoReplyRules(constants.BPF_ABS, identifier, ICMPV6_TYPE.ECHO_REPLY);
}
