"""Analyses beyond the headline scores: learning curves and feature-family ablations.

Both run leave-one-article-out cross-validation, so every score is on articles the
model did not train on.
"""

import pandas as pd

from .evaluation import leave_one_article_out, task_scores
from .models.classifier import families_spec, model_spec


def learning_curve(gold, spec, priors=None, fractions=(0.25, 0.5, 0.75, 1.0), repeats=3, seed=0, select=None, n_folds=None):
    """Scores against the amount of gold training data.

    For each fraction and repeat, every leave-one-article-out fold trains on that
    share of its gold training sentences (a random draw per repeat; the priors are
    always added whole) and predicts its held-out article.

    ``select`` (optional) takes the predictions and returns the rows to score;
    ``n_folds`` (optional) uses grouped folds of whole articles.

    Returns
    -------
    pandas.DataFrame
        ``fraction, repeat, train_sentences`` (mean gold training sentences per
        fold) and the scores of :func:`stance.evaluation.task_scores`.
    """
    rows = []
    folds = gold["article_id"].nunique()
    for fraction in fractions:
        for repeat in range(repeats if fraction < 1.0 else 1):
            predictions = leave_one_article_out(gold, spec, priors, train_fraction=fraction, seed=seed + repeat, n_folds=n_folds)
            predictions = select(predictions) if select else predictions
            train_sentences = fraction * len(gold) * (folds - 1) / folds
            rows.append({"fraction": fraction, "repeat": repeat, "train_sentences": round(train_sentences, 1),
                         **task_scores(predictions)})
    return pd.DataFrame(rows)


def ablation(gold, spec, priors=None, select=None, n_folds=None):
    """Scores of a linear model with each of its feature families left out in turn.

    Returns
    -------
    pandas.DataFrame
        One row per variant: ``variant`` ("all" or "without <family>"), ``families``
        and the scores of :func:`stance.evaluation.task_scores`.
    """
    families = model_spec(spec).families
    if not families:
        raise ValueError(f"model {spec!r} has no feature families to ablate")
    variants = [("all", families)] + [(f"without {f}", tuple(g for g in families if g != f)) for f in families if len(families) > 1]
    rows = []
    for name, kept in variants:
        predictions = leave_one_article_out(gold, families_spec(kept), priors, n_folds=n_folds)
        predictions = select(predictions) if select else predictions
        rows.append({"variant": name, "families": ",".join(kept), **task_scores(predictions)})
    return pd.DataFrame(rows)
