#!/usr/bin/env python3
"""A peer we did not write: Python's socket module, as server or client, on one family and type.

    peer.py ROLE FAMILY TYPE ADDRESS [--send HEX,...] [--expect N] [--bind ADDRESS]

ROLE server|client, FAMILY inet|inet6|unix, TYPE stream|dgram|seqpacket. ADDRESS is
HOST:PORT ([::1]:PORT for inet6; port 0 for a server lets the kernel pick), a unix path, or
@NAME for a Linux abstract name. --send lists the messages to send, in hex ('-' for none).
--expect is how many datagrams a dgram peer receives before it answers. --bind names a dgram
client's own address (a unix dgram client must have one to get answers).

What it does, connection types: the client sends each message with sendall, shuts down its
writing side, then receives until the server's end of stream; the server receives until the
client's end of stream, then sends its messages and shuts down its writing side. Datagrams: the
client sends, then receives --expect answers; the server receives --expect datagrams and sends
its messages back to the last sender.

One JSON line per step on stdout: {"ready": ...} when a server is bound, then
{"received": [HEX, ...], "peer": ADDRESS} with every recv's bytes as it returned them.
"""
import json
import socket
import sys

FAMILIES = {"inet": socket.AF_INET, "inet6": socket.AF_INET6, "unix": socket.AF_UNIX}
TYPES = {"stream": socket.SOCK_STREAM, "dgram": socket.SOCK_DGRAM, "seqpacket": socket.SOCK_SEQPACKET}


def parse_address(family, text):
    if family == "unix":
        return "\0" + text[1:] if text.startswith("@") else text
    host, _, port = text.rpartition(":")
    return (host.strip("[]"), int(port))


def show_address(address):
    if isinstance(address, tuple):
        return {"address": address[0], "port": address[1]}
    if isinstance(address, bytes):
        address = address.decode("utf-8", "replace")
    return {"address": address, "port": None}


def say(**fields):
    print(json.dumps(fields), flush=True)


def receive_until_end(conn):
    chunks = []
    while True:
        data = conn.recv(65536)
        if not data:
            return chunks
        chunks.append(data.hex())


def send_all_and_end(conn, messages):
    for message in messages:
        conn.sendall(message)
    conn.shutdown(socket.SHUT_WR)


def connection_server(sock, messages):
    sock.listen(16)
    say(ready=show_address(sock.getsockname()))
    conn, peer = sock.accept()
    conn.settimeout(20)
    received = receive_until_end(conn)
    say(received=received, peer=show_address(peer))
    send_all_and_end(conn, messages)
    conn.recv(1)  # wait for the client to close: our last bytes are then read
    conn.close()


def connection_client(sock, address, messages):
    sock.connect(address)
    peer = sock.getpeername()  # before the server closes: a closed unix peer has no name
    send_all_and_end(sock, messages)
    received = receive_until_end(sock)
    say(received=received, peer=show_address(peer))


def dgram_server(sock, messages, expect):
    say(ready=show_address(sock.getsockname()))
    received, peer = [], None
    for _ in range(expect):
        data, peer = sock.recvfrom(65536)
        received.append(data.hex())
    say(received=received, peer=show_address(peer))
    for message in messages:
        sock.sendto(message, peer)


def dgram_client(sock, address, messages, expect):
    for message in messages:
        sock.sendto(message, address)
    received, peer = [], None
    for _ in range(expect):
        data, peer = sock.recvfrom(65536)
        received.append(data.hex())
    say(received=received, peer=show_address(peer))


def main(argv):
    role, family, kind, address_text = argv[1:5]
    options = dict(zip(argv[5::2], argv[6::2]))
    sent = options.get("--send", "-")
    messages = [] if sent == "-" else [bytes.fromhex(m) for m in sent.split(",")]
    expect = int(options.get("--expect", "0"))
    address = parse_address(family, address_text)
    sock = socket.socket(FAMILIES[family], TYPES[kind])
    sock.settimeout(20)
    if role == "server":
        sock.bind(address)
        if kind == "dgram":
            dgram_server(sock, messages, expect)
        else:
            connection_server(sock, messages)
    else:
        if "--bind" in options:
            sock.bind(parse_address(family, options["--bind"]))
        if kind == "dgram":
            dgram_client(sock, address, messages, expect)
        else:
            connection_client(sock, address, messages)
    sock.close()


if __name__ == "__main__":
    main(sys.argv)
