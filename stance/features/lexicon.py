"""Lexicon features: counts of topic terms and stance cues, with the terms kept as data.

The lexicon is a TOML file (``stance/data/lexicons.toml`` by default) with
``[topics.<name>]`` and ``[cues.<name>]`` sections, each holding ``terms``.
"""

import hashlib
import re
import sys
from functools import lru_cache
from importlib import resources

import numpy as np
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.utils.validation import check_is_fitted

from .cache import ROWS
from .texts import as_texts

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

SECTIONS = ("topics", "cues")


def load_lexicon(path=None):
    """Read a lexicon TOML file (None: the packaged one) into a dict."""
    if path is None:
        return tomllib.loads((resources.files("stance") / "data" / "lexicons.toml").read_text(encoding="utf-8"))
    with open(path, "rb") as handle:
        return tomllib.load(handle)


@lru_cache(maxsize=256)
def term_pattern(terms):
    """Compile terms (a tuple) into one case-insensitive whole-word regex; ``*`` at the end matches a word ending."""
    parts = []
    for term in sorted(set(terms), key=len, reverse=True):
        words = [re.escape(w) for w in term.strip().split()]
        body = r"\s+".join(words)
        body = body[:-2] + r"\w*" if body.endswith(r"\*") else body
        parts.append(body)
    return re.compile(r"(?<![\w-])(?:" + "|".join(parts) + r")(?![\w-])", re.IGNORECASE)


def cached_counts(kind, settings, X, count, width, log_scale):
    """Count rows of the texts ``X`` through the row cache, ``log1p``-scaled when ``log_scale``.

    ``count`` maps a list of texts to their rows (``width`` numbers each). The cache namespace is
    ``kind`` with a short hash of ``settings`` (the terms and anything else the counts depend on),
    so each text's key does not hash the whole term list and other settings never share rows.
    """
    namespace = f"{kind}:" + hashlib.sha1(repr(settings).encode("utf-8")).hexdigest()
    counts = ROWS.rows(namespace, as_texts(X), count, width)
    return np.log1p(counts) if log_scale else counts


class LexiconCounts(TransformerMixin, BaseEstimator):
    """Count lexicon matches per entry of one lexicon section.

    Parameters
    ----------
    section : {"topics", "cues"}
        Which section's entries become features.
    lexicon_path : str or None
        A lexicon TOML file; None uses the packaged lexicon.
    log_scale : bool
        Transform counts with ``log1p`` so one long sentence does not dominate.

    Input: an iterable of strings. Output: array of shape (n_texts, n_entries).
    Attributes after ``fit``: ``names_`` (entry names), ``terms_`` (their terms, kept
    as plain data so that a saved model carries its lexicon).
    """

    def __init__(self, section="topics", lexicon_path=None, log_scale=True):
        self.section = section
        self.lexicon_path = lexicon_path
        self.log_scale = log_scale

    def fit(self, X=None, y=None):
        if self.section not in SECTIONS:
            raise ValueError(f"section must be one of {SECTIONS}, got {self.section!r}")
        entries = load_lexicon(self.lexicon_path).get(self.section, {})
        self.names_ = list(entries)
        self.terms_ = [list(entries[name]["terms"]) for name in self.names_]
        return self

    def _patterns(self):
        check_is_fitted(self, "terms_")
        return [term_pattern(tuple(terms)) for terms in self.terms_]

    def transform(self, X):
        patterns = self._patterns()

        def count(texts):
            return [[len(p.findall(t)) for p in patterns] for t in texts]

        return cached_counts("lexicon", self.terms_, X, count, len(patterns), self.log_scale)

    def matches(self, text):
        """Return ``{entry: [matched terms]}`` for one text (used by ``explain``)."""
        return {n: [m.group(0) for m in p.finditer(text)] for n, p in zip(self.names_, self._patterns())}

    def get_feature_names_out(self, input_features=None):
        check_is_fitted(self, "names_")
        return np.array([f"{self.section}:{n}" for n in self.names_], dtype=object)
