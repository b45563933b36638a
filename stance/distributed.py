"""Labelling a corpus on a Dask cluster: :func:`label_dask`.

The corpus is cut into pieces (:mod:`stance.ingest.pieces`: byte ranges of a JSONL file,
CSV files, row groups of Parquet files, groups of ``.txt`` files) or taken as the
partitions of a Dask DataFrame. Three rounds of tasks run on the workers:

1. line counts of the JSONL pieces (so that every piece knows its first line number);
2. a check of every record (the errors of :func:`stance.load_corpus`, with the file and
   line, raised on the client before anything is labelled; duplicate ids across pieces;
   the extra columns of the whole corpus);
3. labelling: each task splits its articles into sentences, labels them with the model
   that the worker loaded once (:class:`stance.worker_model.StanceModelPlugin`) and
   writes one part file into a temporary folder beside the output.

The client then moves the folder into place (a Parquet dataset) or joins its parts into
one CSV or JSONL file. A retried task rewrites the same part file, so a worker lost
mid-run leaves neither gaps nor duplicates; an interrupted run leaves no final output,
and a rerun replaces the output whole. The labels are those of ``stance label``
without Dask, row for row.

Dask is imported only inside these functions: ``import stance`` does not need it.
"""

import hashlib
import os
import re
import shutil
import time
import uuid
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from .errors import MissingExtraError, StanceInputError

EXTRA = "dask"
# Columns an output can be partitioned on, besides the article columns: ``year``, the
# first four digits of ``date`` ('' when it has none).
DERIVED_PARTITIONS = ("year",)
# The name a Dask DataFrame input has in errors and default article ids ("dask-frame-00001").
FRAME_SOURCE = "dask-frame"


@dataclass
class DaskLabelRun:
    """What :func:`label_dask` did: the output, its rows and the cluster it ran on."""

    path: Path
    rows: int
    articles: int
    partitions: int
    workers: int
    seconds: float
    peak_memory_mib: dict = field(default_factory=dict)
    # Seconds of each stage: "start" (cluster and model on the workers), "check" (line counts and
    # record checks), "label" (labelling and part files), "finish" (the output put in place).
    stages: dict = field(default_factory=dict)


@dataclass(frozen=True)
class ModelRef:
    """A model file and the name of the worker plugin that holds it loaded."""

    path: str
    plugin: str
    # The stance decision the tasks label with (None: the model's own; see stance.models.decision.with_decision).
    stance_decision: object = None


def require_dask(feature="stance.label_dask"):
    """Import Dask's DataFrame and distributed modules, or raise :class:`stance.errors.MissingExtraError`."""
    try:
        import dask  # noqa: F401
        import dask.dataframe  # noqa: F401
        import distributed  # noqa: F401
    except ImportError:
        raise MissingExtraError(feature, EXTRA) from None


def label_dask(data=None, out=None, *, model=None, level="sentence", fmt=None, partitions=None,
               partition_on=None, scheduler=None, client=None, n_workers=None, chunk=None, stance_decision=None):
    """Label a corpus on a Dask cluster and write the labels.

    Parameters
    ----------
    data : str, Path, dask.dataframe.DataFrame or None
        A corpus as :func:`stance.load_corpus` takes it (a path, a named corpus or None
        for the seeds; a folder of Parquet, JSONL or CSV files is one corpus), or a Dask
        DataFrame with the columns of a CSV corpus (``text``; optional ``id`` or
        ``article_id``, ``title``, ``source``, ``date`` and the extra columns).
    out : str or Path
        The output: a Parquet dataset (a folder, ``.parquet`` suffix), or one CSV or
        JSONL file. Replaced whole when it exists.
    model : str, Path or None
        A model file or folder from ``stance train``; None for the shipped default.
    level : {"sentence", "article"}
        One row per sentence or per article, as ``stance label --level``.
    fmt : {"parquet", "csv", "jsonl"} or None
        None: from the suffix of ``out`` (CSV when it says nothing).
    partitions : int or None
        About how many partitions to cut the corpus into (a Dask DataFrame is
        repartitioned); None: blocks of about 4 MiB, at least two per worker.
    partition_on : list of str or None
        Parquet only: partition the dataset on these article columns (``source``,
        ``date``, the extra columns, or ``year`` from ``date``), as ``key=value`` folders.
    scheduler : str or None
        Address of a running scheduler (``tcp://host:8786``). None (and no ``client``):
        start a local cluster of one single-threaded worker process per CPU, closed after.
    client : distributed.Client or None
        A client to use instead (left open).
    n_workers : int or None
        Workers of the local cluster (default: the number of CPUs).
    chunk : int or None
        Articles labelled at once inside a task (None: :data:`stance.labelling.CHUNK_ARTICLES`).
    stance_decision : {"argmax", "balanced"}, float in [0, 1] or None
        How stance is decided from its probabilities (:func:`stance.models.decision.with_decision`);
        None: as the model decides.

    Returns
    -------
    DaskLabelRun
        The output path, rows and articles written, partitions, workers, seconds (also per
        stage) and the peak resident memory of each worker process in MiB.

    Raises
    ------
    StanceInputError
        For bad input, as :func:`stance.load_corpus` (the file and line of the first bad
        record, in corpus order), a bad model or bad options; nothing is written then.
    MissingExtraError
        When Dask is not installed (``pip install 'stance[dask]'``).
    """
    require_dask()
    from .io import table_format
    from .labelling import deciding
    from .models.persistence import MODEL_FILE, default_model_path, load_classifier

    if out is None:
        raise StanceInputError("label_dask", "no output given (out=...)")
    if level not in ("sentence", "article"):
        raise StanceInputError("label_dask", f"unknown level {level!r}; use 'sentence' or 'article'")
    out = Path(out)
    fmt = table_format(out, fmt)
    partition_on = list(partition_on or [])
    if partition_on and fmt != "parquet":
        raise StanceInputError(out, "partitioning needs Parquet output (a .parquet suffix or format 'parquet')")
    model_path = default_model_path() if model is None else Path(model)
    if model_path.is_dir():
        model_path = model_path / MODEL_FILE
    # A bad model or decision fails here, in one line, before any work.
    deciding(load_classifier(model_path), stance_decision, "stance_decision")
    if not _is_dask_frame(data):
        from .ingest.corpus import corpus_path

        corpus_path(data)  # a missing corpus fails before a cluster starts
    model_bytes = model_path.read_bytes()
    ref = ModelRef(str(model_path), f"stance-model-{hashlib.sha256(model_bytes).hexdigest()[:16]}", stance_decision)

    started = time.perf_counter()
    stages = {}
    with dask_client(scheduler, client, n_workers) as active:
        try:
            from .worker_model import StanceModelPlugin

            active.register_plugin(StanceModelPlugin(model_bytes, ref.plugin), name=ref.plugin)
            workers = len(active.scheduler_info(n_workers=-1)["workers"])
            threads = sum(w["nthreads"] for w in active.scheduler_info(n_workers=-1)["workers"].values()) or 1
            settings = dict(ref=ref, level=level, fmt=fmt, partition_on=partition_on, chunk=chunk)
            stages["start"] = time.perf_counter() - started
            if _is_dask_frame(data):
                tasks, articles = _frame_tasks(active, data, partitions, partition_on, settings)
            else:
                tasks, articles = _piece_tasks(active, data, partitions, max(2 * threads, 1), partition_on, settings)
            stages["check"] = time.perf_counter() - started - stages["start"]
            rows = _run_and_write(active, tasks, out, fmt, stages)
            peak = worker_peak_memory(active)
        finally:
            if client is not None:
                try:  # leave the caller's cluster as it was
                    client.unregister_worker_plugin(ref.plugin)
                except Exception:  # noqa: BLE001  (never registered, or the cluster is gone)
                    pass
    return DaskLabelRun(out, rows, articles, len(tasks), workers, time.perf_counter() - started, peak, stages)


@contextmanager
def dask_client(scheduler=None, client=None, n_workers=None):
    """A Dask client: ``client`` itself (left open), else one of the scheduler at ``scheduler``, else
    one of a new local cluster of one single-threaded worker process per CPU; those two are closed after."""
    from distributed import Client, LocalCluster

    if client is not None:
        yield client
        return
    cluster = None
    if scheduler:
        try:
            client = Client(scheduler)
        except (OSError, TimeoutError) as err:
            raise StanceInputError(scheduler, f"cannot reach the Dask scheduler ({err})") from None
    else:
        cluster = LocalCluster(n_workers=n_workers or os.cpu_count(), threads_per_worker=1,
                               processes=True, dashboard_address=None)
        client = Client(cluster)
    try:
        yield client
    finally:
        client.close()
        if cluster is not None:
            cluster.close()


def labelled_predictions(labels, scheduler=None, client=None, summed=True, keep=(), source="labels", n_workers=None):
    """Reduce sentence labels of ``stance label`` on a Dask cluster for ``stance measure``.

    Parameters
    ----------
    labels : dask.dataframe.DataFrame
        Sentence labels (:func:`read_labels_dask`).
    scheduler, client, n_workers
        The cluster, as :func:`label_dask`.
    summed : bool
        True: one row per article with its sentence count and score sums
        (:func:`stance.quantify.predictions.score_sums`), computed on the workers; what the linear
        quantification methods need. False: every sentence's prediction row, brought to the client.
    keep : sequence of str
        Article columns of the labels carried along (the groups, when no corpus gives them).
    source : str
        Names the labels in errors.

    Returns
    -------
    pandas.DataFrame
        Article sums or sentence predictions, as :func:`stance.quantify.predictions.score_sums` and
        :func:`stance.quantify.predictions.from_labels` return them.

    Raises
    ------
    StanceInputError
        For labels without the needed columns, or a bad value in a partition (naming the sentence).
    """
    require_dask("stance measure --engine dask")
    from .quantify.predictions import from_labels, score_sums

    keep = list(keep)
    meta = from_labels(labels._meta, source, keep)  # missing columns fail here, in one line
    with dask_client(scheduler, client, n_workers) as active:
        if not summed:
            return active.compute(labels.map_partitions(from_labels, source, keep, meta=meta)).result()
        sums = labels.map_partitions(lambda part: score_sums(from_labels(part, source, keep), keep),
                                     meta=score_sums(meta, keep))
        # An article cut across partitions is summed whole here.
        return active.compute(sums.groupby(["article_id", *keep]).sum()).result().reset_index()


def read_labels_dask(path):
    """Sentence labels at ``path`` (:func:`stance.quantify.predictions.labels_format`, or a glob of CSV or
    JSONL files) as a Dask DataFrame; a Dask DataFrame is returned as it is."""
    require_dask("stance measure --engine dask")
    import dask.dataframe as dd

    from .quantify.predictions import labels_format, text_partitioning

    if _is_dask_frame(path):
        return path
    text = str(path)
    globbed = any(ch in text for ch in "*?[")
    fmt = Path(text).suffix.lower().lstrip(".") if globbed else labels_format(path)
    try:
        if fmt in ("parquet", "pq"):
            partitioning = text_partitioning(path)
            return dd.read_parquet(text, **({"dataset": {"partitioning": partitioning}} if partitioning else {}))
        if fmt == "csv":
            return dd.read_csv(text, dtype=str, keep_default_na=False, blocksize="64MB")
        if fmt == "jsonl":
            return dd.read_json(text, lines=True, blocksize=2**26, dtype=False)
    except (OSError, ValueError) as err:
        raise StanceInputError(path, f"not readable labels ({str(err).strip().splitlines()[0]})") from None
    raise StanceInputError(path, "unsupported labels; expected a Parquet dataset or file, .csv or .jsonl files")


def _is_dask_frame(data):
    return type(data).__module__.startswith(("dask.", "dask_expr"))


def _piece_tasks(client, data, partitions, minimum, partition_on, settings):
    """Plan the pieces of a corpus path, count and check them on the cluster; return the labelling tasks."""
    from .ingest.corpus import EXTRA_FIELDS, corpus_path
    from .ingest.pieces import count_lines, first_lines, plan_pieces, scan_piece

    source = corpus_path(data)
    pieces = plan_pieces(data, partitions)
    if partitions is None and len(pieces) < minimum:
        pieces = plan_pieces(data, minimum)
    counts = client.gather(client.map(count_lines, pieces, key=_keys("stance-count", pieces)))
    firsts = first_lines(pieces, counts)
    scans = client.gather(client.map(scan_piece, pieces, firsts, key=_keys("stance-check", pieces)))
    for scan in scans:
        if scan["error"] is not None:
            raise scan["error"]
    ids = [i for scan in scans for i in scan["ids"]]
    _check_ids(ids, source)
    extra = [f for f in EXTRA_FIELDS if any(f in scan["extra"] for scan in scans)]
    _check_partition_on(partition_on, _partition_columns(extra), source)
    tasks = [(label_piece, (piece, i, first, extra), settings) for i, (piece, first) in enumerate(zip(pieces, firsts))]
    return tasks, len(ids)


def _frame_tasks(client, frame, partitions, partition_on, settings):
    """Check the partitions of a Dask DataFrame on the cluster; return the labelling tasks."""
    import dask

    from .ingest.corpus import EXTRA_FIELDS

    if "text" not in frame.columns:
        raise StanceInputError(FRAME_SOURCE, f"no 'text' column (columns: {', '.join(map(str, frame.columns))})")
    if partitions:
        frame = frame.repartition(npartitions=partitions)
    parts = frame.to_delayed()
    counts = client.gather(client.compute([dask.delayed(len)(part) for part in parts]))
    firsts = [1 + sum(counts[:i]) for i in range(len(parts))]
    scans = client.gather(client.compute([dask.delayed(scan_frame_part)(part, first) for part, first in zip(parts, firsts)]))
    for scan in scans:
        if scan["error"] is not None:
            raise scan["error"]
    ids = [i for scan in scans for i in scan["ids"]]
    _check_ids(ids, FRAME_SOURCE)
    extra = [f for f in EXTRA_FIELDS if f in frame.columns]
    _check_partition_on(partition_on, _partition_columns(extra), FRAME_SOURCE)
    tasks = [(label_frame_part, (part, i, first, extra), settings) for i, (part, first) in enumerate(zip(parts, firsts))]
    return tasks, len(ids)


def _keys(prefix, items):
    token = uuid.uuid4().hex[:8]
    return [f"{prefix}-{token}-{i}" for i in range(len(items))]


def _check_ids(ids, source):
    import pandas as pd

    if not ids:
        raise StanceInputError(source, "no articles")
    series = pd.Series(ids, dtype=object)
    duplicated = series[series.duplicated()]
    if len(duplicated):
        raise StanceInputError(source, f"duplicate article id {duplicated.iloc[0]!r}")


def _partition_columns(extra):
    """The columns ``partition_on`` may name besides the derived ones: the article columns but the
    text, then the ``extra`` fields the corpus carries (the same for a corpus path and a Dask DataFrame)."""
    from .ingest.corpus import ARTICLE_COLUMNS

    return [c for c in ARTICLE_COLUMNS if c != "text"] + list(extra)


def _check_partition_on(partition_on, columns, source):
    allowed = list(columns) + list(DERIVED_PARTITIONS)
    unknown = [c for c in partition_on if c not in allowed]
    if unknown:
        raise StanceInputError(source, f"cannot partition on {unknown[0]!r}; choose from {', '.join(allowed)}")


def _run_and_write(client, tasks, out, fmt, stages):
    """Run the labelling tasks into a temporary folder beside ``out``, then put the output in place."""
    import dask

    started = time.perf_counter()
    staging = out.parent / f".{out.name}.{uuid.uuid4().hex[:12]}.tmp"
    out.parent.mkdir(parents=True, exist_ok=True)
    staging.mkdir()
    futures = []
    try:
        calls = [dask.delayed(func)(*args, out_dir=str(staging), **settings,
                                    dask_key_name=f"stance-label-{staging.name}-{i}")
                 for i, (func, args, settings) in enumerate(tasks)]
        futures = client.compute(calls)
        results = client.gather(futures)
        stages["label"] = time.perf_counter() - started
        rows = sum(r["rows"] for r in results)
        if fmt == "parquet":
            _replace(staging, out)
        else:
            columns = next((r["columns"] for r in results if r["columns"]), [])
            _join_parts(staging, out, fmt, columns, len(tasks))
        stages["finish"] = time.perf_counter() - started - stages["label"]
        return rows
    finally:
        for future in futures:
            future.cancel()
        shutil.rmtree(staging, ignore_errors=True)


def _replace(staging, out):
    """Move the folder ``staging`` to ``out``; an existing ``out`` is replaced whole."""
    if out.exists() or out.is_symlink():
        old = out.parent / f".{out.name}.{uuid.uuid4().hex[:12]}.old"
        os.replace(out, old)
        os.replace(staging, out)
        if old.is_dir() and not old.is_symlink():
            shutil.rmtree(old, ignore_errors=True)
        else:
            old.unlink()
    else:
        os.replace(staging, out)


def _join_parts(staging, out, fmt, columns, n_parts):
    """Write ``out`` atomically: the header (CSV), then the part files in partition order."""
    import pandas as pd

    from .io import atomic_path, write_rows

    with atomic_path(out) as tmp, open(tmp, "w", encoding="utf-8", newline="") as handle:
        if fmt == "csv":
            write_rows(pd.DataFrame(columns=columns), handle, "csv", header=True)
        handle.flush()
        for index in range(n_parts):
            part = staging / _part_name(index, fmt)
            if part.exists():
                with open(part, encoding="utf-8", newline="") as source:
                    shutil.copyfileobj(source, handle)


def _part_name(index, fmt):
    return f"part-{index:05d}.{fmt}"


# --- on the workers ---------------------------------------------------------------

_CLASSIFIERS = {}


def worker_classifier(ref):
    """The classifier of ``ref``: the one the worker plugin loaded, else loaded once per process;
    deciding stance by ``ref.stance_decision`` when it is set (a shallow copy made per call, so that
    nothing outlives the plugin)."""
    if ref.stance_decision is not None:
        from .labelling import deciding

        return deciding(worker_classifier(ModelRef(ref.path, ref.plugin)), ref.stance_decision, "stance_decision")
    try:
        from distributed import get_worker

        plugin = get_worker().plugins.get(ref.plugin)
        if plugin is not None and getattr(plugin, "classifier", None) is not None:
            return plugin.classifier
    except (ImportError, ValueError):  # not on a distributed worker
        pass
    if ref.plugin not in _CLASSIFIERS:
        from .models.persistence import load_classifier

        _CLASSIFIERS[ref.plugin] = load_classifier(ref.path)
    return _CLASSIFIERS[ref.plugin]


def label_piece(piece, index, first_line, extra, *, ref, level, fmt, partition_on, chunk, out_dir):
    """Read, label and write one piece of a corpus (a task); return ``{rows, columns}``."""
    from .ingest.pieces import read_piece

    articles = read_piece(piece, first_line, extra)
    return _label_and_write(articles, index, ref, level, fmt, partition_on, chunk, out_dir)


def scan_frame_part(part, first_row):
    """Check the rows of one partition of a Dask DataFrame, as :func:`stance.ingest.pieces.scan_piece`."""
    from .ingest.corpus import extra_fields

    try:
        records = _frame_records(part, first_row)
    except StanceInputError as err:
        return {"ids": [], "extra": [], "error": err}
    return {"ids": [r["article_id"] for r in records], "extra": extra_fields(records), "error": None}


def label_frame_part(part, index, first_row, extra, *, ref, level, fmt, partition_on, chunk, out_dir):
    """Label and write one partition of a Dask DataFrame (a task); return ``{rows, columns}``."""
    from .ingest.corpus import article_frame

    articles = article_frame(_frame_records(part, first_row), FRAME_SOURCE, extra=extra, allow_empty=True)
    return _label_and_write(articles, index, ref, level, fmt, partition_on, chunk, out_dir)


def _frame_records(part, first_row):
    """Article records of a pandas partition: rows numbered from ``first_row``, ids from ``id`` or ``article_id``."""
    from .ingest.corpus import _table_record

    part = part.rename(columns={"article_id": "id"}) if "id" not in part and "article_id" in part else part
    rows = part.astype(object).where(part.notna(), None).to_dict(orient="records")
    return [_table_record(row, first_row + i, FRAME_SOURCE, unit="row") for i, row in enumerate(rows)]


def _partition_values(articles, partition_on):
    """Per article, the value of each partition column (``year``: four digits from ``date``)."""
    values = {}
    for column in partition_on:
        if column == "year":
            values[column] = [m.group(0) if (m := re.match(r"\d{4}", str(d))) else "" for d in articles["date"]]
        else:
            values[column] = [str(v) for v in articles[column]]
    return values


def _label_and_write(articles, index, ref, level, fmt, partition_on, chunk, out_dir):
    out_dir = Path(out_dir)
    if not out_dir.is_dir():  # the run was given up: write nothing
        raise FileNotFoundError(f"output folder {out_dir} is gone")
    if articles.empty:
        return {"rows": 0, "columns": []}
    from .labelling import CHUNK_ARTICLES, label_corpus

    table = label_corpus(worker_classifier(ref), articles, level, chunk or CHUNK_ARTICLES)
    columns = list(table.columns)
    if partition_on:
        by_article = dict(zip(articles["article_id"], range(len(articles))))
        positions = [by_article[a] for a in table["article_id"]]
        for column, values in _partition_values(articles, partition_on).items():
            table[column] = [values[p] for p in positions]
    _write_part(table, index, fmt, partition_on, out_dir)
    return {"rows": len(table), "columns": columns}


def _write_part(table, index, fmt, partition_on, out_dir):
    """Write one part file under its final name through a temporary one (a retry rewrites it whole)."""
    from .io import to_arrow, write_rows

    token = uuid.uuid4().hex[:12]
    if fmt == "parquet" and partition_on:
        import pyarrow.dataset as ds

        stage = out_dir / f".stage-{index:05d}-{token}"
        stage.mkdir()  # fails when the run was given up and its folder removed: nothing is recreated
        ds.write_dataset(to_arrow(table), stage, format="parquet", partitioning=partition_on,
                         partitioning_flavor="hive", basename_template=f"part-{index:05d}-{{i}}.parquet",
                         existing_data_behavior="overwrite_or_ignore")
        try:
            for file in sorted(stage.rglob("*.parquet")):
                target = out_dir / file.relative_to(stage)
                for folder in reversed(target.relative_to(out_dir).parents[:-1]):
                    (out_dir / folder).mkdir(exist_ok=True)
                os.replace(file, target)
        finally:
            shutil.rmtree(stage, ignore_errors=True)
        return
    target = out_dir / _part_name(index, fmt)
    tmp = out_dir / f".{target.name}.{token}.tmp"
    if fmt == "parquet":
        import pyarrow.parquet as pq

        pq.write_table(to_arrow(table), tmp)
    else:
        with open(tmp, "w", encoding="utf-8", newline="") as handle:
            write_rows(table, handle, fmt, header=False)
    os.replace(tmp, target)


def worker_peak_memory(client):
    """Peak resident memory of each worker process in MiB, ``{worker address: MiB}``."""
    return {address: kib / 1024 for address, kib in client.run(_peak_rss_kib).items()}


def _peak_rss_kib():
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
