"""Training a classifier to ship: gold plus priors, its cross-validated scores and its metadata.

:func:`train_classifier` fits a catalogue model (or any estimator) on gold annotations plus the
synthetic priors and returns it with the metadata that :func:`stance.models.save_classifier`
writes beside it (training data hash, sizes, the design and scores of its cross-validation).
"""

from .evaluate.validation import cross_val_predictions, score_with_ci
from .models.catalogue import DEFAULT_MODEL, model_name
from .models.persistence import data_hash
from .models.training_data import fit_model, resolve_priors, training_frame


def train_classifier(gold, model=None, priors=True, evaluate=True, n_boot=1000, predictions=None, random_state=0,
                     name=None, added_gold=None, cv=None):
    """Train a classifier on gold (plus priors) and record its cross-validated metrics.

    Parameters
    ----------
    gold : pandas.DataFrame
        Annotations with ``article_id, text, topics, tone, stance``.
    model : str or estimator, optional
        A catalogue name (see :data:`stance.models.catalogue.CATALOGUE`) or an unfitted
        estimator (cloned); default: the shipped default's name.
    priors : bool or DataFrame
        Add the synthetic priors (True), none (False), or these rows.
    evaluate : bool
        Run leave-one-article-out cross-validation first and store its scores
        (with bootstrap 95% CIs) in the metadata.
    predictions : pandas.DataFrame, optional
        Leave-one-article-out predictions of this model computed already (as
        :func:`stance.evaluate.compare_models` returns them); used instead of
        running the cross-validation again.
    random_state : int
        Seeds the model (every nested ``random_state``) and the bootstrap.
    name : str, optional
        The model's name in the metadata (default: its catalogue name, or its class name).
    added_gold : pandas.DataFrame, optional
        Gold of other corpora (such as the shipped gold sets, :func:`stance.annotate.annotations.load_gold`)
        added to training whole, as the priors are: to every cross-validation training fold and to the final
        fit, never scored. The cross-validated scores are then those of ``gold``'s own corpus.
    cv : splitter, optional
        Folds over ``gold``'s articles (:mod:`stance.evaluate.splitters`); default one article per fold.

    Returns
    -------
    classifier : StanceClassifier
        Fitted on all of ``gold`` plus the priors.
    metadata : dict
        ``model, training_sentences, gold_sentences, gold_articles, synthetic_priors,
        training_data_sha256`` and, when evaluated, ``cv`` and ``cv_metrics``: pass it to
        :func:`stance.models.save_classifier`.
    """
    model = model if model is not None else DEFAULT_MODEL
    synthetic = resolve_priors(priors)
    extra = synthetic if added_gold is None else training_frame(added_gold, synthetic)
    train = training_frame(gold, extra)
    metadata = {"model": name or model_name(model), "training_sentences": len(train), "gold_sentences": len(gold),
                "gold_articles": int(gold["article_id"].nunique()),
                "synthetic_priors": 0 if synthetic is None else len(synthetic),
                "training_data_sha256": data_hash(train)}
    if added_gold is not None:
        metadata["added_gold_sentences"] = len(added_gold)
    if predictions is None and evaluate and gold["article_id"].nunique() > 1:
        predictions = cross_val_predictions(gold, model, cv=cv, priors=extra, random_state=random_state)
    if predictions is not None:
        metadata["cv"] = "leave-one-article-out" if cv is None else f"{cv!r} over the articles"
        if added_gold is not None:
            metadata["cv"] += ", the added gold in every training fold"
        metadata["cv_metrics"] = score_with_ci(predictions, n_boot=n_boot, seed=random_state)
    classifier = fit_model(gold, model, extra, random_state)
    return classifier, metadata
