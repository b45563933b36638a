"""Target-dependent stance cues: a cue counted by the side of the war it is aimed at.

The same cue carries opposite stances by its target: "a corrupt dictator" is supportive of
Ukraine about Putin and critical about Zelensky; "we oppose" is supportive before "Russia's
aggression" and critical before "another aid package". A plain count of the cue (the ``cues``
family) cannot tell them apart, and the gold teaches it the majority reading (opposition words
are mostly aimed at Russia there). This family counts each match of a cue section by the side
named by the nearest target mention within a few words, as target-dependent sentiment models do.
Nearness stands in for syntax: "Russia's invasion of Ukraine is illegal" aims "illegal" at the
nearer mention, Ukraine; the model weighs these counts beside the other features.

The target terms are data: ``[targets.<side>]`` sections of the lexicon (``ukraine``: the country,
its leaders and the support it receives; ``russia``: Russia and its leaders).
"""

import re
from bisect import bisect_right
from numbers import Integral

import numpy as np
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.utils.validation import check_is_fitted

from .lexicon import cached_counts, load_lexicon, term_pattern

WORD = re.compile(r"\S+")


class TargetedCues(TransformerMixin, BaseEstimator):
    """Count cue matches by the side of their nearest target mention.

    Parameters
    ----------
    cues : tuple of str
        Names of ``[cues.<name>]`` lexicon sections to count.
    window : int
        A target counts when it is at most this many words before the cue's first word or
        after its last; a cue with no target within the window is not counted, a cue with
        targets of two sides at the same distance counts half for each. Target words inside
        the cue itself ("stop funding", "blank cheque") are not its target.
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
        if not isinstance(self.window, Integral) or self.window < 0:
            raise ValueError(f"window must be a whole number of words >= 0, got {self.window!r}")
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

        def words(match):  # the first and last word a match covers
            return bisect_right(starts, match.start()) - 1, bisect_right(starts, match.end() - 1) - 1

        targets = [(match.span(), words(match)[0], side)
                   for side, pattern in enumerate(target_patterns) for match in pattern.finditer(text)]
        row = np.zeros((len(cue_patterns), len(target_patterns)))
        for c, pattern in enumerate(cue_patterns):
            for cue in pattern.finditer(text):
                first, last = words(cue)
                # A target inside the cue ("stop funding", "blank cheque") says nothing of its aim.
                around = [(max(first - word, word - last, 0), side) for (start, end), word, side in targets
                          if end <= cue.start() or start >= cue.end()]
                if not around:
                    continue
                nearest = min(distance for distance, _ in around)
                if nearest > self.window:
                    continue
                sides = {side for distance, side in around if distance == nearest}
                for side in sides:  # a tie between sides counts half for each
                    row[c, side] += 1 / len(sides)
        return row.ravel()

    def transform(self, X):
        check_is_fitted(self, "names_")
        cue_patterns = [term_pattern(tuple(t)) for t in self.cue_terms_]
        target_patterns = [term_pattern(tuple(t)) for t in self.target_terms_]

        def count(texts):
            return [self._count(t, cue_patterns, target_patterns) for t in texts]

        settings = (self.cue_terms_, self.target_terms_, self.window)
        return cached_counts("targeted", settings, X, count, len(self.names_), self.log_scale)

    def get_feature_names_out(self, input_features=None):
        check_is_fitted(self, "names_")
        return np.array([f"targeted:{n}" for n in self.names_], dtype=object)
