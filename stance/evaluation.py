"""Grouped cross-validation and metrics with bootstrap confidence intervals.

Folds are grouped by article: no sentence of a test article is ever in training,
including for the thresholds and calibration chosen inside each training fold.
Extra training rows (``priors``, e.g. synthetic sentences) are added to every
training fold and never evaluated.
"""

import numpy as np
import pandas as pd
from sklearn.metrics import precision_recall_fscore_support

from .labels import STANCES, TONES, TOPICS
from .models.classifier import StanceClassifier, topic_matrix
from .models.training import training_frame

SEED = 0


def leave_one_article_out(gold, spec, priors=None, progress=None):
    """Predict every gold sentence with a model trained without its article.

    Parameters
    ----------
    gold : pandas.DataFrame
        ``article_id, sentence_id, text, topics, tone, stance``.
    spec : str
        A model spec name (see :data:`stance.models.classifier.MODEL_SPECS`).
    priors : pandas.DataFrame, optional
        Extra training sentences (``text, topics, tone, stance``) for every fold.

    Returns
    -------
    pandas.DataFrame
        The gold rows with the predictions (``pred_`` columns and probabilities).
    """
    parts = []
    articles = list(dict.fromkeys(gold["article_id"]))
    for article in (progress(articles) if progress else articles):
        test = gold[gold["article_id"] == article]
        train = training_frame(gold[gold["article_id"] != article], priors)
        model = StanceClassifier(spec).fit(train["text"], train["topics"], train["tone"], train["stance"])
        predicted = model.predict(test["text"].tolist())
        predicted.index = test.index
        parts.append(test.join(predicted.add_prefix("pred_")))
    return pd.concat(parts).loc[gold.index]


def _f1(gold, pred):
    """F1 of boolean arrays (0 when there is nothing to find and nothing predicted)."""
    tp, fp, fn = (gold & pred).sum(), (~gold & pred).sum(), (gold & ~pred).sum()
    return 2 * tp / (2 * tp + fp + fn) if tp + fp + fn else 0.0


def _kappa(gold, pred, k):
    """Cohen's kappa of two integer-coded label arrays over ``k`` classes (nan if undefined)."""
    confusion = np.bincount(gold * k + pred, minlength=k * k).reshape(k, k)
    n = confusion.sum()
    observed = np.trace(confusion) / n
    expected = (confusion.sum(axis=0) * confusion.sum(axis=1)).sum() / n**2
    return float((observed - expected) / (1 - expected)) if expected < 1 else float("nan")


def _encode(predictions):
    """Gold and predicted labels as arrays: topic indicator matrices and class codes."""
    encoded = {"topics": (topic_matrix(predictions["topics"]).astype(bool), topic_matrix(predictions["pred_topics"]).astype(bool))}
    for task, labels in (("tone", TONES), ("stance", STANCES)):
        codes = {label: i for i, label in enumerate(labels)}
        encoded[task] = (predictions[task].map(codes).to_numpy(int), predictions[f"pred_{task}"].map(codes).to_numpy(int))
    return encoded


def _scores(encoded, rows=slice(None)):
    gold, pred = (m[rows] for m in encoded["topics"])
    supported = [i for i in range(gold.shape[1]) if gold[:, i].any()] or list(range(gold.shape[1]))
    scores = {"topics_macro_f1": float(np.mean([_f1(gold[:, i], pred[:, i]) for i in supported])),
              "topics_micro_f1": float(_f1(gold.ravel(), pred.ravel()))}
    for task, labels in (("tone", TONES), ("stance", STANCES)):
        y, p = (codes[rows] for codes in encoded[task])
        scores[f"{task}_macro_f1"] = float(np.mean([_f1(y == c, p == c) for c in np.unique(y)]))
        scores[f"{task}_accuracy"] = float(np.mean(y == p))
        scores[f"{task}_kappa"] = _kappa(y, p, len(labels))
    return scores


def task_scores(predictions):
    """Headline scores: macro-F1 per task over the labels with gold support (all three
    topics and the tone classes on the seed gold; no critical stance there), micro-F1 for
    topics, accuracy and Cohen's kappa for tone and stance.

    Averaging over supported labels keeps a bootstrap resample that happens to hold no
    reconstruction sentence from scoring that topic as 0."""
    return _scores(_encode(predictions))


def per_label_table(predictions):
    """Precision, recall, F1 and support for every label of every task."""
    rows = []
    gold_topics, pred_topics = topic_matrix(predictions["topics"]), topic_matrix(predictions["pred_topics"])
    p, r, f, s = precision_recall_fscore_support(gold_topics, pred_topics, zero_division=0)
    rows += [{"task": "topics", "label": t, "precision": p[i], "recall": r[i], "f1": f[i], "support": int(s[i]),
              "predicted": int(pred_topics[:, i].sum())} for i, t in enumerate(TOPICS)]
    for task, labels in (("tone", TONES), ("stance", STANCES)):
        p, r, f, s = precision_recall_fscore_support(predictions[task], predictions[f"pred_{task}"], labels=list(labels), zero_division=0)
        rows += [{"task": task, "label": c, "precision": p[i], "recall": r[i], "f1": f[i], "support": int(s[i]),
                  "predicted": int((predictions[f"pred_{task}"] == c).sum())} for i, c in enumerate(labels)]
    return pd.DataFrame(rows)


def bootstrap_indices(article_ids, n_boot=1000, seed=SEED):
    """Yield bootstrap resamples as row positions: articles with replacement, then sentences within each."""
    rng = np.random.default_rng(seed)
    groups = [np.flatnonzero(article_ids == a) for a in np.unique(article_ids)]
    for _ in range(n_boot):
        picked = rng.integers(0, len(groups), len(groups))
        yield np.concatenate([groups[i][rng.integers(0, len(groups[i]), len(groups[i]))] for i in picked])


def bootstrap_samples(predictions, n_boot=1000, seed=SEED):
    """Yield bootstrap resamples of a frame (see :func:`bootstrap_indices`)."""
    for rows in bootstrap_indices(predictions["article_id"].to_numpy(), n_boot, seed):
        yield predictions.iloc[rows]


def score_with_ci(predictions, n_boot=1000, level=0.95, seed=SEED):
    """Headline scores (:func:`task_scores`) with percentile bootstrap intervals.

    Returns
    -------
    dict
        ``{name: {"value", "low", "high"}}``; the interval resamples articles, then
        sentences within them (see :func:`bootstrap_indices`).
    """
    encoded = _encode(predictions)
    point = _scores(encoded)
    samples = pd.DataFrame([_scores(encoded, rows) for rows in bootstrap_indices(predictions["article_id"].to_numpy(), n_boot, seed)])
    alpha = (1 - level) / 2
    return {
        name: {"value": value, "low": float(np.nanquantile(samples[name], alpha)),
               "high": float(np.nanquantile(samples[name], 1 - alpha))}
        for name, value in point.items()
    }


HEADLINE = ("topics_macro_f1", "tone_macro_f1", "stance_macro_f1")


def compare_models(gold, specs, priors=None, n_boot=1000, progress=None):
    """Leave-one-article-out scores of several models on the same gold.

    Parameters
    ----------
    gold : pandas.DataFrame
        Gold sentences (``article_id, text, topics, tone, stance``).
    specs : iterable of str
        Model spec names.
    priors : pandas.DataFrame, optional
        Extra training rows added to every training fold (never evaluated).

    Returns
    -------
    scores : pandas.DataFrame
        One row per model and metric: ``model, metric, value, ci95_low, ci95_high``.
    predictions : dict
        ``{model: predictions frame}`` (see :func:`leave_one_article_out`).
    """
    rows, predictions = [], {}
    for spec in (progress(list(specs)) if progress else specs):
        predicted = leave_one_article_out(gold, spec, priors=priors)
        predictions[spec] = predicted
        for metric, score in score_with_ci(predicted, n_boot=n_boot).items():
            rows.append({"model": spec, "metric": metric, "value": score["value"],
                         "ci95_low": score["low"], "ci95_high": score["high"]})
    return pd.DataFrame(rows), predictions


def headline_table(scores):
    """Wide table: one row per model, the three macro-F1 scores with their CIs and their mean."""
    wide = scores[scores["metric"].isin(HEADLINE)].copy()
    wide["cell"] = [f"{v:.3f} [{lo:.2f}, {hi:.2f}]" for v, lo, hi in zip(wide["value"], wide["ci95_low"], wide["ci95_high"])]
    table = wide.pivot(index="model", columns="metric", values="cell")[list(HEADLINE)]
    table["mean_macro_f1"] = wide.pivot(index="model", columns="metric", values="value")[list(HEADLINE)].mean(axis=1).round(3)
    order = list(dict.fromkeys(scores["model"]))
    return table.loc[order].reset_index()


def best_model(scores, candidates):
    """The candidate with the highest mean of the three headline macro-F1 scores."""
    means = scores[scores["metric"].isin(HEADLINE) & scores["model"].isin(candidates)].groupby("model")["value"].mean()
    return str(means.idxmax())
