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
