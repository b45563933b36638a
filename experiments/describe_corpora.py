"""Military aid, critical stance and negative tone by source and quarter across the corpora, corrected for classifier error.

Labels every sentence of the seeds and of the corpora of the data home with the shipped model (the
predictions are kept in ``outputs/predictions/``, without text, and reused while the model and corpus
are the same), measures the prevalence of every topic, tone and stance class per source and quarter
with ``stance.measure`` (the corrected estimate, its 95% interval over the group's articles and the
gold, and the raw classify-and-count share), and draws the share of sentences about military aid, of
critical sentences and of negative ones over time, one row of panels per corpus (raw shares alone where
the gold is too little to correct them).

Sources: as the corpora name them, except the UN General Debate (one source per country there, drawn
as one series) and the members of Congress (split by party). Writes ``docs/prevalence_over_time.csv``
(aggregates only) and ``docs/figures/prevalence_over_time.png``.

Usage: python experiments/describe_corpora.py [--corpora NAME,...] [--method NAME] [--bootstrap N]
(make describe). Labelling takes hours for all corpora with the default model (382,657 sentences in
the White House corpus alone, about 100 a second on two cores).
"""

import argparse
from pathlib import Path

import pandas as pd
from tqdm import tqdm

import stance
from stance.report import figures
from stance.ingest.corpus import available_corpora
from stance.io import write_table
from stance.quantify.predictions import load_or_predict, model_id

ROOT = Path(__file__).resolve().parents[1]
SERIES = [("topics", "military_aid"), ("stance", "critical"), ("tone", "negative")]


def sources(name, articles):
    """The source of each article as drawn: UN statements as one series, Congress by party."""
    articles = articles.copy()
    if name.startswith("un-general-debate"):
        articles["source"] = "UN General Debate (all countries)"
    if "party" in articles:
        articles["source"] = articles["source"] + ", " + articles["party"].replace("", "no party")
    return articles


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpora", default=",".join(available_corpora()), help="corpora to measure (default: all)")
    parser.add_argument("--method", default=None, help="quantification method (default: the package's)")
    parser.add_argument("--bootstrap", type=int, default=1000)
    parser.add_argument("--min-size", type=int, default=30)
    parser.add_argument("--out", default=ROOT / "docs", type=Path)
    args = parser.parse_args(argv)
    classifier = stance.load_classifier()
    tables = []
    for name in args.corpora.split(","):
        articles = sources(name, stance.load_corpus(name))
        cache = ROOT / "outputs" / "predictions" / f"{name}-{model_id(classifier)}.csv"
        predictions = load_or_predict(articles, classifier, cache, progress=lambda chunks, n=name: tqdm(chunks, desc=n, unit="chunk"))
        table = stance.measure(articles, by=["source", "quarter"], method=args.method, predictions=predictions,
                               corpus_name=name, n_boot=args.bootstrap, min_size=args.min_size)
        tables.append(table.assign(corpus=name))
        print(f"{name}: {len(predictions)} sentences, {table.drop_duplicates(['source', 'quarter']).shape[0]} groups", flush=True)
    table = pd.concat(tables, ignore_index=True)
    print(f"wrote {write_table(table, args.out / 'prevalence_over_time.csv')}")
    path = figures.prevalence_over_time(
        table, args.out / "figures" / "prevalence_over_time.png", SERIES, group="source", period="quarter", facet="corpus",
        title=f"Military aid, critical stance and negative tone by source and quarter ({table['method'].iloc[0]}, "
              "corrected; dotted: raw share of the classifier's labels)")
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
