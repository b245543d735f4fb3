#!/usr/bin/env python3
"""A local HTTP peer for the transport tests: long-poll, echo, oversized and slow bodies.

Usage: http_test_server.py PORT. Listens on 127.0.0.1 only. Stopped by its test with SIGKILL.
"""
import json
import signal
import sys
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

# A child spawned from a Swift test inherits a mask that blocks SIGTERM; unblock it.
signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGTERM, signal.SIGINT})


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def reply(self, status, body, content_type="application/json", headers=()):
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for name, value in headers:
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):
        url = urlparse(self.path)
        query = parse_qs(url.query)
        if url.path == "/hello":
            self.reply(200, b"hello", "text/plain")
        elif url.path == "/poll":
            hold = float(query.get("hold", ["2"])[0])
            time.sleep(hold)
            self.reply(200, json.dumps({"messages": [], "held": hold}).encode())
        elif url.path == "/big":
            # Announces its length: libcurl can refuse it before reading.
            size = int(query.get("bytes", ["10000000"])[0])
            self.reply(200, b"x" * size, "application/octet-stream")
        elif url.path == "/big-chunked":
            # No length announced: only the running count in the write callback can stop it.
            size = int(query.get("bytes", ["10000000"])[0])
            self.send_response(200)
            self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            chunk = b"y" * 65536
            sent = 0
            try:
                while sent < size:
                    self.wfile.write(b"%x\r\n%s\r\n" % (len(chunk), chunk))
                    sent += len(chunk)
                self.wfile.write(b"0\r\n\r\n")
            except (BrokenPipeError, ConnectionResetError):
                pass
        elif url.path == "/slow":
            # A slow-loris body: a byte a second, for a minute.
            self.send_response(200)
            self.send_header("Content-Length", "60")
            self.end_headers()
            try:
                for _ in range(60):
                    self.wfile.write(b"s")
                    self.wfile.flush()
                    time.sleep(1)
            except (BrokenPipeError, ConnectionResetError):
                pass
        elif url.path == "/redirect":
            self.reply(302, b"", headers=[("Location", "file:///etc/passwd")])
        else:
            self.reply(404, b'{"error":"not found"}')

    def do_POST(self):
        length = int(self.headers.get("Content-Length", "0"))
        body = self.rfile.read(length)
        if urlparse(self.path).path == "/echo":
            echo = {
                "body": body.decode("utf-8", "replace"),
                "content_type": self.headers.get("Content-Type"),
                "authorization": self.headers.get("Authorization"),
            }
            self.reply(200, json.dumps(echo).encode())
        else:
            self.reply(404, b'{"error":"not found"}')


if __name__ == "__main__":
    ThreadingHTTPServer.daemon_threads = True
    server = ThreadingHTTPServer(("127.0.0.1", int(sys.argv[1])), Handler)
    print("ready", flush=True)
    server.serve_forever()
