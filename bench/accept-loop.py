#!/usr/bin/env python3
"""The socket row's baseline accept loop: Python's socket module, blocking, one connection at a
time, as a small server is written. Prints "port N", waits for a line on stdin (the connections
are made meanwhile and wait in the backlog), then prints "accepted COUNT in MS ms" (first to
last accept)."""
import socket
import sys
import time

count = int(sys.argv[1])
server = socket.socket()
server.bind(("127.0.0.1", 0))
server.listen(4096)
print("port", server.getsockname()[1], flush=True)
sys.stdin.readline()
first = None
for n in range(count):
    conn, _ = server.accept()
    if first is None:
        first = time.perf_counter()
    conn.close()
print("accepted", count, "in", "%.1f" % ((time.perf_counter() - first) * 1000), "ms", flush=True)
