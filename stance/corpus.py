"""Reading corpora: a folder of ``.txt`` files, a CSV file or a JSONL file.

Every reader returns the article table with the columns of :data:`ARTICLE_COLUMNS`.
``text`` holds the normalised document (see :func:`stance.text.normalise`); sentence
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
from .errors import StanceInputError
from .text import decode_bytes, normalise

ARTICLE_COLUMNS = ["article_id", "title", "text", "source", "date"]
OPTIONAL_FIELDS = ["id", "title", "date", "source"]
# Extra article columns, added after ARTICLE_COLUMNS only when the input table carries them
# (speaker metadata of transcripts, tweets and UN statements; ``url`` is checked to be an address).
EXTRA_FIELDS = ["genre", "speaker", "party", "chamber", "state", "speaker_country", "url"]
MANIFEST = "manifest.csv"
DEFAULT_CORPUS = "seeds"
# Manifest columns, each with the aliases a user may have used for it.
_MANIFEST_FIELDS = {"source": ("source", "outlet"), "date": ("date", "month")}
_URL = re.compile(r"https?://\S+$", re.IGNORECASE)


def available_corpora():
    """Return ``{name: path}`` for the corpora that can be loaded by name.

    The seed corpus (shipped in ``data/seeds``, the default) comes first, then every
    corpus of the data home (see :mod:`stance.datahome`) by name.
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
        file, or a ``.csv`` / ``.jsonl`` file with a ``text`` column and optional
        ``id``, ``title``, ``date``, ``source`` and ``url``.

    Returns
    -------
    pandas.DataFrame
        One row per article with columns ``article_id, title, text, source, date``,
        then those of :data:`EXTRA_FIELDS` the CSV / JSONL input has (a ``url`` that
        is not an ``http(s)://`` address, such as a spreadsheet's ``nan``, becomes '').

    Raises
    ------
    StanceInputError
        For a missing path, an empty, binary or non-UTF-8 file, a table without
        ``text``, a malformed JSONL line or duplicate ids; the message names the file.
        For a corpus name that the data home does not hold, it says where it looked.
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
    if path.is_dir():
        records = _read_folder(path)
    else:
        suffix = path.suffix.lower()
        readers = {".txt": _read_txt_file, ".csv": _read_csv, ".jsonl": _read_jsonl}
        if suffix not in readers:
            raise StanceInputError(path, "unsupported file type; expected a folder, .txt, .csv or .jsonl")
        records = readers[suffix](path)
    return _article_frame(records, path)


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
    files = sorted(p for p in folder.iterdir() if p.suffix.lower() == ".txt" and p.is_file())
    if not files:
        raise StanceInputError(folder, "folder has no .txt files")
    manifest = _read_manifest(folder / MANIFEST) if (folder / MANIFEST).exists() else {}
    return [_txt_record(p, manifest.get(p.name)) for p in files]


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
    records = []
    for number, line in enumerate(_read_text(path).split("\n"), start=1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as err:
            raise StanceInputError(path, f"line {number}: invalid JSON ({err.msg})") from None
        if not isinstance(row, dict):
            raise StanceInputError(path, f"line {number}: expected a JSON object")
        if "text" not in row:
            raise StanceInputError(path, f"line {number}: no 'text' field")
        records.append(_table_record(row, number, path))
    return records


def _table_record(row, number, path):
    """Turn one CSV row or JSON object into an article record (``number``: line in the file).

    Extra fields (:data:`EXTRA_FIELDS`) are kept only when the row has them.
    """
    text = row.get("text")
    if not isinstance(text, str):
        raise StanceInputError(path, f"line {number}: 'text' must be a string")
    text = normalise(text)
    if not text.strip():
        raise StanceInputError(path, f"line {number}: empty 'text'")
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


def _article_frame(records, path):
    extra = [f for f in EXTRA_FIELDS if any(f in r for r in records)]
    frame = pd.DataFrame.from_records(records, columns=ARTICLE_COLUMNS + extra)
    frame[extra] = frame[extra].fillna("")
    duplicated = frame["article_id"][frame["article_id"].duplicated()]
    if len(duplicated):
        raise StanceInputError(path, f"duplicate article id {duplicated.iloc[0]!r}")
    if frame.empty:
        raise StanceInputError(path, "no articles")
    return frame
