"""Training data (gold annotations plus marked synthetic priors) and fitting a model on it.

``stance/data/synthetic_priors.csv`` holds sentences written for the project (column
``origin`` = ``synthetic``) to give the models prior knowledge of classes the seeds
barely hold (critical stance, reconstruction, Russian strikes that are not aid).
They are added to training folds only and never used for evaluation.
"""

from importlib import resources
from pathlib import Path

import pandas as pd

from ..annotate.annotations import validate_labels
from ..ingest.corpus import read_csv_frame

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
    from ..labels import SCHEME

    columns = ["text", *SCHEME.tasks]
    parts = [gold[columns]] + ([priors[columns]] if priors is not None else [])
    return pd.concat(parts, ignore_index=True)


def training_targets(rows):
    """The target frame of training rows (one column per task), as ``StanceClassifier.fit`` takes it."""
    from ..labels import SCHEME

    return rows[list(SCHEME.tasks)].reset_index(drop=True)


def fit_model(gold, model, priors=None, random_state=None):
    """A fresh estimator for ``model`` (a catalogue name, built; an estimator, cloned) fitted on the
    ``gold`` rows plus the ``priors`` rows. ``random_state`` (when given) replaces the estimator's own."""
    from .catalogue import resolve_model

    rows = training_frame(gold, priors)
    return resolve_model(model, random_state).fit(rows["text"], training_targets(rows))
