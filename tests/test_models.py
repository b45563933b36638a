import numpy as np
import pandas as pd
import pytest
from sklearn.base import BaseEstimator, ClassifierMixin, clone
from sklearn.pipeline import make_pipeline

import stance
from stance.evaluate import bootstrap_samples, cross_val_predictions
from stance.features import LexiconCounts, TargetedCues, VaderScores, make_features
from stance.models import StanceClassifier, save_classifier
from stance.models.baselines import KeywordTopics, MajorityClass, VaderTone
from stance.models.catalogue import CATALOGUE, feature_families, make_model
from stance.models.classifier import LABEL_COLUMNS
from stance.models.estimators import MultiLabelThresholds
from stance.models.training_data import load_priors

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
# The three targets of the texts repeated three times, as StanceClassifier.fit takes them.
TARGETS = pd.DataFrame({"topics": TOPICS * 3, "tone": TONE * 3, "stance": STANCE * 3})


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


def test_targeted_cues_count_a_cue_by_the_side_it_is_aimed_at():
    cues = TargetedCues(log_scale=False).fit()
    names = list(cues.get_feature_names_out())
    rows = cues.transform([
        "Zelensky is a corrupt dictator who cancelled elections.",
        "Putin is a corrupt dictator who jails his critics.",
        "I will not vote for another blank cheque for Ukraine.",
        "We condemn Russia's brutal invasion.",
        "A corrupt official was dismissed in the far north of the province, unrelated to anything at all in Kyiv.",
        "Europe must stop funding Putin's war machine.",  # "funding" inside the cue is not its target
        "Europe must stop funding the war.",  # no target outside the cue
        "Ukraine, corrupt, Russia.",  # a tie: half for each side
    ])
    column = {name: rows[:, names.index(name)].tolist() for name in names}
    assert column["targeted:opposition@ukraine"] == [2, 0, 1, 0, 0, 0, 0, 0.5]  # "corrupt", "dictator"; "blank cheque"
    assert column["targeted:opposition@russia"] == [0, 2, 0, 0, 0, 1, 0, 0.5]
    assert column["targeted:condemnation@russia"] == [0, 0, 0, 3, 0, 0, 0, 0]  # "condemn", "brutal", "invasion"
    assert rows[4].sum() == 0 and rows[6].sum() == 0  # the only target is beyond `window` words / inside the cue


def test_targeted_cues_measure_from_both_ends_of_a_cue():
    cues = TargetedCues(cues=("pledge",), window=1, log_scale=False).fit()
    names = list(cues.get_feature_names_out())
    # "for as long as it takes" spans six words: Ukraine right after its last word is 1 word away.
    row = cues.transform(["We will stand for as long as it takes Ukraine."])[0]
    assert row[names.index("targeted:pledge@ukraine")] >= 1
    with pytest.raises(ValueError, match="window"):
        TargetedCues(window=-1).fit()


def test_targeted_cues_read_their_sides_from_the_lexicon(tmp_path):
    path = tmp_path / "lex.toml"
    path.write_text('[cues.opposition]\nterms = ["oppose*"]\n[targets.aid]\nterms = ["aid"]\n', encoding="utf-8")
    cues = TargetedCues(cues=("opposition",), lexicon_path=str(path), log_scale=False).fit()
    assert list(cues.get_feature_names_out()) == ["targeted:opposition@aid"]
    assert cues.transform(["We oppose more aid.", "We oppose it."]).tolist() == [[1.0], [0.0]]
    with pytest.raises(ValueError, match="condemnation"):
        TargetedCues(cues=("condemnation",), lexicon_path=str(path)).fit()


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

    features = make_features(("word", "lexicon")).fit(TEXTS)
    model = MultiLabelThresholds(cv=2).fit(features.transform(TEXTS * 2), topic_matrix(TOPICS * 2))
    proba = model.predict_proba(features.transform(TEXTS))
    assert proba.shape == (8, 3) and model.thresholds_.shape == (3,)
    assert np.array_equal(model.predict(features.transform(TEXTS)), (proba >= model.thresholds_).astype(int))


def test_multilabel_thresholds_fit_a_label_no_training_row_carries():
    # A fold that holds out a rare topic's only article trains without that topic: the topic is never
    # predicted (probability 0) and the others are learnt as usual; a label every row carries is always on.
    x = np.array([0.05, 0.12, 0.3, 0.32, 0.55, 0.7, 0.8, 0.9] * 3)
    y = np.column_stack([x >= 0.55, np.zeros_like(x), np.ones_like(x)]).astype(int)
    model = MultiLabelThresholds(ScoreIsFeature(), cv=3).fit(x[:, None], y)
    assert model.predict_proba(np.array([[0.9], [0.1]]))[:, 1:].tolist() == [[0.0, 1.0], [0.0, 1.0]]
    assert model.predict(np.array([[0.9], [0.1]])).tolist() == [[1, 0, 1], [0, 0, 1]]


class ScoreIsFeature(ClassifierMixin, BaseEstimator):
    """A binary 'classifier' whose probability of the positive class is the single feature."""

    def fit(self, X, y):
        self.classes_ = np.unique(y)
        return self

    def predict_proba(self, X):
        x = np.asarray(X, dtype=float)[:, 0]
        return np.column_stack([1 - x, x])

    def predict(self, X):
        return (self.predict_proba(X)[:, 1] >= 0.5).astype(int)


def test_multilabel_thresholds_choose_the_lowest_threshold_separating_known_scores():
    # The inner-CV probabilities are the feature itself, so the best F1 of each label is known:
    # label 0 is positive from 0.55 up (any threshold in (0.32, 0.55] is perfect: the grid's first is 0.35),
    # label 1 from 0.3 up (perfect in (0.12, 0.3]: 0.15). A threshold outside these ranges scores below 1.
    x = np.array([0.05, 0.12, 0.3, 0.32, 0.55, 0.7, 0.8, 0.9] * 3)
    y = np.column_stack([x >= 0.55, x >= 0.3]).astype(int)
    model = MultiLabelThresholds(ScoreIsFeature(), cv=3).fit(x[:, None], y)
    assert model.thresholds_.tolist() == [0.35, 0.15]
    assert model.predict(np.array([[0.34], [0.36], [0.14], [0.16]])).tolist() == [[0, 1], [1, 1], [0, 0], [0, 1]]


def test_best_threshold_is_the_sklearn_f1_search_ties_included():
    from sklearn.metrics import f1_score

    from stance.metrics import f1_at_thresholds
    from stance.models.estimators import THRESHOLD_GRID, best_threshold

    rng = np.random.default_rng(3)
    for trial in range(30):
        n = int(rng.integers(1, 40))
        gold = rng.random(n) < rng.choice([0.0, 0.1, 0.5, 0.9])
        proba = rng.random(n)
        if trial % 2:  # scores on the grid and few rows: many exact ties between thresholds
            proba = rng.choice(np.append(THRESHOLD_GRID, [0.0, 1.0]), n)
        expected = [f1_score(gold, proba >= t, zero_division=0) for t in THRESHOLD_GRID]
        assert f1_at_thresholds(gold, proba, THRESHOLD_GRID).tolist() == expected
        assert best_threshold(gold.astype(int), proba) == float(THRESHOLD_GRID[int(np.argmax(expected))])


def test_baselines():
    assert list(MajorityClass().fit(TEXTS, TONE).predict(["x"])) == ["neutral"]
    assert KeywordTopics().fit().predict(["Tanks and the NATO accession."]).tolist() == [[1, 1, 0]]
    assert list(VaderTone().fit().predict(["We are grateful.", "A terrible massacre."])) == ["positive", "negative"]


@pytest.fixture(scope="module")
def tiny_model():
    return make_model("lexicon").fit(TEXTS * 3, TARGETS)


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
    params = tiny_model.get_params(deep=False)
    path = save_classifier(tiny_model, tmp_path / "m.skops", {"model": "lexicon", "note": "tiny"})
    assert not hasattr(tiny_model, "metadata_") and tiny_model.get_params(deep=False) == params  # saving changes nothing
    loaded = stance.load_classifier(path)
    assert loaded.metadata_["scheme_version"] == stance.labels.SCHEME_VERSION
    assert loaded.metadata_["note"] == "tiny" and loaded.metadata_["model"] == "lexicon"
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

    def spy(self, texts, y):
        seen.append(set(texts))
        return original(self, texts, y)

    monkeypatch.setattr(StanceClassifier, "fit", spy)
    predictions = cross_val_predictions(gold, "majority")
    assert len(seen) == 4
    for article, texts in zip("abcd", seen):
        assert not texts & set(gold.loc[gold.article_id == article, "text"])
    assert list(predictions.index) == list(gold.index)


def test_bootstrap_resamples_articles_then_sentences():
    # Articles of 1, 2 and 30 sentences: a resample draws 3 articles whole (each drawn article contributes
    # exactly its size in rows), so its size depends on which articles were drawn; a sentence bootstrap
    # (33 rows every time) or one that mixed rows across articles would not.
    sizes = {"a": 1, "b": 2, "c": 30}
    frame = pd.DataFrame({"article_id": [a for a, n in sizes.items() for _ in range(n)]}).assign(x=lambda f: range(len(f)))
    samples = list(bootstrap_samples(frame, n_boot=60))
    lengths = set()
    for sample in samples:
        assert (sample["article_id"] == frame.loc[sample.index, "article_id"]).all()
        counts = sample["article_id"].value_counts()
        assert all(count % sizes[article] == 0 for article, count in counts.items()), counts.to_dict()
        assert sum(count // sizes[article] for article, count in counts.items()) == len(sizes)
        lengths.add(len(sample))
    assert len(lengths) >= 3 and lengths != {33}
    # within a drawn article the sentences are resampled too: some draw of article c repeats a sentence
    assert any(not s.loc[s["article_id"] == "c", "x"].is_unique for s in samples if (s["article_id"] == "c").sum() == 30)


def test_sentence_embeddings_are_normalised_and_similar_for_paraphrases():
    from stance.features import SentenceEmbeddings

    vectors = SentenceEmbeddings().fit().transform(["The UK sends tanks to Ukraine.", "Britain delivers tanks to Kyiv.", "The weather is sunny."])
    assert vectors.shape == (3, 384)
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1, atol=1e-4)
    assert vectors[0] @ vectors[1] > vectors[0] @ vectors[2]


def test_description_similarity_has_one_column_per_label_description():
    from stance.features import DescriptionSimilarity

    features = DescriptionSimilarity().fit()
    names = list(features.get_feature_names_out())
    assert "description:topics:reconstruction" in names and "description:tone:negative" in names
    scores = features.transform(["Rebuilding Ukraine's power plants and housing after the war."])[0]
    topic_scores = {n: s for n, s in zip(names, scores) if n.startswith("description:topics:")}
    assert max(topic_scores, key=topic_scores.get) == "description:topics:reconstruction"


def test_text_features_refuse_a_matrix_with_several_columns():
    with pytest.raises(ValueError, match="one text per row"):
        VaderScores().fit().transform(np.array([["a", "b"], ["c", "d"]]))
    assert VaderScores().fit().transform(np.array([["good"], ["bad"]])).shape == (2, 4)


def test_row_cache_computes_each_text_once_and_evicts_the_oldest():
    from stance.features.cache import RowCache

    cache, calls = RowCache(maxsize=2), []

    def lengths(texts):
        calls.extend(texts)
        return [[len(t)] for t in texts]

    assert cache.rows("n", ["ab", "c", "ab"], lengths, 1).ravel().tolist() == [2, 1, 2]
    assert cache.rows("n", ["c"], lengths, 1).tolist() == [[1]]
    assert calls == ["ab", "c"]
    cache.rows("n", ["xyz"], lengths, 1)
    assert len(cache) == 2
    cache.rows("n", ["ab"], lengths, 1)
    assert calls == ["ab", "c", "xyz", "ab"]
    assert cache.rows("other", [], lengths, 1).shape == (0, 1)


def _forget_fine_tuned_encoders():
    """Drop the fine-tuned encoders and embeddings this process holds, so that a model labels from its own weights."""
    from stance.features import finetuned
    from stance.features.cache import ROWS

    finetuned._ENCODERS.clear()
    ROWS.clear()


@pytest.mark.parametrize("spec", sorted(CATALOGUE))
def test_every_model_spec_trains_labels_and_survives_a_skops_round_trip(spec, tmp_path, monkeypatch):
    import stance.features
    from stance.features.finetuned import FineTunedEmbeddings

    make_family = stance.features.make_family
    # The fine-tuned encoder on a few pairs: the test is about the file, not the tuning.
    monkeypatch.setattr(stance.features, "make_family", lambda name, lexicon_path=None: FineTunedEmbeddings(n_pairs=8, batch_size=8)
                        if name == "finetuned" else make_family(name, lexicon_path))
    model = make_model(spec).fit(TEXTS * 3, TARGETS)
    sentences = ["The UK will send more tanks.", "A summit on Tuesday.", *TEXTS]
    labelled = model.predict(sentences, proba=True)
    assert list(labelled.columns[:len(LABEL_COLUMNS)]) == LABEL_COLUMNS
    assert labelled["tone"].isin(stance.labels.TONES).all()
    assert labelled["stance"].isin(stance.labels.STANCES).all()
    assert ((labelled[["p_military_aid", "p_nato_membership", "p_reconstruction"]] >= 0)
            & (labelled[["p_military_aid", "p_nato_membership", "p_reconstruction"]] <= 1)).all().all()
    # Saved and loaded with skops (a type missing from TRUSTED_TYPES is refused here), it labels the same.
    loaded = stance.load_classifier(save_classifier(model, tmp_path / "m.skops", {"model": spec}))
    assert loaded.metadata_["model"] == spec and loaded.get_params(deep=False).keys() == model.get_params(deep=False).keys()
    if "finetuned" in feature_families(spec):
        # The loaded model labels from the weights in the file, not from an encoder or embeddings still in
        # memory; the trained model's labels above must be the same (it embeds with its stored weights too).
        _forget_fine_tuned_encoders()
    pd.testing.assert_frame_equal(loaded.predict(sentences, proba=True), labelled)


def test_zero_shot_baseline_uses_label_descriptions():
    from stance.models.baselines import ZeroShotSimilarity

    tone = ZeroShotSimilarity("tone").fit()
    assert tone.predict(["Horrific atrocities, murder and suffering."]).tolist() == ["negative"]
    topics = ZeroShotSimilarity("topics").fit()
    proba = topics.predict_proba(["Ukraine's accession to NATO and an invitation to join the alliance."])[0]
    assert proba.argmax() == 1 and proba[1] > 0.5


def test_calibrated_linear_in_a_pipeline_with_clone_and_params():
    from stance.models.estimators import CalibratedLinear

    pipeline = make_pipeline(make_features(("word", "lexicon")), CalibratedLinear(C=2.0))
    copy = clone(pipeline)
    assert copy.get_params()["calibratedlinear__C"] == 2.0
    copy.set_params(calibratedlinear__C=1.0).fit(TEXTS * 3, TONE * 3)
    proba = copy.predict_proba(TEXTS)
    assert proba.shape == (8, 3) and np.allclose(proba.sum(axis=1), 1)
    with pytest.raises(Exception, match="not fitted"):
        CalibratedLinear().predict(np.ones((2, 3)))


def test_random_state_reaches_the_folds_and_the_default_estimator():
    from stance.models.estimators import CalibratedLinear

    features = make_features(("word", "lexicon")).fit(TEXTS)
    X = features.transform(TEXTS * 3)
    tone = CalibratedLinear(random_state=7).fit(X, TONE * 3)
    assert tone.model_.cv.random_state == 7 and tone.model_.estimator.random_state == 7
    topics = MultiLabelThresholds(cv=2, random_state=7).fit(X, stance.labels.topic_matrix(TOPICS * 3))
    assert {e.random_state for e in topics.estimators_} == {7}


def test_an_estimator_saved_before_a_parameter_existed_restores_its_default():
    import pickle

    from stance.models.estimators import CalibratedLinear

    features = make_features(("word", "lexicon")).fit(TEXTS)
    X = features.transform(TEXTS * 3)
    model = CalibratedLinear().fit(X, TONE * 3)
    expected = model.predict_proba(X)
    del model.random_state, model.decision  # as in the shipped model, saved before they existed
    restored = pickle.loads(pickle.dumps(model))
    assert restored.get_params() == CalibratedLinear().get_params()
    assert np.array_equal(restored.predict_proba(X), expected) and clone(restored).random_state == 0


def test_a_single_string_is_refused_rather_than_labelled_letter_by_letter(lexicon_model):
    import stance

    classifier = stance.load_classifier(lexicon_model)
    with pytest.raises(TypeError, match="got a single string; wrap it in a list"):
        classifier.label_sentences("One sentence. And a second.")
    with pytest.raises(TypeError, match="got a single string"):
        classifier.predict("One sentence.")
    assert len(classifier.label_sentences(["One sentence. And a second."])) == 1


def test_explain_a_model_that_never_saw_a_topic():
    import stance
    from stance.training import train_classifier

    gold = stance.load_annotations()
    gold = gold.assign(topics=gold["topics"].map(lambda ts: [t for t in ts if t != "military_aid"]))
    classifier, _ = train_classifier(gold, model="lexicon", priors=False, evaluate=False)
    explained = classifier.explain("The UK will send 14 tanks to Ukraine.")
    assert explained["labels"]["p_military_aid"] == 0.0 and "topic:military_aid" not in explained["features"]
    assert "topic:nato_membership" in explained["features"]
