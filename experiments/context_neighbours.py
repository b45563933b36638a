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

import numpy as np
from sklearn.base import BaseEstimator, TransformerMixin, clone
from sklearn.pipeline import FeatureUnion

from held_out_corpora import compare_held_out, design
from stance import load_corpus, split_sentences
from stance.annotate.annotations import bundled_annotations
from stance.features import LexiconCounts, SentenceEmbeddings, make_features
from stance.models.classifier import DEFAULT_FAMILIES, StanceClassifier
from stance.models.estimators import CalibratedLinear, MultiLabelThresholds

SEP = "\x1f"


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
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--results", default="experiments/results", help="where the run folder goes (default: %(default)s)")
    parser.add_argument("--both", action="store_true", help="also run the spec without neighbours on joined inputs "
                        "(a check: it gives the scores of combined_targeted in the leave-one-corpus-out run)")
    args = parser.parse_args(argv)
    config, gold = design()
    models = {"combined_targeted_neighbours": make_model(True)}
    if args.both:
        models = {"combined_targeted": make_model(False), **models}
    compare_held_out(with_neighbours(gold), models, config, args.results, "context-neighbours",
                     "The neighbouring sentences as extra input", "experiments/context_neighbours.py", argv)

if __name__ == "__main__":
    main()
