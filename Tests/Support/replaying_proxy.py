#!/usr/bin/env python3
"""A man in the middle of the HTTP link, for SignedAnswersTests: forwards the bot's requests to the relay,
keeps the first answer the relay gave to a `POST /messages`, and answers the next REPLAYS `POST /messages`
with that captured answer (status, signature and body) instead of forwarding them: what issue #18 found,
one captured `{"status":"stored"}` acknowledging replies the relay never received. Each replay it makes
adds a line to COUNTFILE.

Usage: replaying_proxy.py PORT UPSTREAM REPLAYS COUNTFILE. Listens on 127.0.0.1 only. Stopped by its test.
"""
import signal
import socket
import sys
import threading
import urllib.error
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGTERM, signal.SIGINT})
PORT, UPSTREAM, REPLAYS, COUNTFILE = int(sys.argv[1]), sys.argv[2].rstrip("/"), int(sys.argv[3]), sys.argv[4]
lock = threading.Lock()
captured = None  # (status, signature, body)
replayed = 0


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def setup(self):
        super().setup()
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def answer(self, status, signature, body):
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        if signature:
            self.send_header("Entraide-Signature", signature)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def forward(self, method, body):
        request = urllib.request.Request(UPSTREAM + self.path, data=body, method=method)
        for name in ("Authorization", "Entraide-Signature", "Content-Type", "Idempotency-Key", "Accept"):
            if self.headers.get(name) is not None:
                request.add_header(name, self.headers.get(name))
        try:
            with urllib.request.urlopen(request, timeout=120) as response:
                return response.status, response.headers.get("Entraide-Signature", ""), response.read()
        except urllib.error.HTTPError as error:
            return error.code, error.headers.get("Entraide-Signature", ""), error.read()

    def do_GET(self):
        self.answer(*self.forward("GET", None))

    def do_POST(self):
        global captured, replayed
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        if self.path.startswith("/messages"):
            with lock:
                replay = captured is not None and replayed < REPLAYS
                if replay:
                    replayed += 1
                    with open(COUNTFILE, "a", encoding="utf-8") as out:
                        out.write("replayed\n")
            if replay:
                self.answer(*captured)
                return
            status, signature, answer = self.forward("POST", body)
            with lock:
                if captured is None and status == 200:
                    captured = (status, signature, answer)
            self.answer(status, signature, answer)
            return
        self.answer(*self.forward("POST", body))


ThreadingHTTPServer(("127.0.0.1", PORT), Handler).serve_forever()
