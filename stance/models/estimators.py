"""Trained estimators for the three tasks: a feature matrix in, labels and probabilities out.

- :class:`CalibratedLinear` : a class-weighted logistic regression with
  sigmoid-calibrated probabilities (tone, stance, and each topic).
- :class:`MultiLabelThresholds` : one binary model per topic, each with its own
  decision threshold chosen by cross-validation inside the training data.

Both take the matrix of :func:`stance.features.make_features` (dense or sparse),
so the text features are computed once per training set and shared by every task.

Both accept ``fit(X, y, groups=None)``. Without groups, the inner folds that calibrate the
probabilities and choose the decisions shuffle the rows; with groups (an article or a corpus
per row), no group is on both sides of an inner fold, so a decision is chosen on text from
sources the inner model did not see, as the model will meet it. Rows whose group is None
(the synthetic priors) train every inner fold and are never used to choose a decision.
"""

import inspect

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, ClassifierMixin, clone
from sklearn.calibration import CalibratedClassifierCV
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import f1_score
from sklearn.model_selection import StratifiedGroupKFold, StratifiedKFold
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import check_is_fitted, has_fit_parameter, validate_data

from ..metrics import f1_at_thresholds

THRESHOLD_GRID = np.round(np.arange(0.10, 0.91, 0.05), 2)
# Exponents of the class prior by which a tuned decision divides the probabilities
# (0: the most probable class; 1: the balanced decision).
PRIOR_POWER_GRID = np.round(np.arange(0.0, 1.01, 0.125), 3)


def inner_folds(y, groups=None, n_splits=3, random_state=0):
    """Train/test index pairs for calibrating and deciding inside the training data.

    Parameters
    ----------
    y : array of shape (n_samples,)
        Class labels (stratified on).
    groups : array of shape (n_samples,) or None
        None: shuffled stratified folds over all rows. Otherwise a group per row (e.g. an
        article or corpus id): stratified folds that keep each group on one side; rows whose
        group is None are added to every training side and are in no test side.
    n_splits : int
        Wanted folds; fewer when a class or the groups are too few for them.

    Returns
    -------
    list of (train, test) index arrays; empty when fewer than 2 folds are possible.
    """
    y = np.asarray(y)
    if groups is None:
        folds = min(n_splits, int(np.unique(y, return_counts=True)[1].min()))
        if folds < 2 or len(np.unique(y)) < 2:
            return []
        return list(StratifiedKFold(folds, shuffle=True, random_state=random_state).split(np.zeros(len(y)), y))
    groups = np.asarray(groups, dtype=object)
    if len(groups) != len(y):
        raise ValueError(f"groups has {len(groups)} values for {len(y)} samples")
    always = np.flatnonzero(pd.isna(groups))
    tested = np.flatnonzero(~pd.isna(groups))
    labels, counts = np.unique(y[tested], return_counts=True)
    group_count = len(np.unique(groups[tested].astype(str)))
    folds = min(n_splits, group_count, int(counts.min()) if len(counts) else 0)
    if folds < 2 or len(labels) < 2 or len(labels) < len(np.unique(y)):
        return inner_folds(y, None, n_splits, random_state)
    splitter = StratifiedGroupKFold(folds, shuffle=True, random_state=random_state)
    pairs = []
    for train, test in splitter.split(np.zeros(len(tested)), y[tested], groups[tested].astype(str)):
        if len(np.unique(y[tested[train]])) < len(np.unique(y)):
            # A fold whose training side lacks a class cannot give every class a probability.
            return inner_folds(y, None, n_splits, random_state)
        pairs.append((np.sort(np.concatenate([tested[train], always])), tested[test]))
    return pairs


def fit_grouped(estimator, X, y, groups=None):
    """``estimator.fit(X, y)``, passing ``groups`` when given and its ``fit`` takes them."""
    if groups is not None and has_fit_parameter(estimator, "groups"):
        return estimator.fit(X, y, groups=groups)
    return estimator.fit(X, y)


def out_of_fold_proba(estimator, X, y, folds, groups=None):
    """``predict_proba`` of clones of ``estimator`` on the test side of each fold, fitted on its
    training side (with its ``groups``); returns the rows tested (in fold order) and their
    probabilities."""
    rows, parts = [], []
    for train, test in folds:
        fitted = fit_grouped(clone(estimator), X[train], y[train], None if groups is None else np.asarray(groups, dtype=object)[train])
        rows.append(test)
        parts.append(fitted.predict_proba(X[test]))
    return np.concatenate(rows), np.vstack(parts)


def best_threshold(gold, proba, grid=THRESHOLD_GRID):
    """The threshold of ``grid`` with the highest F1 of ``proba >= t`` against ``gold``
    (the lowest such threshold on a tie, as ``np.argmax`` picks the first)."""
    return float(grid[int(np.argmax(f1_at_thresholds(gold, proba, grid)))])


class _RestoresNewParameters:
    """Gives an estimator restored from a file (skops or pickle) the default of every
    ``__init__`` parameter its state lacks: the shipped model was saved before some
    parameters existed, and ``get_params``, ``clone`` and ``fit`` read them all."""

    def __setstate__(self, state):
        defaults = {name: p.default for name, p in inspect.signature(type(self).__init__).parameters.items()
                    if p.default is not inspect.Parameter.empty}
        super().__setstate__({**defaults, **state})


class CalibratedLinear(_RestoresNewParameters, ClassifierMixin, BaseEstimator):
    """Class-weighted logistic regression with sigmoid-calibrated probabilities.

    Parameters
    ----------
    C : float
        Inverse regularisation strength.
    calibration_folds : int
        Folds for sigmoid calibration (and for tuning the decision); fewer are used when
        a class is rarer, and none (plain logistic probabilities) when a class has a
        single example.
    decision : {"argmax", "balanced", "tuned"}
        How ``predict`` picks a class from the calibrated probabilities: the one with
        the largest ``p(c) / prior(c) ** power``, where ``prior`` is the class's share of
        the training labels. ``"argmax"``: power 0, the most probable class. ``"balanced"``:
        power 1, which lets a rare class (critical stance) win where calibration to a
        skewed training set would bury it. ``"tuned"``: the power of
        :data:`PRIOR_POWER_GRID` with the best macro-F1 on inner folds of the training data
        (grouped when ``fit`` gets groups). ``predict_proba`` is the same either way.
    random_state : int, RandomState or None
        Seeds the logistic regression and the shuffled calibration folds.

    Attributes
    ----------
    classes_, class_prior_ : arrays
        The classes and their shares of the training labels.
    prior_power_ : float
        The exponent of the decision (0, 1 or the tuned one).
    model_ : estimator
        The fitted (calibrated) logistic regression.

    Input: a feature matrix (n_samples, n_features), dense or sparse, labels, and
    optionally ``groups`` (see :func:`inner_folds`). ``predict_proba`` returns
    (n_samples, n_classes) with columns in ``classes_`` order.
    """

    def __init__(self, C=4.0, calibration_folds=3, decision="argmax", random_state=0):
        self.C = C
        self.calibration_folds = calibration_folds
        self.decision = decision
        self.random_state = random_state

    def fit(self, X, y, groups=None):
        X, y = validate_data(self, X, y, accept_sparse="csr")
        check_classification_targets(y)
        if self.decision not in ("argmax", "balanced", "tuned"):
            raise ValueError(f"decision must be 'argmax', 'balanced' or 'tuned', got {self.decision!r}")
        self.classes_, counts = np.unique(y, return_counts=True)
        self.class_prior_ = counts / counts.sum()
        if len(self.classes_) < 2:
            raise ValueError(f"needs samples of at least 2 classes in the data, but the data contains only one class: {self.classes_[0]!r}")
        folds = inner_folds(y, groups, self.calibration_folds, self.random_state)
        self.model_ = self._fit_calibrated(X, y, folds)
        self.prior_power_ = {"argmax": 0.0, "balanced": 1.0}.get(self.decision)
        if self.prior_power_ is None:
            self.prior_power_ = self._tuned_power(X, y, folds, groups)
        return self

    def _fit_calibrated(self, X, y, folds):
        linear = LogisticRegression(C=self.C, class_weight="balanced", max_iter=2000, random_state=self.random_state)
        if not folds:
            return linear.fit(X, y)
        return CalibratedClassifierCV(linear, method="sigmoid", cv=folds).fit(X, y)

    def _tuned_power(self, X, y, folds, groups):
        """The prior power with the best macro-F1 on the inner folds' test sides (0 without folds)."""
        if not folds:
            return 0.0
        inner = clone(self).set_params(decision="argmax")
        rows, proba = out_of_fold_proba(inner, X, y, folds, groups)
        scores = [f1_score(y[rows], self.classes_[np.argmax(proba / self.class_prior_ ** power, axis=1)],
                           labels=self.classes_, average="macro", zero_division=0) for power in PRIOR_POWER_GRID]
        return float(PRIOR_POWER_GRID[int(np.argmax(scores))])

    def predict_proba(self, X):
        check_is_fitted(self, "model_")
        return self.model_.predict_proba(validate_data(self, X, accept_sparse="csr", reset=False))

    def predict(self, X):
        proba = self.predict_proba(X)
        # Models saved before the decision was a fitted power have only ``decision``.
        power = getattr(self, "prior_power_", 1.0 if self.decision == "balanced" else 0.0)
        return self.classes_[np.argmax(proba / self.class_prior_ ** power, axis=1)]

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = True
        return tags

    def linear_models(self):
        """The fitted logistic regressions (one per calibration fold), for explanations."""
        check_is_fitted(self, "model_")
        calibrated = getattr(self.model_, "calibrated_classifiers_", None)
        return [c.estimator for c in calibrated] if calibrated else [self.model_]


class MultiLabelThresholds(_RestoresNewParameters, ClassifierMixin, BaseEstimator):
    """One binary classifier per label, with a per-label threshold chosen by inner CV.

    Parameters
    ----------
    estimator : classifier or None
        A binary classifier with ``predict_proba`` (cloned per label); None means
        :class:`CalibratedLinear`.
    cv : int
        Inner folds used to choose each threshold (on the training data only; grouped
        when ``fit`` gets groups, see :func:`inner_folds`).
    random_state : int, RandomState or None
        Seeds the shuffled inner folds, and the default :class:`CalibratedLinear`.

    Input: a feature matrix, ``y``, an indicator matrix (n_samples, n_labels), and
    optionally ``groups``.
    ``predict_proba`` returns (n_samples, n_labels) probabilities of each label
    being present; ``predict`` the indicator matrix after thresholds ``thresholds_``.
    """

    def __init__(self, estimator=None, cv=3, random_state=0):
        self.estimator = estimator
        self.cv = cv
        self.random_state = random_state

    def fit(self, X, y, groups=None):
        X, y = validate_data(self, X, y, accept_sparse="csr", multi_output=True)
        y = np.asarray(y, dtype=int).reshape(len(y), -1)
        base = self.estimator if self.estimator is not None else CalibratedLinear(random_state=self.random_state)
        self.estimators_, thresholds = [], []
        for column in y.T:
            thresholds.append(self._choose_threshold(base, X, column, groups))
            self.estimators_.append(fit_grouped(clone(base), X, column, groups))
        self.thresholds_ = np.array(thresholds)
        return self

    def _choose_threshold(self, base, X, column, groups):
        folds = inner_folds(column, groups, self.cv, self.random_state)
        if not folds:
            return 0.5
        rows, proba = out_of_fold_proba(base, X, column, folds, groups)
        return best_threshold(column[rows], proba[:, 1])

    def predict_proba(self, X):
        check_is_fitted(self, "estimators_")
        X = validate_data(self, X, accept_sparse="csr", reset=False)
        return np.column_stack([e.predict_proba(X)[:, list(e.classes_).index(1)] for e in self.estimators_])

    def predict(self, X):
        return (self.predict_proba(X) >= self.thresholds_).astype(int)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = True
        tags.classifier_tags.multi_label = True
        tags.target_tags.multi_output = True
        return tags
