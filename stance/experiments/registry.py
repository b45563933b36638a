"""The run registry: run folders written from a :class:`RunResult` and read back as data.

A classification run is the folder ``<results>/<UTC timestamp>-<name>/`` holding

- ``config.toml`` (the config as written), ``environment.json``;
- ``metrics.json``: :attr:`RunResult.metrics` (intervals spelt ``ci95_low``/``ci95_high``);
- ``predictions.csv`` (every model's, long, with a ``model`` column), ``per_label.csv`` (idem),
  ``articles.csv``, ``errors.csv`` and, when run, ``corpora.csv``, ``corpora_targeted.csv``,
  ``learning_curve.csv``, ``ablation.csv``;
- ``summary.md`` and ``figures/*.png``, rendered from the above (:mod:`stance.experiments.report`).

Runs never overwrite each other. ``<results>/index.csv`` lists the runs with their headline
numbers; it is derived from the folders (:func:`run_index`) and rewritten after every run.
"""

import json
from datetime import datetime, timezone
from pathlib import Path

import pandas as pd

from ..errors import StanceInputError
from ..metrics import HEADLINE
from ..io import write_table, write_text
from ..labels import TOPICS, parse_topics
from .config import design_label, parse_config, read_toml
from .gold import public_text
from .run import RunResult

INDEX = "index.csv"
# Optional tables of a run folder: RunResult attribute -> file.
OPTIONAL = {"corpora": "corpora.csv", "corpora_targeted": "corpora_targeted.csv",
            "learning_curve": "learning_curve.csv", "ablation": "ablation.csv"}
# Columns holding topic lists (``a;b`` in CSV cells).
TOPIC_COLUMNS = ("topics", "pred_topics", "topics_pred")


def new_run_folder(results, name, now=None):
    """A fresh ``<results>/<UTC timestamp>-<name>`` folder (a suffix keeps runs of the same second apart)."""
    stamp = (now or datetime.now(timezone.utc)).strftime("%Y%m%dT%H%M%SZ")
    results = Path(results)
    results.mkdir(parents=True, exist_ok=True)
    for attempt in range(1, 1000):
        folder = results / (f"{stamp}-{name}" + (f"-{attempt}" if attempt > 1 else ""))
        try:
            folder.mkdir()
            return folder
        except FileExistsError:
            continue
    raise RuntimeError(f"could not create a new run folder in {results}")


def long_predictions(predictions):
    """Every model's sentence predictions in one table with a ``model`` column (third-party text emptied)."""
    columns = ["article_id", "sentence_id", "text", "topics", "tone", "stance", "pred_topics", "pred_tone", "pred_stance",
               *(f"pred_p_{t}" for t in TOPICS), "pred_tone_score", "pred_stance_score"]
    return public_text(pd.concat([p.assign(model=m) for m, p in predictions.items()], ignore_index=True))[["model", *columns]]


def save_run(result, results, config_text=None):
    """Write ``result`` to a new run folder in ``results``; return the folder.

    Parameters
    ----------
    result : RunResult
    results : str or Path
        The registry folder (created when missing).
    config_text : str, optional
        The config file's text, copied to ``config.toml``; default: the text of ``result.config.source``.
    """
    from .report import render_figures, summary

    if config_text is None:
        config_text = Path(result.config.source).read_text(encoding="utf-8")
    folder = new_run_folder(results, result.config.name)
    write_text(config_text, folder / "config.toml")
    write_text(json.dumps(result.environment, indent=2) + "\n", folder / "environment.json")
    write_text(json.dumps(result.metrics, indent=2) + "\n", folder / "metrics.json")
    write_table(long_predictions(result.predictions), folder / "predictions.csv")
    for name in ("corpora", "corpora_targeted"):
        if getattr(result, name) is not None:
            write_table(getattr(result, name), folder / OPTIONAL[name])
    write_table(pd.concat([t.assign(model=m) for m, t in result.per_label.items()]), folder / "per_label.csv")
    write_table(result.articles, folder / "articles.csv")
    write_table(result.errors, folder / "errors.csv")
    for name in ("learning_curve", "ablation"):
        if getattr(result, name) is not None:
            write_table(getattr(result, name), folder / OPTIONAL[name])
    figure_paths = render_figures(result, folder / "figures")
    write_text(summary(result, figure_paths), folder / "summary.md")
    write_index(results)
    return folder


def load_metrics(run):
    """The ``metrics.json`` of a run folder, as stored."""
    path = Path(run) / "metrics.json"
    if not path.is_file():
        raise StanceInputError(run, "not a run folder (no metrics.json)")
    return json.loads(path.read_text(encoding="utf-8"))


def scores_frame(metrics):
    """``model, metric, value, ci95_low, ci95_high`` from ``metrics["models"]`` (the layout of :attr:`RunResult.scores`)."""
    return pd.DataFrame([{"model": m, "metric": k, **v} for m, values in metrics["models"].items() for k, v in values.items()],
                        columns=["model", "metric", "value", "ci95_low", "ci95_high"])


def _read(path):
    table = pd.read_csv(path)
    for column in TOPIC_COLUMNS:
        if column in table:
            table[column] = [parse_topics(v) for v in table[column]]
    if "text" in table:
        table["text"] = table["text"].astype(object).where(table["text"].notna(), "")
    return table


def _by_model(table):
    return {m: part.drop(columns="model").reset_index(drop=True) for m, part in table.groupby("model", sort=False)}


def load_run(run, tables=True):
    """Read a run folder back as a :class:`RunResult` (from ``metrics.json``, ``config.toml`` and the CSVs).

    Parameters
    ----------
    run : str or Path
        A classification run folder.
    tables : bool
        False to read only the config and ``metrics.json`` (``predictions``, ``per_label``, ``articles``,
        ``errors`` then empty, the optional tables None): enough for the main table and comparisons.

    Returns
    -------
    RunResult
        With ``article_meta`` None. ``metrics`` is ``metrics.json`` as stored, completed in memory with
        ``scheme`` and ``design`` from the config where an early run did not record them. Model names
        of the config are not checked against today's models.
    """
    run = Path(run)
    metrics = load_metrics(run)
    raw = read_toml(run / "config.toml")
    config = parse_config({**raw, "name": raw.get("name") or metrics["config"]}, run / "config.toml", check_models=False)
    metrics.setdefault("scheme", config.cv.scheme)
    metrics.setdefault("design", design_label(config.cv.scheme, config.cv.folds))
    environment = run / "environment.json"
    loaded = {"predictions": {}, "per_label": {}, "articles": pd.DataFrame(), "errors": pd.DataFrame()}
    if tables:
        loaded = {"predictions": _by_model(_read(run / "predictions.csv")), "per_label": _by_model(_read(run / "per_label.csv")),
                  "articles": _read(run / "articles.csv"), "errors": _read(run / "errors.csv"),
                  **{name: _read(run / file) for name, file in OPTIONAL.items() if (run / file).is_file()}}
    return RunResult(config=config, metrics=metrics, scores=scores_frame(metrics), scheme=metrics["scheme"],
                     design=metrics["design"],
                     environment=json.loads(environment.read_text(encoding="utf-8")) if environment.is_file() else {},
                     **loaded)


def registry_runs(results):
    """The run folders of a registry (those with ``metrics.json``), oldest first."""
    results = Path(results)
    if not results.is_dir():
        raise StanceInputError(results, "no such results folder (run `stance experiment run` first)")
    runs = sorted(p for p in results.iterdir() if (p / "metrics.json").is_file())
    if not runs:
        raise StanceInputError(results, "holds no experiment run")
    return runs


def run_index(results):
    """The registry's runs, oldest first: ``run, config, scheme, main_model, sentences`` and the main
    model's headline macro-F1 scores (rounded to 4 places), from each folder's ``metrics.json``."""
    rows = []
    for folder in registry_runs(results):
        result = load_run(folder, tables=False)
        main = result.metrics["models"][result.metrics["main_model"]]
        rows.append({"run": folder.name, "config": result.metrics["config"], "scheme": result.scheme,
                     "main_model": result.metrics["main_model"], "sentences": result.metrics["sentences"],
                     **{m: round(main[m]["value"], 4) for m in HEADLINE}})
    return pd.DataFrame(rows, columns=["run", "config", "scheme", "main_model", "sentences", *HEADLINE])


def write_index(results):
    """Rewrite ``<results>/index.csv`` from the run folders (:func:`run_index`); return its path."""
    return write_table(run_index(results), Path(results) / INDEX)


def compare_runs(run_a, run_b):
    """Metric differences between two runs (folders with ``metrics.json``), for the models both ran:
    ``model, metric, a, b, b_minus_a``."""
    loaded = [load_metrics(run) for run in (run_a, run_b)]
    rows = []
    for model in [m for m in loaded[0]["models"] if m in loaded[1]["models"]]:
        for metric, a in loaded[0]["models"][model].items():
            b = loaded[1]["models"][model].get(metric)
            if b is not None:
                rows.append({"model": model, "metric": metric, "a": a["value"], "b": b["value"], "b_minus_a": b["value"] - a["value"]})
    return pd.DataFrame(rows, columns=["model", "metric", "a", "b", "b_minus_a"])
