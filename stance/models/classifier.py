"""The labeller: three task models behind one object, and the catalogue of model specs.

A :class:`StanceClassifier` holds a topic model (indicator matrix over
:data:`stance.labels.TOPICS`), a tone model and a stance model. It labels
sentences (:meth:`label_sentences`) and articles (:meth:`label_articles`,
aggregated by the rules of the label scheme) and says why (:meth:`explain`).
"""

import numpy as np
import pandas as pd

from ..labels import STANCES, TONES, TOPICS, aggregate_articles
from .baselines import KeywordTopics, MajorityClass, VaderTone, ZeroShotSimilarity
from .estimators import CalibratedLinear, MultiLabelThresholds

TASKS = ("topics", "tone", "stance")
LABEL_COLUMNS = [*(f"p_{t}" for t in TOPICS), "topics", "tone", "tone_score", "stance", "stance_score"]


def _linear(families):
    return lambda: {
        "topics": MultiLabelThresholds(CalibratedLinear(families)),
        "tone": CalibratedLinear(families),
        "stance": CalibratedLinear(families),
    }


# Every model the experiments compare; each builds fresh, unfitted task estimators.
MODEL_SPECS = {
    "majority": lambda: {"topics": MajorityClass(), "tone": MajorityClass(), "stance": MajorityClass()},
    "keywords_vader": lambda: {"topics": KeywordTopics(), "tone": VaderTone(), "stance": MajorityClass()},
    "zero_shot": lambda: {t: ZeroShotSimilarity(t) for t in TASKS},
    "lexicon": _linear(("lexicon", "cues", "vader")),
    "tfidf": _linear(("word", "char")),
    "embeddings": _linear(("embeddings",)),
    "combined": _linear(("word", "lexicon", "cues", "vader", "embeddings")),
    "combined_lexical": _linear(("word", "char", "lexicon", "cues", "vader")),
}


def topic_matrix(topic_lists):
    """Indicator matrix (n, len(TOPICS)) from a sequence of topic lists."""
    return np.array([[int(t in ts) for t in TOPICS] for ts in topic_lists], dtype=int).reshape(-1, len(TOPICS))


def _class_proba(model, X, labels):
    """Probabilities in the order of ``labels`` (0 for a class the model never saw)."""
    proba = model.predict_proba(X)
    known = list(model.classes_)
    return np.column_stack([proba[:, known.index(c)] if c in known else np.zeros(len(proba)) for c in labels])


class StanceClassifier:
    """Topic, tone and stance models behind one labelling interface.

    Parameters
    ----------
    spec : str
        A key of :data:`MODEL_SPECS`.
    metadata : dict, optional
        Recorded with the model when saved (scheme version, training data, metrics).
    """

    def __init__(self, spec="combined", metadata=None):
        if spec not in MODEL_SPECS:
            raise ValueError(f"unknown model {spec!r}; choose from {', '.join(MODEL_SPECS)}")
        self.spec = spec
        self.metadata = dict(metadata or {})
        self.models = None

    def fit(self, texts, topics, tone, stance):
        """Train on sentences: ``texts`` (strings), ``topics`` (lists), ``tone`` and ``stance`` (labels)."""
        texts = [str(t) for t in texts]
        models = MODEL_SPECS[self.spec]()
        models["topics"].fit(texts, topic_matrix(topics))
        models["tone"].fit(texts, np.asarray(tone))
        models["stance"].fit(texts, np.asarray(stance))
        self.models = models
        return self

    def _check_fitted(self):
        if self.models is None:
            raise RuntimeError("this StanceClassifier is not trained; call fit() or stance.load_classifier()")

    def predict(self, texts):
        """Label a list of strings; return a DataFrame with :data:`LABEL_COLUMNS`."""
        self._check_fitted()
        texts = [str(t) for t in texts]
        if not texts:
            return pd.DataFrame(columns=LABEL_COLUMNS)
        topic_proba = self.models["topics"].predict_proba(texts)
        topic_flags = self.models["topics"].predict(texts)
        tone = _class_proba(self.models["tone"], texts, TONES)
        stance = _class_proba(self.models["stance"], texts, STANCES)
        frame = pd.DataFrame({f"p_{t}": topic_proba[:, i] for i, t in enumerate(TOPICS)})
        frame["topics"] = [[t for t, flag in zip(TOPICS, row) if flag] for row in topic_flags]
        frame["tone"] = np.array(TONES)[tone.argmax(axis=1)]
        frame["tone_score"] = tone[:, TONES.index("positive")] - tone[:, TONES.index("negative")]
        frame["stance"] = np.array(STANCES)[stance.argmax(axis=1)]
        frame["stance_score"] = stance[:, STANCES.index("supportive")] - stance[:, STANCES.index("critical")]
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
            stance_score``.
        """
        if not isinstance(sentences, pd.DataFrame):
            texts = [str(s) for s in sentences]
            return pd.concat([pd.DataFrame({"text": texts}), self.predict(texts)], axis=1)
        frame = sentences.reset_index(drop=True)
        mask = ~frame["boilerplate"].astype(bool) if "boilerplate" in frame else pd.Series(True, index=frame.index)
        labels = self.predict(frame.loc[mask, "text"].tolist())
        labels.index = frame.index[mask]
        labels = labels.reindex(frame.index)
        labels["topics"] = [ts if isinstance(ts, list) else [] for ts in labels["topics"]]
        labels[["tone", "stance"]] = labels[["tone", "stance"]].fillna("")
        return pd.concat([frame, labels], axis=1)

    def label_articles(self, articles, sentences=None):
        """Label articles: split, label the sentences and aggregate them (labels.md, "Article level").

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
        for task in TASKS:
            model = self.models[task]
            if task == "topics" and isinstance(model, MultiLabelThresholds):
                for topic, estimator in zip(TOPICS, model.estimators_):
                    features[f"topic:{topic}"] = _contributions(estimator, text, 1, top)
            elif isinstance(model, CalibratedLinear):
                target = labels[task]
                features[f"{task}:{target}"] = _contributions(model, text, target, top)
        return {"text": text, "labels": labels, "lexicon": {k: v for k, v in lexicon.items() if v}, "features": features}


def _contributions(model, text, target, top):
    """Top features by contribution (value x coefficient) toward ``target``, averaged over calibration folds."""
    if not isinstance(model, CalibratedLinear):
        return []
    fitted = getattr(model.model_, "calibrated_classifiers_", None)
    pipelines = [c.estimator for c in fitted] if fitted else [model.model_]
    totals = {}
    for pipeline in pipelines:
        features, linear = pipeline[0], pipeline[-1]
        values = features.transform([text])
        values = values.toarray()[0] if hasattr(values, "toarray") else np.asarray(values)[0]
        classes = list(linear.classes_)
        if target not in classes:
            continue
        coef = linear.coef_[0] * (1 if target == classes[-1] else -1) if len(classes) == 2 else linear.coef_[classes.index(target)]
        names = features.get_feature_names_out()
        for i in np.flatnonzero(values):
            totals[names[i]] = totals.get(names[i], 0.0) + values[i] * coef[i] / len(pipelines)
    ranked = sorted(totals.items(), key=lambda kv: kv[1], reverse=True)[:top]
    return [(name, round(float(weight), 4)) for name, weight in ranked if weight > 0]
