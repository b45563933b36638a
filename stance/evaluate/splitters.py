"""Cross-validation splitters over groups (articles, corpora), and the designs of the experiments.

Evaluation (:func:`stance.evaluate.cross_val_predictions`) takes any scikit-learn splitter
with ``split(X, y, groups)``: ``LeaveOneGroupOut()``, ``GroupKFold(n, shuffle=True,
random_state=...)``, ``GroupShuffleSplit`` for a train/test split, or :class:`GroupFolds`.

:class:`GroupFolds` is the project's own because the committed runs were made with it: it holds
groups out in the order of their first appearance (one per fold, or shuffled with NumPy's
``default_rng`` and dealt round-robin into ``n_splits`` folds). scikit-learn's
``LeaveOneGroupOut`` orders folds by sorted group name and ``GroupKFold(shuffle=True)`` deals
groups differently, so neither reproduces those runs; both are accepted all the same.
"""

import numpy as np
from sklearn.model_selection import BaseCrossValidator

class GroupFolds(BaseCrossValidator):
    """Hold out whole groups: one group per fold, or the groups shuffled and dealt into folds.

    Parameters
    ----------
    n_splits : int or None
        None: one fold per group, in the order the groups first appear (leave-one-group-out).
        An int: the groups are permuted with ``numpy.random.default_rng(random_state)`` and
        fold ``k`` holds every ``n_splits``-th group from position ``k``; with at least as
        many folds as groups, one group per fold.
    random_state : int
        Seeds the permutation.

    ``split(X, y, groups)`` yields ``(train, test)`` index arrays; no group is on both sides.
    """

    def __init__(self, n_splits=None, random_state=0):
        self.n_splits = n_splits
        self.random_state = random_state

    def _group_folds(self, groups):
        if groups is None:
            raise ValueError("GroupFolds needs the groups")
        order = list(dict.fromkeys(np.asarray(groups).tolist()))
        if not self.n_splits or self.n_splits >= len(order):
            return [[g] for g in order]
        permutation = np.random.default_rng(self.random_state).permutation(len(order))
        return [[order[i] for i in sorted(permutation[k::self.n_splits])] for k in range(self.n_splits)]

    def _iter_test_masks(self, X=None, y=None, groups=None):
        groups = np.asarray(groups)
        for held_out in self._group_folds(groups):
            yield np.isin(groups, held_out)

    def get_n_splits(self, X=None, y=None, groups=None):
        if groups is None:
            if self.n_splits:
                return self.n_splits
            raise ValueError("GroupFolds(n_splits=None) needs the groups to count its folds")
        return len(self._group_folds(groups))


def splitter_for(scheme, n_folds=None, random_state=0):
    """The splitter and the grouping column of an experiment design (``[cv] scheme`` of a config,
    :mod:`stance.experiments.config`; ``train-test`` has none: it trains on one gold and tests on another)."""
    if scheme == "leave-one-article-out":
        return GroupFolds(), "article_id"
    if scheme == "grouped-k-fold":
        return GroupFolds(n_folds, random_state), "article_id"
    if scheme == "leave-one-corpus-out":
        return GroupFolds(), "gold_set"
    raise ValueError(f"no splitter for the design {scheme!r}; choose from leave-one-article-out, grouped-k-fold, leave-one-corpus-out")
