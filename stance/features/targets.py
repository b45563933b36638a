"""Target-dependent stance cues: a cue counted by the side of the war it is aimed at.

The same cue carries opposite stances by its target: "a corrupt dictator" is supportive of
Ukraine about Putin and critical about Zelensky; "we oppose" is supportive before "Russia's
aggression" and critical before "another aid package". A plain count of the cue (the ``cues``
family) cannot tell them apart, and the gold teaches it the majority reading (opposition words
are mostly aimed at Russia there). This family counts each match of a cue section by the side
named by the nearest target mention within a few words, as target-dependent sentiment models do.

The target terms are data: ``[targets.<side>]`` sections of the lexicon (``ukraine``: the country,
its leaders and the support it receives; ``russia``: Russia and its leaders).
"""

import hashlib
import re
from bisect import bisect_right

import numpy as np
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.utils.validation import check_is_fitted

from .cache import ROWS
from .lexicon import _as_texts, load_lexicon, term_pattern

WORD = re.compile(r"\S+")


class TargetedCues(TransformerMixin, BaseEstimator):
    """Count cue matches by the side of their nearest target mention.

    Parameters
    ----------
    cues : tuple of str
        Names of ``[cues.<name>]`` lexicon sections to count.
    window : int
        A target counts when it is at most this many words before or after the cue; a cue
        with no target within the window is not counted.
    lexicon_path : str or None
        A lexicon TOML file; None uses the packaged lexicon.
    log_scale : bool
        Transform counts with ``log1p``.

    Input: an iterable of strings. Output: array of shape (n_texts, len(cues) * n_sides), the
    columns named ``<cue>@<side>``. Attributes after ``fit``: ``sides_`` and ``names_``, and the
    terms as plain data (``cue_terms_``, ``target_terms_``) so that a saved model carries them.
    """

    def __init__(self, cues=("opposition", "condemnation", "pledge"), window=8, lexicon_path=None, log_scale=True):
        self.cues = cues
        self.window = window
        self.lexicon_path = lexicon_path
        self.log_scale = log_scale

    def fit(self, X=None, y=None):
        lexicon = load_lexicon(self.lexicon_path)
        targets, cues = lexicon.get("targets", {}), lexicon.get("cues", {})
        missing = [c for c in self.cues if c not in cues]
        if missing or not targets:
            raise ValueError(f"the lexicon needs [targets.<side>] sections and the cue sections {list(self.cues)}; "
                             f"missing: {missing or '[targets]'}")
        self.sides_ = list(targets)
        self.target_terms_ = [list(targets[side]["terms"]) for side in self.sides_]
        self.cue_terms_ = [list(cues[name]["terms"]) for name in self.cues]
        self.names_ = [f"{cue}@{side}" for cue in self.cues for side in self.sides_]
        return self

    def _count(self, text, cue_patterns, target_patterns):
        starts = [m.start() for m in WORD.finditer(text)]

        def word_index(offset):
            return bisect_right(starts, offset) - 1

        targets = [(word_index(m.start()), side) for side, p in enumerate(target_patterns) for m in p.finditer(text)]
        row = np.zeros((len(cue_patterns), len(target_patterns)))
        if not targets:
            return row.ravel()
        positions = np.array([t[0] for t in targets])
        sides = [t[1] for t in targets]
        for c, pattern in enumerate(cue_patterns):
            for match in pattern.finditer(text):
                distance = np.abs(positions - word_index(match.start()))
                nearest = int(np.argmin(distance))
                if distance[nearest] <= self.window:
                    row[c, sides[nearest]] += 1
        return row.ravel()

    def transform(self, X):
        check_is_fitted(self, "names_")
        cue_patterns = [term_pattern(tuple(t)) for t in self.cue_terms_]
        target_patterns = [term_pattern(tuple(t)) for t in self.target_terms_]
        settings = repr((self.cue_terms_, self.target_terms_, self.window))
        namespace = "targeted:" + hashlib.sha1(settings.encode("utf-8")).hexdigest()

        def count(texts):
            return [self._count(t, cue_patterns, target_patterns) for t in texts]

        counts = ROWS.rows(namespace, _as_texts(X), count, len(self.names_))
        return np.log1p(counts) if self.log_scale else counts

    def get_feature_names_out(self, input_features=None):
        check_is_fitted(self, "names_")
        return np.array([f"targeted:{n}" for n in self.names_], dtype=object)
