#!/usr/bin/env python3
"""Time servers written the way students write them, right and wrong, for grading tests.

Usage: servers.py KIND   (binds 127.0.0.1 on a free port and prints the port on the first line)
       servers.py --list (the kinds)

Each kind is the code a student hands in, kept as a student would write it: the mistakes are the
point. tests/binary/check.rs grades every kind with `jamtui check --roster` and compares each
rule's verdict with what the kind deserves (docs/CHECKS.md has the table).
"""
import asyncio
import concurrent.futures
import datetime
import os
import select
import socket
import socketserver
import sys
import threading
import time

KINDS = {}


def kind(function):
    KINDS[function.__name__] = function
    return function


def listening(backlog=5):
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    sock.listen(backlog)
    print(sock.getsockname()[1], flush=True)
    return sock


def jam():
    return "JAM " + datetime.datetime.now().strftime("%H:%M:%S") + "\r\n"


def thread_per_client(handle, backlog=5):
    sock = listening(backlog)
    while True:
        conn, addr = sock.accept()
        threading.Thread(target=handle, args=(conn,), daemon=True).start()


def lines_of(conn, buffer=b""):
    """Yields each complete line a client sends (without CR LF), buffering as one should;
    `buffer` holds what was read before."""
    while True:
        while b"\n" in buffer:
            line, buffer = buffer.split(b"\n", 1)
            yield line.rstrip(b"\r").decode(errors="replace")
        try:
            data = conn.recv(1024)
        except OSError:
            return
        if not data:
            return
        buffer += data


def framed_handler(reply, on_unknown=None):
    """A handler that frames lines right and answers TIME with reply()."""

    def handle(conn):
        for line in lines_of(conn):
            if line == "TIME":
                conn.sendall(reply().encode())
            elif line == "QUIT":
                break
            elif on_unknown:
                on_unknown(conn, line)
        conn.close()

    return handle


# --- Right ---------------------------------------------------------------------------------


@kind
def reference_fixed():
    """The assignment's reference server (thread per client, listen(1)), with a buffer."""
    thread_per_client(framed_handler(jam), backlog=1)


@kind
def socketserver_threading():
    class Handler(socketserver.StreamRequestHandler):
        def handle(self):
            for raw in self.rfile:
                line = raw.decode().strip()
                if line == "TIME":
                    self.wfile.write(jam().encode())
                elif line == "QUIT":
                    break
                else:
                    self.wfile.write(b"ERR unknown request\r\n")

    class Server(socketserver.ThreadingTCPServer):
        daemon_threads = True
        allow_reuse_address = True

    server = Server(("127.0.0.1", 0), Handler)
    print(server.server_address[1], flush=True)
    server.serve_forever()


def select_server(on_unknown=None, catch_recv_errors=True):
    """No threads, but select() serves every client at once, each with its own buffer. The two
    mistakes students make in it are its arguments: what an unknown request does, and whether
    recv() errors are caught."""
    server = listening()
    buffers = {}
    while True:
        readable, _, _ = select.select([server, *buffers], [], [])
        for sock in readable:
            if sock is server:
                conn, _ = server.accept()
                buffers[conn] = b""
                continue
            try:
                data = sock.recv(1024)
            except OSError:
                if not catch_recv_errors:
                    raise
                data = b""
            if not data:
                del buffers[sock]
                sock.close()
                continue
            buffers[sock] += data
            while sock in buffers and b"\r\n" in buffers[sock]:
                line, buffers[sock] = buffers[sock].split(b"\r\n", 1)
                if line == b"TIME":
                    sock.sendall(jam().encode())
                elif line == b"QUIT":
                    del buffers[sock]
                    sock.close()
                elif on_unknown:
                    on_unknown(line)


@kind
def select_loop():
    select_server()


def asyncio_server(one_read_is_one_request):
    """asyncio streams; the mistake is reading one read() as one request instead of a line."""

    async def handle(reader, writer):
        while True:
            if one_read_is_one_request:
                data = await reader.read(1024)
            else:
                data = await reader.readline()
            if not data or data.strip() == b"QUIT":
                break
            if data.strip() == b"TIME":
                writer.write(jam().encode())
                await writer.drain()
        writer.close()

    async def main():
        server = await asyncio.start_server(handle, "127.0.0.1", 0)
        print(server.sockets[0].getsockname()[1], flush=True)
        await server.serve_forever()

    asyncio.run(main())


@kind
def asyncio_streams():
    asyncio_server(one_read_is_one_request=False)


@kind
def utc():
    """Right, in UTC: any zone is a zone (`--tz` would fail it)."""
    thread_per_client(
        framed_handler(lambda: datetime.datetime.now(datetime.timezone.utc).strftime("JAM %H:%M:%S\r\n"))
    )


# --- One recv() taken as one request ----------------------------------------------------------


@kind
def reference():
    """The assignment's reference server as handed out: startswith/endswith on one recv()."""

    def handle(conn):
        while True:
            try:
                data = conn.recv(256)
            except OSError:
                break
            if not data:
                break
            request = data.decode(errors="replace")
            if request.startswith("TIME") and request.endswith("\r\n"):
                conn.sendall(("JAM " + time.strftime("%H:%M:%S") + "\r\n").encode("utf-8"))
            elif request.startswith("QUIT"):
                break
        conn.close()

    thread_per_client(handle, backlog=1)


def one_recv_exact(hang_up_on_anything_else):
    """Thread per client, one recv() compared with b'TIME\\r\\n' exactly."""

    def handle(conn):
        while True:
            data = conn.recv(1024)
            if data == b"TIME\r\n":
                conn.sendall(jam().encode())
            elif data == b"QUIT\r\n" or not data:
                break
            elif hang_up_on_anything_else:
                conn.sendall(b"ERR bad request\r\n")
                break
        conn.close()

    thread_per_client(handle)


@kind
def one_recv():
    one_recv_exact(hang_up_on_anything_else=False)


@kind
def err_and_hang_up():
    """Anything but an exact request per recv() gets ERR and the door."""
    one_recv_exact(hang_up_on_anything_else=True)


@kind
def asyncio_one_read():
    asyncio_server(one_read_is_one_request=True)


# --- Not many at once ---------------------------------------------------------------------------


@kind
def no_threads():
    """One client at a time, each until it leaves."""
    sock = listening()
    while True:
        conn, _ = sock.accept()
        framed_handler(jam)(conn)


@kind
def no_threads_one_recv():
    sock = listening(1)
    while True:
        conn, _ = sock.accept()
        while True:
            data = conn.recv(1024)
            if data == b"TIME\r\n":
                conn.sendall(jam().encode())
            elif not data or data == b"QUIT\r\n":
                break
        conn.close()


@kind
def answer_once_and_close():
    """No threads: one answer per connection, then close."""
    sock = listening()
    while True:
        conn, _ = sock.accept()
        reader = conn.makefile("rb")
        if reader.readline().strip() == b"TIME":
            conn.sendall(jam().encode())
        reader.close()
        conn.close()


@kind
def answer_once_and_stay_open():
    """Thread per client, but the handler has no loop: one recv(), one answer, and the connection
    is left open, never read again nor closed."""
    held = []

    def handle(conn):
        if conn.recv(1024).startswith(b"TIME"):
            conn.sendall(jam().encode())
        held.append(conn)

    thread_per_client(handle)


@kind
def five_clients_then_exit():
    """Thread per client, but `for _ in range(5)` where `while True` belongs: after its fifth
    client the server stops accepting (the threads it started finish their clients)."""
    sock = listening()
    for _ in range(5):
        conn, _ = sock.accept()
        threading.Thread(target=framed_handler(jam), args=(conn,)).start()
    sock.close()


@kind
def pool_of_four():
    sock = listening()
    pool = concurrent.futures.ThreadPoolExecutor(max_workers=4)
    while True:
        conn, _ = sock.accept()
        pool.submit(framed_handler(jam), conn)


# --- The reply's format -----------------------------------------------------------------------


@kind
def missing_cr():
    thread_per_client(framed_handler(lambda: "JAM " + time.strftime("%H:%M:%S") + "\n"))


@kind
def no_line_end():
    thread_per_client(framed_handler(lambda: "JAM " + time.strftime("%H:%M:%S")))


# The hour is made one digit by the zone the student's machine is in; any zone is a zone.
ONE_DIGIT_HOUR = datetime.timedelta(hours=(5 - datetime.datetime.utcnow().hour) % 24)


@kind
def unpadded():
    def reply():
        now = datetime.datetime.utcnow() + ONE_DIGIT_HOUR
        return f"JAM {now.hour}:{now.minute}:{now.second}\r\n"

    thread_per_client(framed_handler(reply))


@kind
def twelve_hour():
    thread_per_client(framed_handler(lambda: "JAM " + time.strftime("%I:%M:%S %p") + "\r\n"))


@kind
def date_and_time():
    thread_per_client(framed_handler(lambda: "JAM " + time.strftime("%Y-%m-%d %H:%M:%S") + "\r\n"))


@kind
def isoformat():
    thread_per_client(
        framed_handler(lambda: "JAM " + datetime.datetime.now().time().isoformat() + "\r\n")
    )


@kind
def banner():
    def handle(conn):
        conn.sendall(b"Welcome to the time server of kelompok 3\r\n")
        framed_handler(jam)(conn)

    thread_per_client(handle)


# --- The clock --------------------------------------------------------------------------------


@kind
def clock_per_connection():
    def handle(conn):
        told = jam()
        framed_handler(lambda: told)(conn)

    thread_per_client(handle)


STARTED = jam()


@kind
def clock_at_start():
    thread_per_client(framed_handler(lambda: STARTED))


@kind
def slow():
    def reply():
        time.sleep(3)
        return jam()

    thread_per_client(framed_handler(reply))


# --- QUIT and bad clients ---------------------------------------------------------------------


@kind
def ignores_quit():
    def handle(conn):
        for line in lines_of(conn):
            if line == "TIME":
                conn.sendall(jam().encode())
        conn.close()

    thread_per_client(handle)


def raise_unknown(line):
    raise ValueError(f"unknown request {line!r}")


@kind
def answers_every_recv():
    """Whatever a recv() brings, the time goes back: no parsing at all."""

    def handle(conn):
        while conn.recv(1024):
            conn.sendall(jam().encode())
        conn.close()

    thread_per_client(handle)


@kind
def dies_on_hello():
    """select() done right, but an unknown request raises out of the loop: the server dies."""
    select_server(on_unknown=raise_unknown)


@kind
def dies_on_reset():
    """select() done right, but no try around recv(): a reset kills the server."""
    select_server(catch_recv_errors=False)


@kind
def dies_on_empty():
    """Reads each client's first request in the accept loop, then hands the client to a thread:
    a connection that closes without a byte gives b'', and b''.split()[0] raises there."""
    sock = listening()
    while True:
        conn, _ = sock.accept()
        first = conn.recv(1024)
        if first.split()[0] == b"QUIT":
            conn.close()
            continue

        def handle(conn, first):
            for line in lines_of(conn, first):
                if line == "TIME":
                    conn.sendall(jam().encode())
                elif line == "QUIT":
                    break
            conn.close()

        threading.Thread(target=handle, args=(conn, first), daemon=True).start()


if __name__ == "__main__":
    if sys.argv[1:] == ["--list"]:
        print("\n".join(KINDS))
    else:
        try:
            KINDS[sys.argv[1]]()
        except Exception as error:
            print(f"the server died: {error!r}", file=sys.stderr, flush=True)
            os._exit(1)
