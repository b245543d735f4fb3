"""A Sopel plugin written for the benchmark only: the peer that a Sopel user would write to answer
workers' private messages from Entraide's shipped answer files (intents/*.yaml).

The matcher is the simple one such a user would write: words lowercased, accents dropped, and
the intent whose example shares the most words with the question (Jaccard overlap) wins; the
answer is that intent's short answer in the language of the matching example. Below a minimum
overlap it says it does not know. No store, no escalation, no conversation state.

Used by scripts/bench_peer (ENTRAIDE_PEER_INTENTS names the answer files' folder).
"""
import glob
import os
import re
import unicodedata

import yaml
from sopel import plugin

INTENTS = os.environ.get(
    "ENTRAIDE_PEER_INTENTS", os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "intents"))
MINIMUM_OVERLAP = 0.2
FALLBACK = "Sorry, I don't know that one. Write \"help\" to see the topics."
WORD = re.compile(r"\w+")


def words(text):
    text = unicodedata.normalize("NFKD", text.lower())
    text = "".join(c for c in text if not unicodedata.combining(c))
    return frozenset(WORD.findall(text))


def load(folder):
    examples = []  # (words, intent id, language)
    answers = {}  # intent id -> {language: short answer}
    for path in sorted(glob.glob(os.path.join(folder, "*.yaml"))):
        if os.path.basename(path) == "synonyms.yaml":
            continue
        with open(path, encoding="utf-8") as file:
            doc = yaml.safe_load(file)
        answers[doc["id"]] = {
            language: " ".join(str(answer["short"]).split()) for language, answer in (doc.get("answers") or {}).items()}
        for language, phrases in (doc.get("examples") or {}).items():
            examples.extend((words(str(phrase)), doc["id"], language) for phrase in phrases)
    return examples, answers


EXAMPLES, ANSWERS = load(INTENTS)


def reply_for(question):
    asked = words(question)
    best, best_score = None, 0.0
    for example, intent, language in EXAMPLES:
        shared = len(asked & example)
        score = shared / (len(asked) + len(example) - shared) if shared else 0.0
        if score > best_score:
            best, best_score = (intent, language), score
    if best is None or best_score < MINIMUM_OVERLAP:
        return FALLBACK
    intent, language = best
    by_language = ANSWERS[intent]
    return by_language.get(language) or by_language["en"]


@plugin.rule(r".+")
@plugin.require_privmsg
def answer(bot, trigger):
    bot.say(reply_for(trigger.group(0)))
