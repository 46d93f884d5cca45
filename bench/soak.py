#!/usr/bin/env python3
"""Soak: normal clients mixed with every hostile client, against the real jamtui binary.

Runs for a bounded time on loopback only, then reports the normal clients' success rate (must be
100%), answers owed vs given, and the server's peak RSS. Exits 1 if any answer owed was not given.
Usage: bench/soak.py PATH-TO-JAMTUI [SECONDS]
"""
import os
import re
import signal
import socket
import struct
import subprocess
import sys
import threading
import time

REPLY = re.compile(rb"^JAM ([01]\d|2[0-3]):[0-5]\d:[0-5]\d\r\n$")


class Tally:
    def __init__(self):
        self.lock = threading.Lock()
        self.counts = {}

    def add(self, key, n=1):
        with self.lock:
            self.counts[key] = self.counts.get(key, 0) + n

    def get(self, key):
        return self.counts.get(key, 0)


def read_lines(sock, count, timeout=10.0):
    """Reads `count` CR LF lines; returns them (fewer if the connection ends)."""
    sock.settimeout(timeout)
    data = b""
    lines = []
    while len(lines) < count:
        chunk = sock.recv(65536)
        if not chunk:
            break
        data += chunk
        while b"\n" in data and len(lines) < count:
            line, data = data.split(b"\n", 1)
            lines.append(line + b"\n")
    return lines


def normal_client(addr, stop, tally):
    """The assignment's client: connect, TIME, read, QUIT, close — as fast as it can."""
    while not stop.is_set():
        tally.add("owed")
        try:
            with socket.create_connection(addr, timeout=10) as sock:
                sock.sendall(b"TIME\r\n")
                lines = read_lines(sock, 1)
                sock.sendall(b"QUIT\r\n")
            if lines and REPLY.match(lines[0]):
                tally.add("given")
            else:
                tally.add("bad", 1)
        except OSError as error:
            tally.add("failed")
            tally.add("error:" + type(error).__name__)
        time.sleep(0.01)


def pipelining_client(addr, stop, tally):
    """Keeps one connection and sends 50 requests per write."""
    with socket.create_connection(addr, timeout=10) as sock:
        while not stop.is_set():
            tally.add("owed", 50)
            sock.sendall(b"TIME\r\n" * 50)
            lines = read_lines(sock, 50)
            tally.add("given", sum(1 for line in lines if REPLY.match(line)))
            time.sleep(0.005)


def half_close_client(addr, stop, tally):
    while not stop.is_set():
        tally.add("owed")
        try:
            with socket.create_connection(addr, timeout=10) as sock:
                sock.sendall(b"TIME\r\n")
                sock.shutdown(socket.SHUT_WR)
                lines = read_lines(sock, 1)
            tally.add("given" if lines and REPLY.match(lines[0]) else "bad")
        except OSError:
            tally.add("failed")
        time.sleep(0.05)


def bad_bytes_client(addr, stop, tally):
    """Each bad input, then a TIME that must still be answered on the same connection."""
    cases = [
        (b"\xff\xfeTIME\r\n", b"ERR request is not UTF-8\r\n"),
        (b"TI\x00ME\r\n", b"ERR unknown request, expected TIME or QUIT\r\n"),
        (b"          \r\n", None),
        (b"TIME\r\r\n", None),
    ]
    while not stop.is_set():
        try:
            with socket.create_connection(addr, timeout=10) as sock:
                for request, error in cases:
                    tally.add("owed")
                    for byte in request:  # split into single bytes
                        sock.sendall(bytes([byte]))
                    sock.sendall(b"TIME\r\n")
                    lines = read_lines(sock, 2 if error else 1)
                    expected_ok = (not error or lines[:1] == [error]) and lines and REPLY.match(lines[-1])
                    tally.add("given" if expected_ok else "bad")
        except OSError:
            tally.add("failed")
        # A 1 MiB line is refused and closed, with the refusal delivered.
        try:
            with socket.create_connection(addr, timeout=10) as sock:
                sock.sendall(b"A" * (1 << 20))
                lines = read_lines(sock, 1)
                tally.add("toolong_ok" if lines == [b"ERR line too long\r\n"] else "toolong_bad")
        except OSError:
            tally.add("toolong_reset")
        time.sleep(0.2)


def slowloris(addr, stop, tally):
    try:
        with socket.create_connection(addr, timeout=30) as sock:
            while not stop.is_set():
                sock.sendall(b"T")
                time.sleep(1.0)
    except OSError:
        tally.add("slowloris_closed")


def never_reader(addr, stop, tally):
    with socket.create_connection(addr, timeout=1) as sock:
        while not stop.is_set():
            try:
                sock.sendall(b"TIME\r\n" * 10000)
            except socket.timeout:
                tally.add("never_reader_blocked")
                time.sleep(0.5)
            except OSError:
                # Not reading means completing no request: the idle timeout closes it.
                tally.add("never_reader_closed")
                return


def flooder(addr, stop, tally):
    linger_zero = struct.pack("ii", 1, 0)
    while not stop.is_set():
        socks = []
        for _ in range(200):
            try:
                sock = socket.create_connection(addr, timeout=5)
                socks.append(sock)
            except OSError:
                tally.add("flood_connect_failed")
        for index, sock in enumerate(socks):
            if index % 2:
                sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, linger_zero)
            sock.close()
        tally.add("flood_connections", len(socks))
        time.sleep(0.5)


def peak_rss(pid, stop, result):
    while not stop.is_set():
        try:
            with open(f"/proc/{pid}/status") as status:
                for line in status:
                    if line.startswith("VmRSS:"):
                        result[0] = max(result[0], int(line.split()[1]))
        except OSError:
            return
        time.sleep(0.25)


def main():
    binary = sys.argv[1]
    seconds = float(sys.argv[2]) if len(sys.argv) > 2 else 60.0
    server = subprocess.Popen(
        [binary, "--headless", "--quiet", "--bind", "127.0.0.1", "--port", "0", "--idle-timeout", "5"],
        stderr=subprocess.PIPE,
    )
    first = server.stderr.readline().decode()
    port = int(re.search(r"127\.0\.0\.1:(\d+)", first).group(1))
    threading.Thread(target=lambda: server.stderr.read(), daemon=True).start()
    addr = ("127.0.0.1", port)

    stop = threading.Event()
    tally = Tally()
    rss = [0]
    plan = [(normal_client, 16), (pipelining_client, 4), (half_close_client, 2), (bad_bytes_client, 2),
            (slowloris, 20), (never_reader, 2), (flooder, 1)]
    threads = [threading.Thread(target=peak_rss, args=(server.pid, stop, rss), daemon=True)]
    for target, count in plan:
        threads += [threading.Thread(target=target, args=(addr, stop, tally), daemon=True) for _ in range(count)]
    for thread in threads:
        thread.start()
    time.sleep(seconds)
    stop.set()
    for thread in threads:
        thread.join(timeout=15)
    server.send_signal(signal.SIGTERM)
    exit_code = server.wait(timeout=5)

    owed, given = tally.get("owed"), tally.get("given")
    rate = 100.0 * given / owed if owed else 0.0
    print(f"duration              {seconds:.0f} s")
    print(f"answers owed          {owed}")
    print(f"answers given         {given}")
    print(f"normal success rate   {rate:.3f} %")
    print(f"bad or missing        {tally.get('bad') + tally.get('failed')}")
    print(f"1 MiB lines refused   {tally.get('toolong_ok')} (bad {tally.get('toolong_bad')}, reset {tally.get('toolong_reset')})")
    print(f"slowloris closed      {tally.get('slowloris_closed')} of 20 (idle timeout 5 s)")
    print(f"never-readers         blocked {tally.get('never_reader_blocked')} times, closed {tally.get('never_reader_closed')} of 2")
    print(f"flood connections     {tally.get('flood_connections')}")
    print(f"server peak RSS       {rss[0]} KiB")
    print(f"server exit status    {exit_code}")
    errors = {k: v for k, v in tally.counts.items() if k.startswith("error:")}
    if errors:
        print(f"client errors         {errors}")
    return 0 if owed and given == owed and exit_code == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
