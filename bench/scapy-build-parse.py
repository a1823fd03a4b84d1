# scapy's side of benchmark row 1 (bench/rows/build-parse.ts): build and serialise N IPv4 + ICMP
# echo requests with a 56-byte payload, then parse each one back and verify both checksums.
# Our side does exactly the same packets (same fields, same payload slices) and the harness
# compares sample packets byte for byte, so neither side can do less work.
#
#   /usr/bin/python3 bench/scapy-build-parse.py N [SAMPLE_INDEXES]   -> one JSON object on stdout
#
# Times are taken inside the process, so Python's and scapy's start-up are not counted.
import json
import sys
import time

from scapy.layers.inet import ICMP, IP
from scapy.packet import Raw
from scapy.utils import checksum

SRC = "198.51.100.1"
DST = "203.0.113.6"
IDENT = 0x1234
PAYLOAD = 56


def main():
    n = int(sys.argv[1])
    sample = [int(x) for x in sys.argv[2].split(",")] if len(sys.argv) > 2 and sys.argv[2] else []
    # Packet i carries pattern[i % 256 : i % 256 + 56]: varied bytes, no per-packet generation cost.
    pattern = bytes(k & 0xFF for k in range(256 + PAYLOAD))

    t0 = time.perf_counter()
    built = []
    for i in range(n):
        s = i & 0xFFFF
        o = i & 0xFF
        p = (
            IP(version=4, tos=0, id=s, flags=0, frag=0, ttl=64, src=SRC, dst=DST)
            / ICMP(type=8, code=0, id=IDENT, seq=s)
            / Raw(pattern[o : o + PAYLOAD])
        )
        built.append(bytes(p))
    t1 = time.perf_counter()

    valid = 0
    seq_sum = 0
    data_bytes = 0
    for b in built:
        ip = IP(b)
        ihl = ip.ihl * 4
        icmp = ip.payload
        # scapy does not check checksums when it parses: verify them as our decoder does.
        if checksum(b[:ihl]) == 0 and checksum(b[ihl : ip.len]) == 0:
            valid += 1
        seq_sum += icmp.seq
        data_bytes += len(icmp.payload.load)
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
