"""Trained estimators for the three tasks: a feature matrix in, labels and probabilities out.

- :class:`CalibratedLinear` : a class-weighted logistic regression with
  sigmoid-calibrated probabilities (tone, stance, and each topic).
- :class:`MultiLabelThresholds` : one binary model per topic, each with its own
  decision threshold chosen by cross-validation inside the training data.

Both take the matrix of :func:`stance.features.make_features` (dense or sparse),
so the text features are computed once per training set and shared by every task.
"""

import inspect
from numbers import Real

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin, clone
from sklearn.calibration import CalibratedClassifierCV
from sklearn.dummy import DummyClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold, cross_val_predict
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import check_is_fitted, validate_data

from ..metrics import f1_at_thresholds

THRESHOLD_GRID = np.round(np.arange(0.10, 0.91, 0.05), 2)


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


# The named decisions of CalibratedLinear and the powers of the class prior they stand for.
NAMED_DECISIONS = {"argmax": 0.0, "balanced": 1.0}


def prior_power(decision):
    """The exponent of the class prior that a ``decision`` of :class:`CalibratedLinear` divides by."""
    if isinstance(decision, str):
        if decision in NAMED_DECISIONS:
            return NAMED_DECISIONS[decision]
    elif isinstance(decision, Real) and not isinstance(decision, (bool, np.bool_)) and 0 <= decision <= 1:
        return float(decision)
    raise ValueError(f"decision must be 'argmax', 'balanced' or a number in [0, 1], got {decision!r}")


class CalibratedLinear(_RestoresNewParameters, ClassifierMixin, BaseEstimator):
    """Class-weighted logistic regression with sigmoid-calibrated probabilities.

    Parameters
    ----------
    C : float
        Inverse regularisation strength.
    calibration_folds : int
        Folds for sigmoid calibration; fewer are used when a class is rarer, and
        none (plain logistic probabilities) when a class has a single example.
    decision : {"argmax", "balanced"} or float in [0, 1]
        How ``predict`` picks a class from the calibrated probabilities: the class with
        the largest ``p(c) / prior(c) ** power``, where ``prior`` is the class's share of
        the training labels. ``"argmax"`` is power 0 (the most probable class);
        ``"balanced"`` power 1, which lets a rare class (critical stance) win where
        calibration to a skewed training set would bury it; a number is the power itself
        (0.5 goes half way on the log scale). ``predict_proba`` is the same either way.
    random_state : int, RandomState or None
        Seeds the logistic regression and the shuffled calibration folds.

    Input: a feature matrix (n_samples, n_features), dense or sparse, and labels.
    ``predict_proba`` returns (n_samples, n_classes) with columns in ``classes_`` order.
    """

    def __init__(self, C=4.0, calibration_folds=3, decision="argmax", random_state=0):
        self.C = C
        self.calibration_folds = calibration_folds
        self.decision = decision
        self.random_state = random_state

    def fit(self, X, y):
        X, y = validate_data(self, X, y, accept_sparse="csr")
        check_classification_targets(y)
        prior_power(self.decision)  # fail on a bad decision before the long fit
        self.classes_, counts = np.unique(y, return_counts=True)
        self.class_prior_ = counts / counts.sum()
        if len(self.classes_) < 2:
            raise ValueError(f"needs samples of at least 2 classes in the data, but the data contains only one class: {self.classes_[0]!r}")
        linear = LogisticRegression(C=self.C, class_weight="balanced", max_iter=2000, random_state=self.random_state)
        folds = min(self.calibration_folds, int(counts.min()))
        if folds >= 2:
            cv = StratifiedKFold(folds, shuffle=True, random_state=self.random_state)
            self.model_ = CalibratedClassifierCV(linear, method="sigmoid", cv=cv).fit(X, y)
        else:
            self.model_ = linear.fit(X, y)
        return self

    def predict_proba(self, X):
        check_is_fitted(self, "model_")
        return self.model_.predict_proba(validate_data(self, X, accept_sparse="csr", reset=False))

    def predict(self, X):
        proba = self.predict_proba(X)
        power = prior_power(self.decision)
        if power:
            proba = proba / self.class_prior_**power
        return self.classes_[np.argmax(proba, axis=1)]

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
        Inner folds used to choose each threshold (on the training data only).
    random_state : int, RandomState or None
        Seeds the shuffled inner folds, and the default :class:`CalibratedLinear`.

    Input: a feature matrix and ``y``, an indicator matrix (n_samples, n_labels).
    ``predict_proba`` returns (n_samples, n_labels) probabilities of each label
    being present; ``predict`` the indicator matrix after thresholds ``thresholds_``.
    """

    def __init__(self, estimator=None, cv=3, random_state=0):
        self.estimator = estimator
        self.cv = cv
        self.random_state = random_state

    def fit(self, X, y):
        X, y = validate_data(self, X, y, accept_sparse="csr", multi_output=True)
        y = np.asarray(y, dtype=int).reshape(len(y), -1)
        base = self.estimator if self.estimator is not None else CalibratedLinear(random_state=self.random_state)
        self.estimators_, thresholds = [], []
        for column in y.T:
            if len(np.unique(column)) < 2:
                # A label no training row carries (or every row does), as in a fold that holds out a
                # rare topic's only article: its probability is that constant, not a refused fit.
                thresholds.append(0.5)
                self.estimators_.append(DummyClassifier(strategy="prior").fit(X, column))
                continue
            thresholds.append(self._choose_threshold(base, X, column))
            self.estimators_.append(clone(base).fit(X, column))
        self.thresholds_ = np.array(thresholds)
        return self

    def _choose_threshold(self, base, X, column):
        folds = min(self.cv, int(np.bincount(column, minlength=2).min()))
        if folds < 2:
            return 0.5
        cv = StratifiedKFold(folds, shuffle=True, random_state=self.random_state)
        proba = cross_val_predict(clone(base), X, column, cv=cv, method="predict_proba")[:, 1]
        return best_threshold(column, proba)

    def predict_proba(self, X):
        check_is_fitted(self, "estimators_")
        X = validate_data(self, X, accept_sparse="csr", reset=False)
        return np.column_stack([_present_proba(e, X) for e in self.estimators_])

    def predict(self, X):
        return (self.predict_proba(X) >= self.thresholds_).astype(int)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = True
        tags.classifier_tags.multi_label = True
        tags.target_tags.multi_output = True
        return tags


def _present_proba(estimator, X):
    """P(label present) from a fitted binary classifier; 0 when it only saw the label absent."""
    classes = list(estimator.classes_)
    if 1 not in classes:
        return np.zeros(X.shape[0])
    return estimator.predict_proba(X)[:, classes.index(1)]
