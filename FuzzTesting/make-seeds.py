#!/usr/bin/env python3
"""Writes the seed inputs of each fuzz target into OUT/<target>/, from the repository's own material.

The committed corpora under FuzzTesting/Corpus/ started as these seeds, minimised with libFuzzer's -merge=1
(`scripts/fuzz --seed`), then grew with what the fuzzers found. Sources:
- irc: the ircdocs/parser-tests vectors (Tests/IRCTests/Vectors), plus CR/LF/NUL, long tags, invalid UTF-8,
  emoji and combining marks at split boundaries, CTCP (reliability.md §5.4);
- poll-answer: the JSON examples of docs/http-channel.md and the Telegram Bot API shapes the dialect reads;
- poll-headers: the signature, GitHub signature and Retry-After forms of docs/http-channel.md;
- answer-file: every intents/*.yaml, synonyms.yaml included;
- normalizer: phrases from intents/tests/ in every language, and scripts and characters the normaliser folds.

Usage: FuzzTesting/make-seeds.py OUT
"""
import hashlib
import json
import pathlib
import sys

import yaml  # PyYAML, only to read intents/tests/

ROOT = pathlib.Path(__file__).resolve().parent.parent


def write(out: pathlib.Path, target: str, data: bytes) -> None:
    directory = out / target
    directory.mkdir(parents=True, exist_ok=True)
    (directory / hashlib.sha1(data).hexdigest()).write_bytes(data)


def irc(out: pathlib.Path) -> None:
    vectors = ROOT / "Tests/IRCTests/Vectors"
    for test in json.loads((vectors / "msg-split.json").read_text())["tests"]:
        write(out, "irc", test["input"].encode() + b"\r\n")
    for test in json.loads((vectors / "msg-join.json").read_text())["tests"]:
        write(out, "irc", "\r\n".join(test["matches"]).encode() + b"\r\n")
    extra = [
        b":irc.example 001 entraide :Welcome\r\nPING :irc.example\r\n",
        b":w!u@h PRIVMSG entraide :hello\nbare LF\rbare CR\r\n",
        b":w!u@h PRIVMSG entraide :nul\x00inside\r\n",
        b":w!u@h PRIVMSG entraide :\x01PING 1234567890\x01\r\n",
        b":w!u@h PRIVMSG entraide :\x01ACTION waves\x01\r\n",
        b":w!u@h PRIVMSG entraide :\x01DCC SEND x 1 2 3\r\n",
        b"@" + b"a=" + b"x" * 4000 + b" :w!u@h PRIVMSG entraide :long tags\r\n",
        b":w!u@h PRIVMSG entraide :" + b"x" * 600 + b"\r\n",
        b":w!u@h PRIVMSG entraide :bad \xff\xfe utf8 \xc3\r\n",
        b":w!u@h PRIVMSG entraide :" + ("a" * 395 + "\U0001F469\u200D\U0001F4BB").encode() + b"\r\n",
        b":w!u@h PRIVMSG entraide :" + ("e" + "\u0301" * 300).encode() + b"\r\n",
        b":w!u@h PRIVMSG entraide :" + "\u202Ereversed\u2028line\u0085next".encode() + b"\r\n",
        b"@time=2026-11-29T21:04:00.000Z;account=w;+typing=active :w!u@h PRIVMSG #entraide :hi\r\n",
        b"@draft/label=a\\:b\\sc\\\\d\\r\\n :s NOTICE * :x\r\n",
        "PRIVMSG entraide :مرحبا، أحتاج مساعدة 👍🏽 नमस्ते\r\n".encode(),
    ]
    for data in extra:
        write(out, "irc", data)


def poll_answer(out: pathlib.Path) -> None:
    samples = [
        {"messages": [{"id": "sms-8812", "from": "+33612345678", "text": "hello", "sent_at": "2026-11-29T21:04:00Z"}],
         "cursor": "8812"},
        {"messages": [], "cursor": "0"},
        {"messages": [{"id": "1", "from": "a", "text": "mi pago no llegó \u00e9\u0301 \U0001F600"},
                      {"id": "2", "from": "b", "text": "x" * 300}], "cursor": "2"},
        {"id": "inbox-412-0", "to": "+33612345678", "text": "Hi, welcome to Entraide\u2026"},
        {"id": "form-1", "from": "session-9", "text": "help"},
        {"ok": True, "result": [{"update_id": 42, "message": {"chat": {"id": 7}, "text": "hi"}},
                                {"update_id": 43, "message": {"chat": {"id": -100}, "sticker": {}}},
                                {"update_id": 44}]},
        {"ok": True, "result": []},
        {"ok": False, "error_code": 429, "parameters": {"retry_after": 3}},
        {"ok": True, "result": {"message_id": 1}},
    ]
    for sample in samples:
        write(out, "poll-answer", json.dumps(sample, ensure_ascii=False).encode())
    write(out, "poll-answer", b'{"messages":[{"id":"\\ud800","from":"\\u0000","text":"\\r\\n"}],"cursor":""}')


def poll_headers(out: pathlib.Path) -> None:
    body = b"Hello, World!"
    samples = [
        b"t=1764450240,v1=5257a869e7ecebeda32affa62cdca3fa51cad7e77a0e56ff536d0ce8e108d8bd\n" + body,
        b"t=1764450240,v1=5257a869e7ecebeda32affa62cdca3fa51cad7e77a0e56ff536d0ce8e108d8bd,v1=00,v0=ab\n" + body,
        b"sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17\n" + body,
        b"120\n",
        b"Wed, 21 Oct 2015 07:28:00 GMT\n",
        b" t = 1 , v1 = \n{}",
    ]
    for data in samples:
        write(out, "poll-headers", data)


def answer_file(out: pathlib.Path) -> None:
    for path in sorted((ROOT / "intents").glob("*.yaml")):
        write(out, "answer-file", path.read_bytes())


def normalizer(out: pathlib.Path) -> None:
    phrases = []
    for path in sorted((ROOT / "intents/tests").glob("*.yaml")):
        document = yaml.safe_load(path.read_text())
        for language, items in sorted((document.get("phrases") or {}).items()):
            phrases += [str(item) for item in (items or [])[:2]]
    extra = [
        "\u0130stanbul I\u0307 \u0131",  # Turkish dotted and dotless i
        "\uFDFA \uFB01nance \uFF28\uFF45\uFF4C\uFF4C\uFF4F x\u00B2 \u2166",  # compatibility forms
        "\u0623\u064E\u0647\u0652\u0644\u064B\u0627 \u0645\u0640\u0640\u0631\u062D\u0628\u0627 \u0663\u0660",  # Arabic
        "hel\u200Blo \u202Bhelp\u202C \uFEFFhi \u00AD\uFE0F",  # invisible characters
        "heyyy ayudaaa 20min \u0648Prolific \u00DF\u1E9E \u00E6\u0153",
        "  \r\n\t\u0007 \u0085 ",
        "\U0001F468\u200D\U0001F469\u200D\U0001F467 \U0001F1EB\U0001F1F7 1\uFE0F\u20E3",
    ]
    for phrase in phrases + extra:
        write(out, "normalizer", phrase.encode())


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    target = pathlib.Path(sys.argv[1])
    for make in (irc, poll_answer, poll_headers, answer_file, normalizer):
        make(target)
