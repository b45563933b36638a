"""Saving and loading classifiers with ``skops.io``: no pickle, an explicit list of trusted types.

A model file holds ``{"metadata": {...}, "classifier": StanceClassifier}``. The
metadata records the label-scheme version, the training-data hash, the package
version and the cross-validated metrics. Loading refuses a file that is not a
skops archive, that names a type outside :data:`TRUSTED_TYPES` (which could run
code), or that was trained for another scheme version.
"""

import hashlib
import zipfile
from importlib import resources
from pathlib import Path

from ..errors import StanceInputError
from ..io import atomic_path
from ..labels import SCHEME_VERSION

MODEL_FILE = "model.skops"
TRUSTED_TYPES = sorted([
    "sklearn.calibration._CalibratedClassifier",
    "sklearn.calibration._SigmoidCalibration",
    "sklearn.dummy.DummyClassifier",
    "sklearn.model_selection._split.StratifiedKFold",
    "sklearn.feature_extraction.text.TfidfVectorizer",
    "sklearn.feature_extraction.text.TfidfTransformer",
    "sklearn.feature_extraction.text.CountVectorizer",
    "stance.features.embeddings.DescriptionSimilarity",
    "stance.features.embeddings.SentenceEmbeddings",
    "stance.features.finetuned.FineTunedEmbeddings",
    "stance.features.lexicon.LexiconCounts",
    "stance.features.targets.TargetedCues",
    "stance.features.vader.VaderScores",
    "stance.models.baselines.KeywordTopics",
    "stance.models.baselines.MajorityClass",
    "stance.models.baselines.VaderTone",
    "stance.models.baselines.ZeroShotSimilarity",
    "stance.models.classifier.StanceClassifier",
    "stance.models.estimators.CalibratedLinear",
    "stance.models.estimators.MultiLabelThresholds",
])


def _skops_io():
    """Import ``skops.io`` without importing torch.

    On import, skops builds its list of trusted scikit-learn types by importing every
    scikit-learn module; one of them (an array-API shim) imports torch when torch is
    installed, which costs seconds and holds no estimator. Hiding that one module while
    skops walks the package skips it (the walk ignores modules that fail to import).
    """
    import sys

    shim = "sklearn.externals.array_api_compat.torch"
    hide = shim not in sys.modules
    if hide:
        sys.modules[shim] = None
    try:
        import skops.io
    finally:
        if hide and sys.modules.get(shim, "") is None:
            del sys.modules[shim]
    return skops.io


def default_model_path():
    """Path of the default model shipped inside the package."""
    return Path(str(resources.files("stance") / "data" / "default_model.skops"))


def data_hash(frame):
    """SHA-256 of the training rows (text and labels), to trace a model to its data."""
    digest = hashlib.sha256()
    for row in frame[["text", "topics", "tone", "stance"]].itertuples(index=False):
        digest.update(repr((row.text, list(row.topics), row.tone, row.stance)).encode("utf-8"))
    return digest.hexdigest()


def model_metadata(classifier):
    """The metadata a classifier was loaded with (``metadata_``, set by :func:`load_classifier`);
    empty for a classifier fitted in this session and never saved."""
    return dict(getattr(classifier, "metadata_", None) or {})


def save_classifier(classifier, path, metadata=None):
    """Write a fitted ``classifier`` and its ``metadata`` (a dict, e.g. from
    :func:`stance.training.train_classifier`; None: the metadata it was loaded with) to ``path``
    atomically; return the path.

    The label-scheme and package versions are added to the metadata; the classifier itself
    is not changed.
    """
    from .. import __version__

    sio = _skops_io()
    metadata = {**(model_metadata(classifier) if metadata is None else metadata), "scheme_version": SCHEME_VERSION,
                "package_version": __version__}
    with atomic_path(path) as tmp:
        sio.dump({"metadata": metadata, "classifier": classifier}, tmp)
    return Path(path)


def load_classifier(path=None):
    """Load a classifier saved by :func:`save_classifier`.

    Parameters
    ----------
    path : str, Path or None
        A model file, a folder holding ``model.skops`` (as ``stance train`` writes),
        or None for the shipped default.

    Returns
    -------
    StanceClassifier
        Fitted, with the metadata it was saved with as ``metadata_`` (read it with
        :func:`model_metadata`).

    Raises
    ------
    StanceInputError
        For a missing or corrupt file, untrusted types, or another scheme version.
    """
    sio = _skops_io()
    path = default_model_path() if path is None else Path(path)
    if path.is_dir():
        path = path / MODEL_FILE
    if not path.exists():
        raise StanceInputError(path, "no such model file")
    try:
        untrusted = set(sio.get_untrusted_types(file=path)) - set(TRUSTED_TYPES)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as err:
        raise StanceInputError(path, f"not a stance model file (corrupt or not a skops archive: {err})") from None
    if untrusted:
        raise StanceInputError(path, f"refusing to load untrusted types: {', '.join(sorted(untrusted))}")
    try:
        content = sio.load(path, trusted=TRUSTED_TYPES)
    except Exception as err:  # skops raises many types for a damaged archive
        raise StanceInputError(path, f"not a stance model file ({type(err).__name__}: {err})") from None
    from .classifier import StanceClassifier

    if not isinstance(content, dict) or not isinstance(content.get("classifier"), StanceClassifier):
        raise StanceInputError(path, "not a stance model file (no classifier inside)")
    version = content.get("metadata", {}).get("scheme_version")
    if version != SCHEME_VERSION:
        raise StanceInputError(path, f"model was trained for label scheme version {version!r}, this package uses {SCHEME_VERSION!r}")
    classifier = content["classifier"]
    classifier.metadata_ = content["metadata"]
    return classifier
