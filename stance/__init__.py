"""stance: topic, tone and stance labels for texts about supporting Ukraine.

The public API is imported on first use, so ``import stance`` stays fast and a
script that only labels text never imports what it does not need.
"""

import importlib

from .errors import StanceInputError

__version__ = "0.1.0"

_EXPORTS = {
    "load_corpus": ".ingest.corpus",
    "split_sentences": ".ingest.segment",
    "load_annotations": ".annotate.annotations",
    "load_classifier": ".models.persistence",
    "label_dask": ".distributed",
    "measure": ".quantify.prevalence",
}
__all__ = ["StanceInputError", "label_dask", "load_annotations", "load_classifier", "load_corpus", "measure",
           "split_sentences", "__version__"]


def __getattr__(name):
    if name in _EXPORTS:
        value = getattr(importlib.import_module(_EXPORTS[name], __name__), name)
        globals()[name] = value
        return value
    try:  # submodules, e.g. stance.labels
        return importlib.import_module(f".{name}", __name__)
    except ModuleNotFoundError as err:
        # Only a submodule that does not exist is a missing attribute; a module that the
        # submodule imports and that is not installed (a missing dependency) must surface.
        if err.name != f"{__name__}.{name}":
            raise
        raise AttributeError(f"module 'stance' has no attribute {name!r}") from None


def __dir__():
    return sorted(set(globals()) | set(__all__))
