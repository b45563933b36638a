"""Baselines in the same framework as the trained models (texts in, labels out)."""

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.utils.validation import check_is_fitted

from ..features.embeddings import embed
from ..features.lexicon import LexiconCounts, load_lexicon
from ..features.texts import as_texts, refuse_single_string
from ..features.vader import vader_analyzer
from ..labels import SCHEME, TOPICS


class MajorityClass(ClassifierMixin, BaseEstimator):
    """Predict the most frequent class (or, for an indicator matrix, each label's majority)."""

    def fit(self, X, y):
        y = np.asarray(y)
        if y.ndim == 2:
            self.prior_ = y.mean(axis=0)
        else:
            self.classes_, counts = np.unique(y, return_counts=True)
            self.prior_ = counts / counts.sum()
        return self

    def predict_proba(self, X):
        check_is_fitted(self, "prior_")
        refuse_single_string(X)
        return np.tile(self.prior_, (len(list(X)), 1))

    def predict(self, X):
        proba = self.predict_proba(X)
        if hasattr(self, "classes_"):
            return self.classes_[np.argmax(proba, axis=1)]
        return (proba >= 0.5).astype(int)


class KeywordTopics(ClassifierMixin, BaseEstimator):
    """A topic is present when at least ``min_matches`` of its lexicon terms occur."""

    def __init__(self, min_matches=1, lexicon_path=None):
        self.min_matches = min_matches
        self.lexicon_path = lexicon_path

    def fit(self, X=None, y=None):
        self.lexicon_ = LexiconCounts("topics", self.lexicon_path, log_scale=False).fit()
        return self

    def predict_proba(self, X):
        check_is_fitted(self, "lexicon_")
        counts = self.lexicon_.transform(X)
        columns = [self.lexicon_.names_.index(t) for t in TOPICS]
        return (counts[:, columns] >= self.min_matches).astype(float)

    def predict(self, X):
        return self.predict_proba(X).astype(int)


class VaderTone(ClassifierMixin, BaseEstimator):
    """Tone from VADER's compound score with the conventional +-0.05 thresholds."""

    def __init__(self, threshold=0.05):
        self.threshold = threshold

    def fit(self, X=None, y=None):
        self.classes_ = np.array(SCHEME.task("tone").classes)  # polarity order: the codes 0, 1, 2 of predict_proba
        return self

    def predict_proba(self, X):
        check_is_fitted(self, "classes_")
        compound = np.array([vader_analyzer().polarity_scores(t)["compound"] for t in as_texts(X)])
        index = np.where(compound >= self.threshold, 2, np.where(compound <= -self.threshold, 0, 1))
        return np.eye(3)[index]

    def predict(self, X):
        return self.classes_[np.argmax(self.predict_proba(X), axis=1)]


class ZeroShotSimilarity(ClassifierMixin, BaseEstimator):
    """Label by cosine similarity between the sentence and label-description embeddings.

    Parameters
    ----------
    task : {"topics", "tone", "stance"}
        Which descriptions of the lexicon's ``[descriptions]`` to use. For topics,
        a topic is present when its description is closer than the "none" one.
    temperature : float
        Softmax temperature turning similarities into probabilities.
    """

    def __init__(self, task="tone", temperature=0.05, lexicon_path=None):
        self.task = task
        self.temperature = temperature
        self.lexicon_path = lexicon_path

    def fit(self, X=None, y=None):
        descriptions = load_lexicon(self.lexicon_path)["descriptions"][self.task]
        self.classes_ = np.array(list(TOPICS) if self.task == "topics" else sorted(descriptions))
        names = list(self.classes_) + (["none"] if self.task == "topics" else [])
        self.label_vectors_ = embed([descriptions[n] for n in names])
        return self

    def predict_proba(self, X):
        check_is_fitted(self, "label_vectors_")
        similarity = embed(as_texts(X)) @ self.label_vectors_.T
        if self.task == "topics":
            gap = (similarity[:, :-1] - similarity[:, -1:]) / self.temperature
            return 1.0 / (1.0 + np.exp(-gap))
        logits = similarity / self.temperature
        logits -= logits.max(axis=1, keepdims=True)
        proba = np.exp(logits)
        return proba / proba.sum(axis=1, keepdims=True)

    def predict(self, X):
        proba = self.predict_proba(X)
        if self.task == "topics":
            return (proba >= 0.5).astype(int)
        return self.classes_[np.argmax(proba, axis=1)]
