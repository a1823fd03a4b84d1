// Real packets, captured on loopback (see fixtures/capture.sh for the exact commands), as IPv4
// datagrams in hex (Ethernet header stripped). `tshark` notes what tshark 4.0 said about them;
// the tests check that we agree. Loopback offloads UDP/TCP checksums for kernel sockets, so
// kernel UDP/TCP packets carry a partial checksum (tshark: "incorrect, should be 0x...");
// scapy computes them in software, so its packets are correct.

export interface Vector {
  name: string;
  source: string;
  hex: string;
  tshark: string;
}

export const VECTORS: Vector[] = [
  {
    name: 'kernel-echo-request',
    source: 'ping -c1 127.0.0.1 (iputils 20221126), tcpdump -i lo',
    hex: '450000548d2540004001af817f0000017f00000108005f0f17cd0001e5b4066b00000000c92f0d0000000000101112131415161718191a1b1c1d1e1f202122232425262728292a2b2c2d2e2f3031323334353637',
    tshark: 'IP checksum 0xaf81 correct; ICMP echo request id=0x17cd seq=1 checksum 0x5f0f correct',
  },
  {
    name: 'kernel-echo-reply',
    source: 'kernel reply to the request above',
    hex: '450000548d2600004001ef807f0000017f0000010000670f17cd0001e5b4066b00000000c92f0d0000000000101112131415161718191a1b1c1d1e1f202122232425262728292a2b2c2d2e2f3031323334353637',
    tshark: 'IP checksum 0xef80 correct; ICMP echo reply checksum 0x670f correct',
  },
  {
    name: 'kernel-udp-partial-checksum',
    source: 'python3 socket.sendto(b"rawprobe udp fixture", ("127.0.0.1", 47001))',
    hex: '450000306b9440004011d1267f0000017f000001d071b799001cfe2f72617770726f6265207564702066697874757265',
    tshark: 'IP checksum 0xd126 correct; UDP 53361 -> 47001 checksum 0xfe2f incorrect, should be 0xc562',
  },
  {
    name: 'kernel-port-unreachable',
    source: 'kernel ICMP answer to the UDP datagram above (nothing listening on 47001)',
    hex: '45c0004c947600004001e7787f0000017f0000010303c25f00000000450000306b9440004011d1267f0000017f000001d071b799001cfe2f72617770726f6265207564702066697874757265',
    tshark: 'IP checksum 0xe778 correct; ICMP 3/3 checksum 0xc25f correct; quoted IP checksum 0xd126 correct',
  },
  {
    name: 'kernel-tcp-syn',
    source: 'python3 socket.create_connection(("127.0.0.1", 47002)), SYN',
    hex: '4500003c2f6d400040060d4d7f0000017f000001d6dcb79a80ce77c600000000a002ffd7fe3000000204ffd70402080a71cc801c000000000103030a',
    tshark: 'SYN Seq=0 Win=65495 MSS=65495 SACK_PERM TSval=1909227548 WS=1024; checksum 0xfe30 incorrect, should be 0xd709',
  },
  {
    name: 'kernel-tcp-syn-ack',
    source: 'the listener answering the SYN above',
    hex: '4500003c0000400040063cba7f0000017f000001b79ad6dc3f2000b580ce77c7a012ffcbfe3000000204ffd70402080a48f6b69571cc801c0103030a',
    tshark: 'SYN, ACK; checksum 0xfe30 incorrect, should be 0x97a3',
  },
  {
    name: 'kernel-tcp-data',
    source: 'the connection above sending b"rawprobe tcp fixture"',
    hex: '450000482f6f400040060d3f7f0000017f000001d6dcb79a80ce77c73f2000b680180040fe3c00000101080a71cc801d48f6b69572617770726f6265207463702066697874757265',
    tshark: 'PSH, ACK Len=20; checksum 0xfe3c incorrect, should be 0x0cc1',
  },
  {
    name: 'kernel-record-route-request',
    source: 'ping -c1 -R 127.0.0.1',
    hex: '4f00007ca35740004001e8167f0000017f000001010727087f000001000000000000000000000000000000000000000000000000000000000000000008002e6c18b7000103b5066b00000000e0e8070000000000101112131415161718191a1b1c1d1e1f202122232425262728292a2b2c2d2e2f3031323334353637',
    tshark: 'IHL 60; options NOP, Record Route (39 bytes) pointer 8: 127.0.0.1',
  },
  {
    name: 'kernel-record-route-reply',
    source: 'kernel reply to ping -R',
    hex: '4f00007ca35800004001b3827f0000017f0000010727107f0000017f0000017f000001000000000000000000000000000000000000000000000000000000366c18b7000103b5066b00000000e0e8070000000000101112131415161718191a1b1c1d1e1f202122232425262728292a2b2c2d2e2f3031323334353637',
    tshark: 'Record Route (39 bytes) pointer 16: 127.0.0.1 x3; then End of Options List',
  },
  {
    name: 'kernel-timestamp-only',
    source: 'ping -c1 -T tsonly 127.0.0.1, the reply',
    hex: '4f00007ca35a00004001ca247f0000017f0000014428110002328dc002328dc002328dc000000000000000000000000000000000000000000000000000006a6318b8000103b5066b00000000acf0070000000000101112131415161718191a1b1c1d1e1f202122232425262728292a2b2c2d2e2f3031323334353637',
    tshark: 'Time Stamp (40 bytes) pointer 17, overflow 0, flag 0 (timestamps only): 36867520 x3, 0 x6',
  },
  {
    name: 'kernel-timestamp-and-address',
    source: 'ping -c1 -T tsandaddr 127.0.0.1, the request',
    hex: '4e000078a35b40004001300c7f0000017f00000144240d017f00000102328dc20000000000000000000000000000000000000000000000000800b95b18b9000103b5066b0000000055f7070000000000101112131415161718191a1b1c1d1e1f202122232425262728292a2b2c2d2e2f3031323334353637',
    tshark: 'IHL 56; Time Stamp (36 bytes) pointer 13, flag 1 (time stamp and address): 127.0.0.1 36867522',
  },
  {
    name: 'kernel-dscp-ef',
    source: 'ping -c1 -Q 0xb8 -s 3 127.0.0.1',
    hex: '45b8001fa35d4000400198c67f0000017f0000010800dd4318ba0001000102',
    tshark: 'DSCP EF (46), ECN Not-ECT; ICMP echo with 3 data bytes',
  },
  {
    name: 'scapy-udp',
    source: 'scapy IP(id=0x1234, ttl=61, tos=0x28)/UDP(40000 -> 47003)/"scapy udp fixture!"',
    hex: '4528002e123400003d116d617f0000017f0000019c40b79b001ac0f0736361707920756470206669787475726521',
    tshark: 'IP checksum 0x6d61 correct; DSCP AF11; UDP checksum 0xc0f0 correct',
  },
  {
    name: 'scapy-tcp-syn-options',
    source: 'scapy TCP SYN 40001 -> 47004 seq 0x01020304 MSS 1460, SAckOK, Timestamp (123456, 0), NOP, WScale 7',
    hex: '4500003c23454000400619757f0000017f0000019c41b79c0102030400000000a00272109dc70000020405b40402080a0001e2400000000001030307',
    tshark: 'IP checksum 0x1975 correct; TCP checksum 0x9dc7 correct; options 20 bytes',
  },
  {
    name: 'scapy-router-alert-security',
    source: 'scapy IP(options=[Router_Alert, Security(security=0x1357)])/ICMP(id=7, seq=9)/"opts"',
    hex: '490000303456000040011b0e7f0000017f00000194040000820b135700000000000000000800140c000700096f707473',
    tshark: 'IP checksum 0x1b0e correct; Router Alert (4 bytes), Security (11 bytes), EOL; ICMP checksum 0x140c correct',
  },
  {
    name: 'scapy-fragment-1',
    source: 'scapy fragment(IP(id=0x4567)/UDP(40002 -> 47005)/bytes(range(256))*2, fragsize=208), first',
    hex: '450000e445672000401116a07f0000017f0000019c42b79d0208297c000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f202122232425262728292a2b2c2d2e2f303132333435363738393a3b3c3d3e3f404142434445464748494a4b4c4d4e4f505152535455565758595a5b5c5d5e5f606162636465666768696a6b6c6d6e6f707172737475767778797a7b7c7d7e7f808182838485868788898a8b8c8d8e8f909192939495969798999a9b9c9d9e9fa0a1a2a3a4a5a6a7a8a9aaabacadaeafb0b1b2b3b4b5b6b7b8b9babbbcbdbebfc0c1c2c3c4c5c6c7',
    tshark: 'MF, offset 0; IP checksum 0x16a0 correct; UDP checksum 0x297c correct once reassembled',
  },
  {
    name: 'scapy-fragment-2',
    source: 'second fragment of the above',
    hex: '450000e44567201a401116867f0000017f000001c8c9cacbcccdcecfd0d1d2d3d4d5d6d7d8d9dadbdcdddedfe0e1e2e3e4e5e6e7e8e9eaebecedeeeff0f1f2f3f4f5f6f7f8f9fafbfcfdfeff000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f202122232425262728292a2b2c2d2e2f303132333435363738393a3b3c3d3e3f404142434445464748494a4b4c4d4e4f505152535455565758595a5b5c5d5e5f606162636465666768696a6b6c6d6e6f707172737475767778797a7b7c7d7e7f808182838485868788898a8b8c8d8e8f9091929394959697',
    tshark: 'MF, offset 208 bytes (26 units); IP checksum 0x1686 correct',
  },
  {
    name: 'scapy-fragment-3',
    source: 'last fragment of the above',
    hex: '4500007c45670034401136d47f0000017f00000198999a9b9c9d9e9fa0a1a2a3a4a5a6a7a8a9aaabacadaeafb0b1b2b3b4b5b6b7b8b9babbbcbdbebfc0c1c2c3c4c5c6c7c8c9cacbcccdcecfd0d1d2d3d4d5d6d7d8d9dadbdcdddedfe0e1e2e3e4e5e6e7e8e9eaebecedeeeff0f1f2f3f4f5f6f7f8f9fafbfcfdfeff',
    tshark: 'offset 416 bytes (52 units); IP checksum 0x36d4 correct; 3 fragments, 520 bytes',
  },
  {
    name: 'scapy-tcp-all-flags',
    source: 'scapy TCP 40003 -> 47006 seq 1 ack 2 flags 0x1ff window 1 urgptr 3 / "urg"',
    hex: '4500002b56780000400626537f0000017f0000019c43b79e000000010000000251ff00017f840003757267',
    tshark: 'IP checksum 0x2653 correct; TCP checksum 0x7f84 correct; NS CWR ECE URG ACK PSH RST SYN FIN',
  },
  {
    name: 'kernel-udp-no-checksum',
    source: 'python3 UDP socket with SO_NO_CHECK sending b"no checksum" to 47007',
    hex: '450000275c1240004011e0b17f0000017f000001d6c8b79f001300006e6f20636865636b73756d',
    tshark: 'UDP checksum 0x0000 [zero-value ignored], status Not present',
  },
  {
    name: 'scapy-icmp-timestamp',
    source: 'scapy ICMP(type=13, id=0x4242, seq=5, ts_ori=12345678)',
    hex: '45000028678900004001154a7f0000017f0000010d004eae4242000500bc614e0000000000000000',
    tshark: 'Timestamp request; checksum 0x4eae correct; originate 12345678, receive 0, transmit 0',
  },
];

export function vector(name: string): Buffer {
  const v = VECTORS.find((x) => x.name === name);
  if (!v) throw new Error(`no vector ${name}`);
  return Buffer.from(v.hex, 'hex');
}

/** A copy of `bytes` inside a bigger buffer at an odd offset, surrounded by 0xa5. */
export function embedded(bytes: Uint8Array, before = 7, after = 5): { buf: Buffer; offset: number } {
  const buf = Buffer.alloc(before + bytes.length + after, 0xa5);
  buf.set(bytes, before);
  return { buf, offset: before };
}

/** A 0xa5-filled buffer: any byte an encoder fails to write stays 0xa5. */
export function filled(n: number): Buffer {
  return Buffer.alloc(n, 0xa5);
}

export const OPTION_COMBOS = [
  { fixLengths: true, computeChecksums: true },
  { fixLengths: true, computeChecksums: false },
  { fixLengths: false, computeChecksums: true },
  { fixLengths: false, computeChecksums: false },
] as const;
