# scapy's side of benchmark row 1 (bench/rows/build-parse.ts): build and serialise N echo
# requests with a 56-byte payload, IPv4 + ICMP or (--ipv6) IPv6 + ICMPv6, then parse each one back
# and verify its checksums (IPv4 header and ICMP; ICMPv6 over the IPv6 pseudo-header). Our side
# does exactly the same packets (same fields, same payload slices) and the harness compares
# sample packets byte for byte, so neither side can do less work.
#
#   /usr/bin/python3 bench/scapy-build-parse.py N [SAMPLE_INDEXES] [--ipv6]   -> one JSON object on stdout
#
# Times are taken inside the process, so Python's and scapy's start-up are not counted.
import json
import sys
import time

from scapy.layers.inet import ICMP, IP
from scapy.layers.inet6 import IPv6, ICMPv6EchoRequest, in6_chksum
from scapy.packet import Raw
from scapy.utils import checksum

SRC = "198.51.100.1"
DST = "203.0.113.6"
SRC6 = "2001:db8::1"
DST6 = "2001:db8:0:1::6"
IDENT = 0x1234
PAYLOAD = 56


def build4(i, s, data):
    return bytes(
        IP(version=4, tos=0, id=s, flags=0, frag=0, ttl=64, src=SRC, dst=DST)
        / ICMP(type=8, code=0, id=IDENT, seq=s)
        / Raw(data)
    )


def build6(i, s, data):
    return bytes(IPv6(tc=0, fl=0, hlim=64, src=SRC6, dst=DST6) / ICMPv6EchoRequest(code=0, id=IDENT, seq=s, data=data))


def parse4(b):
    ip = IP(b)
    ihl = ip.ihl * 4
    icmp = ip.payload
    # scapy does not check checksums when it parses: verify them as our decoder does.
    ok = checksum(b[:ihl]) == 0 and checksum(b[ihl : ip.len]) == 0
    return ok, icmp.seq, len(icmp.payload.load)


def parse6(b):
    ip = IPv6(b)
    icmp = ip.payload
    # The ICMPv6 checksum over the pseudo-header (RFC 8200 section 8.1): 0 when the sum holds.
    ok = in6_chksum(58, ip, bytes(b[40 : 40 + ip.plen])) == 0
    return ok, icmp.seq, len(icmp.data)


def main():
    args = [a for a in sys.argv[1:] if a != "--ipv6"]
    v6 = "--ipv6" in sys.argv[1:]
    n = int(args[0])
    sample = [int(x) for x in args[1].split(",")] if len(args) > 1 and args[1] else []
    # Packet i carries pattern[i % 256 : i % 256 + 56]: varied bytes, no per-packet generation cost.
    pattern = bytes(k & 0xFF for k in range(256 + PAYLOAD))
    build, parse = (build6, parse6) if v6 else (build4, parse4)

    t0 = time.perf_counter()
    built = []
    for i in range(n):
        o = i & 0xFF
        built.append(build(i, i & 0xFFFF, pattern[o : o + PAYLOAD]))
    t1 = time.perf_counter()

    valid = 0
    seq_sum = 0
    data_bytes = 0
    for b in built:
        ok, seq, length = parse(b)
        if ok:
            valid += 1
        seq_sum += seq
        data_bytes += length
    t2 = time.perf_counter()

    json.dump(
        {
            "n": n,
            "buildSeconds": t1 - t0,
            "parseSeconds": t2 - t1,
            "valid": valid,
            "seqSum": seq_sum,
            "dataBytes": data_bytes,
            "sample": {str(i): built[i].hex() for i in sample if 0 <= i < n},
        },
        sys.stdout,
    )


main()
