"""Feature extractors, each a scikit-learn transformer from texts to a numeric matrix.

:func:`make_features` assembles the feature families by name:
``word`` and ``char`` (TF-IDF), ``lexicon`` (topic terms), ``cues`` (stance cues),
``targeted`` (stance cues by the side they are aimed at), ``vader``, ``embeddings``, ``descriptions`` (similarity to the label descriptions) and ``finetuned``
(the encoder fine-tuned SetFit-style on the training labels; it needs them: ``fit(texts, labels)``).
"""

from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.pipeline import FeatureUnion

from .embeddings import DescriptionSimilarity, SentenceEmbeddings
from .lexicon import LexiconCounts, load_lexicon
from .targets import TargetedCues
from .vader import VaderScores

FAMILIES = ("word", "char", "lexicon", "cues", "targeted", "vader", "embeddings", "descriptions", "finetuned")


def make_family(name, lexicon_path=None):
    """Return a fresh transformer for one feature family."""
    if name == "word":
        return TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True, min_df=1, lowercase=True)
    if name == "char":
        return TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 5), sublinear_tf=True, min_df=2)
    if name == "lexicon":
        return LexiconCounts("topics", lexicon_path)
    if name == "cues":
        return LexiconCounts("cues", lexicon_path)
    if name == "targeted":
        return TargetedCues(lexicon_path=lexicon_path)
    if name == "vader":
        return VaderScores()
    if name == "embeddings":
        return SentenceEmbeddings()
    if name == "descriptions":
        return DescriptionSimilarity(lexicon_path)
    if name == "finetuned":
        from .finetuned import FineTunedEmbeddings

        return FineTunedEmbeddings()
    raise ValueError(f"unknown feature family {name!r}; choose from {', '.join(FAMILIES)}")


def make_features(families, lexicon_path=None):
    """Return a FeatureUnion of the named families (texts in, one matrix out)."""
    return FeatureUnion([(name, make_family(name, lexicon_path)) for name in families])


__all__ = ["FAMILIES", "DescriptionSimilarity", "LexiconCounts", "SentenceEmbeddings", "TargetedCues", "VaderScores", "load_lexicon", "make_family", "make_features"]
