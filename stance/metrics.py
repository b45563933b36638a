"""Agreement and accuracy measures on encoded labels, in NumPy (fast enough for bootstraps), and the
headline scores of a predictions frame.

Used for model evaluation (:mod:`stance.evaluate`), model selection (``StanceClassifier.score``) and
annotator agreement (:mod:`stance.annotate.annotations`), so all report the same F1 and kappa.
"""

import numpy as np

from .labels import SCHEME, topic_matrix

# The headline scores: macro-F1 of each task of the scheme.
HEADLINE = ("topics_macro_f1", "tone_macro_f1", "stance_macro_f1")


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


def topics_macro_f1(gold, pred):
    """Macro-F1 of boolean topic matrices (n_sentences, n_topics) over the topics with gold support
    (over all topics when none has any)."""
    supported = [i for i in range(gold.shape[1]) if gold[:, i].any()] or list(range(gold.shape[1]))
    return float(np.mean([f1(gold[:, i], pred[:, i]) for i in supported]))


def encode_predictions(predictions):
    """Gold and predicted labels as arrays: topic indicator matrices and class codes."""
    encoded = {"topics": (topic_matrix(predictions["topics"]).astype(bool), topic_matrix(predictions["pred_topics"]).astype(bool))}
    for task in SCHEME.single:
        encoded[task.name] = (task.encode(predictions[task.name]), task.encode(predictions[f"pred_{task.name}"]))
    return encoded


def encoded_scores(encoded, rows=slice(None)):
    """The scores of :func:`task_scores` on the rows ``rows`` of encoded predictions (for bootstraps)."""
    gold, pred = (m[rows] for m in encoded["topics"])
    scores = {"topics_macro_f1": topics_macro_f1(gold, pred),
              "topics_micro_f1": float(f1(gold.ravel(), pred.ravel()))}
    for task in SCHEME.single:
        y, p = (codes[rows] for codes in encoded[task.name])
        scores[f"{task.name}_macro_f1"] = float(np.mean([f1(y == c, p == c) for c in np.unique(y)]))
        scores[f"{task.name}_accuracy"] = float(np.mean(y == p))
        scores[f"{task.name}_kappa"] = cohen_kappa(y, p, len(task.classes))
    return scores


def task_scores(predictions):
    """Headline scores: macro-F1 per task over the labels with gold support (all three
    topics and the tone classes on the seed gold; no critical stance there), micro-F1 for
    topics, accuracy and Cohen's kappa for tone and stance.

    Averaging over supported labels keeps a bootstrap resample that happens to hold no
    reconstruction sentence from scoring that topic as 0."""
    return encoded_scores(encode_predictions(predictions))
