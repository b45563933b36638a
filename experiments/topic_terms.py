"""How many topic labels sit on sentences without a topic term, and how the shipped spec scores topics per design.

For the gold's random samples and the seeds' census (the corpus estimates) and for the targeted samples apart,
counts the topic labels whose sentence holds no term of any topic lexicon (``[topics.*]`` of
``stance/data/lexicons.toml``). Then, from the shipped model's out-of-fold gold predictions
(``stance/data/default_model_gold_predictions.csv``), the mean over gold sets of the topic macro-F1 on the
random samples and census, for the grouped k-fold and the leave-one-corpus-out rows, with the decisions as made
(per-topic thresholds chosen inside each training fold) and with one fixed threshold for every topic (the
sweep shows how much the choice of threshold can move the mean; it is not a way to choose one).

Needs the corpora of the data home (the terms are counted on the text). Writes
``<results>/<stamp>-topic-terms/topic_terms.csv`` and ``topic_scores.csv`` and prints both.

Usage: python experiments/topic_terms.py [--results experiments/results]
"""

import argparse

import numpy as np
import pandas as pd

from stance.annotate.annotations import load_gold
from stance.experiments.registry import new_run_folder
from stance.features import LexiconCounts
from stance.io import write_table
from stance.labels import TOPICS, topic_matrix
from stance.metrics import topics_macro_f1
from stance.quantify.gold_predictions import gold_predictions_path
from stance.quantify.predictions import read_predictions

ESTIMATE = ("random", "census")
THRESHOLDS = (0.10, 0.15, 0.20, 0.25, 0.30, 0.40, 0.50)


def term_table(gold):
    """Per sample kind and topic: labels, and labels on sentences with a term of the topic / of no topic."""
    counts = LexiconCounts("topics", log_scale=False).fit().transform(gold["text"].tolist())
    rows = []
    for kind, samples in (("random and census", ESTIMATE), ("targeted", ("targeted",))):
        chosen = gold["sample"].isin(samples).to_numpy()
        for i, topic in enumerate(TOPICS):
            labelled = chosen & gold["topics"].map(lambda topics: topic in topics).to_numpy()
            rows.append({"samples": kind, "topic": topic, "labels": int(labelled.sum()),
                         "with_a_term_of_the_topic": int((counts[labelled, i] > 0).sum()),
                         "with_no_topic_term": int((counts[labelled].sum(axis=1) == 0).sum())})
    return pd.DataFrame(rows)


def mean_topic_f1(rows, decide):
    """Mean over gold sets of the topic macro-F1 (over the topics with gold support in the set; a set
    without any topic sentence has no score)."""
    per_set = []
    for _, group in rows.groupby("gold_set"):
        gold = topic_matrix(group["topics"]).astype(bool)
        if gold.any():
            per_set.append(topics_macro_f1(gold, np.column_stack([decide(group, topic) for topic in TOPICS])))
    return float(np.mean(per_set))


def score_table(gold):
    """Topic macro-F1 means per design: as decided, and at each fixed threshold."""
    predictions = read_predictions(gold_predictions_path(None), required=["sentence_id", "design"])
    predictions = predictions[predictions["sample"].isin(ESTIMATE)].merge(gold[["sentence_id", "topics"]], on="sentence_id")
    rows = []
    for design, part in predictions.groupby("design"):
        rows.append({"design": design, "rule": "as decided",
                     "topics_macro_f1": mean_topic_f1(part, lambda g, t: g[f"pred_{t}"].to_numpy().astype(bool))})
        for threshold in THRESHOLDS:
            rows.append({"design": design, "rule": f"threshold {threshold:.2f}",
                         "topics_macro_f1": mean_topic_f1(part, lambda g, t, h=threshold: (g[f"p_{t}"] >= h).to_numpy())})
    return pd.DataFrame(rows)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--results", default="experiments/results", help="where the run folder goes (default: %(default)s)")
    args = parser.parse_args(argv)
    from stance.annotate.annotations import bundled_annotations

    gold = load_gold(list(bundled_annotations()))
    terms, scores = term_table(gold), score_table(gold)
    folder = new_run_folder(args.results, "topic-terms")
    write_table(terms, folder / "topic_terms.csv")
    write_table(scores, folder / "topic_scores.csv")
    with pd.option_context("display.width", 200):
        print(terms.to_string(index=False))
        print(scores.round(3).to_string(index=False))
    print(f"written to {folder}")


if __name__ == "__main__":
    main()
