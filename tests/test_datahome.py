"""The data home: where named third-party corpora are looked for, and the error when one is not there."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

import stance
from stance.ingest import datahome
from stance.ingest.corpus import available_corpora
from stance.errors import StanceInputError

REPO = Path(__file__).resolve().parents[1]
SHARED_CORPORA = REPO.parent / "shared" / "corpora"
NEW_CORPORA = ["congress-tweets-2021-2022", "kremlin-2021-2022", "un-general-debate-2022-2023",
               "white-house-2021-2026", "zelensky-office-2021-2022"]


def _corpus(home, name, rows):
    folder = home / name
    folder.mkdir(parents=True)
    (folder / "documents.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")


def test_environment_variable_wins(tmp_path, monkeypatch):
    _corpus(tmp_path, "mine", [{"id": "m1", "text": "Ukraine needs air defence.", "speaker": "X", "party": "D"}])
    monkeypatch.setenv("STANCE_DATA", str(tmp_path))
    assert datahome.get_data_home() == tmp_path
    assert list(available_corpora()) == ["seeds", "mine"]
    articles = stance.load_corpus("mine")
    assert articles.loc[0, "speaker"] == "X" and articles.loc[0, "party"] == "D"


def test_shared_corpora_beside_the_repository_without_the_variable(monkeypatch):
    monkeypatch.delenv("STANCE_DATA", raising=False)
    assert datahome.get_data_home() == SHARED_CORPORA
    assert set(NEW_CORPORA + ["us-government-2022"]) <= set(datahome.named_corpora())


def test_home_folder_when_nothing_is_beside_the_repository(tmp_path, monkeypatch):
    monkeypatch.delenv("STANCE_DATA", raising=False)
    monkeypatch.setattr(datahome, "_REPOSITORY", tmp_path / "repo")
    monkeypatch.setenv("HOME", str(tmp_path))
    assert datahome.get_data_home() == tmp_path / "stance_data"
    assert datahome.named_corpora() == {}


def test_unknown_name_says_where_it_looked(tmp_path, monkeypatch):
    monkeypatch.setenv("STANCE_DATA", str(tmp_path))
    with pytest.raises(StanceInputError, match=f"no such corpus.*looked in the data home {tmp_path}"):
        stance.load_corpus("kremlin-2021-2022")


def test_cli_unknown_name_is_one_line_and_exit_2(tmp_path):
    env = {"STANCE_DATA": str(tmp_path / "empty"), "PATH": "", "HOME": str(tmp_path)}
    result = subprocess.run([sys.executable, "-m", "stance", "corpus", "kremlin-2021-2022"],
                            capture_output=True, text=True, env=env, cwd=tmp_path)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "kremlin-2021-2022" in lines[0] and "STANCE_DATA" in lines[0]


def test_seeds_work_without_any_data_home(tmp_path):
    env = {"STANCE_DATA": str(tmp_path / "empty"), "PATH": "", "HOME": str(tmp_path)}
    result = subprocess.run([sys.executable, "-m", "stance", "corpus", "--list"],
                            capture_output=True, text=True, env=env, cwd=tmp_path)
    assert result.returncode == 0 and result.stdout.splitlines()[0].startswith("seeds\t")
    assert "data home" in result.stderr


@pytest.mark.parametrize("name", NEW_CORPORA)
def test_new_corpora_load_by_name_with_their_metadata(name):
    articles = stance.load_corpus(name)
    assert articles["article_id"].is_unique and (articles["text"].str.len() > 0).all()
    expected = {"congress-tweets-2021-2022": {"speaker", "party", "chamber"},
                "un-general-debate-2022-2023": {"speaker_country"},
                "white-house-2021-2026": {"genre", "url"}}.get(name, {"url"})
    assert expected <= set(articles.columns)
