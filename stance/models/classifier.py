"""The labeller: three task models behind one object, and the catalogue of model specs.

A :class:`StanceClassifier` holds a topic model (indicator matrix over the topics of
:data:`stance.labels.SCHEME`) and a model per single-label task of the scheme (tone, stance). It labels
sentences (:meth:`label_sentences`) and articles (:meth:`label_articles`,
aggregated by the rules of the label scheme) and says why (:meth:`explain`).
"""

import numpy as np
import pandas as pd

from ..labels import SCHEME, TOPICS, aggregate_articles, topic_matrix
from .baselines import KeywordTopics, MajorityClass, VaderTone, ZeroShotSimilarity
from ..features import FAMILIES, make_features
from .estimators import CalibratedLinear, MultiLabelThresholds

TASKS = SCHEME.tasks
LABEL_COLUMNS = [*(f"p_{t}" for t in TOPICS), "topics", *SCHEME.score_columns()]
# Every probability the models give: topic presence, and the tone and stance distributions.
PROBA_COLUMNS = SCHEME.proba_columns()


class ModelSpec:
    """A model of the catalogue: the feature families it reads (None: the raw texts, for
    baselines) and a factory of fresh, unfitted task estimators ``{task: estimator}``."""

    def __init__(self, families, build):
        self.families = families
        self.build = build


def _linear(families, decision="argmax"):
    return ModelSpec(families, lambda: {
        "topics": MultiLabelThresholds(CalibratedLinear()),
        **{t.name: CalibratedLinear(decision=decision) for t in SCHEME.single},
    })


# Every model the experiments compare.
MODEL_SPECS = {
    "majority": ModelSpec(None, lambda: {t: MajorityClass() for t in TASKS}),
    "keywords_vader": ModelSpec(None, lambda: {"topics": KeywordTopics(), "tone": VaderTone(), "stance": MajorityClass()}),
    "zero_shot": ModelSpec(None, lambda: {t: ZeroShotSimilarity(t) for t in TASKS}),
    "lexicon": _linear(("lexicon", "cues", "vader")),
    "tfidf": _linear(("word", "char")),
    "embeddings": _linear(("embeddings",)),
    "combined": _linear(("word", "lexicon", "cues", "vader", "embeddings")),
    "combined_lexical": _linear(("word", "char", "lexicon", "cues", "vader")),
    # The same models deciding tone and stance by probability over class share (rare classes win more often).
    "combined_balanced": _linear(("word", "lexicon", "cues", "vader", "embeddings"), decision="balanced"),
    "combined_descriptions": _linear(("word", "lexicon", "cues", "vader", "embeddings", "descriptions")),
    # all-MiniLM-L6-v2 fine-tuned SetFit-style on the training labels in place of the frozen encoder.
    "combined_finetuned": _linear(("word", "lexicon", "cues", "vader", "finetuned")),
    "combined_finetuned_balanced": _linear(("word", "lexicon", "cues", "vader", "finetuned"), decision="balanced"),
}


FAMILY_SPEC_PREFIX = "families:"


def model_spec(name):
    """The :class:`ModelSpec` of a catalogue name, or of ``"families:word,lexicon,..."``
    (a linear model on any combination of feature families, as ablations use)."""
    if name in MODEL_SPECS:
        return MODEL_SPECS[name]
    if isinstance(name, str) and name.startswith(FAMILY_SPEC_PREFIX):
        families = tuple(f for f in name[len(FAMILY_SPEC_PREFIX):].split(",") if f)
        unknown = [f for f in families if f not in FAMILIES]
        if families and not unknown:
            return _linear(families)
        raise ValueError(f"unknown feature families in {name!r}: {unknown or 'none given'}; choose from {', '.join(FAMILIES)}")
    raise ValueError(f"unknown model {name!r}; choose from {', '.join(MODEL_SPECS)} or '{FAMILY_SPEC_PREFIX}<family>,...'")


def families_spec(families):
    """The spec name of a linear model on ``families``."""
    return FAMILY_SPEC_PREFIX + ",".join(families)


# The spec of the shipped default, chosen from an experiment run
# (experiments/select_default_model.py writes the model and docs/model_selection.md).
DEFAULT_SPEC = "combined"
# Models without training of their own: the references every trained model must beat.
BASELINES = ("majority", "keywords_vader", "zero_shot")


def _class_proba(model, X, labels):
    """Probabilities in the order of ``labels`` (0 for a class the model never saw)."""
    proba = model.predict_proba(X)
    known = list(model.classes_)
    return np.column_stack([proba[:, known.index(c)] if c in known else np.zeros(len(proba)) for c in labels])


class StanceClassifier:
    """Topic, tone and stance models behind one labelling interface.

    The spec's feature families are fitted once on the training texts (``features``)
    and their matrix is shared by the three task models (``models``).

    Parameters
    ----------
    spec : str
        A key of :data:`MODEL_SPECS`.
    metadata : dict, optional
        Recorded with the model when saved (scheme version, training data, metrics).
    """

    def __init__(self, spec=DEFAULT_SPEC, metadata=None):
        model_spec(spec)  # fails early on an unknown spec
        self.spec = spec
        self.metadata = dict(metadata or {})
        self.features = None
        self.models = None

    def fit(self, texts, topics, tone, stance):
        """Train on sentences: ``texts`` (strings), ``topics`` (lists), ``tone`` and ``stance`` (labels)."""
        texts = [str(t) for t in texts]
        spec = model_spec(self.spec)
        self.features = make_features(spec.families) if spec.families else None
        # Feature families that learn from labels (the SetFit-style encoder) get the joint stance and tone
        # label of each text; the others ignore it.
        joint = [f"{s}|{t}" for s, t in zip(stance, tone)]
        inputs = self.features.fit_transform(texts, joint) if self.features is not None else texts
        models = spec.build()
        models["topics"].fit(inputs, topic_matrix(topics))
        models["tone"].fit(inputs, np.asarray(tone))
        models["stance"].fit(inputs, np.asarray(stance))
        self.models = models
        return self

    def _inputs(self, texts):
        """What the task models read: the feature matrix, or the texts for a baseline."""
        return self.features.transform(texts) if self.features is not None else texts

    def _check_fitted(self):
        if self.models is None:
            raise RuntimeError("this StanceClassifier is not trained; call fit() or stance.load_classifier()")

    def predict(self, texts, proba=False):
        """Label a list of strings.

        Returns
        -------
        pandas.DataFrame
            :data:`LABEL_COLUMNS`; with ``proba``, also every probability of tone and stance
            (``p_tone_<class>``, ``p_stance_<class>``: all of :data:`PROBA_COLUMNS`).
        """
        self._check_fitted()
        texts = [str(t) for t in texts]
        if not texts:
            return pd.DataFrame(columns=LABEL_COLUMNS + ([c for c in PROBA_COLUMNS if c not in LABEL_COLUMNS] if proba else []))
        inputs = self._inputs(texts)
        topic_proba = self.models["topics"].predict_proba(inputs)
        # Every topic model decides by a threshold on its probabilities (per topic when it has chosen one).
        topic_flags = topic_proba >= getattr(self.models["topics"], "thresholds_", 0.5)
        frame = pd.DataFrame({f"p_{t}": topic_proba[:, i] for i, t in enumerate(TOPICS)})
        frame["topics"] = SCHEME.decode_topics(topic_flags)
        distributions = {}
        for task in SCHEME.single:
            model = self.models[task.name]
            distributions[task] = _class_proba(model, inputs, task.classes)
            # Each task model decides its class (by its own rule, e.g. the balanced decision of CalibratedLinear).
            frame[task.name] = np.asarray(model.predict(inputs), dtype=object)
            frame[f"{task.name}_score"] = task.expected_score(distributions[task])
        if proba:
            for task, values in distributions.items():
                for i, label in enumerate(task.classes):
                    frame[f"p_{task.name}_{label}"] = values[:, i]
        return frame

    def label_sentences(self, sentences):
        """Label sentences.

        Parameters
        ----------
        sentences : list of str or pandas.DataFrame
            Strings, or the sentence table (from :func:`stance.split_sentences`);
            boilerplate rows of a table are kept but get no labels.

        Returns
        -------
        pandas.DataFrame
            The input columns (or ``text``) plus ``p_military_aid,
            p_nato_membership, p_reconstruction, topics, tone, tone_score, stance,
            stance_score`` and the tone and stance distributions ``p_tone_<class>,
            p_stance_<class>`` (what ``stance measure --labels`` corrects).
        """
        if not isinstance(sentences, pd.DataFrame):
            texts = [str(s) for s in sentences]
            return pd.concat([pd.DataFrame({"text": texts}), self.predict(texts, proba=True)], axis=1)
        frame = sentences.reset_index(drop=True)
        mask = ~frame["boilerplate"].astype(bool) if "boilerplate" in frame else pd.Series(True, index=frame.index)
        labels = self.predict(frame.loc[mask, "text"].tolist(), proba=True)
        labels.index = frame.index[mask]
        labels = labels.reindex(frame.index)
        labels["topics"] = [ts if isinstance(ts, list) else [] for ts in labels["topics"]]
        single = [t.name for t in SCHEME.single]
        labels[single] = labels[single].fillna("")
        return pd.concat([frame, labels], axis=1)

    def label_articles(self, articles, sentences=None):
        """Label articles: split, label the sentences and aggregate them (docs/annotation_guideline.md, "Article level").

        Returns
        -------
        pandas.DataFrame
            One row per article: ``article_id, title, n_sentences, topics,
            main_topic, share_<topic>..., tone, tone_score, stance, stance_score,
            sentence_ids``.
        """
        from ..segment import split_sentences

        if sentences is None:
            sentences = split_sentences(articles)
        return aggregate_articles(self.label_sentences(sentences), articles)

    def explain(self, text, top=5):
        """Say which words and features drove each label of one sentence.

        Returns
        -------
        dict
            ``labels`` (the prediction), ``lexicon`` (matched topic terms and
            stance cues) and, for linear models, ``features``: per task and
            label, the ``top`` features that pushed hardest toward it.
        """
        from ..features.lexicon import LexiconCounts

        self._check_fitted()
        labels = self.predict([text]).iloc[0].to_dict()
        lexicon = {**LexiconCounts("topics").fit().matches(text), **LexiconCounts("cues").fit().matches(text)}
        features = {}
        if self.features is not None:
            row = self.features.transform([text])
            row = row.toarray()[0] if hasattr(row, "toarray") else np.asarray(row)[0]
            names = self.features.get_feature_names_out()
            for task in TASKS:
                model = self.models[task]
                if isinstance(model, MultiLabelThresholds):
                    for topic, estimator in zip(TOPICS, model.estimators_):
                        features[f"topic:{topic}"] = _contributions(estimator, row, names, 1, top)
                elif isinstance(model, CalibratedLinear):
                    features[f"{task}:{labels[task]}"] = _contributions(model, row, names, labels[task], top)
        return {"text": text, "labels": labels, "lexicon": {k: v for k, v in lexicon.items() if v}, "features": features}


def _contributions(model, row, names, target, top):
    """Top features by contribution (value x coefficient) toward ``target``, averaged over calibration folds."""
    linears = model.linear_models()
    totals = np.zeros(len(row))
    for linear in linears:
        classes = list(linear.classes_)
        if target not in classes:
            continue
        if len(classes) == 2:
            coef = linear.coef_[0] * (1 if target == classes[1] else -1)
        else:
            coef = linear.coef_[classes.index(target)]
        totals += row * coef / len(linears)
    ranked = np.argsort(-totals)[:top]
    return [(str(names[i]), round(float(totals[i]), 4)) for i in ranked if totals[i] > 0]
