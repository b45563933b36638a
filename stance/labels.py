"""The label scheme as data (see ``docs/annotation_guideline.md``), and article aggregation.

Sentences carry ``topics`` (a list of :data:`TOPICS`), ``tone`` (one of
:data:`TONES`) and ``stance`` (one of :data:`STANCES`). Articles get labels
computed from their non-boilerplate sentences, never annotated separately.
"""

import pandas as pd

SCHEME_VERSION = "1"
TOPICS = ("military_aid", "nato_membership", "reconstruction")
TONES = ("negative", "neutral", "positive")
STANCES = ("critical", "neutral", "supportive")
# Gold labels as sentence scores for article aggregation (labels.md, "Article level").
TONE_SCORES = {"negative": -1.0, "neutral": 0.0, "positive": 1.0}
STANCE_SCORES = {"critical": -1.0, "neutral": 0.0, "supportive": 1.0}
NEUTRAL_BAND = 0.15
TOPIC_SEPARATOR = ";"


class LabelError(ValueError):
    """A label outside the scheme."""


def parse_topics(value):
    """Return the topic list of a cell: a list, or a ``;``-separated string ('' for none).

    Raises
    ------
    LabelError
        For a topic outside :data:`TOPICS`.
    """
    if isinstance(value, (list, tuple)):
        topics = [str(t).strip() for t in value]
    elif value is None or (isinstance(value, float) and value != value):
        topics = []
    else:
        topics = [t.strip() for t in str(value).split(TOPIC_SEPARATOR)]
    topics = [t for t in topics if t]
    unknown = [t for t in topics if t not in TOPICS]
    if unknown:
        raise LabelError(f"unknown topic {unknown[0]!r} (expected {', '.join(TOPICS)})")
    return sorted(set(topics), key=TOPICS.index)


def check_label(value, dimension):
    """Return ``value`` if it is a label of ``dimension`` ('tone' or 'stance'), else raise LabelError."""
    allowed = {"tone": TONES, "stance": STANCES}[dimension]
    if value not in allowed:
        raise LabelError(f"unknown {dimension} {value!r} (expected {', '.join(allowed)})")
    return value


def band(score):
    """Map an aggregate score in [-1, 1] to -1, 0 or +1 with the neutral band of labels.md."""
    return 1 if score > NEUTRAL_BAND else (-1 if score < -NEUTRAL_BAND else 0)


def band_label(score, labels):
    """Return the label of ``labels`` (ordered low, neutral, high) whose band holds ``score``."""
    return labels[band(score) + 1]


def aggregate_articles(sentences, articles=None):
    """Aggregate sentence labels to one row per article (labels.md, "Article level").

    Parameters
    ----------
    sentences : pandas.DataFrame
        Labelled sentences with ``article_id``, ``topics`` (lists), ``tone_score``
        and ``stance_score``; a ``boilerplate`` column, when present, excludes
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
        shares = {t: (sum(t in ts for ts in group["topics"]) / n if n else 0.0) for t in TOPICS}
        present = [t for t in TOPICS if shares[t] > 0]
        tone_score = float(group["tone_score"].mean()) if n else 0.0
        stance_score = float(group["stance_score"].mean()) if n else 0.0
        rows.append({
            "article_id": article_id,
            "title": titles.get(article_id, ""),
            "n_sentences": n,
            "topics": present,
            "main_topic": max(present, key=lambda t: shares[t]) if present else "",
            **{f"share_{t}": shares[t] for t in TOPICS},
            "tone": band_label(tone_score, TONES),
            "tone_score": tone_score,
            "stance": band_label(stance_score, STANCES),
            "stance_score": stance_score,
            "sentence_ids": list(group["sentence_id"]) if "sentence_id" in group else [],
        })
    return pd.DataFrame(rows)


def gold_scores(frame):
    """Return ``frame`` with ``tone_score`` and ``stance_score`` from its gold labels."""
    return frame.assign(
        tone_score=frame["tone"].map(TONE_SCORES), stance_score=frame["stance"].map(STANCE_SCORES)
    )
