"""SetFit-style sentence encoder: all-MiniLM-L6-v2 fine-tuned contrastively on the training labels.

SetFit (Tunstall et al., 2022) fine-tunes a sentence encoder on pairs of labelled sentences (same label:
cosine similarity pulled to 1, different labels: pushed to 0), then fits a linear head on the new
embeddings. :class:`FineTunedEmbeddings` is the first half as a scikit-learn transformer; the package's
linear task models are the heads. The ``setfit`` package itself is not used: it pins its own
sentence-transformers and training stack, while this loop needs only torch and the encoder the package
already ships (a dozen lines).

The fine-tuned weights are fitted state (``weights_``: float16 arrays, about 45 MB), so a model saved
with skops carries them as plain arrays: loading them runs no code.
"""

import hashlib
from collections import OrderedDict

import numpy as np
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.utils.validation import check_is_fitted

from .cache import ROWS
from .embeddings import EMBEDDING_DIM, _model
from .texts import as_texts

# Encoders rebuilt from fitted weights, by digest; a few only (each holds about 90 MB), the most recent kept.
_ENCODERS = OrderedDict()
_MAX_ENCODERS = 2


def contrastive_pairs(labels, n_pairs, rng):
    """Draw ``n_pairs`` index pairs, half of the same label and half of different labels.

    The label of each pair is drawn uniformly over the classes, so a rare class (critical stance) is
    in as many pairs as a common one. Returns ``(left, right, target)`` arrays, target 1.0 or 0.0.
    """
    labels = np.asarray(labels)
    classes = np.unique(labels)
    members = {c: np.flatnonzero(labels == c) for c in classes}
    left, right, target = [], [], []
    for k in range(n_pairs):
        c = classes[rng.integers(len(classes))]
        a = members[c][rng.integers(len(members[c]))]
        if k % 2 == 0 and len(members[c]) > 1:
            b = members[c][rng.integers(len(members[c]))]
            left.append(a), right.append(b), target.append(1.0)
        else:
            others = np.flatnonzero(labels != c)
            if len(others) == 0:
                continue
            left.append(a), right.append(others[rng.integers(len(others))]), target.append(0.0)
    return np.array(left, dtype=int), np.array(right, dtype=int), np.array(target, dtype=np.float32)


class FineTunedEmbeddings(TransformerMixin, BaseEstimator):
    """all-MiniLM-L6-v2 fine-tuned on labelled pairs (SetFit's first stage), then used as embeddings.

    Parameters
    ----------
    n_pairs : int
        Training pairs drawn from the labelled texts (half same-label, half different-label). 1,000 by
        default: on two CPU cores one pass over them takes minutes, so that a leave-one-corpus-out run
        (seven fine-tunings) fits in an hour; SetFit's few-shot setting uses fewer still.
    epochs : int
        Passes over the pairs.
    batch_size : int
    learning_rate : float
        AdamW learning rate.
    random_state : int or None
        Seeds the pair draw and torch (None: fresh entropy, not reproducible).

    ``fit(X, y)``: X an iterable of strings, y one label per text (any hashable; the classifier
    passes the joint stance and tone label). ``transform(X)``: array (n_texts, 384), L2-normalised.
    """

    def __init__(self, n_pairs=1000, epochs=1, batch_size=32, learning_rate=2e-5, random_state=0):
        self.n_pairs = n_pairs
        self.epochs = epochs
        self.batch_size = batch_size
        self.learning_rate = learning_rate
        self.random_state = random_state

    def fit(self, X, y=None):
        if y is None:
            raise ValueError("FineTunedEmbeddings needs labels: fit(texts, labels)")
        import torch

        texts = as_texts(X)
        # None: fresh entropy, as scikit-learn means it; torch needs the number itself.
        seed = int(np.random.SeedSequence().entropy % 2**63) if self.random_state is None else int(self.random_state)
        rng = np.random.default_rng(seed)
        torch.manual_seed(seed)
        encoder = _fresh_encoder()
        left, right, target = contrastive_pairs([str(v) for v in y], self.n_pairs, rng)
        optimiser = torch.optim.AdamW(encoder.parameters(), lr=self.learning_rate)
        encoder.train()
        for _ in range(self.epochs):
            order = rng.permutation(len(target))
            for start in range(0, len(order), self.batch_size):
                batch = order[start:start + self.batch_size]
                a = encoder(encoder.tokenize([texts[i] for i in left[batch]]))["sentence_embedding"]
                b = encoder(encoder.tokenize([texts[i] for i in right[batch]]))["sentence_embedding"]
                similarity = torch.nn.functional.cosine_similarity(a, b)
                loss = torch.nn.functional.mse_loss(similarity, torch.from_numpy(target[batch]))
                optimiser.zero_grad()
                loss.backward()
                optimiser.step()
        encoder.eval()
        self.weights_ = {k: v.detach().to(torch.float16).numpy() for k, v in encoder.state_dict().items()}
        self.digest_ = hashlib.sha1(b"".join(w.tobytes() for w in self.weights_.values())).hexdigest()[:16]
        # The trained float32 encoder is dropped: embeddings come from the stored float16 weights, so that
        # this model embeds the same before and after it is saved and loaded.
        del encoder, optimiser
        self.n_features_out_ = EMBEDDING_DIM
        return self

    def _encoder(self):
        check_is_fitted(self, "weights_")
        if self.digest_ not in _ENCODERS:
            import torch

            encoder = _fresh_encoder()
            encoder.load_state_dict({k: torch.from_numpy(np.asarray(v, dtype=np.float32)) for k, v in self.weights_.items()})
            encoder.eval()
            _ENCODERS[self.digest_] = encoder
            while len(_ENCODERS) > _MAX_ENCODERS:
                _ENCODERS.popitem(last=False)
        _ENCODERS.move_to_end(self.digest_)
        return _ENCODERS[self.digest_]

    def transform(self, X):
        encoder = self._encoder()

        def encode(missing):
            return encoder.encode(missing, batch_size=64, normalize_embeddings=True, show_progress_bar=False,
                                  convert_to_numpy=True)

        return ROWS.rows(f"finetuned:{self.digest_}", as_texts(X), encode, EMBEDDING_DIM, dtype=np.float32)

    def get_feature_names_out(self, input_features=None):
        return np.array([f"finetuned:{i}" for i in range(EMBEDDING_DIM)], dtype=object)


def _fresh_encoder():
    """A new copy of the shipped all-MiniLM-L6-v2 (the shared one stays untouched)."""
    import copy

    return copy.deepcopy(_model("all-MiniLM-L6-v2"))
