"""Agreement and accuracy measures on encoded labels, in NumPy (fast enough for bootstraps).

Used for model evaluation (:mod:`stance.evaluate`) and annotator agreement
(:mod:`stance.annotate.annotations`), so both report the same kappa.
"""

import numpy as np


def f1(gold, pred):
    """F1 of two boolean arrays (0 when there is nothing to find and nothing predicted)."""
    tp, fp, fn = (gold & pred).sum(), (~gold & pred).sum(), (gold & ~pred).sum()
    return 2 * tp / (2 * tp + fp + fn) if tp + fp + fn else 0.0


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
