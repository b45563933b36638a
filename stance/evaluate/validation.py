"""Cross-validated predictions of any estimator under any grouped splitter, and metrics with
bootstrap confidence intervals.

A model is a catalogue name (:mod:`stance.models.catalogue`) or an unfitted estimator with
``fit(texts, target frame)`` and ``predict(texts)`` (cloned for every fold). Folds come from a
scikit-learn splitter over a grouping column (articles by default, corpora for
leave-one-corpus-out; see :mod:`stance.evaluate.splitters`): no sentence of a held-out group is ever in
training, including for the thresholds and calibration chosen inside each training fold.
Extra training rows (``priors``, e.g. synthetic sentences) are added to every training fold
and never evaluated.
"""

import warnings

import numpy as np
import pandas as pd
from sklearn.metrics import precision_recall_fscore_support

from ..labels import SCHEME, TOPICS, aggregate_articles, gold_scores, topic_matrix
from ..metrics import HEADLINE, encode_predictions, encoded_scores, f1
from ..models.catalogue import model_name
from ..models.training_data import fit_model
from .splitters import GroupFolds


def cross_val_predictions(gold, model, cv=None, groups="article_id", priors=None, train_fraction=1.0, random_state=0,
                          progress=None, return_train_sizes=False):
    """Predict every gold sentence with a model trained without its group (its article, its corpus, ...).

    Parameters
    ----------
    gold : pandas.DataFrame
        ``article_id, sentence_id, text, topics, tone, stance`` and the ``groups`` column.
    model : str or estimator
        A catalogue name or an unfitted estimator (cloned for every fold).
    cv : splitter, optional
        Anything with ``split(X, y, groups)`` whose test folds cover every row once
        (``LeaveOneGroupOut()``, ``GroupKFold(...)``, :class:`stance.evaluate.splitters.GroupFolds`, ...);
        default: one group per fold, in order of appearance.
    groups : str
        The column whose values are kept together on one side of every split.
    priors : pandas.DataFrame, optional
        Extra training sentences (``text, topics, tone, stance``) for every fold.
    train_fraction : float
        Share of each fold's gold training sentences to train on (drawn with
        ``random_state``; for learning curves). The priors are always added whole.
    random_state : int
        Seeds the model (every nested ``random_state``) and the training subsamples.
    return_train_sizes : bool
        Also return the number of gold sentences each fold trained on.

    Returns
    -------
    pandas.DataFrame
        The gold rows, in their order, with the predictions (``pred_`` columns and probabilities);
        with ``return_train_sizes``, also the list of training sizes.
    """
    cv = GroupFolds() if cv is None else cv
    parts, sizes = [], []
    rng = np.random.default_rng(random_state)
    splits = list(cv.split(gold["text"], None, gold[groups].to_numpy()))
    for train_rows, test_rows in (progress(splits) if progress else splits):
        train_gold = gold.iloc[train_rows]
        if train_fraction < 1.0:
            size = max(1, round(train_fraction * len(train_gold)))
            train_gold = train_gold.iloc[np.sort(rng.choice(len(train_gold), size, replace=False))]
        sizes.append(len(train_gold))
        parts.append(train_test(train_gold, gold.iloc[test_rows], model, priors, random_state=random_state,
                                groups=groups))
    predicted = pd.concat(parts)
    if predicted.index.duplicated().any() or len(predicted) != len(gold):
        raise ValueError(f"the splitter's test folds must cover every row once ({cv!r})")
    predicted = predicted.loc[gold.index]
    return (predicted, sizes) if return_train_sizes else predicted


def per_label_table(predictions, n_boot=0, level=0.95, seed=0):
    """Precision, recall, F1 and support for every label of every task.

    With ``n_boot`` > 0, also ``f1_low`` and ``f1_high``: a percentile bootstrap
    interval of each label's F1 (articles, then sentences, resampled).
    """
    rows = []
    gold_topics, pred_topics = topic_matrix(predictions["topics"]), topic_matrix(predictions["pred_topics"])
    p, r, f, s = precision_recall_fscore_support(gold_topics, pred_topics, zero_division=0)
    rows += [{"task": "topics", "label": t, "precision": p[i], "recall": r[i], "f1": f[i], "support": int(s[i]),
              "predicted": int(pred_topics[:, i].sum())} for i, t in enumerate(TOPICS)]
    for task in SCHEME.single:
        gold, pred = predictions[task.name], predictions[f"pred_{task.name}"]
        p, r, f, s = precision_recall_fscore_support(gold, pred, labels=list(task.classes), zero_division=0)
        rows += [{"task": task.name, "label": c, "precision": p[i], "recall": r[i], "f1": f[i], "support": int(s[i]),
                  "predicted": int((pred == c).sum())} for i, c in enumerate(task.classes)]
    table = pd.DataFrame(rows)
    if n_boot:
        encoded = encode_predictions(predictions)
        samples = np.array([_label_f1s(encoded, rows) for rows in bootstrap_indices(predictions["article_id"].to_numpy(), n_boot, seed)])
        alpha = (1 - level) / 2
        with warnings.catch_warnings():  # a label absent from every resample (no critical gold) has no interval
            warnings.simplefilter("ignore", RuntimeWarning)
            table["f1_low"] = np.nanquantile(samples, alpha, axis=0)
            table["f1_high"] = np.nanquantile(samples, 1 - alpha, axis=0)
    return table


def _label_f1s(encoded, rows):
    """F1 of every label in :func:`per_label_table` order (nan for a label absent from gold and predictions)."""
    gold, pred = (m[rows] for m in encoded["topics"])
    values = [f1(gold[:, i], pred[:, i]) if (gold[:, i] | pred[:, i]).any() else np.nan for i in range(gold.shape[1])]
    for task in SCHEME.single:
        y, p = (codes[rows] for codes in encoded[task.name])
        values += [f1(y == c, p == c) if ((y == c) | (p == c)).any() else np.nan for c in range(len(task.classes))]
    return values


def article_predictions(predictions, articles=None):
    """Gold and predicted article aggregates side by side (docs/annotation_guideline.md, "Article level").

    ``predictions`` are sentence predictions (:func:`cross_val_predictions`); the
    gold aggregate is built from the gold labels of the same sentences.
    """
    gold = aggregate_articles(gold_scores(predictions), articles)
    predicted = predictions.drop(columns=["topics", *SCHEME.score_columns()], errors="ignore")
    predicted = predicted.rename(columns=lambda c: c[len("pred_"):] if c.startswith("pred_") else c)
    predicted = aggregate_articles(predicted, articles)
    keep = ["article_id", *SCHEME.article_columns()]
    return gold[["article_id", "title", "n_sentences", *keep[1:]]].merge(
        predicted[keep], on="article_id", suffixes=("", "_pred"))


def article_scores(articles):
    """Agreement of predicted with gold article aggregates (from :func:`article_predictions`)."""
    same_topics = [set(a) == set(b) for a, b in zip(articles["topics"], articles["topics_pred"])]
    share_error = np.mean([np.abs(articles[f"share_{t}"] - articles[f"share_{t}_pred"]).mean() for t in TOPICS])
    scores = {
        "articles": int(len(articles)),
        "topic_set_accuracy": float(np.mean(same_topics)),
        "main_topic_accuracy": float((articles["main_topic"] == articles["main_topic_pred"]).mean()),
        "topic_share_mae": float(share_error),
    }
    for task in (t.name for t in SCHEME.single):
        scores[f"{task}_accuracy"] = float((articles[task] == articles[f"{task}_pred"]).mean())
        scores[f"{task}_score_mae"] = float((articles[f"{task}_score"] - articles[f"{task}_score_pred"]).abs().mean())
    return scores


def bootstrap_indices(article_ids, n_boot=1000, seed=0):
    """Yield bootstrap resamples as row positions: articles with replacement, then sentences within each."""
    rng = np.random.default_rng(seed)
    groups = [np.flatnonzero(article_ids == a) for a in np.unique(article_ids)]
    for _ in range(n_boot):
        picked = rng.integers(0, len(groups), len(groups))
        yield np.concatenate([groups[i][rng.integers(0, len(groups[i]), len(groups[i]))] for i in picked])


def bootstrap_samples(predictions, n_boot=1000, seed=0):
    """Yield bootstrap resamples of a frame (see :func:`bootstrap_indices`)."""
    for rows in bootstrap_indices(predictions["article_id"].to_numpy(), n_boot, seed):
        yield predictions.iloc[rows]


def score_with_ci(predictions, n_boot=1000, level=0.95, seed=0):
    """Headline scores (:func:`task_scores`) with percentile bootstrap intervals.

    Returns
    -------
    dict
        ``{name: {"value", "low", "high"}}``; the interval resamples articles, then
        sentences within them (see :func:`bootstrap_indices`).
    """
    encoded = encode_predictions(predictions)
    point = encoded_scores(encoded)
    if not n_boot:
        return {name: {"value": value, "low": np.nan, "high": np.nan} for name, value in point.items()}
    samples = pd.DataFrame([encoded_scores(encoded, rows) for rows in bootstrap_indices(predictions["article_id"].to_numpy(), n_boot, seed)])
    alpha = (1 - level) / 2
    return {
        name: {"value": value, "low": float(np.nanquantile(samples[name], alpha)),
               "high": float(np.nanquantile(samples[name], 1 - alpha))}
        for name, value in point.items()
    }


def train_test(train, test, model, priors=None, random_state=0, groups="article_id"):
    """Predict ``test`` with a model trained on ``train`` (plus ``priors``): cross-source evaluation.

    ``model`` is a catalogue name or an unfitted estimator (cloned). Returns the ``test`` rows
    with the predictions, as :func:`cross_val_predictions` does; refuses a ``groups`` value
    (an article by default) on both sides.
    """
    for column in dict.fromkeys((groups, "article_id")):
        shared = set(train[column]) & set(test[column])
        if shared:
            raise ValueError(f"train and test share {column} values: {sorted(shared)[:3]}")
    predicted = fit_model(train, model, priors, random_state).predict(test["text"].tolist())
    predicted.index = test.index
    return test.join(predicted.add_prefix("pred_"))


def group_scores(predictions, group="gold_set", n_boot=1000, seed=0):
    """Headline scores with bootstrap CIs and the ``critical`` F1 per group (corpus) of the predictions.

    Returns
    -------
    pandas.DataFrame
        One row per group: ``group, sentences, <metric>, <metric>_low, <metric>_high`` for the
        three macro-F1 scores and ``critical_f1`` (with ``critical_support``), then a row
        ``mean`` averaging the groups' point values (each corpus counts once). A score a group
        gives no evidence for (topics without any topic sentence, critical F1 without a
        critical sentence) is NaN and left out of the mean.
    """
    rows = []
    for name, part in predictions.groupby(group, sort=False):
        scores = score_with_ci(part, n_boot=n_boot, seed=seed)
        labels = per_label_table(part, n_boot=n_boot, seed=seed).set_index(["task", "label"])
        critical = labels.loc[("stance", "critical")]
        row = {"group": name, "sentences": len(part)}
        for metric in HEADLINE:
            row.update({metric: scores[metric]["value"], f"{metric}_low": scores[metric]["low"], f"{metric}_high": scores[metric]["high"]})
        # A score without gold support is undefined, not 0: no topic sentence in the group, or no critical one.
        if not any(len(t) for t in part["topics"]):
            row.update({"topics_macro_f1": np.nan, "topics_macro_f1_low": np.nan, "topics_macro_f1_high": np.nan})
        supported = critical["support"] > 0
        row.update({"critical_f1": critical["f1"] if supported else np.nan,
                    "critical_f1_low": critical.get("f1_low", np.nan) if supported else np.nan,
                    "critical_f1_high": critical.get("f1_high", np.nan) if supported else np.nan,
                    "critical_support": int(critical["support"]), "critical_predicted": int(critical["predicted"])})
        rows.append(row)
    table = pd.DataFrame(rows)
    means = {"group": "mean", "sentences": int(table["sentences"].sum())}
    means.update({m: table[m].mean() for m in (*HEADLINE, "critical_f1")})
    return pd.concat([table, pd.DataFrame([means])], ignore_index=True)


def compare_models(gold, models, priors=None, n_boot=1000, progress=None, train=None, select=None, cv=None,
                   groups="article_id", seed=0):
    """Scores of several models on the same gold and folds.

    Parameters
    ----------
    gold : pandas.DataFrame
        Gold sentences (``article_id, text, topics, tone, stance``).
    models : iterable of str or estimators, or dict
        Catalogue names or estimators (named by :func:`stance.models.catalogue.model_name`),
        or ``{name: model}``.
    priors : pandas.DataFrame, optional
        Extra training rows added to every training fold (never evaluated).
    train : pandas.DataFrame, optional
        Training gold from another source: models train on it once and predict all
        of ``gold`` (:func:`train_test`) instead of cross-validating.
    select : callable, optional
        Takes the predictions and returns the rows to score (e.g. only the random
        sample); the other rows still serve as training data in their folds.
    cv, groups
        The splitter and grouping column (see :func:`cross_val_predictions`).
    seed : int
        Seeds the models and the bootstrap.

    Returns
    -------
    scores : pandas.DataFrame
        One row per model and metric: ``model, metric, value, ci95_low, ci95_high``.
    predictions : dict
        ``{model name: predictions frame}`` of the scored rows.
    """
    named = models if isinstance(models, dict) else {model_name(m): m for m in models}
    predictions = {}
    for name in (progress(list(named)) if progress else named):
        if train is None:
            predicted = cross_val_predictions(gold, named[name], cv=cv, groups=groups, priors=priors, random_state=seed)
        else:
            predicted = train_test(train, gold, named[name], priors, random_state=seed)
        predictions[name] = select_rows(predicted, select)
    return score_models(predictions, n_boot=n_boot, seed=seed), predictions


def score_models(predictions, n_boot=1000, seed=0):
    """Headline scores with bootstrap CIs of every model's predictions: one row per model and metric
    (``model, metric, value, ci95_low, ci95_high``)."""
    rows = []
    for spec, predicted in predictions.items():
        for metric, score in score_with_ci(predicted, n_boot=n_boot, seed=seed).items():
            rows.append({"model": spec, "metric": metric, "value": score["value"],
                         "ci95_low": score["low"], "ci95_high": score["high"]})
    return pd.DataFrame(rows)


def select_rows(predictions, select=None):
    """The rows ``select`` keeps (all when it is None)."""
    return select(predictions) if select else predictions


def headline_table(scores):
    """Wide table: one row per model, the three macro-F1 scores with their CIs and their mean."""
    wide = scores[scores["metric"].isin(HEADLINE)].copy()
    wide["cell"] = [f"{v:.3f} [{lo:.2f}, {hi:.2f}]" for v, lo, hi in zip(wide["value"], wide["ci95_low"], wide["ci95_high"])]
    table = wide.pivot(index="model", columns="metric", values="cell")[list(HEADLINE)]
    table["mean_macro_f1"] = wide.pivot(index="model", columns="metric", values="value")[list(HEADLINE)].mean(axis=1).round(3)
    order = list(dict.fromkeys(scores["model"]))
    return table.loc[order].reset_index()


def headline_means(scores):
    """Per model, the mean of the three headline macro-F1 scores of ``scores`` (long: ``model, metric, value``)."""
    return scores[scores["metric"].isin(HEADLINE)].groupby("model")["value"].mean()


def best_model(scores, candidates):
    """The candidate with the highest mean of the three headline macro-F1 scores."""
    means = headline_means(scores)
    return str(means[means.index.isin(candidates)].idxmax())
