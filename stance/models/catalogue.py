"""The catalogue: names of the models the experiments compare, each a factory of a fresh
:class:`~stance.models.classifier.StanceClassifier`.

``make_model(DEFAULT_MODEL)`` builds the shipped default's model (``"combined_targeted"``); ``make_model("families:word,lexicon")``
a linear model on any combination of feature families (as ablations use). Evaluation, training and
``stance train`` accept a catalogue name or any estimator object.
"""

from sklearn.base import clone

from ..features import FAMILIES, make_features
from ..labels import SCHEME
from .baselines import KeywordTopics, MajorityClass, VaderTone, ZeroShotSimilarity
from .classifier import DEFAULT_FAMILIES, PASSTHROUGH, StanceClassifier
from .estimators import CalibratedLinear, MultiLabelThresholds


def linear_model(families, decision="argmax", random_state=0, C=4.0):
    """Class-weighted calibrated logistic regressions (topic thresholds by inner CV) on ``families``;
    ``decision`` and ``C`` as :class:`CalibratedLinear` takes them."""
    return StanceClassifier(features=make_features(families),
                            topic_estimator=MultiLabelThresholds(CalibratedLinear(C=C)),
                            **{f"{t.name}_estimator": CalibratedLinear(C=C, decision=decision) for t in SCHEME.single},
                            random_state=random_state)


def _baseline(topics, tone, stance):
    return lambda random_state=0: StanceClassifier(PASSTHROUGH, topics(), tone(), stance(), random_state=random_state)


def _linear(families, decision="argmax", C=4.0):
    return lambda random_state=0: linear_model(families, decision, random_state, C)


# Every model the experiments compare: name -> factory(random_state) of an unfitted estimator.
CATALOGUE = {
    "majority": _baseline(MajorityClass, MajorityClass, MajorityClass),
    "keywords_vader": _baseline(KeywordTopics, VaderTone, MajorityClass),
    "zero_shot": _baseline(lambda: ZeroShotSimilarity("topics"), lambda: ZeroShotSimilarity("tone"),
                           lambda: ZeroShotSimilarity("stance")),
    "lexicon": _linear(("lexicon", "cues", "vader")),
    "tfidf": _linear(("word", "char")),
    "embeddings": _linear(("embeddings",)),
    "combined": _linear(DEFAULT_FAMILIES),
    "combined_lexical": _linear(("word", "char", "lexicon", "cues", "vader")),
    # The same models deciding tone and stance by probability over class share (rare classes win more often).
    "combined_balanced": _linear(DEFAULT_FAMILIES, decision="balanced"),
    # Stance cues counted by the side of the war they are aimed at ("corrupt" next to Zelensky or to Putin).
    "combined_targeted": _linear((*DEFAULT_FAMILIES, "targeted")),
    "combined_targeted_balanced": _linear((*DEFAULT_FAMILIES, "targeted"), decision="balanced"),
    # Domain-general features only (no word TF-IDF, whose vocabulary is a corpus's own), and stronger
    # regularisation: candidates for text from sources the training gold does not hold.
    "combined_targeted_general": _linear(("lexicon", "cues", "targeted", "vader", "embeddings")),
    "combined_targeted_c1": _linear((*DEFAULT_FAMILIES, "targeted"), C=1.0),
    # Half way between the most probable class and the balanced decision (prior power 0.5).
    "combined_targeted_half": _linear((*DEFAULT_FAMILIES, "targeted"), decision=0.5),
    "combined_descriptions": _linear((*DEFAULT_FAMILIES, "descriptions")),
    "combined_targeted_descriptions": _linear((*DEFAULT_FAMILIES, "targeted", "descriptions")),
    # all-MiniLM-L6-v2 fine-tuned SetFit-style on the training labels in place of the frozen encoder.
    "combined_finetuned": _linear(("word", "lexicon", "cues", "vader", "finetuned")),
    "combined_finetuned_balanced": _linear(("word", "lexicon", "cues", "vader", "finetuned"), decision="balanced"),
}
FAMILY_PREFIX = "families:"
# The catalogue name of the shipped default, chosen from an experiment run
# (experiments/select_default_model.py writes the model and docs/model_selection.md).
DEFAULT_MODEL = "combined_targeted"
# Models without training of their own: the references every trained model must beat.
BASELINES = ("majority", "keywords_vader", "zero_shot")


def is_model_name(text):
    """Whether ``text`` has the form of a catalogue name (a known name or ``"families:..."``)."""
    return text in CATALOGUE or text.startswith(FAMILY_PREFIX)


def make_model(name=DEFAULT_MODEL, random_state=0):
    """A fresh, unfitted estimator for a catalogue name or ``"families:<family>,..."``.

    Raises
    ------
    ValueError
        For an unknown name or feature family, listing the known ones.
    """
    if name in CATALOGUE:
        return CATALOGUE[name](random_state=random_state)
    if isinstance(name, str) and name.startswith(FAMILY_PREFIX):
        families = tuple(f for f in name[len(FAMILY_PREFIX):].split(",") if f)
        unknown = [f for f in families if f not in FAMILIES]
        if families and not unknown:
            return linear_model(families, random_state=random_state)
        raise ValueError(f"unknown feature families in {name!r}: {unknown or 'none given'}; choose from {', '.join(FAMILIES)}")
    raise ValueError(f"unknown model {name!r}; choose from {', '.join(CATALOGUE)} or '{FAMILY_PREFIX}<family>,...'")


def check_model(model):
    """Fail early (ValueError) on a name that is not in the catalogue; an estimator passes."""
    if isinstance(model, str):
        make_model(model)
    return model


def resolve_model(model, random_state=None):
    """An unfitted estimator for ``model``: a catalogue name (built) or an estimator (cloned).
    ``random_state`` (when given) replaces the estimator's own."""
    if isinstance(model, str):
        return make_model(model, random_state=0 if random_state is None else random_state)
    estimator = clone(model)
    return estimator.set_params(random_state=random_state) if random_state is not None and "random_state" in estimator.get_params(deep=False) else estimator


def model_name(model):
    """How a model is named in results: its catalogue name, or its class name."""
    return model if isinstance(model, str) else type(model).__name__


def feature_families(model):
    """The feature family names of a model (the step names of its feature union; () for a baseline)."""
    features = resolve_model(model).features
    if features is None:
        return DEFAULT_FAMILIES
    return tuple(name for name, _ in getattr(features, "transformer_list", ()))
