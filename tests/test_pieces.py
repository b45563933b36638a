"""Corpora cut into pieces (stance.ingest.pieces) and Parquet as a corpus and table format; no Dask needed."""

import json

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

import stance
from stance.cli import main
from stance.ingest.corpus import article_frame
from stance.io import write_table
from stance.ingest.pieces import count_lines, first_lines, plan_pieces, read_piece, read_records, scan_piece


def _records_of_pieces(path, partitions):
    pieces = plan_pieces(path, partitions)
    firsts = first_lines(pieces, [count_lines(p) for p in pieces])
    return pieces, [r for piece, first in zip(pieces, firsts) for r in read_records(piece, first)]


@pytest.fixture
def seed_jsonl(tmp_path, seed_articles):
    """The seed articles as a JSONL file without ids (ids come from line numbers), with blank
    lines and Windows line ends, so that line numbering across pieces is put to the test."""
    path = tmp_path / "corpus.jsonl"
    lines = []
    for i, row in enumerate(seed_articles.itertuples(index=False)):
        lines.append(json.dumps({"title": row.title, "text": row.text, "source": row.source, "date": row.date}))
        if i % 2:
            lines.append("")
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode("utf-8"))
    return path


@pytest.mark.parametrize("partitions", [1, 2, 3, 5])
def test_jsonl_pieces_read_as_the_whole_file(seed_jsonl, partitions):
    pieces, records = _records_of_pieces(seed_jsonl, partitions)
    assert len(pieces) == min(partitions, 5) or partitions == 5
    whole = stance.load_corpus(seed_jsonl)
    assert article_frame(records, seed_jsonl).equals(whole)
    assert whole["article_id"].tolist()[:2] == ["corpus-00001", "corpus-00002"]  # line numbers, blank lines counted


def test_a_bad_line_in_a_later_piece_is_reported_with_its_line_in_the_file(seed_jsonl):
    lines = seed_jsonl.read_bytes().split(b"\r\n")
    lines[5] = b'{"text": "unterminated'
    seed_jsonl.write_bytes(b"\r\n".join(lines))
    with pytest.raises(stance.StanceInputError) as whole:
        stance.load_corpus(seed_jsonl)
    pieces = plan_pieces(seed_jsonl, 3)
    firsts = first_lines(pieces, [count_lines(p) for p in pieces])
    errors = [scan_piece(p, f)["error"] for p, f in zip(pieces, firsts)]
    found = [e for e in errors if e is not None]
    assert len(found) == 1 and errors[0] is None  # the bad line is not in the first piece
    assert str(found[0]) == str(whole.value) == f"{seed_jsonl}: line 6: invalid JSON (Unterminated string starting at: column 10)"


def test_txt_folder_pieces_keep_the_manifest(seed_articles):
    pieces, records = _records_of_pieces(None, 3)
    assert [p.kind for p in pieces] == ["txt"] * 3
    assert article_frame(records, "seeds").equals(seed_articles)


def _write_parquet_dataset(folder, articles):
    """Articles as a hive-partitioned Parquet dataset (source=.../part.parquet), two row groups per file."""
    for source, part in articles.groupby("source", sort=True):
        target = folder / f"source={source.replace(' ', '%20')}"
        target.mkdir(parents=True)
        table = pa.Table.from_pandas(part.drop(columns="source").rename(columns={"article_id": "id"}), preserve_index=False)
        pq.write_table(table, target / "part.parquet", row_group_size=1)


def test_parquet_file_and_dataset_read_as_csv_and_jsonl(tmp_path, seed_articles):
    table = seed_articles.rename(columns={"article_id": "id"})
    write_table(table, tmp_path / "a.parquet")
    write_table(table, tmp_path / "a.jsonl")
    assert stance.load_corpus(tmp_path / "a.parquet").equals(stance.load_corpus(tmp_path / "a.jsonl"))
    assert stance.load_corpus(tmp_path / "a.parquet").equals(seed_articles)

    dataset = tmp_path / "dataset"
    _write_parquet_dataset(dataset, seed_articles)
    loaded = stance.load_corpus(dataset)  # the source comes back from the folder names
    expected = seed_articles.sort_values("source", kind="stable").reset_index(drop=True)
    assert loaded.equals(expected)
    pieces, records = _records_of_pieces(dataset, 5)
    assert len(pieces) == 5 and article_frame(records, dataset).equals(expected)


@pytest.mark.parametrize("content, problem", [
    (pa.table({"body": ["a"]}), "Parquet file has no 'text' column"),
    (pa.table({"text": ["fine", "  "]}), "row 2: empty 'text'"),
    (pa.table({"text": ["fine", None]}), "row 2: 'text' must be a string"),
    (pa.table({"text": [1]}), "row 1: 'text' must be a string"),
    (b"PAR1 not really", "not a readable Parquet file"),
])
def test_bad_parquet_is_reported_with_the_file_and_row(tmp_path, content, problem):
    path = tmp_path / "bad.parquet"
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        pq.write_table(content, path)
    with pytest.raises(stance.StanceInputError) as info:
        stance.load_corpus(path)
    assert str(info.value).startswith(f"{path}: ") and problem in str(info.value)
    result = main(["corpus", str(path), "--out", str(tmp_path / "out.parquet")])
    assert result == 2 and not (tmp_path / "out.parquet").exists()


def test_corpus_and_label_write_parquet(tmp_path, seed_sentences, lexicon_model):
    out = tmp_path / "sentences.parquet"
    assert main(["corpus", "--out", str(out)]) == 0
    assert pd.read_parquet(out).equals(seed_sentences)

    csv, parquet = tmp_path / "labels.csv", tmp_path / "labels.parquet"
    assert main(["label", "--out", str(csv), "--model", str(lexicon_model)]) == 0
    assert main(["label", "--out", str(parquet), "--model", str(lexicon_model), "--chunk", "2"]) == 0
    table = pq.read_table(parquet)
    assert table.schema.field("topics").type == pa.list_(pa.string())
    assert pq.ParquetFile(parquet).num_row_groups == 3  # one row group per chunk of 2 articles
    from_parquet = table.to_pandas()
    from_csv = pd.read_csv(csv, keep_default_na=False)
    assert list(from_parquet.columns) == list(from_csv.columns) and len(from_parquet) == 116
    assert from_parquet["topics"].map(";".join).tolist() == from_csv["topics"].tolist()
    for column in ("sentence_id", "text", "tone", "stance", "boilerplate"):
        assert from_parquet[column].tolist() == from_csv[column].tolist()
    labelled = ~from_parquet["boilerplate"]
    for column in ("p_military_aid", "stance_score"):
        assert from_parquet.loc[labelled, column].tolist() == from_csv.loc[labelled, column].astype(float).tolist()


def test_read_piece_adds_the_corpus_extra_columns(tmp_path):
    path = tmp_path / "c.jsonl"
    first_text = "One sentence that is long enough to hold the middle of the file. " * 3
    path.write_text(f'{{"id": "a", "text": "{first_text}"}}\n{{"id": "b", "text": "Two.", "url": "https://x.org/b"}}\n',
                    encoding="utf-8")
    first, second = plan_pieces(path, 2)
    assert read_piece(first, 1, extra=["url"])["url"].tolist() == [""]
    assert read_piece(second, 2, extra=["url"])["url"].tolist() == ["https://x.org/b"]

