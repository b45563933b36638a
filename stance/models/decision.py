"""Deciding a fitted classifier's labels again from the same probabilities, without refitting.

Kept apart from :mod:`stance.models.classifier` so that :mod:`stance.labelling`, which the classifier's
convenience methods call, can use it without importing the classifier module back.
"""

import copy

from sklearn.base import clone
from sklearn.utils.validation import check_is_fitted

from ..labels import SCHEME
from .estimators import prior_power


def with_decision(classifier, decision, tasks=("stance",)):
    """A fitted classifier like ``classifier`` whose ``tasks`` decide by ``decision``, without refitting.

    Parameters
    ----------
    classifier : StanceClassifier
        Fitted; it is not changed (the copy shares its fitted models).
    decision : {"argmax", "balanced"} or float in [0, 1]
        The decision of :class:`~stance.models.estimators.CalibratedLinear`: the most probable
        class, probability over class share (more ``critical`` found, and more false alarms), or
        the power of the class share in between.
    tasks : tuple of str
        Single-label tasks of the scheme whose estimators take a ``decision`` (default: stance).

    Returns
    -------
    StanceClassifier
        Its ``predict`` (and labelling) decide ``tasks`` by ``decision``; probabilities and scores
        are unchanged. Raises ValueError for a bad decision or a task estimator without one.
    """
    check_is_fitted(classifier, "estimators_")
    prior_power(decision)
    tasks = (tasks,) if isinstance(tasks, str) else tuple(tasks)
    single = [t.name for t in SCHEME.single]
    changed = copy.copy(classifier)
    changed.estimators_ = dict(classifier.estimators_)
    for task in tasks:
        if task not in single:
            raise ValueError(f"unknown task {task!r} for a decision; choose from {', '.join(single)}")
        fitted = classifier.estimators_[task]
        if "decision" not in fitted.get_params(deep=False):
            raise ValueError(f"the {task} estimator ({type(fitted).__name__}) has no decision to set")
        changed.estimators_[task] = copy.copy(fitted).set_params(decision=decision)
        # The parameters say how the copy decides, so that a clone refitted from them decides the same way.
        setattr(changed, f"{task}_estimator", clone(fitted).set_params(decision=decision))
    return changed
