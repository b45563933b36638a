"""stance: topic, tone and stance labels for texts about supporting Ukraine."""

from .corpus import load_corpus
from .errors import StanceInputError
from .models.persistence import load_classifier
from .segment import split_sentences
from .annotations import load_annotations

__version__ = "0.1.0"

__all__ = ["StanceInputError", "load_annotations", "load_classifier", "load_corpus", "split_sentences", "__version__"]
