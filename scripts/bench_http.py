#!/usr/bin/env python3
"""End-to-end latency and throughput of the helpline through the HTTP gateway, on loopback.

Runs, on 127.0.0.1 only: a webhook receiver of its own (the provider's side, in this process),
`entraide relay` forwarding replies to it, and `entraide serve` long-polling the relay (the http
channel, as docs/http-channel.md describes). Simulated workers POST questions to the relay's
/inbound, signed with the inbound secret (Entraide-Signature), in closed loop: each waits until
the answer to it reaches the webhook before sending the next. Latency is POST /inbound sent →
answer received by the webhook: relay store, the bot's poll, its inbox, engine and outbox, its
POST /messages to the relay, and the relay's forward.

Prints, for each load: answered/s, p50/p99, CPU of the helpline and of the relay; then peak RSS
of both, and start-up: `entraide serve` exec → first poll (its connection to the relay open) and
→ the answer to a message that was already waiting at the relay. Stdlib only.

Usage: bench_http.py ENTRAIDE_BIN INTENTS_DIR WORK_DIR [DURABILITY] [LOAD...]
       DURABILITY: full (default) or normal, for both stores; LOAD: CLIENTSxQUESTIONS (1x500 5x400)
"""
import hashlib
import hmac
import http.client
import json
import os
import queue
import socket
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

binary, intents, work = sys.argv[1], os.path.abspath(sys.argv[2]), os.path.abspath(sys.argv[3])
durability = sys.argv[4] if len(sys.argv) > 4 else "full"
loads = [tuple(int(n) for n in load.split("x")) for load in sys.argv[5:]] or [(1, 500), (5, 400)]
# The same one-line questions as scripts/bench_irc.py.
questions = ["thank you", "merci beaucoup", "gracias", "bye", "au revoir"]
BOT_TOKEN = "bench-bot-token"
INBOUND_SECRET = "bench-inbound-secret"
TICKS = os.sysconf("SC_CLK_TCK")
os.makedirs(work, exist_ok=True)

# --- The provider's webhook receiver: each reply is queued for the worker it is addressed to.
inboxes = {}
inboxes_lock = threading.Lock()


def inbox(address):
    with inboxes_lock:
        return inboxes.setdefault(address, queue.Queue())


class Receiver(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def setup(self):
        super().setup()
        # As a provider's server would: no Nagle delay on the answer (BaseHTTPRequestHandler writes
        # the head and the body apart, and the second write would wait for a delayed ACK).
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        arrived = time.perf_counter()
        self.wfile.write(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok")
        reply = json.loads(body)
        inbox(reply["to"]).put((arrived, reply["text"]))


receiver = ThreadingHTTPServer(("127.0.0.1", 0), Receiver)
receiver.daemon_threads = True
threading.Thread(target=receiver.serve_forever, daemon=True).start()


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def secret_file(name, value):
    path = os.path.join(work, name)
    with open(path, "w") as file:
        file.write(value)
    os.chmod(path, 0o600)
    return path


def signed_post(connection, submission):
    body = json.dumps(submission).encode()
    stamp = int(time.time())
    mac = hmac.new(INBOUND_SECRET.encode(), f"{stamp}.".encode() + body, hashlib.sha256).hexdigest()
    connection.request("POST", "/inbound", body, {
        "Content-Type": "application/json", "Entraide-Signature": f"t={stamp},v1={mac}"})
    response = connection.getresponse()
    response.read()
    if response.status != 200:
        raise RuntimeError(f"/inbound answered {response.status}")


def cpu_seconds(pid):
    with open(f"/proc/{pid}/stat") as file:
        fields = file.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICKS  # utime + stime


def peak_rss(pid):
    with open(f"/proc/{pid}/status") as file:
        for line in file:
            if line.startswith("VmHWM"):
                return int(line.split()[1]) / 1024  # MiB
    return 0.0


def connected_to(port):
    """True once some local socket has an established TCP connection to 127.0.0.1:port."""
    with open("/proc/net/tcp") as file:
        next(file)
        for line in file:
            fields = line.split()
            if fields[3] == "01" and int(fields[2].split(":")[1], 16) == port:
                return True
    return False


def stop(process):
    process.terminate()
    try:
        process.wait(5)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


relay_port = free_port()
relay_log = open(os.path.join(work, "relay.log"), "w")
relay = subprocess.Popen([
    binary, "relay", "--listen", f"127.0.0.1:{relay_port}", "--data", os.path.join(work, "relay-data"),
    "--durability", durability, "--log-level", "warning",
    "--bot-token-file", secret_file("bot-token", BOT_TOKEN),
    "--inbound-secret-file", secret_file("inbound-secret", INBOUND_SECRET),
    "--outbound-webhook", f"http://127.0.0.1:{receiver.server_address[1]}/hook",
], stdout=relay_log, stderr=subprocess.STDOUT)
bot = None
try:
    for _ in range(300):
        try:
            probe = http.client.HTTPConnection("127.0.0.1", relay_port, timeout=2)
            probe.request("GET", "/health")
            if probe.getresponse().status == 200:
                probe.close()
                break
        except OSError:
            time.sleep(0.05)
    else:
        sys.exit("the relay did not start (see relay.log)")

    # A worker's message already waiting at the relay when the helpline starts.
    first = http.client.HTTPConnection("127.0.0.1", relay_port, timeout=20)
    signed_post(first, {"id": "startup-1", "from": "+33600000000", "text": "thank you"})
    first.close()
    time.sleep(0.2)  # the connection above is closed by now, on both sides
    if connected_to(relay_port):
        sys.exit("something else holds a connection to the relay's port")

    config = os.path.join(work, "entraide.yaml")
    with open(config, "w") as file:
        # The per-worker limit raised out of reach, as scripts/profile-serve and the peer kit do: a worker here
        # asks hundreds of questions in a row, and from the 21st the flood guard would (rightly) stop reading.
        file.write(f"http:\n  base_url: http://127.0.0.1:{relay_port}\n"
                   f"  token_file: {secret_file('token', BOT_TOKEN)}\n"
                   "limits:\n  burst: 10000\n  per_minute: 100000\n")
    environment = {k: v for k, v in os.environ.items() if not k.startswith("ENTRAIDE_")}
    environment["ENTRAIDE_STORE_DURABILITY"] = durability
    bot_log = open(os.path.join(work, "serve.log"), "w")
    relay_fds = f"/proc/{relay.pid}/fd"
    idle_fds = len(os.listdir(relay_fds))
    started = time.perf_counter()
    bot = subprocess.Popen(
        [binary, "serve", "--config", config, "--data", os.path.join(work, "bot-data"), "--intents", intents,
         "--log-level", "info"], stdout=bot_log, stderr=subprocess.STDOUT, env=environment)
    # The first poll is seen as the relay accepting the bot's connection: one more open file in
    # the relay (cheap to watch, unlike /proc/net/tcp, whose reading would compete for the CPU).
    first_poll = None
    deadline = started + 30
    while first_poll is None and time.perf_counter() < deadline:
        if len(os.listdir(relay_fds)) > idle_fds:
            first_poll = time.perf_counter()
        else:
            time.sleep(0.0005)
    arrived, _ = inbox("+33600000000").get(timeout=30)
    print(f"start-up: exec → first poll {(first_poll - started) * 1000:.0f} ms, "
          f"→ answer to a waiting message at the webhook {(arrived - started) * 1000:.0f} ms "
          f"(RSS then {peak_rss(bot.pid):.1f} MiB)")

    first_answers = {}

    def worker(index, count, latencies, errors):
        address = f"+3360{index:07d}"
        replies = inbox(address)
        connection = http.client.HTTPConnection("127.0.0.1", relay_port, timeout=20)
        for number in range(count):
            question = questions[(index + number) % len(questions)]
            while not replies.empty():  # nothing stale may pass for this answer
                errors.append(f"{address}: an extra reply before question {number}")
                replies.get_nowait()
            sent = time.perf_counter()
            try:
                signed_post(connection, {"id": f"{address}-{number}", "from": address, "text": question})
                arrived, text = replies.get(timeout=20)
            except (OSError, RuntimeError, queue.Empty) as error:
                errors.append(f"{address}: question {number}: {error!r}")
                break
            latencies.append(arrived - sent)
            first_answers.setdefault(question, text)
        connection.close()

    total_cpu_bot = total_cpu_relay = 0.0
    total_answers = 0
    for run, (clients, per_client) in enumerate(loads):
        latencies, errors = [], []
        bot_before, relay_before = cpu_seconds(bot.pid), cpu_seconds(relay.pid)
        began = time.perf_counter()
        threads = [threading.Thread(target=worker, args=(1000 * (run + 1) + i, per_client, latencies, errors))
                   for i in range(clients)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        elapsed = time.perf_counter() - began
        bot_cpu, relay_cpu = cpu_seconds(bot.pid) - bot_before, cpu_seconds(relay.pid) - relay_before
        total_cpu_bot += bot_cpu
        total_cpu_relay += relay_cpu
        total_answers += len(latencies)
        latencies.sort()
        if not latencies:
            print(f"http: no answers ({errors[:3]})")
            continue
        p50 = latencies[len(latencies) // 2] * 1000
        p99 = latencies[min(len(latencies) - 1, len(latencies) * 99 // 100)] * 1000
        print(f"http: {clients} worker(s) × {per_client} questions: {len(latencies)} answered, {len(errors)} errors, "
              f"{len(latencies) / elapsed:.0f} answered/s, latency p50 {p50:.2f} ms, p99 {p99:.2f} ms; "
              f"CPU helpline {bot_cpu / elapsed * 100:.0f}%, relay {relay_cpu / elapsed * 100:.0f}% of one core")
        for error in errors[:3]:
            print(f"  error: {error}")
    for question in questions:
        if question in first_answers:
            print(f"  {question!r} -> {first_answers[question][:70]!r}")
    if total_answers:
        print(f"CPU per answer: helpline {total_cpu_bot / total_answers * 1000:.2f} ms, "
              f"relay {total_cpu_relay / total_answers * 1000:.2f} ms")
    print(f"peak RSS: helpline {peak_rss(bot.pid):.1f} MiB, relay {peak_rss(relay.pid):.1f} MiB")
finally:
    if bot is not None:
        stop(bot)
    stop(relay)
    receiver.shutdown()
