#!/usr/bin/env python3
"""Turn one run of scripts/bench-intents into the Markdown section of docs/benchmarks.md.

  python3 scripts/bench_intents_table.py WORK --doc docs/benchmarks.md --machine M --date D --command C

WORK holds what scripts/bench-intents wrote: for each data set D (hwu64, banking77-oos)
`tfidf-D.json` (the kit's baseline_tfidf.py --out) and `entraide-D.json` (entraide_bench.py
--out), and `regression.txt` and `heldout.txt` (the output of `entraide intents test`).
The section replaces what lies between the markers below; when the markers are missing, it goes
under its own heading after the section "## Accuracy, beside a standard baseline". Nothing else
in the document changes. Standard library only.
"""
import argparse
import json
import os
import re
import statistics
import sys
import textwrap

BEGIN, END = "<!-- bench-intents:begin -->", "<!-- bench-intents:end -->"
HEADING = "## The matcher on public intent data (`scripts/bench-intents`)"
AFTER = "## Accuracy, beside a standard baseline"
DATASETS = (("hwu64", "HWU64"), ("banking77-oos", "BANKING77-OOS"))
BASELINE_NAMES = {"lr": "LR", "svm": "linear SVM", "knn": "1-NN", "centroid": "centroid"}
CITATION = (
    "Data: the kit's copy of `jianguoz/Few-Shot-Intent-Detection` (commit fa95533, `Datasets/`, "
    "unmodified). HWU64: Liu, Eshghi, Swietojanski and Rieser, *Benchmarking Natural Language "
    "Understanding Services for building Conversational Agents* (IWSDS 2019). BANKING77: Casanueva, "
    "Temčinas, Gerz, Henderson and Vulić, *Efficient Intent Detection with Dual Sentence Encoders* "
    "(NLP4ConvAI 2020). Both CC BY 4.0. The BANKING77-OOS split (50 intents in scope, the other 27 as "
    "in-domain out-of-scope, plus out-of-domain out-of-scope questions): Zhang et al., *Are "
    "Pre-trained Transformers Robust in Intent Classification? A Missing Ingredient in Evaluation "
    "of Out-of-Scope Intent Detection* (NLP4ConvAI 2022).")


# ----------------------------------------------------------------------------- reading the run

def load(path):
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def settings_of(results, key=lambda r: r["setting"]):
    """{'full': [result], '10-shot': [seed 1, seed 2, ...]} from the kit's setting names."""
    out = {}
    for r in results:
        name = key(r)
        if name == "full":
            out.setdefault("full", []).append(r)
        elif re.match(r"\d+-shot[-(]seed\d+\)?$", name):
            out.setdefault(name.split("-shot")[0] + "-shot", []).append(r)
    return out


def stat(values):
    """(mean, sd over seeds or None for one value); population sd, as the kit's summaries."""
    values = [v for v in values if v is not None]
    if not values:
        return None
    return statistics.fmean(values), (statistics.pstdev(values) if len(values) > 1 else None)


def pct(s, signed=False):
    if s is None:
        return "–"
    mean, sd = s
    text = f"{100 * mean:+.1f}".replace("-", "−") if signed else f"{100 * mean:.1f}"
    return text + (f" ± {100 * sd:.1f}" if sd is not None else "") + (" pts" if signed else "")


def table_rows(work):
    """One row per (data set, setting), as lists of cells."""
    rows = []
    for dataset, title in DATASETS:
        ent = settings_of(load(os.path.join(work, f"entraide-{dataset}.json"))["results"])
        base = settings_of(load(os.path.join(work, f"tfidf-{dataset}.json"))["results"])
        for setting in sorted(ent, key=lambda s: s == "full"):  # k-shot first, then full
            runs = ent[setting]
            shipped = lambda key: stat([r["shipped"].get(key) for r in runs])  # noqa: E731
            models = {}
            for r in base.get(setting, []):
                models.setdefault(r["model"], []).append(r)
            lr = models.get("lr", [])
            lr_top1 = stat([r["closed_acc"] for r in lr])
            lr_auroc = stat([r.get("auroc") for r in lr])
            others = {m: stat([r["closed_acc"] for r in rs]) for m, rs in models.items() if m != "lr"}
            best = max(others.items(), key=lambda kv: kv[1][0], default=None)
            top1 = shipped("top1")
            gap = (top1[0] - lr_top1[0], None) if top1 and lr_top1 else None
            n = len(runs)
            label = f"{title} {setting}" + (f", mean ± sd of {n} seeds" if setting != "full" and n > 1 else
                                            ", 1 seed" if setting != "full" else f" ({runs[0]['n_train']:,} examples)")
            rows.append([
                label,
                pct(top1),
                pct(shipped("in_acc")),
                pct(shipped("oos_recall")),
                pct(shipped("auroc")),
                f"{pct(shipped('in_clarify'))} / {pct(shipped('in_fallback'))}",
                pct(lr_top1),
                pct(lr_auroc),
                f"{BASELINE_NAMES.get(best[0], best[0])} {pct(best[1])}" if best else "–",
                pct(gap, signed=True),
            ])
    return rows


def shipped_phrases(path, name):
    """The `phrases:` line and the crisis row of `entraide intents test`, as one table row."""
    with open(path, encoding="utf-8") as f:
        lines = f.read().splitlines()
    summary = next((l for l in lines if l.startswith("phrases:")), None)
    m = summary and re.match(r"phrases: (\d+)\s+correct: ([\d.]+%)\s+in scope top-1: ([\d.]+%)\s+"
                             r"out of scope to fallback: ([\d.]+%)\s+asked to choose: ([\d.]+%)\s+"
                             r"wrong answers: ([\d.]+%)", summary)
    if not m:
        sys.exit(f"bench_intents_table: no `phrases:` line in the format expected in {path}; "
                 "`entraide intents test` changed its output: update this parser")
    crisis = next((l for l in lines if l.split()[:1] == ["crisis"]), None)
    cells = re.findall(r"(\d+)/(\d+)", crisis or "")
    escalated = (f"{sum(int(a) for a, _ in cells)}/{sum(int(b) for _, b in cells)}" if cells else "–")
    return [name, f"{int(m[1]):,}", m[2], m[3], m[4], m[5], m[6], escalated]


LANGUAGES = ["en", "fr", "es", "pt", "ar"]


def per_language(path):
    """Correct / total per language column of `entraide intents test`'s intent × language table."""
    with open(path, encoding="utf-8") as f:
        lines = f.read().splitlines()
    start = next(i for i, l in enumerate(lines) if l.startswith("intent "))
    totals = {language: [0, 0] for language in LANGUAGES}
    for line in lines[start + 1:]:
        if not line.strip():
            break
        cells = line[28:]
        for index, language in enumerate(LANGUAGES):
            cell = cells[index * 9:(index + 1) * 9].strip()
            if "/" in cell:
                correct, total = cell.split("/")
                totals[language][0] += int(correct)
                totals[language][1] += int(total)
    return [f"{100 * c / t:.1f}% ({c}/{t})" if t else "–" for c, t in totals.values()]


# ----------------------------------------------------------------------------- the section

def markdown_table(header, rows, align):
    out = ["| " + " | ".join(header) + " |", "|" + "|".join(align) + "|"]
    out += ["| " + " | ".join(r) + " |" for r in rows]
    return out


def para(text, bullet=False):
    """A paragraph (or a list item) wrapped at 100 columns, as the rest of the document."""
    if bullet:
        return textwrap.fill(text, 100, initial_indent="- ", subsequent_indent="  ", break_on_hyphens=False)
    return textwrap.fill(text, 100, break_on_hyphens=False)


def section(work, machine, date, command, build, wall, quick):
    env = load(os.path.join(work, "tfidf-hwu64.json"))["env"]
    seeds = len(settings_of(load(os.path.join(work, "entraide-hwu64.json"))["results"]).get("10-shot", []))
    lines = [
        "<!-- Generated by scripts/bench-intents (scripts/bench_intents_table.py): "
        "edits between the markers are lost at the next run. -->",
        "",
        para(f"One run, {date}, build {build}, on {machine}. It took {wall}."),
    ]
    if quick:
        lines += ["", "**Quick run (`--quick`: 1 seed, no full training sets), for development: "
                      "not figures to quote.**"]
    lines += [
        "",
        "```sh",
        f"{command}   # builds in release mode, sets up the kit's venv, runs everything below",
        "```",
        "",
        para("The kit in `../shared/bench` turns each training set into an answer-file folder, checks it "
             "with `entraide intents check` and matches the test questions with `entraide intents match "
             "--json --batch`. The matcher runs as shipped: nothing is tuned on these sets. In the same "
             f"run, the kit's `baseline_tfidf.py` (scikit-learn {env['sklearn']}, Python {env['python']}) "
             "trains TF-IDF baselines on the same training sets and scores the same test questions. "
             f"10-shot: 10 examples per intent, drawn with seed{'s' if seeds > 1 else ''} "
             f"{', '.join(str(i) for i in range(1, seeds + 1))} (the same subsets for both); full: the "
             "whole training set. Figures in %."),
        "",
    ]
    header = ["setting", "Entraide top-1", "Entraide in-scope, as shipped", "OOS recall, as shipped",
              "Entraide AUROC", "clarify / fallback (in scope)", "TF-IDF + LR top-1", "LR AUROC",
              "best other baseline top-1", "top-1 gap (Entraide − LR)"]
    lines += markdown_table(header, table_rows(work), ["---"] + ["---:"] * (len(header) - 1))
    lines += [
        "",
        para("*top-1*: the best intent, even below the answer threshold (for the baselines: with no "
             "rejection). *In-scope, as shipped*: in-scope questions answered with the right intent; "
             "asking the worker to choose (clarify) or falling back counts as wrong. HWU64 is a closed "
             "set: every question is in scope.", bullet=True),
        para("*OOS recall, as shipped*: BANKING77-OOS out-of-scope questions (in-domain and "
             "out-of-domain) left without an intent (fallback or clarify). *AUROC*: how well the best "
             "score separates in-scope from out-of-scope questions, whatever the threshold (LR: its top "
             "class probability).", bullet=True),
        para("*clarify / fallback*: the share of in-scope questions where Entraide asked the worker to "
             "choose, and where it fell back.", bullet=True),
        "",
        para("The shipped answers, same build: `entraide intents test --bar 0` (the regression phrases, "
             "`intents/tests`) and `entraide intents test --phrases intents/heldout --bar 0` (the held-out "
             "phrases, never tuned on)."),
        "",
    ]
    lines += markdown_table(
        ["phrases", "count", "correct", "in-scope top-1 (right topic)", "out of scope to fallback",
         "asked to choose", "wrong answers", "crisis phrases correct"],
        [shipped_phrases(os.path.join(work, "regression.txt"), "regression (`intents/tests`)"),
         shipped_phrases(os.path.join(work, "heldout.txt"), "held-out (`intents/heldout`)"),
         shipped_phrases(os.path.join(work, "real-dev.txt"), "real messages, development half (`intents/real-dev`)"),
         shipped_phrases(os.path.join(work, "real.txt"), "real messages, measured only (`intents/real`)")],
        ["---"] + ["---:"] * 7)
    lines += ["", para("*Real messages*: messages workers posted on public forums and issue trackers, with "
                       "their addresses (docs/operators.md, \"Real messages\"); the development half may be "
                       "read to write examples, the other is only measured. *Wrong answers*: answered (or "
                       "escalated) with another topic than the right one, or answered when out of scope."), ""]
    lines += ["Per language (correct / phrases):", ""]
    lines += markdown_table(
        ["phrases"] + LANGUAGES,
        [["regression"] + per_language(os.path.join(work, "regression.txt")),
         ["held-out"] + per_language(os.path.join(work, "heldout.txt"))],
        ["---"] + ["---:"] * len(LANGUAGES))
    lines += ["", para(CITATION)]
    return "\n".join(lines)


def write_into(doc, body):
    with open(doc, encoding="utf-8") as f:
        text = f.read()
    block = f"{BEGIN}\n{body}\n{END}"
    if BEGIN in text and END in text:
        start, end = text.index(BEGIN), text.index(END) + len(END)
        text = text[:start] + block + text[end:]
    else:  # first run: a new section right after the accuracy section (or at the end)
        after = text.find("\n" + AFTER)
        following = text.find("\n## ", after + 1) if after >= 0 else -1
        at = following + 1 if following >= 0 else len(text)
        text = text[:at].rstrip("\n") + f"\n\n{HEADING}\n\n{block}\n\n" + text[at:]
        text = text.rstrip("\n") + "\n"
    with open(doc, "w", encoding="utf-8") as f:
        f.write(text)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("work", help="the run's folder (JSON and test outputs)")
    ap.add_argument("--doc", help="write the section between the markers of this file (default: print it)")
    ap.add_argument("--machine", default="this machine")
    ap.add_argument("--date", default="")
    ap.add_argument("--command", default="scripts/bench-intents")
    ap.add_argument("--build", default="(unknown)")
    ap.add_argument("--wall", default="(unknown)", help="how long the run took, as text")
    ap.add_argument("--quick", action="store_true", help="mark the section as a quick run")
    args = ap.parse_args()
    body = section(args.work, args.machine, args.date, args.command, args.build, args.wall, args.quick)
    if args.doc:
        write_into(args.doc, body)
    else:
        print(body)


if __name__ == "__main__":
    main()
