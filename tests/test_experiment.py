"""The experiments package: configs, runs as data, the registry, the reports and the figures."""

import json
import shutil
from datetime import datetime, timezone
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import stance
from stance.cli import main
from stance.errors import StanceInputError
from stance.evaluate import cross_val_predictions, per_label_table, score_with_ci
from stance.experiments import compare_runs, load_config, load_run, run, run_experiment, run_index, save_run
from stance.experiments.registry import new_run_folder
from stance.experiments.report import summary

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
    assert index.equals(run_index(config.parent / "results"))  # derived from the folders' metrics.json
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
    ('models = ["majority"]\n[cv]\nfold = 3', r"unknown keys in \[cv\]: fold; known: scheme, folds"),
    ('models = ["majority"]\n[learning_curve]\nrepeat = 3', r"unknown keys in \[learning_curve\]: repeat"),
    ('models = ["majority"]\n[ablation]\nenable = false', r"unknown keys in \[ablation\]: enable; known: enabled"),
    ('models = ["majority"]\ntasks = ["topic"]', "unknown task 'topic'"),
    ('models = ["majority"]\n[cv]\nscheme = "grouped-k-fold"', "needs cv.folds"),
    ("models = [", "not a valid TOML file"),
])
def test_bad_configs_are_refused_naming_the_file(tmp_path, text, problem):
    path = tmp_path / "bad.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(StanceInputError, match=problem) as error:
        load_config(path)
    assert str(path) in str(error.value)


def test_bootstrap_intervals_hold_the_point_estimate():
    gold = stance.load_annotations()
    predictions = cross_val_predictions(gold, "keywords_vader")
    for score in score_with_ci(predictions, n_boot=200).values():
        if not np.isnan(score["value"]):
            assert score["low"] <= score["value"] <= score["high"]
    table = per_label_table(predictions, n_boot=200)
    supported = table[table["support"] > 0]
    assert (supported["f1_low"] <= supported["f1"] + 1e-9).all() and (supported["f1"] <= supported["f1_high"] + 1e-9).all()


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


SMALL = 'models = ["majority"]\nbootstrap = 10\n[learning_curve]\nenabled = false\n[ablation]\nenabled = false\n'
RESULTS = Path(__file__).resolve().parents[1] / "experiments" / "results"


def test_config_is_typed_with_defaults(tmp_path):
    path = tmp_path / "small.toml"
    path.write_text('annotations = "seeds"\n' + SMALL, encoding="utf-8")
    config = load_config(path)
    assert config.name == "small" and config.annotations == ("seeds",) and config.main_model == "majority"
    assert config.cv.scheme == "leave-one-article-out" and config.cv.folds is None
    assert not config.learning_curve.enabled and config.learning_curve.fractions == (0.25, 0.5, 0.75, 1.0)
    assert config.design == "leave-one-article-out"


def test_run_writes_no_file(tmp_path, monkeypatch):
    import stance.report.figures
    import stance.io

    path = tmp_path / "small.toml"
    path.write_text(SMALL, encoding="utf-8")
    config = load_config(path)
    work = tmp_path / "cwd"
    work.mkdir()
    monkeypatch.chdir(work)

    def refuse(target):
        raise AssertionError(f"run() wrote {target}")

    monkeypatch.setattr(stance.io, "atomic_path", refuse)
    monkeypatch.setattr(stance.report.figures, "atomic_path", refuse)
    result = run(config)
    assert sorted(p.name for p in tmp_path.rglob("*")) == ["cwd", "small.toml"]
    assert result.design == "leave-one-article-out" and set(result.predictions) == {"majority"}
    assert result.metrics["models"]["majority"]["tone_macro_f1"]["value"] == pytest.approx(
        result.scores.set_index(["model", "metric"]).loc[("majority", "tone_macro_f1"), "value"])


def test_save_run_then_load_run_round_trips(tmp_path):
    path = tmp_path / "small.toml"
    path.write_text(SMALL, encoding="utf-8")
    result = run(load_config(path))
    folder = save_run(result, tmp_path / "results", path.read_text(encoding="utf-8"))
    loaded = load_run(folder)
    assert loaded.metrics == result.metrics
    assert loaded.config == result.config
    pd.testing.assert_frame_equal(loaded.scores, result.scores, check_dtype=False)
    pd.testing.assert_frame_equal(loaded.per_label["majority"], result.per_label["majority"].reset_index(drop=True),
                                  check_dtype=False)
    kept = ["sentence_id", "topics", "pred_topics", "tone", "pred_stance", "pred_stance_score"]
    pd.testing.assert_frame_equal(loaded.predictions["majority"][kept], result.predictions["majority"][kept].reset_index(drop=True),
                                  check_dtype=False)
    assert loaded.design == result.design and loaded.learning_curve is None


def test_figure_titles_name_the_design_of_the_run(tmp_path, monkeypatch):
    import stance.report.figures

    titles = []
    original = stance.report.figures._save

    def record(fig, target):
        titles.append(" | ".join([fig._suptitle.get_text() if fig._suptitle else ""] + [ax.get_title() for ax in fig.axes]))
        return original(fig, target)

    monkeypatch.setattr(stance.report.figures, "_save", record)
    path = tmp_path / "kfold.toml"
    path.write_text('models = ["majority"]\nbootstrap = 10\n[cv]\nscheme = "grouped-k-fold"\nfolds = 3\n'
                    '[learning_curve]\nfractions = [1.0]\nrepeats = 1\n', encoding="utf-8")
    folder = run_experiment(path)
    assert (folder / "figures" / "learning_curve.png").is_file()
    designed = [t for t in titles if t.startswith(("Confusion", "Per-label")) or "Learning curve" in t or " by " in t]
    assert len(designed) == 3 + 1 + 1 + 2
    assert all("grouped 3-fold by article" in t for t in designed), designed
    assert not any("leave-one-article-out" in t for t in titles)
    assert json.loads((folder / "metrics.json").read_text())["design"] == "grouped 3-fold by article"


def test_readme_block_comes_from_metrics_json_without_summary_md(two_runs, tmp_path):
    _, (run_folder, _) = two_runs
    copy = shutil.copytree(run_folder, tmp_path / run_folder.name)
    (copy / "summary.md").unlink()
    readme = tmp_path / "README.md"
    readme.write_text("<!-- results:start -->\n<!-- results:end -->\n", encoding="utf-8")
    assert main(["experiment", "readme", str(copy), "--readme", str(readme)]) == 0
    text = readme.read_text(encoding="utf-8")
    metrics = json.loads((copy / "metrics.json").read_text())
    value = metrics["models"]["keywords_vader"]["tone_macro_f1"]["value"]
    assert "| keywords_vader | " in text and f"{value:.3f} [" in text


@pytest.mark.parametrize("name", ["20261121T235933Z-cross-seeds-to-us", "20261122T135232Z-leave-one-corpus-out"])
def test_committed_runs_load_and_render_their_summary_again(name):
    import re

    folder = RESULTS / name
    loaded = load_run(folder)
    assert loaded.metrics["main_model"] in loaded.predictions and len(loaded.errors) > 0
    committed = (folder / "summary.md").read_text(encoding="utf-8")
    figures = [Path(p) for p in re.findall(r"\(figures/([^)]+)\)", committed)]
    assert summary(loaded, figures) == committed


def test_committed_runs_compare(capsys):
    a, b = RESULTS / "20261122T001022Z-us-documents-random", RESULTS / "20261122T004837Z-us-documents-targeted"
    assert main(["experiment", "compare", str(a), str(b)]) == 0
    assert "b_minus_a" in capsys.readouterr().out
    index = run_index(RESULTS)
    assert {a.name, b.name} <= set(index["run"]) and set(index.loc[index["run"] == a.name, "scheme"]) == {"grouped-k-fold"}


def test_quantification_configs_are_routed_and_checked(tmp_path):
    from stance.experiments import config_kind
    from stance.experiments.quantification import load_config as load_quantification

    committed = Path(__file__).resolve().parents[1] / "experiments" / "quantification.toml"
    assert config_kind(committed) == "quantification" and load_quantification(committed)["grid_points"]
    bad = tmp_path / "q.toml"
    bad.write_text('kind = "quantification"\nsamples = 3\n', encoding="utf-8")
    with pytest.raises(StanceInputError, match="unknown config keys: samples"):
        load_quantification(bad)
    with pytest.raises(StanceInputError, match="is not a classification experiment"):
        load_config(bad)


def test_titles_of_third_party_articles_are_not_written_to_a_run():
    from stance.experiments.gold import public_titles

    articles = pd.DataFrame({"article_id": ["seed-1", "kremlin-1"], "title": ["A seed title", "A Kremlin release"]})
    predictions = pd.DataFrame({"article_id": ["seed-1", "seed-1", "kremlin-1"], "text_public": [True, True, False]})
    assert public_titles(articles, predictions)["title"].tolist() == ["A seed title", ""]
