"""Does a sentence's neighbourhood help across corpora? Leave-one-corpus-out of the shipped spec with the
previous and next sentence as extra input.

The annotators saw each sentence with its neighbours (the guideline lets them resolve a pronoun from them),
and 43 of the 113 topic labels of the random samples sit on sentences with no topic term. This experiment
gives the model what the annotators had: the features of ``combined_targeted`` on the sentence, plus the
mean all-MiniLM-L6-v2 embedding and the summed topic-lexicon counts of its previous and next sentence in the
corpus split (boilerplate skipped; zeros where there is none, as for every synthetic prior sentence, which
has no neighbours: a difference between the training and the scored rows the comparison carries). It is an experiment, not a model of the
catalogue: the sentence and its neighbours travel as one string joined by ``\\x1f`` through the evaluation code,
which takes texts. Needs the corpora of the data home; about 5 minutes on two cores.

Writes ``<results>/<stamp>-context-neighbours/``: ``corpora.csv`` and ``corpora_targeted.csv`` (scores per held-out
corpus, as ``stance experiment run`` writes them), ``summary.md`` (the means over corpora and the command) and
``environment.json`` (versions and git commit). ``--both`` also runs the spec without the neighbours on the same
joined inputs, which must give the scores of ``combined_targeted`` in the leave-one-corpus-out run.

Usage: python experiments/context_neighbours.py [--results experiments/results] [--both]
"""

import argparse
import json
import sys

import numpy as np
from sklearn.base import BaseEstimator, TransformerMixin, clone
from sklearn.pipeline import FeatureUnion

from stance import load_corpus, split_sentences
from stance.annotate.annotations import bundled_annotations
from stance.evaluate.splitters import splitter_for
from stance.evaluate.validation import compare_models
from stance.experiments.gold import load_gold
from stance.experiments.environment import environment
from stance.experiments.registry import new_run_folder
from stance.experiments.run import corpus_scores
from stance.features import LexiconCounts, SentenceEmbeddings, make_features
from stance.io import write_table
from stance.models.classifier import DEFAULT_FAMILIES, StanceClassifier
from stance.models.estimators import CalibratedLinear, MultiLabelThresholds
from stance.models.training_data import load_priors
from stance.report.tables import markdown_table

SEP = "\x1f"
CONFIG = "experiments/leave_one_corpus_out.toml"
SCORED = ("random", "census")


def _parts(X):
    """``(sentence, previous, next)`` of every joined input (a plain string has no neighbours)."""
    return [(str(x).split(SEP) + ["", ""])[:3] for x in X]


class OnSentence(TransformerMixin, BaseEstimator):
    """Apply ``transformer`` to the sentence part of joined inputs."""

    def __init__(self, transformer=None):
        self.transformer = transformer

    def fit(self, X, y=None):
        self.transformer_ = clone(self.transformer).fit([p[0] for p in _parts(X)], y)
        return self

    def transform(self, X):
        return self.transformer_.transform([p[0] for p in _parts(X)])


class Neighbours(TransformerMixin, BaseEstimator):
    """The mean embedding and the summed topic-lexicon counts of the previous and next sentence."""

    def fit(self, X=None, y=None):
        self.embeddings_ = SentenceEmbeddings().fit()
        self.topics_ = LexiconCounts("topics").fit()
        return self

    def transform(self, X):
        parts = _parts(X)
        embedded, counted = [], []
        for side in (1, 2):
            texts = [p[side] for p in parts]
            present = np.array([bool(t) for t in texts], dtype=float)[:, None]
            embedded.append(np.asarray(self.embeddings_.transform([t or "." for t in texts])) * present)
            counted.append(np.asarray(self.topics_.transform(texts)) * present)
        return np.hstack([(embedded[0] + embedded[1]) / 2, counted[0] + counted[1]])


def make_model(context):
    """The shipped spec's estimator on joined inputs, with the neighbours' features when ``context``."""
    parts = [("sentence", OnSentence(make_features((*DEFAULT_FAMILIES, "targeted"))))]
    if context:
        parts.append(("neighbours", Neighbours()))
    return StanceClassifier(features=FeatureUnion(parts), topic_estimator=MultiLabelThresholds(CalibratedLinear()),
                            tone_estimator=CalibratedLinear(), stance_estimator=CalibratedLinear(), random_state=0)


def with_neighbours(gold):
    """The gold with ``text`` joined to its previous and next non-boilerplate sentence of the corpus split."""
    around = {}
    for name in dict.fromkeys(gold["gold_set"]):
        split = split_sentences(load_corpus(bundled_annotations()[name][1]))
        split = split[~split["boilerplate"].astype(bool)]
        for _, article in split.groupby("article_id", sort=False):
            texts = article["text"].tolist()
            for i, sentence_id in enumerate(article["sentence_id"]):
                around[sentence_id] = (texts[i - 1] if i else "", texts[i + 1] if i + 1 < len(texts) else "")
    return gold.assign(text=[SEP.join([t, *around[s]]) for t, s in zip(gold["text"], gold["sentence_id"])])


def main(argv=None):
    from stance.experiments import load_config

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--results", default="experiments/results", help="where the run folder goes (default: %(default)s)")
    parser.add_argument("--both", action="store_true", help="also run the spec without neighbours on joined inputs "
                        "(a check: it gives the scores of combined_targeted in the leave-one-corpus-out run)")
    args = parser.parse_args(argv)
    config = load_config(CONFIG)
    gold = with_neighbours(load_gold(list(config.annotations)))
    cv, groups = splitter_for("leave-one-corpus-out", None, config.seed)
    models = {"combined_targeted_neighbours": make_model(True)}
    if args.both:
        models = {"combined_targeted": make_model(False), **models}
    _, every = compare_models(gold, models, priors=load_priors(), n_boot=0, cv=cv, groups=groups, seed=config.seed)
    folder = new_run_folder(args.results, "context-neighbours")
    columns = ["group", "model", "sentences", "topics_macro_f1", "tone_macro_f1", "stance_macro_f1", "critical_f1",
               "critical_support", "critical_predicted"]
    command = " ".join(["python experiments/context_neighbours.py", *(sys.argv[1:] if argv is None else argv)])
    summary = ["# The neighbouring sentences as extra input, leave-one-corpus-out", "", f"`{command}`",
               f"(the gold sets and seed of `{CONFIG}`; each held-out corpus scored by a model trained on the others plus "
               "the synthetic priors). Means over held-out corpora; per corpus in the CSV files.", ""]
    for name, sample, title in (("corpora.csv", SCORED, "Random samples (the seeds: census)"),
                                ("corpora_targeted.csv", ("targeted",), "Targeted samples (enriched for rare classes)")):
        table = corpus_scores({m: p[p["sample"].isin(sample)] for m, p in every.items()}, config.bootstrap, config.seed)
        write_table(table, folder / name)
        summary += [f"{title}:", "", markdown_table(table.loc[table["group"] == "mean", columns]), ""]
    (folder / "summary.md").write_text("\n".join(summary), encoding="utf-8")
    (folder / "environment.json").write_text(json.dumps(environment(), indent=2), encoding="utf-8")
    print("\n".join(summary))
    print(f"written to {folder}")


if __name__ == "__main__":
    main()
