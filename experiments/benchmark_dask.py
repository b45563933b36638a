"""Throughput of labelling on a local Dask cluster against the single-process path, printed as numbers.

In one run, for the lexical model (``combined_lexical``, trained on the seed gold: no
torch) over ``--lexical-sentences`` sentences (default 1,000,000) and for the shipped
default (embeddings) over ``--default-sentences`` (default 100,000):

- ``stance label`` in one process (a fresh child process): wall time, sentences per
  second, peak resident memory;
- ``stance.label_dask`` on a local cluster of ``--workers`` single-threaded worker
  processes (default: one per CPU), started for the run (its start and the model load
  on each worker are in the time): wall time, sentences per second, the ratio to the
  single process, the rate per worker, and the peak resident memory of each worker;
- whether the two outputs agree: byte for byte (both are CSV), else the share of
  sentences with the same topics, tone and stance.

The corpus is generated JSONL, 50 seed gold sentences per article, each made distinct.
Both paths write CSV so that the outputs can be compared byte for byte.

Usage: python experiments/benchmark_dask.py [--lexical-sentences N] [--default-sentences N]
       [--workers W] [--partitions P]
"""

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import stance
from stance.models.persistence import default_model_path, save_classifier
from stance.training import train_classifier

sys.path.insert(0, str(Path(__file__).resolve().parent))
from benchmark import write_corpus  # noqa: E402  (the generated corpus of `make benchmark`)

_CHILD = (
    "import resource, sys\n"
    "from stance.cli import main\n"
    "status = main(sys.argv[1:])\n"
    "print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, file=sys.stderr)\n"
    "sys.exit(status)\n"
)


def single_process(corpus, model, out):
    """``stance label`` in a fresh process: (seconds, peak MiB, rows written)."""
    started = time.perf_counter()
    result = subprocess.run([sys.executable, "-c", _CHILD, "label", str(corpus), "--model", str(model), "--out", str(out)],
                            capture_output=True, text=True)
    seconds = time.perf_counter() - started
    if result.returncode:
        raise SystemExit(result.stderr)
    rows = int(result.stdout.split("wrote ", 1)[1].split()[0])
    return seconds, int(result.stderr.strip().splitlines()[-1]) / 1024, rows


def on_dask(corpus, model, out, workers, partitions):
    """``stance.label_dask`` on a local cluster started for it: the run."""
    return stance.label_dask(corpus, out, model=model, n_workers=workers, partitions=partitions)


def agreement(local, dask):
    """'identical' when the files are equal byte for byte, else the share of rows with the same labels."""
    if local.read_bytes() == dask.read_bytes():
        return "byte-identical CSV"
    import pandas as pd

    a = pd.read_csv(local, keep_default_na=False, usecols=["sentence_id", "topics", "tone", "stance"])
    b = pd.read_csv(dask, keep_default_na=False, usecols=["sentence_id", "topics", "tone", "stance"])
    same = (a == b).all(axis=1).mean() if len(a) == len(b) else float("nan")
    return f"same topics, tone and stance on {same:.4%} of {len(a):,} rows (probabilities differ in the last bits)"


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--lexical-sentences", type=int, default=1_000_000)
    parser.add_argument("--default-sentences", type=int, default=100_000)
    parser.add_argument("--workers", type=int, default=os.cpu_count())
    parser.add_argument("--partitions", type=int, default=None, help="default: blocks of 4 MiB, at least two per worker")
    args = parser.parse_args(argv)
    print(f"machine: {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}, Python {sys.version.split()[0]}, "
          f"stance {stance.__version__}; local cluster: {args.workers} worker processes x 1 thread")
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        lexical, metadata = train_classifier(stance.load_annotations(), "combined_lexical", evaluate=False)
        lexical = save_classifier(lexical, tmp / "lexical.skops", metadata)
        for name, model, n in (("lexical", lexical, args.lexical_sentences), ("default", default_model_path(), args.default_sentences)):
            if n <= 0:
                continue
            corpus = tmp / f"{name}.jsonl"
            write_corpus(corpus, n)
            local_seconds, local_peak, sentences = single_process(corpus, model, tmp / f"{name}-local.csv")
            run = on_dask(corpus, model, tmp / f"{name}-dask.csv", args.workers, args.partitions)
            assert run.rows == sentences, (run.rows, sentences)
            local_rate, dask_rate = sentences / local_seconds, sentences / run.seconds
            peaks = ", ".join(f"{mib:,.0f}" for mib in sorted(run.peak_memory_mib.values()))
            print(f"\n{name} model, {sentences:,} sentences ({corpus.stat().st_size / 2**20:,.0f} MiB of JSONL):")
            print(f"  single process: {local_seconds:,.1f} s, {local_rate:,.0f} sentences/s, peak memory {local_peak:,.0f} MiB")
            steady = sentences / run.stages["label"]
            print(f"  dask, {run.workers} workers, {run.partitions} partitions: {run.seconds:,.1f} s (cluster start and "
                  f"model load included), {dask_rate:,.0f} sentences/s = {dask_rate / local_rate:.2f}x the single process; "
                  f"peak memory per worker {peaks} MiB")
            print("  dask stages: " + ", ".join(f"{k} {v:,.1f} s" for k, v in run.stages.items())
                  + f"; labelling stage {steady:,.0f} sentences/s = {steady / run.workers:,.0f} per worker core")
            print(f"  outputs: {agreement(tmp / f'{name}-local.csv', tmp / f'{name}-dask.csv')}")
            for cores in (16, 64, 256):
                hours = 10_000_000 / (steady / run.workers * cores) / 3600
                print(f"  expected: 10 million sentences on {cores} worker cores at this per-core rate: {hours:,.2f} h "
                      f"(plus start-up; if the corpus has at least as many partitions as cores)")
    print(f"\nbenchmark process peak memory (client): {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:,.0f} MiB")


if __name__ == "__main__":
    main()
