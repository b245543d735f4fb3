#!/usr/bin/env python3
"""kill -9 of `entraide serve` during an IRC burst: are replies doubled or lost?

Starts a private ngircd (flood limits raised for everyone) and `entraide serve` (its pacing off), connects
CLIENTS workers, each sending its share of MESSAGES short questions with up to WINDOW outstanding, and kills
the bot with SIGKILL KILLS times during the burst (evenly, by replies received), restarting it at once. A
question the server refuses while the bot is down (401, no such nick) was never acknowledged by anyone: the
worker sends it again once the bot is back. At the end, once nothing is pending in the store, it compares the
replies the workers counted with the replies the store holds (each stored once, keyed by its message):
  doubled = received − stored   (a reply sent, not proven delivered before the kill, sent again)
  lost    = questions the server delivered to the bot − questions stored (what the kernel held at a kill)
and checks the store's integrity. Prints one JSON line.

Usage: crash_irc.py [--bin .build/release/entraide] [--messages 2000] [--clients 5] [--window 4] [--kills 6]
                    [--durability full]
"""
import argparse
import json
import os
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time

QUESTIONS = ["thank you", "merci beaucoup", "gracias", "bye", "au revoir"]  # one-line answers


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_port(port, seconds=10):
    deadline = time.time() + seconds
    while time.time() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port)).close()
            return
        except OSError:
            time.sleep(0.05)
    sys.exit(f"nothing listens on {port}")


class Worker(threading.Thread):
    def __init__(self, index, port, bot, count, window, state):
        super().__init__(daemon=True)
        self.nick, self.port, self.bot, self.count, self.window, self.state = f"w{index}", port, bot, count, window, state
        self.sent = 0          # questions the server accepted for the bot (no 401 back)
        self.refused = 0       # 401: the bot was down; sent again
        self.received = 0      # reply lines from the bot
        self.last_reply = 0.0  # when the last reply came
        self.outstanding = 0
        self.lock = threading.Lock()
        self.done = threading.Event()

    def run(self):
        sock = socket.create_connection(("127.0.0.1", self.port))
        self.sock = sock
        sock.sendall(f"NICK {self.nick}\r\nUSER {self.nick} 0 * :crash\r\n".encode())
        buffer = b""
        registered = False
        to_send = self.count
        last_send = 0.0
        sock.settimeout(0.05)
        while True:
            if registered and self.state["bot_up"].is_set():
                with self.lock:
                    while to_send > 0 and self.outstanding < self.window:
                        question = QUESTIONS[(self.count - to_send) % len(QUESTIONS)]
                        sock.sendall(f"PRIVMSG {self.bot} :{question}\r\n".encode())
                        to_send -= 1
                        self.outstanding += 1
                        last_send = time.time()
            try:
                data = sock.recv(65536)
                if not data:
                    return
                buffer += data
            except socket.timeout:
                pass
            while b"\r\n" in buffer:
                line, buffer = buffer.split(b"\r\n", 1)
                text = line.decode(errors="replace")
                parts = text.split(" ")
                if text.startswith("PING"):
                    sock.sendall(b"PONG" + line[4:] + b"\r\n")
                elif len(parts) > 1 and parts[1] == "001":
                    registered = True
                elif len(parts) > 1 and parts[1] == "401":
                    with self.lock:  # the bot is down: that question reached nobody; send it again
                        self.refused += 1
                        self.outstanding -= 1
                        to_send += 1
                elif text.lower().startswith(f":{self.bot.lower()}!") and f" PRIVMSG {self.nick} " in text:
                    with self.lock:
                        self.received += 1
                        self.last_reply = time.time()
                        self.outstanding = max(0, self.outstanding - 1)
                    self.state["progress"]()
            # A question whose reply was lost with a kill (never stored) would hold the window: after 3 s of
            # silence, free the window (the lost count comes from the store, not from here).
            # Done once every question is answered, or (a question lost with a kill is never answered) once
            # nothing came for 3 s after the last one was sent.
            if to_send == 0 and (self.outstanding == 0 or time.time() - max(last_send, self.last_reply) > 3):
                self.done.set()
            if self.outstanding >= self.window and time.time() - last_send > 3:
                with self.lock:
                    self.outstanding = 0


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--bin", default=".build/release/entraide")
    parser.add_argument("--messages", type=int, default=2000)
    parser.add_argument("--clients", type=int, default=5)
    parser.add_argument("--window", type=int, default=4)
    parser.add_argument("--kills", type=int, default=6)
    parser.add_argument("--durability", default="full")
    args = parser.parse_args()
    binary = os.path.abspath(args.bin)
    intents = os.path.abspath("intents")
    work = tempfile.mkdtemp(prefix="entraide-crash-irc-")
    os.chmod(work, 0o777)
    port = free_port()
    with open(f"{work}/ngircd.conf", "w") as conf:
        conf.write(f"""[Global]
Name = irc.crash.test
Info = Entraide crash harness
Listen = 127.0.0.1
Ports = {port}
[Limits]
PingTimeout = 120
MaxNickLength = 30
MaxConnectionsIP = 0
MaxPenaltyTime = 0
[Options]
DNS = no
Ident = no
PAM = no
DefaultUserModes = F
""")
    processes = {}
    server = subprocess.Popen([shutil.which("ngircd") or "/usr/sbin/ngircd", "-n", "-f", f"{work}/ngircd.conf"],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    processes["server"] = server
    data = f"{work}/data"
    with open(f"{work}/entraide.yaml", "w") as conf:
        conf.write(f"""data_dir: {data}
intents_dir: {intents}
log_level: warning
store:
  durability: {args.durability}
irc:
  host: 127.0.0.1
  port: {port}
  nick: entraide
  volunteers_channel: "#volunteers"
  burst: 100
  line_interval_ms: 0
limits:
  burst: 10000
  per_minute: 100000
""")
    try:
        wait_port(port)
        bot_up = threading.Event()
        log = open(f"{work}/serve.log", "ab")

        def start_bot():
            processes["bot"] = subprocess.Popen([binary, "serve", "--config", f"{work}/entraide.yaml"], stdout=log, stderr=log)
            # Online: the server knows the nick (ISON from a watcher).
            watcher = socket.create_connection(("127.0.0.1", port))
            watcher.sendall(b"NICK watcher\r\nUSER watcher 0 * :w\r\n")
            buffer, deadline = b"", time.time() + 30
            while time.time() < deadline:
                watcher.sendall(b"ISON entraide\r\n")
                time.sleep(0.02)
                watcher.settimeout(0.5)
                try:
                    buffer += watcher.recv(65536)
                except socket.timeout:
                    pass
                if b" 303 watcher :entraide" in buffer.lower():
                    break
                buffer = buffer[-200:]
            watcher.sendall(b"QUIT\r\n")
            watcher.close()
            bot_up.set()

        total_received = [0]
        lock = threading.Lock()
        kill_points = [args.messages * (k + 1) // (args.kills + 1) for k in range(args.kills)]
        kills_done = []

        def progress():
            with lock:
                total_received[0] += 1
                due = kill_points and total_received[0] >= kill_points[0]
                if due:
                    kill_points.pop(0)
            if due:
                bot_up.clear()
                processes["bot"].send_signal(signal.SIGKILL)
                processes["bot"].wait()
                kills_done.append(total_received[0])
                threading.Thread(target=start_bot, daemon=True).start()

        start_bot()
        state = {"bot_up": bot_up, "progress": progress}
        per_client = args.messages // args.clients
        workers = [Worker(i, port, "entraide", per_client, args.window, state) for i in range(args.clients)]
        started = time.time()
        for worker in workers:
            worker.start()
        deadline = time.time() + 600
        while time.time() < deadline and not all(w.done.is_set() for w in workers):
            time.sleep(0.1)
        # Let the store drain: nothing pending, then 3 s of quiet.
        db_path = f"{data}/entraide.sqlite"
        if not os.path.exists(db_path):
            candidates = [f for f in os.listdir(data) if f.endswith(".sqlite")]
            db_path = f"{data}/{candidates[0]}"
        quiet_since, last = time.time(), -1
        while time.time() < deadline:
            with sqlite3.connect(f"file:{db_path}?mode=ro", uri=True) as db:
                pending = db.execute("SELECT COUNT(*) FROM outbox WHERE delivered_at IS NULL").fetchone()[0]
                pending += db.execute("SELECT COUNT(*) FROM inbox WHERE processed_at IS NULL").fetchone()[0]
            received = sum(w.received for w in workers)
            if received != last:
                quiet_since, last = time.time(), received
            if pending == 0 and time.time() - quiet_since > 3:
                break
            time.sleep(0.2)
        elapsed = time.time() - started
        processes["bot"].send_signal(signal.SIGTERM)
        processes["bot"].wait(timeout=20)
        with sqlite3.connect(f"file:{db_path}?mode=ro", uri=True) as db:
            stored_questions = db.execute("SELECT COUNT(*) FROM inbox").fetchone()[0]
            stored_replies = db.execute("SELECT COUNT(*) FROM outbox").fetchone()[0]
            undelivered = db.execute("SELECT COUNT(*) FROM outbox WHERE delivered_at IS NULL").fetchone()[0]
            integrity = db.execute("PRAGMA integrity_check").fetchone()[0]
        sent = sum(w.count for w in workers)  # every question was eventually accepted for the bot (401s resent)
        received = sum(w.received for w in workers)
        print(json.dumps({
            "durability": args.durability, "clients": args.clients, "window": args.window,
            "questions": sent, "refused_while_down": sum(w.refused for w in workers),
            "kills": len(kills_done), "kill_points": kills_done,
            "stored_questions": stored_questions, "lost_questions": sent - stored_questions,
            "stored_replies": stored_replies, "undelivered": undelivered, "received": received,
            "doubled": received - stored_replies,
            "doubled_pct": round(100 * (received - stored_replies) / max(stored_replies, 1), 2),
            "integrity": integrity, "seconds": round(elapsed, 1),
        }))
    finally:
        for process in processes.values():
            if process.poll() is None:
                process.kill()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
