"""The experiment runner: configs, grouped evaluation, the registry and the figures."""

import json
from datetime import datetime, timezone

import numpy as np
import pandas as pd
import pytest

import stance
from stance.cli import main
from stance.errors import StanceInputError
from stance.evaluation import leave_one_article_out, per_label_table, score_with_ci
from stance.experiment import compare_runs, load_config, new_run_folder, run_experiment
from stance.models.estimators import MultiLabelThresholds

TINY = """
name = "tiny"
models = ["majority", "keywords_vader", "families:lexicon,cues"]
bootstrap = 10
[learning_curve]
fractions = [0.5, 1.0]
repeats = 1
"""
FIGURES = ["confusion_topics", "confusion_tone", "confusion_stance", "per_label_f1", "learning_curve", "ablation",
           "topic_share_per_article", "tone_stance_per_article", "scores_by_month", "scores_by_outlet"]


@pytest.fixture(scope="module")
def two_runs(tmp_path_factory):
    folder = tmp_path_factory.mktemp("experiment")
    config = folder / "tiny.toml"
    config.write_text(TINY, encoding="utf-8")
    return config, [run_experiment(config), run_experiment(config)]


def test_a_run_writes_every_record_and_figure(two_runs):
    _, (run, _) = two_runs
    for name in ["config.toml", "environment.json", "metrics.json", "predictions.csv", "per_label.csv", "articles.csv",
                 "errors.csv", "learning_curve.csv", "ablation.csv", "summary.md"]:
        assert (run / name).stat().st_size > 0, name
    for name in FIGURES:
        path = run / "figures" / f"{name}.png"
        assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and path.stat().st_size > 5000, name
    environment = json.loads((run / "environment.json").read_text())
    assert environment["cpu_count"] and environment["packages"]["scikit-learn"]
    assert "## Main table" in (run / "summary.md").read_text()


def test_runs_never_overwrite_and_the_index_lists_each(two_runs):
    config, runs = two_runs
    assert runs[0] != runs[1] and runs[0].exists() and runs[1].exists()
    index = pd.read_csv(config.parent / "results" / "index.csv")
    assert index["run"].tolist() == [r.name for r in runs]
    now = datetime(2026, 1, 1, tzinfo=timezone.utc)
    first, second = new_run_folder(config.parent / "same", "x", now), new_run_folder(config.parent / "same", "x", now)
    assert first != second and first.name == "20260101T000000Z-x"


def test_the_same_config_gives_identical_metrics(two_runs, capsys):
    _, runs = two_runs
    metrics = [json.loads((r / "metrics.json").read_text()) for r in runs]
    assert metrics[0] == metrics[1]
    differences = compare_runs(*runs)
    assert len(differences) > 0 and (differences["b_minus_a"] == 0).all()
    assert main(["experiment", "compare", str(runs[0]), str(runs[1])]) == 0
    assert "b_minus_a" in capsys.readouterr().out


@pytest.mark.parametrize("text, problem", [
    ('models = ["majority"]\ncolour = "red"', "unknown config keys: colour"),
    ('models = ["nonsense"]', "unknown model 'nonsense'"),
    ('models = []', "at least one model"),
    ('models = ["majority"]\n[cv]\nscheme = "kfold"', "unknown cv scheme"),
    ("models = [", "not a valid TOML file"),
])
def test_bad_configs_are_refused_naming_the_file(tmp_path, text, problem):
    path = tmp_path / "bad.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(StanceInputError, match=problem) as error:
        load_config(path)
    assert str(path) in str(error.value)


def test_thresholds_are_chosen_without_the_test_article(monkeypatch):
    gold = stance.load_annotations()
    sizes = []
    original = MultiLabelThresholds._choose_threshold

    def spy(self, base, X, column):
        sizes.append(X.shape[0])
        return original(self, base, X, column)

    monkeypatch.setattr(MultiLabelThresholds, "_choose_threshold", spy)
    leave_one_article_out(gold, "families:lexicon")
    expected = [len(gold) - n for n in gold.groupby("article_id", sort=False).size()]
    assert sizes == [n for n in expected for _ in range(3)]


def test_learning_curve_fraction_trains_on_a_share_of_each_fold(monkeypatch):
    from stance.models.classifier import StanceClassifier

    gold = stance.load_annotations()
    seen = []
    original = StanceClassifier.fit
    monkeypatch.setattr(StanceClassifier, "fit", lambda self, texts, *a: seen.append(len(texts)) or original(self, texts, *a))
    leave_one_article_out(gold, "majority", train_fraction=0.5)
    expected = [round(0.5 * (len(gold) - n)) for n in gold.groupby("article_id", sort=False).size()]
    assert seen == expected


def test_bootstrap_intervals_hold_the_point_estimate():
    gold = stance.load_annotations()
    predictions = leave_one_article_out(gold, "keywords_vader")
    for score in score_with_ci(predictions, n_boot=200).values():
        if not np.isnan(score["value"]):
            assert score["low"] <= score["value"] <= score["high"]
    table = per_label_table(predictions, n_boot=200)
    supported = table[table["support"] > 0]
    assert (supported["f1_low"] <= supported["f1"] + 1e-9).all() and (supported["f1"] <= supported["f1_high"] + 1e-9).all()


def test_grouped_folds_hold_out_each_article_once_and_whole():
    from stance.evaluation import article_folds

    gold = pd.DataFrame({"article_id": [f"a{i // 3}" for i in range(30)]})
    folds = article_folds(gold, n_folds=4, seed=1)
    assert len(folds) == 4
    held_out = [a for fold in folds for a in fold]
    assert sorted(held_out) == sorted(set(gold["article_id"])) and len(held_out) == 10
    assert article_folds(gold) == [[f"a{i}"] for i in range(10)]
    assert article_folds(gold, n_folds=4, seed=1) == folds


def test_readme_block_takes_the_main_table_and_two_figures(two_runs, tmp_path):
    _, (run, _) = two_runs
    readme = tmp_path / "README.md"
    readme.write_text("# x\n\n<!-- results:start -->\nold\n<!-- results:end -->\n\nrest\n", encoding="utf-8")
    assert main(["experiment", "readme", str(run), "--readme", str(readme)]) == 0
    text = readme.read_text(encoding="utf-8")
    assert "old" not in text and "| keywords_vader |" in text and "figures/per_label_f1.png" in text and text.endswith("rest\n")


def test_metrics_never_mix_the_random_and_the_targeted_sample(tmp_path):
    mixed = tmp_path / "mixed.toml"
    mixed.write_text('annotations = "us-government-2022"\nmodels = ["majority"]\npriors = false\nbootstrap = 10\n'
                     '[learning_curve]\nenabled = false\n', encoding="utf-8")
    with pytest.raises(StanceInputError, match="mix the random and the targeted sample"):
        run_experiment(mixed)
    random_only = tmp_path / "random.toml"
    random_only.write_text('annotations = "us-government-2022"\ntest_sample = "random"\nmodels = ["majority"]\n'
                           'priors = false\nbootstrap = 10\n[cv]\nscheme = "grouped-k-fold"\nfolds = 3\n[learning_curve]\nenabled = false\n',
                           encoding="utf-8")
    run = run_experiment(random_only)
    metrics = json.loads((run / "metrics.json").read_text())
    assert metrics["support"] == {"random": 260}
    scored = pd.read_csv(run / "predictions.csv")
    gold = stance.load_annotations("us-government-2022")
    assert set(scored["sentence_id"]) == set(gold.loc[gold["sample"] == "random", "sentence_id"])
