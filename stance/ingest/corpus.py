"""Reading corpora: a folder of ``.txt`` files, a CSV, JSONL or Parquet file, or a folder of
Parquet files (a dataset) or of JSONL and CSV files.

Every reader returns the article table with the columns of :data:`ARTICLE_COLUMNS`.
``text`` holds the normalised document (see :func:`stance.ingest.text.normalise`); sentence
spans point into it.
"""

import csv
import io
import json
import re
from importlib import resources
from pathlib import Path

import pandas as pd

from .datahome import find_corpus, named_corpora, where_looked
from ..errors import StanceInputError
from ..io import PARQUET_SUFFIXES
from .text import decode_bytes, normalise

ARTICLE_COLUMNS = ["article_id", "title", "text", "source", "date"]
OPTIONAL_FIELDS = ["id", "title", "date", "source"]
# Extra article columns, added after ARTICLE_COLUMNS only when the input table carries them
# (speaker metadata of transcripts, tweets and UN statements; ``url`` is checked to be an address).
EXTRA_FIELDS = ["genre", "speaker", "party", "chamber", "state", "speaker_country", "url"]
TABLE_SUFFIXES = (".jsonl", ".csv")
MANIFEST = "manifest.csv"
DEFAULT_CORPUS = "seeds"
# Manifest columns, each with the aliases a user may have used for it.
_MANIFEST_FIELDS = {"source": ("source", "outlet"), "date": ("date", "month")}
_URL = re.compile(r"https?://\S+$", re.IGNORECASE)


def available_corpora():
    """Return ``{name: path}`` for the corpora that can be loaded by name.

    The seed corpus (shipped in ``data/seeds``, the default) comes first, then every
    corpus of the data home (see :mod:`stance.ingest.datahome`) by name.
    """
    corpora = {DEFAULT_CORPUS: Path(str(resources.files("stance") / "data" / "seeds"))}
    corpora.update(named_corpora())
    return corpora


def _looks_like_name(path):
    """A bare word such as ``kremlin-2021-2022``: no folder separator and no file suffix."""
    text = str(path)
    return "/" not in text and "\\" not in text and not Path(text).suffix


def load_corpus(path=None):
    """Load a corpus into the article table.

    Parameters
    ----------
    path : str, Path or None
        None (the seed corpus), ``"seeds"`` or the name of a corpus in the data
        home (see :func:`available_corpora`; a name wins over a folder of that
        name, use ``./name`` for the folder), a folder of ``.txt`` files (first non-empty line
        is the title; an optional ``manifest.csv`` with ``file`` and
        ``source``/``outlet``, ``date``/``month`` columns adds metadata), a ``.txt``
        file, or a ``.csv`` / ``.jsonl`` / ``.parquet`` file with a ``text`` column and
        optional ``id``, ``title``, ``date``, ``source`` and ``url``. A folder without
        ``.txt`` files is read as one corpus from its Parquet files (a dataset: every
        ``.parquet`` file below it, in path order; ``key=value`` folders add columns),
        else from its ``.jsonl`` and ``.csv`` files, in name order.

    Returns
    -------
    pandas.DataFrame
        One row per article with columns ``article_id, title, text, source, date``,
        then those of :data:`EXTRA_FIELDS` the CSV / JSONL input has (a ``url`` that
        is not an ``http(s)://`` address, such as a spreadsheet's ``nan``, becomes '').

    Raises
    ------
    StanceInputError
        For a missing path, an empty, binary or non-UTF-8 file, an unreadable Parquet
        file, a table without ``text``, a malformed JSONL line or Parquet row, or
        duplicate ids; the message names the file (and the line or row).
        For a corpus name that the data home does not hold, it says where it looked.
    """
    path = corpus_path(path)
    if path.is_dir():
        records = _read_folder(path)
    else:
        records = read_table_file(path)
    return article_frame(records, path)


def read_table_file(path):
    """Return the article records of one ``.txt``, ``.csv``, ``.jsonl`` or ``.parquet`` file."""
    path = Path(path)
    suffix = path.suffix.lower()
    readers = {".txt": _read_txt_file, ".csv": _read_csv, ".jsonl": _read_jsonl}
    readers.update({s: parquet_records for s in PARQUET_SUFFIXES})
    if suffix not in readers:
        raise StanceInputError(path, "unsupported file type; expected a folder, .txt, .csv, .jsonl or .parquet")
    return readers[suffix](path)


def parquet_files(folder):
    """The Parquet files of a dataset folder, in path order (hidden and ``_`` files skipped)."""
    folder = Path(folder)
    return sorted(
        p for p in folder.rglob("*") if p.suffix.lower() in PARQUET_SUFFIXES and p.is_file()
        and not any(part.startswith((".", "_")) for part in p.relative_to(folder).parts)
    )


def table_files(folder):
    """The ``.jsonl`` and ``.csv`` files directly in ``folder``, in name order."""
    return sorted(p for p in Path(folder).iterdir() if p.suffix.lower() in TABLE_SUFFIXES and p.is_file())


def txt_files(folder):
    """The ``.txt`` files directly in ``folder``, in name order."""
    return sorted(p for p in Path(folder).iterdir() if p.suffix.lower() == ".txt" and p.is_file())


def corpus_path(path=None):
    """The file or folder a corpus argument stands for (None and ``"seeds"``: the seed
    corpus; a name: its documents file in the data home).

    Raises
    ------
    StanceInputError
        For a name the data home does not hold, or a path that does not exist.
    """
    if path is None or str(path) == DEFAULT_CORPUS:
        path = available_corpora()[DEFAULT_CORPUS]
    elif isinstance(path, str) and find_corpus(path) is not None:
        path = find_corpus(path)
    elif _looks_like_name(path) and not Path(path).exists():
        raise StanceInputError(path, f"no such corpus, file or folder; {where_looked()}")
    path = Path(path)
    if not path.exists():
        raise StanceInputError(path, "no such file or folder")
    return path


def first_line(text):
    """Return the first non-empty line of ``text``, stripped ('' if none)."""
    for line in text.split("\n"):
        if line.strip():
            return line.strip()
    return ""


def _read_text(path):
    return normalise(decode_bytes(Path(path).read_bytes(), path))


def _txt_record(path, metadata=None):
    text = _read_text(path)
    metadata = metadata or {}
    return {
        "article_id": path.stem,
        "title": first_line(text),
        "text": text,
        "source": metadata.get("source", ""),
        "date": metadata.get("date", ""),
    }


def _read_txt_file(path):
    return [_txt_record(path)]


def _read_folder(folder):
    files = txt_files(folder)
    if not files:
        dataset = parquet_files(folder)
        if dataset:
            return [record for path in dataset for record in parquet_records(path, root=folder)]
        tables = table_files(folder)
        if not tables:
            raise StanceInputError(folder, "folder has no .txt files (nor .parquet, .jsonl or .csv files)")
        return [record for path in tables for record in read_table_file(path)]
    manifest = read_manifest(folder)
    return [_txt_record(p, manifest.get(p.name)) for p in files]


def read_manifest(folder):
    """The ``manifest.csv`` of a folder of ``.txt`` files as ``{file: {source, date}}`` ({} if none)."""
    path = Path(folder) / MANIFEST
    return _read_manifest(path) if path.exists() else {}


def txt_records(files, manifest):
    """Article records of ``.txt`` files, with the metadata of their folder's manifest."""
    return [_txt_record(Path(p), manifest.get(Path(p).name)) for p in files]


def _read_manifest(path):
    rows = list(csv.DictReader(io.StringIO(_read_text(path))))
    if not rows or "file" not in rows[0]:
        raise StanceInputError(path, "manifest needs a 'file' column")
    manifest = {}
    for row in rows:
        entry = {}
        for field, aliases in _MANIFEST_FIELDS.items():
            entry[field] = next((row[a] for a in aliases if row.get(a)), "")
        manifest[row["file"]] = entry
    return manifest


def read_csv_frame(path):
    """Read a UTF-8 CSV file with every column as text ('' for empty cells).

    Raises
    ------
    StanceInputError
        For a missing, empty, binary, non-UTF-8 or unparseable file, naming it.
    """
    if not Path(path).exists():
        raise StanceInputError(path, "no such file")
    try:
        return pd.read_csv(io.StringIO(_read_text(path)), dtype=str, keep_default_na=False)
    except (pd.errors.ParserError, pd.errors.EmptyDataError) as err:
        raise StanceInputError(path, f"not a readable CSV ({str(err).strip()})") from None


def _read_csv(path):
    frame = read_csv_frame(path)
    if "text" not in frame.columns:
        raise StanceInputError(path, f"CSV has no 'text' column (columns: {', '.join(frame.columns)})")
    return [_table_record(row, i + 2, path) for i, row in enumerate(frame.to_dict(orient="records"))]


def _read_jsonl(path):
    return jsonl_records(_read_text(path), path)


class RecordError(StanceInputError):
    """Bad input in one record: ``number`` is its line (or row), ``detail`` the problem."""

    def __init__(self, source, number, detail, unit="line"):
        self.number, self.detail, self.unit = number, detail, unit
        super().__init__(source, f"{unit} {number}: {detail}")

    def __reduce__(self):
        return (type(self), (self.source, self.number, self.detail, self.unit))


def jsonl_records(text, path, first_line=1):
    """Article records of JSONL ``text`` (normalised) from ``path``; its first line is ``first_line``.

    Raises
    ------
    RecordError
        For a line that is not a JSON object with a string ``text``.
    """
    records = []
    for number, line in enumerate(text.split("\n"), start=first_line):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as err:
            raise RecordError(path, number, f"invalid JSON ({err.msg}: column {err.colno})") from None
        if not isinstance(row, dict):
            raise RecordError(path, number, "expected a JSON object")
        if "text" not in row:
            raise RecordError(path, number, "no 'text' field")
        records.append(_table_record(row, number, path))
    return records


def parquet_records(path, row_groups=None, first_row=1, root=None):
    """Article records of a Parquet file (or of its ``row_groups``; the first row read is ``first_row``).

    ``root``: the dataset folder; ``key=value`` folders between it and the file add
    the column ``key`` (hive partitioning) when the file does not have it.

    Raises
    ------
    StanceInputError
        For a file that is not Parquet or has no ``text`` column; RecordError for a row
        whose ``text`` is not a non-empty string.
    """
    import pyarrow as pa
    import pyarrow.parquet as pq
    from urllib.parse import unquote

    path = Path(path)
    try:
        handle = pq.ParquetFile(path)
        table = handle.read() if row_groups is None else handle.read_row_groups(list(row_groups))
    except (pa.ArrowException, OSError) as err:
        raise StanceInputError(path, f"not a readable Parquet file ({str(err).strip()})") from None
    if "text" not in table.column_names:
        raise StanceInputError(path, f"Parquet file has no 'text' column (columns: {', '.join(table.column_names)})")
    keys = {}
    if root is not None:
        for part in path.parent.relative_to(root).parts:
            key, sep, value = part.partition("=")
            if sep and key not in table.column_names:
                keys[key] = "" if value == "__HIVE_DEFAULT_PARTITION__" else unquote(value)
    return [_table_record({**row, **keys}, first_row + i, path, unit="row") for i, row in enumerate(table.to_pylist())]


def _table_record(row, number, path, unit="line"):
    """Turn one CSV row, JSON object or Parquet row into an article record.

    ``number`` is its line in the file (its row for Parquet: ``unit``). Extra fields
    (:data:`EXTRA_FIELDS`) are kept only when the row has them.
    """
    text = row.get("text")
    if not isinstance(text, str):
        raise RecordError(path, number, "'text' must be a string", unit)
    text = normalise(text)
    if not text.strip():
        raise RecordError(path, number, "empty 'text'", unit)
    fields = {f: ("" if row.get(f) is None else normalise(str(row[f])).strip()) for f in OPTIONAL_FIELDS}
    record = {
        "article_id": fields["id"] or f"{Path(path).stem}-{number:05d}",
        "title": fields["title"],
        "text": text,
        "source": fields["source"],
        "date": fields["date"],
    }
    for field in EXTRA_FIELDS:
        if field in row:
            value = "" if row[field] is None else normalise(str(row[field])).strip()
            record[field] = value if field != "url" or _URL.match(value) else ""
    return record


def extra_fields(records):
    """The fields of :data:`EXTRA_FIELDS` that some record has, in that order."""
    return [f for f in EXTRA_FIELDS if any(f in r for r in records)]


def article_frame(records, path, extra=None, allow_empty=False):
    """The article table of ``records``: :data:`ARTICLE_COLUMNS`, then ``extra`` (default:
    those of :data:`EXTRA_FIELDS` the records have; '' where a record lacks one).

    Raises
    ------
    StanceInputError
        For duplicate article ids, or no records unless ``allow_empty``.
    """
    extra = extra_fields(records) if extra is None else list(extra)
    frame = pd.DataFrame.from_records(records, columns=ARTICLE_COLUMNS + extra)
    for column in extra:  # a column no record has is all '' (not a column of missing numbers)
        frame[column] = frame[column].fillna("") if frame[column].notna().any() else ""
    duplicated = frame["article_id"][frame["article_id"].duplicated()]
    if len(duplicated):
        raise StanceInputError(path, f"duplicate article id {duplicated.iloc[0]!r}")
    if frame.empty and not allow_empty:
        raise StanceInputError(path, "no articles")
    return frame

