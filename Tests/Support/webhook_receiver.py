#!/usr/bin/env python3
"""The outbound webhook's receiver for the end-to-end test: records each POST as one JSON line.

Usage: webhook_receiver.py PORT OUTFILE. Listens on 127.0.0.1 only. Stopped by its test with SIGKILL.
"""
import json
import signal
import socket
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGTERM, signal.SIGINT})
OUT = sys.argv[2]


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def setup(self):
        super().setup()
        # Headers and body leave in two writes; without NODELAY, Nagle holds the body until the
        # client's delayed ACK (40 ms a request), and the relay forwards one reply at a time.
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def do_POST(self):
        length = int(self.headers.get("Content-Length", "0"))
        body = self.rfile.read(length)
        record = {
            "path": self.path,
            "signature": self.headers.get("Entraide-Signature", ""),
            "idempotency_key": self.headers.get("Idempotency-Key", ""),
            "body": body.decode("utf-8", "replace"),
        }
        with open(OUT, "a", encoding="utf-8") as out:
            out.write(json.dumps(record) + "\n")
        self.send_response(200)
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"ok")


ThreadingHTTPServer(("127.0.0.1", int(sys.argv[1])), Handler).serve_forever()
