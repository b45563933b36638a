"""Running a classification experiment: an :class:`ExperimentConfig` in, a :class:`RunResult` out.

:func:`run` reads the gold, the corpora's article metadata and the synthetic priors, trains and
scores every model under the config's design, and returns every table in memory; it writes
nothing (:func:`stance.experiments.registry.save_run` writes a run folder,
:mod:`stance.experiments.report` renders it).

Interval columns: ``RunResult.scores`` and ``metrics.json`` spell a 95% bootstrap interval
``ci95_low``/``ci95_high``; the per-label and per-corpus tables (from :mod:`stance.evaluate`)
hold one pair per score, ``<score>_low``/``<score>_high`` (e.g. ``f1_low``).
"""

from dataclasses import dataclass, field
from typing import Optional

import pandas as pd

from ..evaluate.analyses import ablation, learning_curve
from ..errors import StanceInputError
from ..evaluate.validation import (article_predictions, article_scores, compare_models, group_scores, per_label_table,
                                   score_models, select_rows)
from ..annotate.annotations import load_gold
from ..labels import TOPICS
from ..metrics import HEADLINE
from .config import ExperimentConfig
from .environment import environment
from .gold import load_articles, public_text, public_titles


@dataclass
class RunResult:
    """Everything a classification run measured, as data.

    Attributes
    ----------
    config : ExperimentConfig
    metrics : dict
        What ``metrics.json`` holds: the config name, main model, scheme and design, the scored
        annotation sets and samples, sentence and article counts, per model and metric
        ``{"value", "ci95_low", "ci95_high"}``, the article-level agreement of the main model and,
        for leave-one-corpus-out, the scores per held-out corpus.
    scores : pandas.DataFrame
        ``model, metric, value, ci95_low, ci95_high`` (the same numbers as ``metrics["models"]``).
    predictions : dict of str to pandas.DataFrame
        Per model, the out-of-fold sentence predictions (gold and predicted labels, probabilities).
    per_label : dict of str to pandas.DataFrame
        Per model, precision, recall and F1 per label (``f1_low``, ``f1_high``: 95% interval).
    articles : pandas.DataFrame
        Gold and predicted article aggregates of the main model (``articles.csv``).
    errors : pandas.DataFrame
        The main model's sentences with at least one wrong label (``errors.csv``; third-party text emptied).
    corpora, corpora_targeted : pandas.DataFrame or None
        Leave-one-corpus-out only: scores per held-out corpus and model, of the random samples (or
        census) and of the targeted samples.
    learning_curve, ablation : pandas.DataFrame or None
        The analyses of the main model, when enabled and the design is cross-validated.
    scheme : str
        The CV scheme (``config.cv.scheme``).
    design : str
        The design in words, for titles (``grouped 10-fold by article``, ``leave-one-article-out``,
        ``leave-one-corpus-out``, ``cross-source train-test``).
    article_meta : pandas.DataFrame or None
        The corpora's article metadata (date, source) the figures group by; not stored.
    environment : dict
        Python, package versions, git commit and CPU count of the process that ran it.
    """

    config: ExperimentConfig
    metrics: dict
    scores: pd.DataFrame
    predictions: dict
    per_label: dict
    articles: pd.DataFrame
    errors: pd.DataFrame
    scheme: str
    design: str
    corpora: Optional[pd.DataFrame] = None
    corpora_targeted: Optional[pd.DataFrame] = None
    learning_curve: Optional[pd.DataFrame] = None
    ablation: Optional[pd.DataFrame] = None
    article_meta: Optional[pd.DataFrame] = None
    environment: dict = field(default_factory=dict)

    @property
    def main_model(self):
        """The model the per-label table, article level, errors and analyses describe."""
        return self.config.main_model


def run(config, progress=None):
    """Run the classification experiment ``config``; return its :class:`RunResult` (no file is written).

    Parameters
    ----------
    config : ExperimentConfig
        From :func:`stance.experiments.load_config`.
    progress : callable, optional
        Wraps iterables (e.g. ``tqdm``) to show progress.

    Raises
    ------
    StanceInputError
        When the scored sentences would mix the random and the targeted sample.
    """
    name = config.source or config.name
    gold = load_gold(list(config.annotations))
    train = load_gold(list(config.train_annotations)) if config.train_annotations else None
    article_meta = load_articles(config)
    from ..models.catalogue import feature_families
    from ..models.training_data import load_priors
    from ..evaluate.splitters import splitter_for

    priors = load_priors() if config.priors else None
    models, main = list(config.models), config.main_model
    samples = list(config.test_sample) if config.test_sample else None
    select = (lambda frame: frame[frame["sample"].isin(samples)]) if samples else None
    seed, n_boot, folds = config.seed, config.bootstrap, config.cv.folds

    scored_samples = set((gold if not samples else gold[gold["sample"].isin(samples)])["sample"])
    if {"random", "targeted"} <= scored_samples:
        raise StanceInputError(name, "the scored sentences would mix the random and the targeted sample; "
                               "set test_sample (e.g. \"random\") so that metrics describe one sample")
    by_corpus = config.cv.scheme == "leave-one-corpus-out"
    cv, groups = splitter_for(config.cv.scheme, folds, seed) if train is None else (None, "article_id")
    corpus_table = targeted_table = None
    if by_corpus:
        # Each held-out corpus is predicted whole once; its random sample (or census) is scored as the corpus
        # estimate, its targeted sample (enriched for rare classes) apart, never mixed with it.
        _, every_row = compare_models(gold, models, priors=priors, n_boot=0, progress=progress, cv=cv, groups=groups,
                                      seed=seed)
        predictions = {m: select_rows(p, select) for m, p in every_row.items()}
        scores = score_models(predictions, n_boot=n_boot, seed=seed)
        corpus_table = corpus_scores(predictions, n_boot, seed)
        targeted = {m: p[p["sample"] == "targeted"] for m, p in every_row.items()}
        if len(next(iter(targeted.values()))):
            targeted_table = corpus_scores(targeted, n_boot, seed)
    else:
        scores, predictions = compare_models(gold, models, priors=priors, n_boot=n_boot, progress=progress,
                                             train=train, select=select, cv=cv, groups=groups, seed=seed)
    per_label = {m: per_label_table(p, n_boot=n_boot, seed=seed) for m, p in predictions.items()}
    main_predictions = predictions[main]
    scored_articles = (article_meta[article_meta["article_id"].isin(main_predictions["article_id"])]
                       if article_meta is not None else None)
    article_table = public_titles(article_predictions(main_predictions, scored_articles), main_predictions)
    metrics = {"config": config.name, "main_model": main, "scheme": config.cv.scheme, "design": config.design,
               "annotations": list(config.annotations),
               "train_annotations": list(config.train_annotations) if config.train_annotations else None,
               "test_sample": samples or "all", "sentences": len(main_predictions),
               "articles": int(main_predictions["article_id"].nunique()),
               "support": {s: int(n) for s, n in main_predictions["sample"].value_counts().items()},
               "models": {m: {row.metric: {"value": row.value, "ci95_low": row.ci95_low, "ci95_high": row.ci95_high}
                              for row in scores[scores["model"] == m].itertuples()} for m in models},
               "article_level": article_scores(article_table)}
    for key, table in (("corpora", corpus_table), ("corpora_targeted", targeted_table)):
        if table is not None:
            metrics[key] = {m: {row["group"]: {k: row[k] for k in (*HEADLINE, "critical_f1")} for row in t.to_dict(orient="records")}
                            for m, t in table.groupby("model", sort=False)}
    curve = ablated = None
    cross_validated = train is None and not by_corpus
    if config.learning_curve.enabled and cross_validated:
        curve = learning_curve(gold, main, priors, fractions=list(config.learning_curve.fractions),
                               repeats=config.learning_curve.repeats, seed=seed, select=select, cv=cv, groups=groups)
    if config.ablation.enabled and cross_validated and len(feature_families(main)) > 1:
        ablated = ablation(gold, main, priors, select=select, cv=cv, groups=groups, seed=seed)
    return RunResult(config=config, metrics=metrics, scores=scores, predictions=predictions, per_label=per_label,
                     articles=article_table, errors=error_table(main_predictions), scheme=config.cv.scheme,
                     design=config.design, corpora=corpus_table, corpora_targeted=targeted_table, learning_curve=curve,
                     ablation=ablated, article_meta=article_meta, environment=environment())


def corpus_scores(predictions, n_boot, seed):
    """Scores per held-out corpus (``group``) of every model's predictions, with a ``model`` column."""
    return pd.concat([group_scores(p, n_boot=n_boot, seed=seed).assign(model=m) for m, p in predictions.items()],
                     ignore_index=True)


def error_table(predictions):
    """Sentences with at least one wrong label: gold, prediction and probabilities, by article."""
    wrong_topics = [set(a) != set(b) for a, b in zip(predictions["topics"], predictions["pred_topics"])]
    wrong = pd.Series(wrong_topics, index=predictions.index) | (predictions["tone"] != predictions["pred_tone"]) | (
        predictions["stance"] != predictions["pred_stance"])
    columns = ["article_id", "sentence_id", "text", "topics", "pred_topics", *(f"pred_p_{t}" for t in TOPICS),
               "tone", "pred_tone", "pred_tone_score", "stance", "pred_stance", "pred_stance_score"]
    return public_text(predictions).loc[wrong, columns].sort_values(["article_id", "sentence_id"]).reset_index(drop=True)
