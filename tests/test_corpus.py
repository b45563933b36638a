import json
import subprocess
import sys
from pathlib import Path

import pytest

import stance
from stance.ingest.corpus import ARTICLE_COLUMNS

REPO = Path(__file__).resolve().parents[1]
US_CORPUS = "us-government-2022"
SHARED_CORPORA = REPO.parent / "shared" / "corpora"


def test_seed_corpus_has_five_articles_with_manifest_metadata(seed_articles):
    assert list(seed_articles.columns) == ARTICLE_COLUMNS
    assert len(seed_articles) == 5
    first = seed_articles.iloc[0]
    assert first["article_id"] == "000_74b541bcf977c09e"
    assert first["title"] == "Ukraine can count on UK support, Cleverly tells Zelensky in Kyiv"
    assert first["source"] == "The Independent"
    assert first["date"] == "2023-06"
    assert set(seed_articles["date"]) == {"2023-06", "2023-01", "2023-07", "2025-04", "2022-09"}


def test_packaged_seeds_are_the_repository_seeds_byte_for_byte():
    packaged = Path(stance.__file__).parent / "data" / "seeds"
    for original in sorted((REPO / "seeds").iterdir()):
        assert (packaged / original.name).read_bytes() == original.read_bytes()


def test_seeds_load_from_another_working_directory(tmp_path):
    code = "import stance; a = stance.load_corpus(); print(len(a), a.source.iloc[2])"
    result = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split(None, 1) == ["5", "Daily Mirror\n"]


def test_built_wheel_ships_the_seed_corpus(built_wheel):
    import zipfile

    archive = zipfile.ZipFile(built_wheel)
    names = set(archive.namelist())
    for original in (REPO / "seeds").iterdir():
        assert f"stance/data/seeds/{original.name}" in names
    # third-party corpora are read from the data home, never shipped
    assert not [n for n in names if n.endswith("documents.jsonl") or "/corpora/" in n]


def test_available_corpora_list_the_seeds_first_then_the_data_home():
    corpora = stance.ingest.corpus.available_corpora()
    assert list(corpora)[:1] == ["seeds"] and US_CORPUS in corpora
    assert corpora[US_CORPUS] == SHARED_CORPORA / US_CORPUS / "documents.jsonl"


def test_us_corpus_loads_by_name_with_its_urls():
    articles = stance.load_corpus(US_CORPUS)
    assert list(articles.columns) == ARTICLE_COLUMNS + ["url"]
    assert len(articles) == 240 and articles["article_id"].is_unique
    first = articles.set_index("article_id").loc["dod-2022-02-24-05742a73"]
    assert first["source"] == "U.S. Department of Defense" and first["date"] == "2022-02-24"
    assert first["url"].startswith("http://www.defense.gov/News/Releases/Release/Article/2945909/")
    # The spreadsheet's missing values ("nan") are not addresses.
    assert set(articles["url"].str[:4]) == {"http", ""}


def test_url_column_only_when_the_input_has_it(tmp_path):
    plain = tmp_path / "plain.jsonl"
    plain.write_text('{"text": "One."}\n', encoding="utf-8")
    assert list(stance.load_corpus(plain).columns) == ARTICLE_COLUMNS
    with_url = tmp_path / "u.csv"
    with_url.write_text("text,url\nOne.,https://example.org/a\nTwo.,\n", encoding="utf-8")
    assert list(stance.load_corpus(with_url)["url"]) == ["https://example.org/a", ""]


def test_folder_reader_takes_title_from_first_non_empty_line(tmp_path):
    (tmp_path / "a.txt").write_text("\n\nHeadline here\nShort standfirst.\nBody one. Body two.\n", encoding="utf-8")
    (tmp_path / "notes.md").write_text("ignored", encoding="utf-8")
    articles = stance.load_corpus(tmp_path)
    assert list(articles["article_id"]) == ["a"]
    assert articles.iloc[0]["title"] == "Headline here"
    assert articles.iloc[0]["source"] == ""


def test_folder_reader_uses_a_manifest(tmp_path):
    (tmp_path / "x.txt").write_text("Title\nText.\n", encoding="utf-8")
    (tmp_path / "manifest.csv").write_text("file,outlet,month\nx.txt,The Paper,2024-01\n", encoding="utf-8")
    article = stance.load_corpus(tmp_path).iloc[0]
    assert (article["source"], article["date"]) == ("The Paper", "2024-01")


def test_csv_reader_with_optional_columns(tmp_path):
    path = tmp_path / "c.csv"
    path.write_text('id,title,text,source,date,extra\n7,Tanks,"The UK will send tanks. More soon.",BBC,2023-01-15,x\n'
                    ',,"Second text.",,,\n', encoding="utf-8")
    articles = stance.load_corpus(path)
    assert list(articles["article_id"]) == ["7", "c-00003"]
    assert articles.iloc[0][["title", "source", "date"]].tolist() == ["Tanks", "BBC", "2023-01-15"]
    assert articles.iloc[1]["text"] == "Second text."


def test_jsonl_reader(tmp_path):
    path = tmp_path / "d.jsonl"
    rows = [{"id": "a", "text": "One. Two.", "source": "S"}, {"text": "Three.", "date": "2022-03-01"}]
    path.write_text("\n".join(json.dumps(r) for r in rows) + "\n\n", encoding="utf-8")
    articles = stance.load_corpus(path)
    assert list(articles["article_id"]) == ["a", "d-00002"]
    assert articles.iloc[1]["date"] == "2022-03-01"


def test_text_is_normalised_without_changing_lengths_of_spaces(tmp_path):
    path = tmp_path / "n.txt"
    path.write_bytes("Title\r\nA\u00a0sentence.\r\n".encode("utf-8"))
    assert stance.load_corpus(path).iloc[0]["text"] == "Title\nA sentence.\n"


BAD_INPUTS = {
    "missing": (None, "no such file or folder"),
    "empty.txt": (b"  \n", "empty file"),
    "binary.txt": (b"\x89PNG\r\n\x1a\n\x00\x00\x00", "binary file"),
    "latin1.txt": ("Caf\u00e9 au lait.".encode("latin-1"), "not UTF-8"),
    "notext.csv": (b"id,body\n1,hello\n", "no 'text' column"),
    "notext.jsonl": (b'{"body": "hello"}\n', "line 1: no 'text' field"),
    "broken.jsonl": (b'{"text": "fine"}\n{"text": "oops"\n', "line 2: invalid JSON"),
    "empty.csv": (b"", "empty file"),
    "image.png": (b"abc", "unsupported file type"),
}


def _make(tmp_path, name):
    content, problem = BAD_INPUTS[name]
    path = tmp_path / name
    if content is not None:
        path.write_bytes(content)
    return path, problem


@pytest.mark.parametrize("name", sorted(BAD_INPUTS))
def test_bad_input_raises_an_error_naming_the_file_and_problem(tmp_path, name):
    path, problem = _make(tmp_path, name)
    with pytest.raises(stance.StanceInputError) as info:
        stance.load_corpus(path)
    message = str(info.value)
    assert str(path) in message and problem in message


def test_empty_folder_is_an_error(tmp_path):
    with pytest.raises(stance.StanceInputError, match="no .txt files"):
        stance.load_corpus(tmp_path)


def test_duplicate_ids_are_an_error(tmp_path):
    path = tmp_path / "dup.csv"
    path.write_text("id,text\n1,a\n1,b\n", encoding="utf-8")
    with pytest.raises(stance.StanceInputError, match="duplicate article id '1'"):
        stance.load_corpus(path)
