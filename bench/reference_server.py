#!/usr/bin/env python3
"""The assignment's reference time server, as a student would write it: a thread per client,
recv(256), and a WARNING log line per request. The floor jamtui is compared against.
Usage: reference_server.py PORT (0 picks a free port; the first line on stdout says which)."""
import logging
import socket
import sys
import threading
import time


class ProcessTheClient(threading.Thread):
    def __init__(self, connection, address):
        self.connection = connection
        self.address = address
        threading.Thread.__init__(self, daemon=True)

    def run(self):
        while True:
            try:
                data = self.connection.recv(256)
            except OSError:
                break
            if not data:
                break
            request = data.decode(errors="replace")
            logging.warning(f"[SERVER] received {data} from {self.address}")
            if request.startswith("TIME") and request.endswith("\r\n"):
                reply = "JAM " + time.strftime("%H:%M:%S") + "\r\n"
                logging.warning(f"[SERVER] sending {reply.strip()} to {self.address}")
                try:
                    self.connection.sendall(reply.encode("utf-8"))
                except OSError:
                    break
            elif request.startswith("QUIT"):
                break
        logging.warning(f"[SERVER] closing connection with {self.address}")
        self.connection.close()


class Server(threading.Thread):
    def __init__(self, port):
        self.my_socket = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.my_socket.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.my_socket.bind(("127.0.0.1", port))
        self.my_socket.listen(1)
        print(self.my_socket.getsockname()[1], flush=True)
        threading.Thread.__init__(self)

    def run(self):
        while True:
            connection, client_address = self.my_socket.accept()
            logging.warning(f"connection from {client_address}")
            ProcessTheClient(connection, client_address).start()


if __name__ == "__main__":
    Server(int(sys.argv[1]) if len(sys.argv) > 1 else 45000).start()
