"""Atomic writing of tables and text: a temporary file, then a rename.

A reader never sees a half-written output, even if the process is killed. Tables are
written as CSV, JSONL or Parquet (pyarrow, with a fixed schema per column name so that
the files of one dataset agree).
"""

import contextlib
import json
import os
import tempfile
from pathlib import Path

import pandas as pd

from .errors import StanceInputError

TABLE_FORMATS = ("csv", "jsonl", "parquet")
PARQUET_SUFFIXES = (".parquet", ".pq")  # read as Parquet by stance.ingest too
# Arrow types of the columns the package writes, by name (any other column is inferred).
_INT_COLUMNS = {"position", "paragraph", "start", "end", "n_sentences"}
_BOOL_COLUMNS = {"boilerplate"}
_LIST_COLUMNS = {"topics", "sentence_ids"}


def _umask():
    mask = os.umask(0)
    os.umask(mask)
    return mask


def check_output_file(path):
    """``path`` as a Path; raise StanceInputError when it is an existing folder (an output file would
    replace it). Call it before long work, so that a wrong ``--out`` fails at once."""
    path = Path(path)
    if path.is_dir():
        raise StanceInputError(path, "is a folder; expected an output file")
    return path


@contextlib.contextmanager
def atomic_path(path):
    """Yield a temporary path beside ``path``; rename it onto ``path`` on success.

    On any exception the temporary file is removed and ``path`` is untouched. A ``path`` that is a
    folder raises StanceInputError (see :func:`check_output_file`).
    """
    path = check_output_file(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(fd)
    try:
        yield Path(tmp)
        # mkstemp creates the file readable by its owner only; give it the usual permissions.
        os.chmod(tmp, 0o666 & ~_umask())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


def table_format(path, fmt=None):
    """Return ``fmt``, or the format implied by the suffix of ``path`` (csv by default).

    A ``fmt`` that contradicts a table suffix of ``path`` (Parquet into ``x.csv``) raises StanceInputError."""
    suffix = Path(path).suffix.lower()
    implied = "parquet" if suffix in PARQUET_SUFFIXES else suffix.lstrip(".") if suffix.lstrip(".") in TABLE_FORMATS else None
    if fmt is None:
        return implied or "csv"
    if fmt not in TABLE_FORMATS:
        raise ValueError(f"unknown table format {fmt!r}; use one of {', '.join(TABLE_FORMATS)}")
    if implied is not None and implied != fmt:
        raise StanceInputError(path, f"the format {fmt} contradicts the file's suffix {suffix}; change one of them")
    return fmt


def _jsonable(value):
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if hasattr(value, "item"):  # numpy scalars
        return value.item()
    if value is pd.NA or (isinstance(value, float) and value != value):
        return None
    return value


def to_csv_cell(value):
    """Lists become ``a;b`` in CSV cells (the format the gold annotations use)."""
    if isinstance(value, (list, tuple)):
        return ";".join(str(v) for v in value)
    return value


def write_rows(frame, handle, fmt, header=True):
    """Write ``frame`` to an open text handle as CSV or JSONL."""
    if fmt == "csv":
        frame.map(to_csv_cell).to_csv(handle, index=False, header=header, lineterminator="\n")
    else:
        for record in frame.to_dict(orient="records"):
            handle.write(json.dumps({k: _jsonable(v) for k, v in record.items()}, ensure_ascii=False))
            handle.write("\n")


def _arrow_type(name, values):
    import pyarrow as pa

    if name in _LIST_COLUMNS or any(isinstance(v, (list, tuple)) for v in values[:1000]):
        return pa.list_(pa.string())
    if name in _INT_COLUMNS:
        return pa.int64()
    if name in _BOOL_COLUMNS:
        return pa.bool_()
    if name.startswith(("p_", "share_")) or name.endswith("_score"):
        return pa.float64()
    return None


def arrow_schema(frame):
    """The Arrow schema a table is written with: fixed types for the package's columns.

    ``topics`` and ``sentence_ids`` are lists of strings (also when every list is empty),
    positions and offsets 64-bit integers, probabilities, shares and scores floats, text
    columns strings; other columns keep the type Arrow infers (strings for text).
    """
    import pyarrow as pa

    inferred = pa.Schema.from_pandas(frame, preserve_index=False)
    fields = []
    for field in inferred:
        kind = _arrow_type(field.name, list(frame[field.name]))
        if kind is None:
            kind = field.type
            if pa.types.is_large_string(kind) or pa.types.is_null(kind):
                kind = pa.string()
        fields.append(pa.field(field.name, kind))
    return pa.schema(fields)


def to_arrow(frame, schema=None):
    """A pandas DataFrame as an Arrow table with :func:`arrow_schema` (or ``schema``)."""
    import pyarrow as pa

    return pa.Table.from_pandas(frame, schema=schema or arrow_schema(frame), preserve_index=False)


@contextlib.contextmanager
def table_writer(path, fmt):
    """Open ``path`` for a table written in parts; yield ``write(frame)``.

    CSV gets its header from the first part; Parquet takes its schema from the first
    part (:func:`arrow_schema`) and writes each part as a row group. With no part written a
    Parquet file is still a valid (empty) table. ``path`` is written
    directly: wrap it in :func:`atomic_path` for an atomic output.
    """
    if fmt == "parquet":
        import pyarrow.parquet as pq

        state = {"writer": None}

        def write(frame):
            if state["writer"] is None:
                state["schema"] = arrow_schema(frame)
                state["writer"] = pq.ParquetWriter(str(path), state["schema"])
            state["writer"].write_table(to_arrow(frame, state["schema"]))

        try:
            yield write
        finally:
            if state["writer"] is not None:
                state["writer"].close()
        if state["writer"] is None:
            write(pd.DataFrame())
            state["writer"].close()
        return
    with open(path, "w", encoding="utf-8", newline="") as handle:
        state = {"header": True}

        def write(frame):
            write_rows(frame, handle, fmt, header=state["header"])
            state["header"] = False

        yield write


def write_table(frame, path, fmt=None):
    """Write a DataFrame atomically to ``path`` as CSV, JSONL or Parquet and return the path.

    Parameters
    ----------
    frame : pandas.DataFrame
    path : str or Path
    fmt : {"csv", "jsonl", "parquet"} or None
        None picks the format from the suffix (``.parquet`` or ``.pq`` for Parquet),
        CSV when it says nothing.
    """
    fmt = table_format(path, fmt)
    with atomic_path(path) as tmp, table_writer(tmp, fmt) as write:
        write(frame)
    return Path(path)


def write_text(text, path):
    """Write a string atomically to ``path`` (UTF-8) and return the path."""
    with atomic_path(path) as tmp:
        Path(tmp).write_text(text, encoding="utf-8")
    return Path(path)
