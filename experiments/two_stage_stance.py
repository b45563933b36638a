"""Does deciding stance in two stages generalise better across corpora? Leave-one-corpus-out of the shipped spec
with a hierarchical stance model.

The held-out Kremlin's critical sentences score as supportive or neutral: in one three-class model, "takes a
position on supporting Ukraine" and "for or against" share one softmax, and the sentences that take a position in
the gold are mostly supportive. Here stance is decided in two stages, each a class-weighted calibrated logistic
regression on the shipped features (:class:`stance.models.estimators.CalibratedLinear`): position (supportive or
critical) against neutral on all training rows, then critical against supportive on the rows that take a
position, so the second stage learns the side alone. ``P(critical) = P(position) P(critical | position)``.
Topics and tone are the shipped spec's.

Writes ``<results>/<stamp>-two-stage-stance/`` (``corpora.csv``, ``corpora_targeted.csv``, ``summary.md``,
``environment.json``); about 6 minutes on two cores. Needs the corpora of the data home.

Usage: python experiments/two_stage_stance.py [--results experiments/results]
"""

import argparse

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin, clone
from sklearn.utils.validation import check_is_fitted

from held_out_corpora import compare_held_out, design
from stance.models.catalogue import make_model
from stance.models.estimators import CalibratedLinear

NEUTRAL = "neutral"


class TwoStage(ClassifierMixin, BaseEstimator):
    """Neutral against a position, then the side of the position; probabilities over all classes.

    Parameters
    ----------
    estimator : classifier with ``predict_proba``
        Cloned for each stage (default :class:`CalibratedLinear`).
    neutral : str
        The class that takes no position.
    random_state : int
        Passed to the default estimator.
    """

    def __init__(self, estimator=None, neutral=NEUTRAL, random_state=0):
        self.estimator = estimator
        self.neutral = neutral
        self.random_state = random_state

    def fit(self, X, y):
        y = np.asarray(y, dtype=object)
        base = self.estimator if self.estimator is not None else CalibratedLinear(random_state=self.random_state)
        self.classes_ = np.unique(y)
        positioned = y != self.neutral
        self.position_ = clone(base).fit(X, positioned.astype(int))
        self.side_ = clone(base).fit(X[np.flatnonzero(positioned)], y[positioned])
        return self

    def predict_proba(self, X):
        check_is_fitted(self, "side_")
        position = self.position_.predict_proba(X)[:, list(self.position_.classes_).index(1)]
        side = self.side_.predict_proba(X)
        sides = list(self.side_.classes_)
        columns = [1 - position if c == self.neutral else position * side[:, sides.index(c)] for c in self.classes_]
        return np.column_stack(columns)

    def predict(self, X):
        return self.classes_[np.argmax(self.predict_proba(X), axis=1)]


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--results", default="experiments/results", help="where the run folder goes (default: %(default)s)")
    args = parser.parse_args(argv)
    config, gold = design()
    two_stage = make_model("combined_targeted").set_params(stance_estimator=TwoStage())
    compare_held_out(gold, {"combined_targeted": "combined_targeted", "combined_targeted_two_stage": two_stage}, config,
                     args.results, "two-stage-stance", "Stance in two stages", "experiments/two_stage_stance.py", argv)

if __name__ == "__main__":
    main()
