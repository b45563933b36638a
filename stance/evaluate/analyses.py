"""Analyses beyond the headline scores: learning curves and feature-family ablations.

Both cross-validate (:func:`stance.evaluate.cross_val_predictions`, any grouped splitter), so
every score is on groups the model did not train on.
"""

import numpy as np
import pandas as pd
from sklearn.base import clone
from sklearn.pipeline import FeatureUnion

from ..metrics import task_scores
from .validation import cross_val_predictions
from ..features import make_features
from ..models.catalogue import resolve_model
from ..models.classifier import DEFAULT_FAMILIES


def learning_curve(gold, model, priors=None, fractions=(0.25, 0.5, 0.75, 1.0), repeats=3, seed=0, select=None, cv=None,
                   groups="article_id"):
    """Scores against the amount of gold training data.

    For each fraction and repeat, every fold trains on that share of its gold training
    sentences (a random draw per repeat; the priors are always added whole) and predicts
    its held-out group.

    ``select`` (optional) takes the predictions and returns the rows to score; ``cv`` and
    ``groups`` are the splitter and its grouping column (default: one article per fold). The folds
    are the same for every repeat; the repeats differ in the training subsample and the model's seed.

    Returns
    -------
    pandas.DataFrame
        ``fraction, repeat, train_sentences`` (the mean number of gold sentences the folds
        actually trained on) and the scores of :func:`stance.evaluate.task_scores`.
    """
    rows = []
    for fraction in fractions:
        for repeat in range(repeats if fraction < 1.0 else 1):
            predictions, sizes = cross_val_predictions(gold, model, cv=cv, groups=groups, priors=priors,
                                                       train_fraction=fraction, random_state=seed + repeat,
                                                       return_train_sizes=True)
            predictions = select(predictions) if select else predictions
            rows.append({"fraction": fraction, "repeat": repeat, "train_sentences": round(float(np.mean(sizes)), 1),
                         **task_scores(predictions)})
    return pd.DataFrame(rows)


def ablation(gold, model, priors=None, select=None, cv=None, groups="article_id", seed=0):
    """Scores of a model with each of its feature families left out in turn.

    ``model`` is a catalogue name or an estimator whose ``features`` is a ``FeatureUnion``
    (the families are its steps).

    Returns
    -------
    pandas.DataFrame
        One row per variant: ``variant`` ("all" or "without <family>"), ``families``
        and the scores of :func:`stance.evaluate.task_scores`.
    """
    estimator = resolve_model(model, seed)
    union = estimator.features if estimator.features is not None else make_features(DEFAULT_FAMILIES)
    if not isinstance(union, FeatureUnion) or not union.transformer_list:
        raise ValueError(f"model {model!r} has no feature families to ablate")
    families = [name for name, _ in union.transformer_list]
    variants = [("all", families)] + [(f"without {f}", [g for g in families if g != f]) for f in families if len(families) > 1]
    rows = []
    for name, kept in variants:
        steps = [(n, clone(t)) for n, t in union.transformer_list if n in kept]
        variant = clone(estimator).set_params(features=clone(union).set_params(transformer_list=steps))
        predictions = cross_val_predictions(gold, variant, cv=cv, groups=groups, priors=priors, random_state=seed)
        predictions = select(predictions) if select else predictions
        rows.append({"variant": name, "families": ",".join(kept), **task_scores(predictions)})
    return pd.DataFrame(rows)
