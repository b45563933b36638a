import json
import subprocess
import sys

import pandas as pd
import pytest

from stance.cli import main
from test_corpus import BAD_INPUTS, _make


def test_corpus_prints_summary_and_writes_sentence_table(tmp_path, capsys):
    out = tmp_path / "out" / "sentences.csv"
    assert main(["corpus", "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "total (5 articles)" in printed and "Daily Mirror" in printed
    assert "flagged 15 of 116 sentences: donation_appeal 9, promo 3," in printed
    assert f"wrote 116 sentences to {out}" in printed
    table = pd.read_csv(out)
    assert len(table) == 116
    assert {"article_id", "sentence_id", "start", "end", "role", "boilerplate", "text"} <= set(table.columns)


def test_corpus_writes_jsonl(tmp_path):
    out = tmp_path / "s.jsonl"
    assert main(["corpus", "--out", str(out)]) == 0
    assert len(pd.read_json(out, lines=True)) == 116


def test_corpus_lists_bundled_corpora(capsys):
    assert main(["corpus", "--list"]) == 0
    printed = capsys.readouterr().out
    assert printed.startswith("seeds\t")
    assert "\nus-government-2022\t" in printed


@pytest.mark.parametrize("name", sorted(BAD_INPUTS))
def test_bad_input_exits_2_with_one_line_and_no_output(tmp_path, name):
    path, problem = _make(tmp_path, name)
    out = tmp_path / "result.csv"
    result = subprocess.run(
        [sys.executable, "-m", "stance", "corpus", str(path), "--out", str(out)],
        capture_output=True, text=True,
    )
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in result.stderr
    assert str(path) in lines[0] and problem in lines[0]
    assert not out.exists()
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def test_help_lists_commands():
    result = subprocess.run([sys.executable, "-m", "stance", "--help"], capture_output=True, text=True)
    assert result.returncode == 0 and "corpus" in result.stdout


HEAVY_MODULES = ("numpy", "pandas", "sklearn", "scipy", "torch", "matplotlib", "sentence_transformers")


@pytest.mark.parametrize("argv", [["--help"], ["train", "--help"], ["label", "--help"], ["measure", "--help"]])
def test_help_imports_no_heavy_library(argv):
    # A fresh process: this one has imported everything already.
    script = ("import sys\nfrom stance.cli import main\ntry:\n    main(sys.argv[1:])\nexcept SystemExit:\n    pass\n"
              f"print(sorted(m for m in {HEAVY_MODULES!r} if m in sys.modules))")
    result = subprocess.run([sys.executable, "-c", script, *argv], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "[]"


def test_train_with_an_unknown_model_exits_2(capsys):
    assert main(["train", "--out", "unused", "--model", "no-such-model"]) == 2
    err = capsys.readouterr().err
    assert "--model" in err and "unknown model 'no-such-model'" in err and "combined" in err


def test_a_missing_dependency_of_a_submodule_is_not_a_missing_attribute():
    script = ("import sys\nsys.modules['pandas'] = None  # as if pandas were not installed\nimport stance\n"
              "assert not hasattr(stance, 'no_such_module')\ntry:\n    stance.labels\n"
              "except ModuleNotFoundError as err:\n    print(err.name)\n")
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "pandas"


@pytest.fixture(scope="module")
def user_corpora(tmp_path_factory):
    """The same two short articles as a folder, a CSV and a JSONL file."""
    folder = tmp_path_factory.mktemp("corpora")
    texts = {"a1": "Tanks for Kyiv\nThe UK will send 14 tanks to Ukraine. The minister met his counterpart.",
             "a2": "Rebuilding Ukraine\nA London conference will fund rebuilding Ukraine's power plants."}
    (folder / "txt").mkdir()
    for name, text in texts.items():
        (folder / "txt" / f"{name}.txt").write_text(text, encoding="utf-8")
    pd.DataFrame({"id": list(texts), "text": list(texts.values())}).to_csv(folder / "c.csv", index=False)
    pd.DataFrame({"id": list(texts), "text": list(texts.values())}).to_json(folder / "j.jsonl", orient="records", lines=True)
    return folder


@pytest.mark.parametrize("source, level, suffix", [("txt", "sentence", "csv"), ("c.csv", "article", "jsonl"), ("j.jsonl", "sentence", "jsonl")])
def test_label_a_folder_a_csv_and_a_jsonl(user_corpora, tmp_path, capsys, source, level, suffix):
    out = tmp_path / f"labels.{suffix}"
    assert main(["label", str(user_corpora / source), "--level", level, "--out", str(out)]) == 0
    table = pd.read_csv(out) if suffix == "csv" else pd.read_json(out, lines=True)
    if level == "sentence":
        assert len(table) == 5 and {"sentence_id", "topics", "tone", "stance", "p_military_aid"} <= set(table.columns)
    else:
        assert table["article_id"].tolist() == ["a1", "a2"] and {"main_topic", "share_reconstruction"} <= set(table.columns)
    assert f"wrote {len(table)} {level} rows" in capsys.readouterr().out


def test_train_prints_cross_validated_metrics_and_label_uses_the_model(tmp_path, capsys):
    import stance

    gold = stance.load_annotations()
    small = gold[gold["article_id"].isin(gold["article_id"].unique()[:3])]
    annotations = tmp_path / "mine.csv"
    small.assign(topics=small["topics"].map(";".join)).to_csv(annotations, index=False)
    model_dir = tmp_path / "model"
    assert main(["train", "--annotations", str(annotations), "--out", str(model_dir), "--model", "lexicon",
                 "--no-priors", "--bootstrap", "20"]) == 0
    printed = capsys.readouterr().out
    assert f"{len(small)} gold sentences in 3 articles" in printed and "topics_macro_f1" in printed
    assert (model_dir / "model.skops").exists() and (model_dir / "metadata.json").exists()
    out = tmp_path / "labels.csv"
    assert main(["label", "--model", str(model_dir), "--out", str(out)]) == 0
    assert len(pd.read_csv(out)) == 116
    # a saved model is retrained from its parameters: here on all the seed gold
    again = tmp_path / "again"
    assert main(["train", "--out", str(again), "--model", str(model_dir), "--no-priors",
                 "--bootstrap", "0"]) == 0
    metadata = json.loads((again / "metadata.json").read_text())
    assert metadata["model"] == "lexicon" and metadata["gold_sentences"] == len(gold)


def test_label_with_a_stance_decision(lexicon_model, tmp_path, capsys):
    plain, balanced = tmp_path / "plain.csv", tmp_path / "balanced.csv"
    assert main(["label", "--model", str(lexicon_model), "--out", str(plain)]) == 0
    assert main(["label", "--model", str(lexicon_model), "--stance-decision", "balanced", "--out", str(balanced)]) == 0
    plain, balanced = pd.read_csv(plain), pd.read_csv(balanced)
    assert plain["stance_score"].equals(balanced["stance_score"])
    assert balanced["stance"].tolist() != plain["stance"].tolist()
    with pytest.raises(SystemExit) as exited:
        main(["label", "--model", str(lexicon_model), "--stance-decision", "2", "--out", str(tmp_path / "x.csv")])
    assert exited.value.code == 2 and "is not argmax, balanced or a number" in capsys.readouterr().err
    assert not (tmp_path / "x.csv").exists()


def test_label_with_a_missing_model_exits_2(tmp_path, capsys):
    assert main(["label", "--model", str(tmp_path / "nothing"), "--out", str(tmp_path / "x.csv")]) == 2
    assert "no such model file" in capsys.readouterr().err
    assert not (tmp_path / "x.csv").exists()


def test_an_output_that_is_a_folder_exits_2_before_any_work(lexicon_model, tmp_path, capsys):
    folder = tmp_path / "adir"
    folder.mkdir()
    for argv in (["corpus", "--out", str(folder)], ["label", "--model", str(lexicon_model), "--out", str(folder)],
                 ["measure", "--out", str(folder)], ["sample", "--out", str(folder)]):
        assert main(argv) == 2
        captured = capsys.readouterr()
        assert captured.err.strip() == f"stance: error: {folder}: is a folder; expected an output file"
        assert captured.out == ""  # refused before the corpus was read
    assert list(folder.iterdir()) == [] and [p.name for p in tmp_path.iterdir()] == ["adir"]


@pytest.mark.parametrize("value", ["0", "-1", "two"])
def test_label_refuses_a_chunk_below_one(value, tmp_path, capsys):
    with pytest.raises(SystemExit) as exited:
        main(["label", "--chunk", value, "--out", str(tmp_path / "x.csv")])
    assert exited.value.code == 2 and "is not a whole number of at least 1" in capsys.readouterr().err
    assert not (tmp_path / "x.csv").exists()


def test_train_on_annotations_with_a_single_stance_exits_2(tmp_path, capsys):
    import stance

    gold = stance.load_annotations()
    neutral = gold[gold["stance"] == "neutral"]
    annotations = tmp_path / "neutral.csv"
    neutral.assign(topics=neutral["topics"].map(";".join)).to_csv(annotations, index=False)
    assert main(["train", "--annotations", str(annotations), "--out", str(tmp_path / "m"), "--model", "lexicon",
                 "--no-priors", "--bootstrap", "0"]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"stance: error: {annotations}: cannot train on these annotations") and err.count("\n") == 1
    assert not (tmp_path / "m").exists()


def test_train_with_shipped_gold_adds_it_to_every_fold_and_leaves_out_the_users_articles(tmp_path, capsys):
    import stance

    gold = stance.load_annotations()
    mine = gold[gold["article_id"].isin(gold["article_id"].unique()[:3])]
    annotations = tmp_path / "mine.csv"
    mine.assign(topics=mine["topics"].map(";".join)).to_csv(annotations, index=False)
    argv = ["train", "--annotations", str(annotations), "--out", str(tmp_path / "m"), "--model", "lexicon",
            "--no-priors", "--bootstrap", "0"]
    assert main([*argv, "--with-gold", "us-government-2022"]) == 0
    us = len(stance.load_annotations("us-government-2022"))
    # three articles of the user's: three folds, one article each
    assert f"3 folds of articles, the {us} added gold sentences in every training fold, {len(mine)} gold sentences in 3 articles" \
        in capsys.readouterr().out
    metadata = json.loads((tmp_path / "m" / "metadata.json").read_text())
    assert metadata["gold_sentences"] == len(mine) and metadata["added_gold_sentences"] == us
    assert metadata["training_sentences"] == len(mine) + us and metadata["added_gold_sets"] == ["us-government-2022"]
    assert metadata["cv"].endswith("the added gold in every training fold")
    # shipped sentences of the user's own articles are left out (named once even if named twice)
    assert main([*argv, "--with-gold", "seeds,seeds"]) == 0
    captured = capsys.readouterr()
    assert f"{len(mine)} shipped gold sentences of articles in {annotations} left out" in captured.err
    metadata = json.loads((tmp_path / "m" / "metadata.json").read_text())
    assert metadata["added_gold_sentences"] == len(gold) - len(mine) and metadata["added_gold_sets"] == ["seeds"]
    assert main([*argv, "--with-gold", "nowhere"]) == 2
    assert capsys.readouterr().err.startswith("stance: error: --with-gold: unknown gold set nowhere; choose from all, seeds")


def test_option_errors_are_one_line_and_the_version_is_printed(capsys):
    with pytest.raises(SystemExit) as exited:
        main(["label", "--level", "paragraph"])
    err = capsys.readouterr().err
    assert exited.value.code == 2 and err.count("\n") == 1
    assert err.startswith("stance label: error: argument --level: invalid choice: 'paragraph'")
    with pytest.raises(SystemExit) as exited:
        main(["--version"])
    assert exited.value.code == 0 and capsys.readouterr().out.startswith("stance ")


def test_label_refuses_a_format_against_the_suffix_and_a_decision_at_article_level(tmp_path, capsys):
    for command in ("label", "corpus", "measure"):
        assert main([command, "--out", str(tmp_path / "x.csv"), "--format", "parquet"]) == 2
        captured = capsys.readouterr()
        assert "the format parquet contradicts the file's suffix .csv" in captured.err and captured.out == ""
    assert main(["sample", "--out", str(tmp_path / "batch.jsonl")]) == 2
    assert "the format csv contradicts the file's suffix .jsonl" in capsys.readouterr().err
    assert main(["label", "--level", "article", "--stance-decision", "balanced", "--out", str(tmp_path / "y.csv")]) == 2
    assert "--stance-decision: decides sentence labels only" in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == []
