#!/usr/bin/env python3
"""A standard baseline beside Entraide's matcher, on the same phrases: scikit-learn TF-IDF
(word 1-2 grams + character 3-5 grams) and logistic regression, trained on the examples in
intents/*.yaml, with a probability threshold for "fallback" chosen on intents/tests (as
Entraide's thresholds are), measured on intents/tests and intents/heldout.

Usage: scripts/baseline_tfidf.py [INTENTS_DIR]   (scripts/bench installs scikit-learn)
"""
import glob
import os
import sys
import time

import numpy as np
import yaml
from scipy.sparse import hstack
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression

root = sys.argv[1] if len(sys.argv) > 1 else "intents"


def load_examples():
    texts, labels = [], []
    for path in sorted(glob.glob(os.path.join(root, "*.yaml"))):
        if os.path.basename(path) == "synonyms.yaml":
            continue
        doc = yaml.safe_load(open(path, encoding="utf-8"))
        for phrases in (doc.get("examples") or {}).values():
            for phrase in phrases:
                texts.append(str(phrase))
                labels.append(doc["id"])
    return texts, labels


def load_phrases(folder):
    out = []
    for path in sorted(glob.glob(os.path.join(root, folder, "*.yaml"))):
        doc = yaml.safe_load(open(path, encoding="utf-8"))
        expected = None if doc["intent"] == "none" else doc["intent"]
        for phrases in (doc.get("phrases") or {}).values():
            out.extend((str(p), expected) for p in phrases)
    return out


texts, labels = load_examples()
words = TfidfVectorizer(analyzer="word", ngram_range=(1, 2), lowercase=True, strip_accents="unicode", sublinear_tf=True)
chars = TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 5), lowercase=True, strip_accents="unicode", sublinear_tf=True)
started = time.perf_counter()
features = hstack([words.fit_transform(texts), chars.fit_transform(texts)]).tocsr()
model = LogisticRegression(max_iter=2000, C=10.0)
model.fit(features, labels)
train_seconds = time.perf_counter() - started


def predict(batch):
    matrix = hstack([words.transform(batch), chars.transform(batch)]).tocsr()
    probabilities = model.predict_proba(matrix)
    best = probabilities.argmax(axis=1)
    return [(model.classes_[i], probabilities[row, i]) for row, i in enumerate(best)]


def score(phrases, threshold):
    predictions = predict([t for t, _ in phrases])
    inscope = [(p, e) for p, (_, e) in zip(predictions, phrases) if e is not None]
    outscope = [p for p, (_, e) in zip(predictions, phrases) if e is None]
    top1 = sum(1 for (label, prob), e in inscope if label == e and prob >= threshold) / max(1, len(inscope))
    fallback = sum(1 for (_, prob) in outscope if prob < threshold) / max(1, len(outscope))
    correct = (top1 * len(inscope) + fallback * len(outscope)) / max(1, len(phrases))
    return correct, top1, fallback


regression = load_phrases("tests")
heldout = load_phrases("heldout")
# The fallback threshold is chosen on the regression phrases, never on the held-out ones.
threshold = max(np.arange(0.05, 0.95, 0.01), key=lambda t: score(regression, t)[0])

print(f"baseline: TF-IDF (word 1-2 + char 3-5) + logistic regression, scikit-learn; {len(texts)} examples")
print(f"training: {train_seconds * 1000:.0f} ms; fallback threshold (set on intents/tests): {threshold:.2f}")
for name, phrases in (("intents/tests", regression), ("intents/heldout", heldout)):
    correct, top1, fallback = score(phrases, threshold)
    print(f"{name}: {len(phrases)} phrases, correct {correct:.1%}, in-scope top-1 {top1:.1%}, out-of-scope to fallback {fallback:.1%}")

queries = [t for t, _ in regression]
for _ in range(2):
    predict(queries[:50])
latencies = []
for text in (queries * 3)[:2000]:
    started = time.perf_counter()
    predict([text])
    latencies.append(time.perf_counter() - started)
latencies.sort()
print(f"one query at a time: {len(latencies) / sum(latencies):.0f} matches/s, p50 {latencies[len(latencies) // 2] * 1e6:.0f} µs, "
      f"p99 {latencies[len(latencies) * 99 // 100] * 1e6:.0f} µs")
started = time.perf_counter()
predict(queries * 10)
batch_seconds = time.perf_counter() - started
print(f"batched ({len(queries) * 10} at once): {len(queries) * 10 / batch_seconds:.0f} matches/s")
