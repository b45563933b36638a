import json
import zipfile

import numpy as np
import pandas as pd
import pytest
from sklearn.base import clone
from sklearn.pipeline import make_pipeline

import stance
from stance.evaluation import bootstrap_samples, leave_one_article_out, score_with_ci
from stance.features import LexiconCounts, VaderScores, make_features
from stance.models import StanceClassifier, save_classifier
from stance.models.baselines import KeywordTopics, MajorityClass, VaderTone
from stance.models.estimators import MultiLabelThresholds
from stance.models.training import load_priors

TEXTS = [
    "The UK will send 14 tanks and more ammunition to Ukraine.",
    "Germany pledged air defence systems and artillery shells.",
    "Ukraine should be invited to join NATO at the summit.",
    "Allies discussed Ukraine's accession to the alliance.",
    "The World Bank will fund rebuilding power plants in Ukraine.",
    "A conference on Ukraine's economic recovery opens in London.",
    "A Russian missile strike killed civilians in Kyiv.",
    "The minister will meet his counterpart on Tuesday.",
]
TOPICS = [["military_aid"], ["military_aid"], ["nato_membership"], ["nato_membership"],
          ["reconstruction"], ["reconstruction"], [], []]
TONE = ["neutral", "positive", "positive", "neutral", "positive", "neutral", "negative", "neutral"]
STANCE = ["supportive", "supportive", "supportive", "neutral", "supportive", "neutral", "neutral", "neutral"]


def test_lexicon_counts_read_terms_from_data_and_accept_a_new_topic(tmp_path):
    path = tmp_path / "lex.toml"
    path.write_text('[topics.sanctions]\nterms = ["sanction*", "oil price cap"]\n', encoding="utf-8")
    counts = LexiconCounts("topics", str(path), log_scale=False).fit()
    assert list(counts.get_feature_names_out()) == ["topics:sanctions"]
    assert counts.transform(["New sanctions and an oil  price cap. Sanctioned banks."]).tolist() == [[3.0]]


def test_packaged_lexicon_separates_missile_deliveries_from_strikes():
    counts = LexiconCounts("cues", log_scale=False).fit()
    names = list(counts.names_)
    strike = counts.transform(["A Russian missile strike hit Kharkiv."])[0]
    assert strike[names.index("violence")] >= 1


def test_vader_scores_shape_and_sign():
    scores = VaderScores().fit().transform(["We are very grateful and proud.", "Horrific atrocities and murder."])
    assert scores.shape == (2, 4)
    assert scores[0, 3] > 0.3 and scores[1, 3] < -0.3


def test_feature_union_and_clone():
    features = make_features(("word", "lexicon", "cues", "vader"))
    matrix = features.fit_transform(TEXTS)
    assert matrix.shape[0] == len(TEXTS)
    assert clone(features).get_params()["lexicon__section"] == "topics"


def test_multilabel_thresholds_on_tiny_data():
    from stance.models.classifier import topic_matrix

    model = MultiLabelThresholds(cv=2).fit(TEXTS * 2, topic_matrix(TOPICS * 2))
    assert model.predict_proba(TEXTS).shape == (8, 3)
    assert ((model.thresholds_ >= 0.1) & (model.thresholds_ <= 0.9)).all()


def test_baselines():
    assert list(MajorityClass().fit(TEXTS, TONE).predict(["x"])) == ["neutral"]
    assert KeywordTopics().fit().predict(["Tanks and the NATO accession."]).tolist() == [[1, 1, 0]]
    assert list(VaderTone().fit().predict(["We are grateful.", "A terrible massacre."])) == ["positive", "negative"]


@pytest.fixture(scope="module")
def tiny_model():
    return StanceClassifier("lexicon").fit(TEXTS * 3, TOPICS * 3, TONE * 3, STANCE * 3)


def test_label_sentences_returns_contract_columns(tiny_model):
    labelled = tiny_model.label_sentences(["The UK will deliver more tanks.", "Talks on Tuesday."])
    expected = {"p_military_aid", "p_nato_membership", "p_reconstruction", "topics", "tone", "tone_score", "stance", "stance_score"}
    assert expected <= set(labelled.columns)
    assert labelled["tone_score"].between(-1, 1).all()


def test_label_articles_aggregates_sentences(tiny_model, seed_articles):
    articles = tiny_model.label_articles(seed_articles)
    assert list(articles["article_id"]) == list(seed_articles["article_id"])
    for column in ["n_sentences", "topics", "main_topic", "share_military_aid", "tone", "tone_score", "stance", "stance_score"]:
        assert column in articles
    assert articles["n_sentences"].tolist() == [24, 12, 22, 30, 13]


def test_explain_names_matched_terms(tiny_model):
    explanation = tiny_model.explain("The UK will send tanks to Ukraine.")
    assert "tanks" in explanation["lexicon"]["military_aid"]
    assert explanation["features"]


def test_persistence_round_trip_and_metadata(tiny_model, tmp_path):
    path = save_classifier(tiny_model, tmp_path / "m.skops")
    loaded = stance.load_classifier(path)
    assert loaded.metadata["scheme_version"] == stance.labels.SCHEME_VERSION
    pd.testing.assert_frame_equal(loaded.predict(TEXTS), tiny_model.predict(TEXTS))


def test_corrupt_model_file_is_refused(tmp_path):
    path = tmp_path / "bad.skops"
    path.write_bytes(b"not a zip")
    with pytest.raises(stance.StanceInputError, match="not a stance model file"):
        stance.load_classifier(path)


def test_other_scheme_version_is_refused(tiny_model, tmp_path):
    path = save_classifier(tiny_model, tmp_path / "m.skops")
    import skops.io as sio

    content = sio.load(path, trusted=stance.models.persistence.TRUSTED_TYPES)
    content["metadata"]["scheme_version"] = "0"
    sio.dump(content, tmp_path / "old.skops")
    with pytest.raises(stance.StanceInputError, match="label scheme version '0'"):
        stance.load_classifier(tmp_path / "old.skops")


class Untrusted:
    """A type no model file may carry."""


def test_untrusted_types_are_refused(tmp_path):
    import skops.io as sio

    sio.dump({"metadata": {"scheme_version": stance.labels.SCHEME_VERSION}, "classifier": Untrusted()}, tmp_path / "x.skops")
    with pytest.raises(stance.StanceInputError, match="untrusted types: .*Untrusted"):
        stance.load_classifier(tmp_path / "x.skops")


def test_a_file_without_a_stance_classifier_is_refused(tmp_path):
    import skops.io as sio
    from sklearn.tree import DecisionTreeClassifier

    sio.dump({"metadata": {"scheme_version": stance.labels.SCHEME_VERSION}, "classifier": DecisionTreeClassifier()}, tmp_path / "x.skops")
    with pytest.raises(stance.StanceInputError, match="no classifier inside"):
        stance.load_classifier(tmp_path / "x.skops")


def test_synthetic_priors_are_marked_and_valid():
    priors = load_priors()
    assert len(priors) >= 250 and (priors["origin"] == "synthetic").all()
    assert (priors["stance"] == "critical").sum() >= 50


def test_leave_one_article_out_never_trains_on_the_test_article(monkeypatch):
    gold = pd.DataFrame({"article_id": ["a", "a", "b", "b", "c", "c", "d", "d"], "sentence_id": list("12345678"),
                         "text": TEXTS, "topics": TOPICS, "tone": TONE, "stance": STANCE})
    seen = []
    original = StanceClassifier.fit

    def spy(self, texts, *args):
        seen.append(set(texts))
        return original(self, texts, *args)

    monkeypatch.setattr(StanceClassifier, "fit", spy)
    predictions = leave_one_article_out(gold, "majority")
    assert len(seen) == 4
    for article, texts in zip("abcd", seen):
        assert not texts & set(gold.loc[gold.article_id == article, "text"])
    assert list(predictions.index) == list(gold.index)


def test_bootstrap_resamples_articles_then_sentences():
    frame = pd.DataFrame({"article_id": ["a"] * 3 + ["b"] * 5, "x": range(8)})
    sample = next(bootstrap_samples(frame, n_boot=1))
    assert len(sample) in (6, 8, 10)
    assert set(sample["article_id"]) <= {"a", "b"}
