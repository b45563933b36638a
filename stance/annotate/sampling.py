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

from ..features.lexicon import LexiconCounts
from ..features.vader import VADER_FIELDS, VaderScores

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


# ---------------------------------------------------------------------------------------------
# Sampling plans over several corpora of the data home (third-party text: the batch stores spans
# and a hash of each sentence, never the text).

PLAN_BATCH_COLUMNS = ["corpus", "sentence_id", "article_id", "start", "end", "text_sha256", "sample", "stratum", "seed"]
STRONG_COMPOUND = 0.6
# Plan strata, in the order they are filled; each is a function of (pool, context mask, voices mask).
PLAN_STRATA = ("critical_voice", "critical_cues", "nato_terms", "reconstruction_terms",
               "military_aid_terms", "strong_tone", "nato_context")
# A stratum's weight when a plan does not give one; strata added later weigh 0 so that older plans draw as before.
DEFAULT_WEIGHTS = {**{s: 1 for s in PLAN_STRATA}, "nato_context": 0}


def text_hash(text):
    """SHA-256 (hex) of a sentence's UTF-8 text: what third-party annotations store instead of the text."""
    import hashlib

    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def stored_batch(batch, sentences):
    """Return a batch of :func:`draw_batch` as stored for a third-party corpus: spans and a hash, no text."""
    spans = sentences.set_index("sentence_id")[["start", "end"]]
    stored = batch.join(spans, on="sentence_id")
    stored["text_sha256"] = stored["text"].map(text_hash)
    return stored[["sentence_id", "article_id", "role", "start", "end", "text_sha256", "sample", "stratum", "seed"]]


def plan_signals(pool, voices):
    """Return a boolean DataFrame, one column per stratum of :data:`PLAN_STRATA`, one row per pool sentence.

    ``voices`` is a boolean array: the sentence's article is one whose speaker is
    likely to be critical of supporting Ukraine (from the plan's metadata query).
    ``critical_voice`` = such an article and a sentence about Ukraine, its backers
    or the war (``[sampling.ukraine_context]`` of the lexicon); ``critical_cues`` =
    opposition or narrative cues; the topic strata use the topic lexicons
    (``military_aid_terms`` also needs the Ukraine context, its terms being
    common words); ``strong_tone`` = a VADER compound of magnitude
    :data:`STRONG_COMPOUND` or more; ``nato_context`` = NATO-membership terms in a
    sentence that names NATO or the Alliance (sharper than ``nato_terms``, whose
    "membership" or "guarantees" also match the EU and other subjects).
    """
    from ..features.lexicon import load_lexicon, term_pattern

    texts = pool["text"].astype(str).tolist()
    lexicon = load_lexicon()

    def matches(terms):
        pattern = term_pattern(tuple(terms))
        return np.array([bool(pattern.search(t)) for t in texts], dtype=bool)

    context = matches(lexicon["sampling"]["ukraine_context"]["terms"])
    cues = matches(lexicon["cues"]["opposition"]["terms"] + lexicon["cues"]["narrative"]["terms"])
    compound = VaderScores().fit().transform(texts)[:, VADER_FIELDS.index("compound")] if texts else np.array([])
    topics = {t: matches(lexicon["topics"][t]["terms"]) for t in ("nato_membership", "reconstruction", "military_aid")}
    nato = matches(lexicon["sampling"]["nato_context"]["terms"])
    return pd.DataFrame({
        "critical_voice": np.asarray(voices, dtype=bool) & context,
        "critical_cues": cues,
        "nato_terms": topics["nato_membership"],
        "reconstruction_terms": topics["reconstruction"],
        "military_aid_terms": topics["military_aid"] & context,
        "strong_tone": np.abs(compound) >= STRONG_COMPOUND,
        "nato_context": topics["nato_membership"] & nato,
    })


def _weighted_quotas(total, weights):
    """Split ``total`` over strata in proportion to ``weights`` (largest remainders)."""
    weights = np.asarray(weights, dtype=float)
    if total <= 0 or weights.sum() == 0:
        return np.zeros(len(weights), dtype=int)
    exact = total * weights / weights.sum()
    quotas = np.floor(exact).astype(int)
    order = np.argsort(-(exact - quotas), kind="stable")
    quotas[order[: total - quotas.sum()]] += 1
    return quotas


def draw_corpus_batch(articles, sentences, n_random, n_targeted, seed, voices="", weights=None, exclude=()):
    """Draw a random and a disjoint targeted sample from one corpus, with the plan's strata.

    Parameters
    ----------
    articles, sentences : pandas.DataFrame
        The corpus's article table (for the metadata of ``voices``) and sentence table.
    n_random, n_targeted : int
        Sizes of the simple random sample and of the targeted sample.
    seed : int
        Seed of the random generator.
    voices : str
        A pandas query on the article table selecting articles whose speakers are
        likely critical (``"speaker_country in ['RUS', 'BLR']"``); ``"all"`` for every
        article, ``""`` for none (the ``critical_voice`` stratum is then empty).
    weights : dict, optional
        ``{stratum: weight}``; a stratum's share of the targeted sample is its
        weight over the weights of the strata still to fill (default 1 each).
        Strata are filled in :data:`PLAN_STRATA` order, a sentence counting for
        the first stratum that draws it; what a stratum cannot fill passes to
        the next ones, and what none can fill is drawn at random (``fill``).
    exclude : collection of str
        Sentence ids never to draw (those of an earlier batch).

    Returns
    -------
    pandas.DataFrame
        ``sentence_id, article_id, start, end, text, sample, stratum, seed``.
    """
    if n_random < 0 or n_targeted < 0:
        raise ValueError("sample sizes must not be negative")
    pool = eligible_sentences(sentences)
    pool = pool[~pool["sentence_id"].isin(set(exclude))].reset_index(drop=True)
    if n_random + n_targeted > len(pool):
        raise ValueError(f"asked for {n_random + n_targeted} sentences, only {len(pool)} are eligible")
    if voices == "all":
        chosen_articles = set(articles["article_id"])
    elif voices:
        try:
            chosen_articles = set(articles.query(voices)["article_id"])
        except Exception as err:  # pandas raises many kinds for a bad query; report it as one line
            raise ValueError(f"voices query {voices!r} failed: {err}") from None
    else:
        chosen_articles = set()
    rng = np.random.default_rng(seed)
    columns = ["sentence_id", "article_id", "start", "end", "text"]

    def rows(frame, sample, stratum):
        return frame[columns].assign(sample=sample, stratum=stratum, seed=seed)

    random_index = rng.choice(len(pool), size=n_random, replace=False)
    parts = [rows(pool.iloc[np.sort(random_index)], "random", "random")]
    taken = np.zeros(len(pool), dtype=bool)
    taken[random_index] = True
    signals = plan_signals(pool, pool["article_id"].isin(chosen_articles).to_numpy())
    weights = weights or {}
    unknown = sorted(set(weights) - set(PLAN_STRATA))
    if unknown:
        raise ValueError(f"unknown stratum {unknown[0]!r}; strata are {', '.join(PLAN_STRATA)}")
    left = n_targeted
    for i, name in enumerate(PLAN_STRATA):
        remaining = [weights.get(s, DEFAULT_WEIGHTS[s]) for s in PLAN_STRATA[i:]]
        quota = int(_weighted_quotas(left, remaining)[0]) if sum(remaining) else 0
        candidates = np.flatnonzero(signals[name].to_numpy() & ~taken)
        chosen = np.sort(rng.choice(candidates, size=min(quota, len(candidates)), replace=False))
        taken[chosen] = True
        left -= len(chosen)
        parts.append(rows(pool.iloc[chosen], "targeted", name))
    if left:
        rest = np.sort(rng.choice(np.flatnonzero(~taken), size=left, replace=False))
        parts.append(rows(pool.iloc[rest], "targeted", "fill"))
    return pd.concat(parts, ignore_index=True)


def read_plan(path):
    """Read a sampling plan (TOML): ``seed`` and one ``[corpora.<name>]`` table per corpus
    with ``random``, ``targeted``, optional ``voices`` (see :func:`draw_corpus_batch`) and ``weights``."""
    from pathlib import Path

    from ..errors import StanceInputError
    from ..features.lexicon import tomllib

    try:
        plan = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as err:
        raise StanceInputError(path, f"not a readable plan ({err})") from None
    if not isinstance(plan.get("seed"), int) or not plan.get("corpora"):
        raise StanceInputError(path, "a plan needs an integer 'seed' and at least one [corpora.<name>] table")
    # Earlier batches (paths relative to the plan) whose sentences this plan must not draw again: a path
    # (every sentence), or { batch = path, sample = "random" } (only that sample's sentences, so that a new
    # random sample extends an earlier one without the earlier targeted sentences being cut from its pool).
    plan["exclude_ids"] = set()
    for entry in plan.get("exclude", []):
        name, sample = (entry.get("batch"), entry.get("sample")) if isinstance(entry, dict) else (entry, None)
        batch_path = Path(path).parent / str(name)
        if not batch_path.is_file():
            raise StanceInputError(path, f"excluded batch {name} does not exist")
        excluded = pd.read_csv(batch_path, dtype=str)
        if sample is not None:
            excluded = excluded[excluded["sample"] == sample]
        plan["exclude_ids"] |= set(excluded["sentence_id"])
    allowed = {"random", "targeted", "voices", "weights"}
    for name, entry in plan["corpora"].items():
        extra = sorted(set(entry) - allowed)
        if extra:
            raise StanceInputError(path, f"[corpora.{name}]: unknown key {extra[0]!r} (allowed: {', '.join(sorted(allowed))})")
    return plan


def draw_plan(plan, progress=None):
    """Draw the batch of a sampling plan over named corpora (see :func:`read_plan`).

    Each corpus is drawn with its own generator, seeded from the plan's seed and the
    corpus's position, so adding a corpus at the end leaves the others' draws alone.

    Returns
    -------
    pandas.DataFrame
        :data:`PLAN_BATCH_COLUMNS` plus ``text`` (kept in memory for the annotators;
        the stored batch drops it).
    """
    from ..ingest.corpus import load_corpus
    from ..ingest.segment import split_sentences

    parts = []
    for index, (name, entry) in enumerate(plan["corpora"].items()):
        articles = load_corpus(name)
        sentences = split_sentences(articles)
        seed = plan["seed"] + index
        batch = draw_corpus_batch(articles, sentences, entry["random"], entry["targeted"], seed,
                                  voices=entry.get("voices", ""), weights=entry.get("weights"),
                                  exclude=plan.get("exclude_ids", ()))
        batch.insert(0, "corpus", name)
        batch["text_sha256"] = batch["text"].map(text_hash)
        parts.append(batch)
        if progress:
            progress(name, batch)
    return pd.concat(parts, ignore_index=True)[PLAN_BATCH_COLUMNS + ["text"]]
