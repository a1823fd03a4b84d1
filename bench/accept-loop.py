#!/usr/bin/env python3
"""The socket row's baseline accept loop: Python's socket module, blocking, one connection at a
time, as a small server is written.

    accept-loop.py COUNT ROUNDS

Prints "port N"; then ROUNDS times: waits for a line on stdin (the connections are made
meanwhile and wait in the backlog), accepts and closes COUNT connections, and prints "accepted
COUNT in MS ms" (first to last accept)."""
import socket
import sys
import time

count, rounds = int(sys.argv[1]), int(sys.argv[2])
server = socket.socket()
server.bind(("127.0.0.1", 0))
server.listen(4096)
print("port", server.getsockname()[1], flush=True)
for _ in range(rounds):
    sys.stdin.readline()
    first = None
    for n in range(count):
        conn, _ = server.accept()
        if first is None:
            first = time.perf_counter()
        conn.close()
    print("accepted", count, "in", "%.1f" % ((time.perf_counter() - first) * 1000), "ms", flush=True)
server.close()
