"""Agreement and accuracy measures on encoded labels, in NumPy (fast enough for bootstraps).

Used for model evaluation (:mod:`stance.evaluate`) and annotator agreement
(:mod:`stance.annotate.annotations`), so both report the same kappa.
"""

import numpy as np


def f1(gold, pred):
    """F1 of two boolean arrays (0 when there is nothing to find and nothing predicted)."""
    tp, fp, fn = (gold & pred).sum(), (~gold & pred).sum(), (gold & ~pred).sum()
    return 2 * tp / (2 * tp + fp + fn) if tp + fp + fn else 0.0


def f1_at_thresholds(gold, scores, thresholds):
    """F1 of ``scores >= t`` against boolean ``gold`` for every threshold ``t`` at once.

    The same values as ``sklearn.metrics.f1_score(gold, scores >= t, zero_division=0)``
    (one division ``2 tp / (positives + predicted)`` each, so equal ratios give equal
    floats and ties compare alike), without sklearn's per-call input checks.
    """
    gold = np.asarray(gold, dtype=bool)
    predicted = np.asarray(scores)[None, :] >= np.asarray(thresholds)[:, None]
    tp = (predicted & gold).sum(axis=1)
    denominator = gold.sum() + predicted.sum(axis=1)
    return np.divide(2.0 * tp, denominator, out=np.zeros(len(tp)), where=denominator > 0)


def cohen_kappa(gold, pred, k):
    """Cohen's kappa of two integer-coded label arrays over ``k`` classes.

    Returns nan when chance agreement is total (both use a single, same class),
    where kappa is undefined.
    """
    confusion = np.bincount(np.asarray(gold) * k + np.asarray(pred), minlength=k * k).reshape(k, k)
    n = confusion.sum()
    observed = np.trace(confusion) / n
    expected = (confusion.sum(axis=0) * confusion.sum(axis=1)).sum() / n**2
    return float((observed - expected) / (1 - expected)) if expected < 1 else float("nan")
