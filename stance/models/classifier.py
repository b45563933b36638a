"""The labeller: a scikit-learn estimator that predicts every task of the label scheme.

A :class:`StanceClassifier` is a feature transformer (texts in, one matrix out) shared by one
estimator per task of :data:`stance.labels.SCHEME`: a multi-label topic model (indicator matrix
over the topics) and a single-label model per three-class task (tone, stance). It follows the
scikit-learn contract: ``__init__`` only stores parameters, ``fit(X, y)`` takes the texts and a
frame of the targets, fitted state ends in ``_``, and ``clone``, ``get_params`` / ``set_params``,
``Pipeline`` and ``GridSearchCV`` apply. Named models are built by :mod:`stance.models.catalogue`;
labelling sentences and articles and explaining a label live in :mod:`stance.labelling`.
"""

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, clone
from sklearn.utils.validation import check_is_fitted

from ..features.texts import as_texts
from ..labels import SCHEME, TOPICS, topic_matrix
from ..metrics import HEADLINE, task_scores
from .estimators import CalibratedLinear, MultiLabelThresholds

TASKS = SCHEME.tasks
LABEL_COLUMNS = [*(f"p_{t}" for t in TOPICS), "topics", *SCHEME.score_columns()]
# Every probability the models give: topic presence, and the tone and stance distributions.
PROBA_COLUMNS = SCHEME.proba_columns()
# The value of ``features`` for models whose task estimators read the raw texts (the baselines).
PASSTHROUGH = "passthrough"
# The default feature families (those of the ``combined`` catalogue model).
DEFAULT_FAMILIES = ("word", "lexicon", "cues", "vader", "embeddings")


def _class_proba(model, X, labels):
    """Probabilities in the order of ``labels`` (0 for a class the model never saw)."""
    proba = model.predict_proba(X)
    known = list(model.classes_)
    return np.column_stack([proba[:, known.index(c)] if c in known else np.zeros(len(proba)) for c in labels])


def _seeded(estimator, random_state):
    """A clone of ``estimator`` with every nested ``random_state`` parameter set to ``random_state``
    (left as they are when it is None)."""
    estimator = clone(estimator)
    if random_state is not None and hasattr(estimator, "get_params"):
        seeds = {k: random_state for k in estimator.get_params(deep=True) if k == "random_state" or k.endswith("__random_state")}
        estimator.set_params(**seeds)
    return estimator


class StanceClassifier(BaseEstimator):
    """Topic, tone and stance labels for sentences, as one scikit-learn estimator.

    Parameters
    ----------
    features : transformer, "passthrough" or None
        Texts in, one feature matrix out, fitted once and shared by the task estimators
        (e.g. :func:`stance.features.make_features`). ``"passthrough"`` hands the task
        estimators the texts (the baselines); None means the feature union of
        :data:`DEFAULT_FAMILIES`. A transformer whose ``fit`` uses labels (the SetFit-style
        encoder) gets the joint ``stance|tone`` label of each text.
    topic_estimator : estimator or None
        Multi-label: ``fit(X, indicator matrix over the scheme's topics)``, ``predict_proba``
        of shape (n, n_topics); decided by its ``thresholds_`` when it has them, else 0.5.
        None means ``MultiLabelThresholds(CalibratedLinear())``.
    tone_estimator, stance_estimator : classifier or None
        Single-label classifiers with ``predict`` and ``predict_proba``; None means
        :class:`~stance.models.estimators.CalibratedLinear`.
    random_state : int or None
        Set on every nested ``random_state`` parameter of the features and estimators when
        fitting (their own values are kept when it is None).

    Attributes
    ----------
    features_ : transformer or None
        The fitted features (None for ``"passthrough"``).
    estimators_ : dict
        ``{task: fitted estimator}`` for every task of the scheme.

    ``fit(X, y)``: ``X`` a sequence of strings, ``y`` a DataFrame with a column per task
    (``topics`` holding lists of topic names, ``tone``, ``stance`` holding class names).
    ``predict(X)`` returns a DataFrame of :data:`LABEL_COLUMNS`; ``score(X, y)`` the mean of
    the tasks' macro-F1 (what model selection maximises).
    """

    def __init__(self, features=None, topic_estimator=None, tone_estimator=None, stance_estimator=None, random_state=0):
        self.features = features
        self.topic_estimator = topic_estimator
        self.tone_estimator = tone_estimator
        self.stance_estimator = stance_estimator
        self.random_state = random_state

    def _task_estimators(self):
        """``{task: unfitted estimator}`` from the parameters (defaults filled in)."""
        given = {"topics": self.topic_estimator, **{t.name: getattr(self, f"{t.name}_estimator") for t in SCHEME.single}}
        defaults = {"topics": MultiLabelThresholds(CalibratedLinear())}
        return {task: _seeded(given[task] if given[task] is not None else defaults.get(task, CalibratedLinear()),
                              self.random_state) for task in TASKS}

    def fit(self, X, y):
        """Fit the features on ``X`` and one estimator per task on the columns of ``y``; return self."""
        texts = as_texts(X)
        y = _targets(y, len(texts))
        if self.features is None:
            from ..features import make_features

            features = make_features(DEFAULT_FAMILIES)
        else:
            features = self.features
        self.features_ = None if isinstance(features, str) and features == PASSTHROUGH else _seeded(features, self.random_state)
        if self.features_ is None:
            inputs = texts
        else:
            # Feature families that learn from labels (the SetFit-style encoder) get the joint stance and tone
            # label of each text; the others ignore it.
            joint = [f"{s}|{t}" for s, t in zip(y["stance"], y["tone"])]
            inputs = self.features_.fit_transform(texts, joint)
        estimators = self._task_estimators()
        estimators["topics"].fit(inputs, topic_matrix(y["topics"]))
        for task in SCHEME.single:
            estimators[task.name].fit(inputs, np.asarray(y[task.name]))
        self.estimators_ = estimators
        return self

    def __setstate__(self, state):
        # A model saved before the classifier was an estimator held ``spec, metadata, features, models``:
        # restore it as the fitted estimator it is (its parameters: the unfitted copies of its parts).
        if "models" in state and "estimators_" not in state:
            features, models = state["features"], state["models"]
            state = {"features": clone(features) if features is not None else PASSTHROUGH,
                     "topic_estimator": clone(models["topics"]),
                     **{f"{t.name}_estimator": clone(models[t.name]) for t in SCHEME.single},
                     "random_state": 0, "features_": features, "estimators_": models}
        super().__setstate__(state)

    def __getstate__(self):
        # The metadata a model was loaded with (``metadata_``) is the file's record, saved beside it, not in it.
        state = super().__getstate__()
        state.pop("metadata_", None)
        return state

    def _inputs(self, texts):
        """What the task estimators read: the feature matrix, or the texts for a baseline."""
        return self.features_.transform(texts) if self.features_ is not None else texts

    def predict(self, X, proba=False):
        """Label a sequence of strings.

        Returns
        -------
        pandas.DataFrame
            :data:`LABEL_COLUMNS`; with ``proba``, also every probability of tone and stance
            (``p_tone_<class>``, ``p_stance_<class>``: all of :data:`PROBA_COLUMNS`).
        """
        check_is_fitted(self, "estimators_")
        texts = as_texts(X)
        if not texts:
            return pd.DataFrame(columns=LABEL_COLUMNS + ([c for c in PROBA_COLUMNS if c not in LABEL_COLUMNS] if proba else []))
        inputs = self._inputs(texts)
        topics = self.estimators_["topics"]
        topic_proba = topics.predict_proba(inputs)
        # Every topic model decides by a threshold on its probabilities (per topic when it has chosen one).
        topic_flags = topic_proba >= getattr(topics, "thresholds_", 0.5)
        frame = pd.DataFrame({f"p_{t}": topic_proba[:, i] for i, t in enumerate(TOPICS)})
        frame["topics"] = SCHEME.decode_topics(topic_flags)
        distributions = {}
        for task in SCHEME.single:
            model = self.estimators_[task.name]
            distributions[task] = _class_proba(model, inputs, task.classes)
            # Each task model decides its class (by its own rule, e.g. the balanced decision of CalibratedLinear).
            frame[task.name] = np.asarray(model.predict(inputs), dtype=object)
            frame[f"{task.name}_score"] = task.expected_score(distributions[task])
        if proba:
            for task, values in distributions.items():
                for i, label in enumerate(task.classes):
                    frame[f"p_{task.name}_{label}"] = values[:, i]
        return frame

    def score(self, X, y):
        """Mean macro-F1 over the tasks of the labels predicted for ``X`` against ``y`` (a target frame)."""
        y = _targets(y, len(X))
        predicted = self.predict(X).add_prefix("pred_")
        scores = task_scores(pd.concat([y.reset_index(drop=True), predicted], axis=1))
        return float(np.mean([scores[m] for m in HEADLINE]))

    # Labelling and explanations are functions of stance.labelling; these methods call them.
    def label_sentences(self, sentences):
        """:func:`stance.labelling.label_sentences` with this classifier."""
        from ..labelling import label_sentences

        return label_sentences(self, sentences)

    def label_articles(self, articles, sentences=None):
        """:func:`stance.labelling.label_articles` with this classifier."""
        from ..labelling import label_articles

        return label_articles(self, articles, sentences)

    def explain(self, text, top=5):
        """:func:`stance.labelling.explain` with this classifier."""
        from ..labelling import explain

        return explain(self, text, top)


def _targets(y, n):
    """The target frame ``y`` checked: one row per text and a column per task."""
    if not isinstance(y, pd.DataFrame):
        raise TypeError(f"y must be a DataFrame with the columns {', '.join(TASKS)}, got {type(y).__name__}")
    missing = [t for t in TASKS if t not in y.columns]
    if missing:
        raise ValueError(f"y lacks the target column(s) {', '.join(missing)}")
    if len(y) != n:
        raise ValueError(f"X has {n} texts but y has {len(y)} rows")
    return y.reset_index(drop=True)
