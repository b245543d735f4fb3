#!/usr/bin/env python3
"""End-to-end latency and throughput of the helpline over IRC, on loopback.

Starts nothing itself: scripts/bench runs ngircd (flood limits raised) and the bot (`entraide
serve`, or the Sopel peer). N clients in closed loop each send a question by private message and
wait for the bot's answer before sending the next. Prints p50/p99 latency and answered/s, and, with one
client, the first answer to each question (so that two bots can be seen answering the same thing).

Usage: bench_irc.py PORT CLIENTS QUESTIONS_PER_CLIENT [BOT_NICK]
       bench_irc.py online PORT BOT_NICK READY_FILE
The second form measures start-up the same way for every bot: it registers a watcher on the
server, writes READY_FILE, then asks the server (ISON, every 2 ms) until BOT_NICK is online, sends
it "thank you" at once, and prints the two moments (online, answer received) as Unix times; the
caller starts the bot after READY_FILE appears.
"""
import os
import socket
import sys
import threading
import time


def watch_online(port, nick, ready_file):
    sock = socket.create_connection(("127.0.0.1", port))
    sock.sendall(b"NICK benchwatch\r\nUSER benchwatch 0 * :bench\r\n")
    buffer = b""
    while b" 001 benchwatch " not in buffer:
        buffer += sock.recv(65536)
    open(ready_file, "w").close()
    deadline = time.time() + 30
    buffer = b""
    while time.time() < deadline:
        sock.sendall(f"ISON {nick}\r\n".encode())
        while b" 303 benchwatch " not in buffer:
            buffer += sock.recv(65536)
        reply = buffer.split(b" 303 benchwatch ", 1)[1].split(b"\r\n", 1)[0]
        buffer = b""
        if nick.lower().encode() in reply.lower().lstrip(b":").split():
            online = time.time()
            break
        time.sleep(0.002)
    else:
        sys.exit(f"{nick} did not come online within 30 s")
    # Online is not yet ready: a question sent now is answered once the bot can answer.
    sock.sendall(f"PRIVMSG {nick} :thank you\r\n".encode())
    sock.settimeout(30)
    while True:
        while b"\r\n" not in buffer:
            data = sock.recv(65536)
            if not data:
                sys.exit(f"the server closed the watcher's connection before {nick} answered")
            buffer += data
        line, buffer = buffer.split(b"\r\n", 1)
        if line.startswith(b"PING"):
            sock.sendall(b"PONG" + line[4:] + b"\r\n")
        elif line.lower().startswith(f":{nick.lower()}!".encode()) and b" PRIVMSG benchwatch :" in line:
            print(f"{online:.6f} {time.time():.6f}")
            sock.sendall(b"QUIT :seen\r\n")
            return


if sys.argv[1] == "online":
    watch_online(int(sys.argv[2]), sys.argv[3], sys.argv[4])
    sys.exit(0)

port, clients, per_client = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
bot = sys.argv[4] if len(sys.argv) > 4 else "entraide"
# Questions whose answers fit in one IRC line, so that one line received is one answer complete.
questions = ["thank you", "merci beaucoup", "gracias", "bye", "au revoir"]
latencies, errors = [], []
first_answers = {}
lock = threading.Lock()


def client(index):
    nick = f"bench{index}"
    sock = socket.create_connection(("127.0.0.1", port))
    sock.settimeout(20)
    sock.sendall(f"NICK {nick}\r\nUSER {nick} 0 * :bench\r\n".encode())
    buffer = b""

    def lines():
        nonlocal buffer
        while True:
            while b"\r\n" in buffer:
                line, buffer = buffer.split(b"\r\n", 1)
                yield line.decode("utf-8", "replace")
            data = sock.recv(65536)
            if not data:
                return
            buffer += data

    stream = lines()
    for line in stream:
        if line.startswith("PING"):
            sock.sendall(("PONG" + line[4:] + "\r\n").encode())
        if f" 001 {nick} " in line:
            break
    mine = []
    for number in range(per_client):
        question = questions[(index + number) % len(questions)]
        started = time.perf_counter()
        sock.sendall(f"PRIVMSG {bot} :{question}\r\n".encode())
        try:
            for line in stream:
                if line.startswith("PING"):
                    sock.sendall(("PONG" + line[4:] + "\r\n").encode())
                elif f"PRIVMSG {nick} :" in line and line.startswith(f":{bot}!"):
                    mine.append(time.perf_counter() - started)
                    first_answers.setdefault(question, line.split(f"PRIVMSG {nick} :", 1)[1])
                    break
        except socket.timeout:
            with lock:
                errors.append(f"{nick}: timeout on question {number}")
            break
    with lock:
        latencies.extend(mine)
    sock.sendall(b"QUIT :done\r\n")
    sock.close()


started = time.perf_counter()
threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
for thread in threads:
    thread.start()
for thread in threads:
    thread.join()
elapsed = time.perf_counter() - started
latencies.sort()
if latencies:
    p50 = latencies[len(latencies) // 2] * 1000
    p99 = latencies[min(len(latencies) - 1, len(latencies) * 99 // 100)] * 1000
    print(f"irc: {clients} client(s) × {per_client} questions: {len(latencies)} answered, {len(errors)} errors, "
          f"{len(latencies) / elapsed:.0f} answered/s, latency p50 {p50:.2f} ms, p99 {p99:.2f} ms")
    if os.environ.get("BENCH_RESULTS"):
        label, load = os.environ.get("BENCH_LABEL", bot), f"{clients}x{per_client}"
        with open(os.environ["BENCH_RESULTS"], "a") as out:
            out.write(f"{label}\t{load} answered/s\t{len(latencies) / elapsed:.1f}\n"
                      f"{label}\t{load} p50 ms\t{p50:.3f}\n{label}\t{load} p99 ms\t{p99:.3f}\n")
    for question in questions if clients == 1 else []:
        if question in first_answers:
            print(f"  {question!r} -> {first_answers[question][:70]!r}")
else:
    print(f"irc: no answers ({errors[:3]})")
