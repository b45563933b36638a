"""Trained estimators for the three tasks: texts in, labels and probabilities out.

- :class:`CalibratedLinear` : a class-weighted logistic regression on a feature
  union, with sigmoid-calibrated probabilities (tone, stance, and each topic).
- :class:`MultiLabelThresholds` : one binary model per topic, each with its own
  decision threshold chosen by cross-validation inside the training data.
"""

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin, clone
from sklearn.calibration import CalibratedClassifierCV
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import f1_score
from sklearn.model_selection import StratifiedKFold, cross_val_predict
from sklearn.pipeline import make_pipeline
from sklearn.utils.validation import check_is_fitted

from ..features import make_features

SEED = 0
THRESHOLD_GRID = np.round(np.arange(0.10, 0.91, 0.05), 2)


class CalibratedLinear(ClassifierMixin, BaseEstimator):
    """Logistic regression on named feature families, with calibrated probabilities.

    Parameters
    ----------
    families : tuple of str
        Feature families (see :func:`stance.features.make_features`).
    C : float
        Inverse regularisation strength.
    calibration_folds : int
        Folds for sigmoid calibration; fewer are used when a class is rarer.

    Input: an iterable of strings and their labels. ``predict_proba`` returns
    (n_texts, n_classes) with columns in ``classes_`` order.
    """

    def __init__(self, families=("word", "lexicon", "cues", "vader"), C=4.0, calibration_folds=3):
        self.families = families
        self.C = C
        self.calibration_folds = calibration_folds

    def _pipeline(self):
        linear = LogisticRegression(C=self.C, class_weight="balanced", max_iter=2000, random_state=SEED)
        return make_pipeline(make_features(self.families), linear)

    def fit(self, X, y):
        X, y = list(X), np.asarray(y)
        self.classes_, counts = np.unique(y, return_counts=True)
        folds = min(self.calibration_folds, int(counts.min()))
        if len(self.classes_) < 2:
            raise ValueError("need at least two classes to train")
        if folds >= 2:
            cv = StratifiedKFold(folds, shuffle=True, random_state=SEED)
            self.model_ = CalibratedClassifierCV(self._pipeline(), method="sigmoid", cv=cv).fit(X, y)
        else:  # a class with a single example: no calibration fold can hold it out
            self.model_ = self._pipeline().fit(X, y)
        return self

    def predict_proba(self, X):
        check_is_fitted(self, "model_")
        return self.model_.predict_proba(list(X))

    def predict(self, X):
        return self.classes_[np.argmax(self.predict_proba(X), axis=1)]


class MultiLabelThresholds(ClassifierMixin, BaseEstimator):
    """One binary classifier per label, with a per-label threshold chosen by inner CV.

    Parameters
    ----------
    estimator : classifier
        A binary classifier with ``predict_proba`` (cloned per label).
    cv : int
        Inner folds used to choose each threshold (on the training data only).

    ``y`` is an indicator matrix (n_texts, n_labels). ``predict_proba`` returns
    (n_texts, n_labels) probabilities of each label being present; ``predict``
    the indicator matrix after thresholds ``thresholds_``.
    """

    def __init__(self, estimator=None, cv=3):
        self.estimator = estimator
        self.cv = cv

    def fit(self, X, y):
        X, y = list(X), np.asarray(y, dtype=int)
        base = self.estimator if self.estimator is not None else CalibratedLinear()
        self.estimators_, self.thresholds_ = [], []
        for column in y.T:
            self.thresholds_.append(self._choose_threshold(base, X, column))
            self.estimators_.append(clone(base).fit(X, column))
        self.thresholds_ = np.array(self.thresholds_)
        return self

    def _choose_threshold(self, base, X, column):
        folds = min(self.cv, int(np.bincount(column, minlength=2).min()))
        if folds < 2:
            return 0.5
        cv = StratifiedKFold(folds, shuffle=True, random_state=SEED)
        proba = cross_val_predict(clone(base), X, column, cv=cv, method="predict_proba")[:, 1]
        scores = [f1_score(column, proba >= t, zero_division=0) for t in THRESHOLD_GRID]
        return float(THRESHOLD_GRID[int(np.argmax(scores))])

    def predict_proba(self, X):
        check_is_fitted(self, "estimators_")
        X = list(X)
        return np.column_stack([e.predict_proba(X)[:, list(e.classes_).index(1)] for e in self.estimators_])

    def predict(self, X):
        return (self.predict_proba(X) >= self.thresholds_).astype(int)
