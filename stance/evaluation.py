"""Grouped cross-validation and metrics with bootstrap confidence intervals.

Folds are grouped by article: no sentence of a test article is ever in training,
including for the thresholds and calibration chosen inside each training fold.
Extra training rows (``priors``, e.g. synthetic sentences) are added to every
training fold and never evaluated.
"""

import numpy as np
import pandas as pd
from sklearn.metrics import accuracy_score, cohen_kappa_score, f1_score, precision_recall_fscore_support

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


def task_scores(predictions):
    """Headline scores: macro-F1 per task (topics over the three labels; tone and stance
    over the classes with gold support), plus accuracy and Cohen's kappa for tone and stance."""
    gold_topics = topic_matrix(predictions["topics"])
    pred_topics = topic_matrix(predictions["pred_topics"])
    scores = {"topics_macro_f1": float(f1_score(gold_topics, pred_topics, average="macro", zero_division=0)),
              "topics_micro_f1": float(f1_score(gold_topics, pred_topics, average="micro", zero_division=0))}
    for task, labels in (("tone", TONES), ("stance", STANCES)):
        y, p = predictions[task], predictions[f"pred_{task}"]
        present = [c for c in labels if (y == c).any()]
        scores[f"{task}_macro_f1"] = float(f1_score(y, p, labels=present, average="macro", zero_division=0))
        scores[f"{task}_accuracy"] = float(accuracy_score(y, p))
        scores[f"{task}_kappa"] = float(cohen_kappa_score(y, p, labels=list(labels))) if len(set(y) | set(p)) > 1 else float("nan")
    return scores


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


def bootstrap_samples(predictions, n_boot=1000, seed=SEED):
    """Yield bootstrap resamples: articles with replacement, then sentences within each article."""
    rng = np.random.default_rng(seed)
    groups = [g for _, g in predictions.groupby("article_id", sort=True)]
    for _ in range(n_boot):
        picked = rng.integers(0, len(groups), len(groups))
        yield pd.concat([groups[i].iloc[rng.integers(0, len(groups[i]), len(groups[i]))] for i in picked])


def score_with_ci(predictions, n_boot=1000, level=0.95, seed=SEED):
    """Headline scores (:func:`task_scores`) with percentile bootstrap intervals.

    Returns
    -------
    dict
        ``{name: {"value", "low", "high"}}``; the interval resamples articles, then
        sentences within them (see :func:`bootstrap_samples`).
    """
    point = task_scores(predictions)
    samples = pd.DataFrame([task_scores(s) for s in bootstrap_samples(predictions, n_boot, seed)])
    alpha = (1 - level) / 2
    return {
        name: {"value": value, "low": float(np.nanquantile(samples[name], alpha)),
               "high": float(np.nanquantile(samples[name], 1 - alpha))}
        for name, value in point.items()
    }
