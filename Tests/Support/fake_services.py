#!/usr/bin/env python3
"""A scripted services server for tests: links to a real InspIRCd 3 over the spanningtree
protocol (1205), learns nick -> UUID from the UIDs and NICKs the server sends, and on a command
from the test sets or clears a user's services account (METADATA accountname), the way Anope or
Atheme would after a NickServ IDENTIFY or LOGOUT.

    fake_services.py LINK_PORT CONTROL_PORT [PASSWORD]

It connects to 127.0.0.1:LINK_PORT as services.test (SID 0SV), and once the link is up (the
server's ENDBURST seen) listens on 127.0.0.1:CONTROL_PORT for lines:

    login NICK ACCOUNT   -> "ok" once the server has processed it (a PING/PONG round trip after)
    logout NICK          -> "ok" likewise
    uid NICK             -> the UUID, or "error unknown nick"

Anything else gets "error ...". Standard library only. The test stops it by process id.
"""
import socket
import sys
import threading
import time

NAME = "services.test"
SID = "0SV"


class Link:
    def __init__(self, port, password):
        self.sock = socket.create_connection(("127.0.0.1", port))
        self.lock = threading.Lock()
        self.cond = threading.Condition()
        self.uids = {}  # lowercased nick -> uuid
        self.nicks = {}  # uuid -> nick
        self.remote_sid = None
        self.linked = False
        self.pongs = 0
        self.dead = None
        self.password = password

    def send(self, line):
        print(">> " + line, flush=True)
        with self.lock:
            self.sock.sendall((line + "\n").encode())

    def handshake(self):
        self.send("CAPAB START 1205")
        self.send("CAPAB CAPABILITIES :CASEMAPPING=rfc1459")
        self.send("CAPAB END")
        self.send("SERVER %s %s 0 %s :Entraide test services" % (NAME, self.password, SID))

    def read_loop(self):
        buffer = b""
        try:
            while True:
                data = self.sock.recv(65536)
                if not data:
                    raise EOFError("the server closed the link")
                buffer += data
                while b"\n" in buffer:
                    raw, buffer = buffer.split(b"\n", 1)
                    line = raw.decode("utf-8", "replace").rstrip("\r")
                    if line:
                        self.handle(line)
        except Exception as error:  # the link is gone: the test sees the process end
            with self.cond:
                self.dead = str(error)
                self.cond.notify_all()
            print("link lost: %s" % error, flush=True)
            sys.stdout.flush()
            import os
            os._exit(1)

    @staticmethod
    def parse(line):
        if line.startswith("@"):
            _, line = line.split(" ", 1)
        source = None
        if line.startswith(":"):
            source, line = line[1:].split(" ", 1)
        if " :" in line:
            head, trailing = line.split(" :", 1)
            params = head.split() + [trailing]
        else:
            params = line.split()
        return source, params[0].upper(), params[1:]

    def handle(self, line):
        print("<< " + line, flush=True)
        source, command, params = self.parse(line)
        if command == "SERVER" and self.remote_sid is None:
            # Their authentication: SERVER name password hops SID :desc. Then we burst (nothing).
            self.remote_sid = params[3]
            self.send(":%s BURST %d" % (SID, int(time.time())))
            self.send(":%s ENDBURST" % SID)
        elif command == "ERROR":
            raise EOFError("ERROR from the server: %s" % " ".join(params))
        elif command == "PING":
            # :<their sid> PING <our sid> -> :<our sid> PONG <their sid>
            self.send(":%s PONG %s" % (SID, source or self.remote_sid))
        elif command == "PONG":
            with self.cond:
                self.pongs += 1
                self.cond.notify_all()
        elif command == "ENDBURST" and source == self.remote_sid:
            with self.cond:
                self.linked = True
                self.cond.notify_all()
        elif command == "UID":
            # :SID UID uuid nickts nick host dhost ident ip signon modes [params] :realname
            uuid, nick = params[0], params[2]
            with self.cond:
                self.uids[nick.lower()] = uuid
                self.nicks[uuid] = nick
        elif command == "NICK" and source in self.nicks:
            with self.cond:
                old = self.nicks[source]
                self.uids.pop(old.lower(), None)
                self.uids[params[0].lower()] = source
                self.nicks[source] = params[0]
        elif command in ("QUIT", "KILL"):
            uuid = source if command == "QUIT" else params[0]
            with self.cond:
                nick = self.nicks.pop(uuid, None)
                if nick is not None and self.uids.get(nick.lower()) == uuid:
                    del self.uids[nick.lower()]

    def round_trip(self, timeout=10):
        """A PING answered: everything sent before it has been processed by the server."""
        with self.cond:
            seen = self.pongs
        self.send(":%s PING %s" % (SID, self.remote_sid))
        with self.cond:
            return self.cond.wait_for(lambda: self.pongs > seen or self.dead, timeout) and not self.dead

    def uuid(self, nick):
        with self.cond:
            return self.uids.get(nick.lower())

    def set_account(self, nick, account):
        uuid = self.uuid(nick)
        if uuid is None:
            return "error unknown nick %s" % nick
        self.send(":%s METADATA %s accountname :%s" % (SID, uuid, account))
        return "ok" if self.round_trip() else "error no PONG"


def serve_control(link, port):
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(("127.0.0.1", port))
    listener.listen(8)
    while True:
        conn, _ = listener.accept()
        threading.Thread(target=control_client, args=(link, conn), daemon=True).start()


def control_client(link, conn):
    with conn, conn.makefile("rwb") as stream:
        for raw in stream:
            words = raw.decode("utf-8", "replace").split()
            if not words:
                continue
            if words[0] == "login" and len(words) == 3:
                answer = link.set_account(words[1], words[2])
            elif words[0] == "logout" and len(words) == 2:
                answer = link.set_account(words[1], "")
            elif words[0] == "uid" and len(words) == 2:
                answer = link.uuid(words[1]) or "error unknown nick %s" % words[1]
            else:
                answer = "error usage: login NICK ACCOUNT | logout NICK | uid NICK"
            print("control: %s -> %s" % (" ".join(words), answer), flush=True)
            stream.write((answer + "\n").encode())
            stream.flush()


def main():
    link_port, control_port = int(sys.argv[1]), int(sys.argv[2])
    password = sys.argv[3] if len(sys.argv) > 3 else "x"
    link = Link(link_port, password)
    threading.Thread(target=link.read_loop, daemon=True).start()
    link.handshake()
    with link.cond:
        if not link.cond.wait_for(lambda: link.linked or link.dead, 15) or link.dead:
            print("the link did not come up: %s" % link.dead, flush=True)
            sys.exit(1)
    print("linked", flush=True)
    serve_control(link, control_port)


if __name__ == "__main__":
    main()
