"""Quantifiers: class prevalence from a classifier's outputs, corrected with error rates measured on gold.

Counting a classifier's labels (classify and count) is biased whenever the classifier
errs, most of all for rare classes. The methods here are those of QuaPy
(``quapy.method.aggregative``), with the same definitions and conventions:

- ``cc``: classify and count, the share of each predicted class (QuaPy ``CC``);
- ``pcc``: probabilistic classify and count, the mean of the probabilities (``PCC``);
- ``acc``: adjusted classify and count (Forman 2008): solves ``q = M p`` for the prevalence
  ``p``, where ``q`` is the share of predicted classes in the group and ``M[i, j]`` the
  rate at which gold sentences of class ``j`` are predicted ``i`` (``ACC``, solver
  ``minimize``: least squares on the probability simplex);
- ``pacc``: the same with probabilities in place of decisions (Bella et al. 2010, ``PACC``);
- ``sld``: the EM algorithm of Saerens, Latinne and Decaestecker (2002), which re-weighs the
  probabilities until the prevalence and the posteriors agree (``EMQ``), started from the
  prevalence the probabilities are calibrated to on the gold (:func:`recalibrated_prior`; the
  bias term of the BCTS recalibration that QuaPy's ``EMQ.EMQ_BCTS`` applies);
- ``emq``: the same EM started from the gold's label shares, as QuaPy's ``EMQ`` does by default.

Why the package computes them itself rather than calling QuaPy's quantifiers (QuaPy is the
reference: ``tests/test_measure.py`` checks that every method gives QuaPy's estimate on the
same predictions):

- intervals need every estimate again on a thousand bootstrap replicates of the gold and of the
  group: here the replicates are a batch (a leading axis) and are computed together, while
  QuaPy solves the ACC and PACC system with SciPy's SLSQP once per estimate (3-10 ms a call on
  this machine: minutes per table) and has no batch;
- the replicates resample whole articles (sentences of one article are not independent) and the
  article-level measure weighs each sentence by its article: QuaPy's aggregation has no sample
  weights;
- ``quapy.method.confidence.AggregativeBootstrap`` resamples sentences one by one, its
  resampling of the training side (``n_train_samples > 1``) fails on array predictions in QuaPy
  0.2.3, and its draws are not reproducible with a fixed ``random_state`` (joblib workers draw
  from the global NumPy generator);
- ``import quapy`` imports torch (several seconds), which ``stance measure`` does not need.

Every quantifier takes ``scores``, an array (n, k): the one-hot decisions for ``cc`` and ``acc``
(:attr:`Quantifier.soft` is False), the probabilities otherwise; and ``weights``: None, a
vector (n,) or a batch (B, n) of replicate weights. ``fit`` reads gold (scores and label
codes) and ``predict`` returns the prevalence, (k,) or (B, k) for a batch.
"""

from itertools import combinations

import numpy as np
from sklearn.base import BaseEstimator

# The one chosen by the validation run (experiments/quantification.toml; see docs and tests).
DEFAULT_METHOD = "pacc"
EM_EPSILON = 1e-4
EM_MAX_ITER = 1000


def _batch_weights(weights, n):
    """Weights as a batch (B, n), and whether the input was a single vector."""
    if weights is None:
        return np.ones((1, n)), True
    weights = np.asarray(weights, dtype=float)
    if weights.ndim == 1:
        return weights[None, :], True
    return weights, False


def _batch_with_prevalence(posteriors, weights, prevalence):
    """The inputs of the EM-style fits broadcast to one batch size B: ``posteriors`` as floats (n, k),
    the weights (B, n), the prevalence (B, k; a copy, free to change), each row's weight total (B, 1;
    1 where it is 0), and whether one estimate (not a batch) was asked for."""
    posteriors = np.asarray(posteriors, dtype=float)
    batch, single = _batch_weights(weights, len(posteriors))
    prevalence = np.asarray(prevalence, dtype=float)
    single = single and prevalence.ndim == 1
    prevalence = np.atleast_2d(prevalence)
    size = max(len(batch), len(prevalence))
    batch = np.broadcast_to(batch, (size, len(posteriors)))
    prevalence = np.broadcast_to(prevalence, (size, posteriors.shape[1])).copy()
    total = batch.sum(axis=1, keepdims=True)
    return posteriors, batch, prevalence, np.where(total > 0, total, 1.0), single


def weighted_mean(scores, weights=None):
    """Weighted mean of the rows of ``scores`` (n, k): (k,) for one weight vector, (B, k) for a batch."""
    batch, single = _batch_weights(weights, len(scores))
    total = batch.sum(axis=1, keepdims=True)
    means = (batch @ np.asarray(scores, dtype=float)) / np.where(total > 0, total, 1.0)
    return means[0] if single else means


def misclassification_rates(scores, labels, k, weights=None):
    """``M[i, j]``: the (weighted) mean score of class ``i`` over gold sentences of class ``j``.

    As QuaPy's ``ACC.getPteCondEstim`` (one-hot scores) and ``PACC.getPteCondEstim``
    (probabilities): a class without gold gets the identity column (predicted as itself).
    Returns (k, k), or (B, k, k) for a batch of weights.
    """
    batch, single = _batch_weights(weights, len(scores))
    truth = np.eye(k)[np.asarray(labels, dtype=int)]
    joint = np.einsum("bn,ni,nj->bij", batch, np.asarray(scores, dtype=float), truth)
    support = joint.sum(axis=1, keepdims=True)
    rates = np.where(support > 0, joint / np.where(support > 0, support, 1.0), np.eye(k)[None])
    return rates[0] if single else rates


def simplex_least_squares(rates, shares):
    """The prevalence ``p`` on the probability simplex that minimises ``||rates @ p - shares||``.

    QuaPy's ``ACC.solve_adjustment`` (``method='inversion', solver='minimize'``) finds it with
    SLSQP; here it is solved exactly, for a batch at once: the optimum of this convex problem is
    the equality-constrained least-squares solution on one face of the simplex, so every face
    (support) is solved and the best feasible solution kept.

    Parameters
    ----------
    rates : array (k, k) or (B, k, k)
    shares : array (k,) or (B, k)

    Returns
    -------
    array (k,) or (B, k)
    """
    rates, shares = np.asarray(rates, dtype=float), np.asarray(shares, dtype=float)
    single = shares.ndim == 1 and rates.ndim == 2
    rates, shares = (rates if rates.ndim == 3 else rates[None]), np.atleast_2d(shares)
    batch, k = max(len(rates), len(shares)), shares.shape[1]
    rates, shares = np.broadcast_to(rates, (batch, k, k)), np.broadcast_to(shares, (batch, k))
    best = np.full((batch, k), np.nan)
    best_loss = np.full(batch, np.inf)
    for size in range(1, k + 1):
        for support in combinations(range(k), size):
            idx = list(support)
            sub = rates[:, :, idx]  # (B, k, m)
            m = len(idx)
            if m == 1:
                x = np.ones((batch, 1))
            else:
                # KKT system of min ||sub x - shares||^2 subject to sum(x) = 1.
                kkt = np.zeros((batch, m + 1, m + 1))
                kkt[:, :m, :m] = 2 * np.einsum("bki,bkj->bij", sub, sub)
                kkt[:, :m, m] = 1.0
                kkt[:, m, :m] = 1.0
                rhs = np.concatenate([2 * np.einsum("bki,bk->bi", sub, shares), np.ones((batch, 1))], axis=1)
                x = np.einsum("bij,bj->bi", np.linalg.pinv(kkt), rhs)[:, :m]
            feasible = (x >= -1e-10).all(axis=1)
            loss = ((np.einsum("bki,bi->bk", sub, x) - shares) ** 2).sum(axis=1)
            better = feasible & (loss < best_loss - 1e-15)
            if better.any():
                full = np.zeros((better.sum(), k))
                full[:, idx] = np.clip(x[better], 0.0, None)
                best[better] = full / full.sum(axis=1, keepdims=True)
                best_loss[better] = loss[better]
    return best[0] if single else best


def expectation_maximisation(posteriors, train_prevalence, weights=None, epsilon=EM_EPSILON, max_iter=EM_MAX_ITER):
    """Saerens-Latinne-Decaestecker EM, as QuaPy's ``EMQ.EM``, with weights and for a batch.

    Parameters
    ----------
    posteriors : array (n, k)
        The classifier's probabilities in the group.
    train_prevalence : array (k,) or (B, k)
        The prevalence the probabilities were calibrated to (smoothed by ``epsilon`` when a
        class has none, as QuaPy does).
    weights : None, (n,) or (B, n)
    epsilon, max_iter
        QuaPy's stopping rule: the mean absolute change of the prevalence below ``epsilon``
        after more than 10 iterations, or ``max_iter`` iterations.

    Returns
    -------
    array (k,) or (B, k)
    """
    posteriors, batch, prior, total, single = _batch_with_prevalence(posteriors, weights, train_prevalence)
    empty = np.prod(prior, axis=1) == 0
    prior[empty] += epsilon
    prior /= prior.sum(axis=1, keepdims=True)
    estimate = prior.copy()
    active = np.ones(len(batch), dtype=bool)
    previous = None
    for step in range(max_iter):
        rows = np.flatnonzero(active)
        scaled = (estimate[rows] / prior[rows])[:, None, :] * posteriors[None]
        scaled /= scaled.sum(axis=2, keepdims=True)
        updated = np.einsum("bn,bnk->bk", batch[rows], scaled) / total[rows]
        if previous is not None and step > 10:
            done = np.abs(updated - previous[rows]).mean(axis=1) < epsilon
        else:
            done = np.zeros(len(rows), dtype=bool)
        estimate[rows] = updated
        previous = estimate.copy()
        active[rows[done]] = False
        if not active.any():
            break
    return estimate[0] if single else estimate


class Quantifier(BaseEstimator):
    """Base class: ``fit`` on gold scores and labels, ``predict`` the prevalence of a group.

    Subclasses set :attr:`soft` (probabilities, or one-hot decisions) and the names of their
    fitted arrays in :attr:`fitted_`; every fitted array has the replicate batch as its
    leading axis when ``fit`` was given a batch of weights (:meth:`take` selects replicates).
    """

    soft = True
    linear = False
    fitted_ = ()

    def fit(self, scores, labels, weights=None):
        """Learn what the method needs from gold (nothing for cc and pcc); return self."""
        self.n_classes_ = np.asarray(scores).shape[1]
        return self

    def predict(self, scores, weights=None):
        raise NotImplementedError

    def take(self, replicates):
        """A copy whose fitted arrays keep only the replicates ``replicates`` (an index or slice)."""
        import copy

        part = copy.copy(self)
        for name in self.fitted_:
            value = getattr(self, name)
            if value.ndim == self._single_ndim[name] + 1:
                setattr(part, name, value[replicates])
        return part

    _single_ndim = {}


class CC(Quantifier):
    """Classify and count: the (weighted) share of each predicted class."""

    soft = False
    linear = True  # depends on the group only through the weighted mean of its scores

    def predict(self, scores, weights=None):
        return self.from_shares(weighted_mean(scores, weights))

    def from_shares(self, shares):
        """The estimate from the group's weighted mean scores, (k,) or (B, k)."""
        return shares


class PCC(CC):
    """Probabilistic classify and count: the (weighted) mean of the class probabilities."""

    soft = True


class ACC(CC):
    """Adjusted classify and count: the decisions' shares corrected with the gold misclassification rates.

    Fitted: ``rates_`` (k, k) or (B, k, k), ``rates_[i, j]`` = P(predicted i | gold j).
    """

    soft = False
    fitted_ = ("rates_",)
    _single_ndim = {"rates_": 2}

    def fit(self, scores, labels, weights=None):
        super().fit(scores, labels, weights)
        self.rates_ = misclassification_rates(scores, labels, self.n_classes_, weights)
        return self

    def predict(self, scores, weights=None):
        return self.from_shares(weighted_mean(scores, weights))

    def from_shares(self, shares):
        return simplex_least_squares(self.rates_, shares)


class PACC(ACC):
    """Probabilistic ACC: the mean probabilities corrected with the gold mean probabilities per class."""

    soft = True


def recalibrated_prior(posteriors, label_prevalence, weights=None, epsilon=EM_EPSILON, max_iter=EM_MAX_ITER, tol=1e-9):
    """The prevalence the probabilities behave as calibrated to, measured on gold: ``pi`` such that EM
    started from ``pi`` returns the gold's own label shares on the gold.

    Equivalently, a bias per class (the bias term of Alexandari et al.'s bias-corrected temperature
    scaling) that makes the re-weighed probabilities average to the label shares on the gold; found
    by iterative proportional fitting, for a batch of weights at once.

    Returns (k,) or (B, k).
    """
    posteriors, batch, target, total, single = _batch_with_prevalence(posteriors, weights, label_prevalence)
    target += epsilon
    target /= target.sum(axis=1, keepdims=True)
    bias = np.ones_like(target)
    for _ in range(max_iter):
        scaled = bias[:, None, :] * posteriors[None]
        scaled /= scaled.sum(axis=2, keepdims=True)
        means = np.einsum("bn,bnk->bk", batch, scaled) / total
        updated = bias * target / np.maximum(means, 1e-300)
        updated /= updated.sum(axis=1, keepdims=True)
        change = np.abs(updated - bias).max()
        bias = updated
        if change < tol:
            break
    prior = target / bias
    prior /= prior.sum(axis=1, keepdims=True)
    return prior[0] if single else prior


class SLD(Quantifier):
    """EM of Saerens, Latinne and Decaestecker (QuaPy's ``EMQ``), on recalibrated probabilities by default.

    EM assumes the probabilities are calibrated to a known prevalence (QuaPy: the labels' shares in
    the data that trained the classifier). These models' probabilities are calibrated to their own
    training rows (class-weighted, with synthetic priors and targeted samples), not to the gold, and
    EM started from the gold's shares runs to 0 or 1 (the validation run shows it: method ``emq``).

    Parameters
    ----------
    recalibrate : bool
        True: start EM from :func:`recalibrated_prior` (the probabilities recalibrated in the large on
        the gold). False: from the gold's label shares, exactly QuaPy's ``EMQ`` (``exact_train_prev=True``).

    Fitted: ``train_prevalence_`` (k,) or (B, k), the prevalence EM starts from.
    """

    fitted_ = ("train_prevalence_",)
    _single_ndim = {"train_prevalence_": 1}

    def __init__(self, recalibrate=True):
        self.recalibrate = recalibrate

    def fit(self, scores, labels, weights=None):
        super().fit(scores, labels, weights)
        shares = weighted_mean(np.eye(self.n_classes_)[np.asarray(labels, dtype=int)], weights)
        if self.recalibrate and np.ndim(shares) == 1:
            self.train_prevalence_ = recalibrated_prior(scores, shares, weights)
        elif self.recalibrate:  # a batch, in chunks of replicates (memory: replicates x sentences x classes)
            chunk = max(1, 2_000_000 // max(1, len(scores) * self.n_classes_))
            self.train_prevalence_ = np.concatenate([
                recalibrated_prior(scores, shares[start:start + chunk], np.asarray(weights)[start:start + chunk])
                for start in range(0, len(shares), chunk)])
        else:
            self.train_prevalence_ = shares
        return self

    def predict(self, scores, weights=None):
        return expectation_maximisation(scores, self.train_prevalence_, weights)


class EMQ(SLD):
    """QuaPy's ``EMQ`` unchanged: EM started from the gold's label shares (``SLD(recalibrate=False)``)."""

    def __init__(self, recalibrate=False):
        super().__init__(recalibrate=recalibrate)


METHODS = {"cc": CC, "pcc": PCC, "acc": ACC, "pacc": PACC, "sld": SLD, "emq": EMQ}
METHOD_NAMES = {"cc": "classify and count", "pcc": "probabilistic classify and count",
                "acc": "adjusted classify and count", "pacc": "probabilistic adjusted classify and count",
                "sld": "EM (Saerens-Latinne-Decaestecker) on probabilities recalibrated on the gold",
                "emq": "EM as QuaPy's EMQ (from the gold's label shares)"}


def make_quantifier(method):
    """A fresh quantifier of a method name (:data:`METHODS`); ValueError names the methods."""
    if method not in METHODS:
        raise ValueError(f"unknown method {method!r}; choose from {', '.join(METHODS)}")
    return METHODS[method]()


def cluster_counts(clusters, n_boot, rng):
    """Bootstrap multiplicities of whole clusters: (n_boot, n_clusters), each row summing to n_clusters.

    ``clusters`` is the number of clusters (articles); a replicate draws that many with replacement.
    """
    draws = rng.integers(0, clusters, size=(n_boot, clusters))
    counts = np.zeros((n_boot, clusters), dtype=np.int32)
    np.add.at(counts, (np.arange(n_boot)[:, None], draws), 1)
    return counts


def nested_counts(strata, n_boot, rng):
    """Bootstrap multiplicities that resample strata (corpora), then clusters (articles) within each.

    ``strata`` gives the stratum of every cluster (n_clusters,). A replicate draws as many strata
    as there are, with replacement; every draw of a stratum adds a resample of its clusters (the
    sum of ``m`` such resamples is one multinomial draw of ``m`` times its size). Returns
    (n_boot, n_clusters), each row summing to n_clusters on average.
    """
    strata = np.asarray(strata)
    names, codes = np.unique(strata, return_inverse=True)
    picked = rng.integers(0, len(names), size=(n_boot, len(names)))
    draws = np.zeros((n_boot, len(names)), dtype=np.int64)
    np.add.at(draws, (np.arange(n_boot)[:, None], picked), 1)
    counts = np.zeros((n_boot, len(strata)), dtype=np.int32)
    for g in range(len(names)):
        members = np.flatnonzero(codes == g)
        counts[:, members] = rng.multinomial(draws[:, g] * len(members), np.full(len(members), 1.0 / len(members)))
    return counts


class Sample:
    """Scores of a set of sentences with their clusters, for fitting or predicting with replicates.

    Parameters
    ----------
    scores : array (n, k)
    clusters : array (n,)
        The article of each sentence (any hashable codes); replicates resample whole clusters.
    labels : array (n,), optional
        Gold class codes (for fitting).
    weights : array (n,), optional
        A weight per sentence (e.g. 1 / its article's sentences, to weigh every article once).
    strata : array (n,), optional
        The corpus of each sentence: with it, :meth:`bootstrap_counts` can resample corpora first.
    """

    def __init__(self, scores, clusters, labels=None, weights=None, strata=None):
        self.scores = np.asarray(scores, dtype=float)
        first, self.cluster_codes = np.unique(np.asarray(clusters), return_index=True, return_inverse=True)[1:]
        self.n_clusters = len(first)
        self.cluster_strata = None if strata is None else np.asarray(strata)[first]
        self.labels = None if labels is None else np.asarray(labels, dtype=int)
        self.weights = np.ones(len(self.scores)) if weights is None else np.asarray(weights, dtype=float)

    def __len__(self):
        return len(self.scores)

    def bootstrap_counts(self, n_boot, rng, nested=False):
        """Cluster multiplicities (n_boot, n_clusters): clusters resampled, or (``nested``) corpora then clusters."""
        if nested and self.cluster_strata is not None:
            return nested_counts(self.cluster_strata, n_boot, rng)
        return cluster_counts(self.n_clusters, n_boot, rng)

    def replicate_weights(self, counts):
        """Row weights (B, n) of cluster multiplicities ``counts`` (B, n_clusters)."""
        return counts[:, self.cluster_codes] * self.weights[None, :]


def bootstrap_prevalence(method, gold, group, n_boot=1000, random_state=0, gold_counts=None, fitted=None,
                         max_cells=4_000_000):
    """A prevalence estimate with its bootstrap replicates, resampling the gold and the group.

    Each replicate refits the method on a resample of the gold articles (the error rates) and
    applies it to a resample of the group's articles (the sampling variation): an interval from
    the replicates holds both uncertainties.

    Parameters
    ----------
    method : str
        A key of :data:`METHODS`.
    gold : Sample
        Gold scores and labels (the scores of the method's kind: one-hot decisions or probabilities).
    group : Sample
        The group's scores.
    n_boot : int
    random_state : int or numpy Generator
    gold_counts : array (n_boot, n_gold_clusters), optional
        Gold resamples to use (shared by the groups of one table); drawn here otherwise.
    fitted : tuple, optional
        ``(point quantifier, replicate quantifier)`` fitted already on ``gold`` with ``gold_counts``.
    max_cells : int
        Replicates are predicted in chunks of at most this many sentence weights.

    Returns
    -------
    estimate : array (k,)
        The method on all the gold and all the group.
    replicates : array (n_boot, k)
    """
    rng = random_state if isinstance(random_state, np.random.Generator) else np.random.default_rng(random_state)
    if fitted is None:
        if gold_counts is None:
            gold_counts = gold.bootstrap_counts(n_boot, rng)
        fitted = fit_replicates(method, gold, gold_counts)
    point, batch = fitted
    estimate = point.predict(group.scores, group.weights)
    group_counts = group.bootstrap_counts(n_boot, rng)
    if batch.linear:  # the replicates' weighted means, from per-article sums
        sums = np.zeros((group.n_clusters, group.scores.shape[1]))
        np.add.at(sums, group.cluster_codes, group.scores * group.weights[:, None])
        mass = np.bincount(group.cluster_codes, weights=group.weights, minlength=group.n_clusters)
        total = group_counts @ mass
        shares = (group_counts @ sums) / np.where(total > 0, total, 1.0)[:, None]
        return estimate, batch.from_shares(shares)
    chunk = max(1, max_cells // max(1, len(group) * group.scores.shape[1]))
    replicates = np.empty((n_boot, group.scores.shape[1]))
    for start in range(0, n_boot, chunk):
        rows = slice(start, min(n_boot, start + chunk))
        replicates[rows] = batch.take(rows).predict(group.scores, group.replicate_weights(group_counts[rows]))
    return estimate, replicates


def fit_replicates(method, gold, gold_counts):
    """The method fitted on all of ``gold`` and on each gold resample ``gold_counts`` (B, n_clusters)."""
    point = make_quantifier(method).fit(gold.scores, gold.labels, gold.weights)
    batch = make_quantifier(method).fit(gold.scores, gold.labels, gold.replicate_weights(gold_counts))
    return point, batch


def percentile_interval(replicates, confidence=0.95):
    """Percentile bootstrap interval per class: (low (k,), high (k,))."""
    alpha = (1 - confidence) / 2
    return np.quantile(replicates, alpha, axis=0), np.quantile(replicates, 1 - alpha, axis=0)
