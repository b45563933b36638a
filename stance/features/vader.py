"""VADER sentiment scores as features (the ``vaderSentiment`` package ships its lexicon)."""

import numpy as np
from sklearn.base import BaseEstimator, TransformerMixin

from .cache import ROWS
from .texts import as_texts

VADER_FIELDS = ("neg", "neu", "pos", "compound")


def vader_analyzer():
    """Return a VADER analyzer, built once per process."""
    global _ANALYZER
    if _ANALYZER is None:
        from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

        _ANALYZER = SentimentIntensityAnalyzer()
    return _ANALYZER


_ANALYZER = None


def _vader_rows(texts):
    analyzer = vader_analyzer()
    return [[scores[f] for f in VADER_FIELDS] for scores in map(analyzer.polarity_scores, texts)]


class VaderScores(TransformerMixin, BaseEstimator):
    """VADER's ``neg``, ``neu``, ``pos`` and ``compound`` scores for each text.

    Input: an iterable of strings. Output: array of shape (n_texts, 4).
    """

    def fit(self, X=None, y=None):
        self.n_features_out_ = len(VADER_FIELDS)
        return self

    def transform(self, X):
        return ROWS.rows("vader", as_texts(X), _vader_rows, len(VADER_FIELDS))

    def get_feature_names_out(self, input_features=None):
        return np.array([f"vader:{f}" for f in VADER_FIELDS], dtype=object)
