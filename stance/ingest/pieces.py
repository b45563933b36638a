"""A corpus cut into pieces that separate processes can read on their own.

A :class:`Piece` is a byte range of a JSONL file (cut at line ends), a CSV file, a
range of row groups of a Parquet file, or a group of ``.txt`` files of a folder. The
pieces of a corpus, read in order, give the records that :func:`stance.load_corpus`
reads from it, with the same checks, the same default article ids and the same line
(or row) numbers in errors. Nothing here needs Dask: :mod:`stance.distributed` runs
these functions on the workers of a cluster.

A JSONL piece does not know its first line number until the pieces before it are
counted (:func:`count_lines`, cheap: line ends in the raw bytes); :func:`scan_piece`
then checks every record, and :func:`read_piece` reads the articles for labelling.
"""

import math
from dataclasses import dataclass, field
from pathlib import Path

from .corpus import (
    PARQUET_SUFFIXES, _read_csv, article_frame, corpus_path, extra_fields, jsonl_records,
    parquet_files, parquet_records, read_manifest, table_files, txt_files, txt_records,
)
from ..errors import StanceInputError
from .text import decode_bytes, normalise

# A JSONL piece: about 4 MiB, some 25,000 sentences of news text.
BLOCK_BYTES = 4 * 2**20
# A piece of a folder of .txt files.
TXT_FILES_PER_PIECE = 200
_READ = 2**16


@dataclass(frozen=True)
class Piece:
    """One independently readable part of a corpus.

    ``kind`` is ``jsonl`` (bytes ``start:stop`` of ``path``), ``csv`` (the file ``path``),
    ``parquet`` (row groups ``start:stop`` of ``path``, whose first row is row
    ``first_row`` of the file; ``root`` is the dataset folder) or ``txt`` (``files`` of
    the folder ``path``).
    """

    kind: str
    path: str
    start: int = 0
    stop: int = 0
    first_row: int = 1
    root: str = None
    files: tuple = field(default=())


def plan_pieces(path=None, partitions=None, block_bytes=BLOCK_BYTES):
    """Cut a corpus into pieces.

    Parameters
    ----------
    path : str, Path or None
        What :func:`stance.load_corpus` accepts.
    partitions : int or None
        About how many pieces to cut (a CSV file is never cut, a Parquet file only at
        row groups, a JSONL file only at line ends); None: JSONL in blocks of
        ``block_bytes``, a Parquet file per piece, 200 ``.txt`` files per piece.

    Returns
    -------
    list of Piece
        In corpus order.
    """
    path = corpus_path(path)
    if path.is_dir():
        texts = txt_files(path)
        if texts:
            n = _count(partitions, math.ceil(len(texts) / TXT_FILES_PER_PIECE), len(texts))
            bounds = [round(k * len(texts) / n) for k in range(n + 1)]
            return [Piece("txt", str(path), files=tuple(p.name for p in texts[a:b]))
                    for a, b in zip(bounds, bounds[1:]) if b > a]
        files = parquet_files(path) or table_files(path)
        if not files:
            raise StanceInputError(path, "folder has no .txt files (nor .parquet, .jsonl or .csv files)")
        root = path
    else:
        files, root = [path], path.parent
    sizes = [f.stat().st_size for f in files]
    total = sum(sizes) or 1
    pieces = []
    for file, size in zip(files, sizes):
        share = None if partitions is None else max(1, round(partitions * size / total))
        pieces.extend(_file_pieces(file, share, block_bytes, root))
    return pieces


def _count(partitions, default, most):
    return max(1, min(most, partitions if partitions is not None else default))


def _file_pieces(path, partitions, block_bytes, root):
    suffix = path.suffix.lower()
    if suffix == ".jsonl":
        size = path.stat().st_size
        n = partitions if partitions is not None else math.ceil(size / block_bytes)
        cuts = _line_cuts(path, max(1, n))
        return [Piece("jsonl", str(path), a, b) for a, b in zip(cuts, cuts[1:])]
    if suffix in PARQUET_SUFFIXES:
        return _parquet_pieces(path, partitions or 1, root)
    if suffix in (".csv", ".txt"):
        return [Piece(suffix.lstrip("."), str(path))]
    raise StanceInputError(path, "unsupported file type; expected a folder, .txt, .csv, .jsonl or .parquet")


def _line_cuts(path, n):
    """Byte offsets that cut ``path`` into about ``n`` ranges, each just after a line end."""
    size = Path(path).stat().st_size
    cuts = [0]
    with open(path, "rb") as handle:
        for k in range(1, n):
            target = max(size * k // n, cuts[-1])
            handle.seek(target)
            offset = target
            while True:
                chunk = handle.read(_READ)
                if not chunk:
                    offset = size
                    break
                found = chunk.find(b"\n")
                if found >= 0:
                    offset += found + 1
                    break
                offset += len(chunk)
            if cuts[-1] < offset < size:
                cuts.append(offset)
    return cuts + [size]


def _parquet_pieces(path, partitions, root):
    import pyarrow as pa
    import pyarrow.parquet as pq

    try:
        metadata = pq.ParquetFile(path).metadata
    except (pa.ArrowException, OSError) as err:
        raise StanceInputError(path, f"not a readable Parquet file ({str(err).strip()})") from None
    groups = metadata.num_row_groups
    rows = [metadata.row_group(i).num_rows for i in range(groups)]
    n = max(1, min(partitions, groups))
    bounds = [round(k * groups / n) for k in range(n + 1)]
    return [Piece("parquet", str(path), a, b, first_row=1 + sum(rows[:a]), root=str(root))
            for a, b in zip(bounds, bounds[1:]) if b > a or groups == 0]


def count_lines(piece):
    """The number of lines a JSONL piece adds (its line ends after normalisation); 0 for other kinds.

    Counted on the raw bytes: a line end is ``\\n``, ``\\r\\n`` or a lone ``\\r``, as
    :func:`stance.ingest.text.normalise` reads them.
    """
    if piece.kind != "jsonl":
        return 0
    data = _read_bytes(piece)
    return data.count(b"\n") + data.count(b"\r") - data.count(b"\r\n")


def _read_bytes(piece):
    with open(piece.path, "rb") as handle:
        handle.seek(piece.start)
        return handle.read(piece.stop - piece.start)


def _jsonl_text(piece):
    """The normalised text of a JSONL piece, decoded with the checks of :func:`stance.ingest.text.decode_bytes`."""
    data = _read_bytes(piece)
    if piece.start == 0 and piece.stop == Path(piece.path).stat().st_size:
        return normalise(decode_bytes(data, piece.path))  # the whole file: exactly as load_corpus
    if piece.start == 0 and b"\x00" in data[:8192]:
        raise StanceInputError(piece.path, "binary file (contains NUL bytes), expected UTF-8 text")
    try:
        text = data.decode("utf-8-sig" if piece.start == 0 else "utf-8")
    except UnicodeDecodeError as err:
        raise StanceInputError(
            piece.path, f"not UTF-8 text (byte 0x{data[err.start]:02x} at offset {piece.start + err.start})"
        ) from None
    return normalise(text)


def read_records(piece, first_line=1):
    """The article records of ``piece``; a JSONL piece's first line is ``first_line``.

    Raises
    ------
    StanceInputError
        As :func:`stance.load_corpus` does for the same file, line or row.
    """
    if piece.kind == "jsonl":
        return jsonl_records(_jsonl_text(piece), piece.path, first_line)
    if piece.kind == "csv":
        return _read_csv(Path(piece.path))
    if piece.kind == "parquet":
        return parquet_records(piece.path, range(piece.start, piece.stop), piece.first_row, piece.root)
    if piece.kind == "txt":
        folder = Path(piece.path)
        return txt_records([folder / name for name in piece.files], read_manifest(folder))
    raise ValueError(f"unknown piece kind {piece.kind!r}")


def scan_piece(piece, first_line=1):
    """Check every record of ``piece`` without raising.

    Returns
    -------
    dict
        ``ids`` (article ids in order), ``extra`` (the :data:`stance.ingest.corpus.EXTRA_FIELDS`
        the records have) and ``error`` (the :class:`stance.StanceInputError` of the
        first bad record, or None).
    """
    try:
        records = read_records(piece, first_line)
    except StanceInputError as err:
        return {"ids": [], "extra": [], "error": err}
    return {"ids": [r["article_id"] for r in records], "extra": extra_fields(records), "error": None}


def read_piece(piece, first_line=1, extra=None):
    """The article table of ``piece`` (possibly empty), with the ``extra`` columns of the whole corpus."""
    return article_frame(read_records(piece, first_line), piece.path, extra=extra, allow_empty=True)


def first_lines(pieces, counts):
    """The first line number of each piece: 1 plus the lines of the earlier pieces of its file."""
    seen, firsts = {}, []
    for piece, count in zip(pieces, counts):
        firsts.append(1 + seen.get(piece.path, 0))
        seen[piece.path] = seen.get(piece.path, 0) + count
    return firsts
