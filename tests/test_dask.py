"""Labelling on a Dask cluster (stance.label_dask, stance label --engine dask).

One LocalCluster of two single-threaded worker processes serves the module. Each test
compares with the single-process path (stance label) on small inputs.
"""

import json
import os
import signal
import subprocess
import sys

import pandas as pd
import pyarrow.dataset as ds
import pytest

import stance
from stance.cli import main

pytest.importorskip("distributed", reason="the dask extra is not installed (pip install 'stance[dask]')")


@pytest.fixture(scope="module")
def client():
    import cloudpickle
    from distributed import Client, LocalCluster

    # The functions of this module that make partitions run on the workers: send them by value.
    cloudpickle.register_pickle_by_value(sys.modules[__name__])
    cluster = LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None)
    with Client(cluster) as client:
        yield client
    cluster.close()


@pytest.fixture(scope="module")
def corpus(tmp_path_factory, seed_articles):
    """Twelve articles (the seed articles, each twice and some a third time, with distinct ids and sources)
    as one JSONL file, with a url on some lines only (the off-page test then applies to all)."""
    path = tmp_path_factory.mktemp("corpus") / "articles.jsonl"
    rows = []
    for copy in range(3):
        for row in seed_articles.itertuples(index=False):
            if copy == 2 and len(rows) >= 12:
                break
            record = {"id": f"{row.article_id}-{copy}", "title": row.title, "text": row.text,
                      "source": ["Outlet A", "Outlet B"][copy % 2], "date": ["2022-05", "2023-11", ""][copy]}
            if copy == 1:
                record["url"] = f"https://example.org/{row.article_id}"
            rows.append(json.dumps(record))
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return path


def _local_labels(path, out, model=None, level="sentence"):
    args = ["label", *([str(path)] if path is not None else []), "--out", str(out), "--level", level]
    assert main(args + (["--model", str(model)] if model else [])) == 0
    return out


@pytest.mark.parametrize("level", ["sentence", "article"])
def test_labels_are_identical_to_the_single_process_path_byte_for_byte(client, corpus, lexicon_model, tmp_path, level):
    local = _local_labels(corpus, tmp_path / "local.csv", lexicon_model, level)
    run = stance.label_dask(corpus, tmp_path / "dask.csv", model=lexicon_model, level=level, partitions=4, client=client)
    assert run.partitions == 4 and run.workers == 2 and run.articles == 12
    assert (tmp_path / "dask.csv").read_bytes() == local.read_bytes()
    assert run.rows == len(pd.read_csv(local))


def test_a_stance_decision_labels_on_the_workers_as_on_the_single_process_path(client, corpus, lexicon_model, tmp_path):
    local = tmp_path / "local.csv"
    assert main(["label", str(corpus), "--model", str(lexicon_model), "--stance-decision", "balanced", "--out", str(local)]) == 0
    stance.label_dask(corpus, tmp_path / "dask.csv", model=lexicon_model, partitions=3, client=client, stance_decision="balanced")
    on_workers, here = pd.read_csv(tmp_path / "dask.csv"), pd.read_csv(local)
    pd.testing.assert_frame_equal(on_workers, here)  # a sum over another batch may differ in its last bit
    plain = pd.read_csv(_local_labels(corpus, tmp_path / "plain.csv", lexicon_model))
    assert on_workers["stance"].tolist() != plain["stance"].tolist()
    with pytest.raises(stance.StanceInputError, match="decision must be"):
        stance.label_dask(corpus, tmp_path / "bad.csv", model=lexicon_model, client=client, stance_decision="vote")
    assert not (tmp_path / "bad.csv").exists()


def test_the_default_model_gives_the_same_labels_on_the_workers(client, tmp_path):
    local = pd.read_csv(_local_labels(None, tmp_path / "local.csv"), keep_default_na=False)
    stance.label_dask(None, tmp_path / "dask.csv", partitions=3, client=client)
    dask = pd.read_csv(tmp_path / "dask.csv", keep_default_na=False)
    assert len(dask) == len(local) == 116
    for column in ("sentence_id", "boilerplate", "topics", "tone", "stance"):
        assert dask[column].tolist() == local[column].tolist()
    # Sentence embeddings of other batch sizes (and one thread instead of two) differ in the last bits.
    labelled = ~local["boilerplate"]
    for column in ("p_military_aid", "p_nato_membership", "p_reconstruction", "tone_score", "stance_score"):
        difference = (dask.loc[labelled, column].astype(float) - local.loc[labelled, column].astype(float)).abs()
        assert difference.max() < 1e-5


def _read_dataset(path):
    return ds.dataset(path, format="parquet", partitioning="hive").to_table().to_pandas()


def test_parquet_round_trip_partitioned_by_source_and_year(client, corpus, lexicon_model, tmp_path):
    # A Parquet dataset in (hive-partitioned by source), a Parquet dataset out (by source and year).
    articles = stance.load_corpus(corpus)
    folder = tmp_path / "corpus"
    for source, part in articles.groupby("source"):
        (folder / f"source={source.replace(' ', '%20')}").mkdir(parents=True)
        stance.io.write_table(part.drop(columns="source").rename(columns={"article_id": "id"}),
                              folder / f"source={source.replace(' ', '%20')}" / "part.parquet")
    local = _local_labels(folder, tmp_path / "local.parquet", lexicon_model)
    out = tmp_path / "labels.parquet"
    run = stance.label_dask(folder, out, model=lexicon_model, partition_on=["source", "year"], client=client)
    assert sorted(p.relative_to(out).parent.as_posix() for p in out.rglob("*.parquet")) == [
        "source=Outlet%20A/year=", "source=Outlet%20A/year=2022", "source=Outlet%20B/year=2023"]
    labelled = _read_dataset(out).sort_values("sentence_id", ignore_index=True)
    expected = pd.read_parquet(local).sort_values("sentence_id", ignore_index=True)
    assert run.rows == len(labelled) == len(expected)
    for frame in (labelled, expected):
        frame["topics"] = frame["topics"].map(";".join)
    assert labelled.drop(columns=["source", "year"]).equals(expected)
    sources = dict(zip(articles["article_id"], articles["source"]))
    assert (labelled["article_id"].map(sources) == labelled["source"].astype(str)).all()


def test_a_rerun_replaces_the_output_without_doubling_rows(client, corpus, lexicon_model, tmp_path):
    out = tmp_path / "labels.parquet"
    first = stance.label_dask(corpus, out, model=lexicon_model, partitions=3, client=client)
    second = stance.label_dask(corpus, out, model=lexicon_model, partitions=2, client=client)
    table = _read_dataset(out)
    assert len(table) == first.rows == second.rows and table["sentence_id"].is_unique
    assert sorted(p.name for p in tmp_path.iterdir()) == ["labels.parquet"]  # no temporary folders left


def _hook_labelling(marker, mode):
    """In a worker process: make the next labelling task kill its worker ("kill": once, SIGKILL) or fail ("fail")."""
    import stance.distributed as worker_module

    original = getattr(worker_module, "_unhooked_worker_classifier", worker_module.worker_classifier)
    worker_module._unhooked_worker_classifier = original

    def hooked(ref):
        if mode == "fail":
            raise RuntimeError("the run breaks off here")
        try:
            fd = os.open(marker, os.O_CREAT | os.O_EXCL | os.O_WRONLY)  # only the first task to get here
        except FileExistsError:
            return original(ref)
        os.write(fd, str(os.getpid()).encode())
        os.close(fd)
        os.kill(os.getpid(), signal.SIGKILL)

    worker_module.worker_classifier = hooked


def _unhook_labelling():
    import stance.distributed as worker_module

    if hasattr(worker_module, "_unhooked_worker_classifier"):
        worker_module.worker_classifier = worker_module._unhooked_worker_classifier


@pytest.fixture
def hook(client):
    yield lambda marker, mode: client.run(_hook_labelling, str(marker), mode)
    client.run(_unhook_labelling)


def test_a_killed_worker_is_retried_and_the_output_is_complete_without_duplicates(
        client, hook, corpus, lexicon_model, tmp_path):
    pids = set(client.run(os.getpid).values())
    killed = tmp_path / "killed"
    hook(killed, "kill")
    out = tmp_path / "labels.csv"
    run = stance.label_dask(corpus, out, model=lexicon_model, partitions=4, client=client)
    assert killed.exists() and int(killed.read_text()) in pids  # a worker of the cluster died mid-run
    assert int(killed.read_text()) not in set(client.run(os.getpid).values())  # and was replaced
    local = _local_labels(corpus, tmp_path / "local.csv", lexicon_model)
    assert out.read_bytes() == local.read_bytes()  # complete, in order, no row twice
    assert run.rows == len(pd.read_csv(out)) and pd.read_csv(out)["sentence_id"].is_unique


def test_an_interrupted_run_leaves_no_output(client, hook, corpus, lexicon_model, tmp_path):
    out = tmp_path / "out" / "labels.parquet"
    stance.label_dask(corpus, out, model=lexicon_model, client=client)
    before = {p.relative_to(out): p.read_bytes() for p in out.rglob("*.parquet")}
    hook(tmp_path / "unused", "fail")
    with pytest.raises(RuntimeError, match="breaks off"):
        stance.label_dask(corpus, out, model=lexicon_model, client=client)
    assert {p.relative_to(out): p.read_bytes() for p in out.rglob("*.parquet")} == before  # untouched
    assert [p.name for p in out.parent.iterdir()] == ["labels.parquet"]
    with pytest.raises(RuntimeError, match="breaks off"):
        stance.label_dask(corpus, tmp_path / "new.csv", model=lexicon_model, client=client)
    assert not (tmp_path / "new.csv").exists() and not [p for p in tmp_path.iterdir() if p.name.startswith(".")]


def _part(index, frame):
    return frame


def test_a_dask_dataframe_is_labelled_as_the_file_it_came_from(client, corpus, lexicon_model, tmp_path):
    import dask.dataframe as dd

    table = pd.read_json(corpus, lines=True, dtype=False).fillna("")
    parts = [table.iloc[i::3].reset_index(drop=True) for i in range(3)]  # every third article
    frame = dd.from_map(_part, range(3), parts, meta=table.iloc[:0], enforce_metadata=False)
    run = stance.label_dask(frame, tmp_path / "labels.csv", model=lexicon_model, client=client)
    assert run.partitions == 3 and run.articles == 12
    labelled = pd.read_csv(tmp_path / "labels.csv", keep_default_na=False).sort_values("sentence_id", ignore_index=True)
    expected = pd.read_csv(_local_labels(corpus, tmp_path / "local.csv", lexicon_model), keep_default_na=False)
    assert labelled.equals(expected.sort_values("sentence_id", ignore_index=True))


def test_bad_input_in_a_partition_names_the_file_and_line(client, corpus, lexicon_model, tmp_path, capsys):
    folder = tmp_path / "many"
    folder.mkdir()
    lines = corpus.read_text(encoding="utf-8").splitlines()
    (folder / "a.jsonl").write_text("\n".join(lines[:6]) + "\n", encoding="utf-8")
    (folder / "b.jsonl").write_text("\n".join(lines[6:8] + ['{"id": "x", "text": ""}'] + lines[8:]) + "\n",
                                    encoding="utf-8")
    out = tmp_path / "labels.parquet"
    with pytest.raises(stance.StanceInputError) as info:
        stance.label_dask(folder, out, model=lexicon_model, partitions=6, client=client)
    assert str(info.value) == f"{folder / 'b.jsonl'}: line 3: empty 'text'"

    args = ["label", str(folder), "--engine", "dask", "--scheduler", client.scheduler.address,
            "--partitions", "6", "--model", str(lexicon_model), "--out", str(out)]
    assert main(args) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert err == [f"stance: error: {folder / 'b.jsonl'}: line 3: empty 'text'"]
    assert not out.exists() and not [p for p in tmp_path.iterdir() if p.name.startswith(".")]


def test_a_bad_line_deep_in_one_large_jsonl_split_by_byte_ranges(client, corpus, lexicon_model, tmp_path):
    lines = corpus.read_text(encoding="utf-8").splitlines()
    path = tmp_path / "large.jsonl"
    path.write_text("\n".join(lines[:10] + ["[1, 2]"] + lines[10:]) + "\n", encoding="utf-8")
    with pytest.raises(stance.StanceInputError) as whole:
        stance.load_corpus(path)
    with pytest.raises(stance.StanceInputError) as info:
        stance.label_dask(path, tmp_path / "labels.csv", model=lexicon_model, partitions=5, client=client)
    assert str(info.value) == str(whole.value) == f"{path}: line 11: expected a JSON object"


def test_duplicate_ids_across_partitions_are_an_error(client, corpus, lexicon_model, tmp_path):
    lines = corpus.read_text(encoding="utf-8").splitlines()
    path = tmp_path / "dup.jsonl"
    path.write_text("\n".join(lines + lines[:1]) + "\n", encoding="utf-8")
    with pytest.raises(stance.StanceInputError, match="duplicate article id"):
        stance.label_dask(path, tmp_path / "labels.csv", model=lexicon_model, partitions=4, client=client)
    assert not (tmp_path / "labels.csv").exists()


def test_cli_writes_a_parquet_dataset_through_a_scheduler(client, corpus, lexicon_model, tmp_path, capsys):
    out = tmp_path / "labels.parquet"
    args = ["label", str(corpus), "--engine", "dask", "--scheduler", client.scheduler.address,
            "--model", str(lexicon_model), "--out", str(out), "--partition-on", "year"]
    assert main(args) == 0
    assert "on 2 Dask workers" in capsys.readouterr().out
    assert sorted(p.name for p in out.iterdir()) == ["year=", "year=2022", "year=2023"]
    assert len(_read_dataset(out)) == len(pd.read_csv(_local_labels(corpus, tmp_path / "l.csv", lexicon_model)))
    assert main(["label", str(corpus), "--partitions", "3", "--out", str(tmp_path / "x.csv")]) == 2  # needs --engine dask
    assert main(args[:-2] + ["--partition-on", "speaker"]) == 2  # not a column of this corpus


def test_without_dask_one_line_names_the_extra(corpus, tmp_path):
    code = (
        "import sys\n"
        "for name in ('dask', 'distributed'):\n"
        "    sys.modules[name] = None  # as if the extra were not installed\n"
        "from stance.cli import main\n"
        f"sys.exit(main(['label', {str(corpus)!r}, '--engine', 'dask', '--out', {str(tmp_path / 'x.parquet')!r}]))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 1
    assert result.stderr.strip().splitlines() == [
        "stance: error: --engine dask needs the optional 'dask' dependencies: pip install 'stance[dask]'"]
    assert not (tmp_path / "x.parquet").exists()


def test_import_and_help_do_not_import_dask():
    code = ("import sys, stance, stance.cli\n"
            "stance.cli.build_parser().format_help()\n"
            "print(sorted(m for m in sys.modules if m.split('.')[0] in ('dask', 'distributed')))\n")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"
