"""The classifier as a scikit-learn estimator, and evaluation of any estimator under any grouped splitter."""

import subprocess
import sys

import numpy as np
import pandas as pd
import pytest
from sklearn.base import clone
from sklearn.model_selection import GridSearchCV, GroupKFold, LeaveOneGroupOut
from sklearn.pipeline import FeatureUnion, Pipeline

import stance
from stance.evaluate.analyses import ablation, learning_curve
from stance.evaluate import compare_models, cross_val_predictions
from stance.features import LexiconCounts, VaderScores, make_features
from stance.models.baselines import MajorityClass
from stance.models.catalogue import make_model
from stance.models.classifier import PASSTHROUGH, StanceClassifier
from stance.models.estimators import CalibratedLinear, MultiLabelThresholds
from stance.evaluate.splitters import GroupFolds


@pytest.fixture(scope="module")
def gold():
    return stance.load_annotations()


def lexical_model(**params):
    """A fast linear model (lexicon counts, cues, VADER) built from parts, not from the catalogue."""
    return StanceClassifier(FeatureUnion([("lexicon", LexiconCounts("topics")), ("cues", LexiconCounts("cues")),
                                          ("vader", VaderScores())]), **params)


def test_init_stores_parameters_only_and_clone_get_set_params_work():
    model = lexical_model(tone_estimator=CalibratedLinear(C=2.0))
    assert not [k for k in vars(model) if k.endswith("_")]  # no fitted state before fit
    params = model.get_params()
    assert params["tone_estimator__C"] == 2.0 and params["features__cues__section"] == "cues"
    copy = clone(model).set_params(tone_estimator__C=0.5, random_state=3)
    assert copy.get_params()["tone_estimator__C"] == 0.5 and model.get_params()["tone_estimator__C"] == 2.0
    assert copy.random_state == 3


def test_fit_takes_a_frame_of_the_targets_and_refuses_anything_else(gold):
    model = lexical_model()
    with pytest.raises(TypeError, match="DataFrame"):
        model.fit(gold["text"], gold["tone"])
    with pytest.raises(ValueError, match="stance"):
        model.fit(gold["text"], gold[["topics", "tone"]])
    fitted = model.fit(gold["text"], gold[["topics", "tone", "stance"]])
    assert fitted is model and set(model.estimators_) == {"topics", "tone", "stance"}
    assert isinstance(model.estimators_["topics"], MultiLabelThresholds)
    assert list(model.predict(["Germany sends tanks."])["tone"]) in (["neutral"], ["positive"], ["negative"])


def test_random_state_reaches_every_nested_estimator(gold):
    model = lexical_model(random_state=11).fit(gold["text"], gold)
    assert model.estimators_["tone"].random_state == 11 and model.estimators_["topics"].estimator.random_state == 11
    assert lexical_model(random_state=None, tone_estimator=CalibratedLinear(random_state=4)).fit(
        gold["text"], gold).estimators_["tone"].random_state == 4


def test_grid_search_with_groups_and_a_pipeline(gold):
    search = GridSearchCV(lexical_model(tone_estimator=CalibratedLinear()), {"tone_estimator__C": [0.1, 4.0]}, cv=GroupKFold(3))
    search.fit(gold["text"].tolist(), gold[["topics", "tone", "stance"]], groups=gold["article_id"])
    assert search.best_params_["tone_estimator__C"] in (0.1, 4.0)
    assert len(search.cv_results_["mean_test_score"]) == 2 and np.isfinite(search.cv_results_["mean_test_score"]).all()
    pipeline = Pipeline([("model", lexical_model())]).fit(gold["text"], gold)
    assert len(pipeline.predict(["NATO summit."])) == 1


def test_a_users_own_estimator_is_evaluated_without_editing_the_catalogue(gold):
    mine = StanceClassifier(PASSTHROUGH, MultiLabelThresholds(), MajorityClass(), MajorityClass())
    mine.set_params(topic_estimator=make_model("majority").topic_estimator)
    scores, predictions = compare_models(gold, {"mine": mine, "majority": "majority"}, n_boot=0,
                                         cv=GroupKFold(3), groups="article_id")
    assert set(predictions) == {"mine", "majority"}
    pd.testing.assert_frame_equal(predictions["mine"], predictions["majority"])


@pytest.mark.parametrize("cv", [LeaveOneGroupOut(), GroupKFold(3, shuffle=True, random_state=0), GroupFolds(4, 0)])
def test_any_grouped_splitter_predicts_each_row_once_never_training_on_its_article(gold, cv, monkeypatch):
    seen = []
    original = StanceClassifier.fit
    monkeypatch.setattr(StanceClassifier, "fit", lambda self, X, y: seen.append(set(X)) or original(self, X, y))
    predictions = cross_val_predictions(gold, "majority", cv=cv)
    assert list(predictions.index) == list(gold.index) and predictions["pred_tone"].notna().all()
    assert len(seen) == cv.get_n_splits(groups=gold["article_id"])
    for train_texts in seen:
        held_out = gold[~gold["text"].isin(train_texts)]
        assert not set(held_out["article_id"]) & set(gold[gold["text"].isin(train_texts)]["article_id"])


def test_a_splitter_that_does_not_cover_every_row_is_refused(gold):
    from sklearn.model_selection import GroupShuffleSplit

    with pytest.raises(ValueError, match="cover every row once"):
        cross_val_predictions(gold, "majority", cv=GroupShuffleSplit(1, test_size=0.3, random_state=0))


def test_group_folds_reproduce_the_committed_designs():
    groups = np.array([f"a{i // 3}" for i in range(30)])
    folds = [sorted(set(groups[test])) for _, test in GroupFolds(4, 1).split(groups, groups=groups)]
    assert len(folds) == 4 and sorted(a for f in folds for a in f) == sorted(set(groups))
    assert [sorted(set(groups[t])) for _, t in GroupFolds(4, 1).split(groups, groups=groups)] == folds
    assert [list(set(groups[t])) for _, t in GroupFolds().split(groups, groups=groups)] == [[f"a{i}"] for i in range(10)]
    # the permutation of the runs committed before the splitter existed (numpy default_rng, dealt round-robin)
    order = np.random.default_rng(1).permutation(10)
    assert folds == [sorted(f"a{i}" for i in order[k::4]) for k in range(4)]


def test_thresholds_are_chosen_without_the_test_article(gold, monkeypatch):
    sizes = []
    original = MultiLabelThresholds._choose_threshold

    def spy(self, base, X, column):
        sizes.append(X.shape[0])
        return original(self, base, X, column)

    monkeypatch.setattr(MultiLabelThresholds, "_choose_threshold", spy)
    cross_val_predictions(gold, "families:lexicon")
    expected = [len(gold) - n for n in gold.groupby("article_id", sort=False).size()]
    assert sizes == [n for n in expected for _ in range(3)]


def test_learning_curve_trains_on_a_share_of_each_fold_and_reports_the_actual_sizes(gold, monkeypatch):
    seen = []
    original = StanceClassifier.fit
    monkeypatch.setattr(StanceClassifier, "fit", lambda self, X, y: seen.append(len(X)) or original(self, X, y))
    curve = learning_curve(gold, "majority", fractions=(0.5, 1.0), repeats=1, cv=GroupFolds(3, 0))
    folds = [len(gold) - len(test) for _, test in GroupFolds(3, 0).split(gold, groups=gold["article_id"])]
    assert seen == [round(0.5 * n) for n in folds] + folds
    # the x-axis is the mean of what the folds trained on (not a leave-one-out formula)
    assert curve["train_sentences"].tolist() == [round(np.mean([round(0.5 * n) for n in folds]), 1), round(np.mean(folds), 1)]


def test_ablation_takes_an_estimator_and_leaves_each_family_out(gold):
    table = ablation(gold, lexical_model(), cv=GroupFolds(2, 0))
    assert table["variant"].tolist() == ["all", "without lexicon", "without cues", "without vader"]
    assert table.loc[1, "families"] == "cues,vader"


def test_evaluation_does_not_import_training_and_training_reuses_evaluation():
    code = "import sys, stance.evaluate; print('stance.training' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip() == "False"


def test_explain_uses_the_lexicon_the_model_was_fitted_with(tmp_path, gold):
    lexicon = tmp_path / "lexicon.toml"
    lexicon.write_text('[topics.military_aid]\nterms = ["howitzers"]\n[topics.nato_membership]\nterms = ["alliance"]\n'
                       '[topics.reconstruction]\nterms = ["rebuild"]\n[cues.modality]\nterms = ["shall"]\n')
    model = StanceClassifier(make_features(("lexicon", "cues"), lexicon_path=lexicon)).fit(gold["text"], gold)
    explained = model.explain("We shall send howitzers and tanks.")
    assert explained["lexicon"] == {"military_aid": ["howitzers"], "modality": ["shall"]}


def test_train_test_refuses_an_article_on_both_sides_whatever_the_grouping(gold):
    from stance.evaluate import train_test

    shared = gold.assign(gold_set=np.where(gold.index % 2 == 0, "a", "b"))
    with pytest.raises(ValueError, match="article_id"):
        train_test(shared[shared["gold_set"] == "a"], shared[shared["gold_set"] == "b"], "majority", groups="gold_set")


def test_a_loaded_model_saved_again_keeps_its_metadata_outside_the_estimator(tmp_path, gold):
    from stance.models.persistence import load_classifier, save_classifier

    first = load_classifier(save_classifier(lexical_model().fit(gold["text"], gold), tmp_path / "a.skops", {"model": "mine"}))
    again = load_classifier(save_classifier(first, tmp_path / "b.skops"))
    assert again.metadata_["model"] == "mine"
    assert "metadata_" not in first.__getstate__()
