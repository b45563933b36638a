"""A bounded in-memory cache of feature rows keyed by the text they were computed from.

Cross-validation refits the same features on the same sentences many times; the
costly per-text families (VADER, lexicon matches, embeddings) look their rows up
here instead. The cache is bounded (least recently used rows are dropped), so
labelling a million sentences does not keep a million rows in memory.
"""

import hashlib
from collections import OrderedDict

import numpy as np


class RowCache:
    """Map texts to feature rows, computing only the rows not cached yet.

    Parameters
    ----------
    maxsize : int
        Rows kept; the least recently used are evicted beyond this.
    """

    def __init__(self, maxsize=50_000):
        self.maxsize = maxsize
        self._rows = OrderedDict()

    @staticmethod
    def key(namespace, text):
        return hashlib.sha1(f"{namespace}\x00{text}".encode("utf-8")).digest()

    def rows(self, namespace, texts, compute, width, dtype=float):
        """Return an array (len(texts), width) of rows for ``texts``.

        ``compute`` takes a list of distinct uncached texts and returns their rows;
        ``namespace`` separates the rows of different extractors or settings.
        """
        keys = [self.key(namespace, t) for t in texts]
        found = {}
        missing = {}
        for text, key in zip(texts, keys):
            if key in found or key in missing:
                continue
            row = self._rows.get(key)
            if row is None:
                missing[key] = text
            else:
                self._rows.move_to_end(key)
                found[key] = row
        if missing:
            computed = np.asarray(compute(list(missing.values())), dtype=dtype).reshape(len(missing), width)
            for key, row in zip(missing, computed):
                found[key] = row
                self._rows[key] = row
            while len(self._rows) > self.maxsize:
                self._rows.popitem(last=False)
        if not texts:
            return np.zeros((0, width), dtype=dtype)
        return np.vstack([found[k] for k in keys]).astype(dtype, copy=False)

    def clear(self):
        self._rows.clear()

    def __len__(self):
        return len(self._rows)


ROWS = RowCache()
