"""Validation of the quantification methods by simulation on gold (an experiment config of kind ``quantification``).

Test samples are drawn from out-of-fold gold predictions with a shifted prevalence of one
class (``critical`` from 0% to 40%, ``military_aid`` from 0% to 60%, ...: QuaPy's
artificial-prevalence protocol on a grid, one class against the rest, the rest in its
natural mixture; ``LabelledCollection.sampling_index`` draws them). Every method estimates
each sample's prevalence with error rates from other gold, and its 95% bootstrap interval
(:func:`stance.quantify.quantifiers.bootstrap_prevalence`); the run reports, per method, the mean
absolute error of the shifted class's estimate and how often the interval covers the true
share, in two designs:

The gold is, by default (``gold_sets = "unseen"``), that of the sets the model was not trained on,
which the model itself predicted (the leave-one-corpus-out predictions of a set it was trained on come
from a smaller model trained without it).

- ``split``: the gold's articles split at random into halves, error rates from one half, test
  samples from the other (error rates measured on the same kind of text as the target);
- ``across-corpora``: error rates from every other gold set, test samples from one gold set (a
  corpus without gold of its own); only where that set holds ``min_pool`` sentences of the
  shifted class and of the rest. The gold is resampled by corpus and then by article, as
  :func:`stance.measure` does for a corpus without gold of its own.
- ``random-samples`` (a check, not used to choose): each corpus's random sample as it is (its own
  prevalence, sentences drawn at random from the corpus, so typical of it, unlike the targeted
  ones), estimated with error rates from that corpus's targeted gold (``own targeted gold``) or from
  the other corpora (``other corpora``). The class of interest of each task is the grid's.

The default method is the one with the lowest mean absolute error among those that beat
classify and count and reach the coverage floor in both designs, or, failing that, in ``split``
(:func:`choose_method`).
A run writes ``samples.csv`` (every estimate), ``methods.csv``, ``tasks.csv``,
``validation.json``, ``summary.md`` and ``figures/``, like the other experiment runs.
"""

import json
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

from ..errors import StanceInputError
from ..io import write_table, write_text
from ..quantify.predictions import TASK_CLASSES, task_labels, task_scores
from ..quantify.prevalence import _seed
from ..quantify.quantifiers import METHODS, Sample, bootstrap_prevalence, fit_replicates, percentile_interval
from ..report.tables import markdown_table
from .config import read_toml

KIND = "quantification"
VALIDATIONS = ("split", "across-corpora", "random-samples")
# The validations that choose the default method (shifted prevalence over a grid); random-samples is a check.
CHOOSING = ("split", "across-corpora")
OWN, OTHERS = "random-samples, own targeted gold", "random-samples, other corpora"
OTHERS_RANDOM = "random-samples, other corpora's random samples"
DEFAULTS = {
    "kind": KIND, "name": None, "description": "", "gold_predictions": None, "design": "leave-one-corpus-out",
    "methods": list(METHODS), "sample_size": 300, "repeats": 10, "repeats_across": 5, "bootstrap": 200,
    "confidence": 0.95, "coverage_floor": 0.90, "min_pool": 10, "seed": 0, "validations": list(VALIDATIONS),
    "gold_sets": "unseen",
    "grid": {},
}


def load_config(path):
    """Read and check a quantification config; return it with defaults filled in.

    Raises
    ------
    StanceInputError
        Naming the file: a malformed file, an unknown key, method, task or class, a prevalence
        outside [0, 1].
    """
    path = Path(path)
    raw = read_toml(path)
    unknown = sorted(set(raw) - set(DEFAULTS))
    if unknown:
        raise StanceInputError(path, f"unknown config keys: {', '.join(unknown)}; known: {', '.join(DEFAULTS)}")
    config = {**DEFAULTS, **raw}
    config["name"] = config["name"] or path.stem
    bad = [m for m in config["methods"] if m not in METHODS]
    if bad:
        raise StanceInputError(path, f"unknown method {bad[0]!r}; choose from {', '.join(METHODS)}")
    if "cc" not in config["methods"]:
        raise StanceInputError(path, "methods must include 'cc', the reference every method must beat")
    if config["gold_sets"] not in ("unseen", "all"):
        raise StanceInputError(path, f"gold_sets must be 'unseen' (the sets the model was not trained on) or 'all', "
                               f"not {config['gold_sets']!r}")
    bad = [v for v in config["validations"] if v not in VALIDATIONS]
    if bad:
        raise StanceInputError(path, f"unknown validation {bad[0]!r}; choose from {', '.join(VALIDATIONS)}")
    if not config["grid"]:
        raise StanceInputError(path, "the [grid] table must name at least one class and its prevalences")
    grid = []
    for key, values in config["grid"].items():
        task, _, label = key.partition(":")
        classes = TASK_CLASSES.get(task)
        label = label or ("present" if classes and len(classes) == 2 else "")
        if classes is None or label not in classes:
            raise StanceInputError(path, f"grid key {key!r}: expected a topic or task:class (e.g. stance:critical)")
        if not values or any(not 0 <= float(v) <= 1 for v in values):
            raise StanceInputError(path, f"grid key {key!r}: prevalences must lie in [0, 1]")
        grid.append((task, classes.index(label), [float(v) for v in values]))
    config["grid_points"] = grid
    return config


def _sample_index(labels, target, prevalence, size, random_state):
    """Positions of a sample of ``size`` rows with share ``prevalence`` of class ``target`` (QuaPy APP sampling)."""
    from quapy.data import LabelledCollection

    collection = LabelledCollection(np.arange(len(labels)), (labels == target).astype(int), classes=[0, 1])
    return collection.sampling_index(size, 1.0 - prevalence, prevalence, random_state=random_state)


def _fits(methods, gold, task, n_boot, seed_key, nested):
    """Every method fitted on ``gold`` (rows with labels) and its resamples (shared by the methods): of its
    articles, or (``nested``) of its gold sets and then their articles, as :func:`stance.measure` does."""
    labels = task_labels(gold, task)
    articles = gold["article_id"].to_numpy()
    counts = None
    fitted = {}
    for method in methods:
        sample = Sample(task_scores(gold, task, METHODS[method].soft), articles, labels=labels, strata=gold["gold_set"].to_numpy())
        if counts is None:
            counts = sample.bootstrap_counts(n_boot, _seed(*seed_key), nested=nested)
        fitted[method] = fit_replicates(method, sample, counts)
    return fitted


def _estimates(config, fitted, pool, task, target, prevalence, key):
    """One sample of ``pool`` and every method's estimate of it (rows of samples.csv): an APP sample at
    ``prevalence`` of class ``target``, or the whole pool as it is when ``prevalence`` is None."""
    labels = task_labels(pool, task)
    if prevalence is None:
        index = np.arange(len(pool))
        clusters = pool["article_id"].to_numpy()
    else:
        seed = int(_seed(config["seed"], "sample", *key).integers(2**31 - 1))
        index = _sample_index(labels, target, prevalence, config["sample_size"], seed)
        clusters = np.arange(len(index))  # APP draws sentences one by one
    sample = pool.iloc[index]
    truth = np.bincount(labels[index], minlength=len(TASK_CLASSES[task])) / len(index)
    raw = task_scores(sample, task, False).mean(axis=0)
    rows = []
    for method, quantifiers in fitted.items():
        group = Sample(task_scores(sample, task, METHODS[method].soft), clusters)
        estimate, replicates = bootstrap_prevalence(method, None, group, n_boot=config["bootstrap"],
                                                    random_state=_seed(config["seed"], "boot", method, *key),
                                                    fitted=quantifiers)
        low, high = percentile_interval(replicates, config["confidence"])
        for c, label in enumerate(TASK_CLASSES[task]):
            if len(TASK_CLASSES[task]) == 2 and c == 0:
                continue  # a topic: its presence only
            rows.append({"task": task, "class": label, "shifted": c == target,
                         "target_prevalence": np.nan if prevalence is None else prevalence,
                         "method": method, "true": truth[c], "estimate": estimate[c], "low": low[c], "high": high[c],
                         "raw": raw[c]})
    return rows


def simulate(gold, config, progress=None):
    """Every validation of ``config`` on gold predictions with labels (one design's rows).

    Returns
    -------
    pandas.DataFrame
        One row per validation, task, grid point, repeat, method and class: ``validation, corpus,
        repeat, task, class, shifted, target_prevalence, method, true, estimate, low, high, raw,
        covered, abs_error``.
    """
    rows = []
    jobs = []
    if "split" in config["validations"]:
        articles = np.array(sorted(set(gold["article_id"])))
        for repeat in range(config["repeats"]):
            order = _seed(config["seed"], "split", repeat).permutation(len(articles))
            half = set(articles[order[: len(articles) // 2]])
            in_half = gold["article_id"].isin(half)
            jobs.append(("split", "all", repeat, gold[in_half], gold[~in_half]))
    if "across-corpora" in config["validations"]:
        for corpus in dict.fromkeys(gold["gold_set"]):
            jobs.append(("across-corpora", corpus, None, gold[gold["gold_set"] != corpus], gold[gold["gold_set"] == corpus]))
    if "random-samples" in config["validations"]:
        for corpus in dict.fromkeys(gold["gold_set"]):
            own = gold["gold_set"] == corpus
            drawn = own & (gold["sample"] == "random")
            if drawn.sum() >= config["min_pool"]:
                jobs.append((OWN, corpus, None, gold[own & ~drawn], gold[drawn]))
                jobs.append((OTHERS, corpus, None, gold[~own], gold[drawn]))
                jobs.append((OTHERS_RANDOM, corpus, None, gold[~own & (gold["sample"] == "random")], gold[drawn]))
    for validation, corpus, repeat, calibration, pool in (progress(jobs) if progress else jobs):
        if validation in (OWN, OTHERS, OTHERS_RANDOM):
            for task, target, _ in config["grid_points"]:
                counts = np.bincount(task_labels(calibration, task), minlength=len(TASK_CLASSES[task]))
                if counts.min() < config["min_pool"]:
                    continue
                fitted = _fits(config["methods"], calibration, task, config["bootstrap"],
                               (config["seed"], "gold", validation, corpus, task), nested=validation != OWN)
                for row in _estimates(config, fitted, pool, task, target, None, (validation, corpus, task)):
                    rows.append({"validation": validation, "corpus": corpus, "repeat": 0, **row})
            continue
        for task, target, grid in config["grid_points"]:
            labels = task_labels(pool, task)
            if min((labels == target).sum(), (labels != target).sum()) < config["min_pool"]:
                continue
            counts = np.bincount(task_labels(calibration, task), minlength=len(TASK_CLASSES[task]))
            if counts.min() < config["min_pool"]:
                continue
            fitted = _fits(config["methods"], calibration, task, config["bootstrap"],
                           (config["seed"], "gold", validation, corpus, repeat, task), nested=validation == "across-corpora")
            repeats = [repeat] if validation == "split" else range(config["repeats_across"])
            for r in repeats:
                for prevalence in grid:
                    key = (validation, corpus, r, task, target, prevalence)
                    for row in _estimates(config, fitted, pool, task, target, prevalence, key):
                        rows.append({"validation": validation, "corpus": corpus, "repeat": r, **row})
    table = pd.DataFrame(rows)
    table["covered"] = (table["low"] <= table["true"] + 1e-12) & (table["true"] <= table["high"] + 1e-12)
    table["abs_error"] = (table["estimate"] - table["true"]).abs()
    table["raw_abs_error"] = (table["raw"] - table["true"]).abs()
    table["width"] = table["high"] - table["low"]
    return table


def method_table(samples):
    """Per validation and method, over the shifted classes: mean absolute error, coverage, mean interval width."""
    shifted = samples[samples["shifted"]]
    table = shifted.groupby(["validation", "method"], sort=False).agg(
        samples=("abs_error", "size"), mae=("abs_error", "mean"), coverage=("covered", "mean"),
        mean_width=("width", "mean")).reset_index()
    return table


def task_table(samples):
    """Per validation, task (shifted class) and method: mean absolute error and coverage."""
    shifted = samples[samples["shifted"]]
    return shifted.groupby(["validation", "task", "class", "method"], sort=False).agg(
        samples=("abs_error", "size"), mae=("abs_error", "mean"), coverage=("covered", "mean"),
        mean_width=("width", "mean")).reset_index()


def choose_method(methods, floor=0.90):
    """The default method from :func:`method_table`.

    A method *qualifies* in a validation when its mean absolute error is below classify and
    count's (``cc``) and its intervals cover the true share at least ``floor`` of the time. The
    default is the qualifying method with the lowest mean absolute error over the validations,
    among those that qualify in every validation; when none does, among those that qualify in
    ``split`` (error rates from the kind of text measured, the premise of every method); when none
    does either, the method with the lowest mean absolute error.

    Returns
    -------
    dict
        ``method``, ``rule`` (``every validation``, ``split only`` or ``lowest error``),
        ``qualified`` (per validation, the methods that qualify) and ``reason`` (the numbers).
    """
    methods = methods[methods["validation"].isin(CHOOSING)]
    wide = methods.pivot(index="method", columns="validation", values=["mae", "coverage"])
    validations = list(wide["mae"].columns)
    mean_mae = wide["mae"].mean(axis=1)
    qualified = {v: [m for m in wide.index if m != "cc" and wide.loc[m, ("mae", v)] < wide.loc["cc", ("mae", v)]
                     and wide.loc[m, ("coverage", v)] >= floor] for v in validations}
    everywhere = [m for m in wide.index if all(m in q for q in qualified.values())]
    numbers = "; ".join(f"`{m}` " + ", ".join(f"{v}: MAE {wide.loc[m, ('mae', v)]:.3f}, coverage {wide.loc[m, ('coverage', v)]:.2f}"
                                            for v in validations) for m in wide.index)
    if everywhere:
        best, rule = min(everywhere, key=lambda m: mean_mae[m]), "every validation"
        reason = (f"`{best}` has the lowest mean absolute error of the methods that beat classify and count and cover "
                  f"at least {floor:.0%} in every validation ({', '.join(everywhere)}). Numbers: {numbers}.")
    elif qualified.get("split"):
        best, rule = min(qualified["split"], key=lambda m: wide.loc[m, ("mae", "split")]), "split only"
        reason = (f"No method beats classify and count and covers at least {floor:.0%} in every validation. In `split` "
                  f"({', '.join(qualified['split'])} do), `{best}` has the lowest mean absolute error and is the default; "
                  f"its intervals are too narrow where the error rates come from other corpora. Numbers: {numbers}.")
    else:
        best, rule = str(mean_mae.idxmin()), "lowest error"
        reason = (f"No method beats classify and count and covers at least {floor:.0%}, in any validation; `{best}` has "
                  f"the lowest mean absolute error. Numbers: {numbers}.")
    return {"method": best, "rule": rule, "qualified": qualified, "reason": reason}


def run_validation(config_path, results=None, progress=None):
    """Run the quantification validation of ``config_path``; return the run folder.

    The run folder (``<results>/<UTC timestamp>-<name>/``) holds the config, the environment,
    ``samples.csv``, ``methods.csv``, ``tasks.csv``, ``validation.json``, ``summary.md`` and the figures.
    """
    from ..report import figures
    from ..quantify.gold_predictions import load_gold_predictions
    from .environment import environment
    from .registry import new_run_folder

    config_path = Path(config_path)
    config = load_config(config_path)
    results = Path(results) if results else config_path.parent / "results"
    path = None if config["gold_predictions"] in (None, "default") else config_path.parent / config["gold_predictions"]
    gold, about = load_gold_predictions(path)
    gold = gold[gold["design"] == config["design"]]
    if config["gold_sets"] == "unseen" and (~gold["gold_set"].isin(about.get("trained_on", []))).any():
        gold = gold[~gold["gold_set"].isin(about.get("trained_on", []))]
    gold = gold.reset_index(drop=True)
    if gold.empty:
        raise StanceInputError(config_path, f"the gold predictions hold no row of design {config['design']!r}")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        samples = simulate(gold, config, progress)
    methods = method_table(samples)
    tasks = task_table(samples)
    chosen = choose_method(methods, config["coverage_floor"])
    folder = new_run_folder(results, config["name"])
    write_text(config_path.read_text(encoding="utf-8"), folder / "config.toml")
    write_text(json.dumps(environment(), indent=2) + "\n", folder / "environment.json")
    write_table(samples.round(6), folder / "samples.csv")
    write_table(methods, folder / "methods.csv")
    write_table(tasks, folder / "tasks.csv")
    record = {"config": config["name"], "kind": KIND, "gold_predictions": about.get("model"), "design": config["design"],
              "gold_sentences": len(gold), "gold_sets": sorted(set(gold["gold_set"])), "chosen": chosen,
              "methods": methods.to_dict(orient="records")}
    write_text(json.dumps(record, indent=2) + "\n", folder / "validation.json")
    paths = [figures.quantification_validation(samples, folder / "figures" / f"validation_{v}.png", v, config["confidence"])
             for v in config["validations"] if v in set(samples["validation"])]
    write_text(validation_summary(config, about, gold, methods, tasks, chosen, paths), folder / "summary.md")
    return folder


def validation_summary(config, about, gold, methods, tasks, chosen, figure_paths):
    """The run's ``summary.md``: design, the method table, the choice, the per-task table and figures."""
    sets = ", ".join(f"{s} ({n})" for s, n in gold["gold_set"].value_counts(sort=False).items())
    grid = "; ".join(f"{task}{'' if len(TASK_CLASSES[task]) == 2 else ':' + TASK_CLASSES[task][c]} "
                     f"{min(v):.0%}-{max(v):.0%}" for task, c, v in config["grid_points"])
    method_rows = methods.assign(mae=methods["mae"].round(4), coverage=methods["coverage"].round(3),
                                 mean_width=methods["mean_width"].round(3))
    task_rows = tasks.assign(mae=tasks["mae"].round(4), coverage=tasks["coverage"].round(3),
                             mean_width=tasks["mean_width"].round(3))
    lines = [f"# Experiment `{config['name']}` (quantification)", "", config["description"], "",
             f"Out-of-fold gold predictions of model `{about.get('model')}`, design `{config['design']}`"
             + (f", the gold sets the model was not trained on (it was trained on {', '.join(about.get('trained_on', []))}), "
                "each predicted by the model itself" if config["gold_sets"] == "unseen" else "")
             + f": {len(gold)} gold sentences ({sets}; random and targeted samples). Test samples of "
             f"{config['sample_size']} sentences drawn with a shifted prevalence of one class against the rest "
             f"(QuaPy's artificial-prevalence sampling; grid: {grid}); `split`: {config['repeats']} random halvings "
             f"of the gold's articles (error rates from one half, samples from the other); `across-corpora`: error "
             f"rates from the other gold sets, {config['repeats_across']} samples per grid point from each set "
             f"holding at least {config['min_pool']} sentences of the shifted class and of the rest. Intervals: "
             f"{config['confidence']:.0%} percentile bootstrap, {config['bootstrap']} replicates resampling the gold (its "
             f"articles in `split`; its gold sets and then their articles in `across-corpora`, as `stance measure` does "
             f"for a corpus without gold of its own) and the sample's sentences. Seed {config['seed']}.", "",
             "## Methods (mean absolute error of the shifted class's share, coverage of its interval)", "",
             markdown_table(method_rows, float_format="{:.4f}"), "",
             f"**Default: `{chosen['method']}`** (rule: {chosen['rule']}). {chosen['reason']}", "",
             "## Per task", "", markdown_table(task_rows, float_format="{:.4f}"), "",
             "Caveat: the samples are drawn from the gold, whose targeted sentences were selected by cues; where "
             "the corpus's sentences of a class differ from the gold's (other wording, other speakers), error rates "
             "carry over less well than here, and `across-corpora` shows by how much.", "",
             "## Figures", ""] + [f"![{p.stem}](figures/{p.name})" for p in figure_paths] + [""]
    return "\n".join(lines)
