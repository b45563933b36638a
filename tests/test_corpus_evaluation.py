"""Leave-one-corpus-out evaluation, per-corpus scores, the balanced decision and the SetFit-style encoder."""

import numpy as np
import pytest
from sklearn.base import clone

import stance
from stance.evaluate import cross_val_predictions, group_scores
from stance.experiments import load_config
from stance.errors import StanceInputError
from stance.models.estimators import CalibratedLinear


def _gold():
    gold = stance.load_annotations().assign(sample="census", stratum="census")
    articles = list(dict.fromkeys(gold["article_id"]))
    # three pretend corpora of whole articles
    corpus = {a: f"c{i % 3}" for i, a in enumerate(articles)}
    return gold.assign(gold_set=gold["article_id"].map(corpus))


def test_a_held_out_corpus_is_never_in_training(monkeypatch):
    import stance.evaluate.validation as evaluation

    seen = []
    real = evaluation.train_test

    def spy(train, test, model, priors=None, **kwargs):
        seen.append((set(train["gold_set"]), set(test["gold_set"])))
        return real(train, test, model, priors, **kwargs)

    monkeypatch.setattr(evaluation, "train_test", spy)
    gold = _gold()
    predicted = cross_val_predictions(gold, "keywords_vader", groups="gold_set")
    assert len(predicted) == len(gold) and set(predicted.index) == set(gold.index)
    assert len(seen) == 3
    for trained_on, tested_on in seen:
        assert len(tested_on) == 1 and not trained_on & tested_on


def test_group_scores_mean_weighs_each_corpus_once_and_skips_undefined_scores():
    gold = _gold()
    predicted = cross_val_predictions(gold, "keywords_vader", groups="gold_set")
    table = group_scores(predicted, n_boot=20).set_index("group")
    groups = ["c0", "c1", "c2"]
    assert list(table.index) == groups + ["mean"]
    assert table.loc["mean", "tone_macro_f1"] == pytest.approx(table.loc[groups, "tone_macro_f1"].mean())
    # the seeds hold no critical sentence: its F1 is undefined, not 0
    assert table.loc[groups, "critical_f1"].isna().all() and (table.loc[groups, "critical_support"] == 0).all()


def test_loco_needs_two_annotation_sets(tmp_path):
    config = tmp_path / "c.toml"
    config.write_text('annotations = "seeds"\nmodels = ["majority"]\n[cv]\nscheme = "leave-one-corpus-out"\n')
    with pytest.raises(StanceInputError, match="at least two annotation sets"):
        load_config(config)


def test_balanced_decision_lets_a_rare_class_win_with_the_same_probabilities():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(400, 3))
    y = np.where(X[:, 0] + 0.8 * rng.normal(size=400) > 1.6, "rare", "common")
    argmax = CalibratedLinear().fit(X, y)
    balanced = clone(argmax).set_params(decision="balanced").fit(X, y)
    np.testing.assert_allclose(argmax.predict_proba(X), balanced.predict_proba(X))
    assert (balanced.predict(X) == "rare").sum() > (argmax.predict(X) == "rare").sum()
    with pytest.raises(ValueError, match="decision"):
        CalibratedLinear(decision="vote").fit(X, y)


def test_a_decision_is_argmax_balanced_or_a_power_in_between():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(400, 3))
    y = np.where(X[:, 0] + 0.8 * rng.normal(size=400) > 1.6, "rare", "common")
    found = [(CalibratedLinear(decision=d).fit(X, y).predict(X) == "rare").sum()
             for d in ("argmax", 0.0, np.float32(0.5), 1, "balanced")]
    assert found[0] == found[1] and found[3] == found[4]  # the names are the powers 0 and 1
    assert found[1] < found[2] < found[3]


@pytest.mark.parametrize("bad", ["vote", 1.5, -0.1, True, np.bool_(True), float("nan")])
def test_a_bad_decision_is_refused(bad):
    X, y = np.arange(12.0).reshape(6, 2), np.array(["a", "b"] * 3)
    with pytest.raises(ValueError, match="decision must be"):
        CalibratedLinear(decision=bad).fit(X, y)


def test_with_decision_changes_the_stance_decisions_of_a_copy_only(lexicon_model):
    from stance.models.decision import with_decision

    classifier = stance.load_classifier(lexicon_model)
    texts = stance.load_annotations()["text"].tolist()
    before = classifier.predict(texts, proba=True)
    balanced = with_decision(classifier, "balanced")
    after = balanced.predict(texts, proba=True)
    # probabilities and scores stay; the decision is the largest probability over class share
    np.testing.assert_allclose(after["stance_score"], before["stance_score"])
    model = classifier.estimators_["stance"]
    proba = before[[f"p_stance_{c}" for c in model.classes_]].to_numpy()
    assert after["stance"].tolist() == list(model.classes_[np.argmax(proba / model.class_prior_, axis=1)])
    assert after["stance"].tolist() != before["stance"].tolist()
    assert after["tone"].tolist() == before["tone"].tolist()
    assert classifier.predict(texts)["stance"].tolist() == before["stance"].tolist()
    assert balanced.estimators_["stance"].decision == "balanced" and classifier.estimators_["stance"].decision == "argmax"
    with pytest.raises(ValueError, match="decision must be"):
        with_decision(classifier, 2)
    with pytest.raises(ValueError, match="unknown task"):
        with_decision(classifier, "balanced", tasks=("topics",))
    gold = stance.load_annotations()
    majority = stance.models.make_model("majority").fit(gold["text"].tolist(), gold[["topics", "tone", "stance"]])
    with pytest.raises(ValueError, match="no decision"):
        with_decision(majority, "balanced")
    # a clone refitted from the copy's parameters decides as the copy does
    assert clone(balanced).get_params()["stance_estimator"].decision == "balanced"
    assert with_decision(classifier, 0.5, tasks="stance").estimators_["stance"].decision == 0.5


def test_contrastive_pairs_are_balanced_over_classes():
    from stance.features.finetuned import contrastive_pairs

    labels = ["a"] * 95 + ["rare"] * 5
    left, right, target = contrastive_pairs(labels, 2000, np.random.default_rng(0))
    share_rare = np.mean([labels[i] == "rare" for i in left])
    assert 0.4 < share_rare < 0.6  # the class is drawn uniformly, not by frequency
    same = np.array([labels[a] == labels[b] for a, b in zip(left, right)])
    assert (same == (target == 1.0)).all() and 0.4 < target.mean() < 0.6


def test_finetuned_embeddings_change_the_encoder_and_keep_the_shape():
    from stance.features.embeddings import embed
    from stance.features.finetuned import FineTunedEmbeddings

    texts = ["Send more tanks to Ukraine.", "Stop arming Kyiv now.", "The meeting is on Monday.",
             "Weapons for Ukraine save lives.", "Not one more dollar for this war.", "Lunch was served at noon."]
    labels = ["supportive", "critical", "neutral", "supportive", "critical", "neutral"]
    encoder = FineTunedEmbeddings(n_pairs=8, batch_size=4, learning_rate=1e-3, random_state=1).fit(texts, labels)
    tuned = encoder.transform(texts)
    assert tuned.shape == (6, 384)
    np.testing.assert_allclose(np.linalg.norm(tuned, axis=1), 1.0, rtol=1e-4)
    assert not np.allclose(tuned, embed(texts))
    assert all(w.dtype == np.float16 for w in encoder.weights_.values())
    with pytest.raises(ValueError, match="needs labels"):
        FineTunedEmbeddings().fit(texts)
