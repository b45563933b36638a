"""Out-of-fold predictions of the gold: where the error rates of quantification come from.

A model's error rates are measured on gold sentences it was not trained on, by the design
that matches how the model is used:

- ``k-fold``: the gold sets the model was trained on (its metadata ``gold_sets``), split into
  grouped folds of whole articles; each fold is predicted by the same spec trained on the
  other folds (plus the synthetic priors when the model had them). This is the design for a
  corpus whose own gold trained the model.
- ``leave-one-corpus-out``: every gold set predicted by the spec trained on the model's gold
  sets without that set's corpus. For a gold set the model never saw, that training set is the
  model's own, so the model itself predicts it (after checking, by the SHA-256 of its training
  rows, that the gold it was trained on is still the gold here). This is the design for a
  corpus the model has no gold of, or whose gold it did not train on.

Training the default ``combined`` model per fold takes minutes, so the predictions are
computed once per model (``make gold-predictions``, :func:`build_gold_predictions`) and stored
beside it: ``stance/data/default_model_gold_predictions.csv`` for the shipped model (sentence
ids, probabilities and decisions, no sentence text) with a JSON of how they were made.
:func:`load_gold_predictions` joins the current gold labels to them.
"""

import json
from pathlib import Path

import pandas as pd

from ..errors import StanceInputError
from ..labels import SCHEME
from .predictions import ID_COLUMNS, PREDICTION_COLUMNS, predict_table, read_predictions, write_predictions

KFOLD, LOCO = "k-fold", "leave-one-corpus-out"
DESIGNS = (KFOLD, LOCO)
DESIGN_NOTES = {KFOLD: "grouped k-fold by article over the model's training gold (out-of-fold)",
                LOCO: "leave-one-corpus-out (each gold set predicted by the model trained without its corpus)"}
STORED_COLUMNS = [*ID_COLUMNS, "gold_set", "sample", "design", "fold", *PREDICTION_COLUMNS]
SUFFIX = "_gold_predictions"
N_FOLDS = 10


def gold_predictions_path(model_path=None):
    """Where the gold predictions of a model are kept: beside its file, ``<model>_gold_predictions.csv``
    (``stance/data/default_model_gold_predictions.csv`` for the shipped model)."""
    from ..models.persistence import MODEL_FILE, default_model_path

    path = default_model_path() if model_path is None else Path(model_path)
    if path.is_dir():
        path = path / MODEL_FILE
    return path.with_name(path.stem + SUFFIX + ".csv")


def gold_labels(names=None):
    """The labels of the bundled gold sets, read without their corpora (no text needed).

    Returns
    -------
    pandas.DataFrame
        ``article_id, sentence_id, gold_set, sample, topics`` (lists), ``tone, stance``;
        ``sample`` is ``census`` for a set that annotates every sentence (the seeds).
    """
    from ..annotate.annotations import CENSUS, bundled_annotations, read_table, validate_labels

    bundled = bundled_annotations()
    frames = []
    for name in (names or list(bundled)):
        if name not in bundled:
            raise StanceInputError(name, f"no such bundled gold set; there are {', '.join(bundled)}")
        path = bundled[name][0]
        gold = validate_labels(read_table(path, ["article_id", "sentence_id", *SCHEME.tasks]), path)
        sample = gold["sample"] if "sample" in gold else CENSUS
        frames.append(gold[["article_id", "sentence_id", *SCHEME.tasks]].assign(gold_set=name, sample=sample))
    return pd.concat(frames, ignore_index=True)[["article_id", "sentence_id", "gold_set", "sample", *SCHEME.tasks]]


def _training_rows(classifier):
    """The model's gold sets and its priors (None without), from its metadata."""
    from ..models.persistence import model_metadata
    from ..models.training_data import load_priors

    metadata = model_metadata(classifier)
    sets = list(metadata.get("gold_sets") or [])
    if not sets:
        raise StanceInputError(metadata.get("model", "the model"), "the model does not record the gold sets it was trained on "
                               "(metadata 'gold_sets'); its error rates cannot be matched to a design")
    priors = load_priors() if metadata.get("synthetic_priors") else None
    return sets, priors


def _fit_predict(classifier, train, test, priors):
    """Predictions of ``test`` by a fresh copy of ``classifier`` (its parameters, unfitted) trained on ``train``."""
    from ..models.training_data import fit_model

    return _predicted(fit_model(train, classifier, priors), test)


def _predicted(model, test):
    table = predict_table(model, test["text"].tolist())
    table.index = test.index
    return pd.concat([test[[*ID_COLUMNS, "gold_set", "sample"]], table], axis=1)


def build_gold_predictions(classifier, gold=None, n_folds=N_FOLDS, seed=0, progress=None, previous=None):
    """Predict every gold sentence out of fold, in both designs, for the model ``classifier``.

    Parameters
    ----------
    classifier : StanceClassifier
        A trained model whose metadata names its ``gold_sets`` (and ``synthetic_priors``).
    gold : pandas.DataFrame, optional
        Gold with text (:func:`stance.annotate.annotations.load_gold`); default: every bundled gold set
        (the third-party sets need their corpora in the data home).
    n_folds, seed
        The grouped folds of the ``k-fold`` design (articles shuffled with ``seed``).
    progress : callable, optional
        Wraps the list of trainings (e.g. ``tqdm``).
    previous : pandas.DataFrame, optional
        Predictions stored earlier for this same model (same training data, hence the same folds):
        a held-out part they cover whole is reused instead of trained again, and of a gold set the
        model never saw only the sentences they lack are predicted (gold extended since).

    Returns
    -------
    pandas.DataFrame
        :data:`STORED_COLUMNS`: one row per gold sentence and design.

    Raises
    ------
    StanceInputError
        When the model's training gold cannot be rebuilt (its training-data hash differs).
    """
    from ..annotate.annotations import bundled_annotations
    from ..annotate.annotations import load_gold
    from ..models.persistence import data_hash, model_metadata
    from ..models.training_data import training_frame
    from ..evaluate.splitters import GroupFolds

    trained_on, priors = _training_rows(classifier)
    gold = load_gold(list(bundled_annotations())) if gold is None else gold
    missing = [s for s in trained_on if s not in set(gold["gold_set"])]
    if missing:
        raise StanceInputError(missing[0], "the model was trained on this gold set, which is not in the gold given")
    training = pd.concat([gold[gold["gold_set"] == s] for s in trained_on])
    expected = model_metadata(classifier).get("training_data_sha256")
    if expected and data_hash(training_frame(training, priors)) != expected:
        raise StanceInputError(", ".join(trained_on), "the gold the model was trained on has changed since it was trained "
                               "(training-data SHA-256 differs): retrain the model first (make default-model)")
    folds = GroupFolds(n_folds, seed).split(training, groups=training["article_id"].to_numpy())
    jobs = [(KFOLD, i, training.iloc[test_rows]) for i, (_, test_rows) in enumerate(folds)]
    jobs += [(LOCO, name, gold[gold["gold_set"] == name]) for name in dict.fromkeys(gold["gold_set"])]
    stored = {} if previous is None else {d: part.drop_duplicates("sentence_id").set_index("sentence_id")
                                         for d, part in previous.groupby("design")}
    parts = []
    for design, fold, test in (progress(jobs) if progress else jobs):
        known = stored.get(design)
        have = test["sentence_id"].isin(known.index) if known is not None else pd.Series(False, index=test.index)
        if have.all() and len(test):
            reused = known.loc[test["sentence_id"], PREDICTION_COLUMNS].set_index(test.index)
            predicted = pd.concat([test[[*ID_COLUMNS, "gold_set", "sample"]], reused], axis=1)
        elif design == KFOLD:
            predicted = _fit_predict(classifier, training.drop(test.index), test, priors)
        elif fold in trained_on:
            rest = training[training["gold_set"] != fold]
            if rest.empty:
                continue  # trained on this set alone: no model without it
            predicted = _fit_predict(classifier, rest, test, priors)
        else:  # a set the model never saw: the model itself predicts the sentences not stored yet
            new = _predicted(classifier, test[~have])
            old = known.loc[test.loc[have, "sentence_id"], PREDICTION_COLUMNS].set_index(test.index[have]) if have.any() else None
            reused = pd.concat([test.loc[have, [*ID_COLUMNS, "gold_set", "sample"]], old], axis=1) if old is not None else None
            predicted = pd.concat([p for p in (reused, new) if p is not None]).loc[test.index]
        parts.append(predicted.assign(design=design, fold=str(fold)))
    return pd.concat(parts, ignore_index=True)[STORED_COLUMNS]


def save_gold_predictions(frame, classifier, path, n_folds=N_FOLDS, seed=0):
    """Write the predictions (CSV) and how they were made (JSON beside it); return both paths."""
    from .. import __version__
    from ..io import write_text
    from ..models.persistence import model_metadata
    from .predictions import model_id

    path = Path(path)
    trained_on, _ = _training_rows(classifier)
    metadata = model_metadata(classifier)
    about = {
        "model": model_id(classifier), "spec": metadata.get("model"),
        "training_data_sha256": metadata.get("training_data_sha256"),
        "trained_on": trained_on, "synthetic_priors": int(metadata.get("synthetic_priors") or 0),
        "designs": {d: DESIGN_NOTES[d] for d in DESIGNS}, "n_folds": n_folds, "seed": seed,
        "sentences": {d: int((frame["design"] == d).sum()) for d in DESIGNS},
        "gold_sets": sorted(set(frame["gold_set"])), "package_version": __version__,
    }
    return write_predictions(frame, path), write_text(json.dumps(about, indent=2) + "\n", path.with_suffix(".json"))


def load_gold_predictions(path=None, classifier=None):
    """Read stored gold predictions and join the current gold labels.

    Parameters
    ----------
    path : str or Path, optional
        The CSV (default: the shipped model's).
    classifier : StanceClassifier, optional
        When given, the predictions must have been made for this model (same training data).

    Returns
    -------
    predictions : pandas.DataFrame
        :data:`STORED_COLUMNS` plus the gold ``topics, tone, stance`` of each sentence; sentences
        no longer in the gold are dropped.
    about : dict
        The JSON record, plus ``not_in_gold`` (stored sentences the gold no longer has) and
        ``without_prediction`` (gold sentences with no stored prediction, per gold set).

    Raises
    ------
    StanceInputError
        For a missing file, or predictions made for another model.
    """
    from ..models.persistence import model_metadata
    from .predictions import model_id

    path = gold_predictions_path() if path is None else Path(path)
    if not path.is_file():
        raise StanceInputError(path, "no gold predictions (the out-of-fold predictions that error rates are estimated "
                               "from); build them with `make gold-predictions` (experiments/gold_predictions.py)")
    meta_path = path.with_suffix(".json")
    try:
        about = json.loads(meta_path.read_text(encoding="utf-8")) if meta_path.is_file() else {}
    except (ValueError, UnicodeDecodeError) as err:
        raise StanceInputError(meta_path, f"not a readable record of gold predictions ({err})") from None
    if classifier is not None and about.get("training_data_sha256") != model_metadata(classifier).get("training_data_sha256"):
        raise StanceInputError(path, f"these gold predictions were made for model {about.get('model', 'unknown')}, not for "
                               f"{model_id(classifier)}; rebuild them for this model (make gold-predictions)")
    stored = read_predictions(path, required=[*ID_COLUMNS, "gold_set", "design"])
    labels = gold_labels()
    joined = stored.merge(labels[["sentence_id", *SCHEME.tasks]], on="sentence_id", how="inner")
    about = {**about, "not_in_gold": int(len(stored) - len(joined)),
             "without_prediction": {s: int(n) for s, n in
                                    labels[~labels["sentence_id"].isin(stored["sentence_id"])]["gold_set"].value_counts().items()}}
    return joined, about
