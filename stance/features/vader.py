"""VADER sentiment scores as features (the ``vaderSentiment`` package ships its lexicon)."""

import numpy as np
from sklearn.base import BaseEstimator, TransformerMixin

from .lexicon import _as_texts

VADER_FIELDS = ("neg", "neu", "pos", "compound")


def vader_analyzer():
    """Return a VADER analyzer, built once per process."""
    global _ANALYZER
    if _ANALYZER is None:
        from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

        _ANALYZER = SentimentIntensityAnalyzer()
    return _ANALYZER


_ANALYZER = None


class VaderScores(TransformerMixin, BaseEstimator):
    """VADER's ``neg``, ``neu``, ``pos`` and ``compound`` scores for each text.

    Input: an iterable of strings. Output: array of shape (n_texts, 4).
    """

    def fit(self, X=None, y=None):
        self.n_features_out_ = len(VADER_FIELDS)
        return self

    def transform(self, X):
        analyzer = vader_analyzer()
        scores = [analyzer.polarity_scores(t) for t in _as_texts(X)]
        return np.array([[s[f] for f in VADER_FIELDS] for s in scores], dtype=float).reshape(len(scores), 4)

    def get_feature_names_out(self, input_features=None):
        return np.array([f"vader:{f}" for f in VADER_FIELDS], dtype=object)
