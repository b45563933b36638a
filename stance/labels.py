"""The label scheme as data, and article aggregation.

The scheme is written for annotators in ``docs/annotation_guideline.md``; :data:`SCHEME`
is the same scheme for the code, and every other module iterates over it instead of
naming labels. Sentences carry ``topics`` (a list of the scheme's topics, each a binary
presence task), ``tone`` and ``stance`` (one class each, of tasks whose classes run from
the lowest to the highest polarity). Articles get labels computed from their
non-boilerplate sentences, never annotated separately (the guideline's "Article level").

:data:`TOPICS`, :data:`TONES`, :data:`STANCES` and :data:`SCHEME_VERSION` are read from
:data:`SCHEME`; the module-level functions use it.
"""

from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd

TOPIC_SEPARATOR = ";"


class LabelError(ValueError):
    """A label outside the scheme."""


@dataclass(frozen=True)
class Task:
    """One single-label task: its classes in polarity order, each with a score.

    Parameters
    ----------
    name : str
        The column that holds the task's label (``tone``, ``stance``; a topic's name).
    classes : tuple of str
        From the lowest polarity to the highest (``negative, neutral, positive``); the
        class codes of :meth:`encode` are positions in it.
    scores : tuple of float
        The score of each class (same order), which article aggregation averages.
    """

    name: str
    classes: tuple
    scores: tuple

    def __post_init__(self):
        if len(self.scores) != len(self.classes):
            raise ValueError(f"task {self.name!r}: {len(self.classes)} classes but {len(self.scores)} scores")
        if list(self.scores) != sorted(self.scores):
            raise ValueError(f"task {self.name!r}: classes must be in polarity order (scores ascending)")

    @property
    def low(self):
        """The class of the lowest polarity (``negative``, ``critical``)."""
        return self.classes[0]

    @property
    def high(self):
        """The class of the highest polarity (``positive``, ``supportive``)."""
        return self.classes[-1]

    def check(self, value):
        """Return ``value`` if it is a class of the task, else raise :class:`LabelError`."""
        if value not in self.classes:
            raise LabelError(f"unknown {self.name} {value!r} (expected {', '.join(self.classes)})")
        return value

    def encode(self, labels):
        """Class codes (int array, positions in :attr:`classes`) of a sequence of labels; LabelError for another label."""
        codes = {c: i for i, c in enumerate(self.classes)}
        try:
            return np.array([codes[label] for label in labels], dtype=int)
        except KeyError as err:
            self.check(err.args[0])
            raise

    def decode(self, codes):
        """The labels (list of str) of a sequence of class codes."""
        return [self.classes[int(i)] for i in codes]

    def score_of(self, labels):
        """The score of each label: a Series for a Series, else a float array."""
        scores = dict(zip(self.classes, self.scores))
        if isinstance(labels, pd.Series):
            return labels.map(scores)
        return np.array([scores[label] for label in labels], dtype=float)

    def expected_score(self, proba):
        """The mean class score under each row of ``proba`` (n, len(classes)), as an array (n,)."""
        return np.asarray(proba, dtype=float) @ np.asarray(self.scores, dtype=float)


# Each topic is measured and scored as a binary task: absent or present.
TOPIC_CLASSES = ("absent", "present")


@dataclass(frozen=True)
class LabelScheme:
    """The labels of a sentence: multi-label topics and single-label, polarity-ordered tasks.

    Parameters
    ----------
    version : str
        Recorded with every trained model; a model of another version does not load.
    topics : tuple of str
        The topic names, in the order of indicator matrices and ``share_<topic>`` columns.
    single : tuple of Task
        The single-label tasks (tone, stance), in column order.
    neutral_band : float
        An article's mean score within ``[-neutral_band, neutral_band]`` is its middle class.
    """

    version: str
    topics: tuple
    single: tuple
    neutral_band: float = 0.15
    _by_name: dict = field(init=False, repr=False, compare=False)

    def __post_init__(self):
        object.__setattr__(self, "_by_name", {t.name: t for t in self.single})

    @property
    def tasks(self):
        """The three targets of a model: ``("topics", "tone", "stance")``."""
        return ("topics", *(t.name for t in self.single))

    def task(self, name):
        """The :class:`Task` of a single-label task or of a topic (absent / present)."""
        if name in self._by_name:
            return self._by_name[name]
        if name in self.topics:
            return Task(name, TOPIC_CLASSES, (0.0, 1.0))
        raise KeyError(f"no task {name!r} in the label scheme (tasks: {', '.join((*self.topics, *self._by_name))})")

    @property
    def measured_tasks(self):
        """Every task measured on its own: each topic (binary), then the single-label tasks."""
        return tuple(self.task(name) for name in (*self.topics, *self._by_name))

    def with_topics(self, *topics):
        """A copy of the scheme with ``topics`` added after its own."""
        return replace(self, topics=(*self.topics, *topics))

    def proba_columns(self):
        """The probability columns of a labelled sentence: ``p_<topic>``, then ``p_<task>_<class>``."""
        return [*(f"p_{t}" for t in self.topics), *(f"p_{t.name}_{c}" for t in self.single for c in t.classes)]

    def score_columns(self):
        """The label and score column of every single-label task: ``tone, tone_score, stance, stance_score``."""
        return [c for t in self.single for c in (t.name, f"{t.name}_score")]

    def article_columns(self):
        """The label columns of an aggregated article: ``topics, main_topic, share_<topic>...`` and
        :meth:`score_columns`."""
        return ["topics", "main_topic", *(f"share_{t}" for t in self.topics), *self.score_columns()]

    def parse_topics(self, value):
        """Return the topic list of a cell: a list (or array), or a ``;``-separated string ('' for none).

        Raises
        ------
        LabelError
            For a topic outside the scheme.
        """
        if isinstance(value, (list, tuple, np.ndarray)):  # a list cell of JSONL, an array of Parquet
            topics = [str(t).strip() for t in value]
        elif value is None or (isinstance(value, float) and value != value):
            topics = []
        else:
            topics = [t.strip() for t in str(value).split(TOPIC_SEPARATOR)]
        topics = [t for t in topics if t]
        unknown = [t for t in topics if t not in self.topics]
        if unknown:
            raise LabelError(f"unknown topic {unknown[0]!r} (expected {', '.join(self.topics)})")
        return sorted(set(topics), key=self.topics.index)

    def encode_topics(self, topic_lists):
        """Indicator matrix (n, len(topics)) of int from a sequence of topic lists."""
        return np.array([[int(t in ts) for t in self.topics] for ts in topic_lists], dtype=int).reshape(-1, len(self.topics))

    def decode_topics(self, matrix):
        """Topic lists from an indicator (or boolean) matrix (n, len(topics))."""
        return [[t for t, flag in zip(self.topics, row) if flag] for row in np.asarray(matrix)]

    def band(self, score):
        """Map an aggregate score in [-1, 1] to -1, 0 or +1 with the neutral band."""
        return 1 if score > self.neutral_band else (-1 if score < -self.neutral_band else 0)

    def band_label(self, score, task):
        """The class of a three-class ``task`` (a :class:`Task` or its name) whose band holds ``score``."""
        task = self.task(task) if isinstance(task, str) else task
        return task.classes[self.band(score) + 1]

    def gold_scores(self, frame):
        """Return ``frame`` with ``<task>_score`` of every single-label task from its gold labels."""
        return frame.assign(**{f"{t.name}_score": t.score_of(frame[t.name]) for t in self.single})

    def aggregate_articles(self, sentences, articles=None):
        """Aggregate sentence labels to one row per article (the guideline's "Article level").

        Parameters
        ----------
        sentences : pandas.DataFrame
            Labelled sentences with ``article_id``, ``topics`` (lists) and ``<task>_score``
            of every single-label task; a ``boilerplate`` column, when present, excludes
            flagged sentences.
        articles : pandas.DataFrame, optional
            The article table; supplies ``title`` and keeps articles without sentences.

        Returns
        -------
        pandas.DataFrame
            ``article_id, title, n_sentences, topics, main_topic, share_<topic>...,
            tone, tone_score, stance, stance_score`` and ``sentence_ids`` (the
            sentences each label comes from).
        """
        if "boilerplate" in sentences:
            sentences = sentences[~sentences["boilerplate"].astype(bool)]
        rows = []
        groups = dict(tuple(sentences.groupby("article_id", sort=False)))
        ids = list(articles["article_id"]) if articles is not None else list(groups)
        titles = dict(zip(articles["article_id"], articles["title"])) if articles is not None else {}
        for article_id in ids:
            group = groups.get(article_id, sentences.iloc[0:0])
            n = len(group)
            shares = {t: (sum(t in ts for ts in group["topics"]) / n if n else 0.0) for t in self.topics}
            present = [t for t in self.topics if shares[t] > 0]
            row = {
                "article_id": article_id,
                "title": titles.get(article_id, ""),
                "n_sentences": n,
                "topics": present,
                "main_topic": max(present, key=lambda t: shares[t]) if present else "",
                **{f"share_{t}": shares[t] for t in self.topics},
            }
            for task in self.single:
                score = float(group[f"{task.name}_score"].mean()) if n else 0.0
                row[task.name] = self.band_label(score, task)
                row[f"{task.name}_score"] = score
            row["sentence_ids"] = list(group["sentence_id"]) if "sentence_id" in group else []
            rows.append(row)
        return pd.DataFrame(rows)


SCHEME = LabelScheme(
    version="1",
    topics=("military_aid", "nato_membership", "reconstruction"),
    single=(
        Task("tone", ("negative", "neutral", "positive"), (-1.0, 0.0, 1.0)),
        Task("stance", ("critical", "neutral", "supportive"), (-1.0, 0.0, 1.0)),
    ),
)

SCHEME_VERSION = SCHEME.version
TOPICS = SCHEME.topics
TONES = SCHEME.task("tone").classes
STANCES = SCHEME.task("stance").classes
NEUTRAL_BAND = SCHEME.neutral_band


def parse_topics(value):
    """:meth:`LabelScheme.parse_topics` of :data:`SCHEME`."""
    return SCHEME.parse_topics(value)


def topic_matrix(topic_lists):
    """:meth:`LabelScheme.encode_topics` of :data:`SCHEME`."""
    return SCHEME.encode_topics(topic_lists)


def aggregate_articles(sentences, articles=None):
    """:meth:`LabelScheme.aggregate_articles` of :data:`SCHEME`."""
    return SCHEME.aggregate_articles(sentences, articles)


def gold_scores(frame):
    """:meth:`LabelScheme.gold_scores` of :data:`SCHEME`."""
    return SCHEME.gold_scores(frame)
