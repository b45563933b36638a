"""Sentence predictions as data: probabilities and decisions per sentence, never the text.

Quantification (:mod:`stance.prevalence`) reads a classifier's outputs, not its inputs:
for every non-boilerplate sentence the probability of each label
(:data:`stance.models.classifier.PROBA_COLUMNS`) and the decision the classifier
takes (``pred_<topic>`` 0/1, ``pred_tone``, ``pred_stance``). The same table, with
``sentence_id`` and ``article_id``, holds the out-of-fold predictions of the gold
(:mod:`stance.gold_predictions`) and the predictions of a corpus being measured.

The measured *tasks* are each topic (binary: absent / present), tone and stance
(three classes each): :data:`TASKS`, with the classes of :data:`TASK_CLASSES`.
"""

from pathlib import Path

import numpy as np
import pandas as pd

from .errors import StanceInputError
from .labels import STANCES, TONES, TOPICS
from .models.classifier import PROBA_COLUMNS

TASKS = (*TOPICS, "tone", "stance")
# A topic is measured as present or absent; tone and stance as their three classes.
TASK_CLASSES = {**{t: ("absent", "present") for t in TOPICS}, "tone": TONES, "stance": STANCES}
DECISION_COLUMNS = [*(f"pred_{t}" for t in TOPICS), "pred_tone", "pred_stance"]
PREDICTION_COLUMNS = [*PROBA_COLUMNS, *DECISION_COLUMNS]
ID_COLUMNS = ["article_id", "sentence_id"]
MODEL_COLUMN = "model_id"
CORPUS_COLUMN = "corpus_id"
# Articles per labelling chunk (memory stays flat with corpus size).
CHUNK = 200


def model_id(classifier):
    """A short name of a trained model: its spec and the start of its training-data SHA-256."""
    digest = str(classifier.metadata.get("training_data_sha256", ""))[:12] or "untracked"
    return f"{classifier.spec}-{digest}"


def predict_table(classifier, texts):
    """Probabilities and decisions of ``classifier`` for a list of strings (:data:`PREDICTION_COLUMNS`)."""
    labels = classifier.predict(list(texts), proba=True)
    table = labels.reindex(columns=PROBA_COLUMNS).astype(float)
    for topic in TOPICS:
        table[f"pred_{topic}"] = [int(topic in ts) for ts in labels["topics"]]
    table["pred_tone"] = labels["tone"].to_numpy()
    table["pred_stance"] = labels["stance"].to_numpy()
    return table[PREDICTION_COLUMNS]


def predict_corpus(articles, classifier, chunk=CHUNK, progress=None):
    """Split ``articles`` into sentences and predict every non-boilerplate sentence.

    Parameters
    ----------
    articles : pandas.DataFrame
        The article table (:func:`stance.load_corpus`).
    classifier : StanceClassifier
    chunk : int
        Articles split and labelled at a time.
    progress : callable, optional
        Wraps the iterable of chunks (e.g. ``tqdm``).

    Returns
    -------
    pandas.DataFrame
        ``article_id, sentence_id``, :data:`PREDICTION_COLUMNS` and ``model_id``; no text.
    """
    from .segment import split_sentences

    parts = []
    starts = range(0, len(articles), chunk)
    for start in (progress(starts) if progress else starts):
        sentences = split_sentences(articles.iloc[start:start + chunk])
        sentences = sentences[~sentences["boilerplate"].astype(bool)].reset_index(drop=True)
        table = predict_table(classifier, sentences["text"].tolist())
        parts.append(pd.concat([sentences[ID_COLUMNS], table], axis=1))
    frame = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=[*ID_COLUMNS, *PREDICTION_COLUMNS])
    return frame.assign(**{MODEL_COLUMN: model_id(classifier)})


def write_predictions(frame, path):
    """Write a prediction table atomically as CSV (probabilities rounded to 6 decimals); return the path."""
    from .io import write_table

    return write_table(frame.round({c: 6 for c in PROBA_COLUMNS}), path, "csv")


def read_predictions(path, required=ID_COLUMNS):
    """Read a prediction table written by :func:`write_predictions`.

    Raises
    ------
    StanceInputError
        For a missing file or one without the prediction columns, naming the file.
    """
    from .corpus import read_csv_frame

    frame = read_csv_frame(path)
    missing = [c for c in [*required, *PREDICTION_COLUMNS] if c not in frame.columns]
    if missing:
        raise StanceInputError(path, f"not a prediction table: missing column(s) {', '.join(missing)}")
    try:
        frame[PROBA_COLUMNS] = frame[PROBA_COLUMNS].astype(float)
        frame[[f"pred_{t}" for t in TOPICS]] = frame[[f"pred_{t}" for t in TOPICS]].astype(int)
    except ValueError as err:
        raise StanceInputError(path, f"not a prediction table: {err}") from None
    return frame


def task_proba(frame, task):
    """The probabilities of ``task``'s classes (:data:`TASK_CLASSES`) as an array (n, k)."""
    if task in TOPICS:
        present = frame[f"p_{task}"].to_numpy(float)
        return np.column_stack([1.0 - present, present])
    return frame[[f"p_{task}_{c}" for c in TASK_CLASSES[task]]].to_numpy(float)


def task_decisions(frame, task):
    """The classifier's decisions for ``task`` as class codes (n,), in :data:`TASK_CLASSES` order."""
    if task in TOPICS:
        return frame[f"pred_{task}"].to_numpy(int)
    return _codes(frame[f"pred_{task}"], TASK_CLASSES[task])


def task_labels(frame, task):
    """The gold labels of ``task`` as class codes (n,): from ``topics`` (lists) or ``tone`` / ``stance``."""
    if task in TOPICS:
        return np.array([int(task in topics) for topics in frame["topics"]], dtype=int)
    return _codes(frame[task], TASK_CLASSES[task])


def _codes(values, classes):
    codes = values.map({c: i for i, c in enumerate(classes)})
    if codes.isna().any():
        raise ValueError(f"unknown label {values[codes.isna()].iloc[0]!r}; expected one of {', '.join(classes)}")
    return codes.to_numpy(int)


def one_hot(codes, k):
    """Indicator matrix (n, k) of class codes."""
    return np.eye(k)[np.asarray(codes, dtype=int)]


def corpus_id(articles):
    """A short fingerprint of an article table: its ids and the length of each text."""
    import hashlib

    digest = hashlib.sha256()
    for article_id, text in zip(articles["article_id"], articles["text"]):
        digest.update(f"{article_id}\x00{len(text)}\n".encode("utf-8"))
    return digest.hexdigest()[:16]


def load_or_predict(articles, classifier, path=None, progress=None):
    """The predictions of ``articles`` by ``classifier``, read from ``path`` when it holds them.

    A file at ``path`` is used only when it was written for the same model (``model_id``) and
    the same articles (``corpus_id``); otherwise the corpus is labelled (:func:`predict_corpus`)
    and, with a ``path``, written there (atomically) for the next time.
    """
    wanted = {MODEL_COLUMN: model_id(classifier), CORPUS_COLUMN: corpus_id(articles)}
    if path is not None and Path(path).is_file():
        stored = read_predictions(path)
        if all(c in stored and set(stored[c]) <= {v} for c, v in wanted.items()):
            return stored
    frame = predict_corpus(articles, classifier, progress=progress).assign(**wanted)
    if path is not None:
        write_predictions(frame, path)
    return frame
