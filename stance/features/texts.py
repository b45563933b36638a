"""The texts an estimator is given, as a list of strings: the one input check every feature and model shares."""

import numpy as np


def refuse_single_string(X):
    """Raise TypeError when ``X`` is a single string: iterating it would label each of its characters."""
    if isinstance(X, (str, bytes)):
        raise TypeError("expected a list of texts, got a single string; wrap it in a list: [text]")


def as_texts(X):
    """One string per row, from an iterable of strings or an array with a single column (a single
    string is refused, see :func:`refuse_single_string`)."""
    refuse_single_string(X)
    if isinstance(X, np.ndarray):
        if X.ndim > 2 or (X.ndim == 2 and X.shape[1] != 1):
            raise ValueError(f"expected one text per row, got an array of shape {X.shape}")
        X = X.ravel()
    return [str(x) for x in X]
