"""Training data and training: gold annotations plus marked synthetic priors.

``stance/data/synthetic_priors.csv`` holds sentences written for the project (column
``origin`` = ``synthetic``) to give the models prior knowledge of classes the seeds
barely hold (critical stance, reconstruction, Russian strikes that are not aid).
They are added to training folds only and never used for evaluation.
"""

from importlib import resources
from pathlib import Path

import pandas as pd

from ..annotations import validate_labels
from ..corpus import read_csv_frame

PRIORS_FILE = "synthetic_priors.csv"


def load_priors(path=None):
    """Read synthetic prior sentences (``text, topics, tone, stance, origin``) with topics as lists."""
    path = Path(str(resources.files("stance") / "data" / PRIORS_FILE)) if path is None else Path(path)
    frame = read_csv_frame(path)
    frame.insert(0, "sentence_id", [f"synthetic-{i:04d}" for i in range(len(frame))])
    return validate_labels(frame, path)


def resolve_priors(priors):
    """The prior rows meant by ``priors``: True (the shipped ones), False/None (none) or a DataFrame."""
    if priors is True:
        return load_priors()
    return None if priors is None or priors is False else priors


def training_frame(gold, priors=None):
    """Gold rows plus the ``priors`` rows (a DataFrame or None), with ``text, topics, tone, stance``."""
    columns = ["text", "topics", "tone", "stance"]
    parts = [gold[columns]] + ([priors[columns]] if priors is not None else [])
    return pd.concat(parts, ignore_index=True)


def train_classifier(gold, spec=None, priors=True, evaluate=True, n_boot=1000, predictions=None):
    """Train a classifier on gold (plus priors) and record its cross-validated metrics.

    Parameters
    ----------
    gold : pandas.DataFrame
        Annotations with ``article_id, text, topics, tone, stance``.
    spec : str, optional
        Model spec (see :data:`stance.models.classifier.MODEL_SPECS`); default: the shipped default's.
    priors : bool or DataFrame
        Add the synthetic priors (True), none (False), or these rows.
    evaluate : bool
        Run leave-one-article-out cross-validation first and store its scores
        (with bootstrap 95% CIs) in the model's metadata.
    predictions : pandas.DataFrame, optional
        Leave-one-article-out predictions of this spec computed already (as
        :func:`stance.evaluation.compare_models` returns them); used instead of
        running the cross-validation again.

    Returns
    -------
    StanceClassifier
    """
    from ..evaluation import leave_one_article_out, score_with_ci
    from .classifier import DEFAULT_SPEC, StanceClassifier
    from .persistence import data_hash

    spec = spec or DEFAULT_SPEC
    extra = resolve_priors(priors)
    train = training_frame(gold, extra)
    metadata = {"model": spec, "training_sentences": len(train), "gold_sentences": len(gold),
                "gold_articles": int(gold["article_id"].nunique()), "synthetic_priors": 0 if extra is None else len(extra),
                "training_data_sha256": data_hash(train)}
    if predictions is None and evaluate and gold["article_id"].nunique() > 1:
        predictions = leave_one_article_out(gold, spec, priors=extra)
    if predictions is not None:
        metadata["cv"] = "leave-one-article-out"
        metadata["cv_metrics"] = score_with_ci(predictions, n_boot=n_boot)
    classifier = StanceClassifier(spec, metadata)
    return classifier.fit(train["text"], train["topics"], train["tone"], train["stance"])
