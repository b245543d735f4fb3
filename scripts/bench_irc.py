#!/usr/bin/env python3
"""End-to-end latency and throughput of the helpline over IRC, on loopback.

Starts nothing itself: scripts/bench runs ngircd (flood limits raised) and `entraide serve`.
N clients in closed loop each send a question by private message and wait for the bot's answer
before sending the next. Prints p50/p99 latency and answered/s.

Usage: bench_irc.py PORT CLIENTS QUESTIONS_PER_CLIENT [BOT_NICK]
"""
import socket
import sys
import threading
import time

port, clients, per_client = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
bot = sys.argv[4] if len(sys.argv) > 4 else "entraide"
# Questions whose answers fit in one IRC line, so that one line received is one answer complete.
questions = ["thank you", "merci beaucoup", "gracias", "bye", "au revoir"]
latencies, errors = [], []
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
else:
    print(f"irc: no answers ({errors[:3]})")
