"""The shipped default model: what users get from ``stance.load_classifier()``."""

import os
import subprocess
import sys

import pytest

import stance
from stance.labels import SCHEME_VERSION, TOPICS
from stance.models.catalogue import DEFAULT_MODEL, make_model
from stance.models.classifier import LABEL_COLUMNS
from stance.experiments import load_gold
from stance.models.persistence import data_hash
from stance.models.training_data import load_priors, training_frame

ARTICLE_COLUMNS = ["article_id", "title", "n_sentences", "topics", "main_topic", "share_military_aid",
                   "share_nato_membership", "share_reconstruction", "tone", "tone_score", "stance", "stance_score"]


@pytest.fixture(scope="module")
def default():
    return stance.load_classifier()


def test_default_is_the_selected_spec_trained_on_the_current_gold_and_priors(default):
    metadata = default.metadata_
    assert metadata["model"] == DEFAULT_MODEL
    assert metadata["scheme_version"] == SCHEME_VERSION
    assert metadata["package_version"] == stance.__version__
    # Fails when the gold or the priors change without `make default-model`.
    gold = load_gold(metadata["gold_sets"])
    assert metadata["training_data_sha256"] == data_hash(training_frame(gold, load_priors()))
    for metric in ("topics_macro_f1", "tone_macro_f1", "stance_macro_f1"):
        score = metadata["cv_metrics"][metric]
        assert score["low"] <= score["value"] <= score["high"]


def test_label_articles_returns_the_contract_columns_for_the_seeds(default):
    articles = default.label_articles(stance.load_corpus())
    assert len(articles) == 5
    assert set(ARTICLE_COLUMNS) <= set(articles.columns)
    shares = articles[[f"share_{t}" for t in TOPICS]]
    assert ((shares >= 0) & (shares <= 1)).all().all()


def test_label_sentences_accepts_the_sentence_frame(default, seed_sentences):
    labelled = default.label_sentences(seed_sentences)
    assert len(labelled) == len(seed_sentences)
    assert set(LABEL_COLUMNS) <= set(labelled.columns)
    assert (labelled.loc[labelled["boilerplate"], "tone"] == "").all()


@pytest.mark.parametrize("sentence, topic, present", [
    ("Germany will deliver 40 Leopard tanks and armoured vehicles to Kyiv next month.", "military_aid", True),
    ("Norway announced a new package of artillery ammunition and air defence missiles for Ukraine.", "military_aid", True),
    ("Allied leaders discussed when Ukraine could begin accession talks to join NATO.", "nato_membership", True),
    # 'the Alliance' without 'NATO': a known error of the earlier default (p = 0.26). The lexicon now holds the
    # summit phrasing "future is in the Alliance", so this checks that a topic term reaches the model's decision.
    ("The summit declaration says Ukraine's future is in the Alliance and an invitation will follow.",
     "nato_membership", True),
    ("The World Bank will finance rebuilding Ukraine's destroyed power plants and housing.", "reconstruction", True),
    ("Investors met in Rome to plan the recovery and reconstruction of Ukraine's economy.", "reconstruction", True),
    ("A Russian missile strike on the city killed twelve civilians overnight.", "military_aid", False),
    ("Russian drones hit an apartment block in Odesa, wounding four people.", "military_aid", False),
])
def test_clear_unseen_sentences(default, sentence, topic, present):
    labelled = default.label_sentences([sentence]).iloc[0]
    assert (topic in labelled["topics"]) is present, (sentence, labelled["topics"], labelled[f"p_{topic}"])


def test_clear_unseen_tone(default):
    labelled = default.label_sentences([
        "Russian shelling killed dozens of civilians in a horrific attack on a crowded market.",
        "We are proud of the brave Ukrainian people and grateful for their extraordinary courage.",
    ])
    assert labelled["tone"].tolist() == ["negative", "positive"]


def test_explain_names_words_behind_each_label(default):
    explanation = default.explain("The UK will send more tanks to Ukraine.")
    assert "military_aid" in explanation["labels"]["topics"]
    assert any("military_aid" in name or "tank" in name for name, _ in explanation["features"]["topic:military_aid"])
    assert "tanks" in explanation["lexicon"]["military_aid"]


def test_installed_package_loads_the_default_offline_from_an_unrelated_folder(built_wheel, tmp_path):
    site = tmp_path / "site"
    subprocess.run([sys.executable, "-m", "pip", "install", "--no-deps", "-q", "--target", str(site), str(built_wheel)],
                   check=True, capture_output=True)
    code = ("import sys; sys.path.insert(0, sys.argv[1]); import stance; "
            "assert stance.__file__.startswith(sys.argv[1]), stance.__file__; "
            "clf = stance.load_classifier(); "
            "print(clf.label_sentences(['The UK will send 14 tanks.'])['topics'][0])")
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1",
           "HTTPS_PROXY": "http://127.0.0.1:9", "HTTP_PROXY": "http://127.0.0.1:9"}
    work = tmp_path / "elsewhere"
    work.mkdir()
    result = subprocess.run([sys.executable, "-c", code, str(site)], cwd=work, env=env, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert "military_aid" in result.stdout


# Unseen sentences of the genres the critical-voices gold brought (written here, in none of the corpora).
@pytest.mark.parametrize("sentence, stance_label, topic", [
    ("Western weapons only prolong the war and the suffering, and the shipments must stop.", "critical", "military_aid"),
    # Neutral under the earlier default (stance score +0.01): opposition cues were counted whoever they
    # were aimed at, and the gold aims them at Putin. The targeted cues and the priors of posts against
    # the support (some of them close to this sentence) changed that.
    ("I will not vote for another blank cheque for Ukraine while our own border is wide open.", "critical", None),
    ("Ukraine's future is in NATO.", "supportive", "nato_membership"),
])
def test_unseen_stance_sentences(default, sentence, stance_label, topic):
    labelled = default.label_sentences([sentence]).iloc[0]
    assert labelled["stance"] == stance_label, (sentence, labelled["stance"], labelled["stance_score"])
    if topic:
        assert topic in labelled["topics"], (sentence, labelled["topics"])


def test_donors_pledging_to_rebuild_the_grid_is_reconstruction(default):
    labelled = default.label_sentences(["At the donors' conference, governments pledged billions to rebuild "
                                        "Ukraine's power grid."]).iloc[0]
    assert "reconstruction" in labelled["topics"], labelled["topics"]


def test_the_shipped_model_is_an_estimator_of_the_default_spec(default):
    from sklearn.base import clone

    for model in default.estimators_.values():
        assert clone(model).get_params(deep=False)["random_state"] == 0
    params = clone(default).get_params(deep=False)
    assert params["random_state"] == 0
    assert [name for name, _ in params["features"].transformer_list] == \
        [name for name, _ in make_model(DEFAULT_MODEL).features.transformer_list]


def test_a_model_saved_before_the_estimator_layout_loads_as_that_estimator(default):
    # Files written before the classifier was an estimator hold ``spec, metadata, features, models``, and
    # their task estimators lack parameters added since (random_state): both are restored on load.
    import pickle

    from sklearn.base import clone

    from stance.models.classifier import StanceClassifier

    models = {task: pickle.loads(pickle.dumps(model)) for task, model in default.estimators_.items()}
    for model in models.values():
        del model.__dict__["random_state"]
    legacy = StanceClassifier.__new__(StanceClassifier)
    legacy.__dict__.update({"spec": DEFAULT_MODEL, "metadata": {}, "features": default.features_, "models": models})
    restored = pickle.loads(pickle.dumps(legacy))  # as skops and pickle load: the parts first, then the whole
    texts = ["The UK will send 14 tanks.", "Not one more dollar for Ukraine."]
    assert restored.predict(texts).equals(default.predict(texts))
    assert all(clone(m).get_params(deep=False)["random_state"] == 0 for m in restored.estimators_.values())
    assert clone(restored).get_params(deep=False)["random_state"] == 0
