#!/usr/bin/env python3
"""A worker on IRC who sends raw bytes, for the hostile-corpus test: what no well-behaved client
sends (invalid UTF-8, overlong sequences, C0/C1 controls, ANSI escapes, colour codes).

Usage: irc_raw_worker.py PORT NICK INFILE OUTFILE TIMEOUT. INFILE holds one hex-encoded message
per line; each is sent as `PRIVMSG entraide :<bytes>`, two seconds apart. OUTFILE receives one
JSON line per PRIVMSG that reaches NICK: {"from": ..., "hex": ...}. Exits after TIMEOUT seconds
or five seconds after the last message.
"""
import json
import socket
import sys
import time

port, nick, infile, outfile, timeout = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4], float(sys.argv[5])
messages = [bytes.fromhex(line.strip()) for line in open(infile) if line.strip()]
sock = socket.create_connection(("127.0.0.1", port))
sock.settimeout(0.2)
sock.sendall(f"NICK {nick}\r\nUSER {nick} 0 * :raw\r\n".encode())
buffer, registered, sent, replies, deadline, next_send = b"", False, 0, [], time.time() + timeout, 0.0
with open(outfile, "w") as out:
    while time.time() < deadline:
        if sent == len(messages) and time.time() >= next_send + 3:
            break  # everything sent, and five seconds for the last answers
        if registered and sent < len(messages) and time.time() >= next_send:
            sock.sendall(b"PRIVMSG entraide :" + messages[sent] + b"\r\n")
            sent += 1
            next_send = time.time() + 2
        try:
            chunk = sock.recv(65536)
            if not chunk:
                break
            buffer += chunk
        except socket.timeout:
            continue
        while b"\r\n" in buffer:
            line, buffer = buffer.split(b"\r\n", 1)
            parts = line.split(b" ")
            if len(parts) > 1 and parts[0] == b"PING":
                sock.sendall(b"PONG " + parts[1] + b"\r\n")
            elif len(parts) > 1 and parts[1] == b"001":
                registered = True
            elif len(parts) > 3 and parts[1] == b"PRIVMSG" and parts[2] == nick.encode():
                payload = line.split(b" :", 1)[1] if b" :" in line else b""
                replies.append(payload)
                out.write(json.dumps({"from": parts[0].decode("latin-1"), "hex": payload.hex()}) + "\n")
                out.flush()
sock.close()
