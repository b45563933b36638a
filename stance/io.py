"""Atomic writing of tables and text: a temporary file, then a rename.

A reader never sees a half-written output, even if the process is killed.
"""

import contextlib
import json
import os
import tempfile
from pathlib import Path

import pandas as pd

TABLE_FORMATS = ("csv", "jsonl")


def _umask():
    mask = os.umask(0)
    os.umask(mask)
    return mask


@contextlib.contextmanager
def atomic_path(path):
    """Yield a temporary path beside ``path``; rename it onto ``path`` on success.

    On any exception the temporary file is removed and ``path`` is untouched.
    """
    path = Path(path)
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
    """Return ``fmt``, or the format implied by the suffix of ``path`` (csv by default)."""
    if fmt is not None:
        if fmt not in TABLE_FORMATS:
            raise ValueError(f"unknown table format {fmt!r}; use one of {', '.join(TABLE_FORMATS)}")
        return fmt
    suffix = Path(path).suffix.lower().lstrip(".")
    return suffix if suffix in TABLE_FORMATS else "csv"


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


def write_table(frame, path, fmt=None):
    """Write a DataFrame atomically to ``path`` as CSV or JSONL and return the path.

    Parameters
    ----------
    frame : pandas.DataFrame
    path : str or Path
    fmt : {"csv", "jsonl"} or None
        None picks the format from the suffix, CSV when it says nothing.
    """
    fmt = table_format(path, fmt)
    with atomic_path(path) as tmp, open(tmp, "w", encoding="utf-8", newline="") as handle:
        write_rows(frame, handle, fmt)
    return Path(path)


def write_text(text, path):
    """Write a string atomically to ``path`` (UTF-8) and return the path."""
    with atomic_path(path) as tmp:
        Path(tmp).write_text(text, encoding="utf-8")
    return Path(path)
