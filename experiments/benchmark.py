"""Speed and memory of labelling, printed as numbers (no timed tests: shared machines are noisy).

Measures, for the shipped default (embedding-based) and a lexical model trained on the
same gold (``combined_lexical``: TF-IDF, lexicons, cues, VADER; no torch):

- labelling speed in sentences per second, on distinct sentences (the row cache is
  emptied first, so nothing is looked up from an earlier pass);
- the wall time of ``python -c "import stance; stance.load_classifier(...)"`` in a fresh process;
- the peak resident memory of ``stance label`` over a generated JSONL corpus of
  ``--corpus-sentences`` sentences (default 1,000,000) in a fresh process.

``--compare FILE`` adds another model file to the speed runs (for example an earlier shipped default,
``git show REV:stance/data/default_model.skops > old.skops``), so that two models are timed in one run
on the same machine and load.

Usage: python experiments/benchmark.py [--speed-sentences 5000] [--corpus-sentences 1000000]
       [--memory-model lexical|default] [--compare FILE]
"""

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import stance
from stance.features.cache import ROWS
from stance.models.persistence import default_model_path, model_metadata, save_classifier
from stance.training import train_classifier

SENTENCES_PER_ARTICLE = 50


def distinct_sentences(n):
    """``n`` distinct, realistic sentences: the seed gold sentences with a running number."""
    base = stance.load_annotations()["text"].tolist()
    return [f"{base[i % len(base)]} ({i})" for i in range(n)]


def labelling_speed(classifier, sentences):
    ROWS.clear()
    classifier.label_sentences(sentences[:50])  # loads lazily imported models before timing
    ROWS.clear()
    started = time.perf_counter()
    classifier.label_sentences(sentences)
    return len(sentences) / (time.perf_counter() - started)


def load_time(model_path):
    code = f"import stance; stance.load_classifier({str(model_path)!r})"
    started = time.perf_counter()
    subprocess.run([sys.executable, "-c", code], check=True)
    return time.perf_counter() - started


def write_corpus(path, n_sentences):
    base = stance.load_annotations()["text"].tolist()[:SENTENCES_PER_ARTICLE]
    with open(path, "w", encoding="utf-8") as handle:
        for article in range(n_sentences // SENTENCES_PER_ARTICLE):
            # one gold sentence per line, made distinct by a prefix: one sentence each
            text = "\n".join(f"Item {article}-{i}: {s}" for i, s in enumerate(base))
            handle.write(json.dumps({"id": f"a{article}", "title": f"Article {article}", "text": text}) + "\n")


def label_peak_memory(corpus, model_path, out):
    """Run ``stance label`` in a child process; return (seconds, peak RSS in MiB, sentences written)."""
    stance_cli = Path(sys.executable).with_name("stance")
    started = time.perf_counter()
    subprocess.run([str(stance_cli), "label", str(corpus), "--model", str(model_path), "--out", str(out)], check=True)
    seconds = time.perf_counter() - started
    peak_kib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    with open(out, encoding="utf-8") as handle:
        rows = sum(1 for _ in handle) - 1
    return seconds, peak_kib / 1024, rows


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--speed-sentences", type=int, default=5000)
    parser.add_argument("--corpus-sentences", type=int, default=1_000_000)
    parser.add_argument("--memory-model", choices=["lexical", "default"], default="lexical",
                        help="model for the memory run (the default needs ~an hour for a million sentences)")
    parser.add_argument("--compare", metavar="FILE", help="another model file timed in the same run (e.g. an earlier default)")
    parser.add_argument("--repeats", type=int, default=1, help="speed runs per model, alternating (median printed)")
    args = parser.parse_args(argv)
    print(f"machine: {os.cpu_count()} CPUs, Python {sys.version.split()[0]}, stance {stance.__version__}")

    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        lexical, metadata = train_classifier(stance.load_annotations(), "combined_lexical", evaluate=False)
        lexical_path = save_classifier(lexical, tmp / "lexical.skops", metadata)
        models = {"default": default_model_path(), "lexical": lexical_path}
        if args.compare:
            models["compared"] = Path(args.compare)
        sentences = distinct_sentences(args.speed_sentences)
        classifiers = {name: stance.load_classifier(path) for name, path in models.items()}
        speeds = {name: [] for name in models}
        for _ in range(args.repeats):  # alternating, so that a change of load hits every model alike
            for name, classifier in classifiers.items():
                speeds[name].append(labelling_speed(classifier, sentences))
        for name, path in models.items():
            speed = statistics.median(speeds[name])
            print(f"{name} ({model_metadata(classifiers[name])['model']}): {speed:,.0f} sentences/s labelling {len(sentences):,} "
                  f"distinct sentences (median of {args.repeats}); import + load {load_time(path):.2f} s")
        if args.compare:
            ratio = statistics.median(speeds["default"]) / statistics.median(speeds["compared"])
            print(f"default / compared speed: {ratio:.2f}")
        corpus = tmp / "corpus.jsonl"
        write_corpus(corpus, args.corpus_sentences)
        seconds, peak, rows = label_peak_memory(corpus, models[args.memory_model], tmp / "labels.csv")
        print(f"stance label, {args.memory_model} model: {rows:,} sentences in {seconds:,.0f} s "
              f"({rows / seconds:,.0f}/s), peak memory {peak:,.0f} MiB")


if __name__ == "__main__":
    main()
