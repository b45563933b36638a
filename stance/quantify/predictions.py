"""Sentence predictions as data: probabilities and decisions per sentence, never the text.

Quantification (:mod:`stance.quantify.prevalence`) reads a classifier's outputs, not its inputs:
for every non-boilerplate sentence the probability of each label
(:data:`stance.models.classifier.PROBA_COLUMNS`) and the decision the classifier
takes (``pred_<topic>`` 0/1, ``pred_tone``, ``pred_stance``). The same table, with
``sentence_id`` and ``article_id``, holds the out-of-fold predictions of the gold
(:mod:`stance.quantify.gold_predictions`) and the predictions of a corpus being measured.

The measured *tasks* are each topic (binary: absent / present), tone and stance
(three classes each): :data:`TASKS`, with the classes of :data:`TASK_CLASSES`.
"""

from pathlib import Path

import numpy as np
import pandas as pd

from ..errors import StanceInputError
from ..labels import SCHEME, TOPICS, LabelError
from ..models.classifier import LABEL_COLUMNS, PROBA_COLUMNS

# A topic is measured as present or absent; tone and stance as their three classes.
TASKS = tuple(t.name for t in SCHEME.measured_tasks)
TASK_CLASSES = {t.name: t.classes for t in SCHEME.measured_tasks}
DECISION_COLUMNS = [f"pred_{t}" for t in TASKS]
PREDICTION_COLUMNS = [*PROBA_COLUMNS, *DECISION_COLUMNS]
ID_COLUMNS = ["article_id", "sentence_id"]
MODEL_COLUMN = "model_id"
CORPUS_COLUMN = "corpus_id"


def model_id(classifier):
    """A short name of a trained model: its catalogue name and the start of its training-data SHA-256
    (from the metadata it was saved with; ``untracked`` for a model that was never saved)."""
    from ..models.persistence import model_metadata

    metadata = model_metadata(classifier)
    digest = str(metadata.get("training_data_sha256", ""))[:12] or "untracked"
    return f"{metadata.get('model', type(classifier).__name__)}-{digest}"


def predict_table(classifier, texts):
    """Probabilities and decisions of ``classifier`` for a list of strings (:data:`PREDICTION_COLUMNS`)."""
    labels = classifier.predict(list(texts), proba=True)
    table = labels.reindex(columns=PROBA_COLUMNS).astype(float)
    for topic in TOPICS:
        table[f"pred_{topic}"] = [int(topic in ts) for ts in labels["topics"]]
    for task in SCHEME.single:
        table[f"pred_{task.name}"] = labels[task.name].to_numpy()
    return table[PREDICTION_COLUMNS]


def predict_corpus(articles, classifier, chunk=None, progress=None):
    """Split ``articles`` into sentences and predict every non-boilerplate sentence.

    Parameters
    ----------
    articles : pandas.DataFrame
        The article table (:func:`stance.load_corpus`).
    classifier : StanceClassifier
    chunk : int, optional
        Articles split and labelled at a time (default :data:`stance.labelling.CHUNK_ARTICLES`).
    progress : callable, optional
        Wraps the iterable of chunks (e.g. ``tqdm``).

    Returns
    -------
    pandas.DataFrame
        ``article_id, sentence_id``, :data:`PREDICTION_COLUMNS` and ``model_id``; no text.
    """
    from ..labelling import CHUNK_ARTICLES, split_in_chunks

    parts = []
    for _, sentences in split_in_chunks(articles, chunk or CHUNK_ARTICLES, progress):
        sentences = sentences[~sentences["boilerplate"].astype(bool)].reset_index(drop=True)
        table = predict_table(classifier, sentences["text"].tolist())
        parts.append(pd.concat([sentences[ID_COLUMNS], table], axis=1))
    frame = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=[*ID_COLUMNS, *PREDICTION_COLUMNS])
    return frame.assign(**{MODEL_COLUMN: model_id(classifier)})


def write_predictions(frame, path):
    """Write a prediction table atomically as CSV (probabilities rounded to 6 decimals); return the path."""
    from ..io import write_table

    return write_table(frame.round({c: 6 for c in PROBA_COLUMNS}), path, "csv")


def read_predictions(path, required=ID_COLUMNS):
    """Read a prediction table written by :func:`write_predictions`.

    Raises
    ------
    StanceInputError
        For a missing file or one without the prediction columns, naming the file.
    """
    from ..ingest.corpus import read_csv_frame

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


def labels_format(path):
    """The format of sentence labels at ``path``: ``parquet`` (a file or a dataset folder), ``csv`` or ``jsonl``.

    Raises
    ------
    StanceInputError
        For a missing path or another kind of file, naming it.
    """
    from ..ingest.corpus import PARQUET_SUFFIXES, parquet_files

    path = Path(path)
    if not path.exists():
        raise StanceInputError(path, "no such file or folder")
    if path.is_dir():
        if not parquet_files(path):
            raise StanceInputError(path, "a folder of labels must be a Parquet dataset (from stance label --engine dask)")
        return "parquet"
    suffix = path.suffix.lower()
    if suffix in PARQUET_SUFFIXES:
        return "parquet"
    if suffix in (".csv", ".jsonl"):
        return suffix[1:]
    raise StanceInputError(path, "unsupported labels file; expected .csv, .jsonl, .parquet or a Parquet dataset folder")


def text_partitioning(path):
    """The ``key=value`` folders of a Parquet dataset as text columns (a pyarrow partitioning; None without).

    Inferred, ``year=2022`` becomes an integer, and Dask then makes it a category whose values do not
    match (every value NaN): the keys are read as text, as ``stance label --partition-on`` wrote them.
    """
    from ..ingest.corpus import parquet_files

    if not Path(path).is_dir():
        return None
    keys = {}
    for file in parquet_files(path):
        for part in file.relative_to(path).parts[:-1]:
            if "=" in part:
                keys.setdefault(part.split("=", 1)[0], None)
    if not keys:
        return None
    import pyarrow as pa
    import pyarrow.dataset as ds

    return ds.partitioning(pa.schema([(key, pa.string()) for key in keys]), flavor="hive")


def read_labels(path):
    """Read sentence labels written by ``stance label`` (:func:`labels_format`; a Parquet
    dataset with its partition columns) into one pandas DataFrame.

    Raises
    ------
    StanceInputError
        For a missing or unreadable file, naming it.
    """
    from ..ingest.corpus import read_csv_frame

    fmt = labels_format(path)
    try:
        if fmt == "parquet":
            import pyarrow.parquet as pq

            return pq.read_table(path, partitioning=text_partitioning(path) or "hive").to_pandas()
        if fmt == "jsonl":
            return pd.read_json(path, lines=True, dtype=False)
        return read_csv_frame(path)
    except (OSError, ValueError) as err:
        raise StanceInputError(path, f"not readable labels ({str(err).strip().splitlines()[0]})") from None


def label_article_columns(columns):
    """The article columns among the columns of a labels table (``source``, ``year``, ... of a partitioned
    dataset): those that are neither a sentence column nor a label column of ``stance label``."""
    from ..ingest.segment import SENTENCE_COLUMNS

    sentence_columns = {*SENTENCE_COLUMNS, *PROBA_COLUMNS, *LABEL_COLUMNS}
    return [c for c in columns if c not in sentence_columns]


def from_labels(frame, source="labels", keep=()):
    """The prediction table of sentence labels written by ``stance label`` (any format, any engine).

    Parameters
    ----------
    frame : pandas.DataFrame
        Sentence labels: ``article_id, sentence_id``, every probability (:data:`PROBA_COLUMNS`),
        ``topics, tone, stance``. Boilerplate rows (no ``tone``) are dropped.
    source : str
        Names the labels in errors.
    keep : sequence of str
        Article columns of the labels to carry along (e.g. ``source``, ``year``).

    Returns
    -------
    pandas.DataFrame
        ``article_id, sentence_id``, :data:`PREDICTION_COLUMNS` and ``keep``, one row per labelled sentence.

    Raises
    ------
    StanceInputError
        When a column is missing (labels of an older version lack the tone and stance distributions),
        or a sentence has a label outside the scheme or a probability that is not a number (naming it).
    """
    missing = [c for c in [*ID_COLUMNS, *PROBA_COLUMNS, *SCHEME.tasks, *keep] if c not in frame.columns]
    if missing:
        raise StanceInputError(source, f"not sentence labels of `stance label` (missing column(s) {', '.join(missing)}); "
                               "label the corpus again at --level sentence with this version")
    rows = frame[frame["tone"].fillna("").astype(str) != ""]
    table = pd.DataFrame({c: rows[c].to_numpy() for c in ID_COLUMNS})
    for column in PROBA_COLUMNS:
        values = pd.to_numeric(rows[column], errors="coerce").to_numpy(float)  # CSV cells are text
        bad = ~np.isfinite(values) | (values < 0) | (values > 1)
        if bad.any():
            first = np.flatnonzero(bad)[0]
            raise StanceInputError(source, f"sentence {table['sentence_id'].iloc[first]}: {column} is "
                                   f"{rows[column].iloc[first]!r}, not a probability")
        table[column] = values
    topics = []
    for sentence_id, value in zip(table["sentence_id"], rows["topics"]):
        try:
            topics.append(SCHEME.parse_topics(value))
        except LabelError as err:
            raise StanceInputError(source, f"sentence {sentence_id}: {err}") from None
    for topic, column in zip(SCHEME.topics, SCHEME.encode_topics(topics).T):
        table[f"pred_{topic}"] = column
    for task in SCHEME.single:
        values = rows[task.name].astype(str)
        unknown = ~values.isin(task.classes)
        if unknown.any():
            first = np.flatnonzero(unknown.to_numpy())[0]
            raise StanceInputError(source, f"sentence {table['sentence_id'].iloc[first]}: unknown {task.name} "
                                   f"{values.iloc[first]!r} (expected {', '.join(task.classes)})")
        table[f"pred_{task.name}"] = values.to_numpy()
    for column in keep:
        table[column] = rows[column].astype(str).to_numpy()
    return table


def score_sums(predictions, keep=()):
    """Per article, the number of sentences and the sums of every task's scores.

    The linear quantification methods (cc, pcc, acc, pacc) and their bootstrap over articles
    depend on a group only through these sums, so a corpus labelled on a cluster is reduced there
    to one row per article and corrected on the client.

    Parameters
    ----------
    predictions : pandas.DataFrame
        A prediction table (``article_id`` and :data:`PREDICTION_COLUMNS`).
    keep : sequence of str
        Article columns of ``predictions`` carried along (one value per article).

    Returns
    -------
    pandas.DataFrame
        ``article_id``, ``keep``, ``n_sentences`` and one column per task, kind (``soft``:
        probabilities, ``hard``: decisions) and class (:func:`score_column`), one row per article.
    """
    columns = {"article_id": predictions["article_id"].to_numpy(),
               **{c: predictions[c].to_numpy() for c in keep},
               "n_sentences": np.ones(len(predictions), dtype=np.int64)}
    for task in TASKS:
        for soft in (True, False):
            scores = task_scores(predictions, task, soft)
            for k in range(scores.shape[1]):
                columns[score_column(task, soft, k)] = scores[:, k]
    return pd.DataFrame(columns).groupby(["article_id", *keep], sort=False, as_index=False).sum()


def task_scores(frame, task, soft):
    """What a quantifier reads of ``task``: the probabilities (``soft``) or the one-hot decisions (n, k)."""
    if soft:
        return task_proba(frame, task)
    return one_hot(task_decisions(frame, task), len(TASK_CLASSES[task]))


def score_column(task, soft, k):
    """The name of the column of :func:`score_sums` for ``task``, scores of one kind, class ``k``."""
    return f"sum_{'soft' if soft else 'hard'}_{task}_{k}"


def article_mean_scores(sums, task, soft):
    """The mean scores of each article (n_articles, k) from a :func:`score_sums` table."""
    k = len(TASK_CLASSES[task])
    totals = sums[[score_column(task, soft, i) for i in range(k)]].to_numpy(float)
    return totals / sums["n_sentences"].to_numpy(float)[:, None]


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
