"""Drawing sentences to annotate: a simple random sample and a targeted one, from a fixed seed.

In: the sentence table of a corpus (from :func:`stance.split_sentences`).
Out: the batch table, one row per drawn sentence with the columns of
:data:`BATCH_COLUMNS`; ``sample`` is ``random`` or ``targeted``, ``stratum`` says
why a targeted sentence was drawn (``random`` for the random sample) and ``seed``
is the seed that reproduces the batch.

Eligible sentences are the non-boilerplate ones of :data:`MIN_WORDS` words or
more and :data:`MAX_CHARS` characters or fewer: shorter ones ("Thank you.",
"Sec. 2.") carry no label worth a slot, longer ones are tables or legal lists
that segmentation could not split.

The targeted sample enriches the classes that are rare in running text. Each
stratum (:data:`STRATA`) holds the eligible sentences that match its signal, from
the packaged lexicon (``stance/data/lexicons.toml``) or VADER; strata are filled
in order, each with an equal share of the quota drawn at random, a sentence
counting for the first stratum that draws it; a stratum with too few sentences
leaves its remainder to the next ones, and what all strata cannot fill is drawn
at random from the rest (stratum ``fill``).
"""

import numpy as np
import pandas as pd

from .features.lexicon import LexiconCounts
from .features.vader import VADER_FIELDS, VaderScores

BATCH_COLUMNS = ["sentence_id", "article_id", "role", "text", "sample", "stratum", "seed"]
MIN_WORDS = 4
MAX_CHARS = 600
NEGATIVE_COMPOUND = -0.3
# Stratum name -> (lexicon section, entry) or "vader" for a VADER compound <= NEGATIVE_COMPOUND.
STRATA = {
    "reconstruction_terms": ("topics", "reconstruction"),
    "nato_terms": ("topics", "nato_membership"),
    "critical_cues": ("cues", "opposition"),
    "negative_vader": "vader",
}


def eligible_sentences(sentences):
    """Return the sentences that may be sampled (see the module docs), in their original order."""
    text = sentences["text"].astype(str)
    keep = (
        ~sentences["boilerplate"].astype(bool)
        & (text.str.split().str.len() >= MIN_WORDS)
        & (text.str.len() <= MAX_CHARS)
    )
    return sentences[keep]


def stratum_signals(texts):
    """Return a boolean DataFrame, one column per stratum of :data:`STRATA`, one row per text."""
    texts = list(texts)
    signals = {}
    counts = {section: LexiconCounts(section=section, log_scale=False).fit() for section in ("topics", "cues")}
    compound = VaderScores().fit().transform(texts)[:, VADER_FIELDS.index("compound")] if texts else np.array([])
    for name, source in STRATA.items():
        if source == "vader":
            signals[name] = compound <= NEGATIVE_COMPOUND
        else:
            section, entry = source
            column = counts[section].names_.index(entry)
            signals[name] = counts[section].transform(texts)[:, column] > 0 if texts else np.array([], dtype=bool)
    return pd.DataFrame(signals)


def _batch_rows(frame, sample, stratum, seed):
    rows = frame[["sentence_id", "article_id", "role", "text"]].copy()
    rows["sample"], rows["stratum"], rows["seed"] = sample, stratum, seed
    return rows


def draw_batch(sentences, n_random, n_targeted, seed):
    """Draw a random and a disjoint targeted sample of sentences to annotate.

    Parameters
    ----------
    sentences : pandas.DataFrame
        The sentence table (``sentence_id``, ``article_id``, ``role``,
        ``boilerplate``, ``text``).
    n_random, n_targeted : int
        Sizes of the simple random sample and of the targeted sample.
    seed : int
        Seed of the random generator: the same seed and sentences give the same batch.

    Returns
    -------
    pandas.DataFrame
        :data:`BATCH_COLUMNS`, random sample first, then the targeted sample
        stratum by stratum.

    Raises
    ------
    ValueError
        When there are fewer eligible sentences than ``n_random + n_targeted``,
        or a size is negative.
    """
    if n_random < 0 or n_targeted < 0:
        raise ValueError("sample sizes must not be negative")
    pool = eligible_sentences(sentences).reset_index(drop=True)
    if n_random + n_targeted > len(pool):
        raise ValueError(f"asked for {n_random + n_targeted} sentences, only {len(pool)} are eligible")
    rng = np.random.default_rng(seed)
    random_index = rng.choice(len(pool), size=n_random, replace=False)
    parts = [_batch_rows(pool.iloc[np.sort(random_index)], "random", "random", seed)]
    taken = np.zeros(len(pool), dtype=bool)
    taken[random_index] = True
    signals = stratum_signals(pool["text"])
    left = n_targeted
    for i, name in enumerate(STRATA):
        quota = -(-left // (len(STRATA) - i))  # an equal share of what is left, rounded up
        candidates = np.flatnonzero(signals[name].to_numpy() & ~taken)
        chosen = np.sort(rng.choice(candidates, size=min(quota, len(candidates)), replace=False))
        taken[chosen] = True
        left -= len(chosen)
        parts.append(_batch_rows(pool.iloc[chosen], "targeted", name, seed))
    if left:  # the strata ran dry: fill up at random so the batch has the size asked for
        rest = np.sort(rng.choice(np.flatnonzero(~taken), size=left, replace=False))
        parts.append(_batch_rows(pool.iloc[rest], "targeted", "fill", seed))
    return pd.concat(parts, ignore_index=True)[BATCH_COLUMNS]
